"""Issue 13, findings 1 and 2: a pseudonym is a label, not a key; once accounts exist, ratings arrive only through an
invitation (or a workshop code); invitations expire, fill up and can be withdrawn; a facilitator re-issues a lost link
and removes a participant with their answers, audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from tests.bad_input.helpers import db_state
from tests.pages import APP, open_page, texts
from toolkit import workshops as ws
from toolkit.access.accounts import Identity, Member, authenticate, create_user, start_session
from toolkit.access.invitations import (
    InvitationError,
    check_invitation,
    create_invitation,
    list_invitations,
    may_manage_invitations,
    revoke_invitation,
)
from toolkit.capture.assessment import AnswerError, new_pseudonym, start_respondent, submit_answer
from toolkit.store.areas import get_or_create_area, get_or_create_cycle, resolve_cycle
from toolkit.store.audit import entries
from toolkit.store.db import session_scope
from toolkit.store.models import ApeaseScore, Rating, RatingHistory, Respondent, utcnow
from toolkit.store.plans import shortlist_add

PW = "a long facilitator password"
FACIL = Identity("facil", "facilitator", (Member("facilitator"),))
COMMENT = "Only I saw the referral sit for a week"


def _account(name: str = "facil", role: str = "facilitator") -> str:
    """Create an account (so the installation has accounts) and return a signed-in session token."""
    with session_scope() as s:
        create_user(name, PW, role, session=s)
        return start_session(authenticate(name, PW, session=s), session=s)


def _cycle() -> None:
    with session_scope() as s:
        get_or_create_cycle(get_or_create_area("Northshire", session=s), "2026", session=s)


def _link(page: str, query: dict, **state) -> AppTest:
    """Open a page as a link would (a new browser session, the query in the address)."""
    at = AppTest.from_file(APP, default_timeout=180)
    for k, v in state.items():
        at.session_state[k] = v
    at.run()
    at.switch_page(page)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _shown(at: AppTest) -> str:
    values = [str(w.value) for kind in ("text_input", "radio", "selectbox") for w in getattr(at, kind)]
    return texts(at) + "\n" + "\n".join(values)


def _ratings() -> int:
    with session_scope() as s:
        return s.scalar(select(func.count(Rating.id))) or 0


# Finding 1: a pseudonym is a key ------------------------------------------------------------------------------------


def test_a_pseudonym_on_the_join_link_opens_nobody(engine, catalogue) -> None:
    with session_scope() as s:
        w = ws.create_workshop("Northshire", "2026", created_by="facil", session=s)
        p = ws.join(w.code, "police", "frontline", "Sam", session=s)
        step = ws.steps_for(w, "frontline", catalogue)[0]
        ws.submit(w.code, p.pseudonym, step.framework, step.items[0].id, 2, COMMENT, session=s, cat=catalogue)
    before = db_state(engine)
    at = _link("app_pages/join.py", {"w": w.code, "p": p.pseudonym})  # the id from the progress table or export
    assert at.session_state["join_pseudonym"] is None  # nobody became Sam
    assert COMMENT not in _shown(at) and "Your answer" not in _shown(at)
    assert any("opens nobody's answers" in e.value for e in at.error)
    assert "Statement 1 of" not in texts(at)  # only a fresh join is offered
    assert db_state(engine) == before
    # Sam's own link still works, and shows Sam's answer
    mine = _link("app_pages/join.py", {"w": w.code, "k": p.secret})
    assert mine.session_state["join_pseudonym"] == p.pseudonym
    assert "Statement 2 of" in texts(mine)  # it opens the first statement Sam has not answered
    mine.button(key="join_back").click().run()
    assert mine.radio[0].value == 2


def test_a_pseudonym_on_the_self_assessment_link_opens_nobody(engine, catalogue) -> None:
    item = next(i for i in catalogue.opm.items if i.level in (None, "frontline"))
    linked = new_pseudonym()
    with session_scope() as s:
        submit_answer(
            "Northshire", "2026", linked, "health", "frontline", "opm", item.id, 2, COMMENT, session=s, cat=catalogue
        )
    before = db_state(engine)
    at = _link("app_pages/assess.py", {"r": linked, "area": "Northshire", "cycle": "2026"})
    assert at.session_state["assess_respondent"] is None
    assert COMMENT not in _shown(at)
    assert any("opens nobody's answers" in e.value for e in at.error)
    assert db_state(engine) == before


def test_the_respondents_own_secret_link_resumes_them_and_only_a_hash_is_kept(db_url, catalogue) -> None:
    _cycle()
    at = open_page("app_pages/assess.py", sel_area="Northshire", sel_cycle="2026")
    at.selectbox(key="assess_pick_agency").select("police")
    at.selectbox(key="assess_pick_level").select("frontline").run()
    at.button(key="assess_start").click().run()
    at.radio[0].set_value(4).run()
    secret = at.query_params["k"]
    with session_scope() as s:
        (row,) = s.scalars(select(Respondent)).all()
    assert len(secret) >= 32 and row.secret_hash and secret not in row.secret_hash and row.pseudonym not in secret
    again = _link("app_pages/assess.py", {"k": secret})
    assert again.session_state["assess_respondent"] == row.pseudonym and again.radio[0].value == 4
    forged = _link("app_pages/assess.py", {"k": secret[:-1] + ("A" if secret[-1] != "A" else "B")})
    assert forged.session_state["assess_respondent"] is None
    assert any("does not open any answers" in e.value for e in forged.error)


def test_a_lost_link_is_reissued_the_old_one_stops_and_it_is_audited(db_url, catalogue) -> None:
    with session_scope() as s:
        w = ws.create_workshop("Northshire", "2026", created_by="facil", session=s)
        p = ws.join(w.code, "police", "frontline", session=s)
    old_phone = _link("app_pages/join.py", {"w": w.code, "k": p.secret})
    assert old_phone.session_state["join_pseudonym"] == p.pseudonym
    with session_scope() as s:
        with pytest.raises(ws.JoinError, match="only the facilitator"):
            ws.reissue_link(Identity("other", "facilitator", (Member("facilitator"),)), w.code, p.pseudonym, session=s)
        new = ws.reissue_link(FACIL, w.code, p.pseudonym, session=s)
    assert new.pseudonym == p.pseudonym and new.secret != p.secret
    stale = _link("app_pages/join.py", {"w": w.code, "k": p.secret})
    assert stale.session_state["join_pseudonym"] is None and any(
        "could not find your place" in e.value for e in stale.error
    )
    old_phone.run()  # the device still open on the old link loses its place at once
    assert old_phone.session_state["join_pseudonym"] is None
    assert any("has ended" in e.value for e in old_phone.error)
    fresh = _link("app_pages/join.py", {"w": w.code, "k": new.secret})
    assert fresh.session_state["join_pseudonym"] == p.pseudonym
    with session_scope() as s:
        (line,) = entries(session=s, action="workshop.reissue_link")
    assert line.actor == "facil" and p.pseudonym in line.target
    assert p.secret not in repr(line) and new.secret not in repr(line)


# Finding 2: anonymous writes defeat suppression ---------------------------------------------------------------------


def test_eight_anonymous_answers_of_one_are_refused_once_accounts_exist(engine, catalogue) -> None:
    """The attack: two real strategic respondents (hidden, fewer than 3); eight anonymous walks answering 1 would
    have made the cell show, and the real pair's mean follow by subtraction."""
    item = next(i for i in catalogue.opm.items if i.level == "strategic")
    for score in (4, 5):
        with session_scope() as s:
            submit_answer(
                "Northshire",
                "2026",
                new_pseudonym(),
                "police",
                "strategic",
                "opm",
                item.id,
                score,
                session=s,
                cat=catalogue,
            )
    _account()
    before = db_state(engine)
    for _ in range(8):
        at = open_page("app_pages/assess.py", sel_area="Northshire", sel_cycle="2026")
        assert not at.exception
        assert "by invitation" in texts(at)
        assert "assess_start" not in [b.key for b in at.button] and not at.radio  # no form at all
        with session_scope() as s, pytest.raises(AnswerError, match="by invitation"):
            start_respondent("Northshire", "2026", "police", "strategic", invitation=None, session=s)
    assert db_state(engine) == before
    assert _ratings() == 2


