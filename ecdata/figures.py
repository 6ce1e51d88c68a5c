"""Plotly figures styled for a projector: large type, few lines, labels on the data.

Shared by the pages (ui.charts wraps each builder in the page's language and type scale)
and the weekly report (ecdata.report), so a chart in the report is the chart on the page.
`styled(lang, scale)` sets both for the figures built inside it.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import math
import re
from contextlib import contextmanager
from contextvars import ContextVar

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from ecdata.formatting import format_signed, format_value
from ecdata.i18n import t
from ecdata.metrics.catalogue import METRICS

# (language, type scale) of the figures being built: "zh" or "en"; 1.0 on a desk, larger
# on a shared screen.
_STYLE: ContextVar[tuple[str, float]] = ContextVar("figure_style", default=("zh", 1.0))

# Every figure is plotly_white. As the default, a new figure takes it as it is built (1 ms);
# set per figure with update_layout(template=…), plotly copied and checked it each time
# (8 ms a figure, a fifth of a warm page's run).
pio.templates.default = "plotly_white"


@contextmanager
def styled(lang: str, scale: float = 1.0):
    """Build figures inside this block in `lang`, with type `scale` times the desk size."""
    token = _STYLE.set((lang, scale))
    try:
        yield
    finally:
        _STYLE.reset(token)


def lang() -> str:
    return _STYLE.get()[0]


def type_scale() -> float:
    return _STYLE.get()[1]


PALETTE = [
    "#1f6feb",
    "#e8590c",
    "#2f9e44",
    "#9c36b5",
    "#e03131",
    "#0c8599",
    "#f08c00",
    "#5c7cfa",
    "#c2255c",
    "#495057",
]
GOOD, BAD, NEUTRAL = "#2f9e44", "#e03131", "#868e96"
VERDICT_COLOR = {"good": GOOD, "bad": BAD, "neutral": NEUTRAL}  # a change that helps, hurts


# Trace fields that may hold names (stores, channels, products, people) as text.
_NAME_FIELDS = ("x", "y", "labels", "parents", "ids", "text", "hovertext")


def plain(text):
    """`text` as plotly shows it literally: plotly reads <b>, <a href>, <br> in any text as
    markup, so a store called '<a href=…>' would become a link. A newline becomes a line
    break (the one piece of markup our own labels use)."""
    if not isinstance(text, str):
        return text
    return html.escape(text, quote=False).replace("\n", "<br>")


def _names_as_text(data: list[dict]) -> None:
    for trace in data:
        if isinstance(trace.get("name"), str):
            trace["name"] = plain(trace["name"])
        for field in _NAME_FIELDS:
            values = trace.get(field)
            if values is None or isinstance(values, str):
                continue
            if any(isinstance(v, str) for v in values):
                trace[field] = [plain(v) for v in values]


def _value_axes(data: list[dict]) -> dict[str, list[float]]:
    """layout axis name ('yaxis', 'yaxis2', 'xaxis') -> the numbers drawn along it."""
    found: dict[str, list[float]] = {}
    for trace in data:
        kind = trace.get("type", "scatter")
        if kind not in ("scatter", "bar", "funnel", "waterfall"):
            continue  # treemaps, sunbursts: no value axis
        along_x = kind == "funnel" or trace.get("orientation") == "h"
        ref = trace.get("xaxis" if along_x else "yaxis") or ("x" if along_x else "y")
        values = trace.get("x" if along_x else "y")
        if values is None:
            continue
        numbers = [float(v) for v in values if isinstance(v, int | float) and math.isfinite(v)]
        if kind == "waterfall":
            # Its bars stand on each other: the axis spans the running totals.
            running, numbers = 0.0, [0.0]
            for v, kind in zip(values, trace.get("measure") or ["relative"] * len(values)):
                if kind == "absolute":
                    running = float(v)
                elif kind == "relative":
                    running += float(v)
                numbers.append(running)
        found.setdefault(ref[0] + "axis" + ref[1:], []).extend(numbers)
    return found


def _wan(value: float, unit: float, word: str) -> str:
    return "0" if value == 0 else f"{value / unit:,.2f}".rstrip("0").rstrip(".") + word


def _chinese_ticks(data: list[dict], layout: dict) -> None:
    """Axes in 万 and 亿, as the cards write numbers in Chinese: plotly's own ticks say
    238.224k and 3.288396M. Rate axes (with a tick format) keep theirs."""
    for axis, numbers in _value_axes(data).items():
        if not numbers or layout.get(axis, {}).get("tickformat"):
            continue
        lo, hi = min(0.0, *numbers), max(0.0, *numbers)
        if max(abs(lo), abs(hi)) < 10_000:
            continue
        raw = (hi - lo) / 5
        magnitude = 10 ** math.floor(math.log10(raw))
        step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
        ticks = [i * step for i in range(math.floor(lo / step), math.ceil(hi / step) + 2)]
        unit, word = (1e8, "亿") if max(abs(lo), abs(hi)) >= 1e8 else (1e4, "万")
        _update(
            layout,
            {
                axis: dict(
                    tickvals=ticks,
                    ticktext=[_wan(t, unit, word) for t in ticks],
                    hoverformat=",.0f",
                )
            },
        )


_DAY_LABEL = re.compile(r"^\d{4}-\d{2}")
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def wrap_label(text: str, cjk: int = 3, latin: int = 11) -> str:
    """A category name on lines of at most `cjk` Chinese characters or `latin` letters (at
    word breaks), joined by <br>: a phone gives a waterfall step 55 px, and a long name
    would overlap its neighbours or be turned on its side."""
    if _CJK.search(text):
        if len(text) <= cjk:
            return text
        lines = -(-len(text) // cjk)
        base, longer = divmod(len(text), lines)  # 7 on three lines: 3, 2, 2; never 3, 3, 1
        cuts = [0]
        for i in range(lines):
            cuts.append(cuts[-1] + base + (i < longer))
        return "<br>".join(text[a:b] for a, b in zip(cuts, cuts[1:]))
    out: list[str] = []
    for word in text.split():
        if out and len(out[-1]) + 1 + len(word) <= latin:
            out[-1] += " " + word
        else:
            out.append(word)
    return "<br>".join(out) or text


def _level_x_ticks(data: list[dict], layout: dict, two_lines: bool = False) -> None:
    """Level x labels that fit: periods thinned to four, a few category names wrapped onto
    short lines (at most two with `two_lines`); long lists of names are left as they are."""
    names: list[str] = []
    for trace in data:
        xs = trace.get("x")
        if xs is None or trace.get("orientation") == "h":
            continue
        for x in xs:
            if isinstance(x, dt.date | pd.Timestamp):
                x = x.isoformat()
            if not isinstance(x, str):
                return
            if x not in names:
                names.append(x)
    if names and any(_DAY_LABEL.match(n) for n in names):
        # Periods (2026-11-09): plotly labels every category, turning them when they do not
        # fit; level, a phone has room for four (the hover names each point).
        _update_axes(layout, "x", dict(nticks=4))
        return
    if not names or len(names) > 12:
        return
    if two_lines:
        wrapped = [wrap_label(n, cjk=max(4, -(-len(n) // 2)), latin=12) for n in names]
    else:
        wrapped = [wrap_label(n) for n in names]
    if wrapped != names:
        _update_axes(layout, "x", dict(tickmode="array", tickvals=names, ticktext=wrapped))


def _update(target: dict, changes: dict) -> dict:
    """`changes` into `target` as plotly's update does: dicts merge, None removes."""
    for key, value in changes.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict):
            if not isinstance(target.get(key), dict):
                target[key] = {}
            _update(target[key], value)
        else:
            target[key] = value
    return target


