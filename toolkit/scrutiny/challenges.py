"""Challenge and response: the scrutineer raises a challenge with an owner in the partnership and a due date; the
partnership's members answer under their own accounts; the scrutineer resolves, withdraws or reopens it.

Every step is authorised here (toolkit.access.scope) against the signed-in account and the challenge's own area: a
member answers, a scrutineer raises, edits, resolves, withdraws and reopens; neither can do the other's part. Every
step is kept in the challenge's history (who, in which role, when, what) and written to the audit log.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from toolkit.access.accounts import Identity
from toolkit.access.scope import authorise, holders, role_for
from toolkit.scrutiny.fields import ScrutinyError, note_text
from toolkit.store.areas import find_cycle
from toolkit.store.audit import record
from toolkit.store.models import EvidenceEntry, utcnow

STATUSES = {"open": "Open", "answered": "Answered", "closed": "Closed"}
CLOSED_AS = {"resolved": "resolved", "withdrawn": "withdrawn"}
ACTIONS = {
    "logged": "logged",
    "raised": "raised",
    "edited": "edited",
    "answered": "answered",
    "resolved": "resolved",
    "withdrawn": "withdrawn",
    "reopened": "reopened",
    "attached": "attached evidence",
    "attachment withdrawn": "withdrew an attachment",
    "carried": "carried forward",
}
SCRUTINEER, MEMBER = "log_evidence", "answer_challenge"  # the two parts, as toolkit.access actions


def event(actor: Identity, role: str, action: str, text: str = "", **detail: object) -> dict:
    """One step of a record's history: when, which account in which role, what it did and wrote."""
    return {"at": utcnow().isoformat(), "by": actor.username, "role": role, "action": action, "text": text} | detail


def state(e: EvidenceEntry) -> dict:
    """What the audit log keeps of a note or challenge."""
    return {
        "judgement": e.judgement,
        "link": e.link,
        "note": e.note,
        "status": e.status,
        "closed_as": e.closed_as,
        "owner": e.owner,
        "due_on": e.due_on.isoformat() if e.due_on else None,
        "response": e.response,
    }


def checked_owner(owner: str, area_id: int, session: Session) -> str:
    """The challenge's owner: an account with a membership in the area whose role lets it answer challenges."""
    members = holders(MEMBER, area_id, session=session)
    if owner not in members:
        who = ", ".join(members) or "nobody yet (an administrator gives a facilitator a membership first)"
        raise ScrutinyError(f"the owner must be an account of the partnership that can answer challenges: {who}.")
    return owner


def checked_due(due_on: object, today: date) -> date:
    """A due date: a real date, not in the past."""
    if not isinstance(due_on, date):
        raise ScrutinyError("the date the answer is due is missing.")
    if due_on < today:
        raise ScrutinyError(f"the due date {due_on.isoformat()} is already past.")
    return due_on


def _challenge(
    entry_id: int, area: str, cycle: str, action: str, actor: Identity | None, session: Session
) -> tuple[EvidenceEntry, int, str]:
    """The challenge, only if it belongs to this area and cycle, after checking the account may do `action` there."""
    c = find_cycle(area, cycle, session=session)
    authorise(actor, action, c.area_id)
    assert actor is not None  # authorise refuses a visitor who is not signed in
    e = session.get(EvidenceEntry, entry_id) if isinstance(entry_id, int) else None
    if e is None or e.cycle_id != c.id or e.judgement != "challenges":
        raise ScrutinyError(f"there is no challenge {entry_id} for {area} {cycle}.")
    return e, c.area_id, role_for(actor, action, c.area_id)


def _write(e: EvidenceEntry, area_id: int, what: str, before: dict, actor: Identity, session: Session) -> None:
    session.flush()
    target = f"evidence #{e.id}"
    record(what, actor=actor.username, session=session, area_id=area_id, target=target, before=before, after=state(e))


def edit_challenge(
    entry_id: int,
    *,
    area: str,
    cycle: str,
    note: str,
    owner: str,
    due_on: date | None,
    actor: Identity | None,
    session: Session,
    today: date | None = None,
) -> EvidenceEntry:
    """The scrutineer changes a challenge's wording, owner or due date while it is not closed; the old values stay
    in its history."""
    e, area_id, role = _challenge(entry_id, area, cycle, SCRUTINEER, actor, session)
    assert actor is not None
    if e.status == "closed":
        raise ScrutinyError("this challenge is closed; reopen it before editing it.")
    before = state(e)
    new_note, new_owner = note_text(note, "The challenge"), checked_owner(owner, area_id, session)
    new_due = due_on if due_on == e.due_on else checked_due(due_on, today or date.today())
    changed = {
        k: {"from": before[k], "to": v}
        for k, v in (("note", new_note), ("owner", new_owner), ("due_on", new_due.isoformat() if new_due else None))
        if before[k] != v
    }
    if not changed:
        raise ScrutinyError("nothing was changed.")
    e.note, e.owner, e.due_on = new_note, new_owner, new_due
    e.history = [*(e.history or []), event(actor, role, "edited", changes=changed)]
    _write(e, area_id, "challenge_edited", before, actor, session)
    return e


