"""Charts as pure functions: analysis dicts in, Altair charts out (colour-blind-safe, never colour alone)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from toolkit.core import ids

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


def _finish(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Legends below the plot, so bars keep their width on a phone."""
    return chart.configure_legend(orient="bottom", direction="horizontal", titleOrient="left").configure_view(
        strokeWidth=0
    )


def _cell_label(cell: dict, min_n: int) -> str:
    if cell.get("suppressed"):
        return f"fewer than {min_n}"
    if cell.get("mean") is None:
        return "no answers"
    return f"{cell['mean']:.1f} (n={cell['n']})"


def _two_lines(label: str) -> str:
    """'3.4 (n=12)' as '3.4' over 'n=12', so cells stay narrow enough for a phone."""
    return label.replace(" (", "\n(") if label[:1].isdigit() else label.replace("fewer than", "fewer\nthan")


def stage_level_heatmap(analysis: dict) -> alt.Chart:
    """Stage by respondent level: the mean in colour and in words, n in every cell, suppressed cells marked."""
    min_n = analysis["min_group_size"]
    rows = []
    for stage in ids.STAGES:
        cells = {**analysis["opm"]["by_stage_level"][stage], "all levels": analysis["opm"]["by_stage"][stage]}
        for level, cell in cells.items():
            rows.append(
                {
                    "stage": ids.STAGE_NAMES[stage],
                    "level": level.capitalize() if level != "all levels" else "All levels",
                    "mean": cell.get("mean"),
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


def agency_chart(analysis: dict) -> alt.Chart:
    """Stage means per agency as dot rows, suppressed agencies listed as such."""
    min_n = analysis["min_group_size"]
    rows = []
    for stage in ids.STAGES:
        for agency, cell in analysis["opm"]["by_stage_agency"][stage].items():
            rows.append(
                {
                    "stage": ids.STAGE_NAMES[stage],
                    "agency": ids.AGENCY_NAMES.get(agency, agency),
                    "mean": cell.get("mean"),
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


def twelve_cs_chart(analysis: dict, cat) -> alt.Chart:
    """The 12 C's as horizontal bars in their two groups, the value written on each bar."""
    rows = []
    for c in cat.twelve_cs.cs:
        cell = analysis["twelve_cs"].get(c.id, {})
        rows.append(
            {
                "C": f"{c.number}. {c.name}",
                "group": "Practitioners and agencies"
                if c.group == "practitioners_agencies"
                else "Structures and processes",
                "mean": cell.get("mean"),
                "label": _cell_label(cell, analysis["min_group_size"]),
                "order": c.number,
            }
        )
    df = pd.DataFrame(rows)
    base = alt.Chart(df).encode(y=alt.Y("C:N", sort=alt.SortField("order"), title=None, axis=alt.Axis(labelLimit=130)))
    bars = base.mark_bar().encode(
        x=alt.X("mean:Q", scale=alt.Scale(domain=[0, 5]), title="Mean (1-5)"),
        color=alt.Color("group:N", scale=alt.Scale(range=[OKABE_ITO["blue"], OKABE_ITO["orange"]]), title="Group"),
        tooltip=["C", "group", "label"],
    )
    text = base.mark_text(align="left", dx=4).encode(x=alt.X("mean:Q"), text="label:N")
    return _finish((bars + text).properties(height=alt.Step(24), title="The 12 C's"))


def gap_label(g: dict, texts: dict[str, str] | None = None) -> str:
    """A gap in words: 'Strategic vs frontline · Communicate' (or the C or the statement)."""
    a, b = (ids.LEVEL_NAMES.get(x) or ids.AGENCY_NAMES.get(x) or x for x in g["between"])
    what = (
        ids.STAGE_NAMES.get(g["stage"] or "")
        or (g["c"] or "").split("_", 1)[-1].replace("_", " ").capitalize()
        or (texts or {}).get(g["item"], g["item"])
    )
    return f"{a} vs {b.lower()} · {what}"


def gap_table(gaps: list[dict], texts: dict[str, str] | None = None, top: int = 20) -> pd.DataFrame:
    """The largest gaps as a table to read (the chart's labels are cut short on small screens)."""
    return pd.DataFrame(
        [
            {
                "comparison": gap_label(g, texts),
                "first": g["mean_a"],
                "second": g["mean_b"],
                "difference": g["difference"],
                "people": f"{g['n_a']} vs {g['n_b']}",
                "beyond chance": "yes" if g["significant"] else "no",
            }
            for g in gaps[:top]
        ],
        columns=["comparison", "first", "second", "difference", "people", "beyond chance"],
    )


def gaps_chart(gaps: list[dict], *, top: int = 12, texts: dict[str, str] | None = None) -> alt.Chart:
    """The largest gaps as diverging bars: who rates higher, by how much, and whether it is significant."""
    rows = [
        {
            "comparison": gap_label(g, texts),
            "difference": g["difference"],
            "significant": "significant" if g["significant"] else "not significant",
            "label": f"{g['difference']:+.1f}{' *' if g['significant'] else ''}",
        }
        for g in gaps[:top]
    ]
    df = pd.DataFrame(rows, columns=["comparison", "difference", "significant", "label"])
    base = alt.Chart(df).encode(y=alt.Y("comparison:N", sort=None, title=None, axis=alt.Axis(labelLimit=170)))
    bars = base.mark_bar().encode(
        x=alt.X("difference:Q", title="Difference in mean (first minus second)"),
        color=alt.Color(
            "significant:N",
            scale=alt.Scale(
                domain=["significant", "not significant"], range=[OKABE_ITO["vermillion"], OKABE_ITO["grey"]]
            ),
            title=None,
        ),
        tooltip=["comparison", "difference", "significant"],
    )
    text = base.mark_text(align="left", dx=4).encode(x="difference:Q", text="label:N")
    title = "Perception gaps (* beyond chance, corrected for many comparisons)"
    return _finish((bars + text).properties(height=alt.Step(22), title=title))


def change_chart(change: list[dict]) -> alt.Chart:
    """Change per stage and C between two cycles, with its 95% interval."""
    rows = [c for c in change if c["kind"] in ("stage", "c")]
    df = pd.DataFrame(rows, columns=["kind", "label", "difference", "ci_low", "ci_high", "significant"])
    df["what"] = df["kind"].map({"stage": "Stage", "c": "C"}).fillna("") + ": " + df["label"].astype(str)
    df["verdict"] = df["significant"].map({True: "clear change", False: "within noise"})
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


def distribution_chart(item: dict, scale_labels: dict[int, str]) -> alt.Chart:
    """How the room answered one statement (counts per scale point)."""
    df = pd.DataFrame(
        [
            {"answer": f"{k} {scale_labels.get(int(k), '')}", "count": v, "k": int(k)}
            for k, v in item.get("distribution", {}).items()
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


def _dot_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def toc_dot(health: dict, *, highlight: str | None = None, wrap: int = 28) -> str:
    """The Theory of Change in Graphviz DOT: four tiers left to right, status by colour, shape and words."""
    import textwrap

    shapes = {"strong": "box", "adequate": "box", "weak": "octagon", "at_risk": "hexagon", "unknown": "box"}
    styles = {
        "strong": "filled,rounded",
        "adequate": "filled,rounded",
        "weak": "filled,bold",
        "at_risk": "filled,dashed",
        "unknown": "filled,dotted",
    }
    risky = {(e["from"], e["to"]) for e in health["edges"] if e["at_risk"]}
    lines = [
        "digraph toc {",
        "rankdir=LR; splines=true; nodesep=0.15; ranksep=0.9;",
        'node [fontname="Helvetica", fontsize=10, margin="0.08,0.04"];',
    ]
    for k, tier in enumerate(ids.TOC_TIERS):
        lines.append(
            f'subgraph cluster_{k} {{ label="{tier.replace("_", " ").capitalize()}"; fontname="Helvetica-Bold"; color="#bbbbbb";'
        )
        for n in (x for x in health["nodes"] if x["tier"] == tier):
            st = n["status"]
            score = f"{n['score']:.1f}" if n["score"] is not None else "-"
            label = "\\n".join(textwrap.wrap(_dot_escape(n["label"]), wrap)) + f"\\n[{STATUS_LABELS[st]} {score}]"
            fill = STATUS_COLOURS[st]
            font = "white" if st in ("strong", "weak") else "black"
            pen = 3 if n["id"] == highlight else 1
            lines.append(
                f'"{n["id"]}" [label="{label}", shape={shapes[st]}, style="{styles[st]}", fillcolor="{fill}", fontcolor="{font}", penwidth={pen}];'
            )
        lines.append("}")
    for e in health["edges"]:
        a, b = e["from"], e["to"]
        colour = OKABE_ITO["orange"] if (a, b) in risky else "#aaaaaa"
        lines.append(f'"{a}" -> "{b}" [color="{colour}", penwidth={2.2 if (a, b) in risky else 0.6}];')
    lines.append("}")
    return "\n".join(lines)


TOC_TAGS = {"strong": "STRONG", "adequate": "ADEQUATE", "weak": "WEAK", "at_risk": "AT RISK", "unknown": "NO EVIDENCE"}


def toc_chart(health: dict, *, wrap: int = 32, box_w: float = 226, col_w: float = 290, row_h: float = 60) -> alt.Chart:
    """The Theory of Change as boxes in four tier columns: status by colour, outline and a written tag; at-risk links in orange."""
    import textwrap

    nodes = health["nodes"]
    groups: dict[str, int] = {}
    for n in nodes:
        groups.setdefault(n.get("group") or "", len(groups))
    pos: dict[str, tuple[float, float]] = {}
    rows = []
    for k, tier in enumerate(ids.TOC_TIERS):
        tier_nodes = sorted((n for n in nodes if n["tier"] == tier), key=lambda n: groups[n.get("group") or ""])
        for j, n in enumerate(tier_nodes):
            x, y = k * col_w, (j + 0.5) * row_h
            pos[n["id"]] = (x, y)
            st = n["status"]
            score = f" {n['score']:.1f}" if n.get("score") is not None else ""
            lines = textwrap.wrap(n["label"], wrap)
            if len(lines) > 3:
                lines = [*lines[:2], textwrap.shorten(" ".join(lines[2:]), wrap, placeholder="...")]
            lines.append(f"[{TOC_TAGS[st]}{score}]")
            rows.append(
                {
                    "id": n["id"],
                    "x": x,
                    "x2": x + box_w,
                    "y": y - row_h * 0.44,
                    "y2": y + row_h * 0.44,
                    "cx": x + box_w / 2,
                    "ty": y - (len(lines) - 1) * 6,
                    "status": STATUS_LABELS[st],
                    "tag": lines[-1],
                    "text": "\n".join(lines),
                    "label": n["label"],
                    "ink": "white" if st in ("strong", "weak") else "black",
                    "dash": 1 if st in ("at_risk", "unknown") else 0,
                    "reason": n.get("reason") or "",
                }
            )
    edges = []
    for e in health["edges"]:
        if e["from"] in pos and e["to"] in pos:
            (x1, y1), (x2, y2) = pos[e["from"]], pos[e["to"]]
            edges.append(
                {
                    "x": x1 + box_w,
                    "y": y1,
                    "x2": x2,
                    "y2": y2,
                    "at_risk": bool(e["at_risk"]),
                    "link": "puts the next box at risk" if e["at_risk"] else "leads to",
                }
            )
    height = max(1, max((sum(1 for n in nodes if n["tier"] == t) for t in ids.TOC_TIERS), default=1)) * row_h
    width = (len(ids.TOC_TIERS) - 1) * col_w + box_w
    xs = alt.X("x:Q", axis=None, scale=alt.Scale(domain=[0, width], nice=False))
    ys = alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[-28, height], reverse=True, nice=False))
    edf = pd.DataFrame(edges, columns=["x", "y", "x2", "y2", "at_risk", "link"])
    quiet = alt.Chart(edf[~edf["at_risk"]]).mark_rule(color="#bbbbbb", strokeWidth=0.6, opacity=0.7)
    risky = alt.Chart(edf[edf["at_risk"]]).mark_rule(color=OKABE_ITO["orange"], strokeWidth=2.6, strokeDash=[6, 3])
    edge_layers = [c.encode(x=xs, y=ys, x2="x2:Q", y2="y2:Q", tooltip=["link"]) for c in (quiet, risky)]
    ndf = pd.DataFrame(rows)
    order = [STATUS_LABELS[s] for s in ("strong", "adequate", "weak", "at_risk", "unknown")]
    boxes = (
        alt.Chart(ndf)
        .mark_rect(cornerRadius=4, stroke="black", strokeWidth=1)
        .encode(
            x=xs,
            y=ys,
            x2="x2:Q",
            y2="y2:Q",
            color=alt.Color(
                "status:N",
                scale=alt.Scale(
                    domain=order,
                    range=[STATUS_COLOURS[s] for s in ("strong", "adequate", "weak", "at_risk", "unknown")],
                ),
                title="Status (also written in each box)",
                legend=alt.Legend(orient="bottom", direction="horizontal"),
            ),
            strokeDash=alt.condition("datum.dash == 1", alt.value([5, 3]), alt.value([1, 0])),
            tooltip=["label", "status", "tag", "reason"],
        )
    )
    text = (
        alt.Chart(ndf)
        .mark_text(fontSize=11, lineBreak="\n", lineHeight=12, align="center", baseline="middle")
        .encode(x="cx:Q", y="ty:Q", text="text:N", color=alt.Color("ink:N", scale=None))
    )
    heads = pd.DataFrame(
        [
            {"x": k * col_w + box_w / 2, "y": -16, "t": t.replace("_", " ").capitalize()}
            for k, t in enumerate(ids.TOC_TIERS)
        ]
    )
    header = alt.Chart(heads).mark_text(fontSize=13, fontWeight="bold").encode(x="x:Q", y="y:Q", text="t:N")
    return (
        alt.layer(*edge_layers, boxes, text, header)
        .resolve_scale(color="independent")
        .properties(
            width=width,
            height=height + 28,
            title="Theory of Change: the health of each box (orange dashed links: what puts a box at risk)",
        )
        .configure_view(stroke=None)
    )
