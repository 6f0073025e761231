"""A partnership's own Theory of Change: its boxes, links and assumptions as one document, edited and compared.

It starts as Kantar's (Annex 1, Figure 2; the tiers mapped onto OPM stages by Table 3). A partnership may add,
rename, move or retire boxes, add, reconnect or remove links with their rationale and assumptions, keep its own
assumptions, and map a box onto another OPM stage than its tier's. Every edit is a pure function from one document
to the next; each checks the result and refuses it, with a message a person can act on, when it would not be a
Theory of Change the analysis can read (an unknown box, a link backwards through the tiers, a loop).

A retired box is kept in the document (its id stays reserved and its statements still say where they went); it is
drawn nowhere and scored nowhere, and the statements mapped onto it are listed as such.
"""

from __future__ import annotations

import re
from typing import Any

import networkx as nx
from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from toolkit.core import ids

ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_LABEL = 200
MAX_TEXT = 2000
TIER_STAGE: dict[str, str] = {tier: stage for stage, tier in ids.OPM_TO_TOC.items()}
TIER_WORDS = {t: t.replace("_", " ") for t in ids.TOC_TIERS}


class TocEditError(ValueError):
    """The edit would leave a Theory of Change the toolkit cannot read; the message says why, in plain words."""


class _Doc(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="forbid")


class Box(_Doc):
    """A box: its tier, its words, and the OPM stage it maps onto (its tier's, Table 3, unless the partnership says)."""

    id: str
    tier: str
    label: str
    stage: str
    group: str | None = None
    top: bool = False
    description: str = ""
    retired: bool = False


class Link(_Doc):
    """A link from a precondition to what follows from it, with why (rationale) and what it rests on (assumptions)."""

    from_: str = Field(serialization_alias="from", validation_alias=AliasChoices("from_", "from"))
    to: str
    rationale: str = ""
    assumptions: list[str] = []  # ids of the document's assumptions the link rests on


class DocAssumption(_Doc):
    """An assumption, and the boxes it underpins."""

    id: str
    text: str
    nodes: list[str] = []


class TocDoc(_Doc):
    """A whole Theory of Change as a partnership keeps it."""

    boxes: list[Box]
    links: list[Link]
    assumptions: list[DocAssumption] = []

    def box(self, box_id: str) -> Box:
        found = next((b for b in self.boxes if b.id == box_id), None)
        if found is None:
            raise TocEditError(f"There is no box with the id '{box_id}'.")
        return found

    @property
    def live(self) -> list[Box]:
        """The boxes in use (not retired)."""
        return [b for b in self.boxes if not b.retired]

    def underpins(self) -> dict[str, list[str]]:
        """Assumption id -> the boxes it underpins: its own, and the box each link resting on it leads to."""
        out = {a.id: list(a.nodes) for a in self.assumptions}
        for ln in self.links:
            for a in ln.assumptions:
                if a in out and ln.to not in out[a]:
                    out[a].append(ln.to)
        return out

    def graph(self) -> nx.DiGraph:
        """The live boxes and links as the graph toc_health scores (the same attributes as Kantar's graph)."""
        g = nx.DiGraph()
        for b in self.live:
            g.add_node(
                b.id, tier=b.tier, label=b.label, group=b.group, top=b.top, description=b.description, stage=b.stage
            )
        for ln in self.links:
            if ln.from_ in g and ln.to in g:
                g.add_edge(ln.from_, ln.to, rationale=ln.rationale)
        return g


def kantar_doc(cat: Any) -> TocDoc:
    """Kantar's Theory of Change (the catalogue's) as a document: every partnership's starting point."""
    toc = cat.toc
    return TocDoc(
        boxes=[
            Box(
                id=n.id,
                tier=n.tier,
                label=n.label,
                stage=TIER_STAGE[n.tier],
                group=n.group,
                top=n.top,
                description=n.description or "",
            )
            for n in toc.nodes
        ],
        links=[Link(from_=e.from_, to=e.to, rationale=e.rationale) for e in toc.edges],
        assumptions=[DocAssumption(id=a.id, text=a.text, nodes=list(a.nodes)) for a in toc.assumptions],
    )