_AXIS = re.compile(r"^([xy])axis\d*$")


def _update_axes(layout: dict, letter: str, changes: dict) -> None:
    """`changes` into every x (or y) axis, as update_xaxes does: the first axis always."""
    names = {f"{letter}axis"} | {k for k in layout if (m := _AXIS.match(k)) and m[1] == letter}
    for name in sorted(names):
        _update(layout.setdefault(name, {}), changes)


def style(
    fig: go.Figure,
    height: int = 420,
    title: str | None = None,
    *,
    layout: dict | None = None,
    xaxes: dict | None = None,
    yaxes: dict | None = None,
    periods: bool = False,
) -> go.Figure:
    """Every figure the app shows passes here: projector-sized type, names as text, and
    numbers in the page language's style (万 in Chinese, k/M in English). A builder's own
    `layout` and the changes to all its `xaxes` and `yaxes` come first (style wins where
    they meet); `periods`: the x axis holds periods (PERIOD_AXIS)."""
    # Styled as plain dicts and made a figure once: each update_layout or update_xaxes of a
    # built figure cost plotly 2-4 ms of checks and change events (10-30 ms a figure, half a
    # warm page's run); the new figure takes the default template as it is built.
    data = [trace.to_plotly_json() for trace in fig.data]
    layout = _update(fig.layout.to_plotly_json(), layout or {})
    layout.pop("template", None)
    if xaxes:
        _update_axes(layout, "x", xaxes)
    if yaxes:
        _update_axes(layout, "y", yaxes)
    _names_as_text(data)
    if lang() == "zh":
        _chinese_ticks(data, layout)
    scale = type_scale()
    for trace in data:
        size = trace.get("textfont", {}).get("size")
        if size:
            trace["textfont"]["size"] = round(size * scale)
    _update(
        layout,
        dict(
            height=height,
            colorway=PALETTE,
            font=dict(size=round(17 * scale)),
            title=(
                dict(text=title, font=dict(size=round(21 * scale)), y=0.98, yanchor="top")
                if title
                else None
            ),
            # The legend sits between the title and the plot, never over either.
            margin=dict(l=10, r=10, t=round((100 if title else 50) * scale), b=10),
            legend=dict(
                orientation="h",
                yanchor="bottom",
                y=1.02,
                xanchor="left",
                x=0,
                font=dict(size=round(16 * scale)),
            ),
            hoverlabel=dict(font=dict(size=round(16 * scale))),
            # A bar's number never shrinks below 12 px to fit a narrow bar (a phone's): it is
            # left out, and the hover still gives it.
            uniformtext=dict(minsize=12, mode="hide"),
        ),
    )
    # Pages wrap names short for phones; the meeting's screens (type scaled up, 1920 px
    # wide) on at most two lines: three lines of 24 px type squashed their plots.
    _level_x_ticks(data, layout, two_lines=scale > 1.0)
    # Streamlit's chart theme sets its own (12.75 px) tick and axis-title type: ours wins.
    axis_type = dict(
        tickfont=dict(size=round(15 * scale)), title=dict(font=dict(size=round(16 * scale)))
    )
    # Tick labels stay level (a phone rotated them 30-90°): plotly thins category and date
    # ticks to what fits, and long category names wrap (_wrapped) instead of turning.
    _update_axes(layout, "x", dict(axis_type, tickangle=0))
    _update_axes(layout, "y", axis_type)
    if periods:
        _update_axes(layout, "x", PERIOD_AXIS)
    return go.Figure(data=data, layout=layout)


