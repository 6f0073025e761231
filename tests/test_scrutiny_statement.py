"""The scrutiny statement as a report: its sections, the validated figures, the challenges and answers, the
checklist and the benchmark position are in the PDF, Word and Markdown files; its figures obey the anonymity rule;
its own quality checks name what is missing."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import pytest

from toolkit.access.scope import LOCAL
from toolkit.analysis.config import Config
from toolkit.reports.render import render
from toolkit.reports.statement import build_statement
from toolkit.scrutiny import attachments, challenges, checklist, evidence, validation
from toolkit.store.db import session_scope
from toolkit.training.demo import STORIES, load_demo

AREA, CYCLE = STORIES[0].name, "2026"
HEADINGS = [
    "Summary",
    "The independent scrutineer's statement",
    "Judgements",
    "Evidence",
    "Challenges and responses",
    "Yearly report checklist",
    "Benchmark position",
    "Sign-off by the safeguarding partners",
    "Quality of this statement",
]


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def scrutinised(db_url, catalogue):
    """Ashvale with a supporting note (a link attached), an adjustment, a validation with no evidence, a challenge
    answered, a checklist judgement, one partner's sign-off and the covering statement."""
    load_demo(areas=1, catalogue=catalogue)
    where = {"area": AREA, "cycle": CYCLE, "session": None}
    with session_scope() as s:
        where["session"] = s
        note = evidence.log_evidence(
            AREA,
            CYCLE,
            note="Multi-agency audit of 20 neglect cases",
            source="audit",
            seen_on=date(2026, 3, 1),
            judgement="supports",
            link="stage:consider",
            actor=LOCAL,
            session=s,
            cat=catalogue,
        )
        attachments.add_link(note.id, "https://example.org/neglect-audit", actor=LOCAL, **where)
        validation.set_validation(
            AREA,
            CYCLE,
            "stage:consider",
            "adjusted",
            figure=2.5,
            reason="The audit found gaps",
            actor=LOCAL,
            session=s,
            cat=catalogue,
        )
        validation.set_validation(AREA, CYCLE, "c:c01_clarity", "validated", actor=LOCAL, session=s, cat=catalogue)
        ch = evidence.log_evidence(
            AREA,
            CYCLE,
            note="Schools were not at the table",
            source="meeting",
            seen_on=date(2026, 3, 2),
            judgement="challenges",
            link="stage:communicate",
            owner="local",
            due_on=date(2099, 1, 1),
            actor=LOCAL,
            session=s,
            cat=catalogue,
        )
        challenges.answer_challenge(ch.id, "Two head teachers join the board in May", actor=LOCAL, **where)
        crit = catalogue.get("yearly_report").criteria[0].id
        checklist.set_check(AREA, CYCLE, crit, "evidenced", actor=LOCAL, session=s, cat=catalogue)
        checklist.sign_off(AREA, CYCLE, "police", date(2026, 6, 1), actor=LOCAL, session=s)
        checklist.set_statement(
            AREA, CYCLE, "The arrangements are sound but schools are missing.", actor=LOCAL, session=s
        )


def _statement(catalogue, **kw):
    with session_scope() as s:
        return build_statement(AREA, CYCLE, session=s, cat=catalogue, today=date(2026, 6, 2), **kw)


def test_the_statement_holds_every_section_and_the_validated_figures(scrutinised, catalogue) -> None:
    r = _statement(catalogue, cfg=Config())
    assert [s.heading for s in r.sections] == HEADINGS
    text = _words(r.plain_text())
    assert "Adjusted to 2.50" in text and "The audit found gaps" in text
    assert "Two head teachers join the board in May (local)" in text
    assert "https://example.org/neglect-audit" in text
    assert "The arrangements are sound but schools are missing." in text
    assert "Sign-off still awaited from Local authority, Health" in text
    assert "Peers: all areas" in text  # the peer definition
    # the quality checks: a validation with no evidence, a checklist point judged evidenced with no note
    assert "C: 1. Clarity" in text and "rest on no evidence" in text
    assert "judged evidenced without a note" in text


