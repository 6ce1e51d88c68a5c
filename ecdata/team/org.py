"""The role catalogue, the reference team models and the hiring order (docs/domain.md §5),
and how a real roster compares with them."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ecdata.names import normalize_header

DATA = Path(__file__).parents[1] / "data" / "roles.csv"


@dataclass(frozen=True)
class Role:
    role: str
    label_zh: str
    label_en: str
    department: str
    area: str

    def label(self, lang: str = "zh") -> str:
        return self.label_zh if lang == "zh" else self.label_en


@lru_cache(maxsize=1)
def roles() -> dict[str, Role]:
    with open(DATA, encoding="utf-8") as f:
        return {
            r["role"]: Role(r["role"], r["label_zh"], r["label_en"], r["department"], r["area"])
            for r in csv.DictReader(f)
        }


@lru_cache(maxsize=1)
def _role_aliases() -> list[tuple[str, str]]:
    out = []
    with open(DATA, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            out += [(normalize_header(a), r["role"]) for a in r["aliases"].split("|")]
    # Longest alias first, so 售前客服 is pre-sales before 客服 matches it.
    return sorted(out, key=lambda pair: -len(pair[0]))


def role_of(title: str | None) -> str | None:
    """The catalogue role a job title means (美工/设计 -> designer, 店长 -> store_manager)."""
    text = normalize_header(title)
    if not text:
        return None
    for alias, role in _role_aliases():
        if alias == text:
            return role
    for alias, role in _role_aliases():
        if alias and alias in text:
            return role
    return None


# Each reference model: the roles it expects (a role set in a tuple means "any of these").
# "customer_service" is covered by pre-sales, after-sales or a CS lead as well.
COVERS = {
    "customer_service": {"customer_service", "presales", "aftersales", "cs_lead"},
    "operations": {"operations", "store_manager"},
    "promotion": {"promotion", "content"},
    "designer": {"designer"},
    "warehouse": {"warehouse", "purchasing"},
}


@dataclass(frozen=True)
class TeamModel:
    key: str
    label_zh: str
    label_en: str
    size: tuple[int, int]  # the headcount it is meant for
    slots: tuple[str, ...]  # roles (or departments, for department models)
    by: str = "role"  # "role" or "department"

    def label(self, lang: str = "zh") -> str:
        return self.label_zh if lang == "zh" else self.label_en


MODELS = [
    TeamModel(
        "basic",
        "基础型（5-10 人）",
        "Basic team (5-10 people)",
        (1, 10),
        ("boss", "operations", "product", "customer_service", "designer", "warehouse"),
    ),
    TeamModel(
        "ops_core",
        "运营团队七岗",
        "Operations core, seven roles",
        (7, 15),
        (
            "customer_service",
            "operations",
            "planning_lead",
            "photographer",
            "designer",
            "store_manager",
            "ecommerce_lead",
        ),
    ),
    TeamModel(
        "four_departments",
        "标准四部门",
        "Standard four departments",
        (10, 30),
        ("operations", "design", "customer_service", "logistics"),
        by="department",
    ),
    TeamModel(
        "b2c_company",
        "完整 B2C 公司七部门",
        "Complete B2C company, seven departments",
        (30, 10_000),
        ("customer_service", "marketing", "logistics", "technology", "operations", "finance", "hr"),
        by="department",
    ),
    TeamModel(
        "douyin",
        "抖音团队",
        "Douyin team",
        (3, 10_000),
        ("live_host", "operations", "content"),
        by="role",
    ),
]
MODELS_BY_KEY = {m.key: m for m in MODELS}

# Hiring order for a new team (docs/domain.md §5): each step and the roles that fill it.
HIRING_ORDER = [
    ("store_manager", {"store_manager", "operations", "ecommerce_lead"}),
    ("customer_service", COVERS["customer_service"]),
    ("warehouse", {"warehouse"}),
    ("designer", {"designer", "photographer"}),
    ("promotion", {"promotion", "content", "planning_lead", "cs_lead"}),
    ("brand", {"brand"}),
    ("finance", {"finance", "hr"}),
]


def fitting_model(headcount: int, douyin: bool = False) -> TeamModel:
    """The reference model for a team of this size (the Douyin model for a Douyin team)."""
    if douyin:
        return MODELS_BY_KEY["douyin"]
    if headcount > 30:
        return MODELS_BY_KEY["b2c_company"]
    if headcount > 10:
        return MODELS_BY_KEY["four_departments"]
    return MODELS_BY_KEY["basic"]


def suggested_model(roster: pd.DataFrame) -> TeamModel:
    """The model for this roster: a small team built around a live host is a Douyin team."""
    douyin = "live_host" in set(roster.role) and len(roster) <= 6
    return fitting_model(len(roster), douyin=douyin)


def _covered(slot: str, present: set[str], by: str) -> bool:
    if by == "department":
        return slot in present
    return bool(COVERS.get(slot, {slot}) & present)


def compare_with_model(roster: pd.DataFrame, model: TeamModel) -> pd.DataFrame:
    """Per slot of `model`: how many people fill it, and whether it is missing or doubled.

    `roster` needs columns role and department (active people only). Columns: slot,
    count, status ("ok", "missing", "doubled"). Doubled means two or more people in a role
    a team of the model's size needs only once (a role slot); departments are never doubled.
    """
    rows = []
    for slot in model.slots:
        if model.by == "department":
            count = int((roster.department == slot).sum())
        else:
            count = int(roster.role.isin(COVERS.get(slot, {slot})).sum())
        status = (
            "missing"
            if count == 0
            else (
                "doubled"
                if model.by == "role"
                and count > 1
                and slot
                in ("boss", "store_manager", "ecommerce_lead", "planning_lead", "photographer")
                else "ok"
            )
        )
        rows.append((slot, count, status))
    return pd.DataFrame(rows, columns=["slot", "count", "status"])


def hiring_gaps(roster: pd.DataFrame) -> list[str]:
    """The steps of the hiring order no one on the roster covers yet, in order."""
    present = set(roster.role.dropna())
    return [step for step, fills in HIRING_ORDER if not fills & present]


def next_hires(roster: pd.DataFrame, count: int = 2) -> list[str]:
    return hiring_gaps(roster)[:count]


def span_of_control(roster: pd.DataFrame) -> pd.DataFrame:
    """Direct reports per manager (by name), largest first."""
    reports = roster.dropna(subset=["manager"]).groupby("manager").size()
    return reports.sort_values(ascending=False).rename("direct_reports").reset_index()


def org_tree(roster: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Nodes for a plotly treemap/sunburst of the reporting lines: id, parent, label.

    People whose manager is missing from the roster hang from the top; the top is the team.
    """
    names = set(roster.name)
    top = "团队" if lang == "zh" else "Team"
    rows = [{"id": "__team", "parent": "", "label": top, "department": ""}]
    catalogue = roles()
    for _, p in roster.iterrows():
        role = catalogue.get(p.role)
        title = role.label(lang) if role else (p.role_title or "")
        manager = p.manager if isinstance(p.manager, str) and p.manager in names else None
        rows.append(
            {
                "id": p["name"],
                "parent": manager or "__team",
                "label": f"{p['name']}\n{title}",  # two lines
                "department": p.department or "",
            }
        )
    return pd.DataFrame(rows)


def department_summary(roster: pd.DataFrame, pay: pd.DataFrame | None = None) -> pd.DataFrame:
    """Headcount and labor cost (month's pay total, when given) per department."""
    counts = roster.groupby(roster.department.fillna("")).size().rename("headcount")
    out = counts.reset_index().rename(columns={"department": "department"})
    if pay is not None and not pay.empty:
        cost = roster[["person_id", "department"]].merge(
            pay[["person_id", "total"]], on="person_id"
        )
        out = out.merge(
            cost.groupby(cost.department.fillna("")).total.sum().rename("labor_cost").reset_index(),
            on="department",
            how="left",
        )
    return out.sort_values("headcount", ascending=False).reset_index(drop=True)
