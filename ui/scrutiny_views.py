"""The Scrutiny page's five views, drawn from the tables and records ui.scrutiny_actions.load put in the session.

Each view is the widgets of one tab; the writes are the callbacks in ui.scrutiny_actions and ui.scrutiny_challenges.
"""

from collections.abc import Callable, Mapping
from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from toolkit.core import ids
from toolkit.core.frameworks import Catalogue
from toolkit.scrutiny.checklist import CHECK_STATUSES, CHECKLIST, PARTNERS
from toolkit.scrutiny.evidence import JUDGEMENTS, SOURCES, link_options
from toolkit.scrutiny.fields import MAX_TEXT
from toolkit.scrutiny.summary import export_summary
from toolkit.scrutiny.validation import LINKS, SET_BY_SCRUTINEER, STATES
from ui import scrutiny_actions as actions
from ui import scrutiny_challenges as answers
from ui.scrutiny_attachment_views import attachments_box

ss = st.session_state
VIEWS = ["Evidence log", "Self-rating and validation", "Decision trail", "Yearly report", "Export"]

# How the page's tables label their columns (st.dataframe's column_config), in the order shown where that is set.
EVIDENCE_LABELS = {
    "id": "#",
    "date": "Date seen",
    "status": "Status",
    "about": "About",
    "note": st.column_config.TextColumn("Note", width="large"),
    "owner": "Owner",
    "due": "Answer due",
    "overdue": st.column_config.CheckboxColumn("Overdue"),
    "partnership_answer": "Partnership's latest answer",
    "answered_by": "Answered by (account)",
    "resolution": "Why closed",
    "source": "Source",
    "logged_by": "Logged by (account)",
    "logged_at": "Logged at",
    "carried": "Carried forward",
}
HISTORY_LABELS = {
    "record": "Record",
    "at": "When",
    "by": "Account",
    "role": "Role",
    "action": "What",
    "text": st.column_config.TextColumn("Text or change", width="large"),
}
SIDE_LABELS = {  # the table's own order stands
    "self_rating": "Self-rating",
    "notes": "Notes",
    "about": st.column_config.TextColumn("About", width="medium"),
    "validation": st.column_config.TextColumn("Validation", width="medium"),
    "scrutiny": st.column_config.TextColumn("Scrutiny notes", width="medium"),
    "latest_note": st.column_config.TextColumn("Latest note", width="large"),
}
CHECKLIST_LABELS = {
    "point": st.column_config.TextColumn("Point", width="medium"),
    "status": "Your judgement",
    "toolkit_evidence": st.column_config.TextColumn("What the toolkit's records hold", width="large"),
    "filled_from": st.column_config.TextColumn("Filled from", width="medium"),
    "note": "Note",
    "source": "Source",
    "question": "Question to ask",
}
Tables = dict[str, pd.DataFrame]  # the page's tables by name, as ui.scrutiny_actions.load returns them


def table(frame: pd.DataFrame, labels: Mapping, ordered: bool = False) -> None:
    """One of the page's tables, its columns labelled (and, if `ordered`, only those, in the labels' order)."""
    st.dataframe(
        frame, hide_index=True, width="stretch", column_config=labels, column_order=list(labels) if ordered else None
    )


def choose(
    label: str,
    labels: Mapping,
    key: str,
    placeholder: str,
    on_change: Callable[[], None] | None = None,
    disabled: bool = False,
) -> None:
    """A picker of records by their labels, nothing chosen until the user chooses (every picker on the page)."""
    st.selectbox(
        label,
        list(labels),
        key=key,
        format_func=labels.__getitem__,
        on_change=on_change,
        index=None,
        placeholder=placeholder,
        disabled=disabled,
    )


def view_picker() -> str:
    """The view to show: the kept one (a plain key, so a page switch cannot clear it), changed by the control."""
    if ss["scr_tab"] not in VIEWS:
        ss["scr_tab"] = VIEWS[0]
    ss["scr_tab_w"] = ss["scr_tab"]
    st.segmented_control("Show", VIEWS, key="scr_tab_w", required=True, width="stretch", on_change=actions.keep_view)
    return ss["scr_tab"]


def evidence_form(cat: Catalogue) -> None:
    """The scrutineer's form: a note of evidence, or a challenge with its owner and due date."""
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


