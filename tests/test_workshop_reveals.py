"""Reveals are snapshots (issue 14): what the room sees is frozen at each reveal; later answers appear at the next
one only when the change stands on enough new answers; late joins are flagged; a place is fixed after a reveal."""

from __future__ import annotations

import re

import pytest

from toolkit import workshops as ws
from toolkit.analysis.config import Config
from toolkit.analysis.suppression import snapshot_shortfalls
from toolkit.store.audit import entries
from toolkit.store.plans import shortlist_add

CFG = Config(min_group_size=3)


def _answer(w, p, cat, session, score: int) -> None:
    for step in ws.steps_for(w, p.level, cat):
        for item in step.items:
            ws.submit(w.code, p.pseudonym, step.framework, item.id, score, session=session, cat=cat)


def _room(session, catalogue):
    w = ws.create_workshop("Northshire", "2026", frameworks=["opm"], stages=["consider"], created_by="facil",
                           session=session)  # fmt: skip
    people = []
    for agency, level, n in (("police", "managerial", 3), ("health", "frontline", 4)):
        for k in range(n):
            p = ws.join(w.code, agency, level, session=session)
            _answer(w, p, catalogue, session, 2 + k % 3)
            people.append(p)
    return w, people


def _phone(w, p, session, catalogue):
    return ws.participant_view(ws.find_workshop(w.code, session=session), p, session=session, cat=catalogue, cfg=CFG)


def test_answers_after_a_reveal_reach_the_room_only_at_a_reveal_that_stands_on_enough_of_them(session, catalogue):
    w, people = _room(session, catalogue)
    first = ws.reveal_now(w.code, session=session, cat=catalogue, cfg=CFG)
    assert first.number == 1 and first.results_updated and "7 people" in first.message
    seen = _phone(w, people[0], session, catalogue)
    assert seen.reveal == 1 and seen.results.respondents == 7
    late = ws.join(w.code, "health", "frontline", session=session)
    _answer(w, late, catalogue, session, 5)
    assert _phone(w, people[0], session, catalogue).results == seen.results  # frozen: no live figures
    kept = ws.reveal_now(w.code, session=session, cat=catalogue, cfg=CFG)
    assert kept.number == 1 and not kept.results_updated
    assert "Health at frontline level" in kept.message and "1 person has answered anew" in kept.message
    assert _phone(w, people[0], session, catalogue).results == seen.results
    for _ in range(2):  # two more newcomers: three fresh answers in that group
        p = ws.join(w.code, "health", "frontline", session=session)
        _answer(w, p, catalogue, session, 3)
    again = ws.reveal_now(w.code, session=session, cat=catalogue, cfg=CFG)
    assert again.number == 2 and again.results_updated and not again.held_back
    now = _phone(w, people[0], session, catalogue)
    assert now.reveal == 2 and now.results.respondents == 10
    assert ws.latest_snapshot(w.id, session=session).results == now.results  # the dashboard's figures are the same
    nothing = ws.reveal_now(w.code, session=session, cat=catalogue, cfg=CFG)
    assert nothing.number == 2 and "Nothing has changed" in nothing.message
    audit = [e for e in entries(session=session, action="workshop.reveal")][::-1]
    assert [e.after["reveal"] for e in audit] == [1, 1, 2, 2]
    assert [e.after["ratings_updated"] for e in audit] == [True, False, True, False]
    assert audit[1].after["held_back"] and all(e.actor == "cli" for e in audit)


def test_a_changed_answer_is_a_fresh_one_and_a_removal_is_not_published_alone(session, catalogue):
    w, people = _room(session, catalogue)
    ws.reveal(w.code, session=session, cat=catalogue, cfg=CFG)
    step = ws.steps_for(w, "frontline", catalogue)[0]
    ws.submit(w.code, people[-1].pseudonym, "opm", step.items[0].id, 1, session=session, cat=catalogue)
    out = ws.reveal_now(w.code, session=session, cat=catalogue, cfg=CFG)
    assert not out.results_updated and "1 person has answered anew" in out.message


def test_a_changed_place_is_allowed_until_the_first_reveal_and_refused_after(session, catalogue):
    w, _ = _room(session, catalogue)
    me = ws.join(w.code, "police", "frontline", session=session)
    moved = ws.change_place(w.code, me.secret, "police", "managerial", session=session)
    assert (moved.agency, moved.level) == ("police", "managerial")
    assert ws.resume_participant(w.code, me.secret, session=session).level == "managerial"
    line = entries(session=session, action="workshop.change_place")[0]
    assert line.before == {"agency": "police", "level": "frontline"} and line.after["level"] == "managerial"
    ws.reveal(w.code, session=session, cat=catalogue, cfg=CFG)
    with pytest.raises(ws.JoinError, match="fixed now that the room's results have been revealed"):
        ws.change_place(w.code, me.secret, "police", "strategic", session=session)
    with pytest.raises(ws.JoinError, match="could not find your place"):
        ws.change_place(w.code, "x" * 43, "police", "strategic", session=session)
    assert ws.resume_participant(w.code, me.secret, session=session).level == "managerial"


