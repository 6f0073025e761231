"""Safeguarding Partnership Toolkit: routes between the pages, nothing else (ui.navigation says which show the menu)."""

from pathlib import Path

import streamlit as st

from ui.auth import keep_signed_in
from ui.navigation import route
from ui.state import init_state

# The icon is a file of ours: a ":material/...:" page icon makes the browser fetch it from fonts.gstatic.com.
st.set_page_config(
    page_title="Safeguarding Partnership Toolkit",
    page_icon=str(Path(__file__).parent / "ui" / "icon.png"),
    layout="wide",
)
init_state()
keep_signed_in()
pages = {
    "Partnership": [
        st.Page("app_pages/start.py", title="Start", icon=":material/home:", default=True),
        st.Page("app_pages/context.py", title="Context", icon=":material/map:"),
        st.Page("app_pages/assess.py", title="Self-assessment", icon=":material/checklist:"),
        st.Page("app_pages/results.py", title="Results", icon=":material/insights:"),
        st.Page("app_pages/theory_of_change.py", title="Theory of Change", icon=":material/account_tree:"),
        st.Page("app_pages/interventions.py", title="Interventions", icon=":material/lightbulb:"),
        st.Page("app_pages/action_plan.py", title="Action plan", icon=":material/task_alt:"),
    ],
    "Data": [
        st.Page("app_pages/data.py", title="Import and export", icon=":material/upload_file:"),
        st.Page("app_pages/frameworks.py", title="Frameworks", icon=":material/menu_book:"),
    ],
}
pages["Workshop"] = [
    st.Page("app_pages/join.py", title="Join a workshop", icon=":material/qr_code_2:", url_path="join"),
    st.Page("app_pages/workshop.py", title="Run a workshop", icon=":material/co_present:", url_path="workshop"),
]
pages["Training"] = [
    st.Page("app_pages/trainer.py", title="Trainer mode", icon=":material/school:", url_path="trainer")
]
pages["Scrutiny"] = [
    st.Page("app_pages/benchmark.py", title="Benchmark", icon=":material/leaderboard:", url_path="benchmark"),
    st.Page("app_pages/scrutiny.py", title="Scrutiny", icon=":material/fact_check:", url_path="scrutiny"),
    st.Page("app_pages/evaluation.py", title="Evaluation", icon=":material/science:", url_path="evaluation"),
]
pages["Account"] = [
    st.Page("app_pages/account.py", title="Account", icon=":material/person:"),
    st.Page("app_pages/audit.py", title="Audit log", icon=":material/history:", url_path="audit"),
]
route(pages).run()
