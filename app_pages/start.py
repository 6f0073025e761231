"""Start: what the toolkit does, choose or create an area and cycle, or load the demo partnerships."""

import streamlit as st
from sqlalchemy.engine import make_url

from toolkit.store.areas import get_or_create_area, get_or_create_cycle
from toolkit.training.demo import DEMO_NOTICE, load_demo
from ui.auth import may
from ui.resources import catalogue, db, settings
from ui.widgets import area_cycle_picker
from ui.workshops import plain


def _create() -> None:
    if not may("edit_area"):
        return
    area, cycle = st.session_state["start_new_area"].strip(), st.session_state["start_new_cycle"].strip()
    if not area or not cycle:
        st.session_state["start_msg"] = (
            "error",
            "Give the partnership a name and the cycle a name (for example 2026).",
        )
        return
    try:
        with db() as s:
            get_or_create_cycle(get_or_create_area(area, session=s), cycle, session=s)
    except ValueError as exc:  # a name too long, or with a control character
        st.session_state["start_msg"] = ("error", f"Not created: {plain(str(exc))}.")
        return
    st.session_state.update(
        sel_area=area, sel_cycle=cycle, start_msg=("success", f"Created {plain(area)}, cycle {plain(cycle)}.")
    )


def _demo() -> None:
    if not may("edit_area"):
        return
    with db() as s:
        result = load_demo(session=s, catalogue=catalogue())
    st.session_state.update(
        sel_area=result.area_cycles[0][0],
        sel_cycle=result.area_cycles[-1][1],
        start_msg=("success", f"Loaded {len(result.area_cycles)} demo area-cycles. {DEMO_NOTICE}"),
    )


st.title("Safeguarding Partnership Toolkit")
st.markdown(
    "See where your multi-agency safeguarding partnership stands, and what to do next. "
    "People from every agency and level rate statements drawn from Kantar's Organisational Practice Model and the "
    "12 C's of Collective Safeguarding Responsibility. "
    "The toolkit shows where the journey stalls, which parts of the Theory of Change are weak, and which proven "
    "interventions fit, then helps you appraise them and agree an action plan."
)
if msg := st.session_state.pop("start_msg", None):
    getattr(st, msg[0])(msg[1])

st.subheader("Your partnership")
area, cycle = area_cycle_picker()
can_edit = may("edit_area")
if not can_edit:
    st.caption("Facilitators and administrators create partnerships and cycles: sign in on the Account page.")

with st.expander("Create a partnership or a new cycle", expanded=area is None), st.form("start_create", border=False):
    st.text_input("Partnership name", key="start_new_area", placeholder="e.g. Northshire")
    st.text_input("Cycle", key="start_new_cycle", placeholder="e.g. 2026 or 2026-baseline")
    st.form_submit_button("Create", on_click=_create, disabled=not can_edit)

with st.expander("Demo partnerships (fictional)", expanded=area is None):
    st.write("Four fictional partnerships, each with a story, over two cycles. " + DEMO_NOTICE)
    st.button("Load the demo partnerships", on_click=_demo, key="start_demo", disabled=not can_edit)

st.subheader("Where the data lives")
url = make_url(settings().database_url)
where = (
    f"an SQLite file at `{url.database}`"
    if url.get_backend_name() == "sqlite"
    else f"PostgreSQL database `{url.database}` on `{url.host}`"
)
st.write(f"Ratings are stored in {where}. Set `DATABASE_URL` to use another database.")
