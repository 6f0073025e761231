"""The facilitator's hold on the room: who may run a workshop, the expected roster, late joins, a participant's lost
link re-issued, and a participant removed with their answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import pandas as pd
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from toolkit.access.accounts import Identity
from toolkit.access.invitations import hash_secret, new_secret
from toolkit.access.scope import AccessDenied
from toolkit.core import ids
from toolkit.store.audit import record
from toolkit.store.models import ApeaseScore, Rating, RatingHistory, Respondent, Workshop, WorkshopParticipant, utcnow
from toolkit.workshops.codes import join_link
from toolkit.workshops.live import Status
from toolkit.workshops.participants import Participant
from toolkit.workshops.rooms import JoinError, WorkshopInfo, check_runs, find_workshop

LATE_JOIN_MINUTES = 5  # joins this close before a reveal are flagged: someone may be padding a small group
MAX_EXPECTED = 500


def may_run(identity: Identity | None, w: WorkshopInfo) -> bool:
    """Whether this account runs the workshop (rooms.check_runs: its creator in the area, or an administrator)."""
    try:
        check_runs(identity, w)
    except AccessDenied:
        return False
    return True


def _mine(identity: Identity | None, code: str, session: Session) -> WorkshopInfo:
    w = find_workshop(code, session=session)
    if not may_run(identity, w):
        raise JoinError("only the facilitator who runs this workshop (or an administrator) can do that")
    return w


def _row(w: WorkshopInfo, pseudonym: str, session: Session) -> WorkshopParticipant:
    p = session.scalar(
        select(WorkshopParticipant).where(
            WorkshopParticipant.workshop_id == w.id, WorkshopParticipant.pseudonym == (pseudonym or "")
        )
    )
    if p is None:
        raise JoinError("that participant is not in this workshop")
    return p


# Roster -------------------------------------------------------------------------------------------------------------


def roster_keys() -> list[str]:
    """The roster's groups: 'agency:<id>' for each agency, then 'level:<id>' for each level."""
    return [f"agency:{a}" for a in ids.AGENCIES] + [f"level:{lv}" for lv in ids.LEVELS]


def roster_of(code: str, *, session: Session) -> dict[str, int]:
    """The expected joins per agency and per level (groups not given are absent)."""
    return dict(session.scalar(select(Workshop.roster).where(Workshop.code == code)) or {})


def set_roster(identity: Identity | None, code: str, expected: dict[str, int], *, session: Session) -> dict[str, int]:
    """Set how many people the facilitator expects per agency and per level (0 or blank: not expected). Audited."""
    w = _mine(identity, code, session)
    assert identity is not None
    clean: dict[str, int] = {}
    for key, n in expected.items():
        if key not in roster_keys():
            raise ValueError(f"{key!r} is not an agency or level of the roster")
        if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= MAX_EXPECTED:
            raise ValueError(f"expected numbers are whole numbers from 0 to {MAX_EXPECTED}")
        if n:
            clean[key] = n
    row = session.get(Workshop, w.id)
    assert row is not None
    before = dict(row.roster or {})
    row.roster = clean
    session.flush()
    record(
        "workshop.roster", actor=identity.username, session=session, area_id=w.area_id, target=f"workshop {w.code}",
        before=before, after=clean,
    )  # fmt: skip
    return clean


def roster_table(st: Status, expected: dict[str, int]) -> pd.DataFrame:
    """Joined against expected, per agency and per level (the facilitator's view; groups with neither left out)."""
    joined: dict[str, int] = {}
    for (agency, level), n in st.by_agency_level.items():
        joined[f"agency:{agency}"] = joined.get(f"agency:{agency}", 0) + n
        joined[f"level:{level}"] = joined.get(f"level:{level}", 0) + n
    rows = []
    for key in roster_keys():
        kind, value = key.split(":")
        got, want = joined.get(key, 0), expected.get(key)
        if not got and not want:
            continue
        name = ids.AGENCY_NAMES[value] if kind == "agency" else ids.LEVEL_NAMES[value]
        gap = (
            ""
            if want is None
            else "as expected"
            if got == want
            else f"{want - got} to come"
            if got < want
            else f"{got - want} more than expected"
        )
        rows.append({"Group": name, "By": kind, "Joined": got, "Expected": want, "": gap})
    return pd.DataFrame(rows, columns=["Group", "By", "Joined", "Expected", ""]).astype({"Expected": "Int64"})


