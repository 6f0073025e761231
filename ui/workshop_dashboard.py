"""The facilitator's live picture of a workshop: who has joined, how far they are, and the room's results once
revealed. An auto-refreshing fragment, so the rest of the page (its controls) is not redrawn every few seconds."""

import pandas as pd
import streamlit as st

from toolkit.charts import results as charts
from toolkit.charts import workshop as workshop_charts
from toolkit.core import ids
from toolkit.core.text import md_text
from toolkit.workshops import (
    appraisal_table,
    completion_table,
    find_workshop,
    joined_cells,
    joined_table,
    roster_of,
    roster_table,
    statement_table,
    status,
)
from ui.auth import recheck
from ui.resources import catalogue, db
from ui.workshop_actions import shown_appraisal
from ui.workshops import REFRESH_FACILITATOR, config, room


@st.fragment(run_every=REFRESH_FACILITATOR)
def dashboard(code: str, present: bool) -> None:
    """The live picture: who has joined, how far they are, and the results once revealed."""
    recheck("run_workshop")  # a session that ended stops the refreshing and shows the sign-in form
    cat = catalogue()
    with db() as s:
        w = find_workshop(code, session=s)
        now = status(w, session=s, cat=cat)
        expected = roster_of(code, session=s)
        appraisal = shown_appraisal(w, s)  # as at the last reveal, like the results
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
        st.markdown(f"**Work on {ids.STAGE_NAMES[a.opm.priority_stage]} first.** {md_text(a.opm.priority_reason)}")
    st.subheader("Where the room disagrees most")
    if a.disagreement and present:
        for d in a.disagreement:
            st.markdown(f"#### {md_text(d.text)}")
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