def open_challenges(can: Mapping[str, bool], username: str) -> None:
    """The challenges not yet closed: the partnership answers; the scrutineer resolves, withdraws or edits."""
    st.markdown("**Challenges not yet closed**")
    labels = answers.challenge_labels(ss["scr_open"])
    choose("Challenge", labels, "scr_pick", "Choose a challenge", on_change=answers.pick_challenge)
    if ss["scr_pick"] not in labels:
        return
    st.text(answers.chosen_challenge()["note"])
    if can["answer"]:
        st.text_area(f"Your answer (recorded as {username})", key="scr_answer", max_chars=MAX_TEXT)
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


def reopen_box() -> None:
    """Reopen a closed challenge, with the reason."""
    closed = answers.challenge_labels(ss["scr_closed"])
    choose("Reopen a closed challenge", closed, "scr_reopen_pick", "Choose a closed challenge")
    st.text_input("Why it is reopened", key="scr_reopen_reason")
    st.button("Reopen", on_click=answers.reopen, key="scr_reopen_btn", disabled=ss["scr_reopen_pick"] not in closed)


def carry_box() -> None:
    """Carry the previous cycle's open challenges (and, if ticked, its evidence notes) into this cycle."""
    left = ss["scr_carry"]
    with st.container(border=True):
        st.markdown(
            f"**Carry forward from {left['from']}**: {left['challenges']} challenge(s) not yet closed and "
            f"{left['evidence']} evidence note(s) not yet carried. Each carried note is marked as carried and "
            "keeps its history and attachments."
        )
        st.checkbox("Also carry the evidence notes", key="scr_carry_evidence")
        st.button(f"Carry forward from {left['from']}", on_click=actions.carry_forward, key="scr_carry_btn")


def evidence_log(tables: Tables, cat: Catalogue, can: Mapping[str, bool], username: str) -> None:
    """The evidence log: carrying forward, the form, the log, the challenges, the history of every record and the
    attached links and files."""
    left = ss["scr_carry"]
    if can["scrutinise"] and left.get("from") and (left["challenges"] or left["evidence"]):
        carry_box()
    if can["scrutinise"]:
        evidence_form(cat)
    table(tables["evidence log"], EVIDENCE_LABELS, ordered=True)
    if ss["scr_open"] and (can["scrutinise"] or can["answer"]):
        open_challenges(can, username)
    if ss["scr_closed"] and can["scrutinise"]:
        reopen_box()
    st.markdown("**History: every note, challenge, edit and answer, with who and when**")
    table(tables["history"], HISTORY_LABELS)
    attachments_box(tables["attachments"], can)


def _state_label(state: str) -> str:
    return "Self-assessed (take the validation back)" if state == "self_assessed" else STATES[state]


def judgement_change() -> None:
    """Each judgement now beside the previous cycle's, where there is a previous cycle."""
    change = ss["scr_change"]
    if not change:
        return
    before = change[0]["previous_cycle"]
    st.markdown(f"**Each judgement since {before}**")
    st.dataframe(
        change,
        hide_index=True,
        width="stretch",
        column_order=["about", "then", "now", "changed"],
        column_config={
            "about": "About",
            "then": f"In {before}",
            "now": "Now",
            "changed": st.column_config.CheckboxColumn("Changed"),
        },
    )


def validation_view(tables: Tables, cat: Catalogue, can: Mapping[str, bool], username: str) -> None:
    """The self-rating beside its validation; the scrutineer validates, the partnership disputes."""
    st.caption(
        "The partnership's own rating (groups under the anonymity threshold hidden) beside its validation state and "
        "the scrutineer's evidence. A stage or C is challenged while a challenge about it is not closed."
    )
    table(tables["self-rating and scrutiny"], SIDE_LABELS)
    judgement_change()
    if not (can["scrutinise"] or can["answer"]):
        return
    about = link_options(cat)
    choose(
        "Validate a stage or C" if can["scrutinise"] else "Dispute the validation of a stage or C",
        {link: about[link] for link in LINKS},
        "scr_v_pick",
        "Choose a stage or C",
        on_change=answers.pick_validation,
    )
    if ss["scr_v_pick"] not in LINKS:
        return
    if can["scrutinise"]:
        st.radio(
            "Your validation", list(SET_BY_SCRUTINEER), key="scr_v_state", format_func=_state_label, horizontal=True
        )
        st.number_input("Your figure (an adjustment only)", 1.0, 5.0, step=0.1, key="scr_v_figure")
        st.text_input("Reason (needed for an adjustment)", key="scr_v_reason")
        st.button("Save the validation", on_click=answers.validate, key="scr_v_btn", type="primary")
    if can["answer"]:
        st.text_input(f"Why the partnership disputes it (recorded as {username})", key="scr_v_dispute")
        st.button("Dispute the validation", on_click=answers.dispute, key="scr_v_dispute_btn")


