"""The room's APEASE appraisal: participants score the cycle's shortlist, the room's view with small groups hidden.

The shortlist and the scores live with the cycle (store.plans): each participant is a rater under their pseudonym,
so the room's appraisal is the area's appraisal for the cycle.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.access.accounts import Identity
from toolkit.access.scope import OPERATOR
from toolkit.capture.assessment import AnswerError
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue
from toolkit.interventions.apease import aggregate
from toolkit.store.areas import CycleRef
from toolkit.store.models import WorkshopParticipant
from toolkit.store.plans import apease_scores, record_apease, shortlist, shortlist_add, shortlist_remove
from toolkit.workshops.codes import format_code, normalise_code
from toolkit.workshops.participants import WorkshopClosed, active_participant
from toolkit.workshops.rooms import JoinError, WorkshopInfo, check_runs, find_workshop, info_of, load_row

APEASE_CRITERIA = ids.APEASE


def open_appraisal(code: str, is_open: bool, *, session: Session, actor: Identity | None = OPERATOR) -> WorkshopInfo:
    """Open (or stop) the APEASE appraisal of the cycle's shortlist on participants' devices (the actor's own)."""
    found = load_row(normalise_code(code), session)
    if found is None:
        raise JoinError(f"No workshop has the code {format_code(code)}.")
    w, area, cycle = found
    check_runs(actor, w)
    if w.status == "closed" and is_open:
        raise ValueError("this workshop has closed")
    if is_open and not shortlist(CycleRef(w.area_id, w.cycle_id, area, cycle), session=session):
        raise ValueError("shortlist at least one intervention first")
    w.appraisal_open = is_open
    session.flush()
    return info_of(w, area, cycle)


def submit_appraisal(
    code: str,
    pseudonym: str,
    intervention: str,
    criterion: str,
    score: int | None,
    *,
    session: Session,
    cat: Catalogue,
) -> None:
    """Save one participant's APEASE score of a shortlisted intervention (refused unless the appraisal is open)."""
    p = active_participant(code, pseudonym, session)
    found = load_row(normalise_code(code), session, lock=True)
    if found is None:  # the participant's row exists, so only a deleted workshop gets here
        raise AnswerError("you are not in this workshop: join it again with the code")
    w, area, cycle = found
    if w.status == "closed":
        raise WorkshopClosed("this workshop has closed, so its appraisal is final")
    if not w.appraisal_open:
        raise AnswerError("the appraisal is not open: wait for the facilitator to open it")
    try:
        ref = CycleRef(w.area_id, w.cycle_id, area, cycle)
        record_apease(ref, intervention, criterion, p.pseudonym, score, session=session, cat=cat)
    except ValueError as exc:
        raise AnswerError(str(exc)) from None


def own_appraisals(w: WorkshopInfo, pseudonym: str, *, session: Session) -> dict[tuple[str, str], int | None]:
    """One participant's APEASE scores: {(intervention, criterion): score}."""
    rows = apease_scores(w.ref, session=session)
    return {(r["intervention"], r["criterion"]): r["score"] for r in rows if r["rater"] == pseudonym}


def room_appraisal(w: WorkshopInfo, *, session: Session, min_n: int) -> dict[str, dict]:
    """The room's APEASE appraisal of the shortlist (apease.aggregate), criteria scored by fewer than min_n hidden."""
    raters = set(session.scalars(select(WorkshopParticipant.pseudonym).where(WorkshopParticipant.workshop_id == w.id)))
    rows = [r for r in apease_scores(w.ref, session=session) if r["rater"] in raters]
    agg = aggregate(rows)
    out = {}
    for iv in shortlist(w.ref, session=session):
        a = agg.get(iv, {"criteria": {c: {"mean": None, "n": 0} for c in APEASE_CRITERIA}, "raters": 0})
        crit = {}
        for c in APEASE_CRITERIA:
            s = a["criteria"].get(c, {"mean": None, "n": 0})
            if 0 < (s.get("n") or 0) < min_n:
                s = {
                    "mean": None,
                    "sd": None,
                    "min": None,
                    "max": None,
                    "n": None,
                    "dont_know": None,
                    "concern": False,
                    "why": f"fewer than {min_n} scores",
                    "suppressed": True,
                }
            crit[c] = s
        means = [s["mean"] for s in crit.values() if s.get("mean") is not None]
        out[iv] = {
            "criteria": crit,
            "overall": round(sum(means) / len(means), 2) if means else None,
            "raters": a["raters"],
            "concerns": [c for c in APEASE_CRITERIA if crit[c].get("concern")],
        }
    return out


def appraisal_table(room: dict[str, dict], cat: Catalogue, min_n: int) -> pd.DataFrame:
    """The room's appraisal for reading: one row per intervention, a column per criterion ('3.4 (n=6)', flagged)."""
    names = {iv.id: iv.title for iv in cat.interventions}
    crit_names = {c.id: c.name for c in cat.get("apease").criteria}

    def cell(s: dict) -> str:
        if s.get("suppressed"):
            return f"fewer than {min_n}"
        if s.get("mean") is None:
            return "no scores yet" if not s.get("dont_know") else "don't know only"
        return f"{s['mean']:.1f} (n={s['n']})" + (" - concern" if s.get("concern") else "")

    rows = []
    for iv, a in room.items():
        row: dict[str, object] = {"Intervention": names.get(iv, iv)}
        row |= {crit_names.get(c, c): cell(a["criteria"][c]) for c in APEASE_CRITERIA}
        row["Overall"] = "-" if a["overall"] is None else f"{a['overall']:.1f}"
        # One type per column (text): a number beside 'fewer than 3' made Arrow refuse the column on every refresh.
        row["Raters"] = str(a["raters"]) if a["raters"] >= min_n or a["raters"] == 0 else f"fewer than {min_n}"
        rows.append(row)
    return pd.DataFrame(rows)


def save_shortlist(
    identity: Identity | None, code: str, chosen: list[str], *, session: Session, cat: Catalogue
) -> list[str]:
    """Make the workshop cycle's shortlist the chosen interventions, for the facilitator who runs the workshop (or an
    administrator); those no longer chosen leave it (their scores stay), new ones join at the end. Each change audited."""
    w = find_workshop(code, session=session)
    check_runs(identity, w)
    assert identity is not None  # check_runs refused otherwise
    for iv in shortlist(w.ref, session=session):
        if iv not in chosen:
            shortlist_remove(w.ref, iv, session=session, by=identity.username)
    for iv in chosen:
        shortlist_add(w.ref, iv, session=session, by=identity.username, cat=cat)
    return shortlist(w.ref, session=session)
