"""Scrutiny (scrutineers only): evidence log, self-rating beside judgement, decision trail, yearly report, export."""

from datetime import date
from functools import partial

import streamlit as st

from toolkit.core import ids
from toolkit.scrutiny import evidence as sc
from ui.auth import require
from ui.cached import analysis
from ui.resources import catalogue, db
from ui.widgets import area_cycle_picker

ss = st.session_state


def _run(fn, ok: str) -> None:
    """Do one write for the selected area and cycle; say what happened or why not."""
    try:
        with db() as s:
            fn(s)
        ss["scr_msg"] = ("success", ok)
    except sc.ScrutinyError as exc:
        ss["scr_msg"] = ("error", f"Not saved: {exc}")


def _log() -> None:
    _run(
        lambda s: sc.log_evidence(
            ss["sel_area"],
            ss["sel_cycle"],
            note=ss["scr_note"],
            source=ss["scr_source"],
            seen_on=ss["scr_date"],
            judgement=ss["scr_judgement"],
            link=ss["scr_link"],
            by=ss["scr_user"],
            session=s,
            cat=catalogue(),
        ),
        "Evidence logged.",
    )
    if ss["scr_msg"][0] == "success":
        ss["scr_note"] = ""


def _pick_challenge() -> None:
    entry = next((e for e in ss["scr_open"] if e["id"] == ss["scr_pick"]), None)
    ss["scr_answer"] = entry["response"] if entry else ""
    ss["scr_reason"] = ""


def _answer() -> None:
    _run(
        lambda s: sc.answer_challenge(
            ss["scr_pick"], ss["scr_answer"], by=ss["scr_answer_by"] or ss["scr_user"], session=s
        ),
        "The partnership's answer is recorded.",
    )


def _resolve() -> None:
    _run(
        lambda s: sc.resolve_challenge(ss["scr_pick"], by=ss["scr_user"], note=ss["scr_reason"], session=s),
        "Challenge resolved.",
    )
    ss["scr_pick"] = None


def _add_trail() -> None:
    _run(
        lambda s: sc.add_trail(
            ss["sel_area"],
            ss["sel_cycle"],
            decision=ss["scr_t_decision"],
            decided_on=ss["scr_t_date"],
            practice_change=ss["scr_t_change"],
            outcome=ss["scr_t_outcome"],
            toc_nodes=ss["scr_t_nodes"],
            by=ss["scr_user"],
            session=s,
            cat=catalogue(),
        ),
        "Decision added to the trail.",
    )
    if ss["scr_msg"][0] == "success":
        ss.update(scr_t_decision="", scr_t_change="", scr_t_outcome="", scr_t_nodes=[])


def _pick_trail() -> None:
    t = next((t for t in ss["scr_trail"] if t["id"] == ss["scr_t_pick"]), None)
    ss["scr_t_upd_change"], ss["scr_t_upd_outcome"] = (t["practice_change"], t["outcome"]) if t else ("", "")


def _update_trail() -> None:
    _run(
        lambda s: sc.update_trail(
            ss["scr_t_pick"],
            practice_change=ss["scr_t_upd_change"],
            outcome=ss["scr_t_upd_outcome"],
            session=s,
            cat=catalogue(),
        ),
        "Trail updated.",
    )


def _pick_check() -> None:
    j = ss["scr_checks"].get(ss["scr_c_pick"], {})
    ss["scr_c_status"], ss["scr_c_note"] = j.get("status", "not_checked"), j.get("note", "")


def _save_check() -> None:
    _run(
        lambda s: sc.set_check(
            ss["sel_area"],
            ss["sel_cycle"],
            ss["scr_c_pick"],
            ss["scr_c_status"],
            ss["scr_c_note"],
            by=ss["scr_user"],
            session=s,
            cat=catalogue(),
        ),
        "Checklist judgement saved.",
    )


def _save_signoffs() -> None:
    def write(s) -> None:
        for p in sc.PARTNERS:
            sc.sign_off(ss["sel_area"], ss["sel_cycle"], p, ss[f"scr_sign_{p}"], ss[f"scr_sign_on_{p}"], session=s)

    _run(write, "Sign-offs saved.")


def _save_statement() -> None:
    _run(
        lambda s: sc.set_statement(ss["sel_area"], ss["sel_cycle"], ss["scr_statement"], by=ss["scr_user"], session=s),
        "Statement saved.",
    )


st.title("Scrutiny")
who = require("log_evidence", what="the scrutiny pages")
ss["scr_user"] = who.username
area, cycle = area_cycle_picker()
if not (area and cycle):
    st.stop()
cat = catalogue()
a = analysis(area, cycle)
with db() as s:
    tables = sc.summary(area, cycle, session=s, cat=cat, analysis=a)
    entries = sc.evidence_log(area, cycle, session=s)
    steps = sc.trail(area, cycle, session=s)
    judged = sc.checks(area, cycle, session=s)
    assured = sc.assurance(area, cycle, session=s)
ss["scr_open"] = [e for e in entries if e["judgement"] == "challenges" and not e["resolved"]]
ss["scr_trail"], ss["scr_checks"] = steps, judged
fresh = ss["scr_loaded"] != (area, cycle)  # a new area or cycle, or fields Streamlit cleared while on another page
for p in sc.PARTNERS:
    got = assured["signoffs"].get(p, {})
    if fresh or not ss[f"scr_sign_{p}"]:
        ss[f"scr_sign_{p}"] = got.get("by", "")
    if fresh or ss[f"scr_sign_on_{p}"] is None:
        ss[f"scr_sign_on_{p}"] = date.fromisoformat(got["on"]) if got.get("on") else None
if fresh or not ss["scr_statement"]:
    ss["scr_statement"] = assured["statement"]
