"""The Theory of Change canvas: four tier columns drawn as an SVG at its own size, returned with the data it drew.

A pure function: the area's Toc in, a TocCanvas out (boxes with positions, links, tiers and the SVG text). Text is
drawn at `font_px` (at least 12 px) and the SVG carries its width and height in pixels, so nothing scales it down
to fit: a canvas wider than the page scrolls. Status is told three ways in every box: its outline's shape, a
written tag and a colour-blind-safe colour (Okabe-Ito). Every framework and user text is XML-escaped.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Collection, Iterable
from functools import lru_cache
from html import escape

from toolkit.analysis.results import Result, Toc, TocStatus
from toolkit.analysis.toc_view import TIER_STAGE, assumption_on, path_edges
from toolkit.charts.results import STATUS_COLOURS, STATUS_LABELS
from toolkit.core import ids

SHAPES: dict[str, str] = {
    "strong": "rounded",  # rounded corners, solid outline
    "adequate": "square",  # square corners, thin solid outline
    "weak": "octagon",  # cut corners, heavy outline
    "at_risk": "hexagon",  # pointed ends, dashed outline
    "unknown": "dotted",  # square corners, dotted outline
}
SHAPE_WORDS = {
    "rounded": "rounded box",
    "square": "square box",
    "octagon": "octagon, heavy outline",
    "hexagon": "pointed hexagon, dashed outline",
    "dotted": "dotted box",
}
TAGS = {"strong": "STRONG", "adequate": "ADEQUATE", "weak": "WEAK", "at_risk": "AT RISK", "unknown": "NO EVIDENCE"}
TINTS = {"strong": "#d9e8f5", "adequate": "#e3f2fb", "weak": "#f8ddd0", "at_risk": "#fbefd5", "unknown": "#eeeeee"}
REVIEW_MARKS = {"holds": "✓", "doubtful": "?", "fails": "✗"}
REVIEW_COLOURS = {"holds": "#009E73", "doubtful": "#E69F00", "fails": "#D55E00"}
TIER_NAMES = {
    "inputs": "Inputs",
    "outputs": "Outputs",
    "intermediate_outcomes": "Intermediate outcomes",
    "ultimate_outcomes": "Ultimate outcomes",
}
MIN_FONT_PX = 12
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _n(v: float) -> str:
    """A coordinate or stroke width for the SVG, without a trailing ".0": geometry must never read like a score
    (the anonymity scan looks for a small group's mean, such as "1.0", in everything a page sends)."""
    return f"{v:.1f}".removesuffix(".0")


def xml(text: object) -> str:
    """Text made safe inside SVG/XML: markup characters escaped, characters XML forbids dropped."""
    return escape(_XML_BAD.sub("", str(text)), quote=True)


class CanvasNode(Result):
    id: str
    tier: str
    label: str
    status: TocStatus
    shape: str
    tag: str
    lines: list[str]
    x: float
    y: float
    w: float
    h: float
    font_px: int
    role: str = ""  # "selected", "upstream", "downstream", "faded" (off the chosen box's paths) or ""
    review: str | None = None  # the gravest assumption review underpinning it


class CanvasEdge(Result):
    from_: str
    to: str
    x1: float
    y1: float
    x2: float
    y2: float
    at_risk: bool
    role: str = ""  # "upstream", "downstream", "faded" or ""
    review: str | None = None  # holds / doubtful / fails of the assumptions under the box it leads to


class CanvasTier(Result):
    tier: str
    name: str
    stage: str
    x: float
    w: float
    collapsed: bool
    boxes: int
    summary: str


class TocCanvas(Result):
    nodes: list[CanvasNode]
    edges: list[CanvasEdge]
    tiers: list[CanvasTier]
    width: float
    height: float
    svg: str


def _outline(shape: str, x: float, y: float, w: float, h: float) -> str:
    """The box's outline as an SVG element (its style is added by the caller)."""
    if shape == "octagon":
        c = 10
        pts = [(x + c, y), (x + w - c, y), (x + w, y + c), (x + w, y + h - c), (x + w - c, y + h), (x + c, y + h)]
        pts += [(x, y + h - c), (x, y + c)]
        return f'<polygon points="{" ".join(f"{_n(a)},{_n(b)}" for a, b in pts)}"'
    if shape == "hexagon":
        c = 12
        pts = [(x + c, y), (x + w - c, y), (x + w, y + h / 2), (x + w - c, y + h), (x + c, y + h), (x, y + h / 2)]
        return f'<polygon points="{" ".join(f"{_n(a)},{_n(b)}" for a, b in pts)}"'
    rx = 12 if shape == "rounded" else 0
    return f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" rx="{rx}"'


STROKES = {
    "rounded": 'stroke-width="2"',
    "square": 'stroke-width="1.5"',
    "octagon": 'stroke-width="3.5"',
    "hexagon": 'stroke-width="2.5" stroke-dasharray="7 4"',
    "dotted": 'stroke-width="2" stroke-dasharray="2 3"',
}


@lru_cache(maxsize=4096)
def _wrap(label: str, chars: int, max_lines: int) -> tuple[str, ...]:
    lines = textwrap.wrap(label, chars) or [""]
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], textwrap.shorten(" ".join(lines[max_lines - 1 :]), chars, placeholder="…")]
    return tuple(lines)


