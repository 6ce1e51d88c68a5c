"""The first week, second look (Team KPIs): weights must make 100%, the editor stays open
while it holds changes, read-only roles read text, the store filter applies to people, and
every month with data can be picked."""

import dataclasses

import pytest
from helpers import app

from ecdata.i18n import Refusal
from ecdata.store import Store
from ecdata.team.scoring import GrowthScheme, Schemes, evaluable_months, save_schemes


def test_weights_that_do_not_make_100_percent_are_refused(store):
    over = Schemes(
        growth=dataclasses.replace(
            GrowthScheme(), weights=(("inquiry_completion", 0.6), ("inquiry_quality", 0.6))
        )
    )
    with pytest.raises(Refusal) as refused:
        save_schemes(store, over)
    assert refused.value.message.text("zh").startswith("成长期方案的权重合计 120%")
    assert "add up to 120%" in refused.value.message.text("en")
    save_schemes(store, Schemes())  # the defaults make 100%


def test_the_page_refuses_to_score_with_weights_over_100(db):
    at = app(lang="en", scheme="start")
    at.switch_page("pages/team_kpis.py").run()
    before = next(d.value for d in at.dataframe if "Score" in d.value.columns)["Score"].tolist()
    at.number_input(key="w_results").set_value(0.9).run()  # 0.9 + 0.2 + 0.1 = 120%
    assert not at.exception
    assert any("add up to 120%" in e.value for e in at.error)
    after = next(d.value for d in at.dataframe if "Score" in d.value.columns)["Score"].tolist()
    assert after == before  # scored by the saved scheme, never out of 120
    at.button(key="save_schemes").click().run()
    assert any("add up to 120%" in e.value for e in at.error)  # nor saved


def test_a_viewer_reads_the_scheme_as_text_and_the_store_filter_picks_people(db):
    with Store(db) as store:
        stores = dict(store.reader().execute("SELECT name, store FROM roster").fetchall())
    at = app(lang="en", stores="天猫旗舰店")
    at.switch_page("pages/team_kpis.py").run()
    assert not at.exception
    shown = next(d.value for d in at.dataframe if "Name" in d.value.columns)["Name"]
    assert set(shown) and all(stores[n] in (None, "天猫旗舰店") for n in shown)
    assert any("Showing the people of 天猫旗舰店" in c.value for c in at.caption)


def test_every_month_with_data_can_be_picked(db):
    with Store(db) as store:
        months = evaluable_months(store.reader())
        agent_months = {
            r[0]
            for r in store.reader()
            .execute("SELECT DISTINCT CAST(date_trunc('month', date) AS DATE) FROM agent_daily")
            .fetchall()
        }
    assert agent_months <= set(months) and len(months) >= 3
    at = app(lang="en")
    at.switch_page("pages/team_kpis.py").run()
    assert len(at.selectbox(key="w_month_en").options) == len(months)


def test_a_month_in_progress_counts_with_the_days_it_has(store, tmp_path):
    import datetime as dt

    from ecdata.ingest.upload import ingest_file
    from ecdata.team.diagnosis import gather_evidence

    # A new store, November to the 26th: 1,000 a day against 30,000 for the month (its
    # pace: 26,000 by the 26th), an inquiry target through a target inquiry cost.
    days = [dt.date(2026, 11, 1) + dt.timedelta(days=i) for i in range(26)]
    sales = tmp_path / "s.csv"
    sales.write_text(
        "日期,支付金额,询单人数,花费\n" + "".join(f"{d},1000,5,50\n" for d in days), "utf-8"
    )
    costs = tmp_path / "c.csv"
    costs.write_text("月份,店铺,销售目标,目标询盘成本\n2026-11,A店,30000,20\n", "utf-8")
    for path in (sales, costs):
        assert ingest_file(store, path, store_name="A店", today=dt.date(2026, 11, 27)).ok
    e = gather_evidence(store.reader(), dt.date(2026, 11, 26))
    assert e.month_in_progress == (26, 30)
    assert e.inquiry_target_months == 1  # not 0: the target inquiry cost sets one
    assert (e.target_attained_months, e.target_months) == (1, 1)  # 26,000 of 26,000: on pace


@pytest.mark.parametrize("scheme", ["start", "growth", "mature"])
def test_every_column_of_the_score_table_is_named_in_words(db, scheme):
    """No raw key ("part.work_quality") where a column's name belongs, in either language."""
    import re

    for lang in ("zh", "en"):
        at = app(lang=lang, scheme=scheme)
        at.switch_page("pages/team_kpis.py").run()
        assert not at.exception
        columns = [str(c) for d in at.dataframe for c in d.value.columns]
        assert columns and [c for c in columns if re.search(r"\b[a-z]+\.[a-z_]+", c)] == []
