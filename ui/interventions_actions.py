"""Interventions page callbacks: the shortlist, APEASE scores and decisions."""

from __future__ import annotations

import streamlit as st

from toolkit.core import ids
from toolkit.store.areas import resolve_cycle
from toolkit.store.plans import (
    record_apease,
    record_decision,
    shortlist_add,
    shortlist_remove,
)
from ui.auth import identity
from ui.resources import catalogue, db
from ui.widgets import DONT_KNOW, offered, offered_score, picked, refusing

DK = DONT_KNOW  # the APEASE radios' option for don't know

DECISIONS = ["Selected", "Not selected"]  # the decision radio's options


def _title(iv_id: str) -> str:
    return next(iv.title for iv in catalogue().interventions if iv.id == iv_id)


def _who() -> str:
    who = identity()
    return who.username if who else ""


@refusing
def add(iv_id: str) -> None:
    with db() as s:
        ref = resolve_cycle(*picked("appraise"), session=s)
        shortlist_add(ref, iv_id, session=s, by=_who(), cat=catalogue())


@refusing
def remove(iv_id: str) -> None:
    with db() as s:
        ref = resolve_cycle(*picked("appraise"), session=s)
        shortlist_remove(ref, iv_id, session=s, by=_who())


@refusing
def score(iv_id: str) -> None:
    ss = st.session_state
    rater = (ss.get(f"iv_rater_{iv_id}") or "").strip()
    if not rater:
        ss["iv_msg"] = ("error", "Say who is scoring (a name or a pseudonym) before saving.")
        return
    scale = catalogue().scale("apease")
    scores = {c: offered_score(v, scale) for c in ids.APEASE if (v := ss.get(f"iv_ap_{iv_id}_{c}")) is not None}
    with db() as s:
        ref = resolve_cycle(*picked("appraise"), session=s)
        for c, score in scores.items():
            record_apease(ref, iv_id, c, rater, score, ss.get(f"iv_apn_{iv_id}", ""), session=s, cat=catalogue())
    ss["iv_msg"] = ("success", f"Scores saved for {_title(iv_id)}.")


@refusing
def decide(iv_id: str) -> None:
    ss = st.session_state
    who = identity()
    with db() as s:
        record_decision(
            resolve_cycle(*picked("appraise"), session=s),
            iv_id,
            offered(ss.get(f"iv_sel_{iv_id}"), DECISIONS) == "Selected",
            ss.get(f"iv_why_{iv_id}", ""),
            session=s,
            by=who.username if who else "",
            cat=catalogue(),
        )
    ss["iv_msg"] = ("success", f"Decision recorded for {_title(iv_id)}.")