def sparkline(values: list[float], color: str, label: str = "") -> str:
    """A card's trend as a small line, lowest value at the bottom: an SVG image drawn by the
    browser itself (an image, as st.html keeps no inline SVG). st.metric's own sparklines
    load Vega beside plotly, and ten of them made the review's load 0.3 s slower warm and
    0.7 s slower cold."""
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    step = 100 / (len(values) - 1)

    def y(v: float) -> float:
        # From 28 (lowest) up to 2 (highest) of 30: the line's width stays inside the box.
        return 28 - (v - low) / (high - low) * 26 if high > low else 15

    points = " ".join(f"{i * step:.2f},{y(v):.2f}" for i, v in enumerate(values))
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 30" '
        'preserveAspectRatio="none">'
        f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2" '
        'stroke-linejoin="round" vector-effect="non-scaling-stroke"/></svg>'
    )
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    return (
        f'<img class="ec-sparkline" alt="{html.escape(label)}" src="{source}" '
        'style="display: block; width: 100%; height: 32px">'
    )


def funnel(
    stages: list[tuple[str, float]], title: str | None = None, height: int = 380
) -> go.Figure:
    fig = go.Figure(
        go.Funnel(
            y=[label for label, _ in stages],
            x=[value for _, value in stages],
            # The stage's number as the cards write it (万 in Chinese), then its share.
            text=[format_value(value, "count", lang()) for _, value in stages],
            textinfo="text+percent previous",
            textfont=dict(size=round(18 * type_scale())),
            marker=dict(color=PALETTE[: len(stages)]),
        )
    )
    return style(fig, height, title)


# Periods are labels (2026-11-09), not instants: a category axis never shows 23:59:59.999.
PERIOD_AXIS = dict(type="category", categoryorder="category ascending")


def _partial(frame, column: str) -> list[bool]:
    """Per point: its period is unfinished, or its ratio covers only part of its
    store-days (kpis.kpi_table's `partial`, `<column>_days` and `store_days`)."""
    out = [bool(p) for p in frame["partial"]] if "partial" in frame else [False] * len(frame)
    days = f"{column}_days"
    if days in frame and "store_days" in frame:
        covered = zip(frame[days].fillna(0), frame["store_days"].fillna(0))
        out = [p or 0 < c < t for p, (c, t) in zip(out, covered)]
    return out


def partial_markers(frame, column: str, size: int) -> dict:
    """Marker style for a KPI column: a hollow dot where the point is partial (_partial),
    so a partial point looks partial; the hover says why."""
    return dict(
        size=size, symbol=["circle-open" if p else "circle" for p in _partial(frame, column)]
    )