if fresh:
    ss.update(scr_loaded=(area, cycle), scr_pick=None, scr_t_pick=None, scr_c_pick=None)
for k in ("scr_date", "scr_t_date"):
    if ss[k] is None:
        ss[k] = date.today()
if msg := ss.pop("scr_msg", None):
    getattr(st, msg[0])(msg[1])

log_tab, side_tab, trail_tab, report_tab, export_tab = st.tabs(
    ["Evidence log", "Self-rating and scrutiny", "Decision trail", "Yearly report", "Export"]
)
with log_tab:
    with st.form("scr_form", border=True):
        st.markdown("**Log evidence**")
        st.text_area("What did you see or read?", key="scr_note", max_chars=sc.MAX_TEXT)
        c1, c2, c3 = st.columns(3)
        c1.selectbox("Source", list(sc.SOURCES), key="scr_source", format_func=sc.SOURCES.get)
        c2.date_input("Date seen", key="scr_date", max_value=date.today(), format="YYYY-MM-DD")
        c3.radio("Judgement", list(sc.JUDGEMENTS), key="scr_judgement", format_func=sc.JUDGEMENTS.get)
        options = sc.link_options(cat)
        st.selectbox(
            "About (a stage, C, Theory of Change box or statement)",
            list(options),
            key="scr_link",
            format_func=options.get,
        )
        st.form_submit_button("Log evidence", on_click=_log, type="primary")
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
            e["id"]: f"#{e['id']} {e['seen_on'].isoformat()} · {sc.link_label(e['link'], cat)}" for e in ss["scr_open"]
        }
        st.selectbox(
            "Challenge",
            list(labels),
            key="scr_pick",
            format_func=labels.get,
            on_change=_pick_challenge,
            index=None,
            placeholder="Choose a challenge",
        )
        if ss["scr_pick"] in labels:
            chosen = next(e for e in ss["scr_open"] if e["id"] == ss["scr_pick"])
            st.text(chosen["note"])
            st.text_area("The partnership's answer", key="scr_answer", max_chars=sc.MAX_TEXT)
            st.text_input("Answered by (for example the partnership's business manager)", key="scr_answer_by")
            st.button("Save the answer", on_click=_answer, key="scr_answer_btn")
            st.text_input("Why it is resolved", key="scr_reason")
            st.button("Resolve the challenge", on_click=_resolve, key="scr_resolve_btn")

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
        st.text_area("Partner decision", key="scr_t_decision", max_chars=sc.MAX_TEXT)
        st.date_input("Decided on", key="scr_t_date", max_value=date.today(), format="YYYY-MM-DD")
        st.text_area("Practice change it led to (if seen yet)", key="scr_t_change", max_chars=sc.MAX_TEXT)
        st.text_area("Outcome seen for children and families (if seen yet)", key="scr_t_outcome", max_chars=sc.MAX_TEXT)
        nodes = {n.id: n.label for n in cat.toc.nodes}
        st.multiselect("Theory of Change boxes", list(nodes), key="scr_t_nodes", format_func=nodes.get)
        st.form_submit_button("Add to the trail", on_click=_add_trail, type="primary")
    st.dataframe(tables["decision trail"].drop(columns=["id"]), hide_index=True, width="stretch")
    if steps:
        picks = {t["id"]: f"#{t['id']} {t['decision'][:80]}" for t in steps}
        st.selectbox(
            "Add what a decision led to",
            list(picks),
            key="scr_t_pick",
            format_func=picks.get,
            on_change=_pick_trail,
            index=None,
            placeholder="Choose a decision",
        )
        if ss["scr_t_pick"] in picks:
            st.text_area("Practice change", key="scr_t_upd_change", max_chars=sc.MAX_TEXT)
            st.text_area("Outcome seen", key="scr_t_upd_outcome", max_chars=sc.MAX_TEXT)
            st.button("Save", on_click=_update_trail, key="scr_t_upd_btn")

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
    crit = {c.id: c.name for c in cat.get(sc.CHECKLIST).criteria}
    st.selectbox(
        "Judge a point",
        list(crit),
        key="scr_c_pick",
        format_func=crit.get,
        on_change=_pick_check,
        index=None,
        placeholder="Choose a point",
    )
    if ss["scr_c_pick"] in crit:
        st.radio(
            "Judgement", list(sc.CHECK_STATUSES), key="scr_c_status", format_func=sc.CHECK_STATUSES.get, horizontal=True
        )
        st.text_input("Note", key="scr_c_note")
        st.button("Save the judgement", on_click=_save_check, key="scr_c_btn")
    with st.form("scr_sign_form", border=True):
        st.markdown("**Sign-off by the three safeguarding partners** (Wood 2021, paragraphs 110 and 116)")
        for col, p in zip(st.columns(len(sc.PARTNERS)), sc.PARTNERS, strict=True):
            col.text_input(f"{ids.AGENCY_NAMES[p]}: signed by", key=f"scr_sign_{p}")
            col.date_input("on", key=f"scr_sign_on_{p}", max_value=date.today(), format="YYYY-MM-DD")
        st.form_submit_button("Save sign-offs", on_click=_save_signoffs)
    with st.form("scr_statement_form", border=True):
        st.markdown("**The independent scrutineer's covering statement** (Wood 2021, paragraphs 112 and 115)")
        st.text_area("Statement", key="scr_statement", height=160, max_chars=sc.MAX_TEXT)
        st.form_submit_button("Save the statement", on_click=_save_statement)

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
            partial(sc.export_summary, tables, fmt, area=area, cycle=cycle),
            file_name=f"{stem}.{fmt}",
            mime=mime,
            key=f"scr_dl_{fmt}",
        )
