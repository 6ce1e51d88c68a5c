"""Numbers as a reader expects them: ¥ and 万 in Chinese, thousands separators in English,
percentages with one decimal, and a dash for a value that does not exist."""

from __future__ import annotations

import math

MISSING = "—"


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _big(value: float, lang: str, decimals: int = 0) -> str:
    """Every digit below a million (¥55,508, not ¥5.6万: a card has room for it); above,
    万 or 亿 with enough decimals that a change of a tenth of a percent still shows."""
    if lang == "zh" and abs(value) >= 100_000_000:
        return f"{value / 100_000_000:,.4f}亿"
    if lang == "zh" and abs(value) >= 1_000_000:
        return f"{value / 10_000:,.2f}万"
    return f"{value:,.{decimals}f}"


def format_value(value, unit: str, lang: str = "zh", currency: str = "¥") -> str:
    """`unit` from the catalogue: count, currency, rate (fraction), ratio, seconds, hours; or
    points (a team score)."""
    if is_missing(value):
        return MISSING
    if unit == "rate":
        return f"{value * 100:.1f}%"
    if unit == "ratio":
        return f"{value:.2f}"
    if unit == "seconds":
        return f"{value:.1f} 秒" if lang == "zh" else f"{value:.1f} s"
    if unit == "hours":
        return f"{value:.1f} 小时" if lang == "zh" else f"{value:.1f} h"
    if unit == "points":  # a score: one decimal, the same on the page, the meeting and the PDF
        return f"{value:.1f}"
    if unit == "currency":
        # Small amounts (a cost per inquiry, an order value) keep their cents.
        decimals = 2 if abs(value) < 1000 else 0
        # The sign goes before the symbol: -¥3.9万, not ¥-3.9万.
        sign = "-" if value < 0 else ""
        return sign + currency + _big(abs(value), lang, decimals)
    return _big(value, lang)


def format_signed(value, unit: str, lang: str = "zh", currency: str = "¥") -> str:
    """A change as format_value writes it, with a plus sign when it grew (+¥1,223, -¥3.9万).
    A change that rounds to nothing is written unsigned: a sum's float noise (3e-16, whose
    sign depends on the order DuckDB added the parts in) read "+¥0.00" on one run and
    "-¥0.00" on another."""
    shown = format_value(value, unit, lang, currency)
    if not any(c in "123456789" for c in shown):
        return format_value(0.0, unit, lang, currency)
    return ("+" if value > 0 else "") + shown


def format_change(current, previous, unit: str) -> str | None:
    """The change shown under a KPI card: percentage points for rates, percent otherwise."""
    if is_missing(current) or is_missing(previous):
        return None
    if unit == "rate":
        points = (current - previous) * 100
        # A move too small for one decimal keeps two, so it never reads "-0.0 pp".
        return f"{points:+.1f} pp" if abs(points) >= 0.05 else f"{points:+.2f} pp"
    if previous == 0:
        return None
    return f"{(current - previous) / abs(previous) * 100:+.1f}%"
