"""The yearly report checklist: the Wood entries scrutiny should judge, quoted in the report's own words, and each
entry filled only from the records that answer it (and saying which)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from toolkit.access.scope import LOCAL
from toolkit.analysis.area import analyse
from toolkit.analysis.config import Config
from toolkit.scrutiny import checklist_fill, evidence, summary, trail
from toolkit.store.areas import resolve_cycle
from toolkit.store.plans import add_goal, record_decision
from toolkit.training.demo import load_demo

SEED = Path(__file__).resolve().parents[1] / ".." / ".." / "shared" / "seeds" / "004_00e5279a3497e08c.txt"
WOOD = [  # (criterion, the paragraphs or recommendations its source names)
    ("scrutiny_partner_leadership", "paragraphs 136 and 142-144"),
    ("scrutiny_learning_reviews", "paragraph 139"),
    ("scrutiny_outcomes_sought", "paragraph 138"),
    ("scrutiny_agencies_schools", "paragraphs 117-122 and 146"),
    ("scrutiny_quality_assurance", "paragraph 146"),
    ("scrutiny_multiagency_training", "paragraph 146"),
    ("scrutiny_children_young_people", "paragraph 152; recommendation 13"),
    ("scrutiny_escalation", "recommendation 3"),
    ("scrutiny_information_sharing", "recommendation 3"),
]
AREA, CYCLE = "Ashvale (fictional)", "2026"


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2019", "'").replace("*", ""))


@pytest.mark.parametrize(("criterion", "section"), WOOD)
def test_each_wood_entry_cites_its_paragraphs_and_quotes_the_report(catalogue, criterion, section) -> None:
    c = next(c for c in catalogue.get("yearly_report").criteria if c.id == criterion)
    assert c.source is not None and c.source.report == "wood2021" and c.source.section == section
    quotes = re.findall(r'"([^"]+)"', c.description or "")
    assert quotes and all(len(q.split()) <= 20 for q in quotes)  # short quotes, the rest our words
    if SEED.exists():  # the report itself, where it is at ../shared/seeds
        wood = _flat(SEED.read_text(encoding="utf-8"))
        for q in quotes:
            assert _flat(q) in wood, q


def _fill(session, catalogue, **kw) -> dict[str, tuple[str, str]]:
    a = kw.pop("analysis", None)
    args = {"entries": [], "steps": [], "assured": {"signoffs": {}, "statement": ""}, "goals": []} | kw
    return checklist_fill.checklist_evidence(
        a, args["entries"], args["steps"], args["assured"], args["goals"], catalogue
    )


def test_with_no_records_only_the_assurance_points_say_anything(session, catalogue) -> None:
    out = _fill(session, catalogue)
    assert set(out) == {"assure_partner_signoff", "assure_scrutineer_statement"}
    assert out["assure_partner_signoff"] == (
        "No partner has signed off the report in the toolkit yet.",
        "sign-offs by account",
    )


def _note(link: str, judgement: str = "supports", n: int = 1) -> dict:
    return {"id": n, "link": link, "judgement": judgement, "note": f"note {n}", "source": "document"}


@pytest.mark.parametrize("criterion", [c for c, _ in WOOD] + ["contains_review_actions", "develop_evidence_base"])
def test_a_point_is_filled_from_notes_logged_against_it_and_says_so(session, catalogue, criterion) -> None:
    out = _fill(session, catalogue, entries=[_note(f"check:{criterion}", n=7), _note("stage:create", n=8)])
    text, source = out[criterion]
    assert text.startswith("1 note (1 supporting, 0 challenging): #7. Latest: note 7")
    assert source == checklist_fill.EVIDENCE_LOG


def test_notes_about_stages_fill_no_checklist_point_beyond_effectiveness(session, catalogue) -> None:
    """The old auto-fills are gone: a case-review note or challenge about a stage is not 'action on practice review
    recommendations', nor a learning cycle, nor a systematic approach."""
    notes = [
        {**_note("stage:create", "challenges", 1), "source": "case_review"},
        {**_note("c:c01_clarity", "supports", 2), "source": "case_review"},
    ]
    out = _fill(session, catalogue, entries=notes)
    for point in ("contains_review_actions", "develop_learning_cycle", "develop_systematic_evidence"):
        assert point not in out


