"""Callbacks of the Theory of Change page's editor: a form's values to one edit of the partnership's own version.

Every choice is checked against what the form offered (boxes, links, tiers, stages and assumptions of the version in
use); the edit itself, its checks and the save (with its authorisation by membership role, and its audit lines) are
in toolkit.analysis.toc_doc and toolkit.store.toc_versions.
"""

from __future__ import annotations

import streamlit as st

from toolkit.analysis import toc_doc as td
from toolkit.analysis.toc_diff import TocChange
from toolkit.analysis.toc_doc import TocDoc, TocEditError
from toolkit.core import ids
from toolkit.store.areas import find_area
from toolkit.store.toc_versions import EDIT, TocVersionInfo, compare, save_version, versions, working_doc
from ui.resources import catalogue, db
from ui.scope import actor
from ui.widgets import offered, picked, refusing

MESSAGE = "toc_edit_msg"  # (kind, text) shown above the editor on the next run


def link_key(from_: str, to: str) -> str:
    return f"{from_}->{to}"


def _maybe(value: object, options: list[str]) -> str | None:
    """An optional choice ("keep as it is" when None), refused unless offered."""
    return None if value in (None, "") else offered(value, options)


def _many(values: object, options: list[str]) -> list[str]:
    return [offered(v, options) for v in (values or [])]  # type: ignore[union-attr]


def apply_edit(op: str, doc: TocDoc, ss) -> tuple[TocDoc, str]:
    """The document after the form `op`'s edit, and what was done in words (TocEditError: why not)."""
    live = [b.id for b in doc.live]
    retired = [b.id for b in doc.boxes if b.retired]
    links = [link_key(ln.from_, ln.to) for ln in doc.links]
    assumptions = [a.id for a in doc.assumptions]
    tiers, stages = list(ids.TOC_TIERS), list(ids.STAGES)

    def box(key: str, options: list[str] = live) -> str:
        chosen = _maybe(ss.get(key), options)
        if chosen is None:
            raise TocEditError("Choose a box first.")
        return chosen

    def link(key: str) -> tuple[str, str]:
        chosen = _maybe(ss.get(key), links)
        if chosen is None:
            raise TocEditError("Choose a link first.")
        a, b = chosen.split("->", 1)
        return a, b

    if op == "add_box":
        tier = _maybe(ss.get("toc_add_tier"), tiers)
        if tier is None:
            raise TocEditError("Choose the tier the new box sits in.")
        new, bid = td.add_box(doc, ss.get("toc_add_label") or "", tier, _maybe(ss.get("toc_add_stage"), stages))
        return new, f"added the box '{new.box(bid).label}'"
    if op == "edit_box":
        bid = box("toc_ed_box")
        label = (ss.get("toc_ed_label") or "").strip() or None
        tier, stage = _maybe(ss.get("toc_ed_tier"), tiers), _maybe(ss.get("toc_ed_stage"), stages)
        return td.edit_box(doc, bid, label=label, tier=tier, stage=stage), f"changed the box '{doc.box(bid).label}'"
    if op == "retire_box":
        bid = box("toc_rt_box")
        return td.retire_box(doc, bid), f"retired the box '{doc.box(bid).label}'"
    if op == "restore_box":
        bid = box("toc_rs_box", retired)
        return td.restore_box(doc, bid), f"restored the box '{doc.box(bid).label}'"
    if op == "add_link":
        a, b = box("toc_al_from"), box("toc_al_to")
        new = td.add_link(doc, a, b, ss.get("toc_al_why") or "", _many(ss.get("toc_al_as"), assumptions))
        return new, "added a link"
    if op == "edit_link":
        a, b = link("toc_el_link")
        why = (ss.get("toc_el_why") or "").strip() or None
        new = td.edit_link(doc, a, b, rationale=why, assumptions=_many(ss.get("toc_el_as"), assumptions))
        return new, "changed a link"
    if op == "reconnect_link":
        a, b = link("toc_rc_link")
        new_from, new_to = box("toc_rc_from"), box("toc_rc_to")
        return td.reconnect_link(doc, a, b, new_from=new_from, new_to=new_to), "reconnected a link"
    if op == "remove_link":
        a, b = link("toc_rl_link")
        return td.remove_link(doc, a, b), "removed a link"
    if op == "add_assumption":
        new, _ = td.add_assumption(doc, ss.get("toc_aa_text") or "", _many(ss.get("toc_aa_nodes"), live))
        return new, "added an assumption"
    if op == "remove_assumption":
        aid = _maybe(ss.get("toc_ra_id"), assumptions)
        if aid is None:
            raise TocEditError("Choose an assumption first.")
        return td.remove_assumption(doc, aid), "removed an assumption"
    raise TocEditError("That edit was not offered on this page.")


@refusing
def edit_toc(op: str) -> None:
    """Apply one form's edit to the partnership's Theory of Change in use and save it as the next version."""
    ss = st.session_state
    area, cycle = picked(EDIT)
    cat = catalogue()
    with db() as s:
        doc = working_doc(find_area(area, session=s).id, session=s, cat=cat)
        try:
            new, done = apply_edit(op, doc, ss)
            info = save_version(
                area, new, actor=actor(), session=s, cat=cat, cycle=cycle, note=ss.get("toc_note") or ""
            )
        except TocEditError as exc:
            ss[MESSAGE] = ("error", str(exc))
            return
    ss["toc_note"] = ""  # a note belongs to the one version it was written for
    ss["toc_version"] = info.number  # the comparison shows the version just saved
    ss[MESSAGE] = ("success", f"Saved as version {info.number}: {done} ({info.changes} change(s)).")


def working(area: str) -> TocDoc:
    """The partnership's Theory of Change in use (Kantar's until it saves its own)."""
    with db() as s:
        return working_doc(find_area(area, session=s).id, session=s, cat=catalogue())


def version_list(area: str) -> list[TocVersionInfo]:
    with db() as s:
        return versions(find_area(area, session=s).id, session=s, cat=catalogue())


def changes_between(area: str, old: int, new: int) -> list[TocChange]:
    """The differences from version `old` to `new` (0: Kantar's)."""
    with db() as s:
        return compare(find_area(area, session=s).id, old, new, session=s, cat=catalogue())
