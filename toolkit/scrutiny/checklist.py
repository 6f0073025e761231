"""The yearly report: its checklist judged by the scrutineer, the partners' sign-off and the covering statement."""

# The Wood Report (2021) asks for the yearly report to be the three partners' signed statement of assurance with a
# scrutineer's covering statement (paragraphs 110-116).

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.access.accounts import Identity
from toolkit.access.scope import authorise, role_for
from toolkit.core import ids
from toolkit.core.browse import cite
from toolkit.core.frameworks import Catalogue
from toolkit.scrutiny.evidence import CHECKLIST
from toolkit.scrutiny.fields import ScrutinyError, note_text
from toolkit.store.areas import find_cycle
from toolkit.store.audit import record
from toolkit.store.models import ReportAssurance, ReportCheck, utcnow

CHECK_STATUSES = {
    "not_checked": "Not checked yet",
    "evidenced": "Evidenced",
    "partly": "Partly evidenced",
    "not_evidenced": "Not evidenced",
}
PARTNERS = ("local_authority", "police", "health")  # the three statutory safeguarding partners
SIGN = "sign_off_report"  # the toolkit.access action of signing for a partner


def set_check(
    area: str,
    cycle: str,
    criterion: str,
    status: str,
    note: str = "",
    *,
    actor: Identity | None,
    session: Session,
    cat: Catalogue,
) -> None:
    """Record the scrutineer's judgement of one checklist point (evidenced, partly, not evidenced), under the
    signed-in scrutineer's account."""
    if criterion not in {c.id for c in cat.get(CHECKLIST).criteria}:
        raise ScrutinyError(f"{criterion!r} is not a point of the yearly report checklist.")
    if status not in CHECK_STATUSES:
        raise ScrutinyError(f"status must be one of {', '.join(CHECK_STATUSES)}, not {status!r}.")
    c = find_cycle(area, cycle, session=session)
    authorise(actor, "log_evidence", c.area_id)
    assert actor is not None  # authorise refuses a visitor who is not signed in
    row = session.scalar(select(ReportCheck).where(ReportCheck.cycle_id == c.id, ReportCheck.criterion == criterion))
    before = None if row is None else {"status": row.status, "note": row.note}
    if row is None:
        row = ReportCheck(cycle_id=c.id, criterion=criterion)
        session.add(row)
    row.status, row.note = status, note_text(note, "The note", required=False)
    row.updated_by, row.updated_at = actor.username, utcnow()
    session.flush()
    record(
        "judgement",
        actor=row.updated_by,
        session=session,
        area_id=c.area_id,
        target=f"{cycle} {criterion}",
        before=before,
        after={"status": row.status, "note": row.note},
    )


def checks(area: str, cycle: str, *, session: Session) -> dict[str, dict]:
    """The scrutineer's checklist judgements: {criterion: {"status", "note"}}."""
    c = find_cycle(area, cycle, session=session)
    rows = session.scalars(select(ReportCheck).where(ReportCheck.cycle_id == c.id))
    return {r.criterion: {"status": r.status, "note": r.note} for r in rows}


def _assurance_row(area: str, cycle: str, session: Session) -> tuple[ReportAssurance, int]:
    c = find_cycle(area, cycle, session=session)
    row = session.scalar(select(ReportAssurance).where(ReportAssurance.cycle_id == c.id))
    if row is None:
        row = ReportAssurance(cycle_id=c.id, signoffs={}, statement="", statement_by="")
        session.add(row)
    return row, c.area_id


def sign_off(
    area: str,
    cycle: str,
    partner: str,
    on: date | None,
    *,
    actor: Identity | None,
    session: Session,
    today: date | None = None,
) -> None:
    """Record, under the signed-in account and its role, that a statutory partner approved the report on a date.

    A blank or future date is refused, and so is an account that already signed for another partner: each of the
    three partners signs for itself.
    """
    if partner not in PARTNERS:
        raise ScrutinyError(f"partner must be one of {', '.join(PARTNERS)}, not {partner!r}.")
    c = find_cycle(area, cycle, session=session)
    authorise(actor, SIGN, c.area_id)
    assert actor is not None  # authorise refuses a visitor who is not signed in
    if not isinstance(on, date):
        raise ScrutinyError("the date of the sign-off is missing.")
    if on > (today or date.today()):
        raise ScrutinyError(f"the sign-off date {on.isoformat()} is in the future.")
    row, area_id = _assurance_row(area, cycle, session)
    signs = dict(row.signoffs or {})
    other = [p for p, s in signs.items() if p != partner and s.get("by") == actor.username and s.get("at")]
    if other:
        raise ScrutinyError(
            f"your account already signed for {ids.AGENCY_NAMES[other[0]]}; each partner signs with its own account."
        )
    before = signs.get(partner)
    role = role_for(actor, SIGN, c.area_id)
    signs[partner] = {"by": actor.username, "role": role, "on": on.isoformat(), "at": utcnow().isoformat()}
    row.signoffs = signs
    session.flush()
    record(
        "sign_off",
        actor=actor.username,
        session=session,
        area_id=area_id,
        target=f"{cycle} {partner}",
        before=before,
        after=signs[partner],
    )


