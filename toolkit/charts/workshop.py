"""Workshop charts: stage bars that fit a phone, the room's APEASE grid, and large versions for a projector."""

from __future__ import annotations

import altair as alt
import pandas as pd

from toolkit.analysis.results import AreaAnalysis, Cell
from toolkit.charts.results import OKABE_ITO, SEQUENTIAL
from toolkit.core import ids

Chart = alt.Chart | alt.LayerChart | alt.FacetChart  # what `.properties()` may give, by altair's types


def _label(cell: Cell, min_n: int) -> str:
    if cell.suppressed:
        return f"fewer than {min_n} people"
    if cell.mean is None:
        return "no answers yet"
    return f"{cell.mean:.1f} (n={cell.n})"


def stage_bars(analysis: AreaAnalysis, *, title: str = "The room's view of each stage") -> Chart:
    """One bar per stage in journey order, the mean and n written beside it; fits a phone's width."""
    min_n = analysis.min_group_size
    rows = [
        {"stage": ids.STAGE_NAMES[s], "mean": cell.mean, "label": _label(cell, min_n), "k": k}
        for k, s in enumerate(ids.STAGES)
        for cell in [analysis.opm.by_stage.get(s, Cell())]
    ]
    df = pd.DataFrame(rows)
    df["bar"] = df["mean"].fillna(0.0)
    base = alt.Chart(df).encode(y=alt.Y("stage:N", sort=alt.SortField("k"), title=None))
    bars = base.mark_bar(color=OKABE_ITO["blue"]).encode(
        x=alt.X("bar:Q", scale=alt.Scale(domain=[0, 5]), title="Mean (1 = strongly disagree, 5 = strongly agree)"),
        tooltip=["stage", "label"],
    )
    text = base.mark_text(align="left", dx=4, fontSize=13).encode(x="bar:Q", text="label:N")
    return (bars + text).properties(width="container", height=alt.Step(34), title=title)


def apease_grid(room: dict[str, dict], cat, min_n: int) -> Chart:
    """Interventions by APEASE criterion: the mean in colour and in words, n in each cell, concerns marked."""
    names = {iv.id: iv.title for iv in cat.interventions}
    crit = {c.id: c.name for c in cat.get("apease").criteria}
    rows = []
    for iv, a in room.items():
        for c in ids.APEASE:
            s = a["criteria"][c]
            if s.get("suppressed"):
                label = f"fewer than {min_n}"
            elif s.get("mean") is None:
                label = "no scores"
            else:
                label = f"{s['mean']:.1f} (n={s['n']})" + (" !" if s.get("concern") else "")
            rows.append(
                {
                    "intervention": names.get(iv, iv),
                    "criterion": crit.get(c, c),
                    "mean": s.get("mean"),
                    "label": label,
                    "why": s.get("why") or "",
                }
            )
    df = pd.DataFrame(rows, columns=["intervention", "criterion", "mean", "label", "why"])
    x = alt.X(
        "criterion:N",
        sort=[crit[c] for c in ids.APEASE],
        title=None,
        axis=alt.Axis(labelAngle=0, orient="top", labelOverlap=False, labelLimit=160),
    )
    y = alt.Y("intervention:N", title=None, axis=alt.Axis(labelLimit=260))
    base = alt.Chart(df).encode(x=x, y=y)
    rect = base.mark_rect(stroke="white").encode(
        color=alt.condition(
            "datum.mean === null",
            alt.value("#eeeeee"),
            alt.Color(
                "mean:Q",
                scale=alt.Scale(scheme=SEQUENTIAL, domain=[1, 5]),
                title="Mean (1-5)",
                legend=alt.Legend(orient="bottom", direction="horizontal"),
            ),
        ),
        tooltip=["intervention", "criterion", "label", "why"],
    )
    text = (
        base.mark_text(fontSize=13)
        .transform_calculate(ink="datum.mean === null ? '#333333' : (datum.mean < 3.4 ? 'white' : 'black')")
        .encode(text="label:N", color=alt.Color("ink:N", scale=None))
    )
    return (
        (rect + text)
        .resolve_scale(color="independent")
        .properties(
            width="container", height=alt.Step(44), title="Each criterion's mean; ! marks a concern (low or split)"
        )
    )


def enlarge(chart: Chart, *, font: int = 22, height: int | None = None) -> Chart:
    """The same chart for a projector: larger axis, legend, title and in-chart text, full width."""
    chart = chart.copy(deep=True)
    for layer in getattr(chart, "layer", None) or [chart]:
        mark = layer.mark
        if isinstance(mark, str):
            layer.mark = alt.MarkDef(type=mark, fontSize=font) if mark == "text" else alt.MarkDef(type=mark)  # pyright: ignore[reportArgumentType]  # altair types `type` as a literal of mark names
        elif mark.type == "text":
            mark.fontSize = font
    sized = chart.properties(width="container", **({"height": height} if height else {}))
    return (
        sized.configure_axis(labelFontSize=font, titleFontSize=font, labelLimit=900)
        .configure_legend(labelFontSize=font - 4, titleFontSize=font - 4)
        .configure_title(fontSize=font + 6)
    )


def live_bars(live, *, width: int = 48) -> Chart:
    """The part on now as the projector shows it: for each statement, how many people gave each point.

    `live` is a toolkit.workshops.LivePart; statements still answered by too few people are left out of the chart
    (the page says how many are waiting). Statements are labelled by their opening words (width characters)."""
    rows = []
    for k, s in enumerate(live.statements):
        if s.counts is None:
            continue
        label = f"{k + 1}. {s.text if len(s.text) <= width else s.text[: width - 1].rstrip() + '…'}"
        for point, n in s.counts.items():
            rows.append({"Statement": label, "Point": str(point), "People": n, "order": point})
        if s.dont_know:
            rows.append({"Statement": label, "Point": "Don't know", "People": s.dont_know, "order": 99})
    data = pd.DataFrame(rows, columns=["Statement", "Point", "People", "order"])
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("Statement:N", sort=None, title=None),
            x=alt.X("sum(People):Q", title="People", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "Point:N",
                sort=["1", "2", "3", "4", "5", "Don't know"],
                scale=alt.Scale(range=["#d55e00", "#e69f00", "#f0e442", "#56b4e9", "#0072b2", "#bbbbbb"]),
                title="Answer (1 low, 5 high)",
            ),
            order=alt.Order("order:Q"),
            tooltip=["Statement", "Point", "People"],
        )
    )
