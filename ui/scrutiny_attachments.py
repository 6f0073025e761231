"""Callbacks of the Scrutiny page's attached evidence: a link or a file added to a note or challenge, withdrawn, or
downloaded. toolkit.scrutiny.attachments checks each account's part, the file's type and size, again."""

import streamlit as st

from toolkit.scrutiny import attachments
from ui.resources import db
from ui.scope import actor
from ui.scrutiny_challenges import run
from ui.widgets import NotOffered, offered, picked, refusing

ss = st.session_state


def note_labels(entries: list[dict]) -> dict[int, str]:
    """Each note's option label: number, judgement and the start of its text."""
    return {e["id"]: f"#{e['id']} {e['judgement']}: {e['note'][:70]}" for e in entries}


def file_labels(files: list[dict]) -> dict[int, str]:
    """Each attachment not withdrawn, as an option: number, note, kind and name or address."""
    return {
        a["id"]: f"#{a['id']} on note #{a['evidence_id']}: {a['title'] or a['url']}"
        for a in files
        if a["withdrawn_at"] is None
    }


def _area_cycle() -> tuple[str, str]:
    # a scrutineer or a member may attach; the toolkit decides which notes each may attach to
    try:
        return picked("log_evidence")
    except NotOffered:  # a member of the partnership, not a scrutineer: the member's own action
        return picked("answer_challenge")


@refusing
def attach_link() -> None:
    """Attach the web address in the fields to the chosen note; clear the fields when saved."""
    area, cycle = _area_cycle()
    pick = offered(ss["scr_a_pick"], [e["id"] for e in ss["scr_attachable"]])
    who = actor()
    run(
        lambda s: attachments.add_link(
            pick, ss["scr_a_url"], title=ss["scr_a_title"], area=area, cycle=cycle, actor=who, session=s
        ),
        "Link attached.",
    )
    if ss["scr_msg"][0] == "success":
        ss.update(scr_a_url="", scr_a_title="")


@refusing
def attach_file() -> None:
    """Attach the uploaded file to the chosen note (its type and size are checked by the toolkit)."""
    area, cycle = _area_cycle()
    pick = offered(ss["scr_a_pick"], [e["id"] for e in ss["scr_attachable"]])
    up = ss.get("scr_a_file")
    if up is None:
        ss["scr_msg"] = ("error", "Not saved: choose a file first.")
        return
    who = actor()
    run(
        lambda s: attachments.add_file(pick, up.name, up.getvalue(), area=area, cycle=cycle, actor=who, session=s),
        f"File {up.name} attached.",
    )


@refusing
def withdraw() -> None:
    """Withdraw the chosen attachment, with the reason."""
    area, cycle = _area_cycle()
    pick = offered(ss["scr_a_w_pick"], list(file_labels(ss["scr_files"])))
    who = actor()
    run(
        lambda s: attachments.withdraw_attachment(
            pick, area=area, cycle=cycle, reason=ss["scr_a_w_reason"], actor=who, session=s
        ),
        "Attachment withdrawn.",
    )
    if ss["scr_msg"][0] == "success":
        ss["scr_a_w_reason"] = ""


def file_bytes(attachment_id: int) -> bytes:
    """A file's bytes for its download button, read as the signed-in account (the toolkit checks the area)."""
    with db() as s:
        return attachments.download(attachment_id, actor=actor(), session=s).data
