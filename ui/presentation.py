"""The projector's view of a workshop: full screen, no sidebar, no scrolling at 1920 x 1080 or 1280 x 720.

One part at a time (join, results, disagreement, APEASE), each sized to the screen, type readable from the back of
a room (results at least 28 px). The stylesheet is a fixed string of ours: no user text ever goes into it.
"""

from __future__ import annotations

import streamlit as st

from toolkit.charts import workshop as workshop_charts
from toolkit.core.settings import get_settings
from toolkit.core.text import md_text
from toolkit.store.plans import shortlist
from toolkit.workshops import (
    find_workshop,
    join_card,
    joined_cells,
    joined_table,
    priority_sentence,
    slides_for,
    status,
    voters,
)
from ui.resources import catalogue, db
from ui.room import choice_slide, comments_slide, live_slide, plan_slide
from ui.workshop_actions import shown_appraisal
from ui.workshops import REFRESH_FACILITATOR, config, qr, room

# Fixed CSS (no user text): hide Streamlit's chrome, use the whole screen, size the parts to the viewport.
PRESENT_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 0.6rem 2rem 0 2rem !important; max-width: 100% !important; }
[data-testid="stMainBlockContainer"] h1 { font-size: clamp(28px, 2.6vw, 48px) !important; padding: 0 !important; }
[class*="st-key-present_code"] p { font-size: clamp(56px, 6.5vw, 128px) !important; font-weight: 700; line-height: 1.05;
  letter-spacing: 0.06em; margin: 0; white-space: nowrap; }
[class*="st-key-present_big"] p, [class*="st-key-present_big"] li, [class*="st-key-present_big"] td, [class*="st-key-present_big"] th {
  font-size: clamp(28px, 2.3vw, 44px) !important; line-height: 1.25; }
[class*="st-key-present_note"] p { font-size: clamp(18px, 1.3vw, 24px) !important; }
.st-key-present_side_code p { font-size: clamp(32px, 2.6vw, 52px) !important; font-weight: 700; margin: 0;
  white-space: nowrap; }
.st-key-present_priority p { font-size: clamp(30px, 2.5vw, 48px) !important; font-weight: 600; line-height: 1.2; }
.st-key-present_qr img { width: min(100%, calc(100vh - 330px)) !important; height: auto !important; }
.st-key-present_side img { width: min(100%, calc(100vh - 480px)) !important; height: auto !important; }
[class*="st-key-present_chart"] { height: calc(100vh - 330px); min-height: 240px; }
[data-testid="stMetricValue"] { font-size: clamp(36px, 3vw, 60px) !important; }
[data-testid="stMetricLabel"] p { font-size: clamp(20px, 1.4vw, 28px) !important; }
</style>"""
FONT = 28  # the smallest type of a result on the projector, in CSS px


def style() -> None:
    st.html(PRESENT_CSS)


def slide_choice(code: str) -> str:
    """The part on the screen now (the facilitator picks it in the top bar); a part not yet available falls back."""
    with db() as s:
        w = find_workshop(code, session=s)
        shown = bool(shown_appraisal(w, s))
        given = voters(w, session=s) > 0
        listed = bool(shortlist(w.ref, session=s))
    options = slides_for(w, shown, given, listed)
    ss = st.session_state
    if ss.get("workshop_slide") not in options:
        ss["workshop_slide"] = "Live" if "Live" in options else "Results" if "Results" in options else options[0]
    chosen = st.segmented_control(
        "Show on the screen", options, key="workshop_slide", required=True, label_visibility="collapsed"
    )
    return chosen or options[0]


@st.fragment(run_every=REFRESH_FACILITATOR)
def presentation(code: str, slide: str) -> None:
    """The part on the screen, refreshed every few seconds so the room sees answers arrive."""
    cat = catalogue()
    with db() as s:
        w = find_workshop(code, session=s)
        now = status(w, session=s, cat=cat)
        appraisal = shown_appraisal(w, s)
    min_n = config().min_group_size
    card = join_card(w, get_settings().public_url)
    if slide == "Live" and w.paced:
        main, side = st.columns([4, 1], gap="large")
        with side:
            with st.container(key="present_side_code"):
                st.markdown(card.code)
            _qr(card, "present_side")
        with main:
            live_slide(w)
        return
    if slide in ("Comments", "Choice", "Plan"):
        main, side = st.columns([4, 1], gap="large")
        with side:
            with st.container(key="present_side_code"):
                st.markdown(card.code)
            _qr(card, "present_side")
        with main:
            {"Comments": comments_slide, "Choice": choice_slide, "Plan": plan_slide}[slide](w)
        return
    if slide == "Join" or not w.revealed:
        left, right = st.columns([3, 2], gap="large")
        with left:
            with st.container(key="present_big_how"):
                st.markdown("Join on your phone: scan the QR code, or open the join page and type this code")
            with st.container(key="present_code"):
                st.markdown(card.code)
            m1, m2 = st.columns(2)
            m1.metric("Joined", now.joined, border=True)
            m2.metric("Answers saved", now.ratings, border=True)
            if now.joined:
                with st.container(key="present_big_joined"):
                    st.table(joined_table(joined_cells(now, min_n, suppress=True), min_n).set_index("Agency"))
            with st.container(key="present_note_groups"):
                st.caption(f"Groups of fewer than {min_n} people are hidden on this screen.")
        with right:
            _qr(card, "present_qr")
        return
    a = room(w, now.version)
    main, side = st.columns([4, 1], gap="large")
    with side:
        with st.container(key="present_side_code"):
            st.markdown(card.code)
        _qr(card, "present_side")
        with st.container(key="present_note_answered"):
            st.caption(f"{a.respondents} people answered · groups of fewer than {min_n} hidden")
    with main:
        if a.respondents == 0:
            with st.container(key="present_big_none"):
                st.markdown("No answers yet.")
        elif slide == "Results":
            sentence = priority_sentence(a)
            with st.container(key="present_priority"):
                st.markdown(md_text(sentence) if sentence else "No stage stands out as the one to work on first.")
            chart = workshop_charts.enlarge(workshop_charts.stage_bars(a, title=""), font=FONT)
            with st.container(key="present_chart_results"):
                st.altair_chart(chart.properties(height="container"), width="stretch", height="stretch")
        elif slide == "Disagreement":
            with st.container(key="present_big_split"):
                st.markdown("**Where the room disagrees most**")
                for d in a.disagreement[:3]:
                    st.markdown(f"- {md_text(d.text)}  \nmean {d.mean:.1f} · spread {d.sd:.1f} · {d.n} people")
                if not a.disagreement:
                    st.markdown("No statement splits the room.")
        elif slide == "APEASE" and appraisal:
            grid = workshop_charts.enlarge(workshop_charts.apease_grid(appraisal, cat, min_n), font=FONT)
            with st.container(key="present_chart_apease"):
                st.altair_chart(grid.properties(height="container"), width="stretch", height="stretch")


def _qr(card, key: str) -> None:
    """The QR of the public join link, or why there is none (never a QR of this browser's own address)."""
    with st.container(key=key):
        if card.link:
            st.image(qr(card.link), caption="Scan to join", width="stretch")
            with st.container(key=f"present_note_{key}_link"):
                st.text(card.link)  # plain text: an address from settings, never Markdown
        else:
            with st.container(key=f"present_note_{key}_none"):
                st.info(card.note or "")  # our own fixed text (it names the setting in code type)
