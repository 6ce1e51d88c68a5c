"""Real rosters against the reference models: a 3-, a 9- and a 40-person team."""

import pandas as pd

from ecdata.team.org import (
    MODELS_BY_KEY,
    compare_with_model,
    fitting_model,
    hiring_gaps,
    role_of,
    span_of_control,
)


def roster(*titles):
    return pd.DataFrame({"role": [role_of(t) for t in titles], "department": [None] * len(titles)})


def test_role_aliases():
    assert role_of("美工") == role_of("设计") == "designer"
    assert role_of("店长") == "store_manager"
    assert role_of("售前客服") == "presales" and role_of("售后") == "aftersales"
    assert role_of("运营专员") == "operations"


def test_three_person_team_against_the_basic_model():
    team = roster("店长", "客服", "美工")
    model = fitting_model(len(team))
    assert model.key == "basic"
    result = compare_with_model(team, model).set_index("slot")
    assert set(result.index[result.status == "missing"]) == {"boss", "product", "warehouse"}
    assert result.loc["operations", "count"] == 1  # the store manager runs operations
    # Hiring order: store manager and customer service are there; warehouse is next.
    assert hiring_gaps(team)[:2] == ["warehouse", "promotion"]


def test_nine_person_team_with_a_doubled_store_manager():
    team = roster("老板", "店长", "店长", "运营", "售前客服", "售后客服", "美工", "仓库", "选品")
    result = compare_with_model(team, fitting_model(len(team))).set_index("slot")
    assert result.loc["customer_service", "count"] == 2
    assert (result.status == "missing").sum() == 0
    # The basic model groups store managers under operations, where several are normal...
    assert result.loc["operations", ["count", "status"]].tolist() == [3, "ok"]
    # ...the operations-team core has one store manager's seat: two are doubled.
    core = compare_with_model(team, MODELS_BY_KEY["ops_core"]).set_index("slot")
    assert core.loc["store_manager", ["count", "status"]].tolist() == [2, "doubled"]
    assert hiring_gaps(team) == ["promotion", "brand", "finance"]


def test_forty_person_company_against_seven_departments():
    departments = (
        ["customer_service"] * 12
        + ["marketing"] * 8
        + ["logistics"] * 10
        + ["operations"] * 8
        + ["finance"] * 2
    )
    team = pd.DataFrame({"role": None, "department": departments})
    model = fitting_model(len(team))
    assert model.key == "b2c_company"
    result = compare_with_model(team, model).set_index("slot")
    assert set(result.index[result.status == "missing"]) == {"technology", "hr"}
    assert result.loc["customer_service", "count"] == 12


def test_span_of_control():
    people = pd.DataFrame({"name": ["A", "B", "C", "D"], "manager": [None, "A", "A", "B"]})
    spans = span_of_control(people).set_index("manager").direct_reports
    assert spans.to_dict() == {"A": 2, "B": 1}
