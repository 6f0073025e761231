"""AppTest: trainer mode loads a demo story into its sandbox, explains with sources, reveals the toolkit's answers,
resets (in the sandbox only, after asking), presents; the live record is never touched."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.pages import open_page, texts
from toolkit.access.accounts import create_user
from toolkit.access.scope import LOCAL
from toolkit.core.settings import get_settings
from toolkit.scrutiny.checklist import checks, set_check
from toolkit.scrutiny.evidence import evidence_log, log_evidence
from toolkit.scrutiny.trail import add_trail, trail
from toolkit.store.areas import list_areas, resolve_cycle
from toolkit.store.assumptions import assumption_register, save_assumption
from toolkit.store.audit import entries
from toolkit.store.db import engine_for, session_scope
from toolkit.store.models import metadata
from toolkit.training.demo import STORIES, load_demo
from toolkit.training.sandbox import sandbox_url

ASHVALE, DUNMARSH = STORIES[0].name, STORIES[3].name


@pytest.fixture
def sandbox_db(db_url, tmp_path, monkeypatch) -> str:
    """A sandbox database of this test's own (TOOLKIT_SANDBOX_URL), beside the live one."""
    monkeypatch.setenv("TOOLKIT_SANDBOX_URL", f"sqlite:///{tmp_path / 'sandbox.db'}")
    get_settings.cache_clear()
    yield sandbox_url()
    engine_for(sandbox_url()).dispose()
    get_settings.cache_clear()


@contextmanager
def in_sandbox() -> Iterator[Session]:
    with session_scope(engine_for(sandbox_url())) as s:
        yield s


def live_counts() -> dict[str, int]:
    """The number of rows in every table of the live database."""
    with session_scope() as s:
        return {t.name: s.scalar(select(func.count()).select_from(t)) or 0 for t in metadata.sorted_tables}


@pytest.fixture
def at(sandbox_db, catalogue):
    """The trainer page on an empty database (it loads the demo partnership it needs into the sandbox)."""
    return open_page("app_pages/trainer.py", timeout=120)


def test_the_first_story_is_loaded_and_told(at) -> None:
    assert not at.exception
    shown = texts(at)
    assert "Trainer mode" in shown and STORIES[0].summary in shown
    assert "synthetic" in shown and "sandbox" in shown
    with in_sandbox() as s:
        assert [a.area for a in list_areas(session=s)] == [ASHVALE]
    with session_scope() as s:
        assert list_areas(session=s) == []  # nothing in the live record
    assert at.radio(key="trainer_stage_answer").value is None
    assert at.button(key="trainer_reveal_stage").disabled


def test_answering_reveals_the_toolkits_answer_and_reasoning(at) -> None:
    at.radio(key="trainer_stage_answer").set_value("consider").run()
    at.button(key="trainer_reveal_stage").click().run()
    assert not at.exception
    shown = texts(at)
    assert "The toolkit's answer:** Communicate" in shown
    assert "The toolkit would start somewhere else." in shown
    assert "first stage where the journey stalls" in shown
    at.radio(key="trainer_stage_answer").set_value("communicate").run()
    assert "You agree with the toolkit." in texts(at)


def test_the_intervention_exercise_reveals_the_suggestions(at, catalogue) -> None:
    from toolkit.analysis.area import analyse
    from toolkit.training.trainer import intervention_exercise

    with in_sandbox() as s:
        ex = intervention_exercise(analyse(ASHVALE, "2026", session=s, cat=catalogue), catalogue)
    assert len(at.radio(key="trainer_iv_answer").options) == len(ex.options) >= 4
    wrong = next(o.key for o in ex.options if o.key not in ex.accepted)
    at.radio(key="trainer_iv_answer").set_value(wrong).run()
    at.button(key="trainer_reveal_iv").click().run()
    assert not at.exception
    shown = texts(at)
    assert "The toolkit would not shortlist that here." in shown
    assert f"The toolkit's answer:** {ex.options[[o.key for o in ex.options].index(ex.answer)].label}" in shown
    assert "1. " + ex.reasoning[0][3:] in shown
    at.radio(key="trainer_iv_answer").set_value(ex.answer).run()
    assert "You agree with the toolkit." in texts(at)


def test_explain_panels_cite_their_source(at) -> None:
    for kind in ("Stages", "Levels", "The 12 C's", "Theory of Change boxes", "Assumptions", "Interventions"):
        at.segmented_control(key="trainer_explain_kind").set_value(kind).run()
        assert not at.exception, kind
        assert "Source: " in texts(at), kind