def answer_challenge(
    entry_id: int, response: str, *, area: str, cycle: str, actor: Identity | None, session: Session
) -> EvidenceEntry:
    """A member of the partnership answers under their own account (a later answer adds to the history)."""
    e, area_id, role = _challenge(entry_id, area, cycle, MEMBER, actor, session)
    assert actor is not None
    if e.status == "closed":
        raise ScrutinyError("this challenge is closed; the scrutineer reopens it before it can be answered again.")
    before, text = state(e), note_text(response, "The answer")
    e.response, e.responded_by, e.responded_at, e.status = text, actor.username, utcnow(), "answered"
    e.history = [*(e.history or []), event(actor, role, "answered", text)]
    _write(e, area_id, "challenge_answered", before, actor, session)
    return e


def _close(entry_id: int, how: str, reason: str, area: str, cycle: str, actor: Identity | None, session: Session):
    e, area_id, role = _challenge(entry_id, area, cycle, SCRUTINEER, actor, session)
    assert actor is not None
    if e.status == "closed":
        raise ScrutinyError("this challenge is already closed.")
    if how == "resolved" and e.status != "answered":
        raise ScrutinyError("a challenge is resolved once the partnership has answered it; withdraw it otherwise.")
    before, text = state(e), note_text(reason, "The reason")
    e.status, e.closed_as, e.resolved = "closed", how, True
    e.resolution, e.resolved_by, e.resolved_at = text, actor.username, utcnow()
    e.history = [*(e.history or []), event(actor, role, how, text)]
    _write(e, area_id, f"challenge_{how}", before, actor, session)
    return e


def resolve_challenge(
    entry_id: int, *, area: str, cycle: str, reason: str, actor: Identity | None, session: Session
) -> EvidenceEntry:
    """The scrutineer accepts the partnership's answer and closes the challenge, with the reason."""
    return _close(entry_id, "resolved", reason, area, cycle, actor, session)


def withdraw_challenge(
    entry_id: int, *, area: str, cycle: str, reason: str, actor: Identity | None, session: Session
) -> EvidenceEntry:
    """The scrutineer withdraws a challenge (raised in error, or overtaken), with the reason."""
    return _close(entry_id, "withdrawn", reason, area, cycle, actor, session)


def reopen_challenge(
    entry_id: int, *, area: str, cycle: str, reason: str, actor: Identity | None, session: Session
) -> EvidenceEntry:
    """The scrutineer opens a closed challenge again, with the reason; the partnership answers it afresh."""
    e, area_id, role = _challenge(entry_id, area, cycle, SCRUTINEER, actor, session)
    assert actor is not None
    if e.status != "closed":
        raise ScrutinyError("only a closed challenge can be reopened.")
    before, text = state(e), note_text(reason, "The reason")
    e.status, e.closed_as, e.resolved, e.resolved_at = "open", "", False, None
    e.history = [*(e.history or []), event(actor, role, "reopened", text)]
    _write(e, area_id, "challenge_reopened", before, actor, session)
    return e


def overdue(e: dict, today: date) -> bool:
    """Whether a challenge waits for the partnership's answer past its due date."""
    return e.get("status") == "open" and e.get("due_on") is not None and e["due_on"] < today


def history_rows(entries: list[dict]) -> list[dict]:
    """Every step of every note and challenge, oldest first: which record, when, who, in which role, what."""
    rows = []
    for e in entries:
        for h in e.get("history") or []:
            changes = h.get("changes") or {}
            detail = "; ".join(f"{k}: {v['from'] or '-'} -> {v['to'] or '-'}" for k, v in changes.items())
            rows.append(
                {
                    "record": f"#{e['id']}",
                    "at": h.get("at", ""),
                    "by": h.get("by", ""),
                    "role": h.get("role", "") or ("before history was kept" if h.get("carried_over") else ""),
                    "action": ACTIONS.get(h.get("action", ""), h.get("action", "")),
                    "text": h.get("text", "") or detail,
                }
            )
    return sorted(rows, key=lambda r: (r["at"], r["record"]))
