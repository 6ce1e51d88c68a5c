"""The weekly report: the meeting's agenda as a document to send, an A4 PDF whose pages
break between sections, or one long PNG for a WeChat/DingTalk group.

The content is the agenda's (ecdata.meeting): the same queries and the same figures
(ecdata.figures) as the pages, so the numbers match. Pay is never part of it; people are
named as the meeting's settings say. Pages are drawn by Debian's Chromium through
Playwright, plotly.js included once in the document.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from ecdata import figures
from ecdata.formatting import format_change, format_signed, format_value
from ecdata.i18n import Refusal, channel_name, t
from ecdata.meeting.actions import action_items
from ecdata.meeting.agenda import (
    agenda,
    agent_movers,
    inquiry_lines,
    kpi_summary,
    ledger_lags,
    people_shown,
    shown_names,
    target_formulas,
    team_ranking,
    trend_weeks,
    week_label,
)
from ecdata.metrics.catalogue import METRICS
from ecdata.metrics.equation import equation_table, waterfall_steps
from ecdata.metrics.kpis import Filters, money_currency
from ecdata.metrics.periods import week_start
from ecdata.metrics.products import product_movers
from ecdata.metrics.review import movers, not_final_days, source_notes
from ecdata.store.notes import timeline_notes
from ecdata.team.diagnosis import warning_texts
from ecdata.team.plans import plan_tasks

FORMATS = ("pdf", "png")
PAGE_WIDTH_PX = 720  # A4 at 96 dpi, less the margins
CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


class ReportError(Refusal):
    """The report cannot be made (no data for the week, no Chromium)."""


@dataclass
class Report:
    html: str
    week: dt.date  # its Monday
    charts: int
    title: str = ""


def last_full_week(cur, stores: tuple[str, ...] = ()) -> dt.date | None:
    """The Monday of the latest week whose Sunday has store data (the meeting's week)."""
    last = cur.execute(
        "SELECT max(date) FROM store_daily WHERE len($s) = 0 OR list_contains($s, store)",
        {"s": list(stores)},
    ).fetchall()[0][0]
    if last is None:
        return None
    monday = week_start(last)
    return monday if last.weekday() == 6 else monday - dt.timedelta(days=7)


def build_report(
    cur,
    week: dt.date | None = None,
    stores: tuple[str, ...] = (),
    lang: str = "zh",
    last_day: dt.date | None = None,
    people: str | None = None,
) -> Report:
    """The report of the meeting of `week` (any day of it; the last full week when None),
    up to `last_day` when the week is not over (a daily send: the week so far); people
    named as `people` says ('name' or 'initials'; the meeting's setting when None)."""
    week = week_start(week) if week else last_full_week(cur, stores)
    if week is None:
        raise ReportError("rep.no_data")
    end = week + dt.timedelta(days=6)
    filters = Filters(tuple(stores), (), week, min(end, last_day) if last_day else end)
    symbol = money_currency(cur, filters)[0]  # mixed stores: the reporting currency
    section = _Sections(cur, filters, lang, symbol, people)
    title = t("rep.title", lang, week=week_label(week))
    scope = ", ".join(stores) if stores else t("filter.all", lang)
    head = (
        f"<h1>{html.escape(title)}</h1><p class='scope'>{filters.date_from} ~ {filters.date_to}"
        f" · {html.escape(scope)}</p>"
    )
    # What a reader of the numbers must know: days still holding placeholders, what each
    # ratio covers, converted currencies, missing cost parts (the pages' notes).
    said = (
        [t("ov.not_final", lang, days=", ".join(map(str, days)))]
        if (days := not_final_days(cur, filters))
        else []
    )
    said += [note.text(lang) for note in source_notes(cur, filters)]
    head += "".join(f"<p class='note'>{html.escape(text)}</p>" for text in said)
    with figures.styled(lang):
        # Page one: the key numbers, what is text (action items, timeline notes) and the
        # first topic; each other topic on a page of its own, its charts sharing the page.
        first = head + section.summary()
        topics = []
        for name in agenda(cur):
            built = section.build(name)
            if not built:
                continue
            if name in TEXT_TOPICS:
                first += built
            else:
                topics.append(built)
        first += section.notes()
        # The first topic with charts fills the rest of page one.
        if topics:
            first += topics.pop(0)
    body = f"<section class='first'>{first}</section>" + "".join(
        f"<section class='topic'>{topic}</section>" for topic in topics
    )
    return Report(_document(title, body), week, section.charts, title)


class _Sections:
    """One HTML section per agenda screen."""

    def __init__(self, cur, filters: Filters, lang: str, symbol: str, people: str | None = None):
        self.cur, self.filters, self.lang, self.symbol = cur, filters, lang, symbol
        self.charts = 0
        self.how = people or people_shown(cur)

    def build(self, name: str) -> str:
        """A topic's heading and content ('' when it has nothing to show)."""
        body = getattr(self, f"_{name}")()
        if not body:
            return ""
        return f"<h2>{html.escape(t(f'meet.{name}', self.lang))}</h2>{body}"

    def summary(self) -> str:
        """The key numbers of the week against last week and their targets."""
        head = "".join(
            f"<th>{html.escape(t(k, self.lang))}</th>"
            for k in (
                "col.metric",
                "rep.this_week",
                "rep.last_week",
                "rep.change",
                "col.target",
                "meet.completion",
            )
        )
        rows = []
        for line in kpi_summary(self.cur, self.filters):
            m = METRICS[line.metric]
            change = format_change(line.now, line.before, m.unit) or "—"
            if change != "—" and m.good is not None:
                better = (line.now > line.before) == (m.good == "up")
                change = f"<span class='{'good' if better else 'bad'}'>{change}</span>"
            target = "" if line.target is None else self.fmt(line.target, m.unit)
            completion = "" if line.completion is None else self.fmt(line.completion, "rate")
            now = self.fmt(line.now, m.unit)
            if line.covered:
                # A ratio of the days that reported all its parts: said beside it.
                covered = t(
                    "card.coverage", self.lang, covered=line.covered[0], total=line.covered[1]
                )
                now = f"{now}<br><span class='note'>{html.escape(covered)}</span>"
            if line.met is not None:
                verdict = t("meet.met" if line.met else "meet.missed", self.lang)
                completion = (
                    f"<span class='{'good' if line.met else 'bad'}'>{completion} {verdict}</span>"
                ).replace("> ", ">")
            rows.append(
                f"<tr><td>{html.escape(m.label(self.lang))}</td>"
                f"<td class='num'>{now}</td>"
                f"<td class='num'>{self.fmt(line.before, m.unit)}</td>"
                f"<td class='num'>{change}</td><td class='num'>{target}</td>"
                f"<td class='num'>{completion}</td></tr>"
            )
        title = html.escape(t("rep.summary", self.lang))
        return f"<h2>{title}</h2><table class='kpis'><tr>{head}</tr>{''.join(rows)}</table>"

    def fmt(self, value, unit: str) -> str:
        return format_value(value, unit, self.lang, self.symbol)

    def trend_chart(self, fig: go.Figure, weeks) -> str:
        """A weekly trend with the timeline notes of its weeks marked, as on the pages."""
        if len(weeks):
            f = self.filters
            notes = timeline_notes(self.cur, weeks.period.min(), f.date_to, f.stores)
            fig = figures.mark_notes(fig, notes, "week")
        return self.chart(fig)

    def chart(self, fig: go.Figure) -> str:
        """A chart drawn once the page is laid out, in the room its topic's page leaves it
        (the document's script: plotly.js once, each chart the size of its box)."""
        self.charts += 1
        fig.update_layout(paper_bgcolor="white", height=None, width=None)
        data = html.escape(fig.to_json(), quote=True)
        return f"<div class='chart' data-figure=\"{data}\"></div>"

    def _targets(self) -> str:
        # The figures and their targets are page one's key numbers: here their trend.
        weeks = trend_weeks(self.cur, self.filters)
        formulas = "<br>".join(html.escape(f) for f in target_formulas(self.lang))
        return f"<p class='note'>{formulas}</p>" + self.trend_chart(
            figures.sales_against_target(weeks), weeks
        )

    def _equation(self) -> str:
        row = equation_table(self.cur, self.filters, "previous", "none")
        if row.empty:
            return ""
        out = f"<p class='note'>{html.escape(t('eq.method', self.lang))}</p>"
        for which, up_is_good in (("sales", True), ("inquiry_cost", False)):
            steps = waterfall_steps(row.iloc[0], which)
            if steps is None:
                what = METRICS[which].label(self.lang)
                out += f"<p>{html.escape(t('eq.no_split', self.lang, what=what))}</p>"
                continue
            labelled, texts = figures.waterfall_labels(steps, self.lang, self.symbol)
            title = t(f"eq.{'sales' if which == 'sales' else 'cost'}_title", self.lang)
            out += self.chart(figures.waterfall(labelled, texts, title, up_is_good=up_is_good))
        return out

    def _inquiry_cost(self) -> str:
        weeks = trend_weeks(self.cur, self.filters)
        fig = figures.inquiry_cost_against_target(weeks)
        formula = METRICS["inquiry_cost"].formula(self.lang)
        lines = inquiry_lines(self.cur, self.filters, self.lang, self.symbol)
        return (
            f"<p>{html.escape(' · '.join(lines))}</p>"
            + self.trend_chart(fig, weeks)
            + f"<p class='note'>{html.escape(formula)}</p>"
        )

    def _lagging(self) -> str:
        out = ""
        for by, key in (("store", "meet.lag_stores"), ("channel", "meet.lag_channels")):
            frame = movers(self.cur, self.filters, "previous", by, "sales")
            if not frame.empty:
                labels = [channel_name(v, self.lang) if by == "channel" else v for v in frame[by]]
                out += self.chart(figures.movers(frame, by, labels, t(key, self.lang)))
        products = product_movers(self.cur, self.filters, "previous")
        if not products.empty:
            labels = [str(p.product_name or p.product_id) for p in products.itertuples()]
            texts = [self._signed(v, "currency") for v in products.change]
            title = t("meet.lag_products", self.lang)
            out += self.chart(
                figures.movers(products, "product_id", labels, title, "change", texts)
            )
        agents = agent_movers(self.cur, self.filters, "previous")
        if not agents.empty:
            labels = shown_names(agents.member, self.how)
            texts = [self._signed(v, "count") for v in agents.change]
            title = t("meet.lag_agents", self.lang)
            out += self.chart(figures.movers(agents, "member", labels, title, "change", texts))
        for line in ledger_lags(self.cur, self.filters, self.lang, self.how):
            out += f"<p class='bad'>{html.escape(line)}</p>"
        return out

    def _signed(self, value, unit: str) -> str:
        return format_signed(value, unit, self.lang, self.symbol)

    def _team(self) -> str:
        month, diagnosis, ranking = team_ranking(
            self.cur, self.filters.span[1], self.filters.stores
        )
        stage = t(f"stage.{diagnosis.stage}", self.lang)
        out = f"<p>{html.escape(t('dg.stage', self.lang, stage=stage))}</p>"
        for warning in warning_texts(diagnosis, self.lang):
            out += f"<p class='bad'>{html.escape(warning)}</p>"
        if ranking.empty:
            return out
        names = shown_names(ranking.name, self.how)
        title = t("meet.team_scores", self.lang, month=f"{month:%Y-%m}", stage=stage)
        return out + self.chart(figures.ranking(names, list(ranking.score), title))

    def _plan(self) -> str:
        """The month's work plan as a Gantt (people as the meeting names them)."""
        last = self.filters.span[1]
        tasks = plan_tasks(self.cur, last.replace(day=1), today=last)
        if tasks.empty:
            return ""
        tasks = tasks.assign(name=shown_names(tasks["name"].fillna("?"), self.how))
        return self.chart(figures.gantt(tasks, last))

    def _actions(self) -> str:
        items = action_items(self.cur, self.filters.date_from)
        if items.empty:
            return f"<p>{html.escape(t('act.none', self.lang))}</p>"
        rows = []
        for item in items.itertuples():
            done = item.done_week is not None
            owner = shown_names([item.owner], self.how)[0] if item.owner else ""
            due = week_label(pd.Timestamp(str(item.due_week)).date()) if item.due_week else ""
            rows.append(
                f"<li>{'✅' if done else '⬜'} <b>{html.escape(str(item.what))}</b>"
                f" · {html.escape(owner)} · {due}</li>"
            )
        return f"<ul>{''.join(rows)}</ul>"

    def notes(self) -> str:
        f = self.filters
        first, last = f.span
        notes = timeline_notes(self.cur, first - dt.timedelta(weeks=12), last, f.stores)
        if notes.empty:
            return ""
        rows = "".join(
            f"<li>{n.day:%Y-%m-%d} · {html.escape(str(n.store or t('filter.all', self.lang)))}: "
            f"{html.escape(str(n.text))}</li>"
            for n in notes.itertuples()
        )
        return f"<h2>{html.escape(t('rep.notes', self.lang))}</h2><ul>{rows}</ul>"


# The height of one A4 page's content at 96 dpi (297 mm less 2 × 12 mm margins = 1031 px),
# less a little: a topic fills its page and never spills a line onto the next.
PAGE_HEIGHT_PX = 1010
# Topics that are text: on page one after the key numbers, not a page each.
TEXT_TOPICS = ("actions",)

_CSS = f"""
body {{font-family: "Noto Sans CJK SC", "Noto Sans SC", sans-serif; margin: 0 auto;
      width: {PAGE_WIDTH_PX}px; color: #212529; background: white;}}
h1 {{font-size: 26px; margin: 8px 0 0;}} h2 {{font-size: 20px; margin: 10px 0 6px;}}
.scope, .note {{color: #6c757d; font-size: 12px;}}
section {{display: flex; flex-direction: column; min-height: {PAGE_HEIGHT_PX}px;
         box-sizing: border-box;}}
section.topic {{break-before: page; page-break-before: always;}}
.chart {{flex: 1 1 0; min-height: 240px; break-inside: avoid;}}
table.kpis td, table.kpis th {{font-size: 15px; padding: 6px 8px;}}
table {{border-collapse: collapse; width: 100%; font-size: 14px;}}
th, td {{padding: 4px 8px; border-bottom: 1px solid #e9ecef; text-align: left;}}
td.num {{text-align: right;}} .good {{color: #2b8a3e;}} .bad {{color: #c92a2a;}}
li {{font-size: 14px; margin: 3px 0;}}
"""
# Each chart drawn after layout, at the size its box got (a page's share).
_DRAW = """
document.querySelectorAll('div.chart[data-figure]').forEach(function (box) {
  var fig = JSON.parse(box.dataset.figure);
  fig.layout.width = box.clientWidth; fig.layout.height = box.clientHeight;
  Plotly.newPlot(box, fig.data, fig.layout, {staticPlot: true});
});
"""


def _document(title: str, body: str) -> str:
    from plotly.offline import get_plotlyjs

    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{_CSS}</style><script>{get_plotlyjs()}</script></head>"
        f"<body>{body}<script>{_DRAW}</script></body></html>"
    )


