"""Results: where the journey stands by level and agency, the 12 C's, perception gaps, the priority, and change."""

import pandas as pd
import streamlit as st

from toolkit.analysis.change import method as change_method
from toolkit.analysis.config import Config
from toolkit.analysis.guidance import twelve_cs_guidance
from toolkit.analysis.history import history_table
from toolkit.analysis.reliability import scale_quality_of
from toolkit.charts import results as charts
from toolkit.charts.results import coverage_table, gap_table, scale_quality_table
from toolkit.core import ids
from toolkit.core.text import md_text
from toolkit.store.areas import resolve_cycle
from toolkit.store.rating_changes import RAW, changes_table, rating_changes
from ui.auth import gate
from ui.cached import analysis, chart, history
from ui.context import is_demo
from ui.resources import catalogue, db, settings
from ui.scope import actor, may_in
from ui.widgets import area_cycle_picker

st.title("Results")
gate("view_results", what="the results")
area, cycle = area_cycle_picker(action="view_results")
if not (area and cycle):
    st.stop()
a = analysis(area, cycle)
cat = catalogue()
if a.respondents == 0:
    st.info("No ratings yet for this cycle. Start with the Self-assessment page, or import a ratings file.")
    st.stop()

opm = a.opm
st.caption(
    f"{a.respondents} respondents in the figures · {a.dont_know} don't-know answers · groups under "
    f"{a.min_group_size} people are pooled or left out, so no figure can be subtracted to find them"
)
with st.container(border=True):
    if opm.priority_stage:
        st.markdown(f"### :material/flag: Work on **{ids.STAGE_NAMES[opm.priority_stage]}** first")
    st.write(opm.priority_reason)
    st.caption(
        "Kantar's Organisational Practice Model is a journey: moving on while an earlier stage's barriers remain is inefficient."
    )

with st.expander("Who answered: agency by level"):
    st.caption(
        f"Groups of fewer than {a.min_group_size} people are not counted here on their own: they are pooled with "
        "their level's other small groups, or left out of every figure, so no count can be worked out from the total."
    )
    st.dataframe(coverage_table(a), hide_index=True, width="stretch")

chart("heatmap", a, lambda: charts.stage_level_heatmap(a))
with st.expander("How respondents are weighted"):
    st.write(a.weighting)

st.subheader("Perception gaps")
significant = [g for g in a.gaps if g.significant]
if significant:
    st.write(
        f"{len(significant)} gaps are larger than chance would explain (after correcting for the number of comparisons)."
    )
else:
    st.write("No gap is larger than chance would explain. The largest differences are shown for discussion.")
texts = {i.item: i.text for i in a.items}
if a.gaps:
    chart("gaps", a, lambda: charts.gaps_chart(significant or a.gaps, texts=texts))
    with st.expander("The gaps in words"):
        st.dataframe(gap_table(significant or a.gaps, texts), hide_index=True, width="stretch")
else:
    st.caption(f"No comparison can be made yet: each group compared needs at least {a.min_group_size} respondents.")

st.subheader("Agencies")
if any(c.mean is not None for cells in opm.by_stage_agency.values() for c in cells.values()):
    chart("agencies", a, lambda: charts.agency_chart(a))
else:
    st.caption(f"No agency has {a.min_group_size} or more respondents yet, so agencies are not shown separately.")

st.subheader("The 12 C's")
if any(v.mean is not None for v in a.twelve_cs.values()):
    chart("twelve_cs", a, lambda: charts.twelve_cs_chart(a, cat))
else:
    st.caption("Not enough ratings of the 12 C's yet.")
