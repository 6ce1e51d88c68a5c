"""The inquiry ledger on the inquiry-cost page: which counts came from it, quality and reply
times, a week's inquiries by source, country, product and agent down to single inquiries
(managers mark them), and the team's standard."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import streamlit as st

from ecdata.i18n import Refusal
from ecdata.inquiries import (
    breakdown,
    coverage,
    inquiry_list,
    mark_inquiries,
    save_rules,
    trend,
)
from ecdata.metrics.catalogue import METRICS
from ecdata.metrics.kpis import Filters, totals, with_dates
from ecdata.metrics.ledger import JUDGED_FIELDS, InquiryRules, inquiry_rules
from ui import auth, charts, tables
from ui.state import (
    fmt,
    fmt_all,
    get_store,
    labeller,
    lang,
    metric_label,
    on_demand,
    query,
    reader,
    say,
    tr,
)

RATES = ("inquiry_quality", "first_reply_hours", "reply_in_time_rate")
BY = ("channel", "country", "product", "agent")
MARKS = ("standard", "qualified", "not_qualified")
TIME_ZONES = ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Singapore", "Europe/London", "UTC")


def section(filters: Filters, trend_filters: Filters) -> None:
    """The ledger's part of the page for the view's `filters` (its trend over
    `trend_filters`); a note on how to get it when no inquiry list covers the scope."""
    covered = query(coverage, filters)
    st.subheader(tr("inq.title"))
    if covered.empty:
        st.caption(tr("inq.none"))
        standard_editor()
        return
    for row in covered.itertuples():
        st.caption(
            tr(
                "inq.covered",
                store=row.store,
                first=row.first_day,
                last=row.last_day,
                count=int(row.inquiries),
                replaced=int(row.replaced_days),
            )
        )
    k = query(totals, filters)
    for column, name in zip(st.columns(len(RATES)), RATES, strict=True):
        with column:
            st.metric(
                metric_label(name),
                fmt(k[name], METRICS[name].unit),
                help=METRICS[name].formula(lang()),
            )
    weekly = query(trend, trend_filters, "channel")
    if not weekly.empty:
        st.plotly_chart(
            charts.lines(
                weekly,
                "week",
                "inquiry_quality",
                "channel",
                metric_label("inquiry_quality"),
                percent=True,
                title=tr("inq.trend"),
            ),
            config={"displayModeBar": False},
        )
    drill(filters, weekly)
    standard_editor()


def drill(filters: Filters, weekly: pd.DataFrame) -> None:
    """A week's inquiries by source, country, product or agent, and the inquiries themselves."""
    weeks = sorted({w for w in pd.to_datetime(weekly["week"]).dt.date} if not weekly.empty else [])
    if not weeks:
        return
    left, right = st.columns([1, 2])
    week = left.selectbox(
        tr("inq.week"),
        weeks[::-1],
        format_func=lambda w: f"{w:%Y-%m-%d} ~ {w + dt.timedelta(days=6):%m-%d}",
        key="inq_week",
    )
    by = (
        right.segmented_control(
            tr("inq.by"), BY, default="channel", format_func=labeller("inqdim"), key="inq_by"
        )
        or "channel"
    )
    week_filters = with_dates(filters, week, week + dt.timedelta(days=6))
    frame = query(breakdown, week_filters, by)
    chart, table = st.columns([3, 2])
    with chart:
        st.plotly_chart(
            charts.inquiry_breakdown(frame, by, title=tr(f"inqdim.{by}")),
            config={"displayModeBar": False},
        )
    with table:
        shown = pd.DataFrame({tr(f"inqdim.{by}"): frame[by].replace("", tr("inq.unnamed"))})
        for name in (
            "inquiries",
            "qualified_inquiries",
            "inquiry_quality",
            "inquiry_conversion",
            "first_reply_hours",
        ):
            shown[metric_label(name)] = fmt_all(frame[name], METRICS[name].unit)
        tables.show(shown, hide_index=True, width="stretch")
    inquiries(week_filters)


