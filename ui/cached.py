"""Cached computations keyed by a data-version token, so a rerun recomputes only when the data changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import altair as alt
import streamlit as st

from toolkit.analysis.area import analyse
from toolkit.analysis.config import Config
from toolkit.analysis.history import AreaHistory, area_history
from toolkit.analysis.results import AreaAnalysis
from toolkit.core.settings import get_settings
from toolkit.interventions.plan import review_plan
from toolkit.interventions.suggest import suggest
from toolkit.interventions.suggestion import Suggestion
from toolkit.store.areas import CycleRef, cycle_version, find_area, ordered_cycles, resolve_cycle
from toolkit.store.db import engine_for, session_scope
from toolkit.training.sandbox import sandbox_url
from ui.resources import catalogue, db, guarded


class CachedAnalysis(AreaAnalysis):
    """An analysis with the token of the data and settings it was computed from (it keys the chart caches)."""

    version: str


@st.cache_data(max_entries=64, show_spinner="Analysing...")
def _analysis(url: str, area: str, cycle: str, version: str, min_n: int, threshold: float) -> CachedAnalysis:
    cfg = Config(min_group_size=min_n, priority_threshold=threshold)
    with guarded(), session_scope(engine_for(url)) as s:  # the live database or the sandbox, as keyed
        result = analyse(area, cycle, session=s, cat=catalogue(), cfg=cfg)
    return CachedAnalysis(**dict(result), version=f"{url}|{version}|{min_n}|{threshold}")


@st.cache_data(max_entries=32, show_spinner="Gathering every cycle...")
def _history(url: str, area: str, versions: tuple[str, ...], min_n: int, threshold: float) -> AreaHistory:
    cfg = Config(min_group_size=min_n, priority_threshold=threshold)
    with guarded(), session_scope(engine_for(url)) as s:
        return area_history(area, session=s, cat=catalogue(), cfg=cfg)


def history(area: str) -> AreaHistory:
    """The area's figures across all its cycles, earliest first (live database), recomputed only on change."""
    s = get_settings()
    with guarded(), session_scope(engine_for(s.database_url)) as session:
        a = find_area(area, session=session)
        versions = tuple(
            f"{c.name}:{c.id}:{c.starts_on}:{cycle_version(CycleRef(a.id, c.id, a.name, c.name), session=session)}"
            for c in ordered_cycles(a.id, session=session)
        )
    return _history(s.database_url, area, versions, s.min_group_size, s.priority_threshold)


def analysis(area: str, cycle: str, *, sandbox: bool = False) -> CachedAnalysis:
    """The analysis of one area and cycle (in the live database, or the sandbox), recomputed only on change."""
    s = get_settings()
    url = sandbox_url() if sandbox else s.database_url
    with guarded(), session_scope(engine_for(url)) as session:
        version = cycle_version(resolve_cycle(area, cycle, session=session), session=session)
    return _analysis(url, area, cycle, version, s.min_group_size, s.priority_threshold)


@st.cache_data(max_entries=256, show_spinner=False)
def _spec(name: str, version: str, _build: Callable[[], alt.Chart]) -> dict[str, Any]:
    return _build().to_dict()


def chart(name: str, a: CachedAnalysis, build: Callable[[], alt.Chart], **kwargs: Any) -> None:
    """Render a toolkit chart, reusing its Vega-Lite spec until the analysis it draws on changes.

    Serialising an Altair chart costs tens of milliseconds; a rerun with unchanged data should not pay it again.
    """
    st.vega_lite_chart(_spec(name, a.version, build), width="stretch", **kwargs)


@st.cache_data(max_entries=128, show_spinner=False)
def _suggestions(version: str, filters: tuple[tuple[str, str | None], ...], _a: CachedAnalysis) -> list[Suggestion]:
    f = dict(filters)
    return suggest(
        _a,
        catalogue(),
        top=10,
        agency=f.get("agency"),
        level=f.get("level"),
        max_effort=f.get("max_effort"),
        max_cost=f.get("max_cost"),
    )


def suggestions(a: CachedAnalysis, **filters: str | None) -> list[Suggestion]:
    """Ranked interventions for an analysis and filters, recomputed only when either changes."""
    return _suggestions(a.version, tuple(sorted(filters.items())), a)


@st.cache_data(max_entries=64, show_spinner=False)
def _review(url: str, area: str, cycle: str, version: str, goals: tuple[Any, ...]) -> list[dict[str, Any]]:
    with db() as s:
        return review_plan(area, cycle, session=s, cat=catalogue())


def plan_review(area: str, cycle: str, goal_ids: tuple[Any, ...]) -> list[dict[str, Any]]:
    """Whether last cycle's goals moved, recomputed only when this cycle's ratings or the goals change."""
    with db() as session:
        version = cycle_version(resolve_cycle(area, cycle, session=session), session=session)
    return _review(get_settings().database_url, area, cycle, version, goal_ids)
