"""The metric catalogue: every metric ecdata shows is declared here, once.

A *base* metric is a sum of a stored column. A *derived* metric is an expression over base
metric names, evaluated after summing, so every rate is a ratio of sums (never an average of
rates). Pages, the CLI and exports refer to metrics by name and read labels, units, the good
direction and the formula text from here.
"""

from __future__ import annotations

from dataclasses import dataclass

# The units a metric may have; each has a plausibility limit for an uploaded value and the
# word the ingest's messages use for it (row.bad_count, row.bad_money, …).
UNIT_LIMITS = {
    "count": ("count", 1e12),  # whole and below 10^12
    "currency": ("money", 1e13),
    "rate": ("rate", 1.0),  # a fraction: 0.05 = 5%, at most 100%
    "ratio": ("ratio", 1e9),
    "seconds": ("duration", 86400.0),  # under a day
    "hours": ("duration", 8760.0),  # under a year: a reply time from the inquiry ledger
}


@dataclass(frozen=True)
class Metric:
    name: str
    label_zh: str
    label_en: str
    unit: str  # one of UNIT_LIMITS: count, currency, rate (a fraction), ratio, seconds
    good: str | None  # "up", "down", or None when neither direction is better
    expr: str  # base: the SQL aggregate over fact columns; derived: SQL over base names
    formula_zh: str = ""
    formula_en: str = ""
    derived: bool = False
    # A ratio's numerator and denominator (column names of a store-day's sums) and the parts
    # a store-day must have reported for the ratio to count it (coverage, kpis.py).
    numerator: str = ""
    denominator: str = ""
    parts: tuple[str, ...] = ()
    target: str = ""  # the metric it is held against ("compare with target")

    def __post_init__(self) -> None:
        if self.unit not in UNIT_LIMITS:
            raise ValueError(f"{self.name}: unit {self.unit!r} is not one of {list(UNIT_LIMITS)}")

    def label(self, lang: str = "zh") -> str:
        return self.label_zh if lang == "zh" else self.label_en

    def formula(self, lang: str = "zh") -> str:
        return self.formula_zh if lang == "zh" else self.formula_en


def _base(
    name: str,
    zh: str,
    en: str,
    unit: str,
    good: str | None,
    column: str | None = None,
    target: str = "",
) -> Metric:
    column = column or name
    return Metric(name, zh, en, unit, good, f"SUM({column})", f"Σ {zh}", f"Σ {en}", target=target)


def _ratio(
    name: str,
    zh: str,
    en: str,
    unit: str,
    good: str | None,
    numerator: str,
    denominator: str,
    formula_zh: str,
    formula_en: str,
    parts: tuple[str, ...] = (),
) -> Metric:
    # NULLIF: a period with a zero denominator has no value (a gap), not infinity or zero.
    expr = f"{numerator} / NULLIF({denominator}, 0)"
    parts = parts or (numerator, denominator)
    return Metric(
        name, zh, en, unit, good, expr, formula_zh, formula_en, True, numerator, denominator, parts
    )


# A store-day's total cost (spend + labor + management, TOTAL_COST_SQL) as kpis.py names it:
# the numerator of the inquiry costs, present when any of its three parts was reported.
TOTAL_COST = "total_cost"


def total_cost_sql(
    spend: str = "spend", labor: str = "labor_cost", management: str = "management_cost"
) -> str:
    """SQL for the total cost of getting inquiries from its three parts (any expressions):
    NULL only when none of the parts is known, missing parts count as nothing."""
    return (
        f"CASE WHEN {spend} IS NULL AND {labor} IS NULL AND {management} IS NULL THEN NULL "
        f"ELSE COALESCE({spend}, 0) + COALESCE({labor}, 0) + COALESCE({management}, 0) END"
    )


TOTAL_COST_SQL = total_cost_sql()


def inquiry_target_sql(spend: str, labor: str, management: str, target_cost: str) -> str:
    """SQL for one store-day's inquiry target 询盘任务数: its total cost ÷ the target inquiry
    cost (docs/domain.md §3). Summed over days, never averaged."""
    return f"({total_cost_sql(spend, labor, management)}) / NULLIF({target_cost}, 0)"


STORE_BASE = [
    _base("visitors", "访客数", "Visitors", "count", "up"),
    _base("page_views", "浏览量", "Page views", "count", "up"),
    _base("buyers", "支付买家数", "Buyers", "count", "up"),
    _base("sales", "支付金额", "Sales", "currency", "up", target="sales_target"),
    _base("inquiries", "询单人数", "Inquiries", "count", "up", target="inquiry_target"),
    _base("closed_inquiries", "询单成交人数", "Closed inquiries", "count", "up"),
    _base("spend", "推广费", "Promotion spend", "currency", None),
    _base("refunds", "退款金额", "Refunds", "currency", "down"),
    # Judged one by one in the inquiry ledger by the team's standard (metrics/ledger.py).
    _base("qualified_inquiries", "有效询盘数", "Qualified inquiries", "count", "up"),
]

