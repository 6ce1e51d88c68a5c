"""Plotly figures styled for a projector: large type, few lines, labels on the data."""

from __future__ import annotations

import html

import plotly.graph_objects as go

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


# Trace fields that may hold names (stores, channels, products, people) as text.
_NAME_FIELDS = ("x", "y", "labels", "parents", "ids", "text", "hovertext")


def plain(text):
    """`text` as plotly shows it literally: plotly reads <b>, <a href>, <br> in any text as
    markup, so a store called '<a href=…>' would become a link. A newline becomes a line
    break (the one piece of markup our own labels use)."""
    if not isinstance(text, str):
        return text
    return html.escape(text, quote=False).replace("\n", "<br>")


def _names_as_text(fig: go.Figure) -> None:
    for trace in fig.data:
        if isinstance(trace["name"], str):
            trace.name = plain(trace.name)
        for field in _NAME_FIELDS:
            values = trace[field] if field in trace else None
            if values is None or isinstance(values, str):
                continue
            if any(isinstance(v, str) for v in values):
                trace[field] = [plain(v) for v in values]


def style(fig: go.Figure, height: int = 420, title: str | None = None) -> go.Figure:
    """Every figure the app shows passes here: projector-sized type, and names as text."""
    _names_as_text(fig)
    fig.update_layout(
        template="plotly_white",
        height=height,
        colorway=PALETTE,
        font=dict(size=17),
        title=dict(text=title, font=dict(size=21), y=0.98, yanchor="top") if title else None,
        # The legend sits between the title and the plot, never over either.
        margin=dict(l=10, r=10, t=100 if title else 50, b=10),
        legend=dict(
            orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, font=dict(size=16)
        ),
        hoverlabel=dict(font_size=16),
    )
    return fig


def funnel(
    stages: list[tuple[str, float]], title: str | None = None, height: int = 380
) -> go.Figure:
    fig = go.Figure(
        go.Funnel(
            y=[label for label, _ in stages],
            x=[value for _, value in stages],
            textinfo="value+percent previous",
            textfont=dict(size=18),
            marker=dict(color=PALETTE[: len(stages)]),
        )
    )
    return style(fig, height, title)


def periods_axis(fig: go.Figure) -> go.Figure:
    # Periods are labels (2026-11-09), not instants: a category axis never shows 23:59:59.999.
    return fig.update_xaxes(type="category", categoryorder="category ascending")


def lines(
    frame,
    x: str,
    y: str,
    group: str | None,
    y_title: str,
    percent: bool = False,
    title: str | None = None,
) -> go.Figure:
    fig = go.Figure()
    groups = [(None, frame)] if group is None else list(frame.groupby(group, sort=True))
    # One or two periods make dots, not a trend: side-by-side bars read better then.
    as_bars = frame[x].nunique() <= 2
    for name, part in groups:
        if as_bars:
            fig.add_trace(go.Bar(x=part[x], y=part[y], name=name or y_title))
        else:
            fig.add_trace(
                go.Scatter(
                    x=part[x],
                    y=part[y],
                    mode="lines+markers",
                    name=name or y_title,
                    line=dict(width=3),
                    marker=dict(size=7),
                    connectgaps=False,
                )
            )
    fig.update_yaxes(title=y_title, tickformat=".1%" if percent else None, rangemode="tozero")
    return periods_axis(style(fig, 420, title))


def stacked_bars(
    frame,
    x: str,
    parts: list[tuple[str, str]],
    title: str | None = None,
    line: tuple[str, str] | None = None,
) -> go.Figure:
    """Bars stacked from `parts` (column, label); optionally a line on a second axis."""
    fig = go.Figure()
    for column, label in parts:
        fig.add_trace(go.Bar(x=frame[x], y=frame[column], name=label))
    if line:
        column, label = line
        fig.add_trace(
            go.Scatter(
                x=frame[x],
                y=frame[column],
                name=label,
                yaxis="y2",
                mode="lines+markers",
                line=dict(width=3, color="#212529"),
            )
        )
        fig.update_layout(
            yaxis2=dict(
                overlaying="y", side="right", rangemode="tozero", showgrid=False, title=label
            )
        )
    fig.update_layout(barmode="stack")
    return periods_axis(style(fig, 420, title))


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
    fig = go.Figure()
    fig.add_trace(go.Bar(x=frame[x], y=frame[actual[0]], name=actual[1]))
    fig.add_trace(
        go.Scatter(
            x=frame[x],
            y=frame[target[0]],
            name=target[1],
            mode="lines+markers",
            line=dict(width=3, dash="dash", color="#212529"),
        )
    )
    fig.add_trace(
        go.Scatter(
            x=frame[x],
            y=frame[completion[0]],
            name=completion[1],
            yaxis="y2",
            mode="lines+markers",
            line=dict(width=3, color=GOOD),
        )
    )
    fig.update_layout(
        yaxis2=dict(
            overlaying="y",
            side="right",
            rangemode="tozero",
            showgrid=False,
            tickformat=".0%",
            title=completion[1],
        )
    )
    fig.update_yaxes(rangemode="tozero", selector=dict(overlaying=None))
    return periods_axis(style(fig, 420, title))


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
    colors = [GOOD if v == "good" else BAD if v == "bad" else NEUTRAL for v in verdicts]
    fig = go.Figure(
        go.Bar(
            x=frame[value],
            y=labels,
            orientation="h",
            marker_color=colors,
            text=texts if texts is not None else [f"{v:+.1%}" for v in frame[value]],
            textposition="outside",
            textfont=dict(size=17),
            cliponaxis=False,
        )
    )
    # Room on both sides for the labels outside the bars.
    values = frame[value]
    reach = max(abs(values).max() * 1.35, 0.01)
    fig.update_xaxes(
        tickformat="+.0%" if value == "change_pct" else "~s",
        zeroline=True,
        zerolinewidth=2,
        range=[-reach if (values < 0).any() else 0, reach if (values > 0).any() else 0],
    )
    fig.update_yaxes(autorange="reversed")
    return style(fig, 380, title)
