"""Audit log: administrators read who changed what in the record, when, and the values before and after."""

import pandas as pd
import streamlit as st

from toolkit.store.areas import list_areas
from toolkit.store.audit_read import audit_actions, audit_lines
from ui.auth import require
from ui.resources import db

ALL = "(all)"

st.title("Audit log")
require("manage_users", what="the audit log")
st.caption(
    "Every change of record is appended here and never edited: who, when, what, and the values before and after. "
    "Also on the server: `python -m toolkit audit [--area NAME] [--action X] [--json]`."
)
with db() as s:
    areas = [ALL] + [a.area for a in list_areas(session=s)]
    actions = [ALL, *audit_actions(session=s)]
c1, c2 = st.columns(2)
area = c1.selectbox("Area", areas, key="audit_area")
action = c2.selectbox("Action", actions, key="audit_action")
if area not in areas or action not in actions:  # a crafted value the page did not offer
    st.error("Choose an area and an action from the lists.")
    st.stop()
with db() as s:
    lines = audit_lines(session=s, area=None if area == ALL else area, action=None if action == ALL else action)
if not lines:
    st.info("No audit lines for this choice yet.")
    st.stop()
st.write(f"{len(lines)} lines, newest first" + (" (the newest 500)" if len(lines) == 500 else "") + ".")
table = pd.DataFrame(
    [
        {
            "When (UTC)": ln.at,
            "Who": ln.actor,
            "Action": ln.action,
            "Area": ln.area,
            "What": ln.target,
            "Change": ln.change(),
        }
        for ln in lines
    ]
)
st.dataframe(table, hide_index=True, width="stretch")
