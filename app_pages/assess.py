"""Self-assessment: say your agency and level, then rate each stage's statements and the 12 C's, one step at a time."""

import streamlit as st

from toolkit.access.invitations import open_entry
from toolkit.capture.assessment import INVITE_ONLY, deep_dives, progress, walk
from toolkit.core import ids
from toolkit.core.text import md_text
from ui import assess_actions as actions
from ui.auth import identity
from ui.invitation_views import invitations
from ui.resources import catalogue, db, settings
from ui.scope import actor
from ui.widgets import area_cycle_picker, form_choice, rate_statement

cat = catalogue()


st.title("Self-assessment")
actions.restore()
if not st.session_state["assess_respondent"]:
    who = actor() if identity() else None  # invitations are for installations with accounts
    invitations(who)
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
