"""The working context: the area and cycle the user works on, in one place.

They live in session state (`sel_area`, `sel_cycle`: plain values, not widget keys, so no page switch clears
them) and in the URL (`?area=...&cycle=...`), so a bookmarked link opens the same view. They are shown and changed
in the sidebar of every page (and in the chooser on Start), and change only when the user changes them. Values from
a URL must name an area and cycle that exist: anything else is refused, and nothing is ever created from a URL.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from toolkit.access.scope import areas_visible
from toolkit.core.text import md_text
from toolkit.store.areas import AreaSummary, list_areas
from ui.resources import db
from ui.scope import actor

AREA, CYCLE = "sel_area", "sel_cycle"
SEEN = "ctx_url_seen"  # the (area, cycle) last read from or written to the URL
REFUSED = "ctx_refused"  # a plain message about a URL value that was refused
# Pages without a partnership's working context: a participant joining a workshop on their phone.
NO_CONTEXT = {"join"}
# Pages whose own links carry ?area= and ?cycle= (a respondent's self-assessment link): the context reads them but
# never rewrites them, so a link's meaning is never changed under it.
READ_ONLY_URL = {"assess"}


def _areas() -> list[AreaSummary]:
    """The areas this account may work on (every area on an installation without accounts; none signed out)."""
    who = actor()
    with db() as s:
        names = areas_visible(who, None, s)
        return [a for a in list_areas(session=s) if a.area in names]


def is_demo(area: str | None) -> bool:
    """Whether the area is a demo (fictional) partnership."""
    return any(a.fictional for a in _areas() if a.area == area)


def _cycles(areas: list[AreaSummary], area: str | None) -> list[str]:
    return [c.cycle for a in areas if a.area == area for c in a.cycles]


def _settle(areas: list[AreaSummary]) -> None:
    """Keep the context valid: an area and a cycle that exist (the first area and its latest cycle if none is)."""
    ss = st.session_state
    names = [a.area for a in areas]
    if ss.get(AREA) not in names:
        ss[AREA] = names[0] if names else None
    cycles = _cycles(areas, ss[AREA])
    if ss.get(CYCLE) not in cycles:
        ss[CYCLE] = cycles[-1] if cycles else None


def sync(areas: list[AreaSummary], *, write: bool = True) -> None:
    """Read a new URL (a bookmark, a shared link) into the context, else write the context into the URL."""
    ss, qp = st.session_state, st.query_params
    url = (qp.get("area"), qp.get("cycle"))
    if url != ss.get(SEEN) and url[0] is not None:  # the URL changed from outside: it says where to go
        ss[SEEN] = url
        cycles = _cycles(areas, url[0])
        if url[0] not in [a.area for a in areas] or (url[1] is not None and url[1] not in cycles):
            ss[REFUSED] = (
                "The link names a partnership or cycle that is not in this toolkit, so it was not opened "
                "(nothing was created). Choose one below."
            )
            _settle(areas)
            return  # the URL is left as it came: a page that reads it refuses it too
        ss[AREA], ss[CYCLE] = url[0], url[1] if url[1] is not None else (cycles[-1] if cycles else None)
    _settle(areas)
    if not write:
        return
    for k, v in {"area": ss[AREA], "cycle": ss[CYCLE]}.items():
        if v is None:
            qp.pop(k, None)
        elif qp.get(k) != v:
            qp[k] = v
    ss[SEEN] = (ss[AREA], ss[CYCLE])


def choose(area_key: str, cycle_key: str) -> None:
    """A chooser's callback: take the area and cycle picked, if they are among those offered."""
    ss = st.session_state
    areas = _areas()
    area, cycle = ss.get(area_key), ss.get(cycle_key)
    if area not in [a.area for a in areas]:  # a crafted value the chooser did not offer
        ss[REFUSED] = "That partnership is not one of those offered, so the choice was not changed."
        return
    cycles = _cycles(areas, area)
    if area != ss.get(AREA):  # a new area: the same cycle name if it has one, else its latest
        cycle = ss.get(CYCLE) if ss.get(CYCLE) in cycles else (cycles[-1] if cycles else None)
    elif cycle not in cycles:
        ss[REFUSED] = "That cycle is not one of those offered, so the choice was not changed."
        return
    ss[AREA], ss[CYCLE] = area, cycle


def chooser(areas: list[AreaSummary], prefix: str, where: tuple[Any, Any], labels: tuple[str, str]) -> None:
    """Two selectboxes bound to the context (own widget keys, set from the context before they draw)."""
    ss = st.session_state
    ak, ck = f"{prefix}_area", f"{prefix}_cycle"
    ss[ak], ss[ck] = ss.get(AREA), ss.get(CYCLE)
    where[0].selectbox(labels[0], [a.area for a in areas], key=ak, on_change=choose, args=(ak, ck))
    if cycles := _cycles(areas, ss.get(AREA)):
        where[1].selectbox(labels[1], cycles, key=ck, on_change=choose, args=(ak, ck))


def start_chooser() -> tuple[str | None, str | None]:
    """The chooser on the Start page: the same context as the sidebar's."""
    areas = _areas()
    if areas:
        chooser(areas, "start_pick", tuple(st.columns(2)), ("Partnership (area)", "Assessment cycle"))  # type: ignore[arg-type]
    return st.session_state.get(AREA), st.session_state.get(CYCLE)


def sidebar(page: Any) -> Any:
    """Settle the working context for this run and show it in the sidebar; returns the page to run."""
    if getattr(page, "url_path", "") in NO_CONTEXT:
        return page
    areas = _areas()
    sync(areas, write=getattr(page, "url_path", "") not in READ_ONLY_URL)
    with st.sidebar.container(border=True, key="ctx_box"):
        st.markdown("**Working on**")
        if msg := st.session_state.pop(REFUSED, None):
            st.warning(msg)
        if not areas:
            st.caption("No partnerships yet: create one on the Start page.")
            return page
        area, cycle = st.session_state[AREA], st.session_state[CYCLE]
        st.markdown(f"{md_text(area)}, cycle {md_text(cycle or 'none yet')}")
        chooser(areas, "ctx", (st, st), ("Partnership", "Cycle"))
        if any(a.fictional for a in areas if a.area == area):
            st.caption(":material/info: Demo data: synthetic and fictional.")
    return page