def partial_hover(frame, column: str) -> list[str]:
    """Per point: 'covers 1/7 days' and/or 'in progress', or nothing."""
    days = f"{column}_days"
    texts = []
    for i in range(len(frame)):
        said = []
        if days in frame and "store_days" in frame:
            c, n = frame[days].iloc[i], frame["store_days"].iloc[i]
            if 0 < (c or 0) < (n or 0):
                said.append(t("card.coverage", lang(), covered=int(c), total=int(n)))
        if "partial" in frame and bool(frame["partial"].iloc[i]):
            said.append(t("chart.in_progress", lang()))
        texts.append(" · ".join(said))
    return texts


def lines(
    frame,
    x: str,
    y: str,
    group: str | None,
    y_title: str,
    percent: bool = False,
    title: str | None = None,
    *,
    prefix: str = "",
) -> go.Figure:
    """`y` over `x`, a line per `group`. `prefix`: the currency symbol the value axis's
    numbers start with (¥10), instead of an axis title: a lone '¥' turned on its side
    reads as another glyph."""
    traces: list = []
    groups = [(None, frame)] if group is None else list(frame.groupby(group, sort=True))
    # One or two periods make dots, not a trend: side-by-side bars read better then.
    as_bars = frame[x].nunique() <= 2
    for name, part in groups:
        if as_bars:
            traces.append(go.Bar(x=part[x], y=part[y], name=name or y_title))
        else:
            traces.append(
                go.Scatter(
                    x=part[x],
                    y=part[y],
                    mode="lines+markers",
                    name=name or y_title,
                    line=dict(width=3),
                    marker=partial_markers(part, y, 7),
                    text=partial_hover(part, y),
                    connectgaps=False,
                )
            )
    axis = dict(
        title=dict(text="" if prefix else y_title),
        tickprefix=prefix or None,
        tickformat=".1%" if percent else None,
        rangemode="tozero",
    )
    return style(go.Figure(traces), 420, title, yaxes=axis, periods=True)


def metric_lines(
    frame, x: str, metrics: list[tuple[str, str, bool]], group: str | None
) -> go.Figure:
    """One panel per metric (column, label, is_rate), stacked on a shared period axis; each
    group (store, channel) a line in every panel, in one colour and one legend entry.
    Trace order: metric by metric, groups in sorted order within each."""
    from plotly.subplots import make_subplots

    fig = make_subplots(
        rows=len(metrics),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.06,
        subplot_titles=[label for _, label, _ in metrics],
    )
    groups = [(None, frame)] if group is None else list(frame.groupby(group, sort=True))
    as_bars = frame[x].nunique() <= 2
    layout: dict = {}
    for row, (column, label, is_rate) in enumerate(metrics, start=1):
        for i, (name, part) in enumerate(groups):
            common = dict(
                x=part[x],
                y=part[column],
                name=name or label,
                legendgroup=str(name),
                showlegend=row == 1,
                marker_color=PALETTE[i % len(PALETTE)],
            )
            if as_bars:
                fig.add_trace(go.Bar(**common), row=row, col=1)
            else:
                fig.add_trace(
                    go.Scatter(
                        mode="lines+markers",
                        line=dict(width=3, color=PALETTE[i % len(PALETTE)]),
                        connectgaps=False,
                        **common,
                    ),
                    row=row,
                    col=1,
                )
        # make_subplots names one column's rows' axes yaxis, yaxis2, …
        layout[f"yaxis{row if row > 1 else ''}"] = dict(
            tickformat=".1%" if is_rate else None, rangemode="tozero"
        )
    layout["annotations"] = [  # the panels' titles
        dict(a.to_plotly_json(), font=dict(size=round(18 * type_scale())), text=plain(a.text))
        for a in fig.layout.annotations
    ]
    return style(fig, 120 + 280 * len(metrics), layout=layout, periods=True)


def waterfall(
    steps: list[tuple[str, float, str]], texts: list[str], title: str, up_is_good: bool = True
) -> go.Figure:
    """From one total to another through the parts between: steps are (label, value,
    'absolute' | 'relative' | 'total'); green for a part that helps, red for one that hurts
    (a cost going up hurts: up_is_good=False). The steps run down the side, bars across:
    each name has the width of the chart (a phone gave seven upright steps 43 px each, and
    "Management cost" did not fit)."""
    up, down = (GOOD, BAD) if up_is_good else (BAD, GOOD)
    fig = go.Figure(
        go.Waterfall(
            orientation="h",
            y=[label for label, _, _ in steps],
            x=[value for _, value, _ in steps],
            measure=[kind for _, _, kind in steps],
            text=texts,
            # The totals' numbers inside their long bars, the steps' beside them: a phone's
            # plot has no room beyond a total for "¥1,856,697".
            textposition=["outside" if kind == "relative" else "inside" for _, _, kind in steps],
            insidetextanchor="end",
            textfont=dict(size=round(17 * type_scale())),
            cliponaxis=False,
            increasing=dict(marker=dict(color=up)),
            decreasing=dict(marker=dict(color=down)),
            totals=dict(marker=dict(color=PALETTE[0])),
            connector=dict(line=dict(color="#adb5bd")),
        )
    )
    # From zero, with its scale written: a 2% change is a small step beside ¥1.8M, and its
    # label says how much; a cut axis would draw it as a cliff. Room beyond the longest bar
    # for its number; the first step on top.
    running, lowest, highest = 0.0, 0.0, 0.0
    for _, value, kind in steps:  # a 'total' step shows the running sum
        running = (
            value if kind == "absolute" else running + value if kind == "relative" else running
        )
        lowest, highest = min(lowest, running), max(highest, running)
    height = round((110 + 52 * len(steps)) * min(type_scale(), 1.4))
    return style(
        fig,
        height,
        title,
        xaxes=dict(range=[1.4 * lowest, 1.4 * highest or 1.0], showgrid=True),
        yaxes=dict(autorange="reversed"),
    )


