"""Run a workshop: create it, show the code and QR, watch the room join and answer, reveal, appraise, close."""

from datetime import date

import streamlit as st

from toolkit.core import ids
from toolkit.core.forms import FORM_NAMES, FORMS
from toolkit.core.settings import get_settings
from toolkit.core.text import md_text
from toolkit.store.plans import shortlist
from toolkit.workshops import (
    FRAMEWORKS,
    find_workshop,
    join_card,
    join_link,
    list_workshops,
    participant_choices,
    roster_fields,
    roster_of,
    status,
)
from ui import room_actions
from ui import workshop_actions as actions
from ui.auth import require
from ui.presentation import presentation, slide_choice, style
from ui.resources import catalogue, db
from ui.room import choice_box, comments_box, pace_box, part_bar, plan_form, summary_box
from ui.scope import actor
from ui.widgets import areas_offered
from ui.workshop_dashboard import dashboard
from ui.workshops import qr, suggestions

heading = st.empty()  # "Run a workshop", or the workshop's own name in presentation view
heading.title("Run a workshop")
require("run_workshop", what="the workshop page")
who = actor()  # the signed-in account with its memberships, for the checks in toolkit.access.scope
assert who is not None  # require() stopped the page otherwise
cat = catalogue()
ss = st.session_state
C_NAMES = {c.id: f"C{c.number} {c.name}" for c in cat.twelve_cs.cs}
FW_NAMES = {"opm": "Organisational Practice Model (the four stages)", "twelve_cs": "The 12 C's"}

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
        st.multiselect(
            "The 12 C's to rate",
            ids.C_IDS,
            key="workshop_f_cs",
            format_func=lambda k: str(C_NAMES.get(k, k)),
            help="Only for the 12 C's.",
        )
        st.radio(
            "Form",
            FORMS,
            key="workshop_f_form",
            format_func=lambda k: str(FORM_NAMES.get(k, k)),
            help="The short form asks each participant about 20 core statements, chosen from the sources "
            "(docs/short-form.md); the rest of each stage and C stays as an optional deep dive. The full form asks "
            "every statement (85 to 90).",
        )
        st.form_submit_button("Create workshop", type="primary", on_click=actions.create, args=(who,))
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
        on_change=actions.pick,
        args=(list(codes),),
    )
with db() as s:
    w = find_workshop(ss["workshop_sel"], session=s)
if present:  # the projector: one part at a time, full screen, nothing to scroll
    style()
    heading.title(md_text(w.title) if w.title else f"Workshop: {md_text(w.area)}, cycle {md_text(w.cycle)}")
    with st.container(horizontal=True, vertical_alignment="center", key="present_top"):
        slide = slide_choice(w.code)
        if w.paced and w.status != "closed":
            part_bar(w)
        st.toggle("Presentation view (large, for the room's screen; hides names)", key="workshop_present")
    presentation(w.code, slide)
    if slide == "Plan" and w.status != "closed":
        plan_form(w)
    st.stop()
st.toggle("Presentation view (large, for the room's screen; hides names)", key="workshop_present")

card = join_card(w, get_settings().public_url)
if w.status != "closed":
    c1, c2 = st.columns([3, 2])
    c1.markdown(f"### Join code: {card.code}")
    c1.write("On a phone: scan the QR code, or open this address and type the code.")
    c1.code(card.link or join_link(st.context.url or "", w.code), language=None)
    if card.link:
        c2.image(qr(card.link), caption="Scan to join", width=220)
    else:
        c2.info(card.note or "")  # our own fixed text
else:
    st.info("This workshop has closed: its ratings are final and stand as the partnership's record for the cycle.")

dashboard(w.code, False)
with st.container(border=True):
    summary_box(w)

if w.status == "closed":
    st.stop()
with db() as s:
    now = status(w, session=s, cat=cat)
    expected = roster_of(w.code, session=s)
    listed = shortlist(w.ref, session=s)
