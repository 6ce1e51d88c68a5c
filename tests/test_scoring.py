"""Scores and pay for a small roster in each stage, against numbers worked out by hand."""

import datetime as dt

import pandas as pd
import pytest

from ecdata.team.scoring import pay_people, score_people

MONTH = dt.date(2026, 10, 1)


def test_start_stage_is_results_70_supervisor_20_peer_10():
    people = pd.DataFrame(
        [
            {
                "person_id": "A",
                "name": "阿杰",
                "task_completion": 90,
                "work_quality": 80,
                "supervisor_rating": 85,
                "peer_rating": 70,
            },
            {
                "person_id": "B",
                "name": "小美",
                "task_completion": 100,
                "work_quality": 100,
                "supervisor_rating": 60,
                "peer_rating": 90,
            },
        ]
    )
    scores = score_people(people, "start").set_index("person_id")
    # A: results (90 + 80) / 2 = 85 -> 0.7 x 85 = 59.5; 0.2 x 85 = 17; 0.1 x 70 = 7.
    assert scores.loc["A", "score"] == pytest.approx(83.5)
    assert scores.loc["A", "work_results_points"] == pytest.approx(59.5)
    # B: 0.7 x 100 + 0.2 x 60 + 0.1 x 90 = 91, ranked first.
    assert scores.loc["B", "score"] == pytest.approx(91)
    assert (scores.loc["B", "rank"], scores.loc["A", "rank"]) == (1, 2)


def test_growth_stage_score_and_pay_with_tiered_inquiry_bonus():
    person = {
        "person_id": "C",
        "name": "娜娜",
        "store": "A店",
        "inquiries": 330,
        "inquiry_target": 300,
        "qualified_inquiries": 264,
        "task_completion": 90,
        "supervisor_rating": 80,
        "peer_rating": 70,
        "base_pay": 5000,
        "level_coef": 1.2,
        "float_coef": 0.4,
        "other_pay": 200,
    }
    people = pd.DataFrame([person])
    scores = score_people(people, "growth")
    # 0.4 x 110 + 0.2 x 80 + 0.2 x 90 + 0.1 x 80 + 0.1 x 70 = 44 + 16 + 18 + 8 + 7 = 93
    assert scores.iloc[0].score == pytest.approx(93)
    assert scores.iloc[0].inquiry_completion == pytest.approx(1.1)
    pay = pay_people(people, scores, "growth", MONTH).iloc[0]
    assert pay.base_part == pytest.approx(6000)  # 5000 x 1.2
    assert pay.performance_coef == pytest.approx(0.93)
    assert pay.floating_part == pytest.approx(1860)  # 5000 x 0.4 x 0.93
    assert pay.incentive == pytest.approx(990)  # 110% reaches the 3-yuan tier: 330 x 3
    assert pay.total == pytest.approx(9050)


def test_growth_person_without_inquiry_target_is_scored_on_the_other_parts():
    people = pd.DataFrame(
        [{"person_id": "W", "task_completion": 90, "supervisor_rating": 80, "peer_rating": 70}]
    )
    # Weights 20/10/10 scaled to 50/25/25: 45 + 20 + 17.5.
    assert score_people(people, "growth").iloc[0].score == pytest.approx(82.5)


def test_growth_bonus_below_the_first_tier_is_zero_and_coefficient_is_capped():
    def person(pid, inquiries, perf_coef=None):
        return {
            "person_id": pid,
            "inquiries": inquiries,
            "inquiry_target": 100,
            "qualified_inquiries": inquiries,
            "task_completion": 100,
            "supervisor_rating": 100,
            "peer_rating": 100,
            "base_pay": 1000,
            "level_coef": 1,
            "float_coef": 1,
            "perf_coef": perf_coef,
        }

    # X: 70% of the inquiry target. Y: 300%, and a typed-in coefficient of 2.5.
    people = pd.DataFrame([person("X", 70), person("Y", 300, perf_coef=2.5)])
    scores = score_people(people, "growth").set_index("person_id")
    # 0.7 x 40 + 20 + 20 + 10 + 10 = 88 points; 300% completion earns at most 1.5 x 40 = 60,
    # so Y has 60 + 60 = 120.
    assert scores.score.tolist() == [88.0, 120.0]
    pay = pay_people(people, scores.reset_index(), "growth", MONTH).set_index("person_id")
    assert pay.loc["X", "incentive"] == 0  # 70% is below the 80% tier
    assert pay.loc["X", "performance_coef"] == pytest.approx(0.88)
    assert pay.loc["Y", "performance_coef"] == 2.0  # the brief's range ends at 2
    assert pay.loc["X", "total"] == pytest.approx(1000 + 1000 * 0.88)


def test_mature_stage_commission_with_tenure_and_collaborator_share():
    people = pd.DataFrame(
        [
            {
                "person_id": "D",
                "name": "老王",
                "store": "A店",
                "sales": 1_200_000,
                "sales_target": 1_000_000,
                "task_completion": 90,
                "base_pay": 8000,
                "level_coef": 1.0,
                "float_coef": 0.5,
                "hired": dt.date(2023, 1, 1),
                "collaborator": False,
            },
            {
                "person_id": "E",
                "name": "小林",
                "store": "A店",
                "task_completion": 100,
                "base_pay": 6000,
                "level_coef": 1.0,
                "float_coef": 0.3,
                "hired": dt.date(2026, 1, 1),
                "collaborator": True,
            },
        ]
    )
    scores = score_people(people, "mature").set_index("person_id")
    # D: 0.7 x 120 + 0.3 x 90 = 111; E has no sales target: task completion alone, 100.
    assert scores.loc["D", "score"] == pytest.approx(111)
    assert scores.loc["E", "score"] == pytest.approx(100)
    pay = pay_people(people, scores.reset_index(), "mature", MONTH).set_index("person_id")
    # D: 3% (120% tier) x 1.2M = 36,000 x tenure 1.2 (45 months) = 43,200; 20% to 配合人.
    assert pay.loc["D", "incentive"] == pytest.approx(34_560)
    assert pay.loc["E", "incentive"] == pytest.approx(8_640)
    assert pay.loc["D", "floating_part"] == pytest.approx(8000 * 0.5 * 1.11)
    assert pay.loc["D", "total"] == pytest.approx(8000 + 4440 + 34_560)
    assert pay.loc["E", "total"] == pytest.approx(6000 + 6000 * 0.3 * 1.0 + 8_640)


def test_a_performance_coefficient_from_the_ratings_wins_over_the_score():
    people = pd.DataFrame(
        [
            {
                "person_id": "P",
                "task_completion": 50,
                "work_quality": 50,
                "supervisor_rating": 50,
                "peer_rating": 50,
                "base_pay": 1000,
                "level_coef": 1.0,
                "float_coef": 1.0,
                "perf_coef": 1.8,
            }
        ]
    )
    pay = pay_people(people, score_people(people, "start"), "start", MONTH).iloc[0]
    assert pay.floating_part == pytest.approx(1800)  # not 1000 x 0.5 from the score of 50
