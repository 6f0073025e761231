"""Charts as pure functions: analysis results in, Altair charts out (colour-blind-safe, never colour alone)."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from toolkit.analysis import frames
from toolkit.analysis.reliability import ScaleQuality, in_words
from toolkit.analysis.results import AreaAnalysis, Cell, ChangeMeasure, Gap, ItemStat
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue

# Okabe-Ito, safe for the common colour-vision deficiencies.
OKABE_ITO = {
    "blue": "#0072B2",
    "sky": "#56B4E9",
    "orange": "#E69F00",
    "vermillion": "#D55E00",
    "green": "#009E73",
    "grey": "#999999",
    "yellow": "#F0E442",
    "purple": "#CC79A7",
}
STATUS_COLOURS = {
    "strong": OKABE_ITO["blue"],
    "adequate": OKABE_ITO["sky"],
    "at_risk": OKABE_ITO["orange"],
    "weak": OKABE_ITO["vermillion"],
    "unknown": OKABE_ITO["grey"],
}
STATUS_LABELS = {
    "strong": "Strong",
    "adequate": "Adequate",
    "at_risk": "At risk",
    "weak": "Weak",
    "unknown": "No evidence",
}
SEQUENTIAL = "viridis"


def _finish(chart: Any) -> Any:
    """Legends below the plot, so bars keep their width on a phone."""
    return chart.configure_legend(orient="bottom", direction="horizontal", titleOrient="left").configure_view(
        strokeWidth=0
    )


def _cell_label(cell: Cell, min_n: int) -> str:
    if cell.suppressed:
        return f"fewer than {min_n}"
    if cell.mean is None:
        return "no answers"
    return f"{cell.mean:.1f} (n={cell.n})"


def _two_lines(label: str) -> str:
    """'3.4 (n=12)' as '3.4' over 'n=12', so cells stay narrow enough for a phone."""
    return label.replace(" (", "\n(") if label[:1].isdigit() else label.replace("fewer than", "fewer\nthan")


def stage_level_heatmap(analysis: AreaAnalysis) -> alt.Chart:
    """Stage by respondent level: the mean in colour and in words, n in every cell, suppressed cells marked."""
    min_n = analysis.min_group_size
    rows = []
    for stage in ids.STAGES:
        cells = {**analysis.opm.by_stage_level[stage], "all levels": analysis.opm.by_stage[stage]}
        for level, cell in cells.items():
            rows.append(
                {
                    "stage": ids.STAGE_NAMES[stage],
                    "level": level.capitalize() if level != "all levels" else "All levels",
                    "mean": cell.mean,
                    "label": _cell_label(cell, min_n),
                    "text": _two_lines(_cell_label(cell, min_n)),
                }
            )
    df = pd.DataFrame(rows)
    x = alt.X(
        "level:N",
        sort=[*(lv.capitalize() for lv in ids.LEVELS), "All levels"],
        title="Respondents' level",
        axis=alt.Axis(labelAngle=0, orient="top", labelOverlap=False),
    )
    y = alt.Y("stage:N", sort=[ids.STAGE_NAMES[s] for s in ids.STAGES], title="Stage (journey order)")
    base = alt.Chart(df).encode(x=x, y=y)
    rect = base.mark_rect(stroke="white").encode(
        color=alt.condition(
            "datum.mean === null",
            alt.value("#eeeeee"),
            alt.Color("mean:Q", scale=alt.Scale(scheme=SEQUENTIAL, domain=[1, 5]), title="Mean (1-5)"),
        ),
        tooltip=["stage", "level", "label"],
    )
    # Viridis is dark at the low end: white text there, black on the light high end, dark grey on blank cells.
    text = (
        base.mark_text(fontSize=12, lineBreak="\n")
        .transform_calculate(ink="datum.mean === null ? '#333333' : (datum.mean < 3.4 ? 'white' : 'black')")
        .encode(text="text:N", color=alt.Color("ink:N", scale=None))
    )
    layered = (rect + text).resolve_scale(color="independent")
    return _finish(layered.properties(width=640, height=alt.Step(46), title="Where the journey stands, by level"))


def agency_chart(analysis: AreaAnalysis) -> alt.Chart:
    """Stage means per agency as dot rows, suppressed agencies listed as such."""
    min_n = analysis.min_group_size
    rows = []
    for stage in ids.STAGES:
        for agency, cell in analysis.opm.by_stage_agency[stage].items():
            rows.append(
                {
                    "stage": ids.STAGE_NAMES[stage],
                    "agency": ids.AGENCY_NAMES.get(agency, agency),
                    "mean": cell.mean,
                    "label": _cell_label(cell, min_n),
                }
            )
    df = pd.DataFrame(rows)
    shown = df.dropna(subset=["mean"])
    chart = (
        alt.Chart(shown)
        .mark_point(filled=True, size=120)
        .encode(
            x=alt.X("mean:Q", scale=alt.Scale(domain=[1, 5]), title="Mean (1-5)"),
            y=alt.Y("agency:N", title=None),
            color=alt.Color(
                "stage:N",
                sort=[ids.STAGE_NAMES[s] for s in ids.STAGES],
                scale=alt.Scale(range=list(OKABE_ITO.values())[:4]),
                title="Stage",
            ),
            shape=alt.Shape("stage:N", sort=[ids.STAGE_NAMES[s] for s in ids.STAGES], title="Stage"),
            tooltip=["agency", "stage", "label"],
        )
        .properties(height=alt.Step(28), title="Agencies compared (each stage)")
    )
    return _finish(chart)


def twelve_cs_chart(analysis: AreaAnalysis, cat: Catalogue) -> alt.Chart:
    """The 12 C's as horizontal bars in their two groups, the value written on each bar."""
    rows = []
    for c in cat.twelve_cs.cs:
        cell = analysis.twelve_cs.get(c.id, Cell())
        rows.append(
            {
                "C": f"{c.number}. {c.name}",
                "group": "Practitioners and agencies"
                if c.group == "practitioners_agencies"
                else "Structures and processes",
                "mean": cell.mean,
                "label": _cell_label(cell, analysis.min_group_size),
                "order": c.number,
            }
        )
    df = pd.DataFrame(rows)
    # In the C's own order, named outright: a sort by a field follows only the rows drawn as bars.
    base = alt.Chart(df).encode(y=alt.Y("C:N", sort=list(df["C"]), title=None, axis=alt.Axis(labelLimit=130)))
    # Both groups named in the scale: with no C rated (an area rated only on the OPM) the legend still has its
    # entries, where an empty one has no size and the PNG cannot be drawn.
    groups = alt.Scale(
        domain=["Practitioners and agencies", "Structures and processes"],
        range=[OKABE_ITO["blue"], OKABE_ITO["orange"]],
    )
    bars = base.mark_bar().encode(
        x=alt.X("mean:Q", scale=alt.Scale(domain=[0, 5]), title="Mean (1-5)"),
        color=alt.Color("group:N", scale=groups, title="Group"),
        tooltip=["C", "group", "label"],
    )
    # A C without a mean still says why ("no answers", "fewer than 3"), written at the start of its row.
    text = (
        base.transform_calculate(at="isValid(datum.mean) ? datum.mean : 0")
        .mark_text(align="left", dx=4)
        .encode(x=alt.X("at:Q"), text="label:N")
    )
    return _finish((bars + text).properties(height=alt.Step(24), title="The 12 C's"))


