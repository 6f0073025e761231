"""Reusable widgets and the callbacks behind them."""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection
from typing import ParamSpec, TypeVar, cast

import streamlit as st

from toolkit.access.scope import AccessDenied, areas_visible
from toolkit.store.areas import AreaSummary, list_areas
from ui.context import is_demo
from ui.resources import db
from ui.scope import actor
from ui.state import selected
from ui.workshops import plain

T = TypeVar("T")
P = ParamSpec("P")


class NotOffered(ValueError):
    """A value the page did not offer (a crafted client can send any text for a selectbox or radio)."""


def offered(value: object, options: Collection[T]) -> T:
    """The value if it is among the options the page offered; otherwise NotOffered, and nothing is done with it."""
    if value not in options:
        raise NotOffered("That choice was not offered on this page, so nothing was done.")
    return cast(T, value)


def keep_offered(key: str, options: list[T], default: T) -> list[T]:
    """The options, after putting the default back in a widget's state that holds a value they do not include."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = default
    return options


def areas_offered(action: str | None = None) -> list[AreaSummary]:
    """The areas (with their cycles) the signed-in account may pick for an action (None: any membership)."""
    who = actor()
    with db() as s:
        names = areas_visible(who, action, s)
        return [a for a in list_areas(session=s) if a.area in names]


def picked_area(action: str | None = None) -> str:
    """The chosen area, for a callback: refused (NotOffered) unless the picker could have offered it to this account."""
    return offered(st.session_state.get("sel_area"), [a.area for a in areas_offered(action)])


def picked(action: str | None = None) -> tuple[str, str]:
    """The chosen area and cycle, for a callback: refused (NotOffered) unless the picker could have offered them."""
    areas = {a.area: [c.cycle for c in a.cycles] for a in areas_offered(action)}
    area = offered(st.session_state.get("sel_area"), areas)
    return area, offered(st.session_state.get("sel_cycle"), areas[area])


def refusing(callback: Callable[P, None]) -> Callable[P, None]:
    """A callback that shows why it did nothing, instead of acting on a choice the page did not offer or may not make."""

    @functools.wraps(callback)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            callback(*args, **kwargs)
        except (NotOffered, AccessDenied) as exc:
            st.error(str(exc))  # shown at the top of the page's next run

    return run


def area_cycle_picker(key: str = "sel", action: str | None = None) -> tuple[str | None, str | None]:
    """The area and cycle this page works on: the one working context, chosen in the sidebar (ui/context.py).

    Only an area the signed-in account may use for `action` is worked on (every area on an installation without
    accounts); otherwise the page says why and gets (None, None).
    """
    area, cycle = selected()
    if area is None or area not in {a.area for a in areas_offered(action)}:
        if actor() is None:
            st.info("Sign in on the Account page to choose your partnership.")
        else:
            with db() as s:
                none_at_all = not list_areas(session=s)
            st.info(
                "No partnerships yet. Create one or load the demo partnerships on the Start page."
                if none_at_all
                else "Your account cannot use this page for that partnership: choose another in the sidebar, or ask "
                "an administrator."
            )
        return None, None
    st.caption(
        f":material/groups: Working on **{plain(area)}**, cycle **{plain(cycle or 'none yet')}**: change it in the "
        "sidebar."
    )
    if is_demo(area):
        st.caption(
            ":material/info: Demo data: this partnership, its people and its ratings are synthetic and fictional."
        )
    return area, cycle


DONT_KNOW = "dk"


def scale_options(scale) -> tuple[list, dict]:
    """The radio options of a rating scale (each point, then don't know) and their labels."""
    options = [p.value for p in scale.points] + [DONT_KNOW]
    return options, {p.value: f"{p.value} {p.label}" for p in scale.points} | {DONT_KNOW: scale.dont_know_label}


def rate_statement(item, framework: str, scale, prefix: str, answers: dict, on_save, horizontal: bool = True) -> None:
    """One statement to rate: its scale as a radio (with don't know), an optional comment, both saved on change.

    Widgets forget their values once off-screen (another step), so a saved answer is put back before they render.
    """
    key, ckey = f"{prefix}_{framework}_{item.id}", f"{prefix}_c_{framework}_{item.id}"
    saved = answers.get((framework, item.id))
    if key not in st.session_state and saved is not None:
        st.session_state[key] = DONT_KNOW if saved[0] is None else saved[0]
        st.session_state[ckey] = saved[1]
    options, labels = scale_options(scale)
    with st.container(border=True):
        st.radio(
            item.text,
            options,
            key=key,
            format_func=labels.get,
            index=None,
            horizontal=horizontal,
            on_change=on_save,
            args=(framework, item.id),
        )
        st.text_input(
            "Comment or example (optional)",
            key=ckey,
            on_change=on_save,
            args=(framework, item.id),
            max_chars=4000,
            placeholder="Evidence or an example, if you have one",
        )
