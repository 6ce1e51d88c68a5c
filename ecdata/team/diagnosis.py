"""Stage diagnosis (docs/domain.md §4): which stage the team is in, on what evidence, and what
follows from it. The thresholds are settings; their defaults are stated where docs/domain.md gives
none (it says start = one to five people, growth after six months to a year)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass, field

import pandas as pd

from ecdata.i18n import t
from ecdata.metrics.kpis import Filters, kpi_table
from ecdata.store.settings import save_setting, setting
from ecdata.team.files import ratings_frame, roster_frame
from ecdata.team.org import hiring_gaps


@dataclass(frozen=True)
class Thresholds:
    start_max_headcount: int = 5  # docs/domain.md §4: a start team is one to five people
    growth_min_age_months: int = 6  # §4: growth typically after six months to a year
    specialised_min_roles: int = 5  # distinct roles once one person no longer covers several
    tracked_min_months: int = 3  # months with inquiry targets before they count as tracked
    stable_max_variation: float = 0.15  # inquiry cost's coefficient of variation over 6 months
    mature_min_attained_months: int = 4  # of the last 6 months at or above the sales target


@dataclass(frozen=True)
class Evidence:
    headcount: int
    team_age_months: float
    distinct_roles: int
    inquiry_target_months: int
    inquiry_cost_variation: float | None  # coefficient of variation, last 6 months
    inquiry_cost_rising_months: int  # consecutive month-on-month rises up to the last month
    target_attained_months: int  # of the last 6 months with a sales target
    target_months: int
    roles_present: frozenset = frozenset()
    # (days gone, days in it) when the latest month is not over: it counts with the target
    # of its days gone (its pace), never as "no data".
    month_in_progress: tuple[int, int] | None = None


@dataclass(frozen=True)
class Finding:
    name: str  # evidence name, for the label
    value: object
    points_to: str | None  # "start", "growth" or "mature"; None when there is no data yet
    rule: str  # the threshold, in words (zh/en via the page's table)


@dataclass
class Diagnosis:
    stage: str
    findings: list[Finding]
    mixed: bool
    warnings: list[tuple[str, dict]] = field(default_factory=list)  # (message key, params)
    next_hires: list[str] = field(default_factory=list)


def diagnose_stage(
    e: Evidence, current_scheme: str | None = None, t: Thresholds = Thresholds()
) -> Diagnosis:
    """The stage the evidence supports, every finding with the stage it points to, and
    warnings (a scheme that does not fit the stage, inquiry cost rising three months)."""
    findings = [
        Finding(
            "headcount",
            e.headcount,
            "start" if e.headcount <= t.start_max_headcount else "growth",
            f"<= {t.start_max_headcount}",
        ),
        Finding(
            "team_age_months",
            round(e.team_age_months, 1),
            "start" if e.team_age_months < t.growth_min_age_months else "growth",
            f">= {t.growth_min_age_months}",
        ),
        Finding(
            "distinct_roles",
            e.distinct_roles,
            "growth" if e.distinct_roles >= t.specialised_min_roles else "start",
            f">= {t.specialised_min_roles}",
        ),
        Finding(
            "inquiry_target_months",
            e.inquiry_target_months,
            "growth" if e.inquiry_target_months >= t.tracked_min_months else "start",
            f">= {t.tracked_min_months}",
        ),
    ]
    stable = (
        e.inquiry_cost_variation is not None and e.inquiry_cost_variation <= t.stable_max_variation
    )
    findings.append(
        Finding(
            "inquiry_cost_variation",
            None if e.inquiry_cost_variation is None else round(e.inquiry_cost_variation, 3),
            # Without six months of inquiry cost there is nothing to point anywhere.
            None if e.inquiry_cost_variation is None else "mature" if stable else "growth",
            f"<= {t.stable_max_variation}",
        )
    )
    attained = e.target_attained_months >= t.mature_min_attained_months
    findings.append(
        Finding(
            "target_attained_months",
            f"{e.target_attained_months}/{e.target_months}",
            None if e.target_months == 0 else "mature" if attained else "growth",
            f">= {t.mature_min_attained_months}/6",
        )
    )

    growth_base = (
        e.headcount > t.start_max_headcount and e.team_age_months >= t.growth_min_age_months
    )
    if growth_base and stable and attained and e.inquiry_target_months >= t.tracked_min_months:
        stage = "mature"
    elif growth_base:
        stage = "growth"
    else:
        stage = "start"
    mixed = len({f.points_to for f in findings} - {None}) > 1

    warnings: list[tuple[str, dict]] = []
    if current_scheme and current_scheme != stage:
        warnings.append(("warn.scheme_mismatch", {"scheme": current_scheme, "stage": stage}))
    if e.inquiry_cost_rising_months >= 3:
        warnings.append(("warn.cost_rising", {"months": e.inquiry_cost_rising_months}))
    if stage != "start" and e.inquiry_target_months < t.tracked_min_months:
        warnings.append(("warn.untracked", {}))
    return Diagnosis(stage, findings, mixed, warnings)


def _months_between(first: dt.date, last: dt.date) -> float:
    return (last.year - first.year) * 12 + (last.month - first.month) + (last.day - first.day) / 30


def gather_evidence(cur, as_of: dt.date, stores: tuple[str, ...] = ()) -> Evidence:
    """The evidence for `diagnose_stage` from the roster, ratings and KPI tables."""
    roster = roster_frame(cur, as_of)
    if stores and not roster.empty:
        roster = roster[roster.store.isin(stores) | roster.store.isna()]
    hired = pd.to_datetime(roster.hired).dropna() if not roster.empty else pd.Series()
    age = _months_between(hired.min().date(), as_of) if len(hired) else 0.0
    ratings = ratings_frame(cur)
    target_months_seen: set = set()
    if not ratings.empty and "inquiry_target" in ratings:
        target_months_seen |= set(ratings.dropna(subset=["inquiry_target"]).month)
    six_back = (pd.Timestamp(as_of).to_period("M") - 6).start_time.date()
    monthly = kpi_table(
        cur, "month", "none", Filters(stores=stores, date_from=six_back, date_to=as_of)
    )
    # Months with an inquiry target: typed per person in the ratings, or set for the store
    # (monthly costs and a target inquiry cost); the month in progress counts.
    if not monthly.empty:
        target_months_seen |= set(monthly.dropna(subset=["inquiry_target"]).period)
    target_months = len({pd.Timestamp(m).to_period("M") for m in target_months_seen})
    days_in_month = pd.Timestamp(as_of).days_in_month
    in_progress = (as_of.day, days_in_month) if as_of.day < days_in_month else None
    # Inquiry cost's trend and stability: whole months only (a part month's cost swings).
    whole = (
        monthly[pd.to_datetime(monthly.period).dt.date < as_of.replace(day=1)]
        if not monthly.empty
        else monthly
    )
    costs = whole.inquiry_cost.dropna() if not whole.empty else pd.Series(dtype=float)
    variation = (
        float(costs.std(ddof=0) / costs.mean()) if len(costs) >= 3 and costs.mean() else None
    )
    rising = 0
    values = list(costs)
    for a, b in zip(reversed(values[:-1]), reversed(values[1:])):
        if b > a:
            rising += 1
        else:
            break
    # Sales against the target over the last six whole months; a team with no whole month
    # of targets yet (a new store) is judged on the month in progress, against the target
    # of its days gone (the table spreads a month's target over the days it covers).
    recent = (
        monthly[
            pd.to_datetime(monthly.period) >= (pd.Timestamp(as_of).to_period("M") - 6).start_time
        ]
        if not monthly.empty
        else monthly
    )
    with_target = recent.dropna(subset=["sales_target"]) if not recent.empty else recent
    if len(with_target):
        whole_months = pd.to_datetime(with_target.period).dt.date < as_of.replace(day=1)
        if whole_months.any():
            with_target = with_target[whole_months]
    attained = int((with_target.sales >= with_target.sales_target).sum()) if len(with_target) else 0
    return Evidence(
        headcount=len(roster),
        team_age_months=age,
        distinct_roles=int(roster.role.nunique()) if not roster.empty else 0,
        inquiry_target_months=int(target_months),
        inquiry_cost_variation=None if variation is None or math.isnan(variation) else variation,
        inquiry_cost_rising_months=rising,
        target_attained_months=attained,
        target_months=len(with_target),
        roles_present=frozenset(roster.role.dropna()) if not roster.empty else frozenset(),
        month_in_progress=in_progress,
    )


def full_diagnosis(
    cur,
    as_of: dt.date,
    current_scheme: str | None = None,
    stores: tuple[str, ...] = (),
    thresholds: Thresholds | None = None,
) -> tuple[Evidence, Diagnosis]:
    """The evidence and the diagnosis as of a day, under `thresholds` (None: the thresholds
    in force, as saved on the diagnosis page)."""
    thresholds = thresholds or stored_thresholds(cur)
    evidence = gather_evidence(cur, as_of, stores)
    diagnosis = diagnose_stage(evidence, current_scheme, thresholds)
    roster = pd.DataFrame({"role": list(evidence.roles_present)})
    diagnosis.next_hires = hiring_gaps(roster)[:2]
    return evidence, diagnosis


def warning_texts(diagnosis: Diagnosis, lang: str) -> list[str]:
    """The diagnosis's warnings as sentences in `lang` (stage names translated too)."""
    out = []
    for key, params in diagnosis.warnings:
        named = {
            k: t(f"stage.{v}", lang) if k in ("scheme", "stage") else v for k, v in params.items()
        }
        out.append(t(key, lang, **named))
    return out


THRESHOLDS_KEY = "team.thresholds"  # as edited on the diagnosis page (app_settings)


def stored_thresholds(cur) -> Thresholds:
    """The thresholds in force: as last saved, else the defaults (fields saved are kept,
    in the type of their default)."""
    saved = setting(cur, THRESHOLDS_KEY, {}) or {}
    defaults = Thresholds()
    return Thresholds(
        **{
            f.name: type(getattr(defaults, f.name))(saved[f.name])
            for f in dataclasses.fields(Thresholds)
            if f.name in saved
        }
    )


def save_thresholds(store, thresholds: Thresholds) -> int:
    """Keep `thresholds` in DuckDB (undoable with store.settings.undo_setting)."""
    return save_setting(store, THRESHOLDS_KEY, dataclasses.asdict(thresholds))


# What follows from each stage (docs/domain.md §4): i18n keys, in the order shown.
ADVICE = {
    "start": ["advice.start.1", "advice.start.2", "advice.start.3"],
    "growth": ["advice.growth.1", "advice.growth.2", "advice.growth.3"],
    "mature": ["advice.mature.1", "advice.mature.2", "advice.mature.3"],
}