def withdraw_sign_off(area: str, cycle: str, partner: str, *, actor: Identity | None, session: Session) -> None:
    """Take a partner's sign-off back (an account that may sign off for the partnership); audited."""
    if partner not in PARTNERS:
        raise ScrutinyError(f"partner must be one of {', '.join(PARTNERS)}, not {partner!r}.")
    c = find_cycle(area, cycle, session=session)
    authorise(actor, SIGN, c.area_id)
    assert actor is not None
    row, area_id = _assurance_row(area, cycle, session)
    signs = dict(row.signoffs or {})
    if partner not in signs:
        raise ScrutinyError(f"{ids.AGENCY_NAMES[partner]} has not signed off.")
    before = signs.pop(partner)
    row.signoffs = signs
    session.flush()
    record(
        "sign_off_withdrawn",
        actor=actor.username,
        session=session,
        area_id=area_id,
        target=f"{cycle} {partner}",
        before=before,
        after=None,
    )


def set_statement(area: str, cycle: str, text: str, *, actor: Identity | None, session: Session) -> None:
    """Save the independent scrutineer's covering statement, under their account, with the time."""
    c = find_cycle(area, cycle, session=session)
    authorise(actor, "log_evidence", c.area_id)
    assert actor is not None
    row, area_id = _assurance_row(area, cycle, session)
    before = {"statement": row.statement} if row.statement else None
    row.statement = note_text(text, "The statement", required=False)
    row.statement_by, row.statement_at = actor.username, utcnow()
    session.flush()
    record(
        "statement",
        actor=row.statement_by,
        session=session,
        area_id=area_id,
        target=cycle,
        before=before,
        after={"statement": row.statement},
    )


def assurance(area: str, cycle: str, *, session: Session) -> dict:
    """Sign-offs and the scrutineer's statement: {"signoffs": {partner: {"by", "role", "on", "at"}}, "statement",
    "statement_by", "statement_at"}. A sign-off from before accounts signed has a typed name and no "at"."""
    c = find_cycle(area, cycle, session=session)
    row = session.scalar(select(ReportAssurance).where(ReportAssurance.cycle_id == c.id))
    if row is None:
        return {"signoffs": {}, "statement": "", "statement_by": "", "statement_at": None}
    return {
        "signoffs": dict(row.signoffs or {}),
        "statement": row.statement,
        "statement_by": row.statement_by,
        "statement_at": row.statement_at,
    }


def signed_in_words(s: dict) -> str:
    """A sign-off in words: 'bm (facilitator), dated 2026-05-01, recorded 2026-05-02T10:00'."""
    if not s.get("at"):
        return f"{s.get('by', '')} (a typed name from before sign-off by account; dated {s.get('on') or 'no date'})"
    return f"{s['by']} ({s.get('role') or 'account'}), dated {s['on']}, recorded {s['at'][:16].replace('T', ' ')} UTC"


def checklist(cat: Catalogue, found: dict[str, tuple[str, str]], judged: dict[str, dict]) -> pd.DataFrame:
    """The yearly report checklist: each point, its source, what the toolkit's records hold on it and which records
    those are, and the scrutineer's judgement."""
    fw = cat.get(CHECKLIST)
    groups = {g.id: g.name for g in fw.groups}
    rows = []
    for c in fw.criteria:
        j = judged.get(c.id, {})
        rows.append(
            {
                "criterion": c.id,
                "group": groups.get(c.id.split("_")[0], ""),
                "point": c.name,
                "question": c.question or "",
                "source": cite(c.source, fw) if c.source else "",
                "toolkit_evidence": found.get(c.id, ("", ""))[0],
                "filled_from": found.get(c.id, ("", ""))[1],
                "status": j.get("status", "not_checked"),
                "note": j.get("note", ""),
            }
        )
    return pd.DataFrame(rows)
