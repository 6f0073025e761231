"""The closing summary (PDF and DOCX): what the room said per part, the priority, the choice, the comments, the plan;
only what the room was shown, with small groups hidden, and never who said what."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document

from tests.pages import open_page
from tests.test_page_workshop import _token
from toolkit import workshops as ws
from toolkit.access.accounts import Identity, Member
from toolkit.access.scope import AccessDenied
from toolkit.analysis.config import Config
from toolkit.reports.render import render
from toolkit.reports.workshop_summary import workshop_summary
from toolkit.store.db import session_scope
from toolkit.store.plans import shortlist_add

FACIL = Identity("facil", "facilitator", (Member("facilitator"),))


@pytest.fixture
def done(db_url, catalogue):
    token = _token()
    ivs = [iv.id for iv in catalogue.interventions][:2]
    with session_scope() as s:
        w = ws.create_workshop("Northshire", "2026", created_by="facil", session=s, title="Leaders' day")
        people = [ws.join(w.code, "police", "strategic", f"Person {k}", session=s) for k in range(4)]
        for k, p in enumerate(people):
            for step in ws.steps_for(w, p.level, catalogue)[:1]:
                for item in step.items:
                    ws.submit(w.code, p.pseudonym, step.framework, item.id, 1 + k % 2, session=s, cat=catalogue)
        ws.reveal_now(w.code, session=s, cat=catalogue, cfg=Config())
        for iv in ivs:
            shortlist_add(w.ref, iv, session=s, cat=catalogue)
        ws.open_points(w.code, True, session=s)
        for p in people:
            ws.give_points(w.code, p.pseudonym, {ivs[0]: 70, ivs[1]: 30}, session=s)
        ws.open_points(w.code, False, session=s)  # the choice shows once the points close
        ok = ws.send_comment(w.code, people[0].pseudonym, "Who owns the shared data?", session=s)
        no = ws.send_comment(w.code, people[1].pseudonym, "Off the record remark", session=s)
        ws.moderate(w.code, ok.id, True, session=s)
        ws.moderate(w.code, no.id, False, session=s)
        ws.agree_plan(
            FACIL, w.code, ivs[0], goal="Everyone briefed", first_step="Brief the leads", owner="Head of service",
            due=date(2027, 1, 31), session=s, cat=catalogue,
        )  # fmt: skip
        ws.close(w.code, session=s)
    return token, w, ivs


def test_the_summary_holds_each_part_the_priority_the_choice_comments_and_plan(done, catalogue) -> None:
    _t, w, ivs = done
    with session_scope() as s:
        report = workshop_summary(FACIL, w.code, session=s, cat=catalogue, cfg=Config())
        with pytest.raises(AccessDenied):
            workshop_summary(None, w.code, session=s, cat=catalogue, cfg=Config())
    text = report.plain_text()
    headings = [sec.heading for sec in report.sections]
    assert headings == [
        "The workshop",
        "What the room said",
        "The priority",
        "The choice",
        "The room's comments",
        "The plan",
    ]
    assert "Consider" in text and "4 people answered" in text and "4 people joined" in text
    title = {iv.id: iv.title for iv in catalogue.interventions}[ivs[0]]
    assert f"{title} | 280 | 70% | 4" in text
    assert "Who owns the shared data?" in text and "Off the record remark" not in text  # only what was approved
    assert "Everyone briefed | Brief the leads | Head of service" in text and "31 January 2027" in text
    assert "Person 0" not in text and "Police" not in text  # never who said what
    pdf, docx = render(report, "pdf"), render(report, "docx")
    assert pdf.startswith(b"%PDF")
    words = "\n".join(c.text for t in Document(io.BytesIO(docx)).tables for r in t.rows for c in r.cells)
    assert "Everyone briefed" in words and "Head of service" in words


def test_a_room_too_small_keeps_its_choice_hidden_in_the_summary(db_url, catalogue) -> None:
    with session_scope() as s:
        w = ws.create_workshop("Northshire", "2026", created_by="facil", session=s)
        shortlist_add(w.ref, catalogue.interventions[0].id, session=s, cat=catalogue)
        ws.open_points(w.code, True, session=s)
        p = ws.join(w.code, "health", "frontline", session=s)
        ws.give_points(w.code, p.pseudonym, {catalogue.interventions[0].id: 100}, session=s)
        ws.open_points(w.code, False, session=s)
        text = workshop_summary(FACIL, w.code, session=s, cat=catalogue, cfg=Config()).plain_text()
    assert "fewer than 3, so the choice is not shown" in text and "never revealed" in text
    assert "| 100 |" not in text


def test_the_facilitator_downloads_the_summary_after_closing(done) -> None:
    token, _w, _ivs = done
    at = open_page("app_pages/workshop.py", auth_token=token)
    assert not at.exception
    at.button(key="room_summary").click().run()
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download the summary (PDF)", "Download the summary (Word)"]