# What the inquiry ledger adds per store-day: reply times and how many came in time.
LEDGER_BASE = [
    _base("reply_hours", "首次回复用时合计（小时）", "First-reply hours, summed", "hours", None),
    _base("replied", "已回复询盘数", "Inquiries replied to", "count", None),
    _base("replied_within", "按时回复询盘数", "Inquiries replied to in time", "count", "up"),
    _base("reply_known", "有回复时间的询盘数", "Inquiries with a reply time", "count", None),
]

# Targets, spread over days like costs (kpis.py), and how far the range got towards them.
TARGETS = [
    Metric(
        "sales_target",
        "销售目标",
        "Sales target",
        "currency",
        None,
        "SUM(sales_target)",
        "月度销售目标按天分摊后求和",
        "monthly sales targets spread over days, summed",
    ),
    Metric(
        "inquiry_target",
        "询盘任务数",
        "Inquiry target",
        "count",
        None,
        "SUM(inquiry_target)",
        "(推广费 + 人力成本 + 管理成本) ÷ 目标询盘成本",
        "(promotion spend + labor cost + management cost) ÷ target inquiry cost",
    ),
    _ratio(
        "sales_target_completion",
        "销售目标完成度",
        "Sales target completion",
        "rate",
        "up",
        "sales",
        "sales_target",
        "支付金额 ÷ 销售目标",
        "sales ÷ sales target",
    ),
    _ratio(
        "inquiry_task_completion",
        "询盘任务完成度",
        "Inquiry task completion",
        "rate",
        "up",
        "inquiries",
        "inquiry_target",
        "询单人数 ÷ 询盘任务数",
        "inquiries ÷ inquiry target",
    ),
    # The target a period's inquiry cost is held against: the stores' monthly targets
    # weighted by their costs, so that inquiry cost ≤ this ⇔ inquiries ≥ inquiry target.
    _ratio(
        "target_inquiry_cost",
        "目标询盘成本",
        "Target inquiry cost",
        "currency",
        None,
        TOTAL_COST,
        "inquiry_target",
        "(推广费 + 人力成本 + 管理成本) ÷ 询盘任务数",
        "(promotion spend + labor cost + management cost) ÷ inquiry target",
    ),
]

# Product reports (product_facts): the store metrics a product row carries, and units.
UNITS = _base("units", "支付件数", "Units sold", "count", "up")
PRODUCT_BASE = [
    *(m for m in STORE_BASE if m.name in ("visitors", "page_views", "buyers", "sales")),
    UNITS,
]
PRODUCT_COLUMNS = ["visitors", "page_views", "buyers", "units", "sales", "conversion_rate"]

# Where the numbers came from (sources.py): shown next to the totals they are part of.
SOURCE_BASE = [
    _base(
        "service_inquiries",
        "来自客服报表的询单人数",
        "Inquiries from service reports",
        "count",
        None,
    ),
    _base(
        "breakdown_spend",
        "推广明细花费（已含在店铺推广费中）",
        "Ad report spend (already in the store's spend)",
        "currency",
        None,
    ),
    _base(
        "ledger_inquiries",
        "来自询盘明细的询盘数",
        "Inquiries counted from the inquiry list",
        "count",
        None,
    ),
]

# Monthly costs arrive per store and month; kpis.py spreads them over days before summing.
COST_BASE = [
    _base("labor_cost", "人力成本", "Labor cost", "currency", None),
    _base("management_cost", "管理成本", "Management cost", "currency", None),
]

DERIVED = [
    _ratio(
        "conversion_rate",
        "支付转化率",
        "Conversion rate",
        "rate",
        "up",
        "buyers",
        "visitors",
        "支付买家数 ÷ 访客数",
        "buyers ÷ visitors",
    ),
    _ratio(
        "aov",
        "客单价",
        "Average order value",
        "currency",
        "up",
        "sales",
        "buyers",
        "支付金额 ÷ 支付买家数",
        "sales ÷ buyers",
    ),
    _ratio(
        "inquiry_conversion",
        "询单转化率",
        "Inquiry conversion",
        "rate",
        "up",
        "closed_inquiries",
        "inquiries",
        "询单成交人数 ÷ 询单人数",
        "closed inquiries ÷ inquiries",
    ),
    _ratio(
        "roi",
        "投入产出比",
        "ROI",
        "ratio",
        "up",
        "sales",
        "spend",
        "支付金额 ÷ 推广费",
        "sales ÷ promotion spend",
    ),
    _ratio(
        "inquiry_cost",
        "理论询盘成本",
        "Inquiry cost",
        "currency",
        "down",
        TOTAL_COST,
        "inquiries",
        "(推广费 + 人力成本 + 管理成本) ÷ 询单人数",
        "(promotion spend + labor cost + management cost) ÷ inquiries",
    ),
    _ratio(
        "closed_inquiry_cost",
        "成交询盘成本",
        "Closed-inquiry cost",
        "currency",
        "down",
        TOTAL_COST,
        "closed_inquiries",
        "询单人数 × 理论询盘成本 ÷ 询单成交人数 = 总成本 ÷ 询单成交人数",
        "inquiries × inquiry cost ÷ closed inquiries = total cost ÷ closed inquiries",
    ),
    _ratio(
        "inquiry_quality",
        "询盘质量度",
        "Inquiry quality",
        "rate",
        "up",
        "qualified_inquiries",
        "inquiries",
        "有效询盘数 ÷ 询单人数（按团队的有效标准逐条判定）",
        "qualified inquiries ÷ inquiries (each judged by the team's standard)",
    ),
    _ratio(
        "first_reply_hours",
        "平均首次回复用时",
        "Average first-reply time",
        "hours",
        "down",
        "reply_hours",
        "replied",
        "Σ 首次回复用时 ÷ 已回复询盘数",
        "Σ first-reply time ÷ inquiries replied to",
    ),
    _ratio(
        "reply_in_time_rate",
        "按时回复率",
        "Replied in time",
        "rate",
        "up",
        "replied_within",
        "reply_known",
        "按时回复询盘数 ÷ 有回复时间的询盘数",
        "inquiries replied to in time ÷ inquiries with a reply time",
    ),
]

