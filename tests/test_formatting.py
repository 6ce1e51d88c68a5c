from ecdata.formatting import format_change, format_value


def test_chinese_amounts_use_wan_and_english_use_separators():
    assert format_value(1_857_000, "currency", "zh") == "¥185.7万"
    assert format_value(1_857_000, "currency", "en") == "¥1,857,000"
    assert format_value(7.663, "currency", "zh") == "¥7.66"
    assert format_value(367_990, "count", "zh") == "36.8万"
    assert format_value(0.0268, "rate", "en") == "2.7%"
    assert format_value(float("nan"), "rate", "en") == "—"


def test_changes_in_percent_and_percentage_points():
    assert format_change(110, 100, "count") == "+10.0%"
    assert format_change(0.031, 0.030, "rate") == "+0.1 pp"
    assert format_change(0.0300, 0.0304, "rate") == "-0.04 pp"
    assert format_change(5, 0, "count") is None  # no percent change from zero


def test_negative_money_puts_the_sign_before_the_symbol():
    from ecdata.formatting import format_value

    assert format_value(-39000, "currency", "zh") == "-¥3.9万"
    assert format_value(-12.5, "currency", "en", "$") == "-$12.50"