def test_a_crafted_area_name_creates_no_partnership_without_accounts(engine) -> None:
    _cycle()
    before = db_state(engine)
    with session_scope() as s, pytest.raises(AnswerError, match="Rogue"):
        start_respondent("Rogue partnership", "1999", "police", "frontline", invitation=None, session=s)
    assert db_state(engine) == before


# Invitations ---------------------------------------------------------------------------------------------------------


def _invite(days: int = 7, cap: int = 2, now=None) -> str:
    with session_scope() as s:
        ref = resolve_cycle("Northshire", "2026", session=s)
        return create_invitation(FACIL, ref, days=days, max_uses=cap, label="health", session=s, now=now).secret


def test_an_invitation_admits_respondents_through_the_page_and_resumes_with_their_own_link(db_url, catalogue) -> None:
    _cycle()
    _account()
    secret = _invite()
    at = _link("app_pages/assess.py", {"i": secret})
    assert "You are invited to rate Northshire, cycle 2026." in texts(at)
    at.selectbox(key="assess_pick_agency").select("health")
    at.selectbox(key="assess_pick_level").select("managerial").run()
    at.button(key="assess_start").click().run()
    assert "Step 1 of" in texts(at) and "i" not in at.query_params
    at.radio[0].set_value(3).run()
    assert _ratings() == 1
    own = at.query_params["k"]
    assert own != secret
    back = _link("app_pages/assess.py", {"k": own})
    assert back.radio[0].value == 3
    with session_scope() as s:
        actions = [e.action for e in entries(session=s)]
    assert {"invitation.create", "respondent.start", "ratings.write"} <= set(actions)


