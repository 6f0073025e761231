"""Run a workshop: create it, show the code and QR, watch the room join and answer, reveal, appraise, close."""

import streamlit as st

from ui import workshop_actions as actions
from ui import workshop_views as views
from ui.auth import require
from ui.scope import actor
from ui.workshop_dashboard import dashboard

heading = st.empty()  # "Run a workshop", or the workshop's own name in presentation view
heading.title("Run a workshop")
require("run_workshop", what="the workshop page")
who = actor()  # the signed-in account with its memberships, for the checks in toolkit.access.scope
assert who is not None  # require() stopped the page otherwise

codes = actions.load(who)
present = bool(st.session_state["workshop_present"]) and bool(codes)
actions.show_message()
if not present:
    views.create_form(who, expanded=not codes)
    if not codes:
        st.info("No workshops yet: start one above.")
        st.stop()
    views.workshop_picker(codes)
w = actions.on_screen()
if present:
    views.projector(heading, w)
    st.stop()
views.present_toggle()
views.join_box(w)
dashboard(w.code, False)
views.summary(w)
if w.status == "closed":
    st.stop()
views.controls(who, w)
