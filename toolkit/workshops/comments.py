"""The room's voice: short anonymous comments and questions from phones, shown on the projector only once the
facilitator approves them.

Nobody sees who sent a comment: the facilitator's queue and the projector show the text and nothing else (no
name, agency or level), and the projector shows none while fewer than the minimum group have joined, when a comment
would point to one of very few people. The sender is kept only so a removal takes their comments with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from toolkit.access.accounts import Identity
from toolkit.access.scope import OPERATOR
from toolkit.capture.assessment import AnswerError
from toolkit.core.text import CONTROL_CHARS
from toolkit.store.audit import record
from toolkit.store.models import Workshop, WorkshopComment, WorkshopParticipant, utcnow
from toolkit.workshops.codes import format_code, normalise_code
from toolkit.workshops.participants import WorkshopClosed, active_participant
from toolkit.workshops.rooms import JoinError, WorkshopInfo, check_runs, load_row

MAX_COMMENT = 280  # characters: a comment or question, not an essay
MAX_WAITING = 3  # comments one participant may have waiting for the facilitator at once
SHOWN = 6  # comments on the projector at once, the latest approved first


@dataclass(frozen=True)
class RoomComment:
    """A comment as the facilitator and the projector see it: its text only, never who sent it."""

    id: int
    text: str
    status: str  # pending, approved, rejected
    sent_at: datetime


def clean_comment(text: object) -> str:
    """The comment as it is stored: control characters out, runs of spaces and line breaks as one space."""
    return " ".join(re.sub(CONTROL_CHARS, " ", text if isinstance(text, str) else "").split())


def send_comment(code: str, pseudonym: str, text: object, *, session: Session) -> RoomComment:
    """A participant's comment, waiting for the facilitator (refused when empty, too long, closed or too many)."""
    p = active_participant(code, pseudonym, session)
    found = load_row(normalise_code(code), session)
    assert found is not None  # the participant's row exists, so the workshop does
    w = found[0]
    if w.status == "closed":
        raise WorkshopClosed("this workshop has closed, so it takes no more comments")
    body = clean_comment(text)
    if not body:
        raise AnswerError("write a comment or a question first")
    if len(body) > MAX_COMMENT:
        raise AnswerError(f"a comment can be at most {MAX_COMMENT} characters (this one has {len(body)})")
    waiting = session.scalar(
        select(func.count(WorkshopComment.id)).where(
            WorkshopComment.participant_id == p.id, WorkshopComment.status == "pending"
        )
    )
    if (waiting or 0) >= MAX_WAITING:
        raise AnswerError(
            f"you have {MAX_WAITING} comments waiting for the facilitator: wait until they have seen them"
        )
    row = WorkshopComment(workshop_id=w.id, participant_id=p.id, text=body, status="pending")
    session.add(row)
    session.flush()
    return RoomComment(row.id, row.text, row.status, row.sent_at)


def own_comments(code: str, pseudonym: str, *, session: Session) -> list[RoomComment]:
    """One participant's own comments, newest first, with what became of each (for their phone only)."""
    rows = session.scalars(
        select(WorkshopComment)
        .join(WorkshopParticipant, WorkshopParticipant.id == WorkshopComment.participant_id)
        .join(Workshop, Workshop.id == WorkshopComment.workshop_id)
        .where(Workshop.code == normalise_code(code), WorkshopParticipant.pseudonym == pseudonym)
        .order_by(WorkshopComment.id.desc())
    )
    return [RoomComment(r.id, r.text, r.status, r.sent_at) for r in rows]


def _workshop(code: str, session: Session, actor: Identity | None):
    found = load_row(normalise_code(code), session)
    if found is None:
        raise JoinError(f"No workshop has the code {format_code(code)}.")
    check_runs(actor, found[0])
    return found[0]


def comments_waiting(code: str, *, session: Session, actor: Identity | None = OPERATOR) -> list[RoomComment]:
    """The comments waiting for the facilitator who runs the workshop, oldest first (text only)."""
    w = _workshop(code, session, actor)
    rows = session.scalars(
        select(WorkshopComment)
        .where(WorkshopComment.workshop_id == w.id, WorkshopComment.status == "pending")
        .order_by(WorkshopComment.id)
    )
    return [RoomComment(r.id, r.text, r.status, r.sent_at) for r in rows]


def moderate(
    code: str, comment_id: int, approve: bool, *, session: Session, actor: Identity | None = OPERATOR
) -> RoomComment:
    """Approve (show on the projector) or reject a comment waiting in this workshop; any other id is refused."""
    w = _workshop(code, session, actor)
    row = session.get(WorkshopComment, comment_id) if isinstance(comment_id, int) else None
    if row is None or row.workshop_id != w.id or row.status != "pending":
        raise ValueError("that comment is not waiting in this workshop")
    row.status = "approved" if approve else "rejected"
    row.moderated_at, row.moderated_by = utcnow(), getattr(actor, "username", "") or ""
    session.flush()
    record(
        f"workshop.comment.{row.status}", actor=row.moderated_by, session=session, area_id=w.area_id,
        target=f"workshop {w.code}: comment {row.id}", before={"status": "pending"}, after={"status": row.status},
    )  # fmt: skip
    return RoomComment(row.id, row.text, row.status, row.sent_at)


def shown_comments(w: WorkshopInfo, *, session: Session, min_n: int, limit: int | None = SHOWN) -> list[RoomComment]:
    """The approved comments for the projector, latest approved first; none while fewer than min_n have joined."""
    joined = session.scalar(select(func.count(WorkshopParticipant.id)).where(WorkshopParticipant.workshop_id == w.id))
    if (joined or 0) < min_n:
        return []
    rows = session.scalars(
        select(WorkshopComment)
        .where(WorkshopComment.workshop_id == w.id, WorkshopComment.status == "approved")
        .order_by(WorkshopComment.moderated_at.desc(), WorkshopComment.id.desc())
        .limit(limit)
    )
    return [RoomComment(r.id, r.text, r.status, r.sent_at) for r in rows]