def gap_label(g: Gap, texts: dict[str, str] | None = None) -> str:
    """A gap in words: 'Strategic vs frontline · Communicate' (or the C or the statement)."""
    a, b = (ids.LEVEL_NAMES.get(x) or ids.AGENCY_NAMES.get(x) or x for x in g.between)
    item = g.item or ""
    what = (
        ids.STAGE_NAMES.get(g.stage or "")
        or (g.c or "").split("_", 1)[-1].replace("_", " ").capitalize()
        or (texts or {}).get(item, item)
    )
    return f"{a} vs {b.lower()} · {what}"


def gap_table(gaps: list[Gap], texts: dict[str, str] | None = None, top: int = 20) -> pd.DataFrame:
    """The largest gaps as a table to read (the chart's labels are cut short on small screens)."""
    return pd.DataFrame(
        [
            {
                "comparison": gap_label(g, texts),
                "first": g.mean_a,
                "second": g.mean_b,
                "difference": g.difference,
                "Cliff's delta": g.cliffs_delta,
                "people": f"{g.n_a} vs {g.n_b}",
                "beyond chance": "yes" if g.significant else "no",
            }
            for g in gaps[:top]
        ],
        columns=pd.Index(["comparison", "first", "second", "difference", "Cliff's delta", "people", "beyond chance"]),
    )


def gaps_chart(gaps: list[Gap], *, top: int = 12, texts: dict[str, str] | None = None) -> alt.Chart:
    """The largest gaps as diverging bars of what the rank test tests (Cliff's delta), the mean difference in the label.

    Cliff's delta: how often someone of the first group rates higher than someone of the second, less how often
    lower; the bar is what is tested, the label reads on the rating scale.
    """
    rows = [
        {
            "comparison": gap_label(g, texts),
            "delta": g.cliffs_delta if g.cliffs_delta is not None else 0.0,
            "difference": g.difference,
            "significant": "significant" if g.significant else "not significant",
            "label": f"mean {g.difference:+.1f}{' *' if g.significant else ''}",
        }
        for g in gaps[:top]
    ]
    df = pd.DataFrame(rows, columns=pd.Index(["comparison", "delta", "difference", "significant", "label"]))
    base = alt.Chart(df).encode(y=alt.Y("comparison:N", sort=None, title=None, axis=alt.Axis(labelLimit=170)))
    bars = base.mark_bar().encode(
        x=alt.X(
            "delta:Q",
            title="Cliff's delta: first rates higher minus lower (-1 to 1)",
            scale=alt.Scale(domain=[-1, 1]),
        ),
        color=alt.Color(
            "significant:N",
            scale=alt.Scale(
                domain=["significant", "not significant"], range=[OKABE_ITO["vermillion"], OKABE_ITO["grey"]]
            ),
            title=None,
        ),
        tooltip=["comparison", "delta", "difference", "significant"],
    )
    text = base.mark_text(align="left", dx=4).encode(x="delta:Q", text="label:N")
    title = "Perception gaps (* beyond chance, corrected for many comparisons)"
    return _finish((bars + text).properties(height=alt.Step(22), title=title))