def chromium_path() -> str:
    """Debian's chromium (or $ECDATA_CHROMIUM); ReportError when there is none."""
    for path in (os.environ.get("ECDATA_CHROMIUM"), *CHROMIUM_PATHS, shutil.which("chromium")):
        if path and Path(path).exists():
            return path
    raise ReportError("rep.no_chromium")


def render(report: Report, outputs: dict[str, Path]) -> float:
    """Draw the report into each file of `outputs` ({'pdf': A4 pages, 'png': one long
    image}) in one Chromium session; returns the seconds it took."""
    unknown = set(outputs) - set(FORMATS)
    if unknown:
        raise ValueError(f"formats are {FORMATS}, got {sorted(unknown)}")
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        try:
            # Drawn at twice the device pixels: the long PNG stays sharp on a phone
            # (1,520 px wide).
            page = browser.new_page(
                viewport={"width": PAGE_WIDTH_PX + 40, "height": 1000}, device_scale_factor=2
            )
            page.set_content(report.html, wait_until="load")
            page.wait_for_function(
                f"document.querySelectorAll('.main-svg').length >= {report.charts}",
                timeout=30_000,
            )
            if "png" in outputs:
                page.screenshot(path=str(outputs["png"]), full_page=True)
            if "pdf" in outputs:
                page.pdf(
                    path=str(outputs["pdf"]),
                    format="A4",
                    print_background=True,
                    margin={"top": "12mm", "bottom": "12mm", "left": "10mm", "right": "10mm"},
                )
        finally:
            browser.close()
    return time.perf_counter() - started
