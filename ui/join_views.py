"""The phone's answering screens: one statement per screen, large tap targets, progress always on top, and the
APEASE appraisal. Answers are written by callbacks through the one write path (toolkit.workshops.answer, which
goes through toolkit.capture), inside a fragment, so an answer reruns the statement, not the whole page.

The stylesheet is a fixed string of ours: no user text ever goes into it.
"""

from __future__ import annotations

import streamlit as st

from toolkit.core.text import md_text
from toolkit.store.plans import shortlist
from toolkit.workshops import (
    MAX_COMMENT,
    TOTAL,
    WAITING,
    answering,
    appraisal_form,
    appraisal_walk,
    find_workshop,
    own_comments,
    own_points,
    part_statements,
    progress_of,
)
from ui import join_actions as actions
from ui.resources import catalogue, db
from ui.widgets import DONT_KNOW as DK
from ui.widgets import comment_box, rate_statement, scale_options
from ui.workshops import REFRESH_PARTICIPANT

# Fixed CSS (no user text): every option and button at least 44 x 44 CSS px (we give 52), the statement in large
# type, the page's own top margin trimmed so the statement starts near the top of a phone's screen.
PHONE_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 1rem !important; padding-bottom: 2rem !important; }
[data-testid="stMainBlockContainer"] h1 { font-size: 1.6rem !important; padding: 0 0 0.25rem 0 !important; }
.st-key-join_card [data-testid="stRadio"] [data-testid="stWidgetLabel"] p { font-size: 1.2rem; line-height: 1.35;
  font-weight: 600; }
.st-key-join_card [data-testid="stRadio"] label[data-testid="stRadioOption"] { min-height: 52px; width: 100%;
  box-sizing: border-box; padding: 0.6rem 0.8rem; margin: 0 0 0.4rem 0; border: 1px solid rgba(49, 51, 63, 0.25);
  border-radius: 0.6rem; align-items: center; }
.st-key-join_card [data-testid="stRadio"] label[data-testid="stRadioOption"] p { font-size: 1.05rem; }
.st-key-join_card [data-testid="stRadio"] [role="radiogroup"] { width: 100%; }
.st-key-join_card [data-testid="stRadio"] [role="radiogroup"] > div { width: 100%; }
.st-key-join_nav button, .st-key-join_card button, [class*="st-key-join_skip_"] button { min-height: 52px;
  min-width: 52px; font-size: 1.05rem; }
