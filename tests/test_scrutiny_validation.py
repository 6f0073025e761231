"""Validation of the self-rating per stage and C: a scrutineer validates or adjusts, a member disputes, neither does
the other's part; the state shows beside the self-rating on the Scrutiny page, in its export and in the report."""

from __future__ import annotations

from datetime import date

import pytest

from tests.test_scrutiny_challenges import AREA, CYCLE, _raise
from tests.test_scrutiny_challenges import people as people  # the fixture: a scrutineer and members, by membership
from toolkit.access.scope import LOCAL, AccessDenied
from toolkit.analysis.area import analyse
from toolkit.analysis.config import Config
from toolkit.reports.blocks import Bullets, Table
from toolkit.reports.content import build_report
from toolkit.scrutiny import challenges, evidence, fields, summary, validation
from toolkit.store.audit import entries
from toolkit.store.db import session_scope
from toolkit.training.demo import load_demo


def _states(session) -> dict[str, dict]:
    return validation.states_of(AREA, CYCLE, evidence.evidence_log(AREA, CYCLE, session=session), session=session)


def test_states_follow_challenges_validation_adjustment_and_dispute(session, catalogue, people) -> None:
    scrut, bm = people["scrut"], people["bm"]
    assert _states(session)["stage:create"]["state"] == "self_assessed"
    ch = _raise(session, catalogue, scrut, link="stage:create")
    assert _states(session)["stage:create"]["state"] == "challenged"
    challenges.withdraw_challenge(ch.id, area=AREA, cycle=CYCLE, reason="raised in error", actor=scrut, session=session)
    assert _states(session)["stage:create"]["state"] == "self_assessed"
    validation.set_validation(AREA, CYCLE, "stage:create", "validated", actor=scrut, session=session, cat=catalogue)
    assert _states(session)["stage:create"]["state"] == "validated"
    with pytest.raises(fields.ScrutinyError, match="The reason is empty"):
        validation.set_validation(
            AREA, CYCLE, "c:c01_clarity", "adjusted", figure=2.5, actor=scrut, session=session, cat=catalogue
        )
    for bad in (None, 0.5, 5.5, True):
        with pytest.raises(fields.ScrutinyError, match="from 1 to 5"):
            validation.set_validation(
                AREA,
                CYCLE,
                "c:c01_clarity",
                "adjusted",
                figure=bad,
                reason="r",
                actor=scrut,
                session=session,
                cat=catalogue,
            )
    with pytest.raises(fields.ScrutinyError, match="not an OPM stage"):
        validation.set_validation(AREA, CYCLE, "toc:x", "validated", actor=scrut, session=session, cat=catalogue)
    with pytest.raises(fields.ScrutinyError, match="a scrutineer sets"):
        validation.set_validation(AREA, CYCLE, "c:c01_clarity", "disputed", actor=scrut, session=session, cat=catalogue)
    validation.set_validation(
        AREA,
        CYCLE,
        "c:c01_clarity",
        "adjusted",
        figure=2.5,
        reason="Case audit: roles unclear in 6 of 20 cases.",
        actor=scrut,
        session=session,
        cat=catalogue,
    )
    v = _states(session)["c:c01_clarity"]
    assert (v["state"], v["figure"], v["by"], v["role"]) == ("adjusted", 2.5, "scrut", "scrutineer")
    assert (
        validation.in_words(v) == "Adjusted to 2.50 by scrut (scrutineer): Case audit: roles unclear in 6 of 20 cases."
    )
    validation.dispute_validation(
        AREA, CYCLE, "c:c01_clarity", "The audit predates the new protocol.", actor=bm, session=session
    )
    v = _states(session)["c:c01_clarity"]
    assert (v["state"], v["figure"], v["by"], v["role"]) == ("disputed", 2.5, "bm", "facilitator")
    assert validation.short_words(v) == "Disputed (scrutineer 2.50)"
    history = validation.validations(AREA, CYCLE, session=session)["c:c01_clarity"]["history"]
    assert [(h["action"], h["by"]) for h in history] == [("adjusted", "scrut"), ("disputed", "bm")]
    assert [e.action for e in entries(session=session)][:2] == ["validation_disputed", "validation"]


def test_a_scrutineer_validates_a_member_disputes_and_neither_does_the_others_part(session, catalogue, people) -> None:
    scrut, bm, south = people["scrut"], people["bm"], people["south"]
    with pytest.raises(AccessDenied, match="keep the scrutiny log"):
        validation.set_validation(AREA, CYCLE, "stage:create", "validated", actor=bm, session=session, cat=catalogue)
    with pytest.raises(AccessDenied):
        validation.set_validation(AREA, CYCLE, "stage:create", "validated", actor=south, session=session, cat=catalogue)
    validation.set_validation(AREA, CYCLE, "stage:create", "validated", actor=scrut, session=session, cat=catalogue)
    with pytest.raises(AccessDenied, match="answer the scrutineer's challenges"):
        validation.dispute_validation(AREA, CYCLE, "stage:create", "We disagree.", actor=scrut, session=session)
    with pytest.raises(fields.ScrutinyError, match="only a validated or adjusted"):
        validation.dispute_validation(AREA, CYCLE, "stage:commit", "We disagree.", actor=bm, session=session)
    assert _states(session)["stage:create"]["state"] == "validated"


def test_the_state_shows_beside_the_self_rating_in_the_summary_and_the_report(db_url, catalogue) -> None:
    load_demo(areas=1, catalogue=catalogue)
    area, cycle = "Ashvale (fictional)", "2026"
    with session_scope() as s:
        validation.set_validation(
            area,
            cycle,
            "stage:communicate",
            "adjusted",
            figure=2.0,
            reason="Staff unaware of the plan.",
            actor=LOCAL,
            session=s,
            cat=catalogue,
        )
        validation.set_validation(area, cycle, "c:c03_competence", "validated", actor=LOCAL, session=s, cat=catalogue)
    with session_scope() as s:
        a = analyse(area, cycle, session=s, cat=catalogue, cfg=Config())
        side = summary.summary(area, cycle, session=s, cat=catalogue, analysis=a, today=date.today())
        report = build_report(area, cycle, session=s, cat=catalogue, cfg=Config())
    table = side["self-rating and scrutiny"].set_index("about")
    assert table.loc["Stage: Communicate", "validation"].startswith("Adjusted to 2.00 by local")
    assert table.loc["Stage: Create", "validation"] == "Self-assessed"
    sections = {s.heading: s for s in report.sections}
    stage_table = next(b for b in sections["Journey priority"].blocks if isinstance(b, Table))
    rows = {r[0]: r for r in stage_table.rows}
    assert stage_table.columns[-1] == "Validation" and rows["Communicate"][-1] == "Adjusted to 2.00"
    c_table = next(b for b in sections["The 12 C's"].blocks if isinstance(b, Table))
    assert any(r[0].startswith("3.") and r[3] == "Validated" for r in c_table.rows)
    bullets = next(b for b in sections["Validation of the self-rating"].blocks if isinstance(b, Bullets))
    assert any("Stage Communicate: Adjusted to 2.00" in x and "Staff unaware" in x for x in bullets.items)
