"""Scrutiny: the evidence log and challenges, self-rating beside validation, decision trail, yearly report, export.

Scrutineers keep the log, raise challenges and validate; the partnership's members answer challenges and sign off
under their own accounts. The view chosen stays after every action and a visit to another page (kept in session
state under a plain key, not the widget's).
"""

from datetime import date
from functools import partial

import streamlit as st

from toolkit.core import ids
from toolkit.scrutiny.checklist import CHECK_STATUSES, CHECKLIST, PARTNERS
from toolkit.scrutiny.evidence import JUDGEMENTS, SOURCES, link_options
from toolkit.scrutiny.fields import MAX_TEXT
from toolkit.scrutiny.summary import export_summary
from toolkit.scrutiny.validation import LINKS, SET_BY_SCRUTINEER, STATES
from ui import scrutiny_actions as actions
from ui import scrutiny_attachments as attach
from ui import scrutiny_challenges as answers
from ui.auth import require
from ui.resources import catalogue
from ui.widgets import area_cycle_picker

ss = st.session_state
VIEWS = ["Evidence log", "Self-rating and validation", "Decision trail", "Yearly report", "Export"]

st.title("Scrutiny")
who = require("view_scrutiny", what="the scrutiny pages")
ss["scr_user"] = who.username
area, cycle = area_cycle_picker(action="view_scrutiny")
if not (area and cycle):
    st.stop()
cat = catalogue()
tables = actions.load(area, cycle)
can = ss["scr_can"]
actions.show_message()
if ss["scr_tab"] not in VIEWS:
    ss["scr_tab"] = VIEWS[0]
ss["scr_tab_w"] = ss["scr_tab"]  # the widget shows the kept view (a plain key, so a page switch cannot clear it)
st.segmented_control("Show", VIEWS, key="scr_tab_w", required=True, width="stretch", on_change=actions.keep_view)
view = ss["scr_tab"]

if view == "Evidence log":
    left = ss["scr_carry"]
    if can["scrutinise"] and left.get("from") and (left["challenges"] or left["evidence"]):
        with st.container(border=True):
            st.markdown(
                f"**Carry forward from {left['from']}**: {left['challenges']} challenge(s) not yet closed and "
                f"{left['evidence']} evidence note(s) not yet carried. Each carried note is marked as carried and "
                "keeps its history and attachments."
            )
            st.checkbox("Also carry the evidence notes", key="scr_carry_evidence")
            st.button(f"Carry forward from {left['from']}", on_click=actions.carry_forward, key="scr_carry_btn")
    if can["scrutinise"]:
        with st.form("scr_form", border=True):
            st.markdown("**Log evidence or raise a challenge**")
            st.text_area("What did you see or read?", key="scr_note", max_chars=MAX_TEXT)
            c1, c2, c3 = st.columns(3)
            c1.selectbox("Source", list(SOURCES), key="scr_source", format_func=SOURCES.__getitem__)
            c2.date_input("Date seen", key="scr_date", max_value=date.today(), format="YYYY-MM-DD")
            c3.radio("Judgement", list(JUDGEMENTS), key="scr_judgement", format_func=JUDGEMENTS.__getitem__)
            options = link_options(cat)
            st.selectbox(
                "About (a stage, C, Theory of Change box, statement or yearly report checklist point)",
                list(options),
                key="scr_link",
                format_func=options.__getitem__,
            )
            o1, o2 = st.columns(2)
            o1.selectbox(
                "Owner of a challenge (an account of the partnership that answers it)",
                ss["scr_owners"],
                key="scr_owner",
                index=None,
                placeholder="Choose the owner",
            )
            o2.date_input("Answer due (a challenge)", key="scr_due", min_value=date.today(), format="YYYY-MM-DD")
            st.form_submit_button("Log evidence", on_click=actions.log, type="primary")
    st.dataframe(tables["evidence log"], hide_index=True, width="stretch", **actions.EVIDENCE_COLUMNS)
    if ss["scr_open"] and (can["scrutinise"] or can["answer"]):
        st.markdown("**Challenges not yet closed**")
        labels = answers.challenge_labels(ss["scr_open"])
        st.selectbox(
            "Challenge",
            list(labels),
            key="scr_pick",
            format_func=labels.__getitem__,
            on_change=answers.pick_challenge,
            index=None,
            placeholder="Choose a challenge",
        )
        if ss["scr_pick"] in labels:
            st.text(answers.chosen_challenge()["note"])
            if can["answer"]:
                st.text_area(f"Your answer (recorded as {who.username})", key="scr_answer", max_chars=MAX_TEXT)
                st.button("Save the answer", on_click=answers.answer, key="scr_answer_btn", type="primary")
            if can["scrutinise"]:
                st.text_input("Why it is closed (resolved or withdrawn)", key="scr_reason")
                b1, b2 = st.columns(2)
                b1.button("Resolve the challenge", on_click=answers.resolve, key="scr_resolve_btn")
                b2.button("Withdraw the challenge", on_click=answers.withdraw, key="scr_withdraw_btn")
                with st.expander("Edit the challenge (the earlier wording stays in its history)"):
                    st.text_area("Challenge", key="scr_e_note", max_chars=MAX_TEXT)
                    st.selectbox("Owner", ss["scr_owners"], key="scr_e_owner", index=None)
                    st.date_input("Answer due", key="scr_e_due", format="YYYY-MM-DD")
                    st.button("Save the changes", on_click=answers.edit, key="scr_edit_btn")
    if ss["scr_closed"] and can["scrutinise"]:
        closed = answers.challenge_labels(ss["scr_closed"])
        st.selectbox(
            "Reopen a closed challenge",
            list(closed),
            key="scr_reopen_pick",
            format_func=closed.__getitem__,
            index=None,
            placeholder="Choose a closed challenge",
        )
        st.text_input("Why it is reopened", key="scr_reopen_reason")
        st.button("Reopen", on_click=answers.reopen, key="scr_reopen_btn", disabled=ss["scr_reopen_pick"] not in closed)
    st.markdown("**History: every note, challenge, edit and answer, with who and when**")
    st.dataframe(tables["history"], hide_index=True, width="stretch", **actions.HISTORY_COLUMNS)
    st.markdown("**Attached evidence: links and files**")
    files = ss["scr_files"]
    st.dataframe(tables["attachments"], hide_index=True, width="stretch", **actions.ATTACHMENT_COLUMNS)
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

