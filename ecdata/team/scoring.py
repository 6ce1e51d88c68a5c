"""Performance schemes by team stage (docs/domain.md §4): scores, and the pay they imply.

Every weight, tier and coefficient is a setting with docs/domain.md's default (or, where it
gives no number, a stated default); each result keeps its parts so the UI can show which
scheme and which numbers produced it. Points are on a 0-100 scale; completions are
fractions (1.0 = 100%).

Pay = base × level coefficient + base × floating coefficient × performance coefficient
      + incentive + other                                     (docs/domain.md §4, growth)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from ecdata.i18n import Refusal, t
from ecdata.inquiries import agent_month as ledger_agent_month
from ecdata.metrics.kpis import Filters, agent_kpis, agent_month_sums
from ecdata.metrics.periods import period_end
from ecdata.store.settings import save_setting, setting
from ecdata.team.plans import plan_results

STAGES = ("start", "growth", "mature")


def tier_value(tiers: tuple[tuple[float, float], ...], x: float) -> float:
    """The value of the highest tier whose threshold `x` reaches (tiers sorted ascending)."""
    value = 0.0
    for threshold, tier in tiers:
        if x >= threshold:
            value = tier
    return value


@dataclass(frozen=True)
class StartScheme:
    """初期: work results 70% + supervisor 20% + peer 10%; results = task completion and
    quality of the work (equal halves by default)."""

    results_weight: float = 0.7
    supervisor_weight: float = 0.2
    peer_weight: float = 0.1
    task_share_of_results: float = 0.5
    # What a task done after its deadline counts toward task completion (the plan's; 0: none).
    late_task_credit: float = 0.0


@dataclass(frozen=True)
class GrowthScheme:
    """成长期: inquiry task completion, inquiry quality, work task completion, supervisor and
    peer ratings; a tiered (阶梯式) inquiry bonus. docs/domain.md gives no weights or tiers: these
    defaults are ours, shown on the page and editable."""

    weights: tuple[tuple[str, float], ...] = (
        ("inquiry_completion", 0.4),
        ("inquiry_quality", 0.2),
        ("task_completion", 0.2),
        ("supervisor_rating", 0.1),
        ("peer_rating", 0.1),
    )
    completion_cap: float = 1.5  # completion above 150% earns no more points
    # (inquiry task completion reached, yuan per inquiry for all of the month's inquiries)
    bonus_tiers: tuple[tuple[float, float], ...] = ((0.0, 0.0), (0.8, 2.0), (1.0, 3.0), (1.2, 4.0))


@dataclass(frozen=True)
class MatureScheme:
    """成熟期: sales (or profit) target completion and monthly task completion; tiered
    commission rising with attainment, a tenure factor, and a collaborator (配合人) share."""

    target_weight: float = 0.7
    task_weight: float = 0.3
    basis: str = "sales"  # or "profit": what the target and the commission are on
    completion_cap: float = 1.5
    # (target attainment reached, commission rate on the basis)
    commission_tiers: tuple[tuple[float, float], ...] = (
        (0.0, 0.0),
        (0.8, 0.01),
        (1.0, 0.02),
        (1.2, 0.03),
    )
    # (months of tenure reached, factor on the commission)
    tenure_tiers: tuple[tuple[float, float], ...] = ((0, 1.0), (12, 1.1), (36, 1.2))
    collaborator_share: float = 0.2  # of the sellers' commission, shared by the store's 配合人


@dataclass(frozen=True)
class PaySettings:
    points_per_coefficient: float = 100.0  # performance coefficient = score / 100
    coefficient_range: tuple[float, float] = (0.0, 2.0)


@dataclass(frozen=True)
class Schemes:
    start: StartScheme = field(default_factory=StartScheme)
    growth: GrowthScheme = field(default_factory=GrowthScheme)
    mature: MatureScheme = field(default_factory=MatureScheme)
    pay: PaySettings = field(default_factory=PaySettings)

    def changed(self, stage: str, **settings) -> Schemes:
        """These schemes with `settings` changed in the scheme of `stage` (start, growth,
        mature): what the Team KPIs editors hand on."""
        return dataclasses.replace(
            self, **{stage: dataclasses.replace(getattr(self, stage), **settings)}
        )


def _num(value) -> float:
    return 0.0 if value is None or pd.isna(value) else float(value)


def _ratio(numerator, denominator) -> float | None:
    n, d = _num(numerator), _num(denominator)
    return n / d if d else None


def score_people(people: pd.DataFrame, stage: str, schemes: Schemes = Schemes()) -> pd.DataFrame:
    """Each person's score for one month under `stage`'s scheme, with its parts.

    `people` has one row per person: person_id, name, and the month's ratings
    (task_completion, work_quality, supervisor_rating, peer_rating in points 0-100;
    inquiries, qualified_inquiries, inquiry_target, sales, sales_target, profit,
    profit_target). Returns person_id, name, score, rank, and per part `<part>` (the input as
    a fraction or points) and `<part>_points` (its weighted contribution).
    """
    rows = []
    for _, p in people.iterrows():
        row = {"person_id": p["person_id"], "name": p.get("name")}
        # part -> (its input: a fraction or points, None when missing; its points)
        parts: dict[str, tuple[float | None, float]]
        if stage == "start":
            s = schemes.start
            results = s.task_share_of_results * _num(p.get("task_completion")) + (
                1 - s.task_share_of_results
            ) * _num(p.get("work_quality"))
            parts = {
                "work_results": (results, s.results_weight * results),
                "supervisor_rating": (
                    _num(p.get("supervisor_rating")),
                    s.supervisor_weight * _num(p.get("supervisor_rating")),
                ),
                "peer_rating": (
                    _num(p.get("peer_rating")),
                    s.peer_weight * _num(p.get("peer_rating")),
                ),
            }
        elif stage == "growth":
            g = schemes.growth
            completion = _ratio(p.get("inquiries"), p.get("inquiry_target"))
            quality = _ratio(p.get("qualified_inquiries"), p.get("inquiries"))
            inputs = {
                "inquiry_completion": completion,
                "inquiry_quality": quality,
                "task_completion": _num(p.get("task_completion")) / 100,
                "supervisor_rating": _num(p.get("supervisor_rating")) / 100,
                "peer_rating": _num(p.get("peer_rating")) / 100,
            }
            # Someone with no inquiry target (a designer, the boss) is scored on the other
            # parts, their weights scaled up to a full 100%.
            weights = dict(g.weights)
            if completion is None:
                weights.pop("inquiry_completion")
                weights.pop("inquiry_quality")
            scale = 1 / sum(weights.values())
            parts = {}
            for name, weight in weights.items():
                value = inputs[name]
                capped = min(value or 0.0, g.completion_cap)
                parts[name] = (value, weight * scale * capped * 100)
        elif stage == "mature":
            m = schemes.mature
            completion = _ratio(p.get(m.basis), p.get(f"{m.basis}_target"))
            capped = min(completion or 0.0, m.completion_cap)
            # Without a target of their own (supporting roles) the task part is the score.
            task_weight = m.task_weight if completion is not None else 1.0
            parts = {
                "target_completion": (completion, m.target_weight * capped * 100),
                "task_completion": (
                    _num(p.get("task_completion")) / 100,
                    task_weight * _num(p.get("task_completion")),
                ),
            }
        else:
            raise ValueError(f"stage must be one of {STAGES}")
        for name, (value, points) in parts.items():
            row[name] = value
            row[f"{name}_points"] = points
        row["score"] = sum(points for _, points in parts.values())
        rows.append(row)
    out = pd.DataFrame(rows)
    if not out.empty:
        out["rank"] = out["score"].rank(ascending=False, method="min").astype(int)
    return out


def tenure_months(hired, month: dt.date) -> float:
    if hired is None or pd.isna(hired):
        return 0.0
    hired = pd.Timestamp(hired).date()
    return max(0.0, (month.year - hired.year) * 12 + (month.month - hired.month))


def pay_people(
    people: pd.DataFrame,
    scores: pd.DataFrame,
    stage: str,
    month: dt.date,
    schemes: Schemes = Schemes(),
) -> pd.DataFrame:
    """Each person's pay for the month, by part (yuan).

    `people`: person_id, name, store, base_pay, level_coef, float_coef, other_pay, hired,
    collaborator, plus the month's inquiries, inquiry_target, sales/profit and targets and
    other_incentive. Columns returned: person_id, name, store, base_part, performance_coef,
    floating_part, incentive, other, total.
    """
    merged = people.merge(scores[["person_id", "score"]], on="person_id", how="left")
    lo, hi = schemes.pay.coefficient_range
    rows = []
    for _, p in merged.iterrows():
        base = _num(p.get("base_pay"))
        # A coefficient set in the ratings file wins over the one derived from the score.
        given = p.get("perf_coef")
        raw = (
            float(given)
            if given is not None and pd.notna(given)
            else _num(p.get("score")) / schemes.pay.points_per_coefficient
        )
        coefficient = min(max(raw, lo), hi)  # §4's 0-2, whichever way it was set
        incentive = 0.0
        if stage == "growth":
            completion = _ratio(p.get("inquiries"), p.get("inquiry_target")) or 0.0
            incentive = tier_value(schemes.growth.bonus_tiers, completion) * _num(
                p.get("inquiries")
            )
        rows.append(
            {
                "person_id": p["person_id"],
                "name": p.get("name"),
                "store": p.get("store"),
                "collaborator": bool(p.get("collaborator"))
                if pd.notna(p.get("collaborator"))
                else False,
                "base_part": base * _num(p.get("level_coef")),
                "performance_coef": coefficient,
                "floating_part": base * _num(p.get("float_coef")) * coefficient,
                "incentive": incentive,
                "other": _num(p.get("other_pay")) + _num(p.get("other_incentive")),
                "_basis": _num(p.get(schemes.mature.basis)),
                "_completion": _ratio(
                    p.get(schemes.mature.basis), p.get(f"{schemes.mature.basis}_target")
                )
                or 0.0,
                "_tenure": tenure_months(p.get("hired"), month),
            }
        )
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    if stage == "mature":
        s = schemes.mature
        out["incentive"] = [
            tier_value(s.commission_tiers, c) * b * tier_value(s.tenure_tiers, t)
            for c, b, t in zip(out._completion, out._basis, out._tenure)
        ]
        # 谁参与谁受益: the store's collaborators share part of its sellers' commission.
        for _, group in out.groupby("store", dropna=False):
            helpers = group.index[group.collaborator]
            sellers = group.index[~group.collaborator]
            if len(helpers) == 0:
                continue
            pool = s.collaborator_share * out.loc[sellers, "incentive"].sum()
            out.loc[sellers, "incentive"] *= 1 - s.collaborator_share
            out.loc[helpers, "incentive"] += pool / len(helpers)
    out["total"] = out.base_part + out.floating_part + out.incentive + out.other
    return out.drop(columns=["_basis", "_completion", "_tenure"])


def month_inputs(
    roster: pd.DataFrame, ratings: pd.DataFrame, agents: pd.DataFrame, month: dt.date
) -> pd.DataFrame:
    """The roster joined with the month's ratings; a person's inquiries come from the
    customer-service exports (by name and store) when the ratings do not give them."""
    people = roster.copy()
    month_ratings = (
        ratings[pd.to_datetime(ratings.month).dt.date == month] if not ratings.empty else ratings
    )
    if not month_ratings.empty:
        people = people.merge(month_ratings.drop(columns=["month"]), on="person_id", how="left")
    if not agents.empty:
        served = agents.rename(
            columns={
                "member": "name",
                "inquiries": "_cs_inquiries",
                "closed_inquiries": "closed_inquiries",
            }
        )
        people = people.merge(
            served[["name", "store", "_cs_inquiries", "closed_inquiries"]],
            on=["name", "store"],
            how="left",
        )
        if "inquiries" in people:
            people["inquiries"] = people["inquiries"].fillna(people["_cs_inquiries"])
        else:
            people["inquiries"] = people["_cs_inquiries"]
        people = people.drop(columns=["_cs_inquiries"])
    return people


def with_plan(people: pd.DataFrame, plan: dict) -> pd.DataFrame:
    """Task completion and work quality from the month's work plan where the ratings do not
    type them; `<field>_from` says which ('typed', 'plan', or missing), and `plan_tasks`,
    `plan_on_time` how many of the person's tasks there were and were done in time."""
    people = people.copy()
    for column in ("task_completion", "work_quality"):
        if column not in people:
            people[column] = float("nan")
        people[f"{column}_from"] = people[column].notna().map({True: "typed", False: None})
    completion = people["person_id"].map(lambda p: plan[p].completion if p in plan else None)
    quality = people["person_id"].map(lambda p: plan[p].quality if p in plan else None)
    for column, values in (("task_completion", completion), ("work_quality", quality)):
        fill = people[column].isna() & values.notna()
        people.loc[fill, column] = values[fill].astype(float)
        people.loc[fill, f"{column}_from"] = "plan"
    people["plan_tasks"] = people["person_id"].map(lambda p: plan[p].tasks if p in plan else 0)
    people["plan_on_time"] = people["person_id"].map(
        lambda p: plan[p].done_on_time if p in plan else 0
    )
    return people


