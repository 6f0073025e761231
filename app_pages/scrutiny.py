"""Scrutiny: the evidence log and challenges, self-rating beside validation, decision trail, yearly report, export.

Scrutineers keep the log, raise challenges and validate; the partnership's members answer challenges and sign off
under their own accounts. The view chosen stays after every action and a visit to another page (kept in session
state under a plain key, not the widget's).
"""

import streamlit as st

from ui import scrutiny_actions as actions
from ui import scrutiny_views as views
from ui.auth import require
from ui.resources import catalogue
from ui.widgets import area_cycle_picker

ss = st.session_state

st.title("Scrutiny")
who = require("view_scrutiny", what="the scrutiny pages")
ss["scr_user"] = who.username
area, cycle = area_cycle_picker(action="view_scrutiny")
if not (area and cycle):
    st.stop()
cat = catalogue()
tables = actions.load(area, cycle)
can = ss["scr_can"]
actions.show_message()
view = views.view_picker()

if view == "Evidence log":
    views.evidence_log(tables, cat, can, who.username)
elif view == "Self-rating and validation":
    views.validation_view(tables, cat, can, who.username)
elif view == "Decision trail":
    views.decision_trail(tables, cat, can)
elif view == "Yearly report":
    views.yearly_report(tables, cat, can, who.username)
else:
    views.export(tables, area, cycle)