def late_joins(w: WorkshopInfo, *, session: Session, now: datetime | None = None) -> list[str]:
    """Agencies and levels (in words) that grew by a join in the last LATE_JOIN_MINUTES: worth a look before a reveal."""
    since = (now or utcnow()) - timedelta(minutes=LATE_JOIN_MINUTES)
    rows = session.execute(
        select(WorkshopParticipant.agency, WorkshopParticipant.level, WorkshopParticipant.joined_at).where(
            WorkshopParticipant.workshop_id == w.id
        )
    ).all()
    recent = [(a, lv) for a, lv, at in rows if (at if at.tzinfo else at.replace(tzinfo=UTC)) >= since]
    agencies = sorted({a for a, _ in recent}, key=ids.AGENCIES.index)
    levels = sorted({lv for _, lv in recent}, key=ids.LEVELS.index)
    return [str(ids.AGENCY_NAMES[a]) for a in agencies] + [f"{ids.LEVEL_NAMES[lv]} level" for lv in levels]


def joins_since_reveal(w: WorkshopInfo, *, session: Session) -> list[str]:
    """Who joined after the first reveal, per agency and level in words with how many: a room that grows after its
    results were shown may be padding a small group to compare the figures (the facilitator's view only)."""
    first = session.scalar(select(Workshop.revealed_at).where(Workshop.id == w.id))
    if first is None:
        return []
    first = first if first.tzinfo else first.replace(tzinfo=UTC)
    rows = session.execute(
        select(WorkshopParticipant.agency, WorkshopParticipant.level, WorkshopParticipant.joined_at).where(
            WorkshopParticipant.workshop_id == w.id
        )
    ).all()
    late: dict[tuple[str, str], int] = {}
    for a, lv, at in rows:
        if (at if at.tzinfo else at.replace(tzinfo=UTC)) > first:
            late[(a, lv)] = late.get((a, lv), 0) + 1
    order = sorted(late, key=lambda k: (ids.AGENCIES.index(k[0]), ids.LEVELS.index(k[1])))
    return [f"{ids.AGENCY_NAMES[a]}, {ids.LEVEL_NAMES[lv].lower()} level: {late[(a, lv)]}" for a, lv in order]


# A lost link, and a removal ------------------------------------------------------------------------------------------


def reissue_link(identity: Identity | None, code: str, pseudonym: str, *, session: Session) -> Participant:
    """A new secret for a participant who lost their link; the old link stops working. Audited (never the secret)."""
    w = _mine(identity, code, session)
    assert identity is not None
    p = _row(w, pseudonym, session)
    secret = new_secret()
    p.secret_hash = hash_secret(secret)
    session.flush()
    record(
        "workshop.reissue_link", actor=identity.username, session=session, area_id=w.area_id,
        target=f"workshop {w.code}: participant {p.pseudonym}", before={"link": "old"}, after={"link": "new"},
    )  # fmt: skip
    return Participant(p.pseudonym, p.agency, p.level, p.display_name, secret)


@dataclass(frozen=True)
class Removal:
    """What removing a participant takes out of the record (shown before, and audited after)."""

    pseudonym: str
    name: str
    agency: str
    level: str
    ratings: int
    history: int
    appraisals: int


def removal_preview(identity: Identity | None, code: str, pseudonym: str, *, session: Session) -> Removal:
    """What removing this participant would take: their ratings, earlier values and APEASE scores in the cycle."""
    w = _mine(identity, code, session)
    p = _row(w, pseudonym, session)
    rated = select(Rating.id).join(Respondent, Respondent.id == Rating.respondent_id)
    rated = rated.where(Respondent.cycle_id == w.cycle_id, Respondent.pseudonym == p.pseudonym)
    n_ratings = session.scalar(select(func.count()).select_from(rated.subquery())) or 0
    n_history = session.scalar(select(func.count(RatingHistory.id)).where(RatingHistory.rating_id.in_(rated))) or 0
    n_scores = session.scalar(
        select(func.count(ApeaseScore.id)).where(ApeaseScore.cycle_id == w.cycle_id, ApeaseScore.rater == p.pseudonym)
    )
    return Removal(p.pseudonym, p.display_name, p.agency, p.level, n_ratings, n_history, n_scores or 0)