def change_chart(change: list[ChangeMeasure]) -> alt.Chart:
    """Change per stage and C between two cycles, with its 95% interval."""
    rows = [c.model_dump() for c in change if c.kind in ("stage", "c")]
    df = pd.DataFrame(rows, columns=pd.Index(["kind", "label", "difference", "ci_low", "ci_high", "significant"]))
    df["what"] = (
        frames.col(df, "kind").map({"stage": "Stage", "c": "C"}).fillna("") + ": " + frames.col(df, "label").astype(str)
    )
    df["verdict"] = frames.col(df, "significant").map({True: "clear change", False: "within noise"})
    base = alt.Chart(df).encode(y=alt.Y("what:N", sort=None, title=None, axis=alt.Axis(labelLimit=200)))
    rule = base.mark_rule().encode(x=alt.X("ci_low:Q", title="Change in mean (95% interval)"), x2="ci_high:Q")
    point = base.mark_point(filled=True, size=80).encode(
        x="difference:Q",
        shape=alt.Shape(
            "verdict:N",
            scale=alt.Scale(domain=["clear change", "within noise"], range=["diamond", "circle"]),
            title=None,
        ),
        color=alt.Color(
            "verdict:N",
            scale=alt.Scale(domain=["clear change", "within noise"], range=[OKABE_ITO["blue"], OKABE_ITO["grey"]]),
            title=None,
        ),
        tooltip=["what", "difference", "ci_low", "ci_high", "verdict"],
    )
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(strokeDash=[4, 4]).encode(x="x:Q")
    return _finish((rule + point + zero).properties(height=alt.Step(20), title="Change since the previous cycle"))


def distribution_chart(item: ItemStat, scale_labels: dict[int, str]) -> alt.Chart:
    """How the room answered one statement (counts per scale point)."""
    df = pd.DataFrame(
        [
            {"answer": f"{k} {scale_labels.get(int(k), '')}", "count": v, "k": int(k)}
            for k, v in (item.distribution or {}).items()
        ]
    )
    return (
        alt.Chart(df)
        .mark_bar(color=OKABE_ITO["blue"])
        .encode(
            x=alt.X("answer:N", sort=alt.SortField("k"), title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("count:Q", title="People"),
        )
        .properties(height=160)
    )


def coverage_table(analysis: AreaAnalysis) -> pd.DataFrame:
    """Who answered, agency by level, as the analysis publishes it: a count, or "fewer than N" for a hidden cell.

    Rows are the agencies with anyone in the table, columns the three levels; a blank where nobody of that agency
    and level answered. The counts are the analysis's own (toolkit.analysis.suppression.respondent_counts).
    """
    hidden = f"fewer than {analysis.min_group_size}"
    cells = {(g.agency, g.level): g for g in analysis.respondents_by_agency_level}
    agencies = [a for a in ids.AGENCIES if any(k[0] == a for k in cells)]
    rows = []
    for a in agencies:
        row: dict[str, str] = {"Agency": str(ids.AGENCY_NAMES.get(a, a))}
        for lv in ids.LEVELS:
            g = cells.get((a, lv))
            row[str(ids.LEVEL_NAMES.get(lv, lv))] = "" if g is None else hidden if g.n is None else str(g.n)
        rows.append(row)
    columns = ["Agency", *(str(ids.LEVEL_NAMES.get(lv, lv)) for lv in ids.LEVELS)]
    return pd.DataFrame(rows, columns=pd.Index(columns))


def scale_quality_table(qualities: list[ScaleQuality], names: dict[str, str]) -> pd.DataFrame:
    """One row per stage or C: its alpha, the complete answers it stands on, and what it means in words.

    `names` maps a stage or C id to its name.
    """
    return pd.DataFrame(
        [
            {
                "Scale": names.get(q.measure, q.measure),
                "Statements": q.n_items,
                "Complete answers": q.n,
                "Cronbach's alpha": q.alpha,
                "Lowest item-rest correlation": min((v for v in q.item_rest.values() if v is not None), default=None),
                "In words": in_words(q),
            }
            for q in qualities
        ],
        columns=pd.Index(
            ["Scale", "Statements", "Complete answers", "Cronbach's alpha", "Lowest item-rest correlation", "In words"]
        ),
    )
