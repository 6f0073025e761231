"""Interventions: ranked suggestions with reasons, APEASE scoring of a shortlist, side by side, and the decision."""

import streamlit as st

from toolkit.core import ids
from toolkit.core.browse import cite
from toolkit.core.text import md_text
from toolkit.interventions.apease import aggregate, comparison_text
from toolkit.store.areas import resolve_cycle
from toolkit.store.plans import (
    apease_scores,
    decisions,
    shortlist,
)
from ui import interventions_actions as actions
from ui.auth import gate, identity
from ui.cached import analysis, suggestions
from ui.resources import catalogue, db
from ui.widgets import area_cycle_picker, keep_offered

cat = catalogue()
names = {iv.id: iv.title for iv in cat.interventions}
by_id = {iv.id: iv for iv in cat.interventions}


st.title("Interventions")
gate("appraise", what="the interventions page")
area, cycle = area_cycle_picker(action="appraise")
if not (area and cycle):
    st.stop()
a = analysis(area, cycle)
if msg := st.session_state.pop("iv_msg", None):
    getattr(st, msg[0])(msg[1])

st.subheader("Suggested for this partnership")
c1, c2, c3 = st.columns(3)
agency = c1.selectbox(
    "Delivered by agency",
    keep_offered("iv_agency", [None, *ids.AGENCIES], None),
    format_func=lambda x: "Any agency" if x is None else ids.AGENCY_NAMES[x],
    key="iv_agency",
)
level = c2.selectbox(
    "Engages level",
    keep_offered("iv_level", [None, *ids.LEVELS], None),
    format_func=lambda x: "Any level" if x is None else ids.LEVEL_NAMES[x],
    key="iv_level",
)
effort = c3.selectbox(
    "Effort at most (the toolkit's judgement)",
    keep_offered("iv_effort", [None, "low", "medium", "high"], None),
    format_func=lambda x: "Any effort" if x is None else x,
    key="iv_effort",
    help="No source rates effort: these ratings are the toolkit's own judgement. Entries without one are kept.",
)
found = suggestions(a, agency=agency, level=level, max_effort=effort)
with db() as s:
    ref = resolve_cycle(area, cycle, session=s)
    listed = shortlist(ref, session=s)
if not found:
    st.success(
        "Nothing here is weak enough to need an intervention from the library. Keep doing what works, and look again next cycle."
    )
for k, sgt in enumerate(found, 1):
    iv = by_id[sgt.id]
    with st.container(border=True):
        st.markdown(
            f"**{k}. {md_text(iv.title)}**  \n*{md_text(iv.origin)}* · {md_text(cite(iv.source))}  \n"
            f"Evidence: {md_text(iv.grade_label)}"
        )
        st.markdown("\n".join(f"- {md_text(r)}" for r in sgt.reasons))
        with st.expander("What it is"):
            st.markdown(md_text(iv.description))
            st.caption(
                f"Barrier: {md_text(iv.barrier)}  \nMechanism: {md_text(iv.mechanism)}"
                + (f"  \nEvidence in detail: {md_text(iv.evidence)}" if iv.evidence else "")
                + (f"  \n{md_text(iv.effort_cost_note)}" if iv.effort_cost_note else "")
            )
        if iv.id in listed:
            st.button("On the shortlist: remove", key=f"iv_rm_{iv.id}", on_click=actions.remove, args=(iv.id,))
        else:
            st.button("Add to shortlist", key=f"iv_add_{iv.id}", on_click=actions.add, args=(iv.id,), type="primary")

st.subheader("Appraise the shortlist with APEASE")
apease = cat.get("apease")
scale = cat.scale("apease")
if not listed:
    st.info("Add suggestions to the shortlist to appraise them.")
for iv_id in listed:
    with st.expander(f"Score: {md_text(names[iv_id])}"):
        who = identity()
        st.session_state.setdefault(f"iv_rater_{iv_id}", who.username if who else "")
        st.text_input(
            "Who is scoring",
            key=f"iv_rater_{iv_id}",
            help="Your name or a pseudonym; a new score from the same rater replaces the old one",
        )
        for crit in apease.criteria:
            st.radio(
                md_text(f"{crit.name}: {crit.question}"),
                [p.value for p in scale.points] + [actions.DK],
                key=f"iv_ap_{iv_id}_{crit.id}",
                horizontal=True,
                index=None,
                format_func=lambda v: scale.dont_know_label if v == actions.DK else f"{v} {scale.label(v)}",
            )
        st.text_input("Notes", key=f"iv_apn_{iv_id}")
        st.button("Save scores", key=f"iv_save_{iv_id}", on_click=actions.score, args=(iv_id,))

with db() as s:
    agg = aggregate(apease_scores(ref, session=s))
    decided = decisions(ref, session=s)
if agg:
    st.subheader("Side by side")
    st.caption(
        "Mean (spread, lowest-highest, number of raters); ⚠ marks a criterion of concern (mean below 3, or raters far apart)."
    )
    table = comparison_text(agg, names)
    table.index = [dict((c.id, c.name) for c in apease.criteria).get(i, i.capitalize()) for i in table.index]
    st.dataframe(table, width="stretch")

if listed:
    st.subheader("Decision")
    for iv_id in listed:
        d = decided.get(iv_id, {})
        st.session_state.setdefault(f"iv_sel_{iv_id}", "Selected" if d.get("selected") else "Not selected")
        st.session_state.setdefault(f"iv_why_{iv_id}", d.get("rationale", ""))
        with st.container(border=True):
            st.markdown(
                f"**{md_text(names[iv_id])}**"
                + (f" · decided: {'selected' if d['selected'] else 'not selected'}" if d else "")
            )
            st.radio("Decision", ["Selected", "Not selected"], key=f"iv_sel_{iv_id}", horizontal=True)
            st.text_input("Why", key=f"iv_why_{iv_id}")
            st.button("Record decision", key=f"iv_dec_{iv_id}", on_click=actions.decide, args=(iv_id,))