def toc_canvas(
    health: Toc,
    *,
    selected: str | None = None,
    show: Collection[str] | None = None,
    collapsed: Iterable[str] = (),
    font_px: int = 13,
    box_w: float = 204,
    gap: float = 30,
    max_lines: int = 4,
) -> TocCanvas:
    """Draw the Theory of Change: tier columns with their OPM stage (Table 3), boxes by status, links, the chosen path.

    `show` keeps only those boxes (a filter by stage or status; None keeps all); `collapsed` tiers are drawn as a
    narrow bar with their box count; `selected` marks a box and its upstream and downstream paths.
    """
    font_px = max(MIN_FONT_PX, font_px)
    line_h = round(font_px * 1.3)
    folded = set(collapsed)
    chars = max(12, int((box_w - 18) / (font_px * 0.56)))
    gap_y = 12.0
    pad, head = 10.0, 64.0
    by_id = {n.id: n for n in health.nodes}
    sel = selected if selected in by_id else None
    ups, downs = path_edges(health, sel) if sel else (set(), set())
    up_nodes = {a for a, _ in ups} | {b for _, b in ups}
    down_nodes = {a for a, _ in downs} | {b for _, b in downs}
    nodes: list[CanvasNode] = []
    tiers: list[CanvasTier] = []
    anchor: dict[str, tuple[float, float, float]] = {}  # id -> (left x, right x, mid y) where its links attach
    x, bottom = pad, head + 60
    for tier in ids.TOC_TIERS:
        members = [n for n in health.nodes if n.tier == tier]
        kept = [n for n in members if show is None or n.id in show]
        counts = {s: sum(1 for n in kept if n.status == s) for s in STATUS_LABELS}
        summary = ", ".join(f"{k} {STATUS_LABELS[s].lower()}" for s, k in counts.items() if k)
        w = 64.0 if tier in folded else box_w
        tiers.append(
            CanvasTier(
                tier=tier,
                name=TIER_NAMES[tier],
                stage=TIER_STAGE[tier],
                x=x,
                w=w,
                collapsed=tier in folded,
                boxes=len(kept),
                summary=summary,
            )
        )
        y = head
        for n in kept:
            if tier in folded:
                anchor[n.id] = (x, x + w, head + 160)
                continue
            lines = list(_wrap(n.label, chars, max_lines))
            box_h = (len(lines) + 1) * line_h + 18
            anchor[n.id] = (x, x + w, y + box_h / 2)
            role = ""
            if sel:
                role = (
                    "selected"
                    if n.id == sel
                    else "upstream"
                    if n.id in up_nodes
                    else "downstream"
                    if n.id in down_nodes
                    else "faded"
                )
            score = f" {n.score:.1f}" if n.score is not None else ""
            nodes.append(
                CanvasNode.model_construct(  # every value computed here from a validated Toc: no second check
                    id=n.id,
                    tier=tier,
                    label=n.label,
                    status=n.status,
                    shape=SHAPES[n.status],
                    tag=f"{TAGS[n.status]}{score}",
                    lines=lines,
                    x=x,
                    y=y,
                    w=w,
                    h=box_h,
                    font_px=font_px,
                    role=role,
                    review=assumption_on(health.assumptions, n.id),
                )
            )
            y += box_h + gap_y
        bottom = max(bottom, y, head + 360 if tier in folded else 0)
        x += w + gap
    edges: list[CanvasEdge] = []
    seen: set[tuple[float, float, float, float]] = set()
    for e in health.edges:
        if e.from_ not in anchor or e.to not in anchor:
            continue
        (_, x1, y1), (x2, _, y2) = anchor[e.from_], anchor[e.to]
        if (x1, y1, x2, y2) in seen:  # links into or out of a folded tier meet at its bar
            continue
        seen.add((x1, y1, x2, y2))
        link = (e.from_, e.to)
        role = ("upstream" if link in ups else "downstream" if link in downs else "faded") if sel else ""
        review = assumption_on(health.assumptions, e.to)
        edges.append(
            CanvasEdge.model_construct(
                from_=e.from_,
                to=e.to,
                x1=x1,
                y1=y1,
                x2=x2,
                y2=y2,
                at_risk=e.at_risk,
                role=role,
                review=review if review in REVIEW_MARKS else None,
            )
        )
    width = x - gap + pad
    height = bottom + 8
    out = TocCanvas(nodes=nodes, edges=edges, tiers=tiers, width=width, height=height, svg="")
    return out.model_copy(update={"svg": _svg(out, line_h)})


