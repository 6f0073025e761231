"""Benchmark charts as pure functions: a comparison in, an Altair chart out (Okabe-Ito, never colour alone)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from toolkit.analysis.benchmark.measures import LEVEL_KEYS, key_label, ordinal
from toolkit.analysis.benchmark.results import Measure
from toolkit.analysis.benchmark.view import View
from toolkit.charts.results import OKABE_ITO, SEQUENTIAL
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue

AREA_COLOUR = OKABE_ITO["vermillion"]
PEER_COLOUR = OKABE_ITO["grey"]
BAND_COLOUR = OKABE_ITO["sky"]


def _area_text(m: Measure, min_n: int) -> str:
    """The area's value and percentile rank in words (or why there is none)."""
    if m.suppressed:
        return f"fewer than {min_n}"
    if m.mean is None:
        return "no answers"
    return f"{m.mean:.1f} · {ordinal(m.percentile)}" if m.percentile is not None else f"{m.mean:.1f} · no peers"


def _domain(values: list[float]) -> tuple[float, float]:
    """The x range: the data's, rounded out to half points, inside the 1-5 scale."""
    vals = [v for v in values if v is not None and not pd.isna(v)]
    if not vals:
        return 1.0, 5.0
    lo, hi = max(1.0, np.floor(min(vals) * 2) / 2), min(5.0, np.ceil(max(vals) * 2) / 2)
    return (lo, hi) if hi - lo >= 1 else (max(1.0, lo - 0.5), min(5.0, hi + 0.5))


def distribution_chart(
    view: View, keys: list[str], *, title: str, cat: Catalogue | None = None, area_label: str | None = None
) -> alt.LayerChart:
    """Each measure's peer values as ticks, the peers' middle half as a bar with the median, the area as a labelled diamond."""
    # The area's value and percentile rank are written in a column at the right of the plot, clear of the data.
    labels = {k: key_label(k, cat) for k in keys}
    order = [labels[k] for k in keys]
    who = area_label or view.area
    pts = view.points[view.points["key"].isin(keys)].assign(measure=lambda d: d["key"].map(labels))
    pts = pd.DataFrame(pts, columns=["label", "key", "value", "measure"])
    quart, area = [], []
    for k in keys:
        m = view.measures[k]
        if m.peer:
            quart.append({"measure": labels[k], **m.peer.model_dump()})
        area.append(
            {
                "measure": labels[k],
                "value": m.mean,
                "text": _area_text(m, view.min_group_size),
                "n": m.n,
                "who": who,
            }
        )
    lo, hi = _domain([*pts["value"], *(a["value"] for a in area)])
    room = max(0.6, 0.5 * (hi - lo))  # space for the written values, right of every data point
    x_scale = alt.Scale(domain=[lo, hi + room], nice=False, zero=False)
    ticks_at = [round(float(v), 1) for v in np.arange(lo, hi + 0.001, 0.5)]
    x = alt.X("value:Q", scale=x_scale, title="Mean (1-5)", axis=alt.Axis(values=ticks_at, grid=True))
    y = alt.Y("measure:N", sort=order, title=None, axis=alt.Axis(labelLimit=150))
    ticks = (
        alt.Chart(pts)
        .mark_tick(color=PEER_COLOUR, opacity=0.55, thickness=1.5, size=16)
        .encode(x=x, y=y, tooltip=[alt.Tooltip("label:N", title="Peer"), "measure:N", "value:Q"])
    )
    qdf = pd.DataFrame(quart, columns=["measure", "q1", "median", "q3", "areas"])
    band = (
        alt.Chart(qdf)
        .mark_bar(color=BAND_COLOUR, opacity=0.45, size=10)
        .encode(
            x=alt.X("q1:Q", scale=x_scale),
            x2="q3:Q",
            y=y,
            tooltip=[
                "measure:N",
                alt.Tooltip("q1:Q", title="Peers' lower quartile"),
                alt.Tooltip("median:Q", title="Peers' median"),
                alt.Tooltip("q3:Q", title="Peers' upper quartile"),
                alt.Tooltip("areas:Q", title="Peer areas"),
            ],
        )
    )
    median = (
        alt.Chart(qdf).mark_tick(color="black", thickness=3, size=22).encode(x=alt.X("median:Q", scale=x_scale), y=y)
    )
    adf = pd.DataFrame(area, columns=["measure", "value", "text", "n", "who"]).assign(xpos=hi + room * 0.08)
    dot = (
        alt.Chart(adf.dropna(subset=["value"]))
        .mark_point(shape="diamond", filled=True, size=220, color=AREA_COLOUR, stroke="black", strokeWidth=1)
        .encode(x=alt.X("value:Q", scale=x_scale), y=y, tooltip=["who:N", "measure:N", "value:Q", "n:Q", "text:N"])
    )
    text = (
        alt.Chart(adf)
        .mark_text(align="left", fontSize=12, fontWeight="bold")
        .encode(x=alt.X("xpos:Q", scale=x_scale), y=y, text="text:N")
    )
    subtitle = [
        f"Diamond: {who}.",
        "Right: its value · percentile rank.",
        "Grey ticks: peer areas.",
        "Blue bar: the middle half of peers; black line: their median.",
    ]
    # LayerChart, not alt.layer: that is typed as maybe a FacetChart (it hoists facets, which these charts never have).
    return alt.LayerChart(layer=[band, ticks, median, dot, text]).properties(
        height=alt.Step(34), title=alt.TitleParams(title, subtitle=subtitle, anchor="start")
    )