def remove_participant(identity: Identity | None, code: str, pseudonym: str, *, session: Session) -> Removal:
    """Take a participant out of the workshop and their answers out of the record (ratings, history, appraisals)."""
    w = _mine(identity, code, session)
    assert identity is not None
    if w.status == "closed":
        raise JoinError("this workshop has closed: its ratings are final, so nobody can be removed")
    gone = removal_preview(identity, code, pseudonym, session=session)
    cycle_count = select(func.count(Rating.id)).join(Respondent).where(Respondent.cycle_id == w.cycle_id)
    before = {"ratings_in_cycle": session.scalar(cycle_count), "participants": _joined(w, session)}
    resp_ids = select(Respondent.id).where(Respondent.cycle_id == w.cycle_id, Respondent.pseudonym == gone.pseudonym)
    rating_ids = select(Rating.id).where(Rating.respondent_id.in_(resp_ids))
    session.execute(delete(RatingHistory).where(RatingHistory.rating_id.in_(rating_ids)))
    session.execute(delete(Rating).where(Rating.respondent_id.in_(resp_ids)))
    session.execute(delete(Respondent).where(Respondent.id.in_(resp_ids)))
    session.execute(delete(ApeaseScore).where(ApeaseScore.cycle_id == w.cycle_id, ApeaseScore.rater == gone.pseudonym))
    session.execute(
        delete(WorkshopParticipant).where(
            WorkshopParticipant.workshop_id == w.id, WorkshopParticipant.pseudonym == gone.pseudonym
        )
    )
    session.expire_all()
    after = {"ratings_in_cycle": session.scalar(cycle_count), "participants": _joined(w, session)}
    record(
        "workshop.remove_participant", actor=identity.username, session=session, area_id=w.area_id,
        target=f"workshop {w.code}: participant {gone.pseudonym} ({gone.agency}, {gone.level})",
        before=before | {"their_ratings": gone.ratings, "their_history": gone.history, "their_appraisals": gone.appraisals},
        after=after,
    )  # fmt: skip
    return gone


def _joined(w: WorkshopInfo, session: Session) -> int:
    q = select(func.count(WorkshopParticipant.id)).where(WorkshopParticipant.workshop_id == w.id)
    return session.scalar(q) or 0


# What the facilitator's controls show ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterField:
    """One number of the roster form: its group ('agency:<id>' or 'level:<id>'), its label, how many are expected."""

    key: str
    label: str
    expected: int


def roster_fields(expected: dict[str, int]) -> list[RosterField]:
    """The roster form's fields in order (agencies, then levels), each with the number expected so far (0: none)."""
    out: list[RosterField] = []
    for key in roster_keys():
        kind, value = key.split(":")
        label = ids.AGENCY_NAMES[value] if kind == "agency" else f"{ids.LEVEL_NAMES[value]} level"
        out.append(RosterField(key, str(label), expected.get(key, 0)))
    return out


def participant_choices(now: Status) -> dict[str, str]:
    """The participants a facilitator can pick for a new link or a removal, in the progress table's order:
    pseudonym -> 'name (or pseudonym) · agency, level'."""
    return {
        c.participant: f"{c.name or c.participant} · {ids.AGENCY_NAMES[c.agency]}, {c.level}" for c in now.completion
    }


class NewLink(NamedTuple):
    """A re-issued link, shown once to the facilitator: whose it is (their name, else their pseudonym) and the address."""

    name: str
    link: str


def new_link(identity: Identity | None, code: str, pseudonym: str, base_url: str, *, session: Session) -> NewLink:
    """Re-issue a participant's link (reissue_link: the old one stops working) as the address to send them."""
    p = reissue_link(identity, code, pseudonym, session=session)
    return NewLink(p.display_name or p.pseudonym, join_link(base_url, code, p.secret))
