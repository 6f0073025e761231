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
from ui.scope import may_in
from ui.toc_actions import save_assumption, select_from_canvas, select_node
from ui.toc_canvas import toc_canvas_view, toc_history
from ui.toc_edit import MESSAGE, changes_between, edit_toc, link_key, version_list, working
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
st.caption(
    "Click a box, or Tab to it and press Enter, to see its evidence. Drag the background, or use the arrow keys, "
    "to pan; scrolling pans too."
)
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
    # The trend reads every earlier cycle's analysis: only on request, so choosing a box or changing area stays quick.
    trend = toc_history(area, cycle) if st.session_state.get("toc_trend") else ()
    p = node_panel(health, cat, a.items, choice, trend)
    d, iv = p.detail, p.interval
    with st.container(border=True, key="toc_panel"):
        st.markdown(f"### {md_text(d.label)}")
        st.markdown(
            f"Status: **{STATUS_LABELS[d.status]}** ({SHAPE_WORDS[SHAPES[d.status]]}) · {TIER_NAMES[d.tier]}, "
            f"OPM stage {ids.STAGE_NAMES[d.stage or TIER_STAGE[d.tier]]}"
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
        st.toggle(
            "Show its trend over cycles",
            key="toc_trend",
            help="Reads each earlier cycle of the partnership: the first time for each cycle takes a few seconds.",
        )
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

st.subheader("Your partnership's own Theory of Change")
st.caption(
    "It starts as Kantar's. Add, rename, move or retire boxes, change links with their rationale and the "
    "assumptions they rest on, and map a box onto another OPM stage. Each change is saved as a new version, "
    "kept with the cycle it was made in, and written to the audit log."
)
if health.retired:
    st.markdown("**Retired boxes** (their statements still count in every other box they feed)")
    for r in health.retired:
        fed = ", ".join(f"'{md_text(i.text)}'" for i in r.items) or "no statement"
        st.markdown(f"- {md_text(r.label)} ({TIER_NAMES[r.tier]}): mapped from {fed}")
infos = version_list(area)
if infos:
    shown = [v.number for v in infos]
    v1, v2 = st.columns(2)
    at = v1.selectbox(
        "Version",
        keep_offered("toc_version", shown[::-1], shown[-1]),
        format_func=lambda k: f"Version {k} ({infos[k - 1].created_at:%d %b %Y}, {infos[k - 1].cycle or 'no cycle'})",
        key="toc_version",
    )
    against = v2.radio(
        "Compare it with",
        keep_offered("toc_against", ["previous", "kantar"], "previous"),
        format_func={"previous": "the version before it", "kantar": "Kantar's Theory of Change"}.get,
        key="toc_against",
        horizontal=True,
    )
    info = infos[at - 1]
    st.caption(f"Saved by {md_text(info.created_by or 'someone')}" + (f": {md_text(info.note)}" if info.note else ""))
    found = changes_between(area, at - 1 if against == "previous" else 0, at)
    with st.container(border=True, key="toc_diff"):
        st.markdown(f"**{len(found)} change(s)**")
        st.markdown("\n".join(f"- {md_text(c.words)}" for c in found) or "No differences.")
else:
    st.caption("No version of its own yet: this partnership uses Kantar's Theory of Change as it stands.")

if msg := st.session_state.pop(MESSAGE, None):
    (st.error if msg[0] == "error" else st.success)(msg[1])
editor = may_in("edit_toc", area)
if editor and st.toggle(  # the forms are drawn only while editing: a redraw of the canvas does not pay for them
    "Edit this partnership's Theory of Change", key="toc_editing"
):
    doc = working(area)
    live = {b.id: b.label for b in doc.live}
    retired = {b.id: b.label for b in doc.boxes if b.retired}
    linked = {link_key(ln.from_, ln.to): f"{live[ln.from_]} → {live[ln.to]}" for ln in doc.links}
    held = {x.id: x.text for x in doc.assumptions}
    st.text_input("Note for the next version (optional)", key="toc_note", max_chars=2000)
    boxes_tab, links_tab, as_tab = st.tabs(["Boxes", "Links", "Assumptions"])
    with boxes_tab:
        with st.form("toc_form_add_box", border=True):
            st.markdown("**Add a box**")
            st.text_input("Name of the new box", key="toc_add_label", max_chars=200)
            st.selectbox("Tier", ids.TOC_TIERS, format_func=TIER_NAMES.get, key="toc_add_tier", index=None)
            st.selectbox(
                "OPM stage it maps onto (blank: its tier's, Table 3)",
                ids.STAGES,
                format_func=ids.STAGE_NAMES.get,
                key="toc_add_stage",
                index=None,
            )
            st.form_submit_button("Add the box", on_click=edit_toc, args=("add_box",))
        with st.form("toc_form_edit_box", border=True):
            st.markdown("**Rename, move or re-map a box** (blank: keep as it is)")
            st.selectbox("Box to change", list(live), format_func=live.get, key="toc_ed_box", index=None)
            st.text_input("New name", key="toc_ed_label", max_chars=200)
            st.selectbox("New tier", ids.TOC_TIERS, format_func=TIER_NAMES.get, key="toc_ed_tier", index=None)
            st.selectbox("New OPM stage", ids.STAGES, format_func=ids.STAGE_NAMES.get, key="toc_ed_stage", index=None)
            st.form_submit_button("Change the box", on_click=edit_toc, args=("edit_box",))
        with st.form("toc_form_retire_box", border=True):
            st.markdown("**Retire a box** (its links go with it; its statements are listed as mapped to it)")
            st.selectbox("Box to retire", list(live), format_func=live.get, key="toc_rt_box", index=None)
            st.form_submit_button("Retire the box", on_click=edit_toc, args=("retire_box",))
        if retired:
            with st.form("toc_form_restore_box", border=True):
                st.selectbox("Retired box to bring back", list(retired), format_func=retired.get, key="toc_rs_box")
                st.form_submit_button("Bring it back", on_click=edit_toc, args=("restore_box",))
    with links_tab:
        with st.form("toc_form_add_link", border=True):
            st.markdown("**Add a link**")
            st.selectbox("From (the precondition)", list(live), format_func=live.get, key="toc_al_from", index=None)
            st.selectbox("To (what follows from it)", list(live), format_func=live.get, key="toc_al_to", index=None)
            st.text_area("Why the one leads to the other (rationale)", key="toc_al_why", max_chars=2000)
            st.multiselect("Assumptions it rests on", list(held), format_func=held.get, key="toc_al_as")
            st.form_submit_button("Add the link", on_click=edit_toc, args=("add_link",))
        with st.form("toc_form_edit_link", border=True):
            st.markdown("**Change a link's rationale or assumptions**")
            st.selectbox("Link to change", list(linked), format_func=linked.get, key="toc_el_link", index=None)
            st.text_area("New rationale (blank: keep it)", key="toc_el_why", max_chars=2000)
            st.multiselect(
                "Assumptions it rests on (replaces its list)", list(held), format_func=held.get, key="toc_el_as"
            )
            st.form_submit_button("Change the link", on_click=edit_toc, args=("edit_link",))
        with st.form("toc_form_reconnect_link", border=True):
            st.markdown("**Reconnect a link** (it keeps its rationale and assumptions)")
            st.selectbox("Link to reconnect", list(linked), format_func=linked.get, key="toc_rc_link", index=None)
            st.selectbox("New precondition", list(live), format_func=live.get, key="toc_rc_from", index=None)
            st.selectbox("New box it leads to", list(live), format_func=live.get, key="toc_rc_to", index=None)
            st.form_submit_button("Reconnect the link", on_click=edit_toc, args=("reconnect_link",))
        with st.form("toc_form_remove_link", border=True):
            st.selectbox("Link to remove", list(linked), format_func=linked.get, key="toc_rl_link", index=None)
            st.form_submit_button("Remove the link", on_click=edit_toc, args=("remove_link",))
    with as_tab:
        with st.form("toc_form_add_assumption", border=True):
            st.markdown("**Add an assumption of your own**")
            st.text_area("The assumption", key="toc_aa_text", max_chars=2000)
            st.multiselect("Boxes it underpins", list(live), format_func=live.get, key="toc_aa_nodes")
            st.form_submit_button("Add the assumption", on_click=edit_toc, args=("add_assumption",))
        with st.form("toc_form_remove_assumption", border=True):
            st.selectbox("Assumption to remove", list(held), format_func=held.get, key="toc_ra_id", index=None)
            st.form_submit_button("Remove the assumption", on_click=edit_toc, args=("remove_assumption",))
elif not editor:
    st.caption(
        "Your account may read this partnership's Theory of Change; a facilitator of the partnership changes it."
    )