st.divider()
with st.container():
    st.subheader("Facilitator controls")
    c1, c2 = st.columns(2)
    with c1, st.container(border=True):
        actions.reveal_box(w)
    with c2, st.container(border=True):
        pace_box(w)
    with st.container(border=True):
        comments_box(w)
    with st.container(border=True):
        st.markdown("**Close the workshop**")
        st.write("Nobody can join or change an answer after this; the ratings stand as the record for the cycle.")
        st.button("Close workshop", key="workshop_close", on_click=actions.ask_close)
        if ss.get("workshop_closing") == w.code:
            actions.confirm_close(w.code)

    with st.expander("Expected roster, lost links and removals", expanded=bool(ss.get("workshop_new_link"))):
        st.markdown("**How many people you expect** per agency and per level (0: none expected).")
        cols = st.columns(4)
        for n, field in enumerate(roster_fields(expected)):
            if f"workshop_roster_{field.key}" not in ss or ss.get("workshop_roster_for") != w.code:
                ss[f"workshop_roster_{field.key}"] = field.expected
            cols[n % 4].number_input(
                field.label, min_value=0, max_value=500, step=1, key=f"workshop_roster_{field.key}"
            )
        ss["workshop_roster_for"] = w.code
        st.button("Save the roster", key="workshop_roster_save", on_click=actions.save_roster, args=(who, w.code))
        st.markdown("**A participant who lost their link, or should not be here**")
        who_is = participant_choices(now)
        if ss.get("workshop_person") not in who_is:
            ss["workshop_person"] = None
        person = st.selectbox(
            "Participant", list(who_is), index=None, key="workshop_person", format_func=lambda k: who_is.get(k, k)
        )
        c1, c2 = st.columns(2)
        c1.button(
            "Give them a new link",
            key="workshop_reissue",
            disabled=not person,
            on_click=actions.reissue,
            args=(who, w.code),
            help="Their old link stops working, on every device.",
        )
        c2.button(
            "Remove them and their answers…", key="workshop_remove", disabled=not person, on_click=actions.ask_removal
        )
        if ss["workshop_removing"]:
            actions.confirm_removal(who, w.code, ss["workshop_removing"])
        if new_link := ss.get("workshop_new_link"):
            st.write(f"The new link for {md_text(new_link.name)} (shown once: send it to them only):")
            st.code(new_link.link, language=None)
            st.image(qr(new_link.link), caption="Their own link: for their eyes only", width=180)
            st.button("Done", key="workshop_new_link_done", on_click=actions.link_done)

    st.subheader("Appraise interventions with APEASE")
    st.write(
        "Shortlist a handful of interventions, then open the appraisal: everyone scores each one on the six "
        "APEASE criteria on their device, and the room's scores appear above at the next reveal (press 'Reveal the "
        "latest answers' once they have scored)."
    )
    names = {iv.id: iv.title for iv in cat.interventions}
    if w.revealed and (ideas := suggestions(w, now.version)):
        st.caption("Suggested by the room's results: " + "; ".join(md_text(i.title) for i in ideas[:5]))
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
    c1.button("Save shortlist", key="workshop_save_shortlist", on_click=actions.shortlist, args=(who, w.code))
    if w.points_open:
        c1.button("Stop the 100 points", key="room_points", on_click=room_actions.points, args=(False,))
    else:
        c1.button(
            "Open the 100 points on participants' devices",
            key="room_points",
            disabled=not listed,
            on_click=room_actions.points,
            args=(True,),
            help="Everyone shares 100 points across the shortlist: the room's choice of what to do first.",
        )
    if w.appraisal_open:
        c2.button("Stop the appraisal", key="workshop_appraisal", on_click=actions.appraisal, args=(False,))
    else:
        c2.button(
            "Open the appraisal on participants' devices",
            key="workshop_appraisal",
            disabled=not listed,
            on_click=actions.appraisal,
            args=(True,),
        )
choice_box(w)
