"""Start: what the toolkit does, choose or create an area and cycle, or explore the demo partnerships (in Trainer mode)."""

import streamlit as st

from toolkit.training.demo import DEMO_NOTICE
from ui import start_actions as actions
from ui.auth import identity, may
from ui.context import is_demo, start_chooser
from ui.resources import database_where

st.title("Safeguarding Partnership Toolkit")
st.markdown(
    "See where your multi-agency safeguarding partnership stands, and what to do next. "
    "People from every agency and level rate statements drawn from Kantar's Organisational Practice Model and the "
    "12 C's of Collective Safeguarding Responsibility. "
    "The toolkit shows where the journey stalls, which parts of the Theory of Change are weak, and which "
    "interventions from the reports fit (each says how far it has been tested), then helps you appraise them and agree an action plan."
)
if msg := st.session_state.pop("start_msg", None):
    getattr(st, msg[0])(msg[1])

st.subheader("Your partnership")
area, cycle = start_chooser()
if area is None:
    st.info("No partnerships yet. Create one below, or explore the demo partnerships in Trainer mode.")
elif is_demo(area):
    st.caption(":material/info: Demo data: this partnership, its people and its ratings are synthetic and fictional.")
can_edit = may("edit_area")
if not can_edit:
    st.caption("Facilitators and administrators create partnerships and cycles: sign in on the Account page.")

with st.expander("Create a partnership or a new cycle", expanded=area is None), st.form("start_create", border=False):
    st.text_input("Partnership name", key="start_new_area", placeholder="e.g. Northshire")
    st.text_input("Cycle", key="start_new_cycle", placeholder="e.g. 2026 or 2026-baseline")
    st.text_input(
        "Cycle start date (YYYY-MM-DD)",
        key="start_new_cycle_start",
        placeholder="e.g. 2026-04-01",
        help="Cycles are ordered by their start dates. Left blank: 1 January of the year the name begins with, "
        "else today.",
    )
    st.form_submit_button("Create", on_click=actions.create, disabled=not can_edit)

with st.expander("Demo partnerships (fictional)", expanded=area is None):
    st.write("Four fictional partnerships, each with a story, over two cycles. " + DEMO_NOTICE)
    st.write(
        "They live in Trainer mode's sandbox, a database of their own: nothing done with them touches your "
        "partnerships' record, and they never count in a benchmark of real areas."
    )
    st.page_link(
        "app_pages/trainer.py", label="Explore the demo partnerships in Trainer mode", icon=":material/school:"
    )
    st.caption(
        "To explore them on every page instead, fill a database of their own on the server with "
        "`python -m toolkit demo --database sqlite:///data/demo.db` and start the app with `DATABASE_URL` set to it."
    )

st.subheader("Where the data lives")
if (who := identity()) is not None and who.role == "administrator":  # the database's host and name are for them
    st.write(f"Ratings are stored in {database_where()}. Set `DATABASE_URL` to use another database.")
else:
    st.write("Ratings are stored in the database this server is set up with; administrators see which one here.")
