"""Stage diagnosis: a clear case for each stage, and mixed evidence."""

from ecdata.team.diagnosis import Evidence, diagnose_stage


def evidence(**kw):
    base = dict(
        headcount=3,
        team_age_months=2,
        distinct_roles=2,
        inquiry_target_months=0,
        inquiry_cost_variation=None,
        inquiry_cost_rising_months=0,
        target_attained_months=0,
        target_months=0,
    )
    return Evidence(**{**base, **kw})


def test_small_new_team_is_in_the_start_stage():
    d = diagnose_stage(evidence())
    assert d.stage == "start"
    points = {f.name: f.points_to for f in d.findings}
    # Size, age, roles and untracked inquiries all say start; no history says otherwise.
    assert [n for n, p in points.items() if p == "start"] == [
        "headcount",
        "team_age_months",
        "distinct_roles",
        "inquiry_target_months",
    ]
    assert d.mixed is False


def test_grown_team_tracking_inquiries_is_in_the_growth_stage():
    d = diagnose_stage(
        evidence(
            headcount=12,
            team_age_months=14,
            distinct_roles=7,
            inquiry_target_months=6,
            inquiry_cost_variation=0.3,
            target_attained_months=2,
            target_months=6,
        )
    )
    assert d.stage == "growth"


def test_stable_cost_and_targets_met_is_mature():
    d = diagnose_stage(
        evidence(
            headcount=25,
            team_age_months=40,
            distinct_roles=10,
            inquiry_target_months=12,
            inquiry_cost_variation=0.08,
            target_attained_months=5,
            target_months=6,
        )
    )
    assert d.stage == "mature" and not d.warnings


def test_mixed_evidence_is_shown_with_where_each_finding_points():
    # Big and old, but inquiries not tracked yet: growth, with a warning and mixed findings.
    d = diagnose_stage(
        evidence(headcount=9, team_age_months=18, distinct_roles=3), current_scheme="start"
    )
    assert d.stage == "growth" and d.mixed
    by_name = {f.name: f.points_to for f in d.findings}
    assert by_name["headcount"] == "growth" and by_name["inquiry_target_months"] == "start"
    keys = [k for k, _ in d.warnings]
    assert "warn.scheme_mismatch" in keys  # a growth-size team still paid like a start team
    assert "warn.untracked" in keys


def test_inquiry_cost_rising_three_months_is_warned():
    d = diagnose_stage(evidence(inquiry_cost_rising_months=3))
    assert ("warn.cost_rising", {"months": 3}) in d.warnings


def test_the_thresholds_shown_are_the_settings():
    import dataclasses

    from ecdata.i18n import t
    from ecdata.team.diagnosis import Thresholds

    text = t("dg.thresholds", "en", **dataclasses.asdict(Thresholds(start_max_headcount=7)))
    assert "start ≤ 7 people" in text and "≥ 4 of 6 months" in text
