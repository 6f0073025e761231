"""The Scrutiny page's attached evidence, part of its evidence log: the table of links and files, a file's download,
attaching a link or a file to a note or challenge, withdrawing one. The callbacks are in ui.scrutiny_attachments."""

from collections.abc import Mapping
from functools import partial

import pandas as pd
import streamlit as st

from ui import scrutiny_attachments as attach

ss = st.session_state
# How the attachments table labels its columns (st.dataframe's column_config), in the order shown.
ATTACHMENT_LABELS = {
    "id": "#",
    "record": "Note",
    "kind": "Kind",
    "title": st.column_config.TextColumn("Name or title", width="medium"),
    "link": st.column_config.LinkColumn("Web address", width="medium"),
    "size_bytes": "Size (bytes)",
    "added_by": "Added by (account)",
    "role": "Role",
    "added_at": "Added at",
    "withdrawn": "Withdrawn",
}


def attachments_box(frame: pd.DataFrame, can: Mapping[str, bool]) -> None:
    """The links and files attached to notes and challenges: download, attach, withdraw."""
    st.markdown("**Attached evidence: links and files**")
    files = ss["scr_files"]
    st.dataframe(
        frame, hide_index=True, width="stretch", column_config=ATTACHMENT_LABELS, column_order=list(ATTACHMENT_LABELS)
    )
    live = [a for a in files if a["kind"] == "file" and a["withdrawn_at"] is None]
    if live:
        picks = {a["id"]: f"#{a['id']} {a['title']} (note #{a['evidence_id']})" for a in live}
        st.selectbox("File to download", list(picks), key="scr_a_dl", format_func=picks.__getitem__)
        chosen = next(a for a in live if a["id"] == ss["scr_a_dl"]) if ss.get("scr_a_dl") in picks else live[0]
        st.download_button(
            f"Download {chosen['title']}",
            partial(attach.file_bytes, chosen["id"]),
            file_name=chosen["title"],
            mime=chosen["content_type"],
            key="scr_a_dl_btn",
            on_click="ignore",
        )
    if ss["scr_attachable"]:
        with st.expander("Attach a link or a file to a note or challenge"):
            notes = attach.note_labels(ss["scr_attachable"])
            st.selectbox("Note or challenge", list(notes), key="scr_a_pick", format_func=notes.__getitem__, index=None)
            st.text_input("Web address (https://...)", key="scr_a_url")
            st.text_input("What the link is (optional)", key="scr_a_title")
            st.button("Attach the link", on_click=attach.attach_link, key="scr_a_link_btn")
            st.file_uploader(
                "File (PDF, Word, Excel, PowerPoint, PNG, JPEG, text or CSV; up to 10 MB)",
                type=sorted(attach.attachments.TYPES),
                key="scr_a_file",
            )
            st.button("Attach the file", on_click=attach.attach_file, key="scr_a_file_btn")
    withdrawable = attach.file_labels(files)
    if withdrawable and (can["scrutinise"] or can["answer"]):
        with st.expander("Withdraw an attachment (it stays in the history)"):
            st.selectbox(
                "Attachment", list(withdrawable), key="scr_a_w_pick", format_func=withdrawable.__getitem__, index=None
            )
            st.text_input("Why it is withdrawn", key="scr_a_w_reason")
            st.button("Withdraw the attachment", on_click=attach.withdraw, key="scr_a_w_btn")
