"""Self-assessment: say your agency and level, then rate each stage's statements and the 12 C's, one step at a time."""

import streamlit as st

from toolkit.access.invitations import list_invitations, may_manage_invitations, open_entry
from toolkit.capture.assessment import INVITE_ONLY, deep_dives, progress, walk
from toolkit.core import ids
from toolkit.core.text import md_text
from toolkit.store.areas import NotFound, resolve_cycle
from ui import assess_actions as actions
from ui.auth import identity
from ui.resources import catalogue, db, settings
from ui.scope import actor
from ui.widgets import area_cycle_picker, form_choice, rate_statement
from ui.workshops import qr

cat = catalogue()


def _invitations(who) -> None:
    """For a facilitator: make, list and withdraw invitations for the area and cycle being worked on."""
    if who is None or not who.can("run_workshop"):
        return
    st.subheader("Invite respondents")
    area, cycle = area_cycle_picker()
    with db() as s:
        try:
            ref = resolve_cycle(area or "", cycle or "", session=s)
        except NotFound:
            ref = None
        if ref is None or not may_manage_invitations(who, ref.area_id):
            return
        listed = list_invitations(who, ref, session=s)
    with st.expander(f"Invitations for {md_text(ref.area)}, cycle {md_text(ref.cycle)}", expanded=bool(listed)):
        if msg := st.session_state.pop("assess_inv_msg", None):
            getattr(st, msg[0])(msg[1])
        if link := st.session_state.get("assess_inv_new"):
            c1, c2 = st.columns([3, 2])
            c1.write("Send this link, or show the QR code. Anyone holding it can rate until it expires or is full.")
            c1.code(link, language=None)
            c2.image(qr(link), caption="Scan to take part", width=220)
        c1, c2, c3 = st.columns(3)
        c1.number_input("Valid for (days)", min_value=1, max_value=90, step=1, key="assess_inv_days")
        c2.number_input("Respondents at most", min_value=1, max_value=500, step=1, key="assess_inv_cap")
        c3.text_input("Note (optional)", key="assess_inv_label", max_chars=120, placeholder="e.g. health managers")
        st.button("Make an invitation link", key="assess_inv_make", on_click=actions.invite, args=(ref.area, ref.cycle))
        for inv in listed:
            state = inv.state()
            c1, c2 = st.columns([4, 1])
            c1.markdown(
                f"**{md_text(inv.label) or 'Invitation'}** · {state} · {inv.uses} of {inv.max_uses} used · until "
                f"{inv.expires_at:%d %b %Y %H:%M} UTC · by {md_text(inv.created_by)}"
            )
            if state == "open":
                c2.button("Withdraw", key=f"assess_inv_revoke_{inv.id}", on_click=actions.revoke, args=(inv.id,))


st.title("Self-assessment")
actions.restore()
if not st.session_state["assess_respondent"]:
    who = actor() if identity() else None  # invitations are for installations with accounts
    _invitations(who)
    st.write(
        "Rate how things are in your partnership, from where you sit. There are no right answers; answer "
        "'Don't know' whenever you are not sure. Your answers are saved as you go and shown only in groups of "
        f"{settings().min_group_size} or more."
    )
    if err := st.session_state.pop("assess_error", None):
        st.error(err)
    with db() as s:
        anyone = open_entry(session=s)
    if where := st.session_state["assess_invite_where"]:
        area, cycle = where
        st.info(f"You are invited to rate {md_text(area)}, cycle {md_text(cycle)}.")
    elif anyone:
        area, cycle = area_cycle_picker()
    else:
        st.info(INVITE_ONLY)
        st.stop()
    if area and cycle:
        c1, c2 = st.columns(2)
        c1.selectbox(
            "Your agency",
            ids.AGENCIES,
            key="assess_pick_agency",
            format_func=lambda k: str(ids.AGENCY_NAMES.get(k, k)),
            placeholder="Choose your agency",
        )
        c2.selectbox(
            "Your level",
            ids.LEVELS,
            key="assess_pick_level",
            format_func=lambda k: str(ids.LEVEL_NAMES.get(k, k)),
            placeholder="Choose your level",
        )
        form_choice(
            "How many statements",
            "assess_pick_form",
            "The short form asks about 20 core statements chosen from the sources; afterwards you can go deeper "
            "into any stage or C. The full form asks every statement.",
        )
        st.checkbox("Also rate the statements about the other levels' work", key="assess_pick_all")
        ready = st.session_state.get("assess_pick_agency") and st.session_state.get("assess_pick_level")
        st.button("Start", type="primary", on_click=actions.start, disabled=not ready, key="assess_start")
    st.stop()

ss = st.session_state
everything = bool(ss.get("assess_all_levels"))
steps = walk(cat, ss["assess_level"], all_levels=everything, form=ss["assess_form"], deep=tuple(ss["assess_deep"]))
k = min(ss["assess_step"], len(steps))
done, total = progress(ss["assess_answers"], steps)
st.progress(done / total if total else 0.0, text=f"{done} of {total} statements answered")
st.caption(
    f"{md_text(ss['assess_area'])} · cycle {md_text(ss['assess_cycle'])} · {ids.AGENCY_NAMES[ss['assess_agency']]}, {ss['assess_level']} · "
    "bookmark this page to come back to your answers (its address is your private key: keep it to yourself)"
)
if err := ss.pop("assess_error", None):
    st.error(err)

if k == len(steps):
    st.success(f"Thank you: all your answers are saved ({done} of {total} statements).")
    more = deep_dives(cat, ss["assess_level"], all_levels=everything, form=ss["assess_form"])
    if offer := {d.key: d.title for d in more if d.key not in ss["assess_deep"]}:
        st.multiselect(
            "Go deeper: rate every statement of a stage or a C",
            list(offer),
            key="assess_pick_deep",
            format_func=lambda k: str(offer.get(k, k)),
        )
        st.button("Add the deep dives", on_click=actions.add_deep, args=(list(offer),), key="assess_add_deep")
    c1, c2 = st.columns(2)
    c1.button("Back to the statements", on_click=actions.go, args=(-1,), key="assess_back_end")
    c2.button("Finish and start a new respondent", on_click=actions.leave, key="assess_leave")
    st.stop()

step = steps[k]
st.subheader(f"Step {k + 1} of {len(steps)}. {md_text(step.title)}")
st.caption(md_text(step.intro))
current_level = None
for item in step.items:
    if step.framework == "opm" and item.level != current_level:
        current_level = item.level
        st.markdown(
            f"**About {ids.LEVEL_NAMES[current_level].lower()} work**"
            + (" (your level)" if current_level == ss["assess_level"] else "")
        )
    rate_statement(
        item, step.framework, cat.item_scale(step.framework, item.id), "assess", ss["assess_answers"], actions.save
    )

c1, c2 = st.columns(2)
c1.button("Back", on_click=actions.go, args=(-1,), disabled=k == 0, key="assess_back", width="stretch")
c2.button(
    "Next" if k < len(steps) - 1 else "Finish",
    on_click=actions.go,
    args=(1,),
    type="primary",
    key="assess_next",
    width="stretch",
)