def test_what_was_done_and_impact_come_from_the_decision_trail(session, catalogue) -> None:
    steps = [
        {"decision": "Joint briefings", "practice_change": "Monthly briefings", "outcome": "Staff aware"},
        {"decision": "Neglect audit", "practice_change": "", "outcome": ""},
    ]
    out = _fill(session, catalogue, steps=steps)
    assert out["contains_what_done"] == (
        "2 partner decisions in the decision trail, 1 with a practice change recorded.",
        "decision trail",
    )
    assert out["contains_impact_evidence"] == ("1 decision traced to an outcome seen.", "decision trail")
    assert out["develop_impact_not_governance"][1] == "decision trail"


def test_proposals_progress_and_outcomes_sought_come_from_the_partners_action_plan(session, catalogue) -> None:
    outcome = next(n for n in catalogue.toc.nodes if n.tier == "ultimate_outcomes")
    goals = [
        {"title": "Shared neglect tool", "toc_nodes": [outcome.id], "steps": [{"status": "not_started"}]},
        {"title": "Joint training", "toc_nodes": [], "steps": [{"status": "done"}]},
    ]
    out = _fill(session, catalogue, goals=goals)
    assert out["assure_proposals_for_change"] == (
        "The partners' action plan has 2 goals: Shared neglect tool; Joint training.",
        "action plan",
    )
    assert out["contains_little_progress"] == (
        "1 agreed goal with no step done yet: Shared neglect tool.",
        "action plan",
    )
    assert out["scrutiny_outcomes_sought"] == (
        f"The action plan's goals aim at these outcomes: {outcome.label}.",
        "action plan",
    )


def test_the_toolkits_own_inferences_fill_nothing(session, catalogue) -> None:
    """Two cycles assessed is not an evidence base, and the toolkit's journey priority is not a proposal for change."""
    load_demo(areas=1, catalogue=catalogue, session=session)
    session.commit()
    a = analyse(AREA, CYCLE, session=session, cat=catalogue, cfg=Config(min_group_size=3))
    assert a.opm.priority_stage is not None
    out = _fill(session, catalogue, analysis=a)
    assert "develop_evidence_base" not in out and "assure_proposals_for_change" not in out
    assert out["contains_effectiveness"][1] == checklist_fill.RATINGS
    assert "priority" not in out["contains_effectiveness"][0]


def test_the_page_tables_carry_the_filled_from_column(session, catalogue) -> None:
    load_demo(areas=1, catalogue=catalogue, session=session)
    session.commit()
    evidence.log_evidence(
        AREA,
        CYCLE,
        note="Minutes: the escalation protocol was used twice.",
        source="meeting",
        seen_on=date(2026, 1, 5),
        judgement="supports",
        link="check:scrutiny_escalation",
        actor=LOCAL,
        session=session,
        cat=catalogue,
    )
    trail.add_trail(AREA, CYCLE, decision="Joint briefings", actor=LOCAL, session=session, cat=catalogue)
    ref, iv = resolve_cycle(AREA, CYCLE, session=session), catalogue.interventions[0].id
    record_decision(ref, iv, True, "cheap", session=session, by="chair", cat=catalogue)
    add_goal(
        ref,
        iv,
        session=session,
        cat=catalogue,
        title="Shared neglect tool",
    )
    tables = summary.summary(AREA, CYCLE, session=session, cat=catalogue, analysis=None)
    chk = tables["yearly report checklist"].set_index("point")
    assert chk.loc["Escalation and dispute resolution", "filled_from"] == checklist_fill.EVIDENCE_LOG
    assert "escalation protocol" in chk.loc["Escalation and dispute resolution", "toolkit_evidence"]
    assert chk.loc["Proposals for change and improvement", "filled_from"] == "action plan"
    assert chk.loc["What the partners and relevant agencies have done", "filled_from"] == "decision trail"
    assert chk.loc["The evidence base behind decisions, and how they will be evaluated", "toolkit_evidence"] == ""
    assert chk.loc["Children and young people in scrutiny", "group"] == "What independent scrutiny should judge"