def with_ledger(people: pd.DataFrame, ledger: pd.DataFrame) -> pd.DataFrame:
    """The growth stage's inquiries and qualified inquiries from the inquiry ledger (by the
    agent's name as the list writes it) where the ratings do not type a qualified count:
    both from one source, so quality is one list's ratio. `qualified_inquiries_from` says
    which ('typed', 'ledger', or missing)."""
    people = people.copy()
    for column in ("inquiries", "qualified_inquiries"):
        if column not in people:
            people[column] = float("nan")
    typed = people["qualified_inquiries"].notna()
    people["qualified_inquiries_from"] = typed.map({True: "typed", False: None})
    if ledger.empty:
        return people
    counts = ledger.set_index("agent")
    names = people["name"].astype(str).str.strip()
    found = ~typed & names.isin(counts.index)
    for column in ("inquiries", "qualified_inquiries"):
        people.loc[found, column] = names[found].map(counts[column]).astype(float)
    people.loc[found, "qualified_inquiries_from"] = "ledger"
    return people


def agent_month(cur, month: dt.date) -> pd.DataFrame:
    """Per agent and store: the month's inquiries, closed inquiries and sales, as the
    customer-service page sums them (metrics.kpis.agent_kpis, one query for both)."""
    return _agents_only(
        agent_kpis(cur, Filters(date_from=month, date_to=period_end(month, "month")))
    )