def test_its_figures_obey_the_anonymity_rule(scrutinised, catalogue) -> None:
    r = _statement(catalogue, cfg=Config(min_group_size=500))  # every group is now too small to show
    text = _words(r.plain_text())
    assert "fewer than 500" in text
    assert not re.search(r"\(n=\d+\)", text)


def test_pdf_docx_and_markdown_carry_the_statement(scrutinised, catalogue) -> None:
    from docx import Document
    from pypdf import PdfReader

    r = _statement(catalogue, cfg=Config())
    pdf = _words("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(render(r, "pdf"))).pages))
    doc = Document(io.BytesIO(render(r, "docx")))
    word = _words(
        "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for row in t.rows for c in row.cells])
    )
    with zipfile.ZipFile(io.BytesIO(render(r, "md"))) as z:
        md = _words(z.read(z.namelist()[0]).decode())
    for text in (pdf, word, md):
        for h in HEADINGS:
            assert h in text.replace("\\", ""), h
        assert "Adjusted to 2.50" in text
        assert "Schools were not at the table" in text


def test_only_an_account_that_may_see_the_areas_scrutiny_gets_the_file(scrutinised, catalogue) -> None:
    from toolkit.access.accounts import Identity, create_user
    from toolkit.access.scope import AccessDenied, load
    from toolkit.reports.statement import statement_file
    from toolkit.store.areas import get_or_create_area
    from toolkit.store.models import Membership

    with session_scope() as s:
        other = get_or_create_area("Elsewhere", session=s)
        user = create_user("far", "a long enough password", "scrutineer", session=s, all_areas=False)
        s.add(Membership(user_id=user.id, area_id=other.id, role="scrutineer"))
        s.flush()
        far = load(Identity("far", "scrutineer"), session=s)
        with pytest.raises(AccessDenied):
            statement_file(AREA, CYCLE, "md", actor=far, session=s, cat=catalogue)
        with pytest.raises(AccessDenied):
            statement_file(AREA, CYCLE, "md", actor=None, session=s, cat=catalogue)
        assert statement_file(AREA, CYCLE, "md", actor=LOCAL, session=s, cat=catalogue).startswith(b"PK")


def test_pdf_and_docx_have_a_contents_list_and_page_numbers(scrutinised, catalogue) -> None:
    from docx import Document
    from pypdf import PdfReader

    r = _statement(catalogue, cfg=Config())
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(render(r, "pdf"))).pages]
    assert all(f"Page {k}" in t for k, t in enumerate(pages, 1))
    contents = pages[0][pages[0].index("Contents") :]
    for h in HEADINGS:  # each heading listed with the page it really starts on
        listed = re.search(rf"(\d+)\s*{re.escape(h)}|{re.escape(h)}[\s.]*(\d+)", contents)
        assert listed, h
    where = next(k for k, t in enumerate(pages, 1) if "Benchmark position\n" in t and k > 1)
    assert re.search(rf"{where}\s*Benchmark position|Benchmark position[\s.]*{where}", contents)
    doc = Document(io.BytesIO(render(r, "docx")))
    footer = doc.sections[0].footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and 'fldCharType="begin"' in footer
    body = doc.element.body.xml
    assert "TOC \\o" in body and "Contents" in [p.text for p in doc.paragraphs]


def test_the_partnership_report_carries_the_scrutiny_summary(scrutinised, catalogue) -> None:
    from toolkit.reports.content import build_report

    with session_scope() as s:
        text = _words(build_report(AREA, CYCLE, session=s, cat=catalogue, cfg=Config()).plain_text())
    assert "1 supporting note; 1 challenge, 1 not yet closed." in text
    assert "Yearly report checklist: 1 evidenced, 0 partly evidenced, 0 not evidenced." in text
    assert "Signed off by Police." in text and "covering statement is written" in text
    assert "Adjusted to 2.50" in text  # the validation states, as before
