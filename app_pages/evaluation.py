"""Evaluation: did an intervention make a difference? A treatment group against a comparison group (issue 17)."""

import streamlit as st

from toolkit.core.text import md_text
from ui.auth import gate
from ui.evaluation_actions import (
    BY_LABELS,
    MEASURES,
    area_cycles,
    balance_table,
    common_cycles,
    group_values,
    measure_label,
    run_evaluation,
    value_label,
)
from ui.widgets import keep_offered

st.title("Evaluation")
gate("view_results", what="evaluation")
st.caption(
    "Compare a group that had an intervention (trained, or given a new process) with a comparison group that did not. "
    "After only, as Social Engine evaluated its DSL training for Warwickshire; with a cycle before too, difference "
    "in differences: how much more the treatment group changed."
)
visible = area_cycles()
if not visible:
    st.info("No partnership you may see results of has ratings yet.")
    st.stop()

by = st.radio(
    "Groups are",
    keep_offered("ev_by", list(BY_LABELS), "area"),
    key="ev_by",
    format_func=BY_LABELS.get,
    horizontal=True,
)
values = group_values(by, visible)
areas: list[str] = []
if by != "area":
    areas = st.multiselect("In the partnerships", list(visible), key="ev_areas")
c1, c2 = st.columns(2)
treatment = c1.multiselect("Treatment group", values, key="ev_t", format_func=lambda v: value_label(by, v))
comparison = c2.multiselect(
    "Comparison group",
    [v for v in values if v not in treatment],
    key="ev_c",
    format_func=lambda v: value_label(by, v),
)
cycles = common_cycles([*treatment, *comparison] if by == "area" else areas, visible)
if not (treatment and comparison and cycles):
    st.info("Choose both groups (and, for agencies or levels, the partnerships they are in) to see the evaluation.")
    st.stop()
c1, c2, c3 = st.columns(3)
after = c1.selectbox("Cycle after the intervention", keep_offered("ev_after", cycles, cycles[-1]), key="ev_after")
before = c2.selectbox(
    "Cycle before (for difference in differences)",
    keep_offered("ev_before", [None, *[c for c in cycles if c != after]], None),
    key="ev_before",
    format_func=lambda c: "none: after only" if c is None else c,
)
measure = c3.selectbox("Measure", keep_offered("ev_m", MEASURES, "overall"), key="ev_m", format_func=measure_label)

try:
    ev = run_evaluation(by, treatment, comparison, areas, after, before, measure)
except (ValueError, LookupError, PermissionError) as exc:
    st.error(md_text(str(exc)))
    st.stop()

p = ev.post
st.subheader(f"After only ({md_text(p.cycle)})")
m1, m2, m3 = st.columns(3)
m1.metric("Treatment mean", "hidden" if p.mean_treatment is None else f"{p.mean_treatment:.2f}", border=True)
m1.caption(f"n = {p.n_treatment if p.n_treatment is not None else 'hidden'}")
m2.metric("Comparison mean", "hidden" if p.mean_comparison is None else f"{p.mean_comparison:.2f}", border=True)
m2.caption(f"n = {p.n_comparison if p.n_comparison is not None else 'hidden'}")
m3.metric("Difference (treatment - comparison)", "-" if p.difference is None else f"{p.difference:+.2f}", border=True)
if p.difference is not None:
    m3.caption(f"95% interval {p.ci_low:.2f} to {p.ci_high:.2f}; {md_text(p.interval)}")

if ev.did is not None:
    d = ev.did
    st.subheader(f"Difference in differences ({md_text(ev.before or '')} to {md_text(ev.after)})")
    if d.did is None:
        st.info(md_text(d.note))
    else:
        st.metric("How much more the treatment group changed", f"{d.did:+.2f}", border=True)
        st.caption(f"95% interval {d.ci_low:.2f} to {d.ci_high:.2f}; {md_text(d.interval)}")
    st.markdown(f"**Pre-trend check.** {md_text(ev.pre_trend_verdict)}")

st.subheader("Balance: what is known of both groups")
st.dataframe(balance_table(ev), hide_index=True, width="stretch")
st.subheader("Read with care")
for note in ev.caveats:
    st.markdown(f"- {md_text(note)}")
r = ev.reference
with st.expander("Social Engine's own after-only evaluation, for comparison"):
    st.markdown(
        md_text(
            f"{r.n_treatment} trained DSLs against {r.n_comparison} not trained; {r.outcome}: {r.mean_treatment} "
            f"against {r.mean_comparison}, a difference of {r.difference} (95% interval {r.ci_low} to {r.ci_high}). "
            f"{r.test}. Source: Social Engine for Warwickshire County Council (2021), {r.source.section}."
        )
    )