@pytest.mark.parametrize("case", ["expired", "revoked", "used up", "bad secret", "garbage"])
def test_expired_revoked_full_or_bad_invitations_say_so_and_write_nothing(case, engine, catalogue) -> None:
    _cycle()
    _account()
    secret = _invite(days=1, now=utcnow() - timedelta(days=2)) if case == "expired" else _invite(cap=1)
    if case == "revoked":
        with session_scope() as s:
            (inv,) = list_invitations(FACIL, resolve_cycle("Northshire", "2026", session=s), session=s)
            revoke_invitation(FACIL, inv.id, session=s)
    if case == "used up":
        with session_scope() as s:
            start_respondent("", "", "police", "frontline", invitation=secret, session=s)
    link = {"bad secret": secret[:-2] + "xy", "garbage": "<script>alert(1)</script>"}.get(case, secret)
    says = {"expired": "has expired", "revoked": "withdrawn", "used up": "as many times"}.get(case, "not valid")
    before = db_state(engine)
    at = _link("app_pages/assess.py", {"i": link})
    assert any(says in e.value for e in at.error), [e.value for e in at.error]
    assert "assess_start" not in [b.key for b in at.button] and at.session_state["assess_respondent"] is None
    with session_scope() as s, pytest.raises(InvitationError, match=says):
        start_respondent("", "", "police", "frontline", invitation=link, session=s)
    assert db_state(engine) == before


def test_the_cap_holds_when_the_last_place_is_taken_between_opening_and_starting(db_url) -> None:
    _cycle()
    _account()
    secret = _invite(cap=1)
    a = _link("app_pages/assess.py", {"i": secret})
    b = _link("app_pages/assess.py", {"i": secret})
    for at in (a, b):
        at.selectbox(key="assess_pick_agency").select("police")
        at.selectbox(key="assess_pick_level").select("frontline").run()
    a.button(key="assess_start").click().run()
    b.button(key="assess_start").click().run()
    assert a.session_state["assess_respondent"] and b.session_state["assess_respondent"] is None
    assert any("as many times" in e.value for e in b.error)
    with session_scope() as s:
        assert s.scalar(select(func.count(Respondent.id))) == 1