st.caption(
    "What the study for Wales found works, and what it recommends, for each C (Liverpool John Moores University, "
    "2022, section 4.1), in our own words, beside your score. The weakest C's are marked."
)
for g in twelve_cs_guidance(a, cat, settings().priority_threshold):
    score = f"{g.score.mean:.2f} (n={g.score.n})" if g.score.mean is not None else "no score shown"
    with st.expander(f"{g.number}. {g.name}: {score}" + (" · below the threshold" if g.weak else "")):
        st.write(g.explanation)
        if g.good_practice:
            st.markdown("**Good practice the study found**")
            st.markdown("\n".join(f"- {md_text(t)}" for t in g.good_practice))
            st.caption(f"Source: {md_text(g.good_practice_cited)}")
        if g.recommendations:
            st.markdown("**What the study recommends**")
            st.markdown("\n".join(f"- {md_text(r.text)} ({md_text(r.cited)})" for r in g.recommendations))

st.subheader("Where the room disagrees most")
if a.disagreement:
    st.caption("Statements with the widest spread of answers: good places to start a conversation.")
    st.dataframe(
        pd.DataFrame([d.model_dump() for d in a.disagreement])[["text", "mean", "sd", "polarisation", "n"]],
        hide_index=True,
        width="stretch",
        column_config={
            "text": "Statement",
            "mean": "Mean",
            "sd": "Spread (SD)",
            "polarisation": "Split (share at each end)",
            "n": "People",
        },
    )
else:
    st.write("No statement splits the room.")

st.subheader("Change since the previous cycle")
if a.change:
    change = a.change
    st.caption(f"From {change.from_} to {change.to}. {change_method(len(change.measures))}")
    chart("change", a, lambda: charts.change_chart(change.measures))
else:
    st.write("This is the first cycle for this partnership.")

st.subheader("Every cycle of this partnership")
if st.toggle("Show the figures of every cycle, earliest first", key="results_history"):
    st.caption(
        "Cycles in order of their start dates. Each cell is that cycle's headline as its own analysis publishes it "
        "(level-balanced mean, the plain mean and n beside it); groups too small to show are not shown here either."
    )
    st.dataframe(history_table(history(area), cat), hide_index=True, width="stretch")

if may_in("view_scale_quality", area):
    st.subheader("How reliable the scales are")
    st.caption(
        "For facilitators and administrators. Cronbach's alpha says how far a stage's or C's statements measure one "
        "thing (1: fully, 0: not at all); the item-rest correlation says how far one statement goes with the rest. "
        f"Worked out over the people who answered every statement of a scale, and only with {a.min_group_size} or "
        "more of them; groups too small to show are left out, as everywhere."
    )
    if is_demo(area):
        st.caption(
            ":material/info: Demo data is synthetic: these figures say how the generator made it, not how "
            "a real partnership answers."
        )
    with db() as s:
        quality = scale_quality_of(actor(), area, cycle, session=s, cat=cat, cfg=Config.from_settings())
    names = {**ids.STAGE_NAMES, **{c.id: f"{c.number}. {c.name}" for c in cat.twelve_cs.cs}}
    if unreliable := [names.get(q.measure, q.measure) for q in quality if q.unreliable]:
        st.warning(f"Too unreliable to rank on: {', '.join(unreliable)}.")
    st.dataframe(scale_quality_table(quality, names), hide_index=True, width="stretch")

if may_in(RAW, area):
    with st.expander("Changed ratings in this cycle"):
        st.caption(
            "For members who may see raw ratings: each answer that was changed, under its pseudonym, what it was "
            "and what replaced it, when and by which path (a file, a workshop phone, the self-assessment)."
        )
        with db() as s:
            changed = rating_changes(resolve_cycle(area, cycle, session=s), session=s, actor=actor())
        if changed.changes:
            st.dataframe(changes_table(changed), hide_index=True, width="stretch")
        else:
            st.write("No rating of this cycle has been changed.")

with st.expander("All statements"):
    df = pd.DataFrame([i.model_dump() for i in a.items])
    df["mean"] = df["mean"].astype("Float64")
    st.dataframe(
        df[["framework", "text", "stage", "about_level", "mean", "n", "dont_know", "sd"]],
        hide_index=True,
        width="stretch",
    )
