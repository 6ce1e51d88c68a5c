"""A deterministic demo company, and sample export files to try the upload with.

Three stores on three platforms, a year of daily metrics per channel with weekly seasonality,
a Double 11 peak and two incidents (a conversion drop at the JD store, a spend spike on the
Douyin store's Qianchuan ads), customer-service agents, monthly costs and targets. Same seed
and end date, same numbers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from ecdata.i18n import Message
from ecdata.store import (
    AGENT_DAILY,
    PLAN_TASKS,
    RATINGS,
    ROSTER,
    STORE_DAILY,
    STORE_MONTHLY,
    Store,
)
from ecdata.store.batches import undo_batch, write_batch
from ecdata.team.org import role_of, roles

# store -> (channel, daily visitors, conversion, inquiry share, aov, spend per visitor)
DEMO_STORES = {
    "天猫旗舰店": [
        ("搜索", 4200, 0.032, 0.09, 189.0, 0.0),
        ("推荐", 2600, 0.021, 0.06, 175.0, 0.0),
        ("直通车", 1800, 0.035, 0.10, 198.0, 1.25),
        ("直播", 900, 0.048, 0.05, 160.0, 0.6),
    ],
    "京东自营店": [
        ("搜索", 3100, 0.041, 0.08, 236.0, 0.0),
        ("推荐", 1500, 0.026, 0.05, 221.0, 0.0),
        ("京东快车", 1200, 0.038, 0.09, 240.0, 1.4),
    ],
    "抖音小店": [
        ("直播", 5200, 0.019, 0.04, 129.0, 0.35),
        ("短视频", 3300, 0.012, 0.03, 119.0, 0.0),
        ("千川", 2100, 0.024, 0.05, 135.0, 1.1),
    ],
}
DEMO_AGENTS = {
    "天猫旗舰店": ["小美", "阿杰", "娜娜"],
    "京东自营店": ["老王", "小林"],
    "抖音小店": ["晓晓", "大鹏", "Coco"],
}
# store -> (monthly labor cost, monthly management cost, target inquiry cost in yuan)
DEMO_COSTS = {
    "天猫旗舰店": (68000.0, 15000.0, 8.5),
    "京东自营店": (42000.0, 9000.0, 9.5),
    "抖音小店": (56000.0, 12000.0, 12.0),
}
DEMO_DAYS = 364
# (id, name, title, manager, store, hired, base pay, level coefficient, floating coefficient)
DEMO_ROSTER = [
    ("E01", "陈总", "老板", None, None, "2023-03-01", 30000, 1.0, 0.5),
    ("E02", "刘洋", "电商负责人", "陈总", None, "2023-05-15", 18000, 1.2, 0.5),
    ("E03", "周婷", "店长", "刘洋", "天猫旗舰店", "2023-06-01", 12000, 1.1, 0.4),
    ("E04", "孙浩", "店长", "刘洋", "京东自营店", "2024-02-20", 11000, 1.0, 0.4),
    ("E05", "吴迪", "店长", "刘洋", "抖音小店", "2024-09-01", 11000, 1.0, 0.4),
    ("E06", "郑凯", "推广", "周婷", "天猫旗舰店", "2024-04-10", 8000, 1.0, 0.4),
    ("E07", "王芳", "美工", "刘洋", None, "2023-08-01", 7500, 1.1, 0.3),
    ("E08", "李娜", "摄影", "王芳", None, "2025-03-01", 7000, 1.0, 0.3),
    ("E09", "小美", "售前客服", "周婷", "天猫旗舰店", "2023-09-01", 5000, 1.1, 0.4),
    ("E10", "阿杰", "售前客服", "周婷", "天猫旗舰店", "2024-05-01", 5000, 1.0, 0.4),
    ("E11", "娜娜", "售后客服", "周婷", "天猫旗舰店", "2025-01-10", 4800, 1.0, 0.4),
    ("E12", "老王", "售前客服", "孙浩", "京东自营店", "2024-03-01", 5000, 1.0, 0.4),
    ("E13", "小林", "售后客服", "孙浩", "京东自营店", "2025-06-01", 4800, 1.0, 0.4),
    ("E14", "晓晓", "售前客服", "吴迪", "抖音小店", "2024-09-15", 5000, 1.0, 0.4),
    ("E15", "大鹏", "售前客服", "吴迪", "抖音小店", "2025-02-01", 5000, 1.0, 0.4),
    ("E16", "Coco", "主播", "吴迪", "抖音小店", "2024-10-01", 9000, 1.0, 0.5),
    ("E17", "赵强", "仓库", "刘洋", None, "2023-07-01", 5500, 1.0, 0.2),
    ("E18", "钱多多", "财务", "陈总", None, "2023-04-01", 8000, 1.0, 0.2),
]


def demo_frames(end: dt.date, seed: int = 7) -> dict[str, pd.DataFrame]:
    """The demo company's facts for the DEMO_DAYS days ending on `end`, per fact table."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range(end=pd.Timestamp(end), periods=DEMO_DAYS, freq="D")
    n = len(dates)
    weekday = dates.day_of_week.to_numpy()
    season = np.where(weekday >= 5, 1.18, 1.0) * (1 + 0.25 * (np.arange(n) / n))
    # Double 11: traffic builds in the week before and peaks on the day.
    d11 = np.array([(d.month == 11 and 4 <= d.day <= 11) for d in dates])
    season = season * np.where(d11, 1.8, 1.0)
    season = season * np.where((dates.month == 11) & (dates.day == 11), 1.9, 1.0)
    days_from_end = (pd.Timestamp(end) - dates).days.to_numpy()

    rows = []
    for store, channels in DEMO_STORES.items():
        for channel, visitors, conv, inq_share, aov, cpv in channels:
            v = rng.poisson(visitors * season)
            c = conv * rng.normal(1, 0.06, n)
            if store == "京东自营店":  # incident: a checkout bug halves conversion for a week
                c = np.where((days_from_end >= 35) & (days_from_end < 42), c * 0.5, c)
            buyers = rng.binomial(v, np.clip(c, 0.001, 0.5))
            inquiries = rng.binomial(v, inq_share)
            closed = rng.binomial(inquiries, 0.38 + 0.04 * rng.random(n))
            spend = np.round(v * cpv * rng.normal(1, 0.08, n), 2) if cpv else np.full(n, np.nan)
            if channel == "千川":  # incident: a campaign left running overspends for five days
                spend = np.where((days_from_end >= 18) & (days_from_end < 23), spend * 3.2, spend)
            sales = np.round(buyers * aov * rng.normal(1, 0.05, n), 2)
            rows.append(
                pd.DataFrame(
                    {
                        "date": dates.date,
                        "store": store,
                        "channel": channel,
                        "visitors": v,
                        "page_views": np.round(v * rng.normal(2.9, 0.2, n)),
                        "buyers": buyers,
                        "sales": sales,
                        "inquiries": inquiries,
                        "closed_inquiries": closed,
                        "spend": spend,
                        "refunds": np.round(sales * rng.uniform(0.02, 0.06, n), 2),
                        "not_final": False,
                    }
                )
            )
    store_daily = pd.concat(rows, ignore_index=True)
    for col in STORE_DAILY.metrics:
        if col in store_daily:
            store_daily[col] = store_daily[col].astype("float64")

    per_store = store_daily.groupby(["date", "store"], as_index=False)[
        ["inquiries", "closed_inquiries", "sales"]
    ].sum()
    agents = []
    for store, names in DEMO_AGENTS.items():
        day = per_store[per_store.store == store].reset_index(drop=True)
        weights = rng.dirichlet(np.full(len(names), 8.0), len(day))
        for i, name in enumerate(names):
            share = weights[:, i]
            agents.append(
                pd.DataFrame(
                    {
                        "date": day.date,
                        "store": store,
                        "member": name,
                        "received": np.round(day.inquiries * share * 1.3),
                        "inquiries": np.round(day.inquiries * share),
                        "closed_inquiries": np.round(day.closed_inquiries * share),
                        "sales": np.round(day.sales * share * 0.45, 2),
                        "response_seconds": np.round(rng.normal(18 + 6 * i, 4, len(day)).clip(3)),
                        "not_final": False,
                    }
                )
            )
    agent_daily = pd.concat(agents, ignore_index=True)

    months = pd.period_range(dates[0], dates[-1], freq="M")
    monthly = []
    for store, (labor, mgmt, target_cost) in DEMO_COSTS.items():
        sales_by_month = (
            store_daily[store_daily.store == store]
            .groupby(pd.to_datetime(store_daily.date).dt.to_period("M"))
            .sales.sum()
        )
        for i, m in enumerate(months):
            monthly.append(
                {
                    "month": m.start_time.date(),
                    "store": store,
                    "labor_cost": labor + 2000.0 * (i // 4),
                    "management_cost": mgmt,
                    # Targets a little above what was sold, so some months miss.
                    "sales_target": round(
                        float(sales_by_month.get(m, 0)) * rng.uniform(0.93, 1.08) / 1000
                    )
                    * 1000.0,
                    "target_inquiry_cost": target_cost,
                }
            )
    roster = pd.DataFrame(
        DEMO_ROSTER,
        columns=[
            "person_id",
            "name",
            "role_title",
            "manager",
            "store",
            "hired",
            "base_pay",
            "level_coef",
            "float_coef",
        ],
    )
    roster["hired"] = pd.to_datetime(roster.hired).dt.date
    roster["role"] = roster.role_title.map(role_of)
    roster["department"] = roster.role.map(lambda r: roles()[r].department)
    roster["collaborator"] = roster.role.isin(["designer", "photographer", "warehouse"])
    return {
        "store_daily": store_daily,
        "agent_daily": agent_daily,
        "store_monthly": pd.DataFrame(monthly),
        "roster": roster,
        "ratings": _demo_ratings(rng, roster, agent_daily, store_daily, months),
        "plan_tasks": _demo_plan(rng, end),
    }


DEMO_PLAN = [
    ("E03", "双11 复盘", "整理双11 数据与问题清单"),
    ("E03", "12月上新", "12月新品上架排期"),
    ("E04", "京东年货节", "报名年货节活动并准备素材"),
    ("E05", "直播间改版", "直播间背景与话术更新"),
    ("E06", "推广降本", "直通车关键词清理"),
    ("E06", "推广降本", "万相台计划预算调整"),
    ("E07", "12月上新", "新品主图与详情页"),
    ("E09", "询单转化", "整理高频问题话术"),
]


def _demo_plan(rng, end: dt.date) -> pd.DataFrame:
    """The month of `end`: a few tasks per person with the three elements; those due before
    `end` mostly done (one late, one left open, so the Gantt shows every state)."""
    month = end.replace(day=1)
    rows = []
    for i, (person, goal, task) in enumerate(DEMO_PLAN):
        start = month + dt.timedelta(days=int(rng.integers(0, 10)))
        deadline = start + dt.timedelta(days=int(rng.integers(5, 16)))
        done_on = None
        if deadline < end and i != 2:
            done_on = min(end, deadline + dt.timedelta(days=3 if i == 3 else -1))
        rows.append(
            {
                "task_id": f"demo-{month:%Y%m}-{i + 1}",
                "person_id": person,
                "month": month,
                "task": task,
                "goal": goal,
                "start": start,
                "deadline": deadline,
                "status": "done" if done_on else "open",
                "done_on": done_on,
                "quality": float(rng.integers(70, 96)) if done_on else None,
                "metric": None,
                "source": "demo",
            }
        )
    return pd.DataFrame(rows)


def _demo_ratings(rng, roster, agent_daily, store_daily, months) -> pd.DataFrame:
    """Monthly ratings: everyone is rated; agents carry inquiry targets, store managers
    sales targets (so every stage's scheme has its inputs)."""
    agent_month = agent_daily.assign(month=pd.to_datetime(agent_daily.date).dt.to_period("M"))
    agent_month = agent_month.groupby(["month", "member"]).inquiries.sum()
    store_month = store_daily.assign(month=pd.to_datetime(store_daily.date).dt.to_period("M"))
    store_month = store_month.groupby(["month", "store"]).sales.sum()
    rows = []
    for m in months:
        for _, p in roster.iterrows():
            row = {
                "month": m.start_time.date(),
                "person_id": p.person_id,
                "task_completion": float(np.clip(rng.normal(88, 7), 50, 100).round()),
                "work_quality": float(np.clip(rng.normal(85, 8), 50, 100).round()),
                "supervisor_rating": float(np.clip(rng.normal(82, 8), 50, 100).round()),
                "peer_rating": float(np.clip(rng.normal(80, 9), 50, 100).round()),
            }
            inquiries = agent_month.get((m, p["name"]))
            if inquiries:
                row["inquiries"] = float(inquiries)
                row["qualified_inquiries"] = float(round(inquiries * rng.uniform(0.7, 0.9)))
                row["inquiry_target"] = float(round(inquiries * rng.uniform(0.85, 1.15), -1))
            sales = store_month.get((m, p.store)) if p.role == "store_manager" else None
            if sales:
                row["sales"] = float(sales)
                row["sales_target"] = float(round(sales * rng.uniform(0.9, 1.1), -3))
            rows.append(row)
    return pd.DataFrame(rows)


def load_demo(store: Store, end: dt.date | None = None, seed: int = 7) -> dict[str, int]:
    """Write the demo company into `store`, one batch per table; rows written per table."""
    end = end or dt.date.today() - dt.timedelta(days=1)
    frames = demo_frames(end, seed)
    written = {}
    for table in (STORE_DAILY, AGENT_DAILY, STORE_MONTHLY, ROSTER, RATINGS, PLAN_TASKS):
        frame = frames[table.name]
        digest = hashlib.sha256(f"demo:{seed}:{end}:{table.name}".encode()).hexdigest()
        key = table.keys[0]
        result = write_batch(
            store,
            table,
            frame,
            {
                "file_name": f"demo:{table.name}",
                "content_hash": digest,
                "kind": "demo",
                "platform": "demo",
                "rows_read": len(frame),
                "rows_rejected": 0,
                "date_min": frame[key].min() if key in ("date", "month") else None,
                "date_max": frame[key].max() if key in ("date", "month") else None,
            },
        )
        written[table.name] = result.rows_written
    return written


def demo_batches(cur) -> list[int]:
    """The active batches that hold the demo company (newest first)."""
    return [
        r[0]
        for r in cur.execute(
            "SELECT batch_id FROM batches WHERE kind = 'demo' AND undone_at IS NULL "
            "ORDER BY batch_id DESC"
        ).fetchall()
    ]


def remove_demo(store: Store) -> Message:
    """Take the demo company out in one action: each of its batches undone, newest first,
    so the history shows it and the user's own uploads stay. Refused (a Refusal saying why)
    when an upload of the user's replaced demo rows: that upload must be undone first."""
    removed = 0
    for batch in demo_batches(store.reader()):
        undo_batch(store, batch)
        removed += 1
    return Message("ok.demo_removed", {"batches": removed})


def write_sample_files(folder: Path, end: dt.date) -> list[Path]:
    """Small files in real export formats, for a first try of the upload page.

    They describe a store the demo does not have (淘宝C店) and its agents, so uploading them
    visibly adds to the numbers.
    """
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(11)
    days = [end - dt.timedelta(days=i) for i in range(13, -1, -1)]
    paths = []

    # 生意参谋 store daily: GBK, title rows above the header, a total row at the bottom.
    visitors = rng.integers(900, 1500, len(days))
    buyers = (visitors * rng.uniform(0.03, 0.05, len(days))).astype(int)
    sales = np.round(buyers * rng.uniform(150, 190, len(days)), 2)
    lines = [
        "生意参谋 - 取数 - 店铺整体",
        f"统计时间：{days[0]} ~ {days[-1]}",
        "",
        "统计日期,访客数,浏览量,支付金额,支付买家数,支付转化率,客单价,咨询人数,询单成交人数,直通车消耗,全站推广花费",
    ]
    for d, v, b, s in zip(days, visitors, buyers, sales):
        inq = int(v * 0.08)
        lines.append(
            f'{d},"{v:,}",{v * 3},"{s:,.2f}",{b},{b / v:.2%},{s / b:.2f},{inq},'
            f"{int(inq * 0.4)},{round(v * 0.3, 2)},{round(v * 0.1, 2)}"
        )
    lines.append(
        f"合计,{visitors.sum()},{visitors.sum() * 3},{sales.sum():.2f},{buyers.sum()},-,-,-,-,-,-"
    )
    path = folder / "生意参谋_店铺整体_淘宝C店.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gb18030"))
    paths.append(path)

    # 赤兔 customer-service performance: xlsx, the date only in the file name.
    day = days[-1]
    chitu = pd.DataFrame(
        {
            "客服昵称": ["小雨", "阿福"],
            "接待人数": [61, 48],
            "询单人数": [52, 40],
            "询单->最终付款人数": [21, 15],
            "询单->最终付款转化率": ["40.38%", "37.50%"],
            "平均响应(秒)": [14.2, 22.8],
        }
    )
    path = folder / f"赤兔_客服绩效_{day}至{day}.xlsx"
    chitu.to_excel(path, index=False)
    paths.append(path)

    # Monthly costs and targets, as an owner would type them.
    month = end.replace(day=1)
    path = folder / "月度成本与目标.csv"
    path.write_text(
        "月份,店铺,人力成本,管理成本,销售目标,目标询盘成本\n"
        f'{month:%Y-%m},淘宝C店,"18,000","4,000","120,000",35\n',
        encoding="utf-8-sig",
    )
    paths.append(path)

    # A small team's roster (the start stage: four people) and its monthly ratings.
    path = folder / "花名册_淘宝C店.xlsx"
    pd.DataFrame(
        {
            "工号": ["C01", "C02", "C03", "C04"],
            "姓名": ["林店长", "小雨", "阿福", "小白"],
            "岗位": ["店长", "客服", "客服", "美工"],
            "上级": [None, "林店长", "林店长", "林店长"],
            "店铺": ["淘宝C店"] * 4,
            "入职日期": ["2026-06-01", "2026-06-15", "2026-07-01", "2026-08-01"],
            "基本工资": [8000, 4500, 4500, 5000],
            "职级系数": [1.0, 1.0, 1.0, 1.0],
            "浮动工资系数": [0.4, 0.4, 0.4, 0.3],
        }
    ).to_excel(path, index=False)
    paths.append(path)
    path = folder / "月度评分_淘宝C店.csv"
    path.write_text(
        "月份,工号,姓名,任务完成度,工作质量,上级评分,同事评分\n"
        f"{month:%Y-%m},C01,林店长,92,88,85,80\n{month:%Y-%m},C02,小雨,95,90,88,85\n"
        f"{month:%Y-%m},C03,阿福,80,85,78,82\n{month:%Y-%m},C04,小白,88,92,80,90\n",
        encoding="utf-8-sig",
    )
    paths.append(path)

    # Shopify's "Sales over time" export: UTF-8, English headers, returns written negative,
    # each day's parts adding up as Shopify's do (gross - discounts + returns = net; net +
    # shipping + taxes = total).
    path = folder / "shopify_sales_by_day.csv"
    shop = ["Day,Orders,Gross sales,Discounts,Returns,Net sales,Shipping,Taxes,Total sales"]
    for d, b, s in zip(days, buyers, sales):
        gross, discounts, returns = round(s / 18, 2), round(s / 300, 2), round(s / 500, 2)
        shipping, taxes = round(s / 400, 2), round(s / 250, 2)
        net = round(gross - discounts - returns, 2)
        total = round(net + shipping + taxes, 2)
        shop.append(
            f"{d},{max(1, int(b / 3))},{gross:.2f},{-discounts:.2f},{-returns:.2f},{net:.2f},"
            f"{shipping:.2f},{taxes:.2f},{total:.2f}"
        )
    path.write_text("\n".join(shop) + "\n", encoding="utf-8")
    paths.append(path)
    return paths
