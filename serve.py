"""Serve the toolkit: `streamlit run serve.py` (app.py's pages, the route that keeps a sign-in across reloads, and
single sign-on when the settings name an OpenID Connect provider)."""

from contextlib import asynccontextmanager

import streamlit as st

from toolkit.access.oidc import streamlit_secrets
from toolkit.core.settings import get_settings
from ui.session_route import ROUTES, announce_setup_code


@asynccontextmanager
async def _start(_app: st.App):
    announce_setup_code()  # on the console at start, while the installation has no account
    yield


# st.login reads its [auth] section from st.secrets: built from the TOOLKIT_OIDC_ settings in memory, never a file.
app = st.App("app.py", routes=ROUTES, lifespan=_start, secrets=streamlit_secrets(get_settings()))
