"""Reusable widgets and the callbacks behind them."""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import ParamSpec, TypeVar, cast

import streamlit as st

from toolkit.access.scope import AccessDenied, areas_visible
from toolkit.core.forms import FORM_NAMES, FORMS
from toolkit.core.text import md_text
from toolkit.store.areas import AreaSummary, list_areas
from ui.context import is_demo
from ui.resources import db
from ui.scope import actor
from ui.state import selected

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
                "No partnerships yet. Create one on the Start page, or explore the demo partnerships in Trainer mode."
                if none_at_all
                else "Your account cannot use this page for that partnership: choose another in the sidebar, or ask "
                "an administrator."
            )
        return None, None
    st.caption(
        f":material/groups: Working on **{md_text(area)}**, cycle **{md_text(cycle or 'none yet')}**: change it in the "
        "sidebar."
    )
    if is_demo(area):
        st.caption(
            ":material/info: Demo data: this partnership, its people and its ratings are synthetic and fictional."
        )
    return area, cycle


@dataclass(frozen=True)
class Confirm:
    """A confirmation asked before a destructive action, in an st.dialog (see confirmation)."""

    state: str  # the session-state key holding the value the dialog was opened for (None: closed)
    lines: Callable[[str], list[str]]  # what the action takes, in sentences; ValueError: nothing to take any more
    key: str  # the prefix of its buttons' keys (_yes, _no, _close)
    yes: str  # the action's button label
    on_yes: Callable[[], None]
    on_keep: Callable[[], None]
    nothing: str  # said, with the reason, when there is nothing to take any more


def confirmation(ask: Confirm, value: str) -> None:
    """The body of an st.dialog that asks before a destructive action: what it takes, line by line, then the action
    and Keep it. Once answered, the dialog's own rerun closes it."""
    if st.session_state.get(ask.state) != value:
        st.rerun()
    try:
        said = ask.lines(value)
    except ValueError as exc:  # gone meanwhile
        st.error(f"{ask.nothing}: {md_text(str(exc))}.")
        st.button("Close", key=f"{ask.key}_close", on_click=ask.on_keep)
        return
    for line in said:  # names typed by people: escaped, so they show as typed
        st.markdown(f"- {md_text(line)}")
    c1, c2 = st.columns(2)
    c1.button(ask.yes, key=f"{ask.key}_yes", type="primary", on_click=ask.on_yes)
    c2.button("Keep it", key=f"{ask.key}_no", on_click=ask.on_keep)


def form_choice(label: str, key: str, help: str) -> None:
    """The choice of the short or the full form (toolkit.core.forms), for a workshop or a self-assessment."""
    st.radio(label, FORMS, key=key, format_func=lambda k: str(FORM_NAMES.get(k, k)), help=help)


DONT_KNOW = "dk"


def scale_options(scale) -> tuple[list, dict]:
    """The radio options of a rating scale (each point, then don't know) and their labels."""
    options = [p.value for p in scale.points] + [DONT_KNOW]
    return options, {p.value: f"{p.value} {md_text(p.label)}" for p in scale.points} | {
        DONT_KNOW: md_text(scale.dont_know_label)
    }


def offered_score(value: object, scale) -> int | None:
    """A rating radio's value as a score (None: don't know); NotOffered unless the radio offered it."""
    choice = offered(value, scale_options(scale)[0])
    return None if choice == DONT_KNOW else int(choice)


def rate_statement(
    item, framework: str, scale, prefix: str, answers: dict, on_save, horizontal: bool = True, comment: bool = True
) -> None:
    """One statement to rate: its scale as a radio (with don't know), an optional comment, both saved on change.

    With comment=False the caller places the comment box itself (comment_box), e.g. below a phone's Next button.

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
            md_text(item.text),
            options,
            key=key,
            format_func=labels.get,
            index=None,
            horizontal=horizontal,
            on_change=on_save,
            args=(framework, item.id),
        )
        if comment:
            comment_box(item, framework, prefix, on_save)


def comment_box(item, framework: str, prefix: str, on_save) -> None:
    """The optional comment of a statement, saved on change with its rating (the keys rate_statement restores)."""
    st.text_input(
        "Comment or example (optional)",
        key=f"{prefix}_c_{framework}_{item.id}",
        on_change=on_save,
        args=(framework, item.id),
        max_chars=4000,
        placeholder="Evidence or an example, if you have one",
    )
