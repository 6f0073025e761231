"""Theory of Change: the graph in four tiers with each node's health, what is at risk, and why."""

from functools import partial

import pandas as pd
import streamlit as st

from toolkit.analysis.toc_view import TIER_STAGE, node_panel, shown_boxes, side_by_side
from toolkit.charts.results import STATUS_LABELS
from toolkit.charts.toc_canvas import REVIEW_MARKS, SHAPE_WORDS, SHAPES, TIER_NAMES, legend, toc_canvas
from toolkit.core import ids
from toolkit.core.text import md_text
from toolkit.store.assumptions import ASSUMPTION_STATUSES
from ui.auth import gate, may
from ui.cached import analysis
from ui.resources import catalogue
from ui.toc_actions import save_assumption, select_from_canvas, select_node
from ui.toc_canvas import toc_canvas_view, toc_history
from ui.widgets import area_cycle_picker, keep_offered

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
options = list(nodes)

st.markdown(
    "**OPM stages on the tiers** (Kantar 2021, Annex 1, Table 3): "
    + " · ".join(f"{ids.STAGE_NAMES[s]} → {TIER_NAMES[t]}" for s, t in ids.OPM_TO_TOC.items())
    + ". Each column is headed by its stage."
)
st.markdown(
    "Legend: "
    + " · ".join(f"**{label}** ({shape}, tagged {tag})" for label, shape, tag in legend())
    + ". Orange dashed links trace what puts a box at risk; on a chosen box, blue links lead to it and pink ones "
    "follow from it. A ✓, ? or ✗ where links meet a box: an assumption under it holds, is doubtful or fails."
)
f1, f2 = st.columns(2)
stages = f1.pills(
    "Filter by OPM stage",
    list(ids.STAGES),
    selection_mode="multi",
    format_func=ids.STAGE_NAMES.get,
    key="toc_stages",
    help="A stage keeps its own tier (Table 3) and every box its statements feed.",
)
statuses = f2.pills(
    "Filter by status", list(STATUS_LABELS), selection_mode="multi", format_func=STATUS_LABELS.get, key="toc_statuses"
)
folded = st.pills(
    "Fold a tier", list(ids.TOC_TIERS), selection_mode="multi", format_func=TIER_NAMES.get, key="toc_folded"
)
choice = st.session_state.get("toc_node") if st.session_state.get("toc_node") in nodes else None
canvas = toc_canvas(
    health, selected=choice, show=shown_boxes(health, a.items, stages, statuses), collapsed=folded or ()
)
st.caption("Click a box, or Tab to it and press Enter, to see its evidence. Scroll the canvas to pan.")
toc_canvas_view(canvas.svg, on_select=partial(select_from_canvas, options))
c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
c1.selectbox(
    "Or choose a box from the list",
    keep_offered("toc_node", options, None),
    format_func=lambda n: nodes[n].label,  # not the status: it changes with the area, and the box chosen must not
    key="toc_node",
    index=None,
    placeholder="Choose a box",
)
c2.button("Clear the choice", on_click=select_node, args=(None, options), disabled=choice is None)