def _agents_only(per_agent: pd.DataFrame) -> pd.DataFrame:
    team_row = (per_agent.store == "") & (per_agent.member == "team")
    return per_agent.loc[~team_row, ["member", "store", "inquiries", "closed_inquiries", "sales"]]


@dataclass(frozen=True)
class TeamRows:
    """What evaluate_month reads, read once for many months: score_trend asks once per
    table instead of once per month (on a DuckLake each question costs a catalog lookup:
    13 months of two empty questions took 2.7 s). A month outside `ledger_months` or
    `plan_months` has no rows there and is scored without asking."""

    roster: pd.DataFrame  # roster_rows: everyone, those who left included
    ratings: pd.DataFrame  # ratings_frame: every month's
    agents: pd.DataFrame  # agent_month_sums: per month and agent
    ledger_months: frozenset[dt.date]
    plan_months: frozenset[dt.date]


def team_rows(cur, months: list[dt.date]) -> TeamRows:
    from ecdata.team.files import ratings_frame, roster_rows

    ledger = cur.execute(
        "SELECT DISTINCT CAST(date_trunc('month', received) AS DATE) FROM inquiries"
    ).fetchall()
    plans = cur.execute("SELECT DISTINCT month FROM plan_tasks").fetchall()
    span = Filters(date_from=min(months), date_to=period_end(max(months), "month"))
    return TeamRows(
        roster=roster_rows(cur),
        ratings=ratings_frame(cur),
        agents=agent_month_sums(cur, span),
        ledger_months=frozenset(r[0] for r in ledger),
        plan_months=frozenset(r[0] for r in plans),
    )


