"""The engine's figures (ecdata.figures) in this run's language and type size: presentation
mode is read from the back of the room (at 1920x1080 no chart text under 20 px)."""

from __future__ import annotations

import functools

from ecdata import figures
from ecdata.figures import BAD, GOOD, NEUTRAL, PALETTE, VERDICT_COLOR, plain
from ui.state import lang, presenting

__all__ = ["BAD", "GOOD", "NEUTRAL", "PALETTE", "VERDICT_COLOR", "plain"]

# Chart text on the shared screen: the desk's 14-17 px × 1.75, never under 24 px.
PRESENT_SCALE = 1.75


def type_scale() -> float:
    return PRESENT_SCALE if presenting() else 1.0


def _in_view(build):
    @functools.wraps(build)
    def in_view(*args, **kwargs):
        with figures.styled(lang(), type_scale()):
            return build(*args, **kwargs)

    return in_view


style = _in_view(figures.style)
funnel = _in_view(figures.funnel)
lines = _in_view(figures.lines)
metric_lines = _in_view(figures.metric_lines)
waterfall = _in_view(figures.waterfall)
stacked_bars = _in_view(figures.stacked_bars)
against_target = _in_view(figures.against_target)
against_target_lines = _in_view(figures.against_target_lines)
sales_against_target = _in_view(figures.sales_against_target)
inquiry_cost_against_target = _in_view(figures.inquiry_cost_against_target)
movers = _in_view(figures.movers)
ranking = _in_view(figures.ranking)
mark_notes = _in_view(figures.mark_notes)
sparkline = figures.sparkline  # an SVG string, not a plotly figure: no type to scale
gantt = _in_view(figures.gantt)
org_chart = _in_view(figures.org_chart)
inquiry_breakdown = _in_view(figures.inquiry_breakdown)