def test_another_story_is_loaded_on_demand(at) -> None:
    at.selectbox(key="trainer_story").set_value(DUNMARSH).run()
    assert not at.exception
    assert STORIES[3].summary in texts(at)
    with in_sandbox() as s:
        assert {a.area for a in list_areas(session=s)} == {ASHVALE, DUNMARSH}


def test_reset_asks_first_then_restores_the_demo_in_the_sandbox(at) -> None:
    with in_sandbox() as s:
        save_assumption(
            resolve_cycle(ASHVALE, "2026", session=s), "reform_pitched_right", "fails", "trainee's edit", session=s
        )
    at.button(key="trainer_reset").click().run()
    assert not at.exception
    shown = texts(at)
    assert "In the sandbox only, this deletes everything stored under" in shown
    assert "- 1 assumption reviews" in shown and "ratings" in shown
    assert "Nothing in the live record is touched." in shown
    at.button(key="trainer_reset_cancel").click().run()  # cancelling deletes nothing
    with in_sandbox() as s:
        assert len(assumption_register(resolve_cycle(ASHVALE, "2026", session=s), session=s)) == 1
    at.button(key="trainer_reset").click().run()
    at.button(key="trainer_reset_confirm").click().run()
    assert not at.exception
    assert "back to its demo data" in texts(at)
    with in_sandbox() as s:
        assert assumption_register(resolve_cycle(ASHVALE, "2026", session=s), session=s) == {}
        assert [e.action for e in entries(session=s)][:1] == ["trainer_reset"]


def test_opening_and_using_trainer_signed_out_writes_nothing_to_the_live_database(sandbox_db, catalogue) -> None:
    """Finding 3: trainer mode, opened signed out on an installation with accounts, wrote demo areas into the record."""
    with session_scope() as s:
        create_user("admin1", "a long enough password", "administrator", session=s)
    before = live_counts()
    at = open_page("app_pages/trainer.py", timeout=120)
    assert not at.exception
    at.selectbox(key="trainer_story").set_value(DUNMARSH).run()
    at.radio(key="trainer_stage_answer").set_value("consider").run()
    at.button(key="trainer_reveal_stage").click().run()
    at.button(key="trainer_reset").click().run()
    at.button(key="trainer_reset_confirm").click().run()
    assert not at.exception
    assert live_counts() == before
    with in_sandbox() as s:
        assert {a.area for a in list_areas(session=s)} == {ASHVALE, DUNMARSH}


def test_a_reset_leaves_a_scrutineers_live_evidence_trail_and_judgements_alone(sandbox_db, catalogue) -> None:
    """Finding 3: Reset deleted a scrutineer's evidence, trail and judgements (here of a demo area in the record)."""
    load_demo(areas=1, catalogue=catalogue)  # the demo partnership loaded into the live record by `toolkit demo`
    with session_scope() as s:
        log_evidence(
            ASHVALE,
            "2026",
            note="Audit of 20 cases",
            source="audit",
            seen_on=date(2026, 5, 1),
            judgement="challenges",
            link="stage:consider",
            owner="local",
            due_on=date.today(),
            actor=LOCAL,
            session=s,
            cat=catalogue,
        )
        add_trail(ASHVALE, "2026", decision="Joint training", actor=LOCAL, session=s, cat=catalogue)
        criterion = catalogue.get("yearly_report").criteria[0].id
        set_check(ASHVALE, "2026", criterion, "evidenced", actor=LOCAL, session=s, cat=catalogue)
    before = live_counts()
    at = open_page("app_pages/trainer.py", timeout=120)
    at.button(key="trainer_reset").click().run()
    at.button(key="trainer_reset_confirm").click().run()
    assert not at.exception and "back to its demo data" in texts(at)
    assert live_counts() == before
    with session_scope() as s:
        assert len(evidence_log(ASHVALE, "2026", session=s)) == 1
        assert len(trail(ASHVALE, "2026", session=s)) == 1
        assert len(checks(ASHVALE, "2026", session=s)) == 1


def test_presentation_view_shows_one_screen_at_a_time(at) -> None:
    at.toggle(key="trainer_present").set_value(True).run()
    assert not at.exception
    assert f"# {ASHVALE}" in [m.value for m in at.markdown]
    at.button(key="trainer_next").click().run()
    assert "# Who answered" in [m.value for m in at.markdown]
    assert at.button(key="trainer_prev").disabled is False
