"""Property tests: any number or date written the ways exporters write it parses back."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from ecdata.ingest.cleaning import parse_dates, parse_numbers, parse_rates, parse_seconds

amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)


def western(value) -> str:
    return f"{value:,.2f}"


def indian(value) -> str:
    whole, frac = f"{value:.2f}".split(".")
    head, tail = whole[:-3], whole[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    return ",".join(groups + [tail]) + "." + frac if groups else tail + "." + frac


@settings(max_examples=60, deadline=None)
@given(
    st.lists(amounts, min_size=1, max_size=20),
    st.sampled_from(["", "¥", "￥", "$", "US$", "£", "₹", "¥ "]),
    st.sampled_from(["", "元"]),
    st.booleans(),
)
def test_amounts_with_separators_and_currency(values, prefix, suffix, use_indian):
    texts = [prefix + (indian(v) if use_indian else western(v)) + suffix for v in values]
    parsed = parse_numbers(texts)
    assert parsed == [float(v) for v in values]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=100_000), min_size=1, max_size=20))
def test_percent_and_fraction_rates_agree(basis_points):
    as_percent = [f"{b / 100:.2f}%" for b in basis_points]
    as_fraction = [f"{b / 10000:.4f}" for b in basis_points]
    for a, b in zip(parse_rates(as_percent), parse_rates(as_fraction)):
        assert abs(a - b) < 1e-12


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 99), st.integers(0, 59), st.integers(0, 59)),
        min_size=1,
        max_size=20,
    )
)
def test_chinese_durations(parts):
    texts = [
        (f"{h}小时" if h else "") + (f"{m}分" if m or h else "") + f"{s}秒" for h, m, s in parts
    ]
    assert parse_seconds(texts) == [h * 3600 + m * 60 + s for h, m, s in parts]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2060, 12, 31)),
        min_size=1,
        max_size=20,
    ),
    st.sampled_from(["iso", "slash", "compact", "serial", "cn", "dmy", "mdy"]),
)
def test_dates_in_every_exporter_style(dates, style):
    day_first = style == "dmy"
    fmt = {
        "iso": lambda d: d.isoformat(),
        "slash": lambda d: f"{d.year}/{d.month}/{d.day}",
        "compact": lambda d: d.strftime("%Y%m%d"),
        "serial": lambda d: str((d - dt.date(1899, 12, 30)).days),
        "cn": lambda d: f"{d.year}年{d.month}月{d.day}日",
        "dmy": lambda d: d.strftime("%d/%m/%Y"),
        "mdy": lambda d: d.strftime("%m/%d/%Y"),
    }[style]
    assert parse_dates([fmt(d) for d in dates], day_first=day_first) == dates


def test_placeholders_are_missing_never_zero():
    assert parse_numbers(["-", "--", "暂无数据", "延迟统计", "", None, "0"]) == [
        None,
        None,
        None,
        None,
        None,
        None,
        0.0,
    ]
