"""Trainer mode: a demo partnership's story, explain panels with sources, exercises, a reset and a presentation view."""

import streamlit as st

from toolkit.core.text import md_text
from toolkit.training import trainer as training
from toolkit.training.demo import DEMO_NOTICE, STORIES
from toolkit.training.sandbox import describe, sandbox_url
from ui import trainer_actions as actions
from ui.cached import analysis
from ui.resources import catalogue, sandbox
from ui.widgets import keep_offered

cat = catalogue()
NAMES = [s.name for s in STORIES]
# Large type for the presentation view (a fixed style sheet: no user text goes into it).
PRESENT_CSS = """<style>
.st-key-trainer_slide_box h1 {font-size: 3rem !important; line-height: 1.2;}
.st-key-trainer_slide_box p, .st-key-trainer_slide_box li {font-size: 1.9rem !important; line-height: 1.45;}
</style>"""


presenting = bool(st.session_state.get("trainer_present"))
if not presenting:
    st.title("Trainer mode")
st.caption(
    DEMO_NOTICE + " Use them to teach the toolkit: nothing here describes a real partnership. Trainer mode works in "
    f"a sandbox, {describe(sandbox_url())}, so nothing done here touches the live record."
)
if st.session_state["trainer_story"] not in NAMES:
    st.session_state["trainer_story"] = NAMES[0]
name = st.selectbox("Demo partnership", NAMES, key="trainer_story", on_change=actions.forget_answers)
with sandbox() as s:
    loaded_now = training.ensure_demo_area(name, session=s, cat=cat, actor=actions.actor())
if loaded_now:
    st.toast(f"Loaded the demo data of {name}.")
story = training.story(name)
if not presenting:  # the first screen of the presentation tells the story
    st.info(f"**The story:** {story.summary}")
if msg := st.session_state.pop("trainer_msg", None):
    st.success(msg)
a = analysis(name, training.EXERCISE_CYCLE, sandbox=True)

present = st.toggle("Presentation view (large text, one thing per screen)", key="trainer_present")
if present:
    deck = training.slides(a, cat, name)
    k = min(st.session_state["trainer_slide"], len(deck) - 1)
    st.html(PRESENT_CSS)  # a fixed stylesheet: no user text, and no unsafe_allow_html needed
    with st.container(border=True, key="trainer_slide_box"):
        st.markdown(f"# {deck[k].title}")
        for line in deck[k].lines:
            st.markdown(f"- {line}")
    c1, c2, c3 = st.columns([1, 2, 1])
    c1.button(
        "Previous",
        on_click=actions.slide,
        args=(-1, len(deck) - 1),
        disabled=k == 0,
        key="trainer_prev",
        width="stretch",
    )
    c2.progress((k + 1) / len(deck), text=f"Screen {k + 1} of {len(deck)}")
    c3.button(
        "Next",
        on_click=actions.slide,
        args=(1, len(deck) - 1),
        disabled=k == len(deck) - 1,
        key="trainer_next",
        type="primary",
        width="stretch",
    )
    st.stop()

ex_tab, explain_tab, reset_tab = st.tabs(["Exercises", "Explain", "Reset"])
with ex_tab:
    ex1 = training.stage_exercise(a, cat)
    st.subheader(f"1. {ex1.question}")
    st.caption(
        f"{a.respondents} people answered in cycle {a.cycle}. The partnership lives in the sandbox, not on the Results page."
    )
    labels = {o.key: o.label for o in ex1.options}
    st.radio("Your answer", list(labels), format_func=labels.get, key="trainer_stage_answer", index=None)
    st.text_area("Why? (for your own notes; not saved)", key="trainer_stage_why", height=80)
    st.button(
        "Show the toolkit's answer",
        on_click=actions.reveal,
        args=("stage",),
        key="trainer_reveal_stage",
        disabled=st.session_state["trainer_stage_answer"] is None,
        type="primary",
    )
    if st.session_state["trainer_stage_revealed"]:
        actions.feedback(training.check(ex1, st.session_state["trainer_stage_answer"]))
        with st.expander("How each stage scores here"):
            for key, note in ex1.notes.items():
                st.markdown(f"- **{labels[key].split(':')[0]}**: {note}")

    ex2 = training.intervention_exercise(a, cat)
    st.subheader(f"2. {ex2.question}")
    st.caption("Some of these interventions fit this partnership's results; some do not.")
    iv_labels = {o.key: o.label for o in ex2.options}
    st.radio("Your answer", list(iv_labels), format_func=iv_labels.get, key="trainer_iv_answer", index=None)
    st.text_area("Why? (for your own notes; not saved)", key="trainer_iv_why", height=80)
    st.button(
        "Show the toolkit's answer",
        on_click=actions.reveal,
        args=("iv",),
        key="trainer_reveal_iv",
        disabled=st.session_state["trainer_iv_answer"] is None,
        type="primary",
    )
    if st.session_state["trainer_iv_revealed"]:
        actions.feedback(training.check(ex2, st.session_state["trainer_iv_answer"]))

with explain_tab:
    kinds = keep_offered("trainer_explain_kind", list(training.EXPLAIN_KINDS), training.EXPLAIN_KINDS[0])
    kind = st.segmented_control("Explain", kinds, key="trainer_explain_kind", required=True)
    entries = training.explain(kind or training.EXPLAIN_KINDS[0], cat, a)  # required=True: never None
    by_key = {e.key: e for e in entries}
    if st.session_state["trainer_explain_item"] not in by_key:
        st.session_state["trainer_explain_item"] = entries[0].key
    pick = st.selectbox("Which one", list(by_key), format_func=lambda k: by_key[k].title, key="trainer_explain_item")
    e = by_key[pick]
    with st.container(border=True, key="trainer_explain_panel"):
        st.markdown(f"### {md_text(e.title)}")
        st.markdown(md_text(e.text))
        if e.here:
            st.markdown(f"**In {md_text(name)}:** {md_text(e.here)}")
        st.caption(f"Source: {md_text(e.source)}")


with reset_tab:
    st.write(
        "Put this demo partnership back as it was: every answer, assumption review, shortlist, appraisal and "
        "plan made in it in the sandbox is deleted and its demo data is loaded again. The live record is never touched."
    )
    st.button(f"Reset {name}", on_click=actions.ask_reset, key="trainer_reset", icon=":material/restart_alt:")
if st.session_state.get("trainer_confirm_reset"):
    actions.confirm_reset(name)
