"""Scrutiny (scrutineers only): evidence log, self-rating beside judgement, decision trail, yearly report, export."""

from datetime import date
from functools import partial

import streamlit as st

from toolkit.core import ids
from toolkit.scrutiny.checklist import CHECK_STATUSES, CHECKLIST, PARTNERS
from toolkit.scrutiny.evidence import JUDGEMENTS, SOURCES, link_label, link_options
from toolkit.scrutiny.fields import MAX_TEXT
from toolkit.scrutiny.summary import export_summary
from ui import scrutiny_actions as actions
from ui.auth import require
from ui.resources import catalogue
from ui.widgets import area_cycle_picker

ss = st.session_state

st.title("Scrutiny")
who = require("log_evidence", what="the scrutiny pages")
ss["scr_user"] = who.username
area, cycle = area_cycle_picker(action="log_evidence")
if not (area and cycle):
    st.stop()
cat = catalogue()
tables = actions.load(area, cycle)
actions.show_message()

log_tab, side_tab, trail_tab, report_tab, export_tab = st.tabs(
    ["Evidence log", "Self-rating and scrutiny", "Decision trail", "Yearly report", "Export"]
)
with log_tab:
    with st.form("scr_form", border=True):
        st.markdown("**Log evidence**")
        st.text_area("What did you see or read?", key="scr_note", max_chars=MAX_TEXT)
        c1, c2, c3 = st.columns(3)
        c1.selectbox("Source", list(SOURCES), key="scr_source", format_func=SOURCES.__getitem__)
        c2.date_input("Date seen", key="scr_date", max_value=date.today(), format="YYYY-MM-DD")
        c3.radio("Judgement", list(JUDGEMENTS), key="scr_judgement", format_func=JUDGEMENTS.__getitem__)
        options = link_options(cat)
        st.selectbox(
            "About (a stage, C, Theory of Change box or statement)",
            list(options),
            key="scr_link",
            format_func=options.__getitem__,
        )
        st.form_submit_button("Log evidence", on_click=actions.log, type="primary")
    st.dataframe(
        tables["evidence log"],
        hide_index=True,
        width="stretch",
        column_order=[
            "date",
            "status",
            "about",
            "note",
            "source",
            "partnership_answer",
            "answered_by",
            "resolution",
            "logged_by",
        ],
        column_config={
            "date": "Date",
            "status": "Status",
            "about": "About",
            "note": st.column_config.TextColumn("Note", width="large"),
            "source": "Source",
            "partnership_answer": "Partnership's answer",
            "answered_by": "Answered by",
            "resolution": "Why resolved",
            "logged_by": "Logged by",
        },
    )
    if ss["scr_open"]:
        st.markdown("**Open challenges: the partnership's answer, and resolving**")
        labels = {
            e["id"]: f"#{e['id']} {e['seen_on'].isoformat()} · {link_label(e['link'], cat)}" for e in ss["scr_open"]
        }
        st.selectbox(
            "Challenge",
            list(labels),
            key="scr_pick",
            format_func=labels.__getitem__,
            on_change=actions.pick_challenge,
            index=None,
            placeholder="Choose a challenge",
        )
        if ss["scr_pick"] in labels:
            chosen = next(e for e in ss["scr_open"] if e["id"] == ss["scr_pick"])
            st.text(chosen["note"])
            st.text_area("The partnership's answer", key="scr_answer", max_chars=MAX_TEXT)
            st.text_input("Answered by (for example the partnership's business manager)", key="scr_answer_by")
            st.button("Save the answer", on_click=actions.answer, key="scr_answer_btn")
            st.text_input("Why it is resolved", key="scr_reason")
            st.button("Resolve the challenge", on_click=actions.resolve, key="scr_resolve_btn")
    if ss["scr_closed"]:
        closed = {
            e["id"]: f"#{e['id']} {e['seen_on'].isoformat()} · {link_label(e['link'], cat)}" for e in ss["scr_closed"]
        }
        st.selectbox(
            "Reopen a resolved challenge",
            list(closed),
            key="scr_reopen_pick",
            format_func=closed.__getitem__,
            index=None,
            placeholder="Choose a resolved challenge",
        )
        st.button("Reopen", on_click=actions.reopen, key="scr_reopen_btn", disabled=ss["scr_reopen_pick"] not in closed)

