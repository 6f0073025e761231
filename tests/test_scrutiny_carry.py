"""Carry-forward: the previous cycle's open challenges (and evidence, if asked) are copied into the next cycle with
their attachments, marked as carried, never twice; only a scrutineer of the area carries; the change of each
judgement between cycles is shown."""

from __future__ import annotations

from datetime import date

import pytest

from toolkit.access.accounts import Identity, create_user
from toolkit.access.scope import AccessDenied, load
from toolkit.scrutiny import attachments, carry, challenges, evidence, summary, validation
from toolkit.scrutiny.fields import ScrutinyError
from toolkit.store.areas import get_or_create_area, get_or_create_cycle
from toolkit.store.audit import entries
from toolkit.store.models import Membership

AREA = "Northshire"
PW = "a long enough password"
PDF = b"%PDF-1.4 minutes"


@pytest.fixture
def two_cycles(session, catalogue):
    a = get_or_create_area(AREA, session=session)
    for name in ("2025", "2026"):  # previous_cycle decides the order (by name today; the contract asks for dates)
        get_or_create_cycle(a, name, session=session)
    out = {}
    for name, role in (("scrut", "scrutineer"), ("bm", "facilitator")):
        user = create_user(name, PW, role, session=session, all_areas=False)
        session.add(Membership(user_id=user.id, area_id=a.id, role=role))
        session.flush()
        out[name] = load(Identity(name, role), session=session)
    scrut = out["scrut"]
    base = {"source": "meeting", "seen_on": date(2025, 5, 1), "actor": scrut, "session": session, "cat": catalogue}
    ch = {"judgement": "challenges", "owner": "bm", "due_on": date(2025, 6, 1), "today": date(2025, 5, 2)}
    open_ = evidence.log_evidence(AREA, "2025", note="Schools absent", link="stage:communicate", **base, **ch)
    done = evidence.log_evidence(AREA, "2025", note="Data late", link="c:c10_coordination_of_data", **base, **ch)
    sup = evidence.log_evidence(AREA, "2025", note="Audit seen", judgement="supports", link="stage:consider", **base)
    where = {"area": AREA, "cycle": "2025", "session": session}
    attachments.add_file(open_.id, "minutes.pdf", PDF, actor=scrut, **where)
    challenges.answer_challenge(done.id, "Fixed", actor=out["bm"], **where)
    challenges.resolve_challenge(done.id, reason="Seen the feed", actor=scrut, **where)
    validation.set_validation(AREA, "2025", "stage:consider", "validated", actor=scrut, session=session, cat=catalogue)
    session.commit()
    return out | {"open": open_.id, "done": done.id, "sup": sup.id}


def test_open_challenges_and_evidence_are_carried_once_with_their_files(session, catalogue, two_cycles) -> None:
    assert carry.to_carry(AREA, "2026", session=session) == {"from": "2025", "challenges": 1, "evidence": 1}
    got = carry.carry_forward(AREA, "2026", with_evidence=True, actor=two_cycles["scrut"], session=session)
    assert got == {"challenges": 1, "evidence": 1}
    log = {e["note"]: e for e in evidence.evidence_log(AREA, "2026", session=session)}
    assert set(log) == {"Schools absent", "Audit seen"}  # the closed challenge stays behind
    ch = log["Schools absent"]
    assert (ch["status"], ch["owner"], ch["carried_from_id"]) == ("open", "bm", two_cycles["open"])
    assert ch["history"][-1]["action"] == "carried" and ch["history"][-1]["by"] == "scrut"
    [f] = attachments.attachments(AREA, "2026", session=session)
    assert attachments.download(f["id"], actor=two_cycles["bm"], session=session).data == PDF
    table = summary.summary(AREA, "2026", session=session, cat=catalogue, analysis=None)["evidence log"]
    assert set(table["carried"]) == {f"from 2025 (#{two_cycles['open']})", f"from 2025 (#{two_cycles['sup']})"}
    assert carry.to_carry(AREA, "2026", session=session) == {"from": "2025", "challenges": 0, "evidence": 0}
    with pytest.raises(ScrutinyError, match="nothing in 2025"):
        carry.carry_forward(AREA, "2026", with_evidence=True, actor=two_cycles["scrut"], session=session)
    assert [x.target for x in entries(session=session) if x.action == "scrutiny_carried"] == ["2025 -> 2026"]
    # the carried challenge is answered in the new cycle by the partnership, under its own account
    challenges.answer_challenge(
        ch["id"], "Two heads join in May", area=AREA, cycle="2026", actor=two_cycles["bm"], session=session
    )


def test_evidence_stays_behind_unless_asked_and_only_a_scrutineer_carries(session, two_cycles) -> None:
    with pytest.raises(AccessDenied):
        carry.carry_forward(AREA, "2026", with_evidence=False, actor=two_cycles["bm"], session=session)
    with pytest.raises(ScrutinyError, match="first cycle"):
        carry.carry_forward(AREA, "2025", with_evidence=False, actor=two_cycles["scrut"], session=session)
    got = carry.carry_forward(AREA, "2026", with_evidence=False, actor=two_cycles["scrut"], session=session)
    assert got == {"challenges": 1, "evidence": 0}
    assert carry.to_carry(AREA, "2026", session=session)["evidence"] == 1


def test_the_change_of_each_judgement_between_cycles(session, catalogue, two_cycles) -> None:
    validation.set_validation(
        AREA,
        "2026",
        "stage:consider",
        "adjusted",
        figure=2.0,
        reason="Audit gaps",
        actor=two_cycles["scrut"],
        session=session,
        cat=catalogue,
    )
    rows = {r["about"]: r for r in carry.judgement_change(AREA, "2026", session=session, cat=catalogue)}
    assert rows["Stage: Consider"] | {} == {
        "about": "Stage: Consider",
        "previous_cycle": "2025",
        "then": "Validated",
        "now": "Adjusted to 2.00",
        "changed": True,
    }
    assert rows["Stage: Commit"]["changed"] is False
    assert carry.judgement_change(AREA, "2025", session=session, cat=catalogue) == []


def test_the_trail_and_checklist_record_the_signed_in_account_and_refuse_a_member(
    session, catalogue, two_cycles
) -> None:
    from toolkit.scrutiny import checklist, trail

    where = {"session": session, "cat": catalogue}
    with pytest.raises(AccessDenied):
        trail.add_trail(AREA, "2026", decision="Joint audit", actor=two_cycles["bm"], **where)
    with pytest.raises(AccessDenied, match="Sign in"):
        trail.add_trail(AREA, "2026", decision="Joint audit", actor=None, **where)
    t = trail.add_trail(AREA, "2026", decision="Joint audit", actor=two_cycles["scrut"], **where)
    assert trail.trail(AREA, "2026", session=session)[0]["created_by"] == "scrut"
    with pytest.raises(AccessDenied):
        trail.update_trail(
            t.id, area=AREA, cycle="2026", practice_change="x", outcome="", actor=two_cycles["bm"], **where
        )
    crit = catalogue.get("yearly_report").criteria[0].id
    with pytest.raises(AccessDenied):
        checklist.set_check(AREA, "2026", crit, "evidenced", "seen", actor=two_cycles["bm"], **where)
    checklist.set_check(AREA, "2026", crit, "evidenced", "seen", actor=two_cycles["scrut"], **where)
    judged = [x for x in entries(session=session) if x.action in ("judgement", "trail_added")]
    assert {x.actor for x in judged} == {"scrut"}