def _svg(c: TocCanvas, line_h: int) -> str:
    """The SVG text of a laid-out canvas; every text node and attribute value from data is escaped."""
    f = c.nodes[0].font_px if c.nodes else 13
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{c.width:.0f}" height="{c.height:.0f}" '
        f'viewBox="0 0 {c.width:.0f} {c.height:.0f}" role="group" aria-label="Theory of Change: four tiers" '
        f'font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="{f}">',
        '<defs><marker id="toc-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" '
        'markerWidth="10" markerHeight="10" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="context-stroke"/></marker></defs>',
    ]
    for t in c.tiers:
        stage = ids.STAGE_NAMES.get(t.stage, t.stage)
        parts.append(
            f'<g class="toc-tier" data-tier="{xml(t.tier)}"><rect x="{_n(t.x)}" y="2" width="{_n(t.w)}" '
            f'height="{c.height - 4:.0f}" rx="6" fill="#f7f7f7" stroke="#cccccc"/>'
        )
        if t.collapsed:
            parts.append(
                f'<text x="{_n(t.x + t.w / 2)}" y="70" font-weight="bold" writing-mode="vertical-rl">'
                f"{xml(t.name)} · {t.boxes} boxes{(' · ' + xml(t.summary)) if t.summary else ''} (folded)</text></g>"
            )
            continue
        parts.append(
            f'<text x="{_n(t.x + 8)}" y="22" font-weight="bold" font-size="{f + 1}">{xml(t.name)}</text>'
            f'<rect x="{_n(t.x + 6)}" y="32" width="{_n(t.w - 12)}" height="22" rx="4" fill="#ffffff" '
            f'stroke="#555555" stroke-dasharray="3 2"/>'
            f'<text x="{_n(t.x + 12)}" y="48" font-size="{MIN_FONT_PX}">OPM stage: {xml(stage)}</text></g>'
        )
    parts += [_edge_svg(e.from_, e.to, e.x1, e.y1, e.x2, e.y2, e.at_risk, e.role) for e in c.edges]
    marked: set[str] = set()
    for e in c.edges:  # one review mark where the links meet the box the assumptions underpin
        if e.review and e.to not in marked and e.role != "faded":
            marked.add(e.to)
            cx, cy = e.x2 - 14, e.y2 - 14
            parts.append(
                f'<g class="toc-review" data-node="{xml(e.to)}" data-review="{xml(e.review)}">'
                f"<title>Assumption under this box: {xml(e.review)}</title>"
                f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="9" fill="#ffffff" stroke="{REVIEW_COLOURS[e.review]}" '
                f'stroke-width="2"/><text x="{_n(cx)}" y="{_n(cy + 4.5)}" text-anchor="middle" font-size="12" '
                f'font-weight="bold" fill="#000000">{REVIEW_MARKS[e.review]}</text></g>'
            )
    parts += [
        _node_svg(
            n.id, n.label, n.status, n.shape, n.role, n.tag, tuple(n.lines), n.x, n.y, n.w, n.h, n.font_px, line_h
        )
        for n in c.nodes
    ]
    parts.append("</svg>")
    return "".join(parts)


