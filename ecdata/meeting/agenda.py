"""The meeting's agenda and the shared screen's privacy: settings kept in DuckDB (undoable),
and the figures each agenda screen shows."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pandas as pd

from ecdata.formatting import format_value, is_missing
from ecdata.i18n import t
from ecdata.metrics.catalogue import METRICS
from ecdata.metrics.kpis import (
    Filters,
    agent_kpis,
    coverage,
    kpi_table,
    totals,
    with_dates,
)
from ecdata.metrics.periods import compared_range, week_start
from ecdata.metrics.review import totals_per_currency, with_each_currency
from ecdata.store import Store
from ecdata.store.settings import save_setting, setting
from ecdata.team.diagnosis import full_diagnosis
from ecdata.team.files import rating_months
from ecdata.team.scoring import evaluate_month, stored_schemes

# The screens of the meeting, in the order the meeting usually takes them.
SCREENS = ("targets", "equation", "inquiry_cost", "lagging", "team", "plan", "actions")
AGENDA_KEY = "meeting.agenda"
PEOPLE_KEY = "meeting.people"  # how people are named on the shared screen
PEOPLE_SHOWN = ("name", "initials")
TREND_WEEKS = 13


def agenda(cur) -> list[str]:
    """The screens chosen for the meeting, in their order (all of them until chosen)."""
    chosen = setting(cur, AGENDA_KEY, list(SCREENS))
    return [s for s in chosen if s in SCREENS] or list(SCREENS)


def save_agenda(store: Store, screens: list[str]) -> int:
    """Choose and order the meeting's screens; an empty or unknown choice is a ValueError."""
    unknown = [s for s in screens if s not in SCREENS]
    if unknown or not screens or len(set(screens)) != len(screens):
        raise ValueError(f"an agenda is an ordered choice among {SCREENS}, got {screens}")
    return save_setting(store, AGENDA_KEY, list(screens))


def people_shown(cur) -> str:
    value = setting(cur, PEOPLE_KEY, "name")
    return value if value in PEOPLE_SHOWN else "name"


def save_people_shown(store: Store, how: str) -> int:
    if how not in PEOPLE_SHOWN:
        raise ValueError(f"people are shown by one of {PEOPLE_SHOWN}, got {how!r}")
    return save_setting(store, PEOPLE_KEY, how)


_CJK = re.compile(r"[\u3400-\u9fff]")


def initials(name: str) -> str:
    """A person as initials on a shared screen: 张伟 → 张*, Anna Smith → A.S.; the store
    prefix of an agent name (店铺:小美) is kept, it names no one."""
    prefix, sep, person = name.rpartition(":") if ":" in name else ("", "", name)
    person = person.strip()
    if not person:
        return name
    if _CJK.search(person):
        shown = person[0] + "*" * (len(person) - 1)
    else:
        shown = ".".join(part[0].upper() for part in person.split() if part) + "."
    return f"{prefix}{sep}{shown}"


def shown_names(names, how: str) -> list[str]:
    return [initials(str(n)) if how == "initials" else str(n) for n in names]


