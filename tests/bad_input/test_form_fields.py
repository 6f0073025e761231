"""Bad form fields through the one path every page saves an answer by (submit_answer, and the workshop's submit).

Each bad field is refused with an AnswerError that names the field and the reason (pages show it as is), and
nothing is written: no area, cycle, respondent, rating or history row. On PostgreSQL these values used to fail
inside the database driver (a NUL byte, a name longer than its column) and showed a traceback.
"""

from __future__ import annotations

import pytest

from tests.bad_input.helpers import SCRIPT, db_state
from toolkit import workshops as ws
from toolkit.access.scope import LOCAL
from toolkit.capture.assessment import AnswerError, submit_answer
from toolkit.capture.validate import MAX_COMMENT
from toolkit.store.areas import resolve_cycle
from toolkit.store.db import session_scope


def answer(cat, **bad):
    item = cat.opm.items[0]
    args = {
        "area": "Northshire",
        "cycle": "2026",
        "pseudonym": "r-abcdefgh",
        "agency": "police",
        "level": item.level or "frontline",
        "framework": "opm",
        "item": item.id,
        "score": 3,
        "comment": "",
    } | bad
    return args


CASES = [
    ("agency-unknown", {"agency": "fire_service"}, "unknown agency 'fire_service'"),
    ("agency-none", {"agency": None}, "unknown agency None"),
    ("level-unknown", {"level": "senior"}, "unknown level 'senior'"),
    ("framework-unknown", {"framework": "opm_v2"}, "unknown statement opm_v2/"),
    ("framework-is-reference", {"framework": "apease"}, "unknown statement apease/"),
    ("item-unknown", {"item": "no_such_item"}, "unknown statement opm/no_such_item"),
    ("item-unhashable", {"item": ["a", "list"]}, "unknown statement opm/['a', 'list']"),
    ("score-0", {"score": 0}, "score 0 is outside 1-5"),
    ("score-6", {"score": 6}, "score 6 is outside 1-5"),
    ("score-true", {"score": True}, "score True is not a whole number from 1 to 5"),
    ("score-text", {"score": "3"}, "score '3' is not a whole number"),
    ("score-float", {"score": 3.0}, "score 3.0 is not a whole number"),
    ("comment-too-long", {"comment": "x" * (MAX_COMMENT + 1)}, f"longer than {MAX_COMMENT} characters"),
    ("comment-none", {"comment": None}, "a comment is text, not NoneType"),
    ("comment-nul", {"comment": "before\x00after"}, "control character"),
    ("area-blank", {"area": "   "}, "the area name is blank"),
    ("area-too-long", {"area": "N" * 201}, "the area name is 201 characters long; the limit is 200"),
    ("area-with-nul", {"area": "North\x00shire"}, "the area name contains a control character"),
    ("cycle-too-long", {"cycle": "2" * 101}, "the cycle name is 101 characters long; the limit is 100"),
    ("pseudonym-blank", {"pseudonym": ""}, "the respondent name is blank"),
    ("pseudonym-html-too-long", {"pseudonym": SCRIPT * 5}, f"the respondent name is {len(SCRIPT * 5)} characters long"),
]


