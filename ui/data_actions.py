"""Data page callbacks: import a ratings file or bundle, with a clear report of what was wrong."""

from __future__ import annotations

import streamlit as st

from toolkit.access.scope import AccessDenied, authorise_named
from toolkit.capture.ratings_export import export_bytes, export_frame
from toolkit.capture.ratings_import import RatingsFileError, import_ratings
from toolkit.reports.bundle_out import bundle_bytes
from ui.auth import may
from ui.resources import catalogue, db
from ui.scope import actor


def import_upload() -> None:
    up = st.session_state.get("data_upload")
    if up is None or not may("import_ratings"):
        return
    who = actor()
    try:
        with db() as s:
            by = who.username if who else ""
            result = import_ratings(up, up.name, session=s, catalogue=catalogue(), by=by)  # (a BytesIO: no copy)
            for area, _cycle in result.area_cycles:  # a refusal here rolls the whole import back
                authorise_named(who, "import_ratings", area, session=s)
        st.session_state["data_result"] = ("ok", result.summary())
    except RatingsFileError as exc:
        st.session_state["data_result"] = ("error", exc)
    except AccessDenied as exc:
        st.session_state["data_result"] = ("denied", f"{up.name}: nothing was imported. {exc}")


def export_ratings(area: str, cycle: str | None, fmt: str) -> bytes:
    """The raw ratings file of an area (one cycle, or every cycle), built at the click, checked at the click."""
    with db() as s:
        authorise_named(actor(), "export_raw", area, session=s)
        return export_bytes(export_frame(area, cycle, session=s), fmt)


def export_bundle(area: str) -> bytes:
    """The whole-area bundle, checked at the click."""
    with db() as s:
        authorise_named(actor(), "export_raw", area, session=s)
        return bundle_bytes(area, session=s)
