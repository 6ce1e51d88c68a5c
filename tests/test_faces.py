"""One number, one value, on every face: the review page, the meeting, the report, the CLI,
Team KPIs and Org, for the demo company's week (helpers.WEEK)."""

import html
import json
import re

from helpers import WEEK, app
from test_meeting import present, screen_text

from ecdata.cli import main
from ecdata.formatting import format_value
from ecdata.metrics.kpis import Filters, totals
from ecdata.report import build_report
from ecdata.store import Store


def _money(text: str) -> float:
    return float(re.sub(r"[^\d.\-]", "", text))


def test_inquiry_cost_is_one_value_on_the_page_the_meeting_the_report_and_the_cli(db, capsys):
    with Store(db) as store:
        cost = totals(store.reader(), Filters((), (), *WEEK)).inquiry_cost
        shown = format_value(cost, "currency", "en")
        report = build_report(store.reader(), WEEK[0], (), "en").html
    overview = app(lang="en")
    card = next(m.value for m in overview.metric if m.label.startswith("Inquiry cost"))
    assert card == shown
    targets = next(
        h.proto.body for h in present("en", 1).get("html") if "Inquiry cost" in h.proto.body
    )
    assert shown in targets
    assert shown in report
    args = ["kpis", "--db", str(db), "--grain", "total", "--by", "none", "--format", "json"]
    assert main(args + ["--from", str(WEEK[0]), "--to", str(WEEK[1])]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert format_value(row["inquiry_cost"], "currency", "en") == shown


def test_a_score_is_one_value_on_team_kpis_the_meeting_and_the_report(db):
    page = app(lang="en")
    page.switch_page("pages/team_kpis.py").run()
    assert not page.exception
    table = next(d.value for d in page.dataframe if "Score" in d.value.columns)
    top = table.sort_values("Rank").iloc[0]
    meeting = screen_text(present("en", 5, people="name"))
    ranking = [json.loads(c.proto.spec)["data"][0] for c in present("en", 5).get("plotly_chart")]
    texts = dict(zip(ranking[0]["y"], ranking[0]["text"])) if ranking else {}
    assert texts.get(top["Name"]) == top["Score"], (top, texts, meeting[:200])
    with Store(db) as store:
        report = build_report(store.reader(), WEEK[0], (), "en")
    assert f'"{top["Score"]}"' in html.unescape(report.html)  # figures are escaped JSON


def test_team_pay_on_team_kpis_is_orgs_labour_cost(db):
    """Under the diagnosed scheme (a start team here: Org once priced everyone as growth)."""
    diagnosis = app(lang="en")
    diagnosis.switch_page("pages/diagnosis.py").run()
    diagnosis.number_input(key="th_start_max_headcount").set_value(50).run()
    diagnosis.button(key="th_save").click().run()
    page = app(lang="en")
    page.switch_page("pages/team_kpis.py").run()
    team_pay = _money(next(m.value for m in page.metric if m.label.startswith("Team pay")))
    org = app(lang="en")
    org.switch_page("pages/org.py").run()
    assert not org.exception
    departments = next(d.value for d in org.dataframe if "Labor cost" in d.value.columns)
    by_department = [_money(v) for v in departments["Labor cost"] if v != "—"]
    # Each department's cost is rounded to the yuan: the sum within one yuan a department.
    assert abs(sum(by_department) - team_pay) <= len(by_department)
