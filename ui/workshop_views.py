"""The facilitator's workshop page, part by part: the new-workshop form, the picker, the projector's view, the join
card, the room's summary and the facilitator controls (reveal, pace, comments, close, roster, lost links and
removals, the APEASE shortlist and the 100 points, the room's choice).

The writes are the callbacks in ui.workshop_actions and ui.room_actions; the live picture is ui.workshop_dashboard;
the room's parts (pace, comments, points, plan, summary) are ui.room.
"""

from collections.abc import Callable, Mapping
from datetime import date

import streamlit as st

from toolkit.access.accounts import Identity
from toolkit.core import ids
from toolkit.core.settings import get_settings
from toolkit.core.text import md_text
from toolkit.store.plans import shortlist
from toolkit.workshops import (
    FRAMEWORKS,
    Status,
    WorkshopInfo,
    join_card,
    join_link,
    participant_choices,
    roster_fields,
    roster_of,
    status,
)
from ui import room_actions
from ui import workshop_actions as actions
from ui.presentation import presentation, slide_choice, style
from ui.resources import catalogue, db
from ui.room import choice_box, comments_box, pace_box, part_bar, plan_form, summary_box
from ui.widgets import areas_offered, form_choice
from ui.workshops import qr, suggestions

ss = st.session_state
FW_NAMES = {"opm": "Organisational Practice Model (the four stages)", "twelve_cs": "The 12 C's"}
PRESENT = "Presentation view (large, for the room's screen; hides names)"


def named(names: Mapping[str, str]) -> Callable[[str], str]:
    """A format_func showing each id by its name (the id itself where it has none)."""
    return lambda k: str(names.get(k, k))


def create_form(who: Identity, expanded: bool) -> None:
    """Start a new workshop: area, cycle, name, what to rate and which form."""
    c_names = {c.id: f"C{c.number} {c.name}" for c in catalogue().twelve_cs.cs}
    areas = [a.area for a in areas_offered("run_workshop")]
    with st.expander("Start a new workshop", expanded=expanded), st.form("workshop_create"):
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
        picks = [  # label, options, key, names, help
            ("Frameworks to rate", FRAMEWORKS, "workshop_f_frameworks", FW_NAMES, None),
            (
                "Stages of the journey to rate",
                ids.STAGES,
                "workshop_f_stages",
                ids.STAGE_NAMES,
                "Only for the Organisational Practice Model.",
            ),
            ("The 12 C's to rate", ids.C_IDS, "workshop_f_cs", c_names, "Only for the 12 C's."),
        ]
        for label, options, key, names, tip in picks:
            st.multiselect(label, options, key=key, format_func=named(names), help=tip)
        form_choice(
            "Form",
            "workshop_f_form",
            "The short form asks each participant about 20 core statements, chosen from the sources "
            "(docs/short-form.md); the rest of each stage and C stays as an optional deep dive. The full form asks "
            "every statement (85 to 90).",
        )
        st.form_submit_button("Create workshop", type="primary", on_click=actions.create, args=(who,))


def workshop_picker(codes: Mapping[str, WorkshopInfo]) -> None:
    """Which of the facilitator's workshops is on screen."""
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


def present_toggle() -> None:
    st.toggle(PRESENT, key="workshop_present")


def projector(heading, w: WorkshopInfo) -> None:
    """The projector: one part at a time, full screen, nothing to scroll; the heading becomes the workshop's name."""
    style()
    heading.title(md_text(w.title) if w.title else f"Workshop: {md_text(w.area)}, cycle {md_text(w.cycle)}")
    with st.container(horizontal=True, vertical_alignment="center", key="present_top"):
        slide = slide_choice(w.code)
        if w.paced and w.status != "closed":
            part_bar(w)
        present_toggle()
    presentation(w.code, slide)
    if slide == "Plan" and w.status != "closed":
        plan_form(w)


