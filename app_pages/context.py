"""Context: the area's context factors (Kantar's fourth layer) and its descriptive tags."""

import streamlit as st

from toolkit.core.text import md_text
from ui.auth import gate
from ui.context_actions import TAGS, area_context, save_context
from ui.resources import catalogue
from ui.widgets import area_cycle_picker

st.title("Context")
gate("edit_area", what="the context page")
st.caption(
    "The partnership's context shapes what works: Kantar (2021) found that prior multi-agency experience, agencies that span "
    "several areas, local need, size and structural change all made a difference."
)
area, _cycle = area_cycle_picker(action="edit_area")
if not area:
    st.stop()
context, tags = area_context(area)
if context.get("story"):
    st.info(f"Demo story: {context['story']}")
with st.form("ctx_form"):
    for f in catalogue().opm.context_factors:
        st.session_state.setdefault(f"ctx_{f.id}", context.get(f.id, ""))
        st.text_area(
            md_text(f.name), key=f"ctx_{f.id}", help=md_text(f.description), placeholder=f.question or "", height=80
        )
    cols = st.columns(len(TAGS))
    for col, (t, label) in zip(cols, TAGS.items(), strict=True):
        st.session_state.setdefault(f"ctx_tag_{t}", tags.get(t, ""))
        col.text_input(label, key=f"ctx_tag_{t}", help="Used to choose peers when benchmarking")
    st.form_submit_button("Save context", on_click=save_context, type="primary")
if st.session_state.pop("ctx_saved", False):
    st.success("Context saved.")