def test_only_facilitators_and_administrators_manage_invitations(db_url) -> None:
    _cycle()
    with session_scope() as s:
        ref = resolve_cycle("Northshire", "2026", session=s)
        for who in (None, Identity("scrut", "scrutineer", (Member("scrutineer"),))):
            assert not may_manage_invitations(who, ref.area_id)
            with pytest.raises(InvitationError, match="only a facilitator"):
                create_invitation(who, ref, days=7, max_uses=5, session=s)
        assert may_manage_invitations(Identity("admin", "administrator", (Member("administrator"),)), ref.area_id)
        for days, cap in ((0, 5), (91, 5), (7, 0), (7, 501)):
            with pytest.raises(InvitationError):
                create_invitation(FACIL, ref, days=days, max_uses=cap, session=s)


def test_a_facilitator_makes_lists_and_withdraws_an_invitation_on_the_page(db_url) -> None:
    _cycle()
    token = _account()
    at = open_page("app_pages/assess.py", auth_token=token, sel_area="Northshire", sel_cycle="2026")
    at.number_input(key="assess_inv_cap").set_value(3)
    at.button(key="assess_inv_make").click().run()
    assert not at.exception
    link = at.session_state["assess_inv_new"]
    assert "/assess?i=" in link and any(link == c.value for c in at.code)
    assert len(at.get("image")) == 1  # the QR code
    assert "open · 0 of 3 used" in texts(at)
    secret = link.split("i=")[1]
    with session_scope() as s:
        check_invitation(secret, session=s)
    revoke = next(b for b in at.button if b.key and b.key.startswith("assess_inv_revoke_"))
    revoke.click().run()
    assert "revoked · 0 of 3 used" in texts(at)
    with session_scope() as s, pytest.raises(InvitationError, match="withdrawn"):
        check_invitation(secret, session=s)
    with session_scope() as s:
        assert [e.action for e in entries(session=s, action="invitation.revoke")] == ["invitation.revoke"]


def test_without_any_account_the_open_self_assessment_still_works(db_url) -> None:
    _cycle()
    at = open_page("app_pages/assess.py", sel_area="Northshire", sel_cycle="2026")
    at.selectbox(key="assess_pick_agency").select("police")
    at.selectbox(key="assess_pick_level").select("frontline").run()
    at.button(key="assess_start").click().run()
    at.radio[0].set_value(1).run()
    assert _ratings() == 1


# Roster and removal --------------------------------------------------------------------------------------------------


@pytest.fixture
def room(db_url, catalogue):
    token = _account()
    iv = catalogue.interventions[0]
    with session_scope() as s:
        w = ws.create_workshop("Northshire", "2026", created_by="facil", session=s)
        people = [ws.join(w.code, "police", "strategic", f"P{k}", session=s) for k in range(3)]
        shortlist_add(resolve_cycle("Northshire", "2026", session=s), iv.id, session=s, cat=catalogue)
        ws.open_appraisal(w.code, True, session=s)
        for p in people:
            step = ws.steps_for(w, p.level, catalogue)[0]
            for item in step.items[:2]:
                ws.submit(w.code, p.pseudonym, step.framework, item.id, 2, session=s, cat=catalogue)
                ws.submit(w.code, p.pseudonym, step.framework, item.id, 3, session=s, cat=catalogue)  # history
            ws.submit_appraisal(w.code, p.pseudonym, iv.id, "equity", 4, session=s, cat=catalogue)
    return token, w, people