def week_label(day: dt.date) -> str:
    """The ISO week a day falls in, as meetings name it: 2026-W47."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class TargetLine:
    """One figure of the targets screen against its target (NaN where none was set)."""

    metric: str
    value: float
    target_metric: str
    target: float  # the covered days' target when `covered` (the completion's denominator)
    completion: float | None  # value ÷ target, for targets to reach; None for a ceiling
    met: bool | None  # None without a target
    covered: tuple[int, int] | None = None  # kpis.coverage of the value, when partial
    # Money in several currencies without every month's rate: each currency's own figure
    # (the converted total would leave that money out), as the review's cards show it.
    by_currency: dict[str, float] = field(default_factory=dict)


def target_lines(cur, filters: Filters) -> list[TargetLine]:
    """The targets screen: sales and inquiries of the range against their targets (reached
    at 100% completion), and inquiry cost against the target inquiry cost (met at or below
    it); ratios of sums (kpis.py)."""
    row = totals(cur, filters)
    out = []
    for metric, target, completion in (
        ("sales", "sales_target", "sales_target_completion"),
        ("inquiries", "inquiry_target", "inquiry_task_completion"),
    ):
        done = row[completion]
        met = None if is_missing(done) else bool(done >= 1)
        covered = coverage(row, completion)
        # With part of the range covered, the target shown is the one the completion
        # divides by (the covered days'), so value ÷ target = completion on the screen.
        shown = row[f"{target}_covered"] if covered else row[target]
        out.append(TargetLine(metric, row[metric], target, shown, done, met, covered))
    cost, ceiling = row["inquiry_cost"], row["target_inquiry_cost"]
    met = None if is_missing(cost) or is_missing(ceiling) else bool(cost <= ceiling)
    covered = coverage(row, "inquiry_cost")
    out.append(TargetLine("inquiry_cost", cost, "target_inquiry_cost", ceiling, None, met, covered))
    return with_each_currency(cur, filters, out)


# The report's first table: the week's key numbers against last week and their targets.
SUMMARY_METRICS = (
    "visitors",
    "conversion_rate",
    "aov",
    "sales",
    "spend",
    "roi",
    "inquiries",
    "inquiry_cost",
    "closed_inquiry_cost",
    "inquiry_quality",
)
# A metric's target and how far it got (None: a ceiling, met at or below it).
SUMMARY_TARGETS = {
    "sales": ("sales_target", "sales_target_completion"),
    "inquiries": ("inquiry_target", "inquiry_task_completion"),
    "inquiry_cost": ("target_inquiry_cost", None),
}


@dataclass(frozen=True)
class SummaryLine:
    metric: str
    now: float
    before: float
    target: float | None
    completion: float | None
    met: bool | None
    covered: tuple[int, int] | None = None  # kpis.coverage of this range's value


def kpi_summary(cur, filters: Filters) -> list[SummaryLine]:
    """The range's key numbers beside the same days a whole number of weeks before (last
    week for a week, last week's Monday to Wednesday for this week's), with their targets
    and completion; a metric the scope has no figure for either time (inquiry quality
    without an inquiry list) is left out."""
    first, last = filters.span
    shift = dt.timedelta(weeks=-(-((last - first).days + 1) // 7))
    now = totals(cur, filters)
    before = totals(cur, with_dates(filters, first - shift, last - shift))
    out = []
    for metric in SUMMARY_METRICS:
        if is_missing(now[metric]) and is_missing(before[metric]):
            continue
        target = completion = met = None
        if metric in SUMMARY_TARGETS:
            target_col, completion_col = SUMMARY_TARGETS[metric]
            target = None if is_missing(now[target_col]) else float(now[target_col])
            if completion_col is not None and not is_missing(now[completion_col]):
                completion = float(now[completion_col])
                met = completion >= 1
            elif completion_col is None and target is not None and not is_missing(now[metric]):
                met = bool(now[metric] <= target)
        # A completion covers what its ratio does (the target of the covered days).
        ratio = SUMMARY_TARGETS.get(metric, (None, None))[1] or metric
        covered = coverage(now, ratio) if METRICS[ratio].derived else None
        out.append(
            SummaryLine(metric, now[metric], before[metric], target, completion, met, covered)
        )
    return out


# The targets screen's derived numbers, whose formulas it shows beside them.
TARGET_FORMULAS = ("sales_target_completion", "inquiry_task_completion", "target_inquiry_cost")


def target_formulas(lang: str) -> list[str]:
    """'label = formula' for each number of the targets screen that is computed."""
    return [f"{METRICS[m].label(lang)} = {METRICS[m].formula(lang)}" for m in TARGET_FORMULAS]


def trend_weeks(cur, filters: Filters) -> pd.DataFrame:
    """kpi_table per week for the TREND_WEEKS weeks up to the range's end (the inquiry-cost
    screen's 13 weeks)."""
    last = filters.date_to or dt.date.today()
    first = week_start(last) - dt.timedelta(weeks=TREND_WEEKS - 1)
    return kpi_table(cur, "week", "none", with_dates(filters, first, last))


