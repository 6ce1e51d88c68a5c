from ecdata.formatting import format_change, format_signed, format_value


def test_chinese_amounts_use_wan_and_english_use_separators():
    assert format_value(1_857_000, "currency", "zh") == "¥185.70万"
    assert format_value(55_508, "currency", "zh") == "¥55,508"  # every digit below a million
    assert format_value(234_567_890, "count", "zh") == "2.3457亿"
    assert format_value(1_857_000, "currency", "en") == "¥1,857,000"
    assert format_value(7.663, "currency", "zh") == "¥7.66"
    assert format_value(367_990, "count", "zh") == "367,990"
    assert format_value(0.0268, "rate", "en") == "2.7%"
    assert format_value(float("nan"), "rate", "en") == "—"


def test_changes_in_percent_and_percentage_points():
    assert format_change(110, 100, "count") == "+10.0%"
    assert format_change(0.031, 0.030, "rate") == "+0.1 pp"
    assert format_change(0.0300, 0.0304, "rate") == "-0.04 pp"
    assert format_change(5, 0, "count") is None  # no percent change from zero


def test_negative_money_puts_the_sign_before_the_symbol():
    from ecdata.formatting import format_value

    assert format_value(-39000, "currency", "zh") == "-¥39,000"
    assert format_value(-12.5, "currency", "en", "$") == "-$12.50"


def test_a_change_that_rounds_to_nothing_has_no_sign():
    # The equation's steps are differences of sums: a step that is 3e-16 on one run is
    # -3e-16 on the next (DuckDB adds a sum's parts in no fixed order).
    for noise in (3e-16, -3e-16, 0.004, -0.004, -0.0):
        assert format_signed(noise, "currency", "en") == "¥0.00"
        assert format_signed(noise, "currency", "zh", "$") == "$0.00"
    assert format_signed(-0.2, "count", "en") == "0"
    assert format_signed(0.006, "currency", "en") == "+¥0.01"
    assert format_signed(-0.006, "currency", "en") == "-¥0.01"
    assert format_signed(1_223, "currency", "zh") == "+¥1,223"


def test_rounding_never_hides_a_change_of_a_tenth_of_a_percent():
    for value in (55_508, 987_654, 1_234_567, 98_765_432, 123_456_789_000):
        for lang in ("zh", "en"):
            assert format_value(value, "currency", lang) != format_value(
                value * 0.999, "currency", lang
            ), (value, lang)


def test_category_names_wrap_rather_than_turn():
    """A waterfall's steps on a phone get about 45 px each: names wrap into short lines."""
    import plotly.graph_objects as go

    from ecdata.figures import style, wrap_label

    assert wrap_label("对比期理论询盘成本") == "对比期<br>理论询<br>盘成本"
    assert wrap_label("推广费") == "推广费"
    assert wrap_label("人力成本") == "人力<br>成本"
    assert wrap_label("Inquiry cost, comparison") == "Inquiry<br>cost,<br>comparison"
    fig = style(go.Figure(go.Waterfall(x=["对比期支付金额", "访客数"], y=[100, -5])))
    assert list(fig.layout.xaxis.ticktext) == ["对比期<br>支付<br>金额", "访客数"]
    assert fig.layout.xaxis.tickangle == 0 and fig.layout.uniformtext.minsize == 12
    dates = style(go.Figure(go.Bar(x=["2026-11-02", "2026-11-09"], y=[1, 2])))
    assert dates.layout.xaxis.ticktext is None  # plotly thins dates itself
    # The meeting's screens (type scaled up, 1920 px wide): at most two lines.
    from ecdata.figures import styled

    with styled("zh", 1.6):
        shared = style(go.Figure(go.Waterfall(x=["对比期理论询盘成本", "访客数"], y=[9, -1])))
    assert list(shared.layout.xaxis.ticktext) == ["对比期理论<br>询盘成本", "访客数"]


def test_a_builders_own_layout_survives_the_style_and_the_style_wins_where_they_meet():
    """style() merges the builder's layout and axis changes, then its own, into one figure:
    what the builder set stays unless the style sets the same thing."""
    import pandas as pd

    from ecdata.figures import against_target, lines, styled

    weeks = pd.DataFrame(
        {
            "period": ["2026-11-02", "2026-11-09", "2026-11-16"],
            "sales": [182_000.0, 96_500.0, 240_000.0],
            "target": [200_000.0, 200_000.0, 200_000.0],
            "done": [0.91, 0.4825, 1.2],
        }
    )
    with styled("zh", 1.75):
        trend = lines(weeks, "period", "sales", None, "支付金额", title="趋势")
        held = against_target(
            weeks, "period", ("sales", "实际"), ("target", "目标"), ("done", "完成率")
        )
    y = trend.layout.yaxis
    assert y.title.text == "支付金额" and y.title.font.size == 28  # the builder's and the style's
    assert y.rangemode == "tozero" and list(y.ticktext)[:2] == ["0", "5万"]  # 万 ticks in Chinese
    assert trend.layout.xaxis.type == "category" and trend.layout.xaxis.tickangle == 0
    assert trend.layout.title.text == "趋势" and trend.layout.font.size == 30
    second = held.layout.yaxis2
    assert second.title.text == "完成率" and second.tickformat == ".0%" and second.overlaying == "y"
    assert second.tickfont.size == 26  # the style reaches every axis the builder made
    assert held.layout.yaxis.rangemode == "tozero" and held.layout.yaxis.overlaying is None


def _drawn(img: str) -> str:
    """The SVG behind a sparkline's <img>."""
    import base64
    import re

    return base64.b64decode(re.search(r"base64,([^\"]+)", img)[1]).decode()


def test_a_sparkline_draws_each_value_lowest_at_the_bottom():
    from ecdata.figures import sparkline

    line = sparkline([10.0, 30.0, 20.0], "#e03131", 'Sales <"week">')
    assert 'alt="Sales &lt;&quot;week&quot;&gt;"' in line
    svg = _drawn(line)
    assert 'points="0.00,28.00 50.00,2.00 100.00,15.00"' in svg and 'stroke="#e03131"' in svg
    assert 'points="0.00,15.00 100.00,15.00"' in _drawn(sparkline([5.0, 5.0], "#000"))
    assert sparkline([5.0], "#000") == ""  # one week draws no line
