"""Stage diagnosis: which stage the team is in, on what evidence, and what to change."""

import dataclasses

import pandas as pd
import streamlit as st

from ecdata.team.diagnosis import (
    ADVICE,
    THRESHOLDS_KEY,
    Thresholds,
    full_diagnosis,
    save_thresholds,
    stored_thresholds,
    warning_texts,
)
from ecdata.team.org import roles
from ecdata.team.scoring import STAGES
from ui import auth, tables
from ui.sidebar import page_start
from ui.state import get_store, lang, query, tell, told, tr
from ui.url import current

view = page_start("🧭", "page.diagnosis", show_range=False, shows_money=False)

# Chosen on the Team KPIs page, when it was.
scheme_in_use = current("scheme", None, list(STAGES))
evidence, diagnosis = query(full_diagnosis, view.latest, scheme_in_use, view.filters.stores)

stage_label = tr(f"stage.{diagnosis.stage}")
st.markdown(f"## {tr('dg.stage', stage=stage_label)}")
for warning in warning_texts(diagnosis, lang()):
    st.warning(warning)
if diagnosis.mixed:
    st.caption(tr("dg.mixed"))
if evidence.month_in_progress:
    # The latest month is not over: it counts on the days it has (its target up to today).
    day, days = evidence.month_in_progress
    st.caption(tr("dg.in_progress", month=view.latest.month, day=day, days=days))

st.subheader(tr("dg.evidence"))
tables.show(
    pd.DataFrame(
        {
            tr("dg.evidence"): [tr(f"ev.{f.name}") for f in diagnosis.findings],
            tr("col.value"): [str("—" if f.value is None else f.value) for f in diagnosis.findings],
            tr("dg.points_to"): [
                tr(f"stage.{f.points_to}") if f.points_to else tr("dg.no_data")
                for f in diagnosis.findings
            ],
            tr("dg.rule"): [f.rule for f in diagnosis.findings],
        }
    ),
    hide_index=True,
    width="stretch",
)
thresholds = query(stored_thresholds)
st.caption(tr("dg.thresholds", **dataclasses.asdict(thresholds)))


def _save_thresholds() -> None:
    if not auth.refuse_unless("settings"):
        return
    edited = Thresholds(
        **{
            f.name: type(getattr(thresholds, f.name))(st.session_state[f"th_{f.name}"])
            for f in dataclasses.fields(Thresholds)
        }
    )
    with auth.acting():
        save_thresholds(get_store(), edited)
    tell("_th_said", "success", tr("dg.thresholds_saved"))


if auth.allowed("settings"):
    with st.expander(tr("dg.thresholds_edit")):
        columns = st.columns(3)
        for i, f in enumerate(dataclasses.fields(Thresholds)):
            value = getattr(thresholds, f.name)
            columns[i % 3].number_input(
                tr(f"th.{f.name}"),
                min_value=type(value)(0),
                value=value,
                step=0.05 if isinstance(value, float) else 1,
                key=f"th_{f.name}",
            )
        save_col, undo_col = st.columns(2)
        save_col.button(tr("dg.thresholds_save"), key="th_save", on_click=_save_thresholds)
        undo_col.button(
            tr("tk.undo_schemes"),
            key="th_undo",
            on_click=auth.undo_settings,
            args=(
                "_th_said",
                (THRESHOLDS_KEY,),
                [f"th_{f.name}" for f in dataclasses.fields(Thresholds)],
                "dg.thresholds_undone",
            ),
        )
        told("_th_said")

st.subheader(tr("dg.advice"))
st.markdown("\n".join(f"- {tr(key)}" for key in ADVICE[diagnosis.stage]))
if diagnosis.next_hires:
    catalogue = roles()
    names = "、".join(
        catalogue[r].label(lang()) if r in catalogue else r for r in diagnosis.next_hires
    )
    st.info(tr("dg.next_hires", roles=names))
else:
    st.success(tr("dg.no_gaps"))
