"""Safeguarding Partnership Toolkit: routes between the pages, nothing else."""

import streamlit as st

from ui.state import init_state

st.set_page_config(page_title="Safeguarding Partnership Toolkit", page_icon=":material/diversity_3:", layout="wide")
init_state()
pages = {
    "Partnership": [
        st.Page("pages/start.py", title="Start", icon=":material/home:", default=True),
    ],
    "Data": [
        st.Page("pages/frameworks.py", title="Frameworks", icon=":material/menu_book:"),
    ],
}
st.navigation(pages).run()