def test_joins_after_the_first_reveal_are_flagged_to_the_facilitator(session, catalogue):
    w, _ = _room(session, catalogue)
    assert ws.joins_since_reveal(w, session=session) == []
    ws.reveal(w.code, session=session, cat=catalogue, cfg=CFG)
    assert ws.joins_since_reveal(w, session=session) == []
    for _ in range(2):
        ws.join(w.code, "local_authority", "strategic", session=session)
    assert ws.joins_since_reveal(w, session=session) == ["Local authority, strategic level: 2"]


def test_the_priority_text_on_phones_holds_only_published_figures(session, catalogue):
    """A lone lead who rates everything 1 would be the weakest level: the phone's reason must not say so."""
    w, people = _room(session, catalogue)
    lead = ws.join(w.code, "local_authority", "strategic", session=session)
    _answer(w, lead, catalogue, session, 1)
    ws.reveal(w.code, session=session, cat=catalogue, cfg=CFG)
    a = _phone(w, people[0], session, catalogue).results
    assert a.opm.priority_stage == "consider"
    reason = a.opm.priority_reason
    assert "strategic" not in reason.lower()
    shown = {f"{c.mean:.1f}" for c in [a.opm.by_stage["consider"], *a.opm.by_stage_level["consider"].values()]
             if c.mean is not None} | {f"{i.mean:.1f}" for i in a.items if i.mean is not None}  # fmt: skip
    counts = {str(c.n) for c in [a.opm.by_stage["consider"], *a.opm.by_stage_level["consider"].values()] if c.n}
    for number in re.findall(r"n=(\d+)", reason):
        assert number in counts, reason
    for number in re.findall(r"(?<![=\d.])(\d\.\d)(?!\d)", reason):
        assert number in shown | {"3.0"}, reason  # 3.0: the threshold


def test_the_appraisal_is_frozen_with_the_reveal_too(session, catalogue):
    w, people = _room(session, catalogue)
    iv = catalogue.interventions[0].id
    shortlist_add(w.ref, iv, session=session, cat=catalogue)
    ws.reveal(w.code, session=session, cat=catalogue, cfg=CFG)
    ws.open_appraisal(w.code, True, session=session)
    for p, score in zip(people[:4], (4, 5, 3, 4), strict=True):
        ws.submit_appraisal(w.code, p.pseudonym, iv, "equity", score, session=session, cat=catalogue)
    assert _phone(w, people[0], session, catalogue).appraisal[iv]["criteria"]["equity"]["n"] == 0  # not yet shown
    out = ws.reveal_now(w.code, session=session, cat=catalogue, cfg=CFG)
    assert out.appraisal_updated and not out.results_updated
    assert _phone(w, people[0], session, catalogue).appraisal[iv]["criteria"]["equity"]["mean"] == 4.0
    ws.submit_appraisal(w.code, people[4].pseudonym, iv, "equity", 1, session=session, cat=catalogue)
    kept = ws.reveal_now(w.code, session=session, cat=catalogue, cfg=CFG)
    assert not kept.appraisal_updated and "APEASE" in kept.message
    assert _phone(w, people[0], session, catalogue).appraisal[iv]["criteria"]["equity"]["mean"] == 4.0


def _b(**people):
    return {r: {"stage|opm|consider": list(v)} for r, v in people.items()}


def test_a_pool_that_splits_is_a_shortfall_even_when_each_new_unit_is_big_enough() -> None:
    """Level L: cells a (2), b (2), c (2) pooled; three newcomers make a its own unit: old pool less new pool is a."""
    pooled = {f"{x}{k}": ("L/", 3.0) for x in "abc" for k in range(2)}
    after = {**pooled, "a0": ("L/a", 3.0), "a1": ("L/a", 3.0), **{f"n{k}": ("L/a", 4.0) for k in range(3)}}
    short = snapshot_shortfalls(_b(**pooled), _b(**after), 3)
    assert ("stage|opm|consider", "L/", 2, 0) in short
    same = snapshot_shortfalls(_b(**pooled), _b(**pooled), 3)
    assert same == []
    grown = {**pooled, **{f"n{k}": ("L/", 4.0) for k in range(3)}}
    assert snapshot_shortfalls(_b(**pooled), _b(**grown), 3) == []
    unmasked = {"lead": (None, 2.0)}  # withheld, then two newcomers make a unit of three with them
    assert snapshot_shortfalls(_b(**unmasked), _b(lead=("S/x", 2.0), s1=("S/x", 1.0), s2=("S/x", 1.0)), 3) == [
        ("stage|opm|consider", "S/x", 3, 2)
    ]
