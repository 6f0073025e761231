"""Cached computations keyed by a data-version token, so a rerun recomputes only when the data changed."""

from __future__ import annotations

import streamlit as st

from toolkit.analysis import Config, analyse
from toolkit.settings import get_settings
from toolkit.store import cycle_version
from ui.resources import catalogue, db


@st.cache_data(max_entries=64, show_spinner="Analysing...")
def _analysis(url: str, area: str, cycle: str, version: str, min_n: int, threshold: float) -> dict:
    with db() as s:
        return analyse(
            area, cycle, session=s, cat=catalogue(), cfg=Config(min_group_size=min_n, priority_threshold=threshold)
        )


def analysis(area: str, cycle: str) -> dict:
    """The analysis of one area and cycle, recomputed only when its ratings or settings change."""
    s = get_settings()
    with db() as session:
        version = cycle_version(area, cycle, session=session)
    return _analysis(s.database_url, area, cycle, version, s.min_group_size, s.priority_threshold)
