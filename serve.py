"""Serve the toolkit: `streamlit run serve.py` (app.py's pages, plus the route that keeps a sign-in across reloads)."""

from contextlib import asynccontextmanager

import streamlit as st

from ui.session_route import ROUTES, announce_setup_code


@asynccontextmanager
async def _start(_app: st.App):
    announce_setup_code()  # on the console at start, while the installation has no account
    yield


app = st.App("app.py", routes=ROUTES, lifespan=_start)
