"""Workshop glue shared by the facilitator's and participants' pages: cached room results, QR codes, the engine."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from toolkit.analysis.config import Config
from toolkit.analysis.results import AreaAnalysis
from toolkit.core.settings import get_settings
from toolkit.interventions.suggest import suggest
from toolkit.interventions.suggestion import Suggestion
from toolkit.store.db import engine_for
from toolkit.workshops import WorkshopInfo, find_workshop, latest_snapshot, nothing_shown, qr_png
from ui.resources import catalogue, db

REFRESH_FACILITATOR = 3  # seconds between dashboard refreshes
REFRESH_PARTICIPANT = 8  # seconds between a phone's checks for reveal, appraisal or close


def engine() -> Engine:
    """The configured database's engine (created and migrated once per process)."""
    return engine_for(get_settings().database_url)


def config() -> Config:
    """The analysis thresholds from settings."""
    s = get_settings()
    return Config(min_group_size=s.min_group_size, priority_threshold=s.priority_threshold)


@st.cache_data(max_entries=64, show_spinner=False)
def _room(url: str, code: str, version: str, min_n: int, threshold: float) -> AreaAnalysis:
    with db() as s:
        w = find_workshop(code, session=s)
        snap = latest_snapshot(w.id, session=s)
    return (
        snap.results
        if snap
        else nothing_shown(w.area, w.cycle, Config(min_group_size=min_n, priority_threshold=threshold))
    )


def room(w: WorkshopInfo, version: str) -> AreaAnalysis:
    """The room's results as at the last reveal (a snapshot, never made afresh), read again only when the status
    version changes (it counts the reveals)."""
    c = config()
    return _room(get_settings().database_url, w.code, version, c.min_group_size, c.priority_threshold)


@st.cache_data(max_entries=64, show_spinner=False)
def _suggestions(url: str, code: str, version: str, min_n: int, threshold: float) -> list[Suggestion]:
    return suggest(_room(url, code, version, min_n, threshold), catalogue(), top=8)


def suggestions(w: WorkshopInfo, version: str) -> list[Suggestion]:
    """Interventions suggested by the room's results (best first)."""
    c = config()
    return _suggestions(get_settings().database_url, w.code, version, c.min_group_size, c.priority_threshold)


@st.cache_data(max_entries=32, show_spinner=False)
def qr(link: str) -> bytes:
    """The QR code of a join link as PNG bytes."""
    return qr_png(link)