def stacked_bars(
    frame,
    x: str,
    parts: list[tuple[str, str]],
    title: str | None = None,
    line: tuple[str, str] | None = None,
) -> go.Figure:
    """Bars stacked from `parts` (column, label); optionally a line on a second axis."""
    traces: list = [go.Bar(x=frame[x], y=frame[column], name=label) for column, label in parts]
    layout: dict = dict(barmode="stack")
    if line:
        column, label = line
        traces.append(
            go.Scatter(
                x=frame[x],
                y=frame[column],
                name=label,
                yaxis="y2",
                mode="lines+markers",
                line=dict(width=3, color="#212529"),
            )
        )
        layout["yaxis2"] = dict(
            overlaying="y", side="right", rangemode="tozero", showgrid=False, title=dict(text=label)
        )
    return style(go.Figure(traces), 420, title, layout=layout, periods=True)


def _target_line(frame, x: str, target: tuple[str, str], mode: str) -> go.Scatter:
    """A target as every chart draws it: a dark dashed line."""
    return go.Scatter(
        x=frame[x],
        y=frame[target[0]],
        name=target[1],
        mode=mode,
        line=dict(width=3, dash="dash", color="#212529"),
    )


def against_target(
    frame,
    x: str,
    actual: tuple[str, str],
    target: tuple[str, str],
    completion: tuple[str, str],
    title: str | None = None,
) -> go.Figure:
    """Actual as bars, the target as a dashed line on the same axis (visible whether it was
    beaten or missed), and completion in percent on a second axis. Each pair: (column, label)."""
    traces = [
        go.Bar(x=frame[x], y=frame[actual[0]], name=actual[1]),
        _target_line(frame, x, target, "lines+markers"),
        go.Scatter(
            x=frame[x],
            y=frame[completion[0]],
            name=completion[1],
            yaxis="y2",
            mode="lines+markers",
            line=dict(width=3, color=GOOD),
        ),
    ]
    layout = dict(
        yaxis=dict(rangemode="tozero"),
        yaxis2=dict(
            overlaying="y",
            side="right",
            rangemode="tozero",
            showgrid=False,
            tickformat=".0%",
            title=dict(text=completion[1]),
        ),
    )
    return style(go.Figure(traces), 420, title, layout=layout, periods=True)


def movers(
    frame,
    label_col: str,
    labels: list[str],
    title: str | None = None,
    value: str = "change_pct",
    texts: list[str] | None = None,
) -> go.Figure:
    """Horizontal bars of each row's change (`value`: change_pct as +x%, or change in the
    metric's unit with `texts` its formatted labels); green good, red bad."""
    if "verdict" in frame:
        verdicts = list(frame.verdict)
    else:
        verdicts = ["good" if v > 0 else "bad" if v < 0 else "neutral" for v in frame[value]]
    colors = [VERDICT_COLOR.get(v, NEUTRAL) for v in verdicts]
    fig = go.Figure(
        go.Bar(
            x=frame[value],
            y=labels,
            orientation="h",
            marker_color=colors,
            text=texts if texts is not None else [f"{v:+.1%}" for v in frame[value]],
            textposition="outside",
            textfont=dict(size=round(17 * type_scale())),
            cliponaxis=False,
        )
    )
    # Room on both sides for the labels outside the bars, and an honest scale: a change of
    # -0.7% is a short bar on an axis reaching ±10% (or a tenth of the largest value it
    # changed from), never a bar across the chart.
    values = frame[value]
    floor = 0.10
    if value != "change_pct":
        floor = 0.1 * float(frame["previous"].abs().max()) if "previous" in frame else 0.0
    reach = max(abs(values).max() * 1.35, floor, 0.01)
    x_axis = dict(
        # Moves of a few percent need a decimal, or the ticks repeat (-4%, -4%, -3%).
        tickformat=(("+.0%" if reach >= 0.1 else "+.1%") if value == "change_pct" else None),
        zeroline=True,
        zerolinewidth=2,
        range=[-reach, reach],
    )
    # Every row labelled: room per row.
    height = max(300, round(len(labels) * 30 * type_scale()) + 110)
    return style(fig, height, title, xaxes=x_axis, yaxes=dict(autorange="reversed"))