def join_box(w: WorkshopInfo) -> None:
    """The join code, address and QR code while the workshop is open; a note once it has closed."""
    if w.status == "closed":
        st.info("This workshop has closed: its ratings are final and stand as the partnership's record for the cycle.")
        return
    card = join_card(w, get_settings().public_url)
    c1, c2 = st.columns([3, 2])
    c1.markdown(f"### Join code: {card.code}")
    c1.write("On a phone: scan the QR code, or open this address and type the code.")
    c1.code(card.link or join_link(st.context.url or "", w.code), language=None)
    if card.link:
        c2.image(qr(card.link), caption="Scan to join", width=220)
    else:
        c2.info(card.note or "")  # our own fixed text


def summary(w: WorkshopInfo) -> None:
    """The room's summary of the workshop (ui.room), open or closed."""
    with st.container(border=True):
        summary_box(w)


def close_box(w: WorkshopInfo) -> None:
    st.markdown("**Close the workshop**")
    st.write("Nobody can join or change an answer after this; the ratings stand as the record for the cycle.")
    st.button("Close workshop", key="workshop_close", on_click=actions.ask_close)
    if ss.get("workshop_closing") == w.code:
        actions.confirm_close(w.code)


def roster_box(who: Identity, w: WorkshopInfo, now: Status, expected: dict[str, int]) -> None:
    """The roster expected per agency and level; a new link for a participant, or their removal."""
    st.markdown("**How many people you expect** per agency and per level (0: none expected).")
    cols = st.columns(4)
    for n, field in enumerate(roster_fields(expected)):
        if f"workshop_roster_{field.key}" not in ss or ss.get("workshop_roster_for") != w.code:
            ss[f"workshop_roster_{field.key}"] = field.expected
        cols[n % 4].number_input(field.label, min_value=0, max_value=500, step=1, key=f"workshop_roster_{field.key}")
    ss["workshop_roster_for"] = w.code
    st.button("Save the roster", key="workshop_roster_save", on_click=actions.save_roster, args=(who, w.code))
    st.markdown("**A participant who lost their link, or should not be here**")
    who_is = participant_choices(now)
    if ss.get("workshop_person") not in who_is:
        ss["workshop_person"] = None
    person = st.selectbox("Participant", list(who_is), index=None, key="workshop_person", format_func=named(who_is))
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


def appraisal_box(who: Identity, w: WorkshopInfo, now: Status, listed: list[str]) -> None:
    """The APEASE shortlist, with the room's suggestions, and the appraisal opened on participants' devices."""
    st.subheader("Appraise interventions with APEASE")
    st.write(
        "Shortlist a handful of interventions, then open the appraisal: everyone scores each one on the six "
        "APEASE criteria on their device, and the room's scores appear above at the next reveal (press 'Reveal the "
        "latest answers' once they have scored)."
    )
    names = {iv.id: iv.title for iv in catalogue().interventions}
    if w.revealed and (ideas := suggestions(w, now.version)):
        st.caption("Suggested by the room's results: " + "; ".join(md_text(i.title) for i in ideas[:5]))
    if ss.get("workshop_shortlist_for") != w.code or "workshop_shortlist" not in ss:
        ss["workshop_shortlist"], ss["workshop_shortlist_for"] = listed, w.code
    st.multiselect(
        "Shortlist",
        list(names),
        key="workshop_shortlist",
        format_func=named(names),
        max_selections=6,
        placeholder="Choose interventions to appraise",
    )
    c1, c2 = st.columns(2)
    c1.button("Save shortlist", key="workshop_save_shortlist", on_click=actions.shortlist, args=(who, w.code))
    if w.points_open:
        c1.button(
            "Close the points and show the room's choice",
            key="room_points",
            on_click=room_actions.points,
            args=(False,),
            help="Closing is final: the room's choice is counted once, so nobody's points can be told from a recount.",
        )
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


def controls(who: Identity, w: WorkshopInfo) -> None:
    """The facilitator controls of an open workshop: reveal, pace, comments, close, roster and links, the APEASE
    appraisal and the 100 points; then the room's choice."""
    with db() as s:
        now = status(w, session=s, cat=catalogue())
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
            close_box(w)
        with st.expander("Expected roster, lost links and removals", expanded=bool(ss.get("workshop_new_link"))):
            roster_box(who, w, now, expected)
        appraisal_box(who, w, now, listed)
    choice_box(w)