# A redraw after changing area or cycle mostly draws the same boxes and links in the same places: each box's and each
# link's SVG is kept by everything it is drawn from, so only what changed (a status, a score, the chosen path) is
# drawn again.
@lru_cache(maxsize=8192)
def _edge_svg(from_: str, to: str, x1: float, y1: float, x2: float, y2: float, at_risk: bool, role: str) -> str:
    colour, width, dash = "#9a9a9a", 1.0, ""
    if at_risk:
        colour, width, dash = "#E69F00", 2.4, ' stroke-dasharray="6 3"'
    if role == "upstream":
        colour, width = "#0072B2", 3.0
    elif role == "downstream":
        colour, width = "#CC79A7", 3.0
    opacity = 0.18 if role == "faded" else 0.9
    mx = (x1 + x2) / 2
    return (
        f'<path class="toc-link" data-from="{xml(from_)}" data-to="{xml(to)}" data-role="{xml(role)}" '
        f'd="M {_n(x1)} {_n(y1)} C {_n(mx)} {_n(y1)}, {_n(mx)} {_n(y2)}, {_n(x2 - 2)} {_n(y2)}" '
        f'fill="none" stroke="{colour}" stroke-width="{_n(width)}" opacity="{opacity}"{dash} '
        'marker-end="url(#toc-arrow)"/>'
    )


@lru_cache(maxsize=8192)
def _node_svg(
    node_id: str,
    text: str,
    status: str,
    shape: str,
    role: str,
    tag: str,
    lines: tuple[str, ...],
    x: float,
    y: float,
    w: float,
    h: float,
    font_px: int,
    line_h: int,
) -> str:
    colour = STATUS_COLOURS[status]
    label = f"{text}: {STATUS_LABELS[status]}, {tag.split(' ', 1)[-1] if ' ' in tag else 'no score'}"
    if role in ("upstream", "downstream", "selected"):
        label += {"upstream": " (leads to the chosen box)", "downstream": " (follows from the chosen box)"}.get(
            role, " (chosen)"
        )
    opacity = ' opacity="0.35"' if role == "faded" else ""
    sel = role == "selected"
    parts = [
        f'<g class="toc-node" data-node="{xml(node_id)}" data-status="{xml(status)}" data-shape="{xml(shape)}" '
        f'data-role="{xml(role)}" tabindex="0" role="button" aria-pressed="{"true" if sel else "false"}" '
        f'aria-label="{xml(label)}" style="cursor:pointer"{opacity}><title>{xml(label)}</title>'
    ]
    if sel:
        parts.append(_outline(shape, x - 4, y - 4, w + 8, h + 8) + ' fill="none" stroke="#000000" stroke-width="3"/>')
    parts.append(
        _outline(shape, x, y, w, h) + f' class="toc-shape" fill="{TINTS[status]}" stroke="{colour}" {STROKES[shape]}/>'
    )
    ty = y + 8 + line_h * 0.8
    for k, line in enumerate(lines):
        parts.append(
            f'<text x="{_n(x + w / 2)}" y="{_n(ty + k * line_h)}" text-anchor="middle" fill="#111111">'
            f"{xml(line)}</text>"
        )
    tag_w = 8 + len(tag) * font_px * 0.62
    tx, tyy = x + (w - tag_w) / 2, y + h - line_h - 6
    ink = "#ffffff" if status in ("strong", "weak") else "#000000"
    parts.append(
        f'<rect x="{_n(tx)}" y="{_n(tyy)}" width="{_n(tag_w)}" height="{line_h + 2}" rx="3" fill="{colour}"/>'
        f'<text x="{_n(x + w / 2)}" y="{_n(tyy + line_h - 2)}" text-anchor="middle" font-weight="bold" '
        f'fill="{ink}">{xml(tag)}</text></g>'
    )
    return "".join(parts)


def legend() -> list[tuple[str, str, str]]:
    """(status label, shape in words, written tag) for each status, in the order the canvas ranks them."""
    order = ("strong", "adequate", "weak", "at_risk", "unknown")
    return [(STATUS_LABELS[s], SHAPE_WORDS[SHAPES[s]], TAGS[s]) for s in order]
