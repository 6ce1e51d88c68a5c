"""The weekly report: the agenda's content as an A4 PDF (pages looked at through pdftoppm)
and one long PNG, from the CLI and from the page, with the pages' numbers and no pay."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import WEEK, app

from ecdata.cli import _week, main
from ecdata.formatting import format_value
from ecdata.i18n import Message
from ecdata.metrics.kpis import Filters, totals
from ecdata.report import build_report
from ecdata.store import Store
from ecdata.store.notes import add_note

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]
SHOTS = Path(__file__).resolve().parents[1] / "test-output" / "report"
PAY = re.compile(r"\bpay\b|salary|commission|bonus|薪|工资|提成|奖金", re.IGNORECASE)


def test_the_report_holds_the_pages_numbers_and_no_pay(db):
    with Store(db) as store:
        add_note(store, dt.date(2026, 11, 11), "Double 11 sale")
        report = build_report(store.reader(), WEEK[0], (), "en")
        sales = totals(store.reader(), Filters((), (), *WEEK)).sales
    assert report.week == WEEK[0] and report.charts >= 5
    assert f"<td class='num'>{format_value(sales, 'currency', 'en')}</td>" in report.html
    text = re.sub(r"<script>.*?</script>", "", report.html, flags=re.S)
    assert not PAY.search(text), PAY.search(text)
    # The note is listed and marked on both weekly trends (plotly annotations).
    assert "2026-11-11 · All: Double 11 sale" in report.html
    # (each chart's figure is in the page as escaped JSON, drawn once the page is laid out)
    assert html.unescape(report.html).count('Double 11 sale","x":"2026-11-09"') == 2
    for section in ("Targets", "The sales equation", "Inquiry cost", "What lags", "The team"):
        assert f"<h2>{section}" in report.html


def test_the_cli_makes_a_pdf_of_a4_pages_and_a_long_png(db, capsys):
    SHOTS.mkdir(parents=True, exist_ok=True)
    pdf, png = SHOTS / "report_zh.pdf", SHOTS / "report_en.png"
    assert main(["report", "--db", str(db), "--week", "2026-W46", "--out", str(pdf)]) == 0
    said = capsys.readouterr().out
    seconds = float(re.search(r"\(([\d.]+) s\)", said).group(1))
    assert seconds < 30  # the note quotes the real figure; this only catches a hang
    assert main(["report", "--db", str(db), "--lang", "en", "--out", str(png)]) == 0
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png.read_bytes()[16:20]), int.from_bytes(png.read_bytes()[20:24])
    assert height > 3 * width  # one long image for the group chat
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: the PDF pages were not drawn")
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(SHOTS / "page")], check=True)
    pages = sorted(SHOTS.glob("page-*.png"))
    assert len(pages) >= 3


def test_bad_weeks_and_empty_databases_say_so(tmp_path, capsys):
    assert _week("2026-W47") == dt.date(2026, 11, 16)
    assert _week("2026-11-18") == dt.date(2026, 11, 18)
    assert isinstance(_week("W99"), Message)
    out = tmp_path / "r.pdf"
    assert main(["report", "--db", str(tmp_path / "empty.duckdb"), "--out", str(out)]) == 1
    assert "No store data yet" in capsys.readouterr().err and not out.exists()


def test_one_click_on_the_review_page_offers_both_files(db):
    at = app(lang="en")
    at.button(key="rep_make").click().run()
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download PDF (A4)" in labels and "Download long PNG (for the group chat)" in labels


def test_the_key_numbers_come_first_and_every_page_is_full(db):
    """Page one opens with the week's key numbers against last week and targets; every
    topic with charts fills an A4 page of its own (no blank lower half, looked at through
    pdftoppm); the PNG is drawn at twice the device pixels (1,520 px wide)."""
    from PIL import Image

    from ecdata.meeting.agenda import kpi_summary
    from ecdata.report import PAGE_WIDTH_PX, render

    SHOTS.mkdir(parents=True, exist_ok=True)
    with Store(db) as store:
        report = build_report(store.reader(), WEEK[0], (), "zh")
        lines = {line.metric: line for line in kpi_summary(store.reader(), Filters((), (), *WEEK))}
        before = totals(store.reader(), Filters((), (), dt.date(2026, 11, 2), dt.date(2026, 11, 8)))
    assert report.html.index("本周关键指标") < report.html.index("<h2>目标完成情况")
    sales = lines["sales"]
    assert sales.before == pytest.approx(before.sales)
    assert sales.completion == pytest.approx(sales.now / sales.target, rel=1e-6) or sales.covered
    pdf, png = SHOTS / "full_pages.pdf", SHOTS / "full_pages.png"
    render(report, {"pdf": pdf, "png": png})
    width = int.from_bytes(png.read_bytes()[16:20])
    assert width == 2 * (PAGE_WIDTH_PX + 40) and width >= 1080
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: the PDF pages were not drawn")
    for old in SHOTS.glob("full-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(SHOTS / "full")], check=True)
    pages = sorted(SHOTS.glob("full-*.png"))
    # Page one and one page per other topic with charts (the demo's agenda: 6).
    assert len(pages) == report.html.count("class='topic'") + 1
    for page in pages:
        gray = Image.open(page).convert("L")
        ink = [
            y
            for y in range(gray.height)
            if gray.crop((0, y, gray.width, y + 1)).getextrema()[0] < 200
        ]
        assert ink and max(ink) > 0.8 * gray.height, f"{page.name}: the lower part is blank"


def test_charts_have_honest_axes():
    import pandas as pd

    from ecdata import figures

    steps = [("a", 1_800_000.0, "absolute"), ("b", -12_600.0, "relative"), ("c", 0, "total")]
    fig = figures.waterfall(steps, ["¥180万", "-¥12,600", "¥178.7万"], "sales")
    low, high = fig.layout.xaxis.range
    assert low == 0 and high == pytest.approx(1.4 * 1_800_000)  # the baseline is zero, never cut
    small = pd.DataFrame({"store": ["A"], "change_pct": [-0.007]})
    fig = figures.movers(small, "store", ["A"])
    low, high = fig.layout.xaxis.range
    assert (low, high) == (-0.10, 0.10)  # -0.7% is a short bar on a ±10% axis


def test_the_report_is_made_while_the_dashboard_runs(db, tmp_path, capsys):
    """The dashboard holds the DuckDB file; `report` asks its server, with the token the
    server wrote beside the file (mode 600), and gets the same PDF."""
    from test_browser import start_server, stop_server

    proc, _ = start_server(db)
    try:
        token_file = Path(f"{db}.server.json")
        assert token_file.stat().st_mode & 0o777 == 0o600
        out = tmp_path / "while_running.pdf"
        assert main(["report", "--db", str(db), "--week", "2026-W46", "--out", str(out)]) == 0
        said = capsys.readouterr().out
        assert "Report made by the running dashboard" in said
        assert out.read_bytes()[:5] == b"%PDF-"
        # Without the token the server draws nothing.
        import urllib.error
        import urllib.request

        url = json.loads(token_file.read_text())["url"]
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{url}/_ecdata/report?format=pdf")
        assert refused.value.code == 403
    finally:
        stop_server(proc)
    assert not Path(f"{db}.server.json").exists()  # removed when the server stops