elif view == "Self-rating and validation":
    st.caption(
        "The partnership's own rating (groups under the anonymity threshold hidden) beside its validation state and "
        "the scrutineer's evidence. A stage or C is challenged while a challenge about it is not closed."
    )
    st.dataframe(tables["self-rating and scrutiny"], hide_index=True, width="stretch", **actions.SIDE_COLUMNS)
    if ss["scr_change"]:
        st.markdown(f"**Each judgement since {ss['scr_change'][0]['previous_cycle']}**")
        st.dataframe(
            ss["scr_change"],
            hide_index=True,
            width="stretch",
            column_order=["about", "then", "now", "changed"],
            column_config={
                "about": "About",
                "then": f"In {ss['scr_change'][0]['previous_cycle']}",
                "now": "Now",
                "changed": st.column_config.CheckboxColumn("Changed"),
            },
        )
    if can["scrutinise"] or can["answer"]:
        about = link_options(cat)
        st.selectbox(
            "Validate a stage or C" if can["scrutinise"] else "Dispute the validation of a stage or C",
            list(LINKS),
            key="scr_v_pick",
            format_func=about.__getitem__,
            on_change=answers.pick_validation,
            index=None,
            placeholder="Choose a stage or C",
        )
        if ss["scr_v_pick"] in LINKS:
            if can["scrutinise"]:
                st.radio(
                    "Your validation",
                    list(SET_BY_SCRUTINEER),
                    key="scr_v_state",
                    format_func=lambda s: (
                        "Self-assessed (take the validation back)" if s == "self_assessed" else STATES[s]
                    ),
                    horizontal=True,
                )
                st.number_input("Your figure (an adjustment only)", 1.0, 5.0, step=0.1, key="scr_v_figure")
                st.text_input("Reason (needed for an adjustment)", key="scr_v_reason")
                st.button("Save the validation", on_click=answers.validate, key="scr_v_btn", type="primary")
            if can["answer"]:
                st.text_input(f"Why the partnership disputes it (recorded as {who.username})", key="scr_v_dispute")
                st.button("Dispute the validation", on_click=answers.dispute, key="scr_v_dispute_btn")

elif view == "Decision trail":
    st.caption(
        "Wood (2021, paragraph 139): can scrutiny trace a line from the partners' decisions to practice and to outcomes for children?"
    )
    if can["scrutinise"]:
        with st.form("scr_trail_form", border=True):
            st.text_area("Partner decision", key="scr_t_decision", max_chars=MAX_TEXT)
            st.date_input("Decided on", key="scr_t_date", max_value=date.today(), format="YYYY-MM-DD")
            st.text_area("Practice change it led to (if seen yet)", key="scr_t_change", max_chars=MAX_TEXT)
            st.text_area(
                "Outcome seen for children and families (if seen yet)", key="scr_t_outcome", max_chars=MAX_TEXT
            )
            nodes = {n.id: n.label for n in cat.toc.nodes}
            st.multiselect("Theory of Change boxes", list(nodes), key="scr_t_nodes", format_func=nodes.__getitem__)
            st.form_submit_button("Add to the trail", on_click=actions.add_trail, type="primary")
    st.dataframe(tables["decision trail"].drop(columns=["id"]), hide_index=True, width="stretch")
    if ss["scr_trail"] and can["scrutinise"]:
        picks = actions.trail_labels(ss["scr_trail"])
        st.selectbox(
            "Add what a decision led to",
            list(picks),
            key="scr_t_pick",
            format_func=picks.__getitem__,
            on_change=actions.pick_trail,
            index=None,
            placeholder="Choose a decision",
        )
        if ss["scr_t_pick"] in picks:
            st.text_area("Practice change", key="scr_t_upd_change", max_chars=MAX_TEXT)
            st.text_area("Outcome seen", key="scr_t_upd_outcome", max_chars=MAX_TEXT)
            st.button("Save", on_click=actions.update_trail, key="scr_t_upd_btn")

