"""Evidence as links and files attached to notes and challenges: checked type and size, a hashed stored name, no
path from the uploaded name, downloads only for accounts that may see the area's scrutiny record; audited."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date

import pytest
from sqlalchemy import select

from toolkit.access.accounts import Identity, create_user
from toolkit.access.scope import AccessDenied, load
from toolkit.scrutiny import attachments, evidence, summary
from toolkit.scrutiny.fields import ScrutinyError
from toolkit.store.areas import get_or_create_area, get_or_create_cycle
from toolkit.store.audit import entries
from toolkit.store.models import EvidenceAttachment, Membership

AREA, CYCLE, OTHER = "Northshire", "2026", "Southshire"
TODAY = date(2026, 6, 1)
PW = "a long enough password"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    return buf.getvalue()


@pytest.fixture
def people(session):
    a = get_or_create_area(AREA, session=session)
    get_or_create_cycle(a, CYCLE, session=session)
    b = get_or_create_area(OTHER, session=session)
    get_or_create_cycle(b, CYCLE, session=session)
    out = {}
    for name, role, area in (
        ("scrut", "scrutineer", a),
        ("bm", "facilitator", a),
        ("south", "facilitator", b),
        ("southscrut", "scrutineer", b),
    ):
        user = create_user(name, PW, role, session=session, all_areas=False)
        session.add(Membership(user_id=user.id, area_id=area.id, role=role))
        session.flush()
        out[name] = load(Identity(name, role), session=session)
    session.commit()
    return out


def _note(session, catalogue, who, judgement="challenges", area=AREA):
    kw = {"owner": "bm", "due_on": date(2026, 6, 30)} if judgement == "challenges" else {}
    return evidence.log_evidence(
        area,
        CYCLE,
        note="Minutes of the March board meeting",
        source="document",
        seen_on=date(2026, 5, 2),
        judgement=judgement,
        link="stage:communicate",
        actor=who,
        session=session,
        cat=catalogue,
        today=TODAY,
        **kw,
    )


def test_a_file_is_kept_under_its_hash_with_a_cleaned_name_and_comes_back_whole(session, catalogue, people) -> None:
    e = _note(session, catalogue, people["scrut"], "supports")
    where = {"area": AREA, "cycle": CYCLE, "session": session}
    a = attachments.add_file(e.id, "../../etc/passwd/..\\board minutes.pdf", PDF, actor=people["scrut"], **where)
    assert a.sha256 == hashlib.sha256(PDF).hexdigest()
    assert a.title == "board minutes.pdf" and "/" not in a.title and "\\" not in a.title
    assert a.content_type == "application/pdf"  # from the checked type, never the browser's claim
    got = attachments.download(a.id, actor=people["bm"], session=session)  # a member of the area may read it
    assert (got.name, got.content_type, got.data) == ("board minutes.pdf", "application/pdf", PDF)
    listed = attachments.attachments(AREA, CYCLE, session=session)
    assert [(x["kind"], x["title"], x["size"], x["added_by"]) for x in listed] == [
        ("file", "board minutes.pdf", len(PDF), "scrut")
    ]
    assert "data" not in listed[0]
    hist = evidence.evidence_log(AREA, CYCLE, session=session)[0]["history"]
    assert hist[-1]["action"] == "attached" and hist[-1]["by"] == "scrut"
    logged = [x for x in entries(session=session) if x.action == "evidence_attached"]
    assert logged and logged[-1].after["sha256"] == a.sha256 and "data" not in logged[-1].after


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        ("report.pdf", b"", "empty"),
        ("report.pdf", b"MZ\x90\x00 not a pdf", "content is not a PDF"),
        ("report.exe", b"MZ\x90\x00", "not kept"),
        ("report", PDF, "not kept"),
        ("minutes.docx", b"PK\x03\x04 not really a zip", "content is not a DOCX"),
        ("notes.txt", b"hello\x00world", "content is not a TXT"),
        ("photo.png", b"\xff\xd8\xff a jpeg", "content is not a PNG"),
        ("big.pdf", b"%PDF-" + b"0" * attachments.MAX_FILE_BYTES, "MB"),
    ],
)
def test_a_file_of_the_wrong_type_or_size_is_refused(session, catalogue, people, name, data, why) -> None:
    e = _note(session, catalogue, people["scrut"], "supports")
    with pytest.raises(ScrutinyError, match=why):
        attachments.add_file(e.id, name, data, area=AREA, cycle=CYCLE, actor=people["scrut"], session=session)
    assert session.scalars(select(EvidenceAttachment)).all() == []


def test_office_text_and_image_files_are_accepted_when_their_content_matches(session, catalogue, people) -> None:
    e = _note(session, catalogue, people["scrut"], "supports")
    where = {"area": AREA, "cycle": CYCLE, "actor": people["scrut"], "session": session}
    for name, data in (("plan.DOCX", _docx()), ("counts.csv", b"a,b\n1,2\n"), ("p.png", b"\x89PNG\r\n\x1a\nrest")):
        attachments.add_file(e.id, name, data, **where)
    assert [x["title"] for x in attachments.attachments(AREA, CYCLE, session=session)] == [
        "plan.docx",
        "counts.csv",
        "p.png",
    ]


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "file:///etc/passwd", "ftp://x.org/a", "https://", "http://a b.org", ""]
)
def test_only_web_addresses_are_kept_as_links(session, catalogue, people, url) -> None:
    e = _note(session, catalogue, people["scrut"], "supports")
    with pytest.raises(ScrutinyError, match="link"):
        attachments.add_link(e.id, url, area=AREA, cycle=CYCLE, actor=people["scrut"], session=session)


def test_a_member_attaches_to_a_challenge_but_not_to_a_supporting_note(session, catalogue, people) -> None:
    ch = _note(session, catalogue, people["scrut"])
    sup = _note(session, catalogue, people["scrut"], "supports")
    where = {"area": AREA, "cycle": CYCLE, "session": session}
    link = attachments.add_link(ch.id, "https://example.org/minutes", title="Minutes", actor=people["bm"], **where)
    assert (link.added_by, link.added_by_role) == ("bm", "facilitator")
    with pytest.raises(AccessDenied):
        attachments.add_link(sup.id, "https://example.org/x", actor=people["bm"], **where)
    with pytest.raises(AccessDenied):  # a member of another partnership
        attachments.add_link(ch.id, "https://example.org/x", actor=people["south"], **where)
    with pytest.raises(AccessDenied, match="Sign in"):
        attachments.add_link(ch.id, "https://example.org/x", actor=None, **where)


def test_a_download_is_refused_outside_the_notes_own_area(session, catalogue, people) -> None:
    e = _note(session, catalogue, people["scrut"], "supports")
    a = attachments.add_file(e.id, "m.pdf", PDF, area=AREA, cycle=CYCLE, actor=people["scrut"], session=session)
    with pytest.raises(AccessDenied):
        attachments.download(a.id, actor=people["southscrut"], session=session)
    with pytest.raises(AccessDenied):
        attachments.download(a.id, actor=None, session=session)
    # a note of another area cannot be reached by naming this area either
    south = _note(session, catalogue, people["southscrut"], "supports", area=OTHER)
    with pytest.raises(ScrutinyError, match="no note"):
        attachments.add_link(south.id, "https://e.org", area=AREA, cycle=CYCLE, actor=people["scrut"], session=session)


def test_withdrawing_a_file_stops_downloads_and_is_kept_in_the_history(session, catalogue, people) -> None:
    ch = _note(session, catalogue, people["scrut"])
    where = {"area": AREA, "cycle": CYCLE, "session": session}
    mine = attachments.add_file(ch.id, "answer.pdf", PDF, actor=people["bm"], **where)
    theirs = attachments.add_link(ch.id, "https://example.org/a", actor=people["scrut"], **where)
    with pytest.raises(AccessDenied, match="another account attached"):
        attachments.withdraw_attachment(theirs.id, reason="wrong", actor=people["bm"], **where)
    with pytest.raises(ScrutinyError, match="reason"):
        attachments.withdraw_attachment(mine.id, reason=" ", actor=people["bm"], **where)
    attachments.withdraw_attachment(mine.id, reason="The wrong year's minutes", actor=people["bm"], **where)
    with pytest.raises(ScrutinyError, match="withdrawn"):
        attachments.download(mine.id, actor=people["scrut"], session=session)
    hist = evidence.evidence_log(AREA, CYCLE, session=session)[0]["history"]
    assert [h["action"] for h in hist][-1] == "attachment withdrawn"
    assert [x.action for x in entries(session=session)].count("attachment_withdrawn") == 1


def test_the_summary_export_lists_attachments_with_formulas_neutralised(session, catalogue, people) -> None:
    e = _note(session, catalogue, people["scrut"], "supports")
    where = {"area": AREA, "cycle": CYCLE, "actor": people["scrut"], "session": session}
    attachments.add_link(e.id, "https://example.org/=cmd", title='=HYPERLINK("x")', **where)
    tables = summary.summary(AREA, CYCLE, session=session, cat=catalogue, analysis=None, today=TODAY)
    att = tables["attachments"]
    assert list(att["title"]) == ['=HYPERLINK("x")']
    csv = summary.export_summary(tables, "csv", area=AREA, cycle=CYCLE).decode()
    assert "'=HYPERLINK" in csv and ",=HYPERLINK" not in csv
