"""Date ranges the way a weekly review talks about them: presets and comparison periods.

Presets are relative to the latest day with data, not the calendar: an export uploaded on
Monday describes last week, and "this week" should mean the week the data reaches.
"""

from __future__ import annotations

import datetime as dt

PRESETS = (
    "this_week",
    "last_week",
    "last_4_weeks",
    "last_13_weeks",
    "last_52_weeks",
    "month_to_date",
    "custom",
)
COMPARISONS = ("previous", "last_year", "target")


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def preset_range(preset: str, latest: dt.date) -> tuple[dt.date, dt.date]:
    """Inclusive (first, last) day of `preset`, ending at the week/month `latest` falls in."""
    monday = week_start(latest)
    if preset == "this_week":
        return monday, latest
    if preset == "last_week":
        return monday - dt.timedelta(days=7), monday - dt.timedelta(days=1)
    weeks = {"last_4_weeks": 4, "last_13_weeks": 13, "last_52_weeks": 52}.get(preset)
    if weeks:
        return monday - dt.timedelta(weeks=weeks - 1), latest
    if preset == "month_to_date":
        return latest.replace(day=1), latest
    raise ValueError(f"unknown preset {preset!r}")


def comparison_range(first: dt.date, last: dt.date, mode: str) -> tuple[dt.date, dt.date] | None:
    """The range to compare with: the same number of days just before, or a year earlier
    (364 days, so weekdays line up). None for 'target', which compares with targets instead."""
    if mode == "previous":
        return _previous(first, last)
    if mode == "last_year":
        return first - dt.timedelta(days=364), last - dt.timedelta(days=364)
    return None


def compared_range(first: dt.date, last: dt.date, mode: str) -> tuple[dt.date, dt.date]:
    """comparison_range, with the previous period standing in when comparing with targets
    (for a change that has no target of its own: an agent's, a product's)."""
    return comparison_range(first, last, mode) or _previous(first, last)


def _previous(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """The same number of days just before."""
    length = (last - first).days + 1
    return first - dt.timedelta(days=length), first - dt.timedelta(days=1)


def period_end(first: dt.date, grain: str) -> dt.date:
    """Last day of the period starting on `first` at `grain` (day, week or month)."""
    if grain == "day":
        return first
    if grain == "week":
        return first + dt.timedelta(days=6)
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def selection_filter_range(periods: list[dt.date], grain: str) -> tuple[dt.date, dt.date]:
    """The days covered by the periods a user picked on a chart."""
    return min(periods), period_end(max(periods), grain)


def trend_window(first: dt.date, last: dt.date, grain: str, periods: int = 13) -> dt.date:
    """Where a trend chart should start so it shows at least `periods` periods up to `last`
    (a one-week range still gets a 13-week line to compare it with)."""
    if grain == "day":
        start = last - dt.timedelta(days=periods - 1)
    elif grain == "week":
        start = week_start(last) - dt.timedelta(weeks=periods - 1)
    else:
        month = last.year * 12 + last.month - 1 - (periods - 1)
        start = dt.date(month // 12, month % 12 + 1, 1)
    return min(first, start)