elif view == "Yearly report":
    st.caption(
        "What the yearly report must contain (Wood 2021, paragraph 106), where reports fell short (paragraph 109) and the "
        "assurance Wood adds (paragraphs 110-116). The Panel graded whole reports; grading each point is our reading. "
        "A point is filled only from records that answer it (notes you log against the point, the decision trail, "
        "the action plan, sign-offs, your statement), and says which; log a note against a point to fill it."
    )
    chk = tables["yearly report checklist"]
    for group, part in chk.groupby("group", sort=False):
        st.markdown(f"**{group}**")
        st.dataframe(part, hide_index=True, width="stretch", **actions.CHECKLIST_COLUMNS)
    crit = {c.id: c.name for c in cat.get(CHECKLIST).criteria} if can["scrutinise"] else {}
    st.selectbox(
        "Judge a point",
        list(crit),
        key="scr_c_pick",
        format_func=crit.__getitem__,
        on_change=actions.pick_check,
        index=None,
        placeholder="Choose a point",
        disabled=not crit,
    )
    if ss["scr_c_pick"] in crit:
        st.radio(
            "Judgement",
            list(CHECK_STATUSES),
            key="scr_c_status",
            format_func=CHECK_STATUSES.__getitem__,
            horizontal=True,
        )
        st.text_input("Note", key="scr_c_note")
        st.button("Save the judgement", on_click=actions.save_check, key="scr_c_btn")
    with st.container(border=True):
        st.markdown(
            "**Sign-off by the three safeguarding partners** (Wood 2021, paragraphs 110 and 116): each partner signs "
            "with its own account, on the date it approved the report."
        )
        for col, p in zip(st.columns(len(PARTNERS)), PARTNERS, strict=True):
            col.markdown(f"**{ids.AGENCY_NAMES[p]}**")
            col.text(ss["scr_signed"].get(p, "Not signed off yet."))
            if can["sign"]:
                col.date_input("Approved on", key=f"scr_sign_on_{p}", max_value=date.today(), format="YYYY-MM-DD")
                col.button(f"Sign off as {who.username}", key=f"scr_sign_btn_{p}", on_click=actions.sign, args=(p,))
                if p in ss["scr_signed"]:
                    col.button("Withdraw", key=f"scr_unsign_btn_{p}", on_click=actions.withdraw_sign, args=(p,))
    if can["scrutinise"]:
        with st.form("scr_statement_form", border=True):
            st.markdown("**The independent scrutineer's covering statement** (Wood 2021, paragraphs 112 and 115)")
            st.text_area("Statement", key="scr_statement", height=160, max_chars=MAX_TEXT)
            st.form_submit_button("Save the statement", on_click=actions.save_statement)

else:
    st.markdown("**The scrutiny statement** (the independent scrutineer's section of the yearly report)")
    st.caption(
        "Summary and what to do next, the covering statement, judgements, evidence, challenges and responses, the "
        "yearly report checklist, the benchmark position with its peers, sign-offs and the statement's own quality "
        "checks. Groups under the anonymity threshold are not shown."
    )
    formats = {"pdf": "PDF", "docx": "Word (.docx)", "md": "Markdown (.zip)"}
    for col, (fmt, label) in zip(st.columns(len(formats)), formats.items(), strict=True):
        col.download_button(
            f"Statement ({label})",
            partial(actions.statement_bytes, area, cycle, fmt),
            file_name=f"{actions.file_stem(area, cycle)}-statement.{'zip' if fmt == 'md' else fmt}",
            mime=actions.STATEMENT_MIME[fmt],
            key=f"scr_st_{fmt}",
            on_click="ignore",
        )
    st.write(
        "The scrutiny summary: evidence log, self-rating beside scrutiny, decision trail, checklist, sign-off and statement. "
        "Spreadsheet cells that would run as a formula are prefixed with an apostrophe."
    )
    stem = actions.file_stem(area, cycle)
    for col, (fmt, mime) in zip(st.columns(len(actions.EXPORTS)), actions.EXPORTS.items(), strict=True):
        col.download_button(
            f"Download {fmt.upper()}",
            partial(export_summary, tables, fmt, area=area, cycle=cycle),
            file_name=f"{stem}.{fmt}",
            mime=mime,
            key=f"scr_dl_{fmt}",
            on_click="ignore",
        )