if choice:
    p = node_panel(health, cat, a.items, choice, toc_history(area, cycle))
    d, iv = p.detail, p.interval
    with st.container(border=True, key="toc_panel"):
        st.markdown(f"### {md_text(d.label)}")
        st.markdown(
            f"Status: **{STATUS_LABELS[d.status]}** ({SHAPE_WORDS[SHAPES[d.status]]}) · {TIER_NAMES[d.tier]}, "
            f"OPM stage {ids.STAGE_NAMES[TIER_STAGE[d.tier]]}"
        )
        if iv.score is not None:
            st.markdown(
                f"Score **{iv.score:.1f}** (95% interval {iv.low:.1f} to {iv.high:.1f}; up to {iv.n} people, "
                f"{iv.statements} published statement{'s' if iv.statements != 1 else ''})"
            )
            st.caption(
                "On one scale: each statement is first placed between its own framework's lowest and highest "
                "point, so frameworks rated on different scales are not averaged as if they were one."
            )
            if len(per := side_by_side(d, cat)) > 1:
                st.markdown(
                    "Per framework, each on its own scale: "
                    + "; ".join(f"{md_text(f.title)} {f.mean:.1f} ({f.scale_min}-{f.scale_max})" for f in per)
                )
        else:
            st.markdown("No published score: too few people rated its statements, or none feed it.")
        if d.reason:
            st.markdown(md_text(d.reason))
        if d.path:
            st.markdown("Path: " + " → ".join(md_text(x) for x in d.path_labels))
        st.markdown(f"It rests on {p.upstream} box(es) upstream and puts {p.downstream} box(es) downstream at stake.")
        left, right = st.columns(2)
        for col, title, links, arrow in (
            (left, "What it rests on (preconditions)", p.preconditions, "←"),
            (right, "What depends on it", p.dependants, "→"),
        ):
            col.markdown(f"**{title}**")
            if not links:
                col.caption("None in this Theory of Change.")
            for ln in links:
                col.button(
                    f"{arrow} {ln.label} ({STATUS_LABELS[ln.status]})",
                    key=f"toc_go_{ln.id}",
                    help=ln.rationale or None,
                    on_click=select_node,
                    args=(ln.id, options),
                )
        if p.statements:
            st.markdown("**Statements that feed it** (figures withheld where too few people answered)")
            st.dataframe(
                pd.DataFrame([s.model_dump() for s in p.statements]).assign(
                    framework=lambda f: f["framework"].map(lambda x: {"opm": "OPM", "twelve_cs": "12 C's"}.get(x, x))
                )[["text", "framework", "mean", "n", "distribution", "feeds"]],
                hide_index=True,
                width="stretch",
                column_config={
                    "text": st.column_config.TextColumn("Statement", width="large"),
                    "framework": "Framework",
                    "mean": st.column_config.NumberColumn("Mean", format="%.1f"),
                    "n": "People",
                    "distribution": st.column_config.BarChartColumn("Answers (low to high)"),
                    "feeds": st.column_config.ListColumn("Boxes it feeds"),
                },
            )
        if d.assumptions:
            st.markdown("**Assumptions it rests on**")
            for x in d.assumptions:
                note = f": {md_text(x.note)}" if x.note else ""
                st.markdown(f"- {REVIEW_MARKS.get(x.status, '·')} {md_text(x.text)} (*{x.status}*{note})")
        if d.interventions:
            st.markdown("**Interventions that work on it**")
            for v in d.interventions:
                st.markdown(f"- {md_text(v.title)} ({md_text(v.origin)}; evidence: {md_text(v.grade)})")
        if p.trend:
            st.markdown("**Trend over cycles**")
            st.dataframe(
                pd.DataFrame(
                    [{"cycle": t.cycle, "status": STATUS_LABELS[t.status], "score": t.score} for t in p.trend]
                ),
                hide_index=True,
                column_config={
                    "cycle": "Cycle",
                    "status": "Status",
                    "score": st.column_config.NumberColumn("Score", format="%.1f"),
                },
            )

with st.expander("Text view of the Theory of Change (for screen readers)"):
    for tier in ("inputs", "outputs", "intermediate_outcomes", "ultimate_outcomes"):
        st.markdown(f"**{tier.replace('_', ' ').capitalize()}**")
        st.markdown(
            "\n".join(
                f"- {md_text(n.label)}: {STATUS_LABELS[n.status]}"
                + (f", {n.score:.1f}" if n.score is not None else "")
                + (f". {md_text(n.reason)}" if n.reason else "")
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
            md_text(x.text),
            ASSUMPTION_STATUSES,
            key=f"toc_as_{x.id}",
            on_change=save_assumption,
            args=(x.id,),
            disabled=not editable,
        )
        c2.text_input("Evidence", key=f"toc_an_{x.id}", on_change=save_assumption, args=(x.id,), disabled=not editable)