def decision_trail(tables: Tables, cat: Catalogue, can: Mapping[str, bool]) -> None:
    """The decision trail: partner decisions, the practice change and the outcome each led to."""
    st.caption(
        "Wood (2021, paragraph 139): can scrutiny trace a line from the partners' decisions to practice and to "
        "outcomes for children?"
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
    if not (ss["scr_trail"] and can["scrutinise"]):
        return
    picks = actions.trail_labels(ss["scr_trail"])
    choose("Add what a decision led to", picks, "scr_t_pick", "Choose a decision", on_change=actions.pick_trail)
    if ss["scr_t_pick"] in picks:
        st.text_area("Practice change", key="scr_t_upd_change", max_chars=MAX_TEXT)
        st.text_area("Outcome seen", key="scr_t_upd_outcome", max_chars=MAX_TEXT)
        st.button("Save", on_click=actions.update_trail, key="scr_t_upd_btn")


def sign_off(can: Mapping[str, bool], username: str) -> None:
    """The three safeguarding partners' sign-off, each under its own account."""
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
                col.button(f"Sign off as {username}", key=f"scr_sign_btn_{p}", on_click=actions.sign, args=(p,))
                if p in ss["scr_signed"]:
                    col.button("Withdraw", key=f"scr_unsign_btn_{p}", on_click=actions.withdraw_sign, args=(p,))


def yearly_report(tables: Tables, cat: Catalogue, can: Mapping[str, bool], username: str) -> None:
    """The yearly report checklist with the scrutineer's judgements, the sign-off and the covering statement."""
    st.caption(
        "What the yearly report must contain (Wood 2021, paragraph 106), where reports fell short (paragraph 109) and "
        "the assurance Wood adds (paragraphs 110-116). The Panel graded whole reports; grading each point is our "
        "reading. A point is filled only from records that answer it (notes you log against the point, the decision "
        "trail, the action plan, sign-offs, your statement), and says which; log a note against a point to fill it."
    )
    for group, part in tables["yearly report checklist"].groupby("group", sort=False):
        st.markdown(f"**{group}**")
        table(part, CHECKLIST_LABELS, ordered=True)
    crit = {c.id: c.name for c in cat.get(CHECKLIST).criteria} if can["scrutinise"] else {}
    choose("Judge a point", crit, "scr_c_pick", "Choose a point", on_change=actions.pick_check, disabled=not crit)
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
    sign_off(can, username)
    if can["scrutinise"]:
        with st.form("scr_statement_form", border=True):
            st.markdown("**The independent scrutineer's covering statement** (Wood 2021, paragraphs 112 and 115)")
            st.text_area("Statement", key="scr_statement", height=160, max_chars=MAX_TEXT)
            st.form_submit_button("Save the statement", on_click=actions.save_statement)


STATEMENT_FORMATS = {"pdf": "PDF", "docx": "Word (.docx)", "md": "Markdown (.zip)"}


def statement_downloads(area: str, cycle: str) -> None:
    """The scrutiny statement (the scrutineer's section of the yearly report), one button a format."""
    st.markdown("**The scrutiny statement** (the independent scrutineer's section of the yearly report)")
    st.caption(
        "Summary and what to do next, the covering statement, judgements, evidence, challenges and responses, the "
        "yearly report checklist, the benchmark position with its peers, sign-offs and the statement's own quality "
        "checks. Groups under the anonymity threshold are not shown."
    )
    for col, (fmt, label) in zip(st.columns(len(STATEMENT_FORMATS)), STATEMENT_FORMATS.items(), strict=True):
        col.download_button(
            f"Statement ({label})",
            partial(actions.statement_bytes, area, cycle, fmt),
            file_name=f"{actions.file_stem(area, cycle)}-statement.{'zip' if fmt == 'md' else fmt}",
            mime=actions.STATEMENT_MIME[fmt],
            key=f"scr_st_{fmt}",
            on_click="ignore",
        )


def export(tables: Tables, area: str, cycle: str) -> None:
    """The scrutiny statement's and the scrutiny summary's downloads, one button a format."""
    statement_downloads(area, cycle)
    st.write(
        "The scrutiny summary: evidence log, self-rating beside scrutiny, decision trail, checklist, sign-off and "
        "statement. Spreadsheet cells that would run as a formula are prefixed with an apostrophe."
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