def agent_movers(cur, filters: Filters, comparison: str, top: int = 5) -> pd.DataFrame:
    """The lagging screen's agents: whose closed inquiries moved most against the comparison
    period (the previous one when comparing with targets: agents have none).

    Columns: store, member, current, previous, change, change_pct (NaN from nothing)."""
    span = compared_range(*filters.span, comparison)
    keys = ["store", "member"]
    now = agent_kpis(cur, filters)
    before = agent_kpis(cur, with_dates(filters, *span))
    both = now[keys + ["closed_inquiries"]].merge(
        before[keys + ["closed_inquiries"]], on=keys, how="outer", suffixes=("_now", "_before")
    )
    both = both[both.member != "team"].fillna({"closed_inquiries_now": 0})
    both.columns = [*keys, "current", "previous"]
    both = both.dropna(subset=["previous"])
    both["change"] = both.current - both.previous
    both["change_pct"] = both.change / both.previous.where(both.previous != 0)
    order = both.change.abs().sort_values(ascending=False).index
    return both.reindex(order).head(top).reset_index(drop=True)


def inquiry_lines(cur, filters: Filters, lang: str, currency: str) -> list[str]:
    """The inquiry-cost screen's figures for the view's range, as one defines them everywhere
    (the catalogue): inquiry cost and closed-inquiry cost, and where the inquiry ledger judged
    inquiries, their quality (n of N qualified) and replies in time."""
    k = totals(cur, filters)
    # Without every month's exchange rate, each currency's own figure (as the targets').
    per_currency = totals_per_currency(cur, filters) or {currency: k}
    lines = [
        f"{METRICS[m].label(lang)} "
        + " · ".join(format_value(r[m], "currency", lang, s) for s, r in per_currency.items())
        for m in ("inquiry_cost", "closed_inquiry_cost")
    ]
    if pd.notna(k["qualified_inquiries"]):
        lines.append(
            t(
                "meet.quality_line",
                lang,
                quality=format_value(k["inquiry_quality"], "rate"),
                qualified=int(k["qualified_inquiries"]),
                inquiries=int(k["ledger_inquiries"]),
            )
        )
    if pd.notna(k["reply_in_time_rate"]):
        lines.append(
            f"{METRICS['reply_in_time_rate'].label(lang)} "
            f"{format_value(k['reply_in_time_rate'], 'rate')} · "
            f"{METRICS['first_reply_hours'].label(lang)} "
            f"{format_value(k['first_reply_hours'], 'hours', lang)}"
        )
    return lines


def ledger_lags(cur, filters: Filters, lang: str, how: str) -> list[str]:
    """The lagging screen's lines from the inquiry ledger: agents (named as the meeting names
    people) and sources whose inquiry quality or reply-in-time rate fell from the week before
    the view's last week to it; empty without a ledger."""
    from ecdata.inquiries import lagging
    from ecdata.metrics.ledger import has_ledger

    if not has_ledger(cur):
        return []
    week = week_start(filters.span[1])
    lines = []
    for lag in lagging(cur, filters, week):
        name = shown_names([lag["name"]], how)[0] if lag["by"] == "agent" else lag["name"]
        lines.append(
            t(
                "meet.ledger_lag",
                lang,
                who=t(f"inqdim.{'agent' if lag['by'] == 'agent' else 'channel'}", lang),
                name=name,
                metric=METRICS[lag["metric"]].label(lang),
                before=format_value(lag["before"], "rate"),
                now=format_value(lag["now"], "rate"),
            )
        )
    return lines


def team_ranking(cur, as_of: dt.date, stores: tuple[str, ...] = ()):
    """The team screen: (month, diagnosis, scores) for the latest month with ratings up to
    `as_of`, scored under the diagnosed stage's scheme; scores hold name and score only,
    best first: pay is never part of it."""
    months = [m for m in rating_months(cur) if m <= as_of]
    _, diagnosis = full_diagnosis(cur, as_of, None, stores)
    if not months:
        return None, diagnosis, pd.DataFrame(columns=["name", "score"])
    month = months[-1]
    _, scores, _ = evaluate_month(cur, month, diagnosis.stage, stored_schemes(cur))
    if scores.empty:
        return month, diagnosis, pd.DataFrame(columns=["name", "score"])
    ranked = scores.sort_values("score", ascending=False)[["name", "score"]]
    return month, diagnosis, ranked.reset_index(drop=True)
