"""Context: the area's context factors (Kantar's fourth layer) and its descriptive tags."""

import streamlit as st

from toolkit.store.areas import find_area, set_area_context
from ui.auth import gate
from ui.resources import catalogue, db
from ui.widgets import area_cycle_picker

TAGS = {
    "nation": "Nation",
    "type": "Type of area",
    "police_footprint": "Police footprint",
    "health_footprint": "Health footprint",
}


def _save() -> None:
    ss = st.session_state
    factors = {f.id: ss.get(f"ctx_{f.id}", "") for f in catalogue().opm.context_factors}
    tags = {t: ss.get(f"ctx_tag_{t}", "") for t in TAGS}
    with db() as s:
        set_area_context(ss["sel_area"], factors, tags, session=s)
    ss["ctx_saved"] = True


st.title("Context")
gate("edit_area", what="the context page")
st.caption(
    "The partnership's context shapes what works: Kantar (2021) found that prior multi-agency experience, agencies that span "
    "several areas, local need, size and structural change all made a difference."
)
area, _cycle = area_cycle_picker()
if not area:
    st.stop()
with db() as s:
    a = find_area(area, session=s)
    context, tags = dict(a.context or {}), dict(a.tags or {})
if context.get("story"):
    st.info(f"Demo story: {context['story']}")
with st.form("ctx_form"):
    for f in catalogue().opm.context_factors:
        st.session_state.setdefault(f"ctx_{f.id}", context.get(f.id, ""))
        st.text_area(f.name, key=f"ctx_{f.id}", help=f.description, placeholder=f.question or "", height=80)
    cols = st.columns(len(TAGS))
    for col, (t, label) in zip(cols, TAGS.items(), strict=True):
        st.session_state.setdefault(f"ctx_tag_{t}", tags.get(t, ""))
        col.text_input(label, key=f"ctx_tag_{t}", help="Used to choose peers when benchmarking")
    st.form_submit_button("Save context", on_click=_save, type="primary")
if st.session_state.pop("ctx_saved", False):
    st.success("Context saved.")