[data-testid="stExpander"] summary, .st-key-join_card input, input { min-height: 44px; }
.st-key-join_progress { position: sticky; top: 0; z-index: 5; background: var(--background-color, #ffffff);
  padding: 0.25rem 0; }
</style>"""


def follow(code: str) -> None:
    """Reload the page when the facilitator reveals results, opens the appraisal or closes the workshop."""
    ss = st.session_state
    with db() as s:
        w = find_workshop(code, session=s)
    seen = (w.status, w.appraisal_open, w.pace, w.part, w.points_open)
    if ss["join_seen"] is not None and seen != ss["join_seen"]:
        ss["join_seen"] = seen
        st.rerun(scope="app")
    ss["join_seen"] = seen


@st.fragment(run_every=REFRESH_PARTICIPANT)
def watch(code: str) -> None:
    """Follow the workshop every few seconds, on the views without a statement (rate follows it itself)."""
    follow(code)


def style() -> None:
    st.html(PHONE_CSS)


@st.fragment(run_every=REFRESH_PARTICIPANT)
def rate(code: str) -> None:
    """One statement, its answer saved on the tap; Back and Next; the stored progress above it all the time.

    It follows the workshop itself, every few seconds, instead of beside a separate auto-refreshing fragment: that
    fragment's periodic run, landing with a tap, dropped the tap (a fragment-only run evicts the state of widgets it
    does not draw, so the radio's change never reached its callback and the counter stayed put)."""
    follow(code)
    cat = catalogue()
    ss = st.session_state
    with db() as s:  # the counter is what the store holds, not what this device believes it sent
        w = find_workshop(code, session=s)
        now = answering(w, ss["join_pseudonym"], ss["join_level"], session=s, cat=cat)
    ss["join_answers"] = now.saved
    statements = part_statements(w, ss["join_level"], cat)  # presenter-paced: only the part the room is on
    done = progress_of(statements, now.saved)
    if ss["join_part"] != (w.pace, w.part):  # the facilitator moved the room: open the new part's first unanswered
        ss["join_part"], ss["join_pos"] = (w.pace, w.part), None
    if w.paced and not statements:
        with st.container(key="join_progress"):
            st.progress(
                now.progress.answered / now.progress.total if now.progress.total else 0.0, text=now.progress.line
            )
        st.info(WAITING if w.part is None else "This part has no statements for your level: the next part comes soon.")
        return
    with st.container(key="join_progress"):  # sticky: on the screen however far the phone scrolls
        st.progress(done.answered / done.total if done.total else 0.0, text=done.line)
    if ss["join_pos"] is None:  # just joined, came back, or moved level: the first statement not yet answered
        ss["join_pos"] = done.first_unanswered
    k = min(ss["join_pos"], done.total)
    if k == done.total:
        actions.finish_box(done, paced=w.paced)
        return
    here = statements[k]
    with st.container(key="join_card"):
        st.caption(
            f"Statement {k + 1} of {done.total} · {md_text(here.step_title)} (part {here.step + 1} of {here.steps})"
        )
        rate_statement(
            here.item,
            here.framework,
            cat.item_scale(here.framework, here.item.id),
            "join_q",
            ss["join_answers"],
            actions.save,
            horizontal=False,
            comment=False,
        )
    with st.container(horizontal=True, key="join_nav"):
        st.button("Back", on_click=actions.go, args=(-1,), disabled=k == 0, key="join_back", width="stretch")
        st.button(
            "Next" if k < done.total - 1 else "Finish",
            on_click=actions.go,
            args=(1,),
            type="primary",
            key="join_next",
            width="stretch",
        )
    with st.expander("Add a comment or example (optional)"):
        comment_box(here.item, here.framework, "join_q", actions.save)


@st.fragment(run_every=REFRESH_PARTICIPANT)
def appraise(code: str) -> None:
    """The APEASE appraisal one criterion per screen: the intervention, the question, five large options, Back and
    Next, and the stored progress above it; each score saved on the tap. Follows the workshop itself (as rate does)."""
    follow(code)
    cat = catalogue()
    ss = st.session_state
    with db() as s:
        w = find_workshop(code, session=s)
        form = appraisal_form(w, ss["join_pseudonym"], session=s, cat=cat)
    criteria = {c.id: c for c in cat.get("apease").criteria}
    walk = appraisal_walk(form, list(criteria))
    options, labels = scale_options(cat.scale("apease"))
    with st.container(key="join_progress"):
        st.progress(walk.given / walk.total if walk.total else 0.0, text=walk.line)
    if ss["join_apos"] is None:
        ss["join_apos"] = walk.first_unscored
    k = min(ss["join_apos"], walk.total)
    if k == walk.total:
        if walk.skipped:
            n = len(walk.skipped)
            st.warning(f"{walk.given} of {walk.total} scores given. {n} still to give, or leave them blank:")
            for sc in walk.skipped:
                st.button(
                    f"{sc.item.title}: {criteria[sc.criterion].name}", key=f"join_askip_{sc.item.id}_{sc.criterion}",
                    on_click=actions.appraise_go_to, args=(sc.index,), width="stretch",
                )  # fmt: skip
        else:
            st.success(f"All {walk.total} scores given and saved. You can change any until the appraisal stops.")
        st.button("Back to the scores", key="join_aback_end", on_click=actions.appraise_go, args=(-1,), width="stretch")
        return
    here = walk.screens[k]
    c = criteria[here.criterion]
    with st.container(key="join_card"):
        st.caption(f"Score {k + 1} of {walk.total} · 5 is always the best result · 'Don't know' when unsure")
        st.markdown(f"**{md_text(here.item.title)}**")
        with st.expander("About this intervention"):
            st.caption(f"{md_text(here.item.description)}  \nEvidence: {md_text(here.item.grade_label)}")
        key = f"join_a_{here.item.id}_{c.id}"
        if key not in ss and c.id in here.item.mine:
            ss[key] = DK if here.item.mine[c.id] is None else here.item.mine[c.id]
        st.radio(
            md_text(f"{c.name}: {c.question}"), options, key=key, format_func=labels.get, index=None,
            on_change=actions.appraise, args=(here.item.id, c.id),
        )  # fmt: skip
    with st.container(horizontal=True, key="join_nav"):
        st.button("Back", on_click=actions.appraise_go, args=(-1,), disabled=k == 0, key="join_aback", width="stretch")
        st.button(
            "Next" if k < walk.total - 1 else "Finish", on_click=actions.appraise_go, args=(1,), type="primary",
            key="join_anext", width="stretch",
        )  # fmt: skip


COMMENT_STATUS = {"pending": "waiting for the facilitator", "approved": "on the room's screen", "rejected": "not shown"}


def comment_view(code: str) -> None:
    """Send the facilitator a short comment or question; it reaches the room's screen only once they approve it."""
    ss = st.session_state
    st.write(
        "Send a comment or a question to the room. The facilitator reads it first and chooses whether to show it on "
        "the room's screen. Nobody, the facilitator included, sees who sent it; keep names out of it."
    )
    st.text_area(f"Your comment or question (up to {MAX_COMMENT} characters)", key="join_c_text", max_chars=MAX_COMMENT)
    st.button("Send to the facilitator", key="join_c_send", type="primary", on_click=actions.send, width="stretch")
    if msg := ss.pop("join_c_msg", None):
        st.success(msg)
    my_comments(code)


@st.fragment(run_every=REFRESH_PARTICIPANT)
def my_comments(code: str) -> None:
    """The participant's own comments and what became of each, kept up to date as the facilitator decides."""
    with db() as s:
        mine = own_comments(code, st.session_state["join_pseudonym"], session=s)
    if mine:
        st.caption("Your comments (only you see this list)")
        for c in mine:
            with st.container(border=True):
                st.markdown(md_text(c.text))
                st.caption(COMMENT_STATUS.get(c.status, c.status))


def choose(code: str) -> None:
    """Share 100 points across the shortlist: the more points, the more you want the room to do it first."""
    ss = st.session_state
    cat = catalogue()
    with db() as s:
        w = find_workshop(code, session=s)
        listed = shortlist(w.ref, session=s)
        mine = own_points(code, ss["join_pseudonym"], session=s)
    names = {iv.id: iv for iv in cat.interventions}
    st.write(
        f"Share {TOTAL} points across these interventions: the more points, the more you want the partnership to do "
        "it first. You can give all of them to one, or none to some. Only the room's total is ever shown."
    )
    for iv in listed:
        key = f"join_pt_{iv}"
        if key not in ss:
            ss[key] = mine.get(iv, 0)
    given = sum(int(ss.get(f"join_pt_{iv}") or 0) for iv in listed)
    with st.container(key="join_progress"):
        st.progress(min(given, TOTAL) / TOTAL, text=f"{given} of {TOTAL} points shared")
    for iv in listed:
        with st.container(border=True, key=f"join_ptcard_{iv}"):
            st.number_input(md_text(names[iv].title), min_value=0, max_value=TOTAL, step=5, key=f"join_pt_{iv}")
            st.caption(md_text(names[iv].description))
    if given > TOTAL:
        st.warning(f"That is {given} points: take {given - TOTAL} off before saving.")
    st.button(
        "Save my points", key="join_pt_save", type="primary", on_click=actions.points, args=(tuple(listed),),
        disabled=given > TOTAL, width="stretch",
    )  # fmt: skip
    if msg := ss.pop("join_pt_msg", None):
        st.success(msg)
