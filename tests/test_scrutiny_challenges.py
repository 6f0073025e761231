"""Challenge and response under real accounts: a member answers, a scrutineer raises, edits, resolves, withdraws and
reopens; neither can do the other's part; every step is in the challenge's history and the audit log."""

from __future__ import annotations

from datetime import date

import pytest

from toolkit.access.accounts import Identity, create_user
from toolkit.access.scope import AccessDenied, load
from toolkit.scrutiny import challenges, evidence, fields, summary
from toolkit.store.areas import get_or_create_area, get_or_create_cycle
from toolkit.store.audit import entries
from toolkit.store.models import Membership

AREA, CYCLE, OTHER = "Northshire", "2026", "Southshire"
TODAY = date(2026, 6, 1)
PW = "a long enough password"


@pytest.fixture
def people(session):
    """A scrutineer and a facilitator (member) of Northshire, a facilitator of Southshire, each by membership."""
    a = get_or_create_area(AREA, session=session)
    get_or_create_cycle(a, CYCLE, session=session)
    b = get_or_create_area(OTHER, session=session)
    get_or_create_cycle(b, CYCLE, session=session)
    out = {}
    for name, role, area in (("scrut", "scrutineer", a), ("bm", "facilitator", a), ("south", "facilitator", b)):
        user = create_user(name, PW, role, session=session, all_areas=False)
        session.add(Membership(user_id=user.id, area_id=area.id, role=role))
        session.flush()
        out[name] = load(Identity(name, role), session=session)
    session.commit()
    return out


def _raise(session, catalogue, who, **kw):
    args = {
        "note": "Frontline staff in two teams had not heard of the plan.",
        "source": "meeting",
        "seen_on": date(2026, 5, 2),
        "judgement": "challenges",
        "link": "stage:communicate",
        "owner": "bm",
        "due_on": date(2026, 6, 30),
    } | kw
    return evidence.log_evidence(AREA, CYCLE, actor=who, session=session, cat=catalogue, today=TODAY, **args)


def _one(session, entry_id: int) -> dict:
    return next(e for e in evidence.evidence_log(AREA, CYCLE, session=session) if e["id"] == entry_id)


def test_a_challenge_names_an_owner_of_the_partnership_and_a_due_date(session, catalogue, people) -> None:
    with pytest.raises(fields.ScrutinyError, match=r"owner must be an account of the partnership.*bm"):
        _raise(session, catalogue, people["scrut"], owner="south")  # a member of another partnership
    with pytest.raises(fields.ScrutinyError, match="owner must be"):
        _raise(session, catalogue, people["scrut"], owner="scrut")  # a scrutineer cannot answer
    with pytest.raises(fields.ScrutinyError, match="due is missing"):
        _raise(session, catalogue, people["scrut"], due_on=None)
    with pytest.raises(fields.ScrutinyError, match="already past"):
        _raise(session, catalogue, people["scrut"], due_on=date(2026, 5, 31))
    ch = _raise(session, catalogue, people["scrut"])
    e = _one(session, ch.id)
    assert (e["owner"], e["due_on"], e["status"], e["created_by"]) == ("bm", date(2026, 6, 30), "open", "scrut")
    assert not challenges.overdue(e, TODAY) and challenges.overdue(e, date(2026, 7, 1))
    assert evidence.status_of(e, date(2026, 7, 1)) == "challenge open, overdue"


def test_a_member_answers_under_their_own_account_and_a_scrutineer_cannot(session, catalogue, people) -> None:
    ch = _raise(session, catalogue, people["scrut"])
    where = {"area": AREA, "cycle": CYCLE, "session": session}
    with pytest.raises(AccessDenied, match="answer the scrutineer's challenges"):
        challenges.answer_challenge(ch.id, "We did brief them.", actor=people["scrut"], **where)
    with pytest.raises(AccessDenied):
        challenges.answer_challenge(ch.id, "Not ours.", actor=people["south"], **where)  # another partnership
    with pytest.raises(AccessDenied, match="Sign in first"):
        challenges.answer_challenge(ch.id, "Anonymous.", actor=None, **where)
    challenges.answer_challenge(ch.id, "Briefings for every team by July.", actor=people["bm"], **where)
    challenges.answer_challenge(ch.id, "Briefings done in June; attendance list sent.", actor=people["bm"], **where)
    e = _one(session, ch.id)
    assert (e["status"], e["responded_by"], e["response"]) == (
        "answered",
        "bm",
        "Briefings done in June; attendance list sent.",
    )
    answers = [h for h in e["history"] if h["action"] == "answered"]
    assert [(h["by"], h["role"], h["text"][:14]) for h in answers] == [
        ("bm", "facilitator", "Briefings for "),
        ("bm", "facilitator", "Briefings done"),
    ]  # the first answer is kept, not overwritten