def evaluate_month(
    cur,
    month: dt.date,
    stage: str,
    schemes: Schemes = Schemes(),
    rows: TeamRows | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(inputs, scores, pay) for everyone on the roster in `month` under `stage`; `rows`
    read beforehand (team_rows) when several months are scored."""
    from ecdata.team.files import on_roster, ratings_frame, roster_rows

    roster = on_roster(
        rows.roster if rows is not None else roster_rows(cur), period_end(month, "month")
    )
    if roster.empty:
        empty = pd.DataFrame()
        return empty, empty, empty
    if rows is None:
        ratings, agents = ratings_frame(cur, month), agent_month(cur, month)
    else:
        ratings = rows.ratings
        agents = _agents_only(rows.agents[pd.to_datetime(rows.agents.month).dt.date == month])
    people = month_inputs(roster, ratings, agents, month)
    if rows is None or month in rows.ledger_months:
        people = with_ledger(people, ledger_agent_month(cur, month))
    else:
        people = with_ledger(people, pd.DataFrame())
    credit = schemes.start.late_task_credit
    in_plans = rows is None or month in rows.plan_months
    people = with_plan(people, plan_results(cur, month, credit) if in_plans else {})
    scores = score_people(people, stage, schemes)
    pay = pay_people(people, scores, stage, month, schemes)
    return people, scores, pay


def evaluable_months(cur) -> list[dt.date]:
    """Every month a team page can score: with ratings, a work plan, customer-service
    reports or inquiries in the ledger (last month's agents appear even before its
    ratings do)."""
    rows = cur.execute(
        """SELECT DISTINCT month FROM ratings
           UNION SELECT DISTINCT month FROM plan_tasks WHERE month IS NOT NULL
           UNION SELECT DISTINCT CAST(date_trunc('month', date) AS DATE) FROM agent_daily
           UNION SELECT DISTINCT CAST(date_trunc('month', received) AS DATE) FROM inquiries
           ORDER BY 1"""
    ).fetchall()
    return [r[0] for r in rows]


def score_trend(cur, stage: str, schemes: Schemes = Schemes()) -> pd.DataFrame:
    """Every person's score per month that has ratings: month, person_id, name, score."""
    months = [r[0] for r in cur.execute("SELECT DISTINCT month FROM ratings ORDER BY 1").fetchall()]
    rows = team_rows(cur, months) if months else None
    frames = []
    for month in months:
        _, scores, _ = evaluate_month(cur, month, stage, schemes, rows)
        if not scores.empty:
            frames.append(scores[["person_id", "name", "score"]].assign(month=month))
    return (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=["person_id", "name", "score", "month"])
    )