def problems(doc: TocDoc) -> list[str]:
    """Everything that keeps the document from being a Theory of Change the analysis can read, in plain words."""
    out: list[str] = []
    seen: set[str] = set()
    for b in doc.boxes:
        name = f"Box '{b.label or b.id}'"
        if not ID_RE.match(b.id) or len(b.id) > 80:
            out.append(
                f"{name}: its id '{b.id}' must be lowercase letters, digits and underscores, starting with a letter."
            )
        if b.id in seen:
            out.append(f"{name}: the id '{b.id}' is used by another box.")
        seen.add(b.id)
        if not b.label.strip():
            out.append(f"Box '{b.id}': it needs a name.")
        if len(b.label) > MAX_LABEL:
            out.append(f"{name}: its name is {len(b.label)} characters long; keep it to {MAX_LABEL}.")
        if b.tier not in ids.TOC_TIERS:
            out.append(f"{name}: the tier '{b.tier}' is not one of {', '.join(TIER_WORDS.values())}.")
        if b.stage not in ids.STAGES:
            out.append(f"{name}: the OPM stage '{b.stage}' is not one of {', '.join(ids.STAGES)}.")
    boxes = {b.id: b for b in doc.boxes}
    tier_at = {t: k for k, t in enumerate(ids.TOC_TIERS)}
    assumption_ids = [a.id for a in doc.assumptions]
    pairs: set[tuple[str, str]] = set()
    for ln in doc.links:
        what = f"The link from '{ln.from_}' to '{ln.to}'"
        ends = [boxes.get(ln.from_), boxes.get(ln.to)]
        if None in ends:
            gone = [x for x, b in zip((ln.from_, ln.to), ends, strict=True) if b is None]
            out.append(f"{what}: there is no box '{gone[0]}'.")
            continue
        a, b = ends[0], ends[1]
        assert a is not None and b is not None
        if a.id == b.id:
            out.append(f"{what}: a box cannot lead to itself.")
        if a.retired or b.retired:
            out.append(f"{what}: '{(a if a.retired else b).label}' is retired; a retired box has no links.")
        if tier_at.get(a.tier, 0) > tier_at.get(b.tier, 0):
            out.append(
                f"{what}: it runs backwards, from {TIER_WORDS.get(a.tier, a.tier)} to {TIER_WORDS.get(b.tier, b.tier)}."
                " Links run from inputs towards ultimate outcomes."
            )
        if (a.id, b.id) in pairs:
            out.append(f"{what}: the two boxes are already linked.")
        pairs.add((a.id, b.id))
        if len(ln.rationale) > MAX_TEXT:
            out.append(f"{what}: its rationale is too long (keep it to {MAX_TEXT} characters).")
        for x in ln.assumptions:
            if x not in assumption_ids:
                out.append(f"{what}: it rests on an assumption '{x}' that is not in the register.")
    if len(set(assumption_ids)) != len(assumption_ids):
        out.append("Two assumptions share an id.")
    for x in doc.assumptions:
        if not x.text.strip():
            out.append(f"Assumption '{x.id}': it needs its words.")
        if len(x.text) > MAX_TEXT:
            out.append(f"Assumption '{x.id}': its words are too long (keep them to {MAX_TEXT} characters).")
        for n in x.nodes:
            if n not in boxes:
                out.append(f"Assumption '{x.id}': there is no box '{n}'.")
    g = nx.DiGraph(list(pairs))
    if not out and not nx.is_directed_acyclic_graph(g):
        loop = nx.find_cycle(g)
        out.append("The links make a loop: " + " → ".join([a for a, _ in loop] + [loop[0][0]]) + ".")
    return out


def _checked(doc: TocDoc) -> TocDoc:
    found = problems(doc)
    if found:
        raise TocEditError(" ".join(found))
    return doc


def _slug(label: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:60] or "box"
    if not base[0].isalpha():
        base = f"box_{base}"
    cand, k = base, 2
    while cand in taken:
        cand, k = f"{base}_{k}", k + 1
    return cand


def _label(label: str) -> str:
    label = " ".join(str(label).split())
    if not label:
        raise TocEditError("A box needs a name.")
    return label


def add_box(doc: TocDoc, label: str, tier: str, stage: str | None = None) -> tuple[TocDoc, str]:
    """A new box in a tier (its stage the tier's, Table 3, unless given); returns the document and the box's id."""
    label = _label(label)
    if tier not in ids.TOC_TIERS:
        raise TocEditError(f"Choose a tier: one of {', '.join(TIER_WORDS.values())}.")
    box_id = _slug(label, {b.id for b in doc.boxes} | {a.id for a in doc.assumptions})
    box = Box(id=box_id, tier=tier, label=label, stage=stage or TIER_STAGE[tier])
    return _checked(doc.model_copy(update={"boxes": [*doc.boxes, box]})), box_id


def edit_box(
    doc: TocDoc, box_id: str, *, label: str | None = None, tier: str | None = None, stage: str | None = None
) -> TocDoc:
    """Rename a box, move it to another tier, or map it onto another OPM stage."""
    old = doc.box(box_id)
    new = old.model_copy(
        update={
            "label": _label(label) if label is not None else old.label,
            "tier": tier or old.tier,
            "stage": stage or old.stage,
        }
    )
    return _checked(doc.model_copy(update={"boxes": [new if b.id == box_id else b for b in doc.boxes]}))


