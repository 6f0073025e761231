"""Who an area is compared with: the thresholds, peer filters by tag, and labels that hide peers' names."""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.analysis.benchmark.measures import STAGE_KEYS
from toolkit.analysis.benchmark.table import DEMO_TAG, CycleTable
from toolkit.core.settings import get_settings

TAG_KEYS = ("nation", "type", "police_footprint", "health_footprint")
TAG_NAMES = {
    "nation": "Nation",
    "type": "Type",
    "police_footprint": "Police footprint",
    "health_footprint": "Health footprint",
}


@dataclass(frozen=True)
class BenchConfig:
    """Thresholds of a benchmark (from settings; tests set their own)."""

    min_group_size: int = 3
    min_peer_areas: int = 5

    @classmethod
    def from_settings(cls) -> BenchConfig:
        s = get_settings()
        return cls(min_group_size=s.min_group_size, min_peer_areas=s.min_peer_areas)


def is_demo(tags: dict) -> bool:
    """Whether these are the tags of a demo (fictional) partnership."""
    return bool(tags.get(DEMO_TAG))


def without_demo(names: list[str], tags: dict[str, dict]) -> list[str]:
    """The real areas among the names; only when none is real, the demo partnerships (a demo database)."""
    real = [n for n in names if not is_demo(tags.get(n, {}))]
    return real or list(names)


def peer_set(tags: dict[str, dict], area: str | None, filters: dict[str, str]) -> list[str]:
    """Areas matching every filter (a tag value, or `same` for the area's own value); the area itself is left out.

    A real area's peers are real areas only, and a demo partnership's only demo ones: demo data never sits in a
    benchmark of real areas, even when someone has loaded it into the live database.
    """
    own = tags.get(area or "", {})
    demo = is_demo(own) if area in tags else not any(not is_demo(t) for t in tags.values())
    out = []
    for name, t in tags.items():
        if name == area or is_demo(t) != demo:
            continue
        ok = True
        for k, want in filters.items():
            if not want or want == "any":
                continue
            target = own.get(k) if want == "same" else want
            if target is None or t.get(k) != target:
                ok = False
                break
        if ok:
            out.append(name)
    return sorted(out)


def describe_filters(filters: dict[str, str]) -> str:
    """The peer filter in words ('all areas' when there is none)."""
    parts = [
        f"{TAG_NAMES.get(k, k).lower()} {'same as this area' if v == 'same' else v.replace('_', ' ')}"
        for k, v in filters.items()
        if v and v != "any"
    ]
    return "all areas" if not parts else "areas with " + ", ".join(parts)


# Which peers a viewer sees by name: True every one (a role for every area), False none, or a set of area names (a
# member's own other areas: their own data, never anyone else's).
Naming = bool | frozenset[str]


def peer_labels(table: CycleTable, peers: list[str], *, named: Naming) -> dict[str, str]:
    """Each peer's label: its name when the viewer may see it, else 'Peer 01'... by overall value, highest first."""
    # Numbering follows the values (never the names), so a label says nothing about which area it is.
    if named is True:
        return {p: p for p in peers}
    own = {p: p for p in peers if named and p in named}
    peers = [p for p in peers if p not in own]
    if not peers:
        return own
    v = table.values.reindex(peers)
    order = v.assign(
        _o=v["overall"].fillna(-1),
        _s=v[STAGE_KEYS].mean(axis=1).fillna(-1),
        _r=table.respondents.reindex(peers).fillna(0),
    )
    ranked = order.sort_values(["_o", "_s", "_r"], ascending=False, kind="stable").index
    width = max(2, len(str(len(peers))))
    return own | {p: f"Peer {k + 1:0{width}d}" for k, p in enumerate(ranked)}
