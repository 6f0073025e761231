"""Theory of Change: the graph in four tiers with each node's health, what is at risk, and why."""

import pandas as pd
import streamlit as st

from toolkit.analysis.toc import node_detail
from toolkit.charts.results import STATUS_LABELS
from toolkit.charts.toc import toc_dot
from toolkit.store.assumptions import ASSUMPTION_STATUSES
from ui.auth import gate, may
from ui.cached import analysis
from ui.resources import catalogue
from ui.toc_actions import save_assumption
from ui.widgets import area_cycle_picker

st.title("Theory of Change")
gate("view_results", what="the Theory of Change")
st.caption(
    "Kantar's Theory of Change for multi-agency safeguarding partnership working (2021, Annex 1): inputs lead to "
    "outputs, then to intermediate and ultimate outcomes. Ratings roll up onto each box."
)
area, cycle = area_cycle_picker(action="view_results")
if not (area and cycle):
    st.stop()
a = analysis(area, cycle)
cat = catalogue()
health = a.toc
nodes = {n.id: n for n in health.nodes}

legend = " · ".join(
    f"**{STATUS_LABELS[s]}** ({shape})"
    for s, shape in (
        ("strong", "rounded box"),
        ("adequate", "rounded box"),
        ("weak", "octagon, bold"),
        ("at_risk", "hexagon, dashed"),
        ("unknown", "dotted box"),
    )
)
st.markdown("Legend: " + legend + ". Orange arrows trace what puts a box at risk.")
choice = st.selectbox(
    "Choose a box to see its evidence",
    list(nodes),
    format_func=lambda n: f"{nodes[n].label} ({STATUS_LABELS[nodes[n].status]})",
    key="toc_node",
    index=None,
    placeholder="Choose a box",
)
st.graphviz_chart(toc_dot(health, highlight=choice), width="stretch")

if choice:
    d = node_detail(health, cat, choice)
    with st.container(border=True):
        st.markdown(f"### {d.label}")
        st.markdown(
            f"Status: **{STATUS_LABELS[d.status]}**" + (f" · score {d.score:.1f}" if d.score is not None else "")
        )
        if d.reason:
            st.write(d.reason)
        if d.path:
            st.write("Path: " + " → ".join(d.path_labels))
        if d.items:
            st.dataframe(
                pd.DataFrame([i.model_dump() for i in d.items])[["text", "mean", "n"]],
                hide_index=True,
                width="stretch",
                column_config={"text": "Statement", "mean": "Mean", "n": "People"},
            )
        if d.assumptions:
            st.markdown("**Assumptions it rests on**")
            for x in d.assumptions:
                st.markdown(f"- {x.text} (*{x.status}*)")
        if d.interventions:
            st.markdown("**Interventions that work on it**")
            for iv in d.interventions:
                st.markdown(f"- {iv.title} ({iv.origin})")

with st.expander("Text view of the Theory of Change (for screen readers)"):
    for tier in ("inputs", "outputs", "intermediate_outcomes", "ultimate_outcomes"):
        st.markdown(f"**{tier.replace('_', ' ').capitalize()}**")
        st.markdown(
            "\n".join(
                f"- {n.label}: {STATUS_LABELS[n.status]}"
                + (f", {n.score:.1f}" if n.score is not None else "")
                + (f". {n.reason}" if n.reason else "")
                for n in health.nodes
                if n.tier == tier
            )
        )

with st.expander("Assumptions register"):
    st.caption(
        "Does each assumption of the Theory of Change hold here? A failing assumption puts the boxes it underpins at risk."
    )
    editable = may("appraise")  # a scrutineer reads the register; the partnership keeps it
    for x in health.assumptions:
        c1, c2 = st.columns([1, 2])
        st.session_state.setdefault(f"toc_as_{x.id}", x.status)
        st.session_state.setdefault(f"toc_an_{x.id}", x.note)
        c1.selectbox(
            x.text,
            ASSUMPTION_STATUSES,
            key=f"toc_as_{x.id}",
            on_change=save_assumption,
            args=(x.id,),
            disabled=not editable,
        )
        c2.text_input("Evidence", key=f"toc_an_{x.id}", on_change=save_assumption, args=(x.id,), disabled=not editable)