def retire_box(doc: TocDoc, box_id: str) -> TocDoc:
    """Retire a box: it and its links leave the graph; its id stays, so its statements say where they went."""
    old = doc.box(box_id)
    if old.retired:
        raise TocEditError(f"'{old.label}' is already retired.")
    return _checked(
        doc.model_copy(
            update={
                "boxes": [b.model_copy(update={"retired": True}) if b.id == box_id else b for b in doc.boxes],
                "links": [ln for ln in doc.links if box_id not in (ln.from_, ln.to)],
            }
        )
    )


def restore_box(doc: TocDoc, box_id: str) -> TocDoc:
    """Bring a retired box back (without its old links: reconnect it)."""
    old = doc.box(box_id)
    if not old.retired:
        raise TocEditError(f"'{old.label}' is not retired.")
    boxes = [b.model_copy(update={"retired": False}) if b.id == box_id else b for b in doc.boxes]
    return _checked(doc.model_copy(update={"boxes": boxes}))


def _find_link(doc: TocDoc, a: str, b: str) -> Link:
    found = next((ln for ln in doc.links if ln.from_ == a and ln.to == b), None)
    if found is None:
        raise TocEditError(f"There is no link from '{a}' to '{b}'.")
    return found


def add_link(doc: TocDoc, from_: str, to: str, rationale: str = "", assumptions: list[str] | None = None) -> TocDoc:
    """A new link from a precondition to what follows from it."""
    for end in (from_, to):
        doc.box(end)  # an unknown box is named in the message
    link = Link(from_=from_, to=to, rationale=rationale.strip(), assumptions=list(assumptions or []))
    return _checked(doc.model_copy(update={"links": [*doc.links, link]}))


def edit_link(
    doc: TocDoc, from_: str, to: str, *, rationale: str | None = None, assumptions: list[str] | None = None
) -> TocDoc:
    """Change a link's rationale or the assumptions it rests on."""
    old = _find_link(doc, from_, to)
    new = old.model_copy(
        update={
            "rationale": rationale.strip() if rationale is not None else old.rationale,
            "assumptions": list(assumptions) if assumptions is not None else old.assumptions,
        }
    )
    return _checked(doc.model_copy(update={"links": [new if ln is old else ln for ln in doc.links]}))


def reconnect_link(doc: TocDoc, from_: str, to: str, *, new_from: str, new_to: str) -> TocDoc:
    """Move a link onto other boxes, keeping its rationale and assumptions."""
    old = _find_link(doc, from_, to)
    for end in (new_from, new_to):
        doc.box(end)
    new = old.model_copy(update={"from_": new_from, "to": new_to})
    return _checked(doc.model_copy(update={"links": [new if ln is old else ln for ln in doc.links]}))


def remove_link(doc: TocDoc, from_: str, to: str) -> TocDoc:
    old = _find_link(doc, from_, to)
    return _checked(doc.model_copy(update={"links": [ln for ln in doc.links if ln is not old]}))


def add_assumption(doc: TocDoc, text: str, nodes: list[str] | None = None) -> tuple[TocDoc, str]:
    """A new assumption of the partnership's own, underpinning the boxes given; returns the document and its id."""
    text = " ".join(str(text).split())
    if not text:
        raise TocEditError("An assumption needs its words.")
    aid = _slug("a " + text[:40], {a.id for a in doc.assumptions} | {b.id for b in doc.boxes})
    new = DocAssumption(id=aid, text=text, nodes=list(nodes or []))
    return _checked(doc.model_copy(update={"assumptions": [*doc.assumptions, new]})), aid


def edit_assumption(doc: TocDoc, aid: str, *, text: str | None = None, nodes: list[str] | None = None) -> TocDoc:
    old = next((a for a in doc.assumptions if a.id == aid), None)
    if old is None:
        raise TocEditError(f"There is no assumption '{aid}'.")
    words = " ".join(text.split()) if text is not None else old.text
    if not words:
        raise TocEditError("An assumption needs its words.")
    new = old.model_copy(update={"text": words, "nodes": list(nodes) if nodes is not None else old.nodes})
    return _checked(doc.model_copy(update={"assumptions": [new if a is old else a for a in doc.assumptions]}))


def remove_assumption(doc: TocDoc, aid: str) -> TocDoc:
    """Drop an assumption from the register and from every link that rested on it."""
    if aid not in {a.id for a in doc.assumptions}:
        raise TocEditError(f"There is no assumption '{aid}'.")
    links = [ln.model_copy(update={"assumptions": [x for x in ln.assumptions if x != aid]}) for ln in doc.links]
    return _checked(doc.model_copy(update={"assumptions": [a for a in doc.assumptions if a.id != aid], "links": links}))