def mark_notes(fig: go.Figure, notes, grain: str) -> go.Figure:
    """A dashed line and the note's text at the period each timeline note falls in (the
    period axis is categories: a week is labelled by its Monday, a month by its first)."""
    import datetime as dt

    # Only periods the chart has: a new category would stretch the axis.
    shown = {str(x)[:10] for trace in fig.data if trace.x is not None for x in trace.x}
    for row in notes.itertuples():
        # A pandas Timestamp is a date too, but its isoformat() carries a time.
        day = dt.date(row.day.year, row.day.month, row.day.day)
        if grain == "week":
            day = day - dt.timedelta(days=day.weekday())
        elif grain == "month":
            day = day.replace(day=1)
        label = day.isoformat()
        if label not in shown:
            continue
        fig.add_shape(
            type="line",
            xref="x",
            x0=label,
            x1=label,
            yref="paper",
            y0=0,
            y1=1,
            line=dict(color="#868e96", width=2, dash="dash"),
        )
        fig.add_annotation(
            x=label,
            y=1,
            xref="x",
            yref="paper",
            text=plain(f"📌 {row.text}"),
            showarrow=False,
            yanchor="bottom",
            font=dict(size=round(15 * type_scale()), color="#495057"),
        )
    return fig


def against_target_lines(
    frame, x: str, lines_: list[tuple[str, str]], target: tuple[str, str], title: str | None = None
) -> go.Figure:
    """Metrics as lines and the target they are held against as a dashed line, on one axis."""
    traces = [
        go.Scatter(
            x=frame[x],
            y=frame[column],
            name=label,
            mode="lines+markers",
            line=dict(width=4, color=PALETTE[i % len(PALETTE)]),
            marker=partial_markers(frame, column, 9),
            text=partial_hover(frame, column),
            connectgaps=False,
        )
        for i, (column, label) in enumerate(lines_)
    ]
    traces.append(_target_line(frame, x, target, "lines"))
    return style(go.Figure(traces), 420, title, yaxes=dict(rangemode="tozero"), periods=True)


def ranking(labels: list[str], values: list[float], title: str | None = None) -> go.Figure:
    """Horizontal bars, best first, each with its value written at its end (room for it
    beyond the best, never clipped). Names are categories, even a name of digits."""
    fig = go.Figure(
        go.Bar(
            x=values,
            y=labels,
            orientation="h",
            marker_color=PALETTE[0],
            text=[format_value(v, "points") for v in values],
            textposition="outside",
            textfont=dict(size=round(17 * type_scale())),
            cliponaxis=False,
        )
    )
    return style(
        fig,
        max(300, 40 * len(labels) + 80),
        title,
        xaxes=dict(range=[0, max(values + [1]) * 1.15]),
        yaxes=dict(autorange="reversed", type="category"),
    )


def waterfall_labels(steps, lang: str, symbol: str) -> tuple[list, list[str]]:
    """Steps of metrics.equation.waterfall_steps as a chart shows them: labelled in `lang`,
    each with its value in `symbol` (the parts signed, +¥1,223 / -¥3.9万)."""
    labelled, texts = [], []
    for i, (name, value, kind) in enumerate(steps):
        label = METRICS[name].label(lang)
        if kind == "relative":
            text = format_signed(value, "currency", lang, symbol)
        else:
            text = format_value(value, "currency", lang, symbol)
            label = t("eq.before" if i == 0 else "eq.now", lang, what=label)
        labelled.append((label, value, kind))
        texts.append(text)
    return labelled, texts


def sales_against_target(weeks) -> go.Figure:
    """The meeting's and the report's targets chart: weekly sales against the sales target,
    with completion (a kpi_table per week)."""
    return against_target(
        weeks,
        "period",
        ("sales", _label("sales")),
        ("sales_target", _label("sales_target")),
        ("sales_target_completion", _label("sales_target_completion")),
    )


def inquiry_cost_against_target(weeks) -> go.Figure:
    """The meeting's and the report's inquiry-cost chart: inquiry and closed-inquiry cost
    per week against the target inquiry cost."""
    return against_target_lines(
        weeks,
        "period",
        [
            ("inquiry_cost", _label("inquiry_cost")),
            ("closed_inquiry_cost", _label("closed_inquiry_cost")),
        ],
        ("target_inquiry_cost", _label("target_inquiry_cost")),
    )


