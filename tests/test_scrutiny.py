"""Scrutiny: evidence-log round trips, challenges answered and resolved, the decision trail, the yearly report checklist."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from sqlalchemy import select

from toolkit.access.accounts import Identity, Member
from toolkit.access.scope import LOCAL
from toolkit.analysis.area import analyse
from toolkit.analysis.config import Config
from toolkit.scrutiny import checklist, evidence, fields, summary, trail
from toolkit.store.areas import get_or_create_area, get_or_create_cycle
from toolkit.store.audit import entries
from toolkit.store.models import Area, EvidenceEntry, ReportAssurance, TrailEntry

AREA, CYCLE = "Northshire", "2026"
SCRUT = Identity("scrut", "scrutineer", (Member("scrutineer"),))  # a scrutineer for every area
TODAY = date(2026, 6, 1)


@pytest.fixture
def cycle(session):
    return get_or_create_cycle(get_or_create_area(AREA, session=session), CYCLE, session=session)


def _log(session, catalogue, **kw):
    args = {
        "note": "Audit of 20 referrals: thresholds applied consistently.",
        "source": "audit",
        "seen_on": date(2026, 5, 2),
        "judgement": "supports",
        "link": "stage:create",
        "actor": SCRUT,
    } | kw
    if args["judgement"] == "challenges":
        args = {"owner": "local", "due_on": date(2026, 7, 1)} | args
    return evidence.log_evidence(AREA, CYCLE, session=session, cat=catalogue, today=TODAY, **args)


def test_evidence_round_trips_with_every_field(session, catalogue, cycle) -> None:
    item = catalogue.opm.items[3]
    _log(session, catalogue)
    _log(
        session,
        catalogue,
        note="Minutes show no challenge from health.",
        source="meeting",
        seen_on=date(2026, 5, 20),
        judgement="challenges",
        link=f"item:opm:{item.id}",
    )
    _log(
        session,
        catalogue,
        note="ToC box",
        source="document",
        link="toc:int_information_sharing",
        seen_on=date(2026, 1, 1),
    )
    _log(
        session,
        catalogue,
        note="Review",
        source="case_review",
        link="c:c07_culture_of_challenge",
        seen_on=date(2026, 2, 1),
    )
    session.commit()
    log = evidence.evidence_log(AREA, CYCLE, session=session)
    assert [e["seen_on"] for e in log] == [date(2026, 5, 20), date(2026, 5, 2), date(2026, 2, 1), date(2026, 1, 1)]
    first = log[0]
    assert (first["source"], first["judgement"], first["link"], first["created_by"]) == (
        "meeting",
        "challenges",
        f"item:opm:{item.id}",
        "scrut",
    )
    assert (
        first["note"] == "Minutes show no challenge from health."
        and first["resolved"] is False
        and first["response"] == ""
    )
    assert evidence.link_label(first["link"], catalogue) == f"Statement (opm): {item.text}"
    assert evidence.status_of(first, TODAY) == "challenge open" and evidence.status_of(log[1]) == "supports"


@pytest.mark.parametrize(
    ("kw", "why"),
    [
        ({"source": "rumour"}, "source must be"),
        ({"judgement": "maybe"}, "supports or challenges"),
        ({"link": "stage:dance"}, "not a stage"),
        ({"link": "toc:no_such_node"}, "not a stage"),
        ({"seen_on": date(2027, 1, 1)}, "in the future"),
        ({"note": "   "}, "empty"),
        ({"note": "x" * (fields.MAX_TEXT + 1)}, "keep it to"),
    ],
)
def test_bad_evidence_is_refused_with_a_reason(session, catalogue, cycle, kw, why) -> None:
    with pytest.raises(fields.ScrutinyError, match=why):
        _log(session, catalogue, **kw)
    assert evidence.evidence_log(AREA, CYCLE, session=session) == []


def test_the_decision_trail_records_decision_practice_change_and_outcome(session, catalogue, cycle) -> None:
    t = trail.add_trail(
        AREA,
        CYCLE,
        decision="Fund a joint neglect audit",
        decided_on=date(2025, 11, 3),
        toc_nodes=["in_resource_funding_discussions", "out_resource_agreement"],
        actor=SCRUT,
        session=session,
        cat=catalogue,
    )
    session.commit()
    [row] = trail.trail(AREA, CYCLE, session=session)
    assert row["decided_on"] == date(2025, 11, 3) and row["toc_nodes"] == [
        "in_resource_funding_discussions",
        "out_resource_agreement",
    ]
    assert trail.trail_stage(row) == "decision only"
    trail.update_trail(
        t.id,
        area=AREA,
        cycle=CYCLE,
        practice_change="Neglect toolkit used at every strategy meeting",
        outcome="",
        actor=SCRUT,
        session=session,
        cat=catalogue,
    )
    assert trail.trail_stage(trail.trail(AREA, CYCLE, session=session)[0]) == "practice change seen"
    trail.update_trail(
        t.id,
        area=AREA,
        cycle=CYCLE,
        practice_change="Neglect toolkit used",
        outcome="Fewer repeat referrals for neglect",
        actor=SCRUT,
        session=session,
        cat=catalogue,
    )
    session.commit()
    assert trail.trail_stage(trail.trail(AREA, CYCLE, session=session)[0]) == "outcome seen"
    with pytest.raises(fields.ScrutinyError, match="not Theory of Change nodes"):
        trail.add_trail(AREA, CYCLE, decision="x", toc_nodes=["nope"], actor=SCRUT, session=session, cat=catalogue)
    with pytest.raises(fields.ScrutinyError, match="decision is empty"):
        trail.add_trail(AREA, CYCLE, decision="", actor=SCRUT, session=session, cat=catalogue)


def test_checklist_sign_off_and_statement_round_trip(session, catalogue, cycle) -> None:
    checklist.set_check(
        AREA,
        CYCLE,
        "contains_what_done",
        "partly",
        "Lists meetings, not actions.",
        actor=SCRUT,
        session=session,
        cat=catalogue,
    )
    checklist.set_check(
        AREA,
        CYCLE,
        "contains_what_done",
        "evidenced",
        "Revised draft lists actions.",
        actor=SCRUT,
        session=session,
        cat=catalogue,
    )
    with pytest.raises(fields.ScrutinyError, match="not a point"):
        checklist.set_check(AREA, CYCLE, "made_up", "evidenced", actor=SCRUT, session=session, cat=catalogue)
    with pytest.raises(fields.ScrutinyError, match="status must be"):
        checklist.set_check(AREA, CYCLE, "contains_what_done", "great", actor=SCRUT, session=session, cat=catalogue)
    checklist.set_statement(AREA, CYCLE, "I have scrutinised this report.", actor=SCRUT, session=session)
    session.commit()
    assert checklist.checks(AREA, CYCLE, session=session) == {
        "contains_what_done": {"status": "evidenced", "note": "Revised draft lists actions."}
    }
    got = checklist.assurance(AREA, CYCLE, session=session)
    assert (got["statement"], got["statement_by"]) == ("I have scrutinised this report.", "scrut")
    assert got["statement_at"] is not None


def test_deleting_an_area_deletes_its_scrutiny_records(session, catalogue, cycle) -> None:
    _log(session, catalogue)
    trail.add_trail(AREA, CYCLE, decision="d", actor=SCRUT, session=session, cat=catalogue)
    checklist.set_statement(AREA, CYCLE, "s", actor=SCRUT, session=session)
    session.commit()
    session.delete(session.scalar(select(Area).where(Area.name == AREA)))
    session.commit()
    for table in (EvidenceEntry, TrailEntry, ReportAssurance):
        assert session.scalars(select(table)).all() == []


def test_the_yearly_report_checklist_is_a_cited_framework(catalogue) -> None:
    fw = catalogue.get(checklist.CHECKLIST)
    groups = {g.id for g in fw.groups}
    assert fw.kind == "reference" and len(fw.criteria) == 25  # 16, and the 9 points scrutiny should judge
    for c in fw.criteria:
        assert c.source.report == "wood2021" and c.question
        assert "paragraph" in c.source.section or "recommendation" in c.source.section
        assert c.id.split("_")[0] in groups


@pytest.fixture
def demo_area(session, catalogue):
    from toolkit.training.demo import load_demo

    load_demo(areas=1, catalogue=catalogue, session=session)
    session.commit()
    return "Ashvale (fictional)", "2026"


def test_side_by_side_and_checklist_are_filled_from_the_toolkits_records(session, catalogue, demo_area) -> None:
    area, cycle = demo_area
    kw = {"source": "meeting", "seen_on": date(2026, 1, 5), "actor": SCRUT, "session": session, "cat": catalogue}
    evidence.log_evidence(
        area,
        cycle,
        note="Frontline staff unaware of the plan.",
        judgement="challenges",
        link="stage:communicate",
        owner="local",
        due_on=date.today(),
        **kw,
    )
    evidence.log_evidence(
        area,
        cycle,
        note="Case review shows shared plan.",
        judgement="supports",
        link="stage:communicate",
        **{**kw, "source": "case_review"},
    )
    trail.add_trail(
        area,
        cycle,
        decision="Joint briefings",
        practice_change="Team briefings monthly",
        outcome="Staff aware",
        actor=SCRUT,
        session=session,
        cat=catalogue,
    )
    checklist.sign_off(area, cycle, "local_authority", date(2026, 5, 1), actor=LOCAL, session=session)
    session.commit()
    a = analyse(area, cycle, session=session, cat=catalogue, cfg=Config(min_group_size=3))
    tables = summary.summary(area, cycle, session=session, cat=catalogue, analysis=a)
    side = tables["self-rating and scrutiny"].set_index("about")
    row = side.loc["Stage: Communicate"]
    assert row["self_rating"].startswith(f"{a.opm.by_stage['communicate'].mean:.2f} (n=")
    assert row["scrutiny"] == "challenged: 1 supporting note, 1 open challenge" and row["notes"] == 2
    assert side.loc["Stage: Create", "scrutiny"] == "no evidence yet"
    chk = tables["yearly report checklist"].set_index("point")
    assert (
        "1 partner decision in the decision trail"
        in chk.loc["What the partners and relevant agencies have done", "toolkit_evidence"]
    )
    assert "waiting for Police, Health" in chk.loc["Signed off by the three safeguarding partners", "toolkit_evidence"]
    # A case-review note about a stage is not a record of actions on review recommendations.
    assert chk.loc["Actions on practice review recommendations", "toolkit_evidence"] == ""
    assert chk.loc["Feedback from children and families", "toolkit_evidence"] == ""  # nothing the toolkit holds
    assert (chk["status"] == "Not checked yet").all()
    # Suppressed groups stay suppressed beside the scrutiny.
    big = analyse(area, cycle, session=session, cat=catalogue, cfg=Config(min_group_size=500))
    side2 = summary.side_by_side(big, evidence.evidence_log(area, cycle, session=session), catalogue).set_index("about")
    assert side2.loc["Stage: Communicate", "self_rating"] == "fewer than 500 people"


def test_the_summary_exports_as_csv_xlsx_and_markdown_with_formulas_neutralised(session, catalogue, demo_area) -> None:
    area, cycle = demo_area
    evidence.log_evidence(
        area,
        cycle,
        note='=HYPERLINK("http://evil") | pipes\nand lines',
        source="document",
        seen_on=date(2026, 1, 5),
        judgement="challenges",
        link="c:c01_clarity",
        owner="local",
        due_on=date.today(),
        actor=SCRUT,
        session=session,
        cat=catalogue,
    )
    session.commit()
    tables = summary.summary(area, cycle, session=session, cat=catalogue, analysis=None)
    csv = summary.export_summary(tables, "csv", area=area, cycle=cycle).decode()
    assert "'=HYPERLINK" in csv and "evidence log" in csv and "yearly report checklist" in csv
    with zipfile.ZipFile(io.BytesIO(summary.export_summary(tables, "xlsx", area=area, cycle=cycle))) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
    assert "'=HYPERLINK" in xml and "<f>" not in xml and "decision trail" in xml
    md = summary.export_summary(tables, "md", area=area, cycle=cycle).decode()
    assert md.startswith(f"# Scrutiny summary: {area}, cycle {cycle}") and "\\| pipes and lines" in md
    assert "## Decision trail" in md and "Nothing recorded yet." in md
    with pytest.raises(ValueError, match="unknown format"):
        summary.export_summary(tables, "pdf", area=area, cycle=cycle)


def test_trail_and_judgements_are_audited_and_a_trail_entry_of_another_area_is_refused(
    session, catalogue, cycle
) -> None:
    t = trail.add_trail(AREA, CYCLE, decision="Fund a joint neglect audit", actor=SCRUT, session=session, cat=catalogue)
    other = get_or_create_area("Elsewhere", session=session)
    get_or_create_cycle(other, CYCLE, session=session)
    with pytest.raises(fields.ScrutinyError, match="no trail entry"):
        trail.update_trail(
            t.id,
            area="Elsewhere",
            cycle=CYCLE,
            practice_change="x",
            outcome="y",
            actor=SCRUT,
            session=session,
            cat=catalogue,
        )
    trail.update_trail(
        t.id,
        area=AREA,
        cycle=CYCLE,
        practice_change="Toolkit used",
        outcome="",
        actor=SCRUT,
        session=session,
        cat=catalogue,
    )
    crit = catalogue.get(checklist.CHECKLIST).criteria[0].id
    checklist.set_check(AREA, CYCLE, crit, "partly", actor=SCRUT, session=session, cat=catalogue)
    checklist.sign_off(AREA, CYCLE, "police", date(2026, 5, 1), actor=LOCAL, session=session, today=TODAY)
    checklist.set_statement(AREA, CYCLE, "I have scrutinised this report.", actor=SCRUT, session=session)
    log = entries(session=session, area_id=cycle.area_id)
    assert [e.action for e in reversed(log)] == ["trail_added", "trail_changed", "judgement", "sign_off", "statement"]
    assert log[3].before == {
        "practice_change": "",
        "outcome": "",
        "decision": "Fund a joint neglect audit",
        "toc_nodes": [],
    }
    assert log[3].after["practice_change"] == "Toolkit used"
    assert (log[1].after["by"], log[1].after["role"], log[1].after["on"]) == ("local", "administrator", "2026-05-01")
    assert log[1].actor == "local" and log[0].actor == "scrut"
