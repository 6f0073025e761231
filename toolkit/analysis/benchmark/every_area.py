"""The benchmark of a whole cycle: every area against its peers at once (the command line's `benchmark`)."""

from __future__ import annotations

import math
from collections.abc import Collection

from toolkit.analysis.benchmark.peers import (
    TAG_NAMES,
    BenchConfig,
    describe_filters,
    peer_labels,
    peer_set,
    without_demo,
)
from toolkit.analysis.benchmark.ranks import method
from toolkit.analysis.benchmark.results import BenchmarkRow, Change, CycleBenchmark, Measure, StageCell
from toolkit.analysis.benchmark.table import CycleTable
from toolkit.analysis.benchmark.view import compare
from toolkit.core import ids


def _stage(m: dict[str, Measure], stage: str) -> StageCell:
    """A stage's cell with its level breakdown."""
    c = m[f"stage:{stage}"]
    return StageCell(
        mean=c.mean,
        n=c.n,
        percentile=c.percentile,
        peer=c.peer,
        suppressed=c.suppressed,
        by_level={lv: m[f"level:{stage}:{lv}"] for lv in ids.LEVELS},
    )


def benchmark(
    table: CycleTable,
    tags: dict[str, dict],
    cfg: BenchConfig,
    *,
    only: dict[str, str] | None = None,
    same: tuple[str, ...] = (),
    named: bool = True,
    previous: CycleTable | None = None,
    rows_for: Collection[str] | None = None,
) -> CycleBenchmark:
    """Every area of the cycle against its peers (contracts section 5 shape, and more)."""
    # `only` keeps the areas with those tag values (listed and peers alike); `same` makes each area's peers the areas
    # sharing its value of those tags. Names appear only when `named`; otherwise every area is 'Peer NN'. `rows_for`
    # lists only those areas (a member's own): every other area still counts, but only as an anonymous peer.
    pool = [a for a in table.areas if all(tags.get(a, {}).get(k) == v for k, v in (only or {}).items())]
    pool = without_demo(pool, tags)  # demo partnerships never appear in a benchmark of real areas
    pool_tags = {a: tags.get(a, {}) for a in pool}
    listed = [a for a in pool if rows_for is None or a in rows_for]
    labels = peer_labels(table, listed, named=named)
    rows = []
    for a in listed:
        peers = peer_set(pool_tags, a, dict.fromkeys(same, "same"))
        m = compare(table, a, peers, cfg, named=named, with_points=False).measures
        overall = m["overall"]
        change = None
        if previous is not None:
            before = previous.values["overall"].get(a)
            now = overall.mean
            change = Change(
                from_cycle=previous.cycle,
                overall=None if now is None or before is None or math.isnan(before) else round(now - before, 2),
            )
        rows.append(
            BenchmarkRow(
                area=labels[a],
                respondents=int(table.respondents.get(a) or 0),
                overall=overall.mean,
                percentile=overall.percentile,
                peer=overall.peer,
                peer_areas=overall.peer_areas,
                by_stage={s: _stage(m, s) for s in ids.STAGES},
                twelve_cs={c: m[f"c:{c}"] for c in ids.C_IDS},
                tags=tags.get(a, {}) if named else None,
                change=change,
            )
        )
    rows.sort(key=lambda r: r.area)
    peers_desc = describe_filters(only or {}) + (
        f"; each area's peers share its {', '.join(TAG_NAMES.get(k, k).lower() for k in same)}" if same else ""
    )
    return CycleBenchmark(
        cycle=table.cycle,
        named=named,
        peers=peers_desc,
        min_group_size=table.min_group_size,
        min_peer_areas=cfg.min_peer_areas,
        method=method(cfg.min_peer_areas, table.min_group_size),
        areas=rows,
    )
