"""Stage diagnosis: which stage the team is in, on what evidence, and what to change."""

import dataclasses

import pandas as pd
import streamlit as st

from ecdata.team.diagnosis import ADVICE, Thresholds, full_diagnosis
from ecdata.team.org import roles
from ecdata.team.scoring import STAGES
from ui.sidebar import page_start
from ui.state import lang, query, tr
from ui.url import current

view = page_start("🧭", "page.diagnosis", show_range=False)

# Chosen on the Team KPIs page, when it was.
scheme_in_use = current("scheme", None, list(STAGES))
evidence, diagnosis = query(full_diagnosis, view.latest, scheme_in_use, view.filters.stores)

stage_label = tr(f"stage.{diagnosis.stage}")
st.markdown(f"## {tr('dg.stage', stage=stage_label)}")
for key, params in diagnosis.warnings:
    params = {k: tr(f"stage.{v}") if k in ("scheme", "stage") else v for k, v in params.items()}
    st.warning(tr(key, **params))
if diagnosis.mixed:
    st.caption(tr("dg.mixed"))

st.subheader(tr("dg.evidence"))
st.dataframe(
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
st.caption(tr("dg.thresholds", **dataclasses.asdict(Thresholds())))

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