AGENT_BASE = [
    _base("received", "接待人数", "Customers received", "count", "up"),
    _base("inquiries", "询单人数", "Inquiries", "count", "up"),
    _base("closed_inquiries", "询单成交人数", "Closed inquiries", "count", "up"),
    _base("sales", "客服销售额", "Agent sales", "currency", "up"),
    # Weighted by customers received so the period figure is a ratio of sums.
    Metric(
        "response_weighted",
        "响应时长×接待",
        "Response x received",
        "seconds",
        None,
        "SUM(response_seconds * COALESCE(received, inquiries))",
    ),
    Metric(
        "response_weight",
        "响应权重",
        "Response weight",
        "count",
        None,
        "SUM(CASE WHEN response_seconds IS NOT NULL THEN COALESCE(received, inquiries) END)",
    ),
]

AGENT_DERIVED = [
    DERIVED[2],
    _ratio(
        "response_seconds",
        "平均响应时长",
        "Average response time",
        "seconds",
        "down",
        "response_weighted",
        "response_weight",
        "Σ(响应时长 × 接待人数) ÷ Σ 接待人数",
        "Σ(response time × customers received) ÷ Σ customers received",
    ),
]

METRICS: dict[str, Metric] = {
    m.name: m
    for m in STORE_BASE + [UNITS] + SOURCE_BASE + LEDGER_BASE + COST_BASE + DERIVED + TARGETS
}

# What ad reports and customer-service reports carry besides the store metrics: stored, read
# on their own pages, never in the store's KPI table.
INPUT_ONLY = [
    _base("impressions", "展现量", "Impressions", "count", None),
    _base("clicks", "点击量", "Clicks", "count", None),
    _base("ad_sales", "广告成交金额", "Ad sales", "currency", None),
    _base("received", "接待人数", "Customers received", "count", None),
    Metric("response_seconds", "平均响应时长", "Average response time", "seconds", "down", ""),
]

# Every field an upload may carry a value for, checked against its unit's limit
# (FIELD_LIMITS): the store, product, ad and service metrics, and the rates and monthly
# inputs that arrive as numbers.
UPLOAD_FIELDS = (
    "visitors",
    "page_views",
    "buyers",
    "sales",
    "inquiries",
    "closed_inquiries",
    "spend",
    "refunds",
    "units",
    "impressions",
    "clicks",
    "ad_sales",
    "received",
    "response_seconds",
    "conversion_rate",
    "inquiry_conversion",
    "aov",
    "labor_cost",
    "management_cost",
    "sales_target",
    "target_inquiry_cost",
)


def _declared(name: str) -> Metric:
    return METRICS.get(name) or next(m for m in INPUT_ONLY if m.name == name)


# field -> (the word for its kind in messages, the largest plausible value): from the units.
FIELD_LIMITS: dict[str, tuple[str, float]] = {
    name: UNIT_LIMITS[_declared(name).unit] for name in UPLOAD_FIELDS
}


def is_money(name: str) -> bool:
    """Money, or a ratio with money in it (ROI, completion of a sales target): undefined
    across currencies until converted."""
    m = METRICS[name]
    if not m.derived:
        return m.unit == "currency"
    return any(
        p == TOTAL_COST or (p in METRICS and is_money(p)) for p in (m.numerator, m.denominator)
    )


# A metric held against a target: metric -> its target (the review's "compare with target").
TARGET_OF = {m.name: m.target for m in METRICS.values() if m.target}

# The column order of `python -m ecdata kpis` and of the KPI tables in the UI.
KPI_COLUMNS = [
    "visitors",
    "page_views",
    "buyers",
    "sales",
    "inquiries",
    "closed_inquiries",
    "spend",
    "conversion_rate",
    "aov",
    "inquiry_conversion",
    "roi",
    "labor_cost",
    "management_cost",
    "inquiry_cost",
    "closed_inquiry_cost",
    "qualified_inquiries",
    "inquiry_quality",
    "first_reply_hours",
    "reply_in_time_rate",
]


def metric(name: str) -> Metric:
    return METRICS[name]