def team_summary(scores: pd.DataFrame, pay: pd.DataFrame) -> dict:
    """The team line of the month: mean score (each person counts once), people scored, and
    total pay (yuan)."""
    return {
        "mean_score": float(scores.score.mean()) if len(scores) else float("nan"),
        "people": len(scores),
        "total_pay": float(pay.total.sum()) if len(pay) else 0.0,
    }


def labor_cost_by_store(pay: pd.DataFrame, stores: list[str]) -> pd.DataFrame:
    """The month's labor cost per store implied by pay: each person's total goes to their
    store; people who serve all stores (no store) are shared equally among `stores`."""
    if pay.empty or not stores:
        return pd.DataFrame(columns=["store", "labor_cost"])
    own = pay[pay.store.isin(stores)].groupby("store").total.sum()
    shared = pay[~pay.store.isin(stores)].total.sum() / len(stores)
    return pd.DataFrame(
        {"store": stores, "labor_cost": [float(own.get(s, 0.0)) + shared for s in stores]}
    )


def apply_labor_cost(store, month: dt.date, costs: pd.DataFrame, stage: str):
    """Store roster-derived labor cost as the month's labor cost (one undoable batch);
    management cost and targets already uploaded stay as they are."""
    from ecdata.store import STORE_MONTHLY
    from ecdata.store.batches import write_batch

    frame = costs.assign(month=month)[["month", "store", "labor_cost"]]
    meta = {
        "file_name": f"roster pay {month:%Y-%m} ({stage})",
        "content_hash": f"roster-pay:{month}:{stage}:{frame.labor_cost.sum():.2f}",
        "kind": "roster_pay",
        "rows_read": len(frame),
        "rows_rejected": 0,
        "date_min": month,
        "date_max": month,
    }
    return write_batch(store, STORE_MONTHLY, frame, meta)


