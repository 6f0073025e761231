"""The differences between two versions of a Theory of Change, in words, with the values before and after.

Boxes first, then links, then assumptions, each in the newer document's order; the page shows them as a list and the
repository writes each to the audit log as its own line.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from toolkit.analysis.toc_doc import TIER_WORDS, Link, TocDoc

ChangeKind = Literal[
    "box_added",
    "box_changed",
    "box_retired",
    "box_restored",
    "link_added",
    "link_removed",
    "link_changed",
    "assumption_added",
    "assumption_removed",
    "assumption_changed",
]


class TocChange(BaseModel):
    """One difference between two versions, in words, with the values before and after."""

    model_config = ConfigDict(frozen=True)

    kind: ChangeKind
    target: str
    words: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


def _fields(m: BaseModel) -> dict[str, Any]:
    return m.model_dump(by_alias=True)


def diff(old: TocDoc, new: TocDoc) -> list[TocChange]:
    """What changed from `old` to `new`: boxes, then links, then assumptions, each in the new document's order."""
    out: list[TocChange] = []
    was = {b.id: b for b in old.boxes}
    label = {b.id: b.label for b in [*old.boxes, *new.boxes]}
    for b in new.boxes:
        a = was.get(b.id)
        if a is None:
            out.append(
                TocChange(
                    kind="box_added",
                    target=b.id,
                    words=f"Box added: '{b.label}' ({TIER_WORDS.get(b.tier, b.tier)}, OPM stage {b.stage}).",
                    after=_fields(b),
                )
            )
        elif a != b:
            if b.retired != a.retired:
                kind: ChangeKind = "box_retired" if b.retired else "box_restored"
                words = f"Box {'retired' if b.retired else 'restored'}: '{b.label}'."
            else:
                kind = "box_changed"
                parts = []
                if a.label != b.label:
                    parts.append(f"renamed from '{a.label}' to '{b.label}'")
                if a.tier != b.tier:
                    parts.append(f"moved from {TIER_WORDS.get(a.tier)} to {TIER_WORDS.get(b.tier)}")
                if a.stage != b.stage:
                    parts.append(f"mapped onto OPM stage {b.stage} (was {a.stage})")
                words = f"Box '{b.label}': " + ("; ".join(parts) or "details changed") + "."
            out.append(TocChange(kind=kind, target=b.id, words=words, before=_fields(a), after=_fields(b)))
    for b in old.boxes:
        if b.id not in {x.id for x in new.boxes}:  # documents keep retired boxes, but a diff of any two must be whole
            out.append(
                TocChange(kind="box_retired", target=b.id, words=f"Box removed: '{b.label}'.", before=_fields(b))
            )

    def key(ln: Link) -> tuple[str, str]:
        return (ln.from_, ln.to)

    def name(k: tuple[str, str]) -> str:
        return f"'{label.get(k[0], k[0])}' → '{label.get(k[1], k[1])}'"

    old_links, new_links = {key(x): x for x in old.links}, {key(x): x for x in new.links}
    for k, ln in new_links.items():
        before = old_links.get(k)
        target = f"{k[0]}->{k[1]}"
        if before is None:
            out.append(TocChange(kind="link_added", target=target, words=f"Link added: {name(k)}.", after=_fields(ln)))
        elif before != ln:
            parts = []
            if before.rationale != ln.rationale:
                parts.append("rationale changed")
            if before.assumptions != ln.assumptions:
                said = {a.id: a.text for a in [*old.assumptions, *new.assumptions]}
                rests = [f"'{said.get(x, x)}'" for x in ln.assumptions]
                parts.append("now rests on " + (", ".join(rests) or "no assumption"))
            out.append(
                TocChange(
                    kind="link_changed",
                    target=target,
                    words=f"Link {name(k)}: {'; '.join(parts)}.",
                    before=_fields(before),
                    after=_fields(ln),
                )
            )
    for k, ln in old_links.items():
        if k not in new_links:
            out.append(
                TocChange(
                    kind="link_removed", target=f"{k[0]}->{k[1]}", words=f"Link removed: {name(k)}.", before=_fields(ln)
                )
            )
    old_as, new_as = {a.id: a for a in old.assumptions}, {a.id: a for a in new.assumptions}
    for aid, x in new_as.items():
        before_a = old_as.get(aid)
        if before_a is None:
            out.append(
                TocChange(kind="assumption_added", target=aid, words=f"Assumption added: '{x.text}'.", after=_fields(x))
            )
        elif before_a != x:
            out.append(
                TocChange(
                    kind="assumption_changed",
                    target=aid,
                    words=f"Assumption changed: '{x.text}'.",
                    before=_fields(before_a),
                    after=_fields(x),
                )
            )
    for aid, x in old_as.items():
        if aid not in new_as:
            out.append(
                TocChange(
                    kind="assumption_removed", target=aid, words=f"Assumption removed: '{x.text}'.", before=_fields(x)
                )
            )
    return out
