"""Run a workshop: create it, show the code and QR, watch the room join and answer, reveal, appraise, close."""

from datetime import date

import pandas as pd
import streamlit as st

from toolkit.access.scope import AccessDenied
from toolkit.charts import results as charts
from toolkit.charts import workshop as workshop_charts
from toolkit.core import ids
from toolkit.store.areas import CycleRef
from toolkit.store.plans import shortlist, shortlist_add, shortlist_remove
from toolkit.workshops import (
    FRAMEWORKS,
    LATE_JOIN_MINUTES,
    appraisal_table,
    close,
    completion_table,
    create_workshop,
    find_workshop,
    format_code,
    join_link,
    joined_cells,
    joined_table,
    late_joins,
    list_workshops,
    open_appraisal,
    reveal,
    room_appraisal,
    roster_keys,
    roster_of,
    roster_table,
    statement_table,
    status,
)
from ui import workshop_actions as actions
from ui.auth import recheck, require
from ui.resources import catalogue, db
from ui.scope import actor
from ui.widgets import NotOffered, areas_offered, offered
from ui.workshops import REFRESH_FACILITATOR, config, plain, qr, room, suggestions

heading = st.empty()  # "Run a workshop", or the workshop's own name in presentation view
heading.title("Run a workshop")
require("run_workshop", what="the workshop page")
who = actor()  # the signed-in account with its memberships, for the checks in toolkit.access.scope
assert who is not None  # require() stopped the page otherwise
cat = catalogue()
ss = st.session_state
FW_NAMES = {"opm": "Organisational Practice Model (the four stages)", "twelve_cs": "The 12 C's"}


def _create() -> None:
    try:
        with db() as s:
            w = create_workshop(
                ss.get("workshop_f_area") or "",
                ss.get("workshop_f_cycle") or "",
                frameworks=ss.get("workshop_f_frameworks") or [],
                stages=ss.get("workshop_f_stages") or [],
                title=ss.get("workshop_f_title") or "",
                created_by=who.username,
                session=s,
                actor=actor(),
            )
        ss["workshop_sel"] = w.code
        ss["workshop_msg"] = ("success", f"Workshop created. Its join code is {format_code(w.code)}.")
    except (ValueError, AccessDenied) as exc:
        ss["workshop_msg"] = ("error", f"Not created: {str(exc).rstrip('.')}.")


def _act(action, *args) -> None:
    actions.act(action, *args)


def _pick(offered_codes: list[str]) -> None:
    try:
        ss["workshop_sel"] = offered(ss.get("workshop_pick"), offered_codes)
    except NotOffered as exc:
        ss["workshop_msg"] = ("error", str(exc))


def _save_shortlist(ref: CycleRef) -> None:
    chosen = ss.get("workshop_shortlist") or []
    try:
        with db() as s:
            current = shortlist(ref, session=s)
            for iv in current:
                if iv not in chosen:
                    shortlist_remove(ref, iv, session=s)
            for iv in chosen:
                shortlist_add(ref, iv, session=s, by=who.username, cat=cat)
        ss["workshop_msg"] = ("success", "Shortlist saved.")
    except ValueError as exc:
        ss["workshop_msg"] = ("error", f"Shortlist not saved: {exc}.")


def _close() -> None:
    if not ss.get("workshop_confirm_close"):
        ss["workshop_msg"] = ("error", "Tick the box to confirm that the ratings become final, then close.")
        return
    _act(lambda code, session, actor: close(code, session=session, actor=actor))
    ss["workshop_confirm_close"] = False


present = bool(ss["workshop_present"])
with db() as s:
    mine = list_workshops(session=s, created_by=None if who.can("manage_users") else who.username)
areas = [a.area for a in areas_offered("run_workshop")]
codes = {w.code: w for w in mine}
if ss["workshop_sel"] not in codes:
    ss["workshop_sel"] = next((w.code for w in mine if w.status != "closed"), next(iter(codes), None))
if not codes:
    present = False
if msg := ss.pop("workshop_msg", None):
    getattr(st, msg[0])(msg[1])
if not present:
    with st.expander("Start a new workshop", expanded=not codes), st.form("workshop_create"):
        c1, c2 = st.columns(2)
        c1.selectbox(
            "Partnership (area)",
            areas,
            index=None,
            key="workshop_f_area",
            accept_new_options=True,
            placeholder="Choose or type a new name",
        )
        c2.text_input("Assessment cycle", key="workshop_f_cycle", placeholder=f"e.g. {date.today().year}")
        st.text_input(
            "Workshop name (optional)", key="workshop_f_title", placeholder="e.g. Leaders and practitioners, March"
        )
        st.multiselect(
            "Frameworks to rate", FRAMEWORKS, key="workshop_f_frameworks", format_func=lambda k: str(FW_NAMES.get(k, k))
        )
        st.multiselect(
            "Stages of the journey to rate",
            ids.STAGES,
            key="workshop_f_stages",
            format_func=lambda k: str(ids.STAGE_NAMES.get(k, k)),
            help="Only for the Organisational Practice Model.",
        )
        st.form_submit_button("Create workshop", type="primary", on_click=_create)
    if not codes:
        st.info("No workshops yet: start one above.")
        st.stop()
    if ss.get("workshop_pick") not in codes:
        ss["workshop_pick"] = ss["workshop_sel"]
    st.selectbox(
        "Workshop",
        list(codes),
        key="workshop_pick",
        format_func=lambda c: codes[c].label,
        on_change=_pick,
        args=(list(codes),),
    )