SCHEMES_KEY = "team.schemes"  # the schemes as edited on the Team KPIs page (app_settings)


def schemes_from(value: dict | None) -> Schemes:
    """Schemes from their stored form (dataclasses.asdict, lists for tuples); the defaults
    for whatever it does not hold (a setting saved before a field existed)."""
    value = value or {}

    def build(cls, data: dict):
        defaults = cls()
        kwargs = {}
        for f in dataclasses.fields(cls):
            if f.name in data:
                v = data[f.name]
                if isinstance(getattr(defaults, f.name), tuple):
                    v = tuple(tuple(x) if isinstance(x, list) else x for x in v)
                kwargs[f.name] = v
        return cls(**kwargs)

    return Schemes(
        start=build(StartScheme, value.get("start", {})),
        growth=build(GrowthScheme, value.get("growth", {})),
        mature=build(MatureScheme, value.get("mature", {})),
        pay=build(PaySettings, value.get("pay", {})),
    )


def stored_schemes(cur) -> Schemes:
    """The schemes in force: as last saved in the app, else the defaults."""
    return schemes_from(setting(cur, SCHEMES_KEY))


def weight_sums(schemes: Schemes) -> dict[str, float]:
    """Each stage's score weights added up: a score out of 100 needs them to make 100%."""
    return {
        "start": schemes.start.results_weight
        + schemes.start.supervisor_weight
        + schemes.start.peer_weight,
        "growth": sum(w for _, w in schemes.growth.weights),
        "mature": schemes.mature.target_weight + schemes.mature.task_weight,
    }


def check_weights(schemes: Schemes) -> None:
    """Refusal naming the stage whose weights do not add up to 100% (scores above 100 and
    pay raised by an editing slip otherwise)."""
    for stage, total in weight_sums(schemes).items():
        if abs(total - 1.0) > 1e-6:
            raise Refusal(
                "err.weights_sum",
                stage_zh=t(f"stage.{stage}", "zh"),
                stage_en=t(f"stage.{stage}", "en"),
                total=f"{total:.0%}",
            )


def save_schemes(store, schemes: Schemes) -> int:
    """Keep `schemes` in DuckDB (undoable with store.settings.undo_setting); weights that do
    not add up to 100% are refused."""
    check_weights(schemes)
    return save_setting(store, SCHEMES_KEY, dataclasses.asdict(schemes))