def test_a_member_cannot_raise_edit_resolve_withdraw_or_reopen(session, catalogue, people) -> None:
    ch = _raise(session, catalogue, people["scrut"])
    bm, where = people["bm"], {"area": AREA, "cycle": CYCLE, "session": session}
    with pytest.raises(AccessDenied, match="keep the scrutiny log"):
        _raise(session, catalogue, bm)
    for act in (
        lambda: challenges.edit_challenge(ch.id, note="x", owner="bm", due_on=None, actor=bm, **where),
        lambda: challenges.resolve_challenge(ch.id, reason="fine", actor=bm, **where),
        lambda: challenges.withdraw_challenge(ch.id, reason="fine", actor=bm, **where),
        lambda: challenges.reopen_challenge(ch.id, reason="again", actor=bm, **where),
    ):
        with pytest.raises(AccessDenied, match="keep the scrutiny log"):
            act()
    assert _one(session, ch.id)["status"] == "open"


def test_edit_resolve_reopen_withdraw_are_kept_in_the_history_and_audited(session, catalogue, people) -> None:
    scrut, bm, where = people["scrut"], people["bm"], {"area": AREA, "cycle": CYCLE, "session": session}
    ch = _raise(session, catalogue, scrut)
    challenges.edit_challenge(
        ch.id,
        note="Staff in three teams had not heard of the plan.",
        owner="bm",
        due_on=date(2026, 7, 15),
        actor=scrut,
        today=TODAY,
        **where,
    )
    with pytest.raises(fields.ScrutinyError, match="nothing was changed"):
        challenges.edit_challenge(
            ch.id,
            note="Staff in three teams had not heard of the plan.",
            owner="bm",
            due_on=date(2026, 7, 15),
            actor=scrut,
            today=TODAY,
            **where,
        )
    with pytest.raises(fields.ScrutinyError, match="once the partnership has answered"):
        challenges.resolve_challenge(ch.id, reason="fine", actor=scrut, **where)
    challenges.answer_challenge(ch.id, "Briefings for every team by July.", actor=bm, **where)
    with pytest.raises(fields.ScrutinyError, match="The reason is empty"):
        challenges.resolve_challenge(ch.id, reason=" ", actor=scrut, **where)
    challenges.resolve_challenge(ch.id, reason="Seen the attendance list.", actor=scrut, **where)
    with pytest.raises(fields.ScrutinyError, match="closed"):
        challenges.answer_challenge(ch.id, "More.", actor=bm, **where)
    challenges.reopen_challenge(ch.id, reason="Two teams still missing.", actor=scrut, **where)
    assert _one(session, ch.id)["status"] == "open"
    challenges.withdraw_challenge(ch.id, reason="The teams were merged.", actor=scrut, **where)
    session.commit()
    e = _one(session, ch.id)
    assert (e["status"], e["closed_as"], evidence.status_of(e)) == ("closed", "withdrawn", "challenge withdrawn")
    steps = [(h["action"], h["by"]) for h in e["history"]]
    assert steps == [
        ("raised", "scrut"),
        ("edited", "scrut"),
        ("answered", "bm"),
        ("resolved", "scrut"),
        ("reopened", "scrut"),
        ("withdrawn", "scrut"),
    ]
    edit = e["history"][1]["changes"]
    assert edit["due_on"] == {"from": "2026-06-30", "to": "2026-07-15"} and edit["note"]["from"].startswith("Front")
    assert all(h["at"] for h in e["history"])
    audit = [(x.action, x.actor) for x in reversed(entries(session=session))]
    assert audit[-6:] == [
        ("evidence_logged", "scrut"),
        ("challenge_edited", "scrut"),
        ("challenge_answered", "bm"),
        ("challenge_resolved", "scrut"),
        ("challenge_reopened", "scrut"),
        ("challenge_withdrawn", "scrut"),
    ]
    # Shown and exported: the history table, with who, role and when.
    tables = summary.summary(AREA, CYCLE, session=session, cat=catalogue, analysis=None, today=TODAY)
    hist = tables["history"]
    assert list(hist["action"]) == ["raised", "edited", "answered", "resolved", "reopened", "withdrawn"]
    assert list(hist["role"])[2] == "facilitator" and hist["at"].str.endswith("UTC").all()
    row = tables["evidence log"].iloc[0]
    assert (row["owner"], row["due"], row["answered_by"], row["logged_by"]) == ("bm", "2026-07-15", "bm", "scrut")
    md = summary.export_summary(tables, "md", area=AREA, cycle=CYCLE).decode()
    assert "## History" in md and "withdrawn" in md and "| facilitator |" in md


def test_a_challenge_of_another_area_is_refused_like_an_unknown_one(session, catalogue, people) -> None:
    ch = _raise(session, catalogue, people["scrut"])
    with pytest.raises((fields.ScrutinyError, AccessDenied)):
        challenges.answer_challenge(ch.id, "x", area=OTHER, cycle=CYCLE, actor=people["south"], session=session)
    with pytest.raises(fields.ScrutinyError, match="no challenge"):
        challenges.answer_challenge(99999, "x", area=AREA, cycle=CYCLE, actor=people["bm"], session=session)
    sup = _raise(session, catalogue, people["scrut"], judgement="supports")
    with pytest.raises(fields.ScrutinyError, match="no challenge"):
        challenges.answer_challenge(sup.id, "x", area=AREA, cycle=CYCLE, actor=people["bm"], session=session)
    assert _one(session, ch.id)["status"] == "open"
