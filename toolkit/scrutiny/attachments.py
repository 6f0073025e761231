"""Evidence attached to a note or challenge: links (web addresses) and files (documents, images, spreadsheets).

A file is checked before it is kept: not empty, at most MAX_FILE_BYTES, a type on the list below by its name *and*
by its content (a PDF must start as a PDF does, a Word file must be a Word package), never the type the browser
claims. It is stored in the database under the SHA-256 of its bytes; the name it was uploaded with is cleaned to a
plain file name (no folders, no control characters) and used only as the download's name, so no path is ever built
from what a user sent. A download is allowed only to an account that may see the scrutiny record of the area the
note belongs to.

Who attaches: the scrutineer to any note or challenge; a member of the partnership to a challenge it answers.
Who withdraws: the account that attached it, or the scrutineer. Every step is in the note's history and the audit log.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from toolkit.access.accounts import Identity
from toolkit.access.scope import AccessDenied, allowed, authorise, role_for
from toolkit.scrutiny.challenges import MEMBER, SCRUTINEER, event
from toolkit.scrutiny.fields import ScrutinyError, note_text
from toolkit.store.areas import clean_text, find_cycle
from toolkit.store.audit import record
from toolkit.store.models import Cycle, EvidenceAttachment, EvidenceEntry, utcnow

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_URL = 2000
VIEW = "view_scrutiny"
# The file types a note may carry, by extension: (content type, what the content must look like).
TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "txt": "text/plain",
    "csv": "text/csv",
    "md": "text/markdown",
}
OFFICE_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}


@dataclass(frozen=True)
class Download:
    """A file ready to hand to the person who asked: its cleaned name, its content type and its bytes."""

    name: str
    content_type: str
    data: bytes


def clean_file_name(name: str) -> str:
    """The uploaded name as a plain file name: the last part of any path, only letters, digits, dot, dash,
    underscore and space, no leading dots, at most 100 characters (extension kept)."""
    base = re.split(r"[\\/]", clean_text(name or ""))[-1]
    base = re.sub(r"[^A-Za-z0-9._ -]", "_", base).strip().lstrip(".")
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    stem = stem[: 100 - len(ext) - 1].strip() or "file"
    return f"{stem}.{ext.lower()}" if ext else stem


def _extension(name: str) -> str:
    _, dot, ext = name.rpartition(".")
    return ext.lower() if dot else ""


def _looks_like(ext: str, data: bytes) -> bool:
    """Whether the bytes are what the extension says."""
    if ext == "pdf":
        return data.startswith(b"%PDF-")
    if ext == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in ("jpg", "jpeg"):
        return data.startswith(b"\xff\xd8\xff")
    if ext in OFFICE_PART:
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile:
            return False
        return "[Content_Types].xml" in names and OFFICE_PART[ext] in names
    if ext in ("txt", "csv", "md"):
        if b"\x00" in data:
            return False
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True
    return False


def check_file(name: str, data: bytes) -> tuple[str, str]:
    """The cleaned name and content type of an acceptable file; ScrutinyError says why a file is refused."""
    if not isinstance(data, bytes | bytearray) or not data:
        raise ScrutinyError("the file is empty.")
    if len(data) > MAX_FILE_BYTES:
        raise ScrutinyError(
            f"the file is {len(data) / 1024 / 1024:.1f} MB; files up to {MAX_FILE_BYTES // 1024 // 1024} MB are kept."
        )
    clean = clean_file_name(name)
    ext = _extension(clean)
    if ext not in TYPES:
        raise ScrutinyError(f"a {ext or 'nameless'} file is not kept; attach one of: {', '.join(sorted(TYPES))}.")
    if not _looks_like(ext, bytes(data)):
        raise ScrutinyError(f"the file is named .{ext} but its content is not a {ext.upper()} file.")
    return clean, TYPES[ext]


def check_url(url: str) -> str:
    """A web address a reader can follow: http or https, with a host, no spaces, at most MAX_URL characters."""
    url = clean_text(url or "").strip()
    if not url:
        raise ScrutinyError("the link is empty: paste a web address.")
    if len(url) > MAX_URL:
        raise ScrutinyError(f"the link is {len(url)} characters long; keep it to {MAX_URL}.")
    if any(ch.isspace() for ch in url):
        raise ScrutinyError("the link has a space in it; paste the web address exactly.")
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise ScrutinyError(f"the link is not a web address ({exc}).") from exc
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ScrutinyError("the link must be a web address starting http:// or https://.")
    return url


def _entry(entry_id: int, area: str, cycle: str, actor: Identity | None, session: Session):
    """The note, only if it belongs to this area and cycle, and the role under which the account may attach to it."""
    c = find_cycle(area, cycle, session=session)
    if actor is None:
        raise AccessDenied("Sign in first: this needs an account.")
    e = session.get(EvidenceEntry, entry_id) if isinstance(entry_id, int) else None
    if e is None or e.cycle_id != c.id:
        if not (allowed(actor, SCRUTINEER, c.area_id) or allowed(actor, MEMBER, c.area_id)):
            authorise(actor, SCRUTINEER, c.area_id)  # a stranger learns nothing about which numbers exist
        raise ScrutinyError(f"there is no note {entry_id} for {area} {cycle}.")
    if allowed(actor, SCRUTINEER, c.area_id):
        return e, c.area_id, role_for(actor, SCRUTINEER, c.area_id)
    if e.judgement == "challenges" and allowed(actor, MEMBER, c.area_id):
        return e, c.area_id, role_for(actor, MEMBER, c.area_id)
    authorise(actor, SCRUTINEER, c.area_id)  # raises, in words
    raise AssertionError("unreachable")  # pragma: no cover


def _add(e: EvidenceEntry, a: EvidenceAttachment, area_id: int, actor: Identity, role: str, session: Session):
    if e.status == "closed":
        raise ScrutinyError("this challenge is closed; the scrutineer reopens it before more evidence is attached.")
    a.evidence_id, a.added_by, a.added_by_role, a.added_at = e.id, actor.username, role, utcnow()
    session.add(a)
    session.flush()
    what = a.url if a.kind == "link" else f"{a.title} ({a.size} bytes, sha256 {a.sha256[:12]})"
    e.history = [*(e.history or []), event(actor, role, "attached", what, attachment=a.id)]
    session.flush()
    record(
        "evidence_attached",
        actor=actor.username,
        session=session,
        area_id=area_id,
        target=f"evidence #{e.id}",
        after=_state(a),
    )
    return a


def _state(a: EvidenceAttachment) -> dict:
    """What the audit log keeps of an attachment (never the file's bytes)."""
    return {
        "attachment": a.id,
        "kind": a.kind,
        "url": a.url,
        "title": a.title,
        "sha256": a.sha256,
        "size": a.size,
        "withdrawn": a.withdrawn_at is not None,
    }


def add_link(
    entry_id: int,
    url: str,
    *,
    title: str = "",
    area: str,
    cycle: str,
    actor: Identity | None,
    session: Session,
) -> EvidenceAttachment:
    """Attach a web address (a published report, minutes, a dashboard) to a note or challenge."""
    e, area_id, role = _entry(entry_id, area, cycle, actor, session)
    assert actor is not None
    good = check_url(url)
    words = note_text(title, "The link's title", required=False)[:200]
    return _add(e, EvidenceAttachment(kind="link", url=good, title=words), area_id, actor, role, session)


def add_file(
    entry_id: int,
    name: str,
    data: bytes,
    *,
    area: str,
    cycle: str,
    actor: Identity | None,
    session: Session,
) -> EvidenceAttachment:
    """Attach a file to a note or challenge, after checking its size and type (by name and content)."""
    e, area_id, role = _entry(entry_id, area, cycle, actor, session)
    assert actor is not None
    clean, ctype = check_file(name, data)
    digest = hashlib.sha256(bytes(data)).hexdigest()
    a = EvidenceAttachment(
        kind="file", title=clean, sha256=digest, content_type=ctype, size=len(data), data=bytes(data)
    )
    return _add(e, a, area_id, actor, role, session)


def withdraw_attachment(
    attachment_id: int, *, area: str, cycle: str, reason: str, actor: Identity | None, session: Session
) -> EvidenceAttachment:
    """Withdraw an attachment (the account that attached it, or the scrutineer), with the reason; it stays listed
    as withdrawn in the note's history and can no longer be downloaded."""
    a = session.get(EvidenceAttachment, attachment_id) if isinstance(attachment_id, int) else None
    e, area_id, role = _entry(a.evidence_id if a else -1, area, cycle, actor, session)
    assert actor is not None and a is not None
    if a.added_by != actor.username and not allowed(actor, SCRUTINEER, area_id):
        raise AccessDenied("Your account cannot withdraw evidence another account attached.")
    if a.withdrawn_at is not None:
        raise ScrutinyError("this attachment is already withdrawn.")
    why = note_text(reason, "The reason")
    before = _state(a)
    a.withdrawn_by, a.withdrawn_at = actor.username, utcnow()
    e.history = [*(e.history or []), event(actor, role, "attachment withdrawn", why, attachment=a.id)]
    session.flush()
    record(
        "attachment_withdrawn",
        actor=actor.username,
        session=session,
        area_id=area_id,
        target=f"evidence #{e.id}",
        before=before,
        after=_state(a),
    )
    return a


def attachments(area: str, cycle: str, *, session: Session) -> list[dict]:
    """Every link and file attached to the notes of an area and cycle, oldest first (without the files' bytes)."""
    c = find_cycle(area, cycle, session=session)
    rows = session.scalars(
        select(EvidenceAttachment)
        .join(EvidenceEntry, EvidenceEntry.id == EvidenceAttachment.evidence_id)
        .where(EvidenceEntry.cycle_id == c.id)
        .order_by(EvidenceAttachment.id)
    )
    return [
        {
            "id": a.id,
            "evidence_id": a.evidence_id,
            "kind": a.kind,
            "url": a.url,
            "title": a.title,
            "sha256": a.sha256,
            "content_type": a.content_type,
            "size": a.size,
            "added_by": a.added_by,
            "added_by_role": a.added_by_role,
            "added_at": a.added_at,
            "withdrawn_by": a.withdrawn_by,
            "withdrawn_at": a.withdrawn_at,
        }
        for a in rows
    ]


def download(attachment_id: int, *, actor: Identity | None, session: Session) -> Download:
    """A file's bytes, for an account that may see the scrutiny record of the note's own area."""
    a = (
        session.scalar(
            select(EvidenceAttachment)
            .options(undefer(EvidenceAttachment.data))
            .where(EvidenceAttachment.id == attachment_id)
        )
        if isinstance(attachment_id, int)
        else None
    )
    area_id = None
    if a is not None:
        area_id = session.scalar(
            select(Cycle.area_id)
            .join(EvidenceEntry, EvidenceEntry.cycle_id == Cycle.id)
            .where(EvidenceEntry.id == a.evidence_id)
        )
    if a is None or area_id is None:
        if actor is None:
            raise AccessDenied("Sign in first: this needs an account.")
        raise ScrutinyError(f"there is no attached file {attachment_id}.")
    authorise(actor, VIEW, area_id)
    if a.kind != "file" or a.data is None:
        raise ScrutinyError(f"attachment {attachment_id} is a link, not a file.")
    if a.withdrawn_at is not None:
        raise ScrutinyError("this file was withdrawn and is no longer handed out.")
    if hashlib.sha256(a.data).hexdigest() != a.sha256:
        raise ScrutinyError("the stored file does not match its hash; it is not handed out (report this).")
    return Download(a.title, a.content_type, a.data)