def level_chart(view: View) -> alt.LayerChart:
    """Stage by level: the area's percentile rank in colour and in words, with its value (peers' median on hover)."""
    rows = []
    for k in LEVEL_KEYS:
        _, stage, level = k.split(":")
        m = view.measures[k]
        if m.suppressed:
            label = f"fewer than {view.min_group_size}"
        elif m.mean is None:
            label = "no answers"
        elif m.percentile is None:
            label = f"{m.mean:.1f} · no peers"
        else:
            label = f"{ordinal(m.percentile)} · {m.mean:.1f}"
        peer = f"{m.peer.median:.2f} ({m.peer.areas} areas)" if m.peer and m.peer.median is not None else "-"
        rows.append(
            {
                "stage": ids.STAGE_NAMES[stage],
                "level": ids.LEVEL_NAMES[level],
                "pct": m.percentile,
                "label": label,
                "peers_median": peer,
            }
        )
    df = pd.DataFrame(rows)
    x = alt.X(
        "level:N",
        sort=list(ids.LEVEL_NAMES.values()),
        title="Respondents' level",
        axis=alt.Axis(labelAngle=0, orient="top", labelOverlap=False),
    )
    y = alt.Y("stage:N", sort=[ids.STAGE_NAMES[s] for s in ids.STAGES], title=None)
    base = alt.Chart(df).encode(x=x, y=y)
    rect = base.mark_rect(stroke="white").encode(
        color=alt.condition(
            "datum.pct === null",
            alt.value("#eeeeee"),
            alt.Color("pct:Q", scale=alt.Scale(scheme=SEQUENTIAL, domain=[0, 100]), title="Percentile"),
        ),
        tooltip=["stage:N", "level:N", "label:N", alt.Tooltip("peers_median:N", title="Peers' median")],
    )
    text = (
        base.mark_text(fontSize=12)
        .transform_calculate(ink="datum.pct === null ? '#333333' : (datum.pct < 55 ? 'white' : 'black')")
        .encode(text="label:N", color=alt.Color("ink:N", scale=None))
    )
    title = alt.TitleParams(
        "Percentile rank by stage and level", subtitle="Each cell: percentile rank · the area's value.", anchor="start"
    )
    return (
        alt.LayerChart(layer=[rect, text])
        .resolve_scale(color="independent")
        .properties(height=alt.Step(40), title=title)
    )


def history_chart(hist: pd.DataFrame, key: str, *, area_label: str, cat: Catalogue | None = None) -> alt.LayerChart:
    """One measure over cycles: the area's line (diamonds, values written) against the peers' median and middle half."""
    d = hist.loc[hist["key"] == key].copy()
    d["area_text"] = d["value"].map(lambda v: "" if pd.isna(v) else f"{v:.2f}") + d["percentile"].map(
        lambda p: "" if pd.isna(p) else f" ({ordinal(p)})"
    )
    x = alt.X("cycle:O", title="Cycle", axis=alt.Axis(labelAngle=0))
    y_scale = alt.Scale(domain=[1, 5])
    band = (
        alt.Chart(d)
        .mark_area(color=BAND_COLOUR, opacity=0.3)
        .encode(x=x, y=alt.Y("peer_q1:Q", scale=y_scale, title="Mean (1-5)"), y2="peer_q3:Q")
    )
    long = pd.concat(
        [
            d.loc[:, ["cycle", "value", "area_text"]].assign(series=area_label),
            d.loc[:, ["cycle", "peer_median"]]
            .rename(columns={"peer_median": "value"})
            .assign(series="Peers' median", area_text=""),
        ]
    ).dropna(subset=["value"])
    series = [area_label, "Peers' median"]
    lines = (
        alt.Chart(long)
        .mark_line(point=alt.OverlayMarkDef(size=90, filled=True))
        .encode(
            x=x,
            y=alt.Y("value:Q", scale=y_scale),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(domain=series, range=[AREA_COLOUR, "black"]),
                title=None,
            ),
            strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=series, range=[[1, 0], [6, 4]]), title=None),
            shape=alt.Shape("series:N", scale=alt.Scale(domain=series, range=["diamond", "circle"]), title=None),
            tooltip=["cycle:O", "series:N", "value:Q"],
        )
    )
    text = (
        alt.Chart(long.loc[long["area_text"] != ""])
        .mark_text(dy=-14, fontSize=12)
        .encode(x=x, y=alt.Y("value:Q", scale=y_scale), text="area_text:N")
    )
    return alt.LayerChart(layer=[band, lines, text]).properties(
        height=260,
        title=alt.TitleParams(
            f"{key_label(key, cat)} over cycles", subtitle="Shaded: the middle half of peer areas.", anchor="start"
        ),
    )
