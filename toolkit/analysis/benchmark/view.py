"""One area against its peers: every measure's value, percentile rank and peer quartiles, over one or more cycles."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from toolkit.analysis.benchmark.measures import C_KEYS, KEYS, STAGE_KEYS, key_label, ordinal
from toolkit.analysis.benchmark.peers import BenchConfig, Naming, describe_filters, peer_labels, peer_set
from toolkit.analysis.benchmark.ranks import enough_peers, rank_stats
from toolkit.analysis.benchmark.results import Card, Measure, PeerStats
from toolkit.analysis.benchmark.table import CycleTable
from toolkit.core.frameworks import Catalogue


@dataclass
class View:
    """One area against its peers on every measure (charts and exports read it)."""

    area: str
    cycle: str
    named: Naming
    peers_described: str
    n_peers: int
    min_group_size: int
    min_peer_areas: int
    measures: dict[str, Measure]
    points: pd.DataFrame  # label, key, value: peers' values, only for keys with enough peers
    respondents: int | None = None
    notes: list[str] = field(default_factory=list)


def _r(x: float, nd: int = 2) -> float | None:
    return None if math.isnan(x) else round(float(x), nd)


def compare(
    table: CycleTable,
    area: str,
    peers: list[str],
    cfg: BenchConfig,
    *,
    named: Naming,
    described: str = "all areas",
    keys: list[str] | None = None,
    with_points: bool = True,
) -> View:
    """One area against the peer areas (itself excluded) on every measure: value, percentile rank, peer quartiles."""
    keys = keys or KEYS
    peers = [p for p in peers if p != area and p in table.values.index]
    cols = table.values.columns.get_indexer(keys)
    vals = table.values.to_numpy(float)[:, cols]
    pm = vals[table.values.index.get_indexer(peers)] if peers else np.empty((0, len(keys)))
    has_area = area in table.values.index
    loc = table.values.index.get_loc(area) if has_area else -1
    row = int(loc) if isinstance(loc, (int, np.integer)) else -1  # a unique index gives a position
    v = vals[row] if has_area else np.full(len(keys), np.nan)
    nn = table.n.to_numpy(float)[row, cols] if has_area else np.full(len(keys), np.nan)
    sup = table.suppressed.to_numpy(bool)[row, cols] if has_area else np.zeros(len(keys), bool)
    st = rank_stats(v, pm, cfg.min_peer_areas)
    measures = {
        k: Measure(
            mean=_r(v[j]),
            n=None if np.isnan(nn[j]) else int(nn[j]),
            suppressed=bool(sup[j]),
            percentile=_r(st.pct[j], 1),
            peer=PeerStats(areas=int(st.n[j]), q1=_r(st.q1[j]), median=_r(st.median[j]), q3=_r(st.q3[j]))
            if st.enough[j]
            else None,
            peer_areas=int(st.n[j]),
        )
        for j, k in enumerate(keys)
    }
    points = pd.DataFrame(columns=["label", "key", "value"])
    if with_points and peers:
        labels = peer_labels(table, peers, named=named)
        shown = [k for j, k in enumerate(keys) if st.enough[j]]
        if shown:
            long = table.values.loc[peers, shown].rename(index=labels).rename_axis("label").reset_index()
            points = long.melt(id_vars="label", var_name="key", value_name="value").dropna(subset=["value"])
    notes = []
    if not enough_peers(len(peers), cfg.min_peer_areas):
        notes.append(
            f"Only {len(peers)} peer area{'s' if len(peers) != 1 else ''} match: peer statistics need at least "
            f"{cfg.min_peer_areas}, so none are shown."
        )
    return View(
        area=area,
        cycle=table.cycle,
        named=named,
        peers_described=described,
        n_peers=len(peers),
        min_group_size=table.min_group_size,
        min_peer_areas=cfg.min_peer_areas,
        measures=measures,
        points=points,
        respondents=int(table.respondents.get(area) or 0) if has_area else None,
        notes=notes,
    )


def area_view(
    table: CycleTable, tags: dict[str, dict], area: str, filters: dict[str, str], cfg: BenchConfig, *, named: Naming
) -> View:
    """The area against the peers that match the filters (tag values, or `same` as the area's own)."""
    peers = peer_set(tags, area, filters)
    return compare(table, area, peers, cfg, named=named, described=describe_filters(filters))


def history(
    tables: list[CycleTable],
    area: str,
    tags: dict[str, dict],
    filters: dict[str, str],
    cfg: BenchConfig,
    keys: list[str] | None = None,
) -> pd.DataFrame:
    """The area and its peers over cycles: per cycle and key, value, percentile, peer quartiles and change."""
    keys = keys or ["overall", *STAGE_KEYS, *C_KEYS]
    rows = []
    for t in tables:
        if area not in t.values.index:
            continue
        peers = [p for p in peer_set(tags, area, filters) if p in t.values.index]
        view = compare(t, area, peers, cfg, named=False, keys=keys, with_points=False)
        for k in keys:
            m = view.measures[k]
            rows.append(
                {
                    "cycle": t.cycle,
                    "key": k,
                    "value": m.mean,
                    "percentile": m.percentile,
                    "peer_q1": m.peer.q1 if m.peer else None,
                    "peer_median": m.peer.median if m.peer else None,
                    "peer_q3": m.peer.q3 if m.peer else None,
                    "peer_areas": m.peer.areas if m.peer else None,
                }
            )
    df = pd.DataFrame(
        rows, columns=["cycle", "key", "value", "percentile", "peer_q1", "peer_median", "peer_q3", "peer_areas"]
    )
    df["change"] = df.groupby("key", sort=False)["value"].diff().round(2)
    return df


def cards(view: View, hist: pd.DataFrame | None = None) -> list[Card]:
    """Headline cards (overall and each stage): percentile rank, change since the last cycle, value and peer median."""
    out = []
    for k in ["overall", *STAGE_KEYS]:
        m = view.measures[k]
        if m.suppressed:
            caption = f"fewer than {view.min_group_size} people: not shown"
        elif m.mean is None:
            caption = "no answers"
        elif m.peer and m.peer.median is not None:
            caption = f"{m.mean:.2f} · peers' median {m.peer.median:.2f} ({m.peer.areas} areas)"
        else:
            caption = f"{m.mean:.2f} · too few peers to compare"
        delta = None
        if hist is not None and not hist.empty:
            now = hist.loc[(hist["key"] == k) & hist["change"].notna() & (hist["cycle"] == view.cycle), "change"]
            if not now.empty:
                prev = hist.loc[(hist["key"] == k) & (hist["cycle"] < view.cycle), "cycle"].max()
                delta = f"{now.iloc[0]:+.2f} since {prev}"
        name = "Overall" if k == "overall" else key_label(k)
        out.append(Card(key=k, label=name, value=ordinal(m.percentile), delta=delta, caption=caption))
    return out


def peers_table(view: View, cat: Catalogue | None = None, keys: list[str] | None = None) -> pd.DataFrame:
    """The peers' own values (labels as the view allows), one row per peer, best overall first."""
    keys = keys or ["overall", *STAGE_KEYS]
    pts = view.points[view.points["key"].isin(keys)]
    if pts.empty:
        return pd.DataFrame(columns=["peer", *[key_label(k, cat) for k in keys]])
    wide = pts.pivot_table(index="label", columns="key", values="value", aggfunc="first").reindex(columns=keys)
    wide = wide.sort_values("overall", ascending=False) if "overall" in wide else wide
    wide.columns = [key_label(k, cat) for k in keys]
    return wide.rename_axis("peer").reset_index()