def test_removing_a_participant_takes_their_answers_out_of_the_record_audited(room, engine) -> None:
    _token, w, people = room
    gone = people[0]
    with session_scope() as s:
        preview = ws.removal_preview(FACIL, w.code, gone.pseudonym, session=s)
        assert (preview.ratings, preview.history, preview.appraisals) == (2, 2, 1)
        with pytest.raises(ws.JoinError, match="only the facilitator"):
            ws.remove_participant(
                Identity("other", "facilitator", (Member("facilitator"),)), w.code, gone.pseudonym, session=s
            )
        ws.remove_participant(FACIL, w.code, gone.pseudonym, session=s)
    with session_scope() as s:
        assert s.scalar(select(func.count(Rating.id))) == 4
        assert s.scalar(select(func.count(RatingHistory.id))) == 4
        assert s.scalar(select(func.count(ApeaseScore.id))) == 2
        assert s.scalar(select(func.count(Respondent.id)).where(Respondent.pseudonym == gone.pseudonym)) == 0
        (line,) = entries(session=s, action="workshop.remove_participant")
    assert line.actor == "facil" and gone.pseudonym in line.target
    assert line.before["ratings_in_cycle"] == 6 and line.after["ratings_in_cycle"] == 4
    assert line.before["participants"] == 3 and line.after["participants"] == 2
    assert line.before["their_ratings"] == 2
    at = _link("app_pages/join.py", {"w": w.code, "k": gone.secret})  # their link opens nothing now
    assert at.session_state["join_pseudonym"] is None


def test_the_page_asks_before_removing_and_says_exactly_what_goes(room) -> None:
    token, _w, people = room
    at = open_page("app_pages/workshop.py", auth_token=token)
    at.selectbox(key="workshop_person").select(people[1].pseudonym).run()
    at.button(key="workshop_remove").click().run()
    assert not at.exception
    shown = texts(at)
    assert "2 ratings" in shown and "2 earlier values" in shown and "1 APEASE scores" in shown
    assert _ratings() == 6  # nothing gone yet: the dialog asks first
    at.button(key="workshop_remove_yes").click().run()
    assert not at.exception
    assert _ratings() == 4
    assert any("Removed" in m.value for m in at.success)


def test_the_page_reissues_a_link_and_shows_it_once(room) -> None:
    token, w, people = room
    at = open_page("app_pages/workshop.py", auth_token=token)
    at.selectbox(key="workshop_person").select(people[2].pseudonym).run()
    at.button(key="workshop_reissue").click().run()
    assert not at.exception
    link = at.session_state["workshop_new_link"][1]
    assert f"w={w.code}&k=" in link and any(c.value == link for c in at.code)
    assert _link("app_pages/join.py", {"w": w.code, "k": people[2].secret}).session_state["join_pseudonym"] is None


def test_joins_against_the_roster_and_a_warning_for_late_joins_before_reveal(room) -> None:
    token, w, _people = room
    with session_scope() as s:
        ws.set_roster(FACIL, w.code, {"agency:police": 4, "level:strategic": 3}, session=s)
        with pytest.raises(ValueError, match="not an agency or level"):
            ws.set_roster(FACIL, w.code, {"agency:army": 1}, session=s)
    at = open_page("app_pages/workshop.py", auth_token=token)
    assert not at.exception
    tables = [d.value for d in at.dataframe]
    roster = next(t for t in tables if "Expected" in t.columns)
    police = roster[roster["Group"] == "Police"].iloc[0]
    assert (police["Joined"], police["Expected"], police[""]) == (3, 4, "1 to come")
    assert any(f"last {ws.LATE_JOIN_MINUTES} minutes: Police, Strategic level" in m.value for m in at.warning)
    with session_scope() as s:
        later = utcnow() + timedelta(minutes=ws.LATE_JOIN_MINUTES + 1)
        assert ws.late_joins(ws.find_workshop(w.code, session=s), session=s, now=later) == []


def test_the_cap_holds_under_parallel_starts(engine) -> None:
    """Ten phones press Start on a three-place invitation at the same moment: three get in (a guarded UPDATE)."""
    import threading  # only this test runs threads

    _cycle()
    _account()
    secret = _invite(cap=3)
    gate, results = threading.Barrier(10), []

    def start() -> None:
        gate.wait()
        try:
            with session_scope(engine) as s:
                start_respondent("", "", "police", "frontline", invitation=secret, session=s)
            results.append("in")
        except InvitationError:
            results.append("full")

    threads = [threading.Thread(target=start) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["full"] * 7 + ["in"] * 3
    with session_scope(engine) as s:
        assert s.scalar(select(func.count(Respondent.id))) == 3
        (inv,) = list_invitations(FACIL, resolve_cycle("Northshire", "2026", session=s), session=s)
    assert inv.uses == 3 and inv.state() == "used up"