def _label(name: str) -> str:
    """A metric's name in the language of the figures being built."""
    return METRICS[name].label(lang())


def gantt(tasks, today, by_person: bool = True, height: int | None = None) -> go.Figure:
    """The work plan as a Gantt chart: one bar per task from its start (else its deadline)
    to its deadline, a row per task (named by its person in the team's view), the goal on
    the bar, coloured by state (done in time, done late, open, overdue), the meeting's action
    items hatched, and today's line.

    `tasks` is team.plans.plan_tasks' frame."""
    states = (
        ("on_time", GOOD, "plan.done_on_time"),
        ("late", NEUTRAL, "plan.done_late"),
        ("open", PALETTE[0], "plan.open"),
        ("overdue", BAD, "plan.overdue"),
    )
    frame = tasks.copy()
    frame["state"] = "open"
    frame.loc[frame["done"] & frame["on_time"], "state"] = "on_time"
    frame.loc[frame["done"] & ~frame["on_time"], "state"] = "late"
    frame.loc[frame["overdue"], "state"] = "overdue"
    deadline = pd.to_datetime(frame["deadline"])
    start = pd.to_datetime(frame["start"]).fillna(deadline)
    # A bar covers whole days: a task due on its start day is one day long.
    end = deadline + pd.Timedelta(days=1)
    # A row per task (a person's tasks may overlap in time), named by its person in the
    # team's view; the bar says the goal it serves.
    task = frame["task"].fillna("").map(lambda x: x if len(x) <= 14 else x[:13] + "…")
    frame["row"] = (frame["name"].fillna("?") + " · " + task) if by_person else task
    frame = frame.sort_values(["name", "deadline"], kind="stable")
    traces = []
    for state, colour, key in states:
        part = frame[frame["state"] == state]
        if part.empty:
            continue
        traces.append(
            go.Bar(
                base=start[part.index],
                x=(end[part.index] - start[part.index]).dt.total_seconds() * 1000,
                y=part["row"],
                orientation="h",
                name=t(key, lang()),
                marker=dict(
                    color=colour,
                    pattern_shape=["/" if k == "action" else "" for k in part["kind"]],
                ),
                text=[
                    t("plan.action", lang()) if k == "action" else (g or "")
                    for k, g in zip(part["kind"], part["goal"])
                ],
                textposition="inside",
                insidetextanchor="start",
                textfont=dict(size=15),
                textangle=0,  # never turned on its side, even in a short bar on a phone
                hovertext=[
                    f"{plain(r.task)} · {plain(r.goal or '')} · {r.deadline}"
                    for r in part.itertuples()
                ],
                hoverinfo="text",
            )
        )
    fig = go.Figure(traces)
    today_ts = pd.Timestamp(today if isinstance(today, dt.date) else dt.date.today())
    fig.add_vline(x=today_ts, line_width=2, line_dash="dash", line_color=BAD)
    fig.add_annotation(
        x=today_ts, y=1.0, yref="paper", text=t("plan.today", lang()), showarrow=False,
        yanchor="bottom", font=dict(size=round(15 * type_scale())),
    )  # fmt: skip
    rows = frame["row"].nunique()
    fig = style(
        fig,
        height or max(320, 44 * rows + 160),
        layout=dict(barmode="overlay"),
        xaxes=dict(type="date"),
        yaxes=dict(
            autorange="reversed",
            categoryorder="array",
            categoryarray=list(dict.fromkeys(frame["row"])),
        ),
    )
    # Room under the bars for the dates, at a shared screen's type size too.
    return fig.update_layout(margin=dict(b=round(60 * type_scale())))


def inquiry_breakdown(frame, by: str, title: str | None = None, top: int = 10) -> go.Figure:
    """Inquiries per `by` (a source, country, product or agent) as horizontal bars split into
    qualified and the rest, each labelled with its inquiry quality: the largest first, the
    rest beyond `top` left out (the table beside it lists every one)."""
    rows = frame.head(top)
    labels = [str(v) or t("inq.unnamed", lang()) for v in rows[by]]
    qualified = rows["qualified_inquiries"].fillna(0)
    rest = rows["inquiries"] - qualified
    fig = go.Figure([
        go.Bar(
            x=qualified, y=labels, orientation="h", name=METRICS["qualified_inquiries"].label(lang()),
            marker_color=GOOD,
        ),
        go.Bar(
            x=rest,
            y=labels,
            orientation="h",
            name=t("inq.not_qualified", lang()),
            marker_color=NEUTRAL,
            text=[format_value(q, "rate") if pd.notna(q) else "" for q in rows["inquiry_quality"]],
            textposition="outside",
            cliponaxis=False,
        ),
    ])  # fmt: skip
    most = max(list(rows["inquiries"]) + [1])
    # Whole inquiries: no 0.5 ticks on a small week.
    return style(
        fig,
        max(300, 42 * len(labels) + 110),
        title,
        layout=dict(barmode="stack"),
        xaxes=dict(range=[0, most * 1.2], rangemode="tozero", dtick=1 if most <= 10 else None),
        yaxes=dict(autorange="reversed"),
    )