with db() as s:
    w = find_workshop(ss["workshop_sel"], session=s)
if present:
    heading.title(plain(w.title) if w.title else f"Workshop: {plain(w.area)}, cycle {plain(w.cycle)}")
st.toggle("Presentation view (large, for the room's screen; hides names)", key="workshop_present")

link = join_link(st.context.url or "", w.code)
if w.status != "closed":
    c1, c2 = st.columns([3, 2] if not present else [2, 1])
    c1.markdown(f"{'#' if present else '###'} Join code: {format_code(w.code)}")
    c1.write("On a phone: scan the QR code, or open this address and type the code.")
    c1.code(link, language=None)
    c2.image(qr(link), caption="Scan to join", width=320 if present else 220)
else:
    st.info("This workshop has closed: its ratings are final and stand as the partnership's record for the cycle.")


@st.fragment(run_every=REFRESH_FACILITATOR)
def dashboard(code: str, present: bool) -> None:
    """The live picture: who has joined, how far they are, and the results once revealed."""
    recheck("run_workshop")  # a session that ended stops the refreshing and shows the sign-in form
    with db() as s:
        w = find_workshop(code, session=s)
        now = status(w, session=s, cat=cat)
        expected = roster_of(code, session=s)
        appraisal = room_appraisal(w, session=s, min_n=config().min_group_size) if w.revealed else {}
    min_n = config().min_group_size
    finished = sum(1 for c in now.completion if c.total and c.answered >= c.total)
    m1, m2, m3 = st.columns(3)
    m1.metric("Joined", now.joined, border=True)
    m2.metric("Finished", finished, border=True)
    m3.metric("Answers saved", now.ratings, border=True)
    st.subheader("Who has joined: agency by level")
    if not now.joined:
        st.write("Nobody has joined yet. Share the code, the address or the QR code above.")
        return
    if present:
        st.caption(f"Groups of fewer than {min_n} people are hidden on this screen.")
    st.dataframe(joined_table(joined_cells(now, min_n, suppress=present), min_n), hide_index=True, width="stretch")
    if not present:
        if expected:
            st.caption("Joined against the roster you expect (set it under Facilitator controls).")
            st.dataframe(roster_table(now, expected), hide_index=True, width="stretch")
        st.subheader("Progress")
        st.dataframe(
            completion_table(now),
            hide_index=True,
            width="stretch",
            column_config={"Done": st.column_config.ProgressColumn("Done", min_value=0, max_value=100, format="%d%%")},
        )
        with st.expander("Answers per statement (fewest first)"):
            st.dataframe(statement_table(w, now, cat), hide_index=True, width="stretch")
    if not w.revealed:
        st.info("The room's results are hidden until you reveal them, so that nobody anchors on the others' answers.")
        return
    a = room(w, now.version)
    st.subheader("The room's results")
    st.caption(f"{a.respondents} people have answered · groups of fewer than {min_n} people are hidden")
    if a.respondents == 0:
        st.write("No answers yet.")
        return
    heat = charts.stage_level_heatmap(a)
    st.altair_chart(workshop_charts.enlarge(heat, height=420) if present else heat, width="stretch")
    if a.opm.priority_stage:
        st.markdown(f"**Work on {ids.STAGE_NAMES[a.opm.priority_stage]} first.** {plain(a.opm.priority_reason)}")
    st.subheader("Where the room disagrees most")
    if a.disagreement and present:
        for d in a.disagreement:
            st.markdown(f"#### {plain(d.text)}")
            st.markdown(f"Mean {d.mean:.1f} · spread (SD) {d.sd:.1f} · {d.n} people")
    elif a.disagreement:
        df = pd.DataFrame([d.model_dump() for d in a.disagreement])[["text", "mean", "sd", "n"]]
        st.dataframe(
            df,
            hide_index=True,
            width="stretch",
            column_config={"text": "Statement", "mean": "Mean", "sd": "Spread (SD)", "n": "People"},
        )
    else:
        st.write("No statement splits the room.")
    if a.gaps and not present:
        st.subheader("Perception gaps")
        texts = {i.item: i.text for i in a.items}
        st.altair_chart(charts.gaps_chart(a.gaps, top=8, texts=texts), width="stretch")
    if appraisal:
        st.subheader("The room's APEASE appraisal")
        grid = workshop_charts.apease_grid(appraisal, cat, min_n)
        st.altair_chart(workshop_charts.enlarge(grid, font=18) if present else grid, width="stretch")
        st.dataframe(appraisal_table(appraisal, cat, min_n), hide_index=True, width="stretch")


dashboard(w.code, present)

if w.status == "closed":
    st.stop()
