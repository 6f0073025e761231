"""Benchmark: an area against its peers: percentile cards, distributions with the area highlighted, change over cycles."""

from functools import partial

import streamlit as st

from toolkit.analysis.benchmark.exports import export_bytes
from toolkit.analysis.benchmark.measures import C_KEYS, STAGE_KEYS, key_label
from toolkit.analysis.benchmark.peers import TAG_KEYS, TAG_NAMES
from toolkit.analysis.benchmark.ranks import method
from toolkit.analysis.benchmark.view import peers_table
from toolkit.core.text import md_text
from ui.auth import require
from ui.benchmarks import comparison, filter_label, history_spec, tags
from ui.resources import catalogue
from ui.scope import named_peers
from ui.widgets import area_cycle_picker, keep_offered

st.title("Benchmark")
require("view_results", what="benchmarks")
# Peers are named for a role over every area; a member of named areas sees their own other areas named and everyone
# else's as Peer 01, 02, ...
named = named_peers()
area, cycle = area_cycle_picker(action="view_results")
if not (area and cycle):
    st.stop()

all_tags = tags()
st.markdown("**Compare with** (peers are filtered by the areas' tags; the area itself is never its own peer)")
cols = st.columns(len(TAG_KEYS))
for col, key in zip(cols, TAG_KEYS, strict=True):
    values = sorted({t[key] for t in all_tags.values() if t.get(key)})
    choices = keep_offered(f"bench_f_{key}", ["any", "same", *values], "any")
    col.selectbox(
        TAG_NAMES[key],
        choices,
        key=f"bench_f_{key}",
        format_func=filter_label,
    )
filters = {k: st.session_state[f"bench_f_{k}"] for k in TAG_KEYS}

comp = comparison(area, cycle, filters, named=named, tags=all_tags)
view = comp["view"]
if not view.respondents:
    st.info(f"{md_text(area)} has no ratings in cycle {md_text(cycle)} yet, so there is nothing to compare.")
    st.stop()
st.caption(
    f"{md_text(area)}, cycle {md_text(cycle)}: {view.respondents} respondents, against {view.n_peers} peer areas ({md_text(view.peers_described)}). "
    + (
        "Peer areas are named because your role may see them."
        if named is True
        else "Your own other partnerships are named; other peer areas are anonymised (Peer 01 has the highest "
        "overall value)."
        if named and named - {area}
        else "Peer areas are anonymised (Peer 01 has the highest overall value)."
    )
)
for note in view.notes:
    st.warning(note)

st.markdown("**Percentile rank among peers** (and the change in the area's own value since the last cycle)")
for col, card in zip(st.columns(len(comp["cards"])), comp["cards"], strict=True):
    col.metric(card.label, card.value, card.delta, border=True)
    col.caption(card.caption)

st.vega_lite_chart(comp["specs"]["stages"], width="stretch")
st.vega_lite_chart(comp["specs"]["levels"], width="stretch")
st.vega_lite_chart(comp["specs"]["cs"], width="stretch")

st.subheader("Change over cycles")
st.selectbox(
    "Measure",
    keep_offered("bench_hist_key", ["overall", *STAGE_KEYS, *C_KEYS], "overall"),
    key="bench_hist_key",
    format_func=lambda k: key_label(k, catalogue()),
)
st.vega_lite_chart(history_spec(comp, st.session_state["bench_hist_key"]), width="stretch")

with st.expander("Peer areas' values" + (" (named)" if named is True else " (others anonymised)")):
    st.dataframe(peers_table(view, catalogue()), hide_index=True, width="stretch")

st.caption(method(view.min_peer_areas, view.min_group_size))
stem = f"benchmark-{area}-{cycle}".replace(" ", "_").replace("(", "").replace(")", "")
c1, c2 = st.columns(2)
c1.download_button(
    "Download comparison (CSV)",
    partial(export_bytes, view, "csv", catalogue(), comp["hist"]),
    file_name=f"{stem}.csv",
    mime="text/csv",
    key="bench_dl_csv",
    on_click="ignore",
)
c2.download_button(
    "Download comparison, peers and history (XLSX)",
    partial(export_bytes, view, "xlsx", catalogue(), comp["hist"]),
    file_name=f"{stem}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="bench_dl_xlsx",
    on_click="ignore",
)