def inquiries(week_filters: Filters) -> None:
    """The week's inquiries; a manager marks single ones qualified or not (the mark wins over
    the standard and outlives re-uploads)."""
    keep = query(inquiry_rules).keep_contacts
    rows = query(inquiry_list, week_filters, contacts=keep)
    with on_demand(tr("inq.rows", count=len(rows)), "inq_rows_open") as is_open:
        if not is_open:
            return
        shown = pd.DataFrame(
            {
                tr("col.store"): rows["store"],
                tr("inq.col.id"): rows["inquiry_id"],
                tr("inq.col.received"): rows["received"].dt.strftime("%Y-%m-%d %H:%M"),
                tr("inqdim.channel"): rows["channel"],
                tr("inqdim.country"): rows["country"],
                tr("inqdim.product"): rows["product"],
                tr("inqdim.agent"): rows["agent"],
                tr("inq.col.status"): rows["status"],
                tr("inq.col.qualified"): [
                    tr("inq.yes") if q is True else tr("inq.no") if q is False else "—"
                    for q in rows["qualified"].astype(object).where(rows["qualified"].notna(), None)
                ],
                metric_label("first_reply_hours"): fmt_all(rows["reply_hours"], "hours"),
            }
        )
        if keep:
            for column in ("customer", "email", "phone"):
                shown[tr(f"inq.col.{column}")] = rows[column]
        if not auth.allowed("team"):
            tables.show(shown, hide_index=True, width="stretch")
            return
        marks = [
            "standard" if by != "mark" else ("qualified" if q else "not_qualified")
            for q, by in zip(rows["qualified"], rows["qualified_by"], strict=True)
        ]
        shown.insert(0, tr("inq.col.mark"), [labeller("inqmark")(m) for m in marks])
        edited = st.data_editor(
            shown,
            hide_index=True,
            width="stretch",
            disabled=[c for c in shown.columns if c != tr("inq.col.mark")],
            column_config={
                tr("inq.col.mark"): st.column_config.SelectboxColumn(
                    options=[labeller("inqmark")(m) for m in MARKS], required=True
                )
            },
            key=f"inq_marks_{week_filters.date_from}",
        )
        by_label = {labeller("inqmark")(m): m for m in MARKS}
        chosen = [by_label[v] for v in edited[tr("inq.col.mark")]]
        changed = [i for i, (a, b) in enumerate(zip(marks, chosen, strict=True)) if a != b]
        if changed and st.button(tr("inq.save_marks", count=len(changed)), type="primary"):
            picked = {"standard": None, "qualified": True, "not_qualified": False}
            frame = pd.DataFrame(
                {
                    "store": rows["store"].iloc[changed].tolist(),
                    "inquiry_id": rows["inquiry_id"].iloc[changed].tolist(),
                    "qualified": [picked[chosen[i]] for i in changed],
                }
            )
            auth.save_as_batch(lambda: mark_inquiries(get_store(), frame).batch_id)


def standard_editor() -> None:
    """The team's standard: which statuses or filled fields make an inquiry qualified, the
    reply limit, the time zone, and (the owner's choice) whether personal data is kept."""
    rules = inquiry_rules(reader())
    with st.expander(tr("inq.standard")):
        st.caption(tr("inq.standard_help"))
        editable = auth.allowed("settings")
        statuses = st.text_input(
            tr("inq.statuses"), "、".join(rules.qualified_statuses), disabled=not editable
        )
        fields = st.multiselect(
            tr("inq.fields"),
            JUDGED_FIELDS,
            default=[f for f in rules.qualified_fields if f in JUDGED_FIELDS],
            format_func=labeller("inqfield"),
            placeholder=tr("inq.fields_none"),
            disabled=not editable,
        )
        closed = st.text_input(
            tr("inq.closed_statuses"), "、".join(rules.closed_statuses), disabled=not editable
        )
        hours = st.number_input(
            tr("inq.reply_hours"), min_value=0.5, value=float(rules.reply_hours), step=1.0,
            disabled=not editable,
        )  # fmt: skip
        zones = list(dict.fromkeys([rules.time_zone, *TIME_ZONES]))
        zone = st.selectbox(tr("inq.time_zone"), zones, disabled=not editable)
        keep = st.checkbox(
            tr("inq.keep_contacts"),
            rules.keep_contacts,
            disabled=not auth.allowed("users"),  # the owner's alone
            help=tr("inq.keep_help"),
        )
        if editable and st.button(tr("inq.save_standard")):
            new = InquiryRules(
                qualified_statuses=_words(statuses),
                qualified_fields=tuple(fields),
                closed_statuses=_words(closed),
                reply_hours=float(hours),
                time_zone=zone,
                keep_contacts=keep,
            )
            try:
                with auth.acting():
                    save_rules(get_store(), new)
            except Refusal as refused:
                st.error(say(refused.message))
            else:
                st.success(tr("inq.standard_saved"))


def _words(text: str) -> tuple[str, ...]:
    """Statuses typed with 、 , ， or ; between them."""
    return tuple(w.strip() for w in re.split(r"[、,，;；]", text) if w.strip())