def org_layout(tree) -> pd.DataFrame:
    """Positions for an org chart of `tree` (org.org_tree: id, parent, label, department):
    x (column centre) and row for every node, the top at row 0. A manager's direct reports
    who manage nobody stand in one column under them, so twenty agents take one column, not
    twenty; other children stand side by side, their parent centred above them."""
    children: dict[str, list[str]] = {}
    for node, parent in zip(tree["id"], tree["parent"]):
        children.setdefault(parent, []).append(node)
    roots = children.get("", [])
    # The synthetic team root adds nothing when one person leads everyone.
    if len(roots) == 1 and roots[0] == "__team" and len(children.get("__team", [])) == 1:
        roots = children["__team"]
    place: dict[str, tuple[float, float]] = {}

    def lay(node: str, left: float, row: float) -> float:
        kids = children.get(node, [])
        if not kids:
            place[node] = (left + 0.5, row)
            return 1.0
        if all(not children.get(k) for k in kids) and len(kids) > 2:
            place[node] = (left + 0.5, row)
            for i, kid in enumerate(kids, start=1):
                place[kid] = (left + 0.5, row + i * 0.75 + 0.25)
            return 1.0
        width = 0.0
        for kid in kids:
            width += lay(kid, left + width, row + 1.25)
        place[node] = (left + width / 2, row)
        return width

    left = 0.0
    for root in roots:
        left += lay(root, left, 0.0)
    frame = tree.set_index("id").loc[list(place)].reset_index()
    frame["x"] = [place[n][0] for n in frame["id"]]
    frame["row"] = [place[n][1] for n in frame["id"]]
    return frame


def org_chart(tree, colors: dict[str, str], title: str | None = None) -> go.Figure:
    """The org chart: a box per person (name, role) in its department's colour, reporting
    lines from each manager down to their people, the top of the team on top."""
    nodes = org_layout(tree)
    at = {n: (x, r) for n, x, r in zip(nodes["id"], nodes["x"], nodes["row"])}
    box_w, box_h = 0.9, 0.6
    # Shapes and labels are handed to plotly at once: add_shape/add_annotation re-validate
    # the whole layout on every call (a roster of 73 took 3.6 s to draw that way).
    lines, boxes, labels = [], [], []
    for node, parent in zip(nodes["id"], nodes["parent"]):
        if parent not in at:
            continue
        (x, r), (px, pr) = at[node], at[parent]
        if abs(x - px) < 1e-9:  # a stacked report: a line down the column's left side
            path = f"M {px - box_w / 2 + 0.05},{pr + box_h / 2} L {px - box_w / 2 + 0.05},{r}"
        else:  # an elbow from the manager down to the report
            mid = pr + (r - pr) / 2
            path = f"M {px},{pr + box_h / 2} L {px},{mid} L {x},{mid} L {x},{r - box_h / 2}"
        lines.append(
            dict(type="path", path=path, line=dict(color="#868e96", width=1.5), layer="below")
        )
    scale = type_scale()
    for node in nodes.to_dict("records"):
        department = str(node["department"] or "")
        color = colors.get(department, "#f1f3f5") if department else "#e9ecef"
        x, row = float(node["x"]), float(node["row"])
        boxes.append(dict(
            type="rect",
            x0=x - box_w / 2, x1=x + box_w / 2, y0=row - box_h / 2, y1=row + box_h / 2,
            fillcolor=color, opacity=0.9, line=dict(color="white", width=2),
        ))  # fmt: skip
        name, _, role = str(node["label"]).partition("\n")
        labels.append(dict(
            x=x, y=row, showarrow=False,
            text=f"<b>{html.escape(name)}</b><br>{html.escape(role)}",
            font=dict(size=round(14 * scale), color="#212529"),
        ))  # fmt: skip
    fig = go.Figure(layout=dict(shapes=lines + boxes, annotations=labels))
    width = max(nodes["x"]) + 0.5 if len(nodes) else 1
    depth = max(nodes["row"]) + 0.5 if len(nodes) else 1
    return style(
        fig,
        max(320, int(110 * (depth + 0.6))),
        title,
        layout=dict(showlegend=False),
        xaxes=dict(visible=False, range=[0, width]),
        yaxes=dict(visible=False, range=[depth + 0.1, -0.5]),
    )