with side_tab:
    st.caption("The partnership's own rating (groups under the anonymity threshold hidden) beside your evidence.")
    st.dataframe(
        tables["self-rating and scrutiny"],
        hide_index=True,
        width="stretch",
        column_config={
            "about": st.column_config.TextColumn("About", width="medium"),
            "self_rating": "Self-rating",
            "scrutiny": st.column_config.TextColumn("Scrutiny", width="medium"),
            "notes": "Notes",
            "latest_note": st.column_config.TextColumn("Latest note", width="large"),
        },
    )

with trail_tab:
    st.caption(
        "Wood (2021, paragraph 139): can scrutiny trace a line from the partners' decisions to practice and to outcomes for children?"
    )
    with st.form("scr_trail_form", border=True):
        st.text_area("Partner decision", key="scr_t_decision", max_chars=MAX_TEXT)
        st.date_input("Decided on", key="scr_t_date", max_value=date.today(), format="YYYY-MM-DD")
        st.text_area("Practice change it led to (if seen yet)", key="scr_t_change", max_chars=MAX_TEXT)
        st.text_area("Outcome seen for children and families (if seen yet)", key="scr_t_outcome", max_chars=MAX_TEXT)
        nodes = {n.id: n.label for n in cat.toc.nodes}
        st.multiselect("Theory of Change boxes", list(nodes), key="scr_t_nodes", format_func=nodes.__getitem__)
        st.form_submit_button("Add to the trail", on_click=actions.add_trail, type="primary")
    st.dataframe(tables["decision trail"].drop(columns=["id"]), hide_index=True, width="stretch")
    if ss["scr_trail"]:
        picks = {t["id"]: f"#{t['id']} {t['decision'][:80]}" for t in ss["scr_trail"]}
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

with report_tab:
    st.caption(
        "What the yearly report must contain (Working Together 2018, quoted in Wood 2021 paragraph 106), where reports "
        "fell short (paragraph 109) and the assurance Wood adds (paragraphs 110-116). The toolkit fills in what its records show."
    )
    chk = tables["yearly report checklist"]
    for group, part in chk.groupby("group", sort=False):
        st.markdown(f"**{group}**")
        st.dataframe(
            part,
            hide_index=True,
            width="stretch",
            column_order=["point", "status", "toolkit_evidence", "note", "source", "question"],
            column_config={
                "point": st.column_config.TextColumn("Point", width="medium"),
                "status": "Your judgement",
                "toolkit_evidence": st.column_config.TextColumn("What the toolkit holds", width="large"),
                "note": "Note",
                "source": "Source",
                "question": "Question to ask",
            },
        )
    crit = {c.id: c.name for c in cat.get(CHECKLIST).criteria}
    st.selectbox(
        "Judge a point",
        list(crit),
        key="scr_c_pick",
        format_func=crit.__getitem__,
        on_change=actions.pick_check,
        index=None,
        placeholder="Choose a point",
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
    with st.form("scr_sign_form", border=True):
        st.markdown("**Sign-off by the three safeguarding partners** (Wood 2021, paragraphs 110 and 116)")
        for col, p in zip(st.columns(len(PARTNERS)), PARTNERS, strict=True):
            col.text_input(f"{ids.AGENCY_NAMES[p]}: signed by", key=f"scr_sign_{p}")
            col.date_input("on", key=f"scr_sign_on_{p}", max_value=date.today(), format="YYYY-MM-DD")
        st.form_submit_button("Save sign-offs", on_click=actions.save_signoffs)
    with st.form("scr_statement_form", border=True):
        st.markdown("**The independent scrutineer's covering statement** (Wood 2021, paragraphs 112 and 115)")
        st.text_area("Statement", key="scr_statement", height=160, max_chars=MAX_TEXT)
        st.form_submit_button("Save the statement", on_click=actions.save_statement)

with export_tab:
    st.write(
        "The scrutiny summary: evidence log, self-rating beside scrutiny, decision trail, checklist, sign-off and statement. "
        "Spreadsheet cells that would run as a formula are prefixed with an apostrophe."
    )
    stem = f"scrutiny-{area}-{cycle}".replace(" ", "_").replace("(", "").replace(")", "")
    c1, c2, c3 = st.columns(3)
    for col, fmt, mime in (
        (c1, "csv", "text/csv"),
        (c2, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (c3, "md", "text/markdown"),
    ):
        col.download_button(
            f"Download {fmt.upper()}",
            partial(export_summary, tables, fmt, area=area, cycle=cycle),
            file_name=f"{stem}.{fmt}",
            mime=mime,
            key=f"scr_dl_{fmt}",
            on_click="ignore",
        )