st.divider()
with st.expander("Facilitator controls") if present else st.container():
    st.subheader("Facilitator controls")
    c1, c2 = st.columns(2)
    with c1, st.container(border=True):
        st.markdown("**Reveal the results**")
        if w.revealed:
            st.write("Revealed: the room's results are on every participant's device, small groups hidden.")
        else:
            st.write("Shows the room's results here and on every participant's device. Answers can still change.")
            with db() as s:
                late = late_joins(w, session=s)
            if late:
                st.warning(
                    f"Joined in the last {LATE_JOIN_MINUTES} minutes: {', '.join(late)}. One person joining "
                    "several times can pad a small group and uncover the others' answers: check the roster and "
                    "the progress table, and remove anyone who should not be there, before you reveal."
                )
            st.button(
                "Reveal results",
                type="primary",
                key="workshop_reveal",
                on_click=_act,
                args=(lambda code, session, actor: reveal(code, session=session, actor=actor),),
            )
    with c2, st.container(border=True):
        st.markdown("**Close the workshop**")
        st.write("Nobody can join or change an answer after this; the ratings stand as the record for the cycle.")
        st.checkbox("I understand the ratings become final", key="workshop_confirm_close")
        st.button("Close workshop", key="workshop_close", on_click=_close)

    with db() as s:
        expected = roster_of(w.code, session=s)
        people = status(w, session=s, cat=cat).completion
    with st.expander("Expected roster, lost links and removals", expanded=bool(ss.get("workshop_new_link"))):
        st.markdown("**How many people you expect** per agency and per level (0: none expected).")
        cols = st.columns(4)
        for n, key in enumerate(roster_keys()):
            kind, value = key.split(":")
            if f"workshop_roster_{key}" not in ss or ss.get("workshop_roster_for") != w.code:
                ss[f"workshop_roster_{key}"] = expected.get(key, 0)
            name = ids.AGENCY_NAMES[value] if kind == "agency" else f"{ids.LEVEL_NAMES[value]} level"
            cols[n % 4].number_input(str(name), min_value=0, max_value=500, step=1, key=f"workshop_roster_{key}")
        ss["workshop_roster_for"] = w.code
        st.button("Save the roster", key="workshop_roster_save", on_click=actions.save_roster, args=(who, w.code))
        st.markdown("**A participant who lost their link, or should not be here**")
        who_is = {c.participant: f"{c.name or c.participant} · {ids.AGENCY_NAMES[c.agency]}, {c.level}" for c in people}
        if ss.get("workshop_person") not in who_is:
            ss["workshop_person"] = None
        person = st.selectbox(
            "Participant", list(who_is), index=None, key="workshop_person", format_func=lambda k: who_is.get(k, k)
        )
        c1, c2 = st.columns(2)
        c1.button(
            "Give them a new link", key="workshop_reissue", disabled=not person, on_click=actions.reissue,
            args=(who, w.code), help="Their old link stops working, on every device.",
        )  # fmt: skip
        c2.button(
            "Remove them and their answers…", key="workshop_remove", disabled=not person, on_click=actions.ask_removal
        )
        if ss["workshop_removing"]:
            actions.confirm_removal(who, w.code, ss["workshop_removing"])
        if new_link := ss.get("workshop_new_link"):
            st.write(f"The new link for {plain(new_link[0])} (shown once: send it to them only):")
            st.code(new_link[1], language=None)
            st.image(qr(new_link[1]), caption="Their own link: for their eyes only", width=180)
            st.button("Done", key="workshop_new_link_done", on_click=lambda: ss.update(workshop_new_link=None))

    st.subheader("Appraise interventions with APEASE")
    st.write(
        "Shortlist a handful of interventions, then open the appraisal: everyone scores each one on the six "
        "APEASE criteria on their device, and the room's scores appear above once results are revealed."
    )
    with db() as s:
        listed = shortlist(w.ref, session=s)
        version = status(w, session=s, cat=cat).version if w.revealed else ""
    names = {iv.id: iv.title for iv in cat.interventions}
    if w.revealed and (ideas := suggestions(w, version)):
        st.caption("Suggested by the room's results: " + "; ".join(plain(i.title) for i in ideas[:5]))
    if ss.get("workshop_shortlist_for") != w.code or "workshop_shortlist" not in ss:
        ss["workshop_shortlist"], ss["workshop_shortlist_for"] = listed, w.code
    st.multiselect(
        "Shortlist",
        list(names),
        key="workshop_shortlist",
        format_func=lambda k: str(names.get(k, k)),
        max_selections=6,
        placeholder="Choose interventions to appraise",
    )
    c1, c2 = st.columns(2)
    c1.button("Save shortlist", key="workshop_save_shortlist", on_click=_save_shortlist, args=(w.ref,))
    if w.appraisal_open:
        c2.button(
            "Stop the appraisal",
            key="workshop_appraisal",
            on_click=_act,
            args=(lambda code, session, actor: open_appraisal(code, False, session=session, actor=actor),),
        )
    else:
        c2.button(
            "Open the appraisal on participants' devices",
            key="workshop_appraisal",
            disabled=not listed,
            on_click=_act,
            args=(lambda code, session, actor: open_appraisal(code, True, session=session, actor=actor),),
        )