@pytest.mark.parametrize(("bad", "says"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_bad_field_is_refused_by_name_and_nothing_is_written(bad, says, engine, catalogue) -> None:
    before = db_state(engine)
    args = answer(catalogue, **bad)
    with session_scope(engine) as s, pytest.raises(AnswerError) as caught:
        submit_answer(*args.values(), session=s, cat=catalogue)
    assert says in str(caught.value)
    assert db_state(engine) == before


def test_a_respondent_cannot_change_their_agency_by_answering(engine, catalogue) -> None:
    with session_scope(engine) as s:
        submit_answer(*answer(catalogue).values(), session=s, cat=catalogue)
    before = db_state(engine)
    args = answer(catalogue, agency="health", item=catalogue.opm.items[1].id)
    with session_scope(engine) as s, pytest.raises(AnswerError, match="already recorded as police/"):
        submit_answer(*args.values(), session=s, cat=catalogue)
    assert db_state(engine) == before


@pytest.fixture
def participant(engine):
    with session_scope(engine) as s:
        w = ws.create_workshop("Northshire", "2026", created_by="facil", session=s)
        return w, ws.join(w.code, "police", "frontline", "Sam", session=s)


@pytest.mark.parametrize(
    ("who", "says"),
    [
        (lambda p: "r-notjoined", "you are not in this workshop"),
        (lambda p: p.pseudonym + "\x00", "you are not in this workshop"),
        (lambda p: "", "you are not in this workshop"),
    ],
    ids=["forged-pseudonym", "pseudonym-with-nul", "no-pseudonym"],
)
def test_a_workshop_answer_from_someone_not_in_the_room_is_refused(who, says, engine, catalogue, participant) -> None:
    w, p = participant
    step = ws.steps_for(w, p.level, catalogue)[0]
    before = db_state(engine)
    with pytest.raises(AnswerError, match=says):
        ws.answer(w.code, who(p), step.framework, step.items[0].id, 3, engine=engine, cat=catalogue)
    assert db_state(engine) == before


def test_a_display_name_is_cleaned_and_cut_not_stored_as_typed(engine, participant) -> None:
    w, _ = participant
    with session_scope(engine) as s:
        p = ws.join(w.code, "health", "strategic", "  Priya\x00\x07  Shah " + "x" * 500, session=s)
    assert p.display_name.startswith("Priya Shah x") and len(p.display_name) == ws.MAX_NAME
    assert "\x00" not in p.display_name


def test_typed_notes_and_names_are_stored_without_control_characters_and_within_their_columns(
    engine, catalogue
) -> None:
    """Names and notes typed on the plan, interventions, Theory of Change and scrutiny pages: a NUL (refused by
    PostgreSQL, which showed a traceback) or a name longer than its column is cleaned, not crashed on."""
    from datetime import date

    from toolkit.scrutiny import evidence as sc
    from toolkit.store.assumptions import save_assumption
    from toolkit.store.plans import (
        action_plan,
        add_goal,
        add_step,
        apease_scores,
        record_apease,
        record_decision,
        shortlist_add,
    )

    o = catalogue.opm.items[0]
    with session_scope(engine) as s:
        submit_answer(
            "Northshire",
            "2026",
            "r-abcdefgh",
            "police",
            o.level or "frontline",
            "opm",
            o.id,
            3,
            session=s,
            cat=catalogue,
        )
        iv = catalogue.interventions[0].id
        shortlist_add(resolve_cycle("Northshire", "2026", session=s), iv, session=s, cat=catalogue)
        record_apease(
            resolve_cycle("Northshire", "2026", session=s),
            iv,
            "equity",
            "R" * 300,
            3,
            "note\x00here",
            session=s,
            cat=catalogue,
        )
        record_decision(
            resolve_cycle("Northshire", "2026", session=s),
            iv,
            True,
            "because\x00",
            session=s,
            by="facil",
            cat=catalogue,
        )
        goal = add_goal(resolve_cycle("Northshire", "2026", session=s), iv, session=s, title="goal\x00", cat=catalogue)
        add_step(goal, "step\x00one", session=s, owner="O" * 500, cat=catalogue)
        save_assumption(
            resolve_cycle("Northshire", "2026", session=s),
            catalogue.toc.assumptions[0].id,
            "holds",
            "ok\x00",
            session=s,
        )
        sc.log_evidence(
            "Northshire",
            "2026",
            note="seen\x00it",
            source="audit",
            seen_on=date(2025, 1, 1),
            judgement="supports",
            link="stage:consider",
            actor=LOCAL,
            session=s,
            cat=catalogue,
        )
    with session_scope(engine) as s:
        (score,) = apease_scores(resolve_cycle("Northshire", "2026", session=s), session=s)
        plan = action_plan(resolve_cycle("Northshire", "2026", session=s), session=s)
        (note,) = sc.evidence_log("Northshire", "2026", session=s)
    assert score["rater"] == "R" * 100 and score["note"] == "notehere"
    assert plan["goals"][0]["title"] == "goal" and plan["goals"][0]["steps"][0]["text"] == "stepone"
    assert plan["goals"][0]["steps"][0]["owner"] == "O" * 200
    assert note["note"] == "seenit" and note["created_by"] == "local"
