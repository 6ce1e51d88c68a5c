import datetime as dt

from ecdata.metrics.periods import comparison_range, period_end, preset_range, trend_window

SUNDAY = dt.date(2026, 11, 15)
WEDNESDAY = dt.date(2026, 11, 18)


def test_presets_end_at_the_latest_day_with_data():
    assert preset_range("this_week", WEDNESDAY) == (dt.date(2026, 11, 16), WEDNESDAY)
    assert preset_range("last_week", WEDNESDAY) == (dt.date(2026, 11, 9), SUNDAY)
    assert preset_range("last_4_weeks", SUNDAY) == (dt.date(2026, 10, 19), SUNDAY)
    assert preset_range("month_to_date", SUNDAY) == (dt.date(2026, 11, 1), SUNDAY)


def test_comparison_ranges():
    week = (dt.date(2026, 11, 9), SUNDAY)
    assert comparison_range(*week, "previous") == (dt.date(2026, 11, 2), dt.date(2026, 11, 8))
    # 364 days back lands on the same weekdays.
    assert comparison_range(*week, "last_year") == (dt.date(2025, 11, 10), dt.date(2025, 11, 16))
    assert comparison_range(*week, "target") is None


def test_period_end_and_trend_window():
    assert period_end(dt.date(2026, 2, 1), "month") == dt.date(2026, 2, 28)
    assert period_end(dt.date(2026, 11, 9), "week") == SUNDAY
    assert trend_window(dt.date(2026, 11, 9), SUNDAY, "week") == dt.date(2026, 8, 17)
    assert trend_window(dt.date(2026, 11, 1), SUNDAY, "month") == dt.date(2025, 11, 1)
    assert trend_window(dt.date(2025, 1, 1), SUNDAY, "week") == dt.date(2025, 1, 1)
