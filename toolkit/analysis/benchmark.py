"""Every area of a cycle against its peers: values, percentile ranks, peer quartiles and change, anonymised unless named.

How the numbers are made (the same rules as an area's own analysis, so the two pages agree):
- each respondent's score for a stage or C is the mean of their answers to its statements (don't know is left out);
- an area's stage or C value weights the three levels equally, leaving out any level its breakdown hides;
- `overall` is the mean of the four stage values, shown only when all four are (its n: the fewest behind a stage);
- any value over fewer than min_group_size respondents is suppressed, and within a stage's level breakdown a
  second level is hidden with a lone small one so it cannot be worked out by subtraction;
- a percentile rank is the share of peer areas below the area, ties counting half (mid-rank), 0-100;
- peer statistics (percentile, quartiles, the peers' own values) need at least min_peer_areas peer areas with a
  value; the area itself is never one of its peers.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import Float, case, cast, func, select
from sqlalchemy.orm import Session

from toolkit.core import ids
from toolkit.core.frameworks import Catalogue
from toolkit.core.tables import safe_frame
from toolkit.store.models import Area, Cycle, Rating, RatingHistory, Respondent

STAGE_KEYS = [f"stage:{s}" for s in ids.STAGES]
LEVEL_KEYS = [f"level:{s}:{lv}" for s in ids.STAGES for lv in ids.LEVELS]
C_KEYS = [f"c:{c}" for c in ids.C_IDS]
KEYS = ["overall", *STAGE_KEYS, *LEVEL_KEYS, *C_KEYS]
TAG_KEYS = ("nation", "type", "police_footprint", "health_footprint")
TAG_NAMES = {
    "nation": "Nation",
    "type": "Type",
    "police_footprint": "Police footprint",
    "health_footprint": "Health footprint",
}
METHOD = (
    "Percentile rank: the share of peer areas scoring below this area, ties counting half (0-100). Quartiles of the "
    "peers' values (linear interpolation). Peer statistics need at least {min_peer} peer areas with a value; values "
    "over fewer than {min_n} respondents are suppressed. Overall is the mean of the four stage values."
)


@dataclass(frozen=True)
class BenchConfig:
    """Thresholds of a benchmark (from settings; tests set their own)."""

    min_group_size: int = 3
    min_peer_areas: int = 5

    @classmethod
    def from_settings(cls) -> BenchConfig:
        from toolkit.core.settings import get_settings

        s = get_settings()
        return cls(min_group_size=s.min_group_size, min_peer_areas=s.min_peer_areas)


@dataclass
class CycleTable:
    """Every area's value on every measure of one cycle (areas x KEYS; NaN where missing or suppressed)."""

    cycle: str
    values: pd.DataFrame
    n: pd.DataFrame
    suppressed: pd.DataFrame
    respondents: pd.Series
    min_group_size: int = 3

    @property
    def areas(self) -> list[str]:
        return list(self.values.index)


def key_label(key: str, cat: Catalogue | None = None) -> str:
    """A measure key in words: 'Overall', 'Create', 'Create · frontline', '1. Clarity'."""
    parts = key.split(":")
    if parts[0] == "overall":
        return "Overall (four stages)"
    if parts[0] == "stage":
        return ids.STAGE_NAMES[parts[1]]
    if parts[0] == "level":
        return f"{ids.STAGE_NAMES[parts[1]]} · {parts[2]}"
    c = parts[1]
    if cat is not None and c in cat.constructs:
        con = cat.constructs[c]
        return f"{con.number}. {con.name}"
    return c.split("_", 1)[-1].replace("_", " ").capitalize()


def ordinal(p: float | None) -> str:
    """A percentile rank as an ordinal: 62 -> '62nd', 11 -> '11th', None -> '-'."""
    if p is None or (isinstance(p, float) and np.isnan(p)):
        return "-"
    k = round(float(p))
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


# ---- loading: one grouped query over every area of the cycle ---------------------------------------------------


def _measure_codes(cat: Catalogue) -> tuple[list[str], dict[str, dict[str, int]]]:
    """Measure names (stages, then C's) and, per framework, item id -> measure code."""
    measures = [*ids.STAGES, *ids.C_IDS]
    code = {m: k for k, m in enumerate(measures)}
    by_fw: dict[str, dict[str, int]] = {"opm": {}, "twelve_cs": {}}
    for fw_id in by_fw:
        if fw_id not in cat.frameworks:
            continue
        for it in cat.get(fw_id).items:
            m = it.stage if fw_id == "opm" else (it.cs[0] if it.cs else None)
            if m in code:
                by_fw[fw_id][it.id] = code[m]
    return measures, by_fw


def level_measure_stats(cycle: str, *, session: Session, cat: Catalogue) -> tuple[pd.DataFrame, pd.Series]:
    """(stats, respondents) of every area in the cycle, from one query that the database aggregates.

    stats has one row per area, level and measure (stage or C): the mean of the respondents' own means and how many
    respondents there are. The item -> stage/C mapping goes into the SQL as a CASE, so each respondent's mean per
    measure is made in the database and only about 16 rows per area and level come back, not one per rating.
    respondents counts everyone in the cycle per area.
    """
    measures, by_fw = _measure_codes(cat)
    counts = session.execute(
        select(Area.name, func.count(Respondent.id))
        .join(Cycle, Cycle.area_id == Area.id)
        .join(Respondent, Respondent.cycle_id == Cycle.id)
        .where(Cycle.name == cycle)
        .group_by(Area.name)
    ).all()
    respondents = pd.Series({a: int(k) for a, k in counts}, dtype=int).sort_index()
    whens = [(Rating.framework == fw, case(m, value=Rating.item)) for fw, m in by_fw.items() if m]
    if not whens or respondents.empty:
        return pd.DataFrame(columns=["area", "level", "measure", "mean", "n"]), respondents
    code = case(*whens).label("m")
    # Ratings found through the respondent index (an IN list of the cycle's respondents), not a scan of the table.
    in_cycle = select(Respondent.id).join(Cycle, Cycle.id == Respondent.cycle_id).where(Cycle.name == cycle)
    person = (
        select(Rating.respondent_id.label("rid"), code, cast(func.avg(Rating.score), Float).label("score"))
        .where(Rating.respondent_id.in_(in_cycle.scalar_subquery()), Rating.framework.in_(list(by_fw)))
        .group_by(Rating.respondent_id, "m")
        .subquery()
    )
    stmt = (
        select(Area.name, Respondent.level, person.c.m, func.avg(person.c.score), func.count())
        .join(Respondent, Respondent.id == person.c.rid)
        .join(Cycle, Cycle.id == Respondent.cycle_id)
        .join(Area, Area.id == Cycle.area_id)
        .where(person.c.m.is_not(None), person.c.score.is_not(None))
        .group_by(Area.name, Respondent.level, person.c.m)
    )
    stats = pd.DataFrame(session.execute(stmt).all(), columns=["area", "level", "m", "mean", "n"])
    stats["measure"] = np.asarray(measures, dtype=object)[stats["m"].astype(int).to_numpy()]
    stats["mean"] = stats["mean"].astype(float)
    stats["n"] = stats["n"].astype(int)
    return stats[["area", "level", "measure", "mean", "n"]], respondents


def level_stats(scores: pd.DataFrame) -> pd.DataFrame:
    """Per area, level and measure: mean of respondent scores and n (what the database makes, for tests and files)."""
    g = scores.assign(score=scores["score"].astype(float)).groupby(["area", "level", "measure"], sort=False)["score"]
    return g.agg(mean="mean", n="size").reset_index()


def table_from_stats(stats: pd.DataFrame, respondents: pd.Series, cycle: str, min_group_size: int) -> CycleTable:
    """The cycle table from per area, level and measure stats (mean of respondent scores, n): pure and vectorised."""
    min_n = min_group_size
    areas = sorted(respondents.index)
    values = pd.DataFrame(np.nan, index=pd.Index(areas, name="area"), columns=KEYS)
    n = values.copy()
    supp = pd.DataFrame(False, index=values.index, columns=KEYS)
    resp = respondents.reindex(areas, fill_value=0).astype(int)
    if stats.empty:
        return CycleTable(cycle, values, n, supp, resp, min_n)
    lv = stats.assign(wsum=stats["mean"] * stats["n"]).reset_index(drop=True)
    # Which levels a by-level breakdown shows: not under min_n, and not hidden with a lone small one (secondary
    # suppression), as in the area's own analysis. Hidden levels stay out of the headline too.
    lv["hide"] = lv["n"] < min_n
    grp = lv.groupby(["area", "measure"], sort=False)["hide"]
    lone = (grp.transform("sum") == 1) & (grp.transform("size") > 1)
    cand = lv[lone & ~lv["hide"]].sort_values(["area", "measure", "n", "level"])
    lv.loc[cand.groupby(["area", "measure"], sort=False).head(1).index, "hide"] = True
    # Headline stage and C values: the shown levels weighted equally (the plain mean if none is shown).
    head = lv.groupby(["area", "measure"], sort=False).agg(n=("n", "sum"), wsum=("wsum", "sum"))
    head["plain"] = head["wsum"] / head["n"]
    head["balanced"] = lv[~lv["hide"]].groupby(["area", "measure"], sort=False)["mean"].mean().reindex(head.index)
    head["balanced"] = head["balanced"].fillna(head["plain"])
    head = head.reset_index()
    head["key"] = np.where(head["measure"].isin(ids.STAGES), "stage:", "c:") + head["measure"]
    small = head["n"] < min_n
    _put(values, head[~small], "balanced")
    _put(n, head[~small], "n")
    _put(supp, head[small].assign(flag=True), "flag")
    # Stage x level cells: the same shown levels.
    cells = lv[lv["measure"].isin(ids.STAGES)].copy()
    cells["key"] = "level:" + cells["measure"] + ":" + cells["level"]
    _put(values, cells[~cells["hide"]], "mean")
    _put(n, cells[~cells["hide"]], "n")
    _put(supp, cells[cells["hide"]].assign(flag=True), "flag")
    # Overall: the mean of the four stage values, only when all four are shown; n is the fewest behind any stage.
    stage_vals = values[STAGE_KEYS]
    shown = stage_vals.notna().all(axis=1)
    values["overall"] = stage_vals.mean(axis=1).where(shown)
    n["overall"] = n[STAGE_KEYS].min(axis=1).where(shown)
    supp["overall"] = supp[STAGE_KEYS].any(axis=1)
    return CycleTable(cycle, values.round(2), n, supp.astype(bool), resp, min_n)


def _put(frame: pd.DataFrame, rows: pd.DataFrame, col: str) -> None:
    """Write rows (area, key, col) into a wide areas x keys frame."""
    if rows.empty:
        return
    wide = rows.pivot_table(index="area", columns="key", values=col, aggfunc="first")
    frame.update(
        wide.reindex(index=frame.index.intersection(wide.index), columns=frame.columns.intersection(wide.columns))
    )


def cycle_table(cycle: str, *, session: Session, cat: Catalogue, min_group_size: int) -> CycleTable:
    """Every area's values for one cycle, from one grouped query and pandas group-bys."""
    stats, respondents = level_measure_stats(cycle, session=session, cat=cat)
    return table_from_stats(stats, respondents, cycle, min_group_size)


def data_version(*, session: Session) -> str:
    """A cheap token that changes when any rating, respondent, cycle or area is added, changed or removed."""
    row = session.execute(
        select(
            select(func.max(Rating.id)).scalar_subquery(),
            select(func.max(RatingHistory.id)).scalar_subquery(),
            select(func.count(Respondent.id)).scalar_subquery(),
            select(func.max(Respondent.id)).scalar_subquery(),
            select(func.count(Cycle.id)).scalar_subquery(),
            select(func.max(Cycle.id)).scalar_subquery(),
            select(func.count(Area.id)).scalar_subquery(),
        )
    ).one()
    return ":".join(str(x) for x in row)


def area_tags(*, session: Session) -> dict[str, dict]:
    """Every area's tags (nation, type, police and health footprint...)."""
    return {name: dict(tags or {}) for name, tags in session.execute(select(Area.name, Area.tags))}


def cycles_in_use(*, session: Session) -> list[str]:
    """Every cycle name that any area has, in order."""
    return sorted(session.scalars(select(Cycle.name).distinct()))


# ---- peers -----------------------------------------------------------------------------------------------------


def peer_set(tags: dict[str, dict], area: str | None, filters: dict[str, str]) -> list[str]:
    """Areas matching every filter (a tag value, or `same` for the area's own value); the area itself is left out."""
    own = tags.get(area or "", {})
    out = []
    for name, t in tags.items():
        if name == area:
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


def peer_labels(table: CycleTable, peers: list[str], *, named: bool) -> dict[str, str]:
    """Each peer's label: its name when the viewer may see names, else 'Peer 01'... by overall value, highest first.

    Numbering follows the values (never the names), so a label says nothing about which area it is.
    """
    if named:
        return {p: p for p in peers}
    v = table.values.reindex(peers)
    order = v.assign(
        _o=v["overall"].fillna(-1),
        _s=v[STAGE_KEYS].mean(axis=1).fillna(-1),
        _r=table.respondents.reindex(peers).fillna(0),
    )
    ranked = order.sort_values(["_o", "_s", "_r"], ascending=False, kind="stable").index
    width = max(2, len(str(len(peers))))
    return {p: f"Peer {k + 1:0{width}d}" for k, p in enumerate(ranked)}


@dataclass
class View:
    """One area against its peers on every measure (plain data; charts and exports read it)."""

    area: str
    cycle: str
    named: bool
    peers_described: str
    n_peers: int
    min_group_size: int
    min_peer_areas: int
    measures: dict[str, dict]
    points: pd.DataFrame  # label, key, value: peers' values, only for keys with enough peers
    respondents: int | None = None
    notes: list[str] = field(default_factory=list)


def _stats(v: np.ndarray, peers: np.ndarray, min_peer: int) -> dict[str, np.ndarray]:
    """Percentile rank of v among the peer columns, and the peers' quartiles; NaN where too few peers."""
    have = ~np.isnan(peers)
    n_peer = have.sum(axis=0)
    with np.errstate(invalid="ignore"):
        below = (peers < v).sum(axis=0)
        equal = (peers == v).sum(axis=0)
    enough = n_peer >= min_peer
    pct = np.where(enough & ~np.isnan(v), 100.0 * (below + 0.5 * equal) / np.maximum(n_peer, 1), np.nan)
    q = quartiles(peers, n_peer)
    q[:, ~enough] = np.nan
    return {"n": n_peer, "pct": pct, "q1": q[0], "median": q[1], "q3": q[2], "enough": enough}


def quartiles(m: np.ndarray, n: np.ndarray | None = None) -> np.ndarray:
    """Quartiles (linear interpolation, as numpy's default) of each column of m, ignoring NaN: shape (3, columns)."""
    out = np.full((3, m.shape[1]), np.nan)
    if m.shape[0] == 0:
        return out
    n = (~np.isnan(m)).sum(axis=0) if n is None else n
    s = np.sort(m, axis=0)  # NaN sorts last
    cols = np.nonzero(n > 0)[0]
    for k, f in enumerate((0.25, 0.5, 0.75)):
        h = f * (n[cols] - 1)
        lo = np.floor(h).astype(int)
        hi = np.minimum(lo + 1, n[cols] - 1)
        a, b = s[lo, cols], s[hi, cols]
        out[k, cols] = a + (h - lo) * (b - a)
    return out


def _r(x: float, nd: int = 2) -> float | None:
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else round(float(x), nd)


def compare(
    table: CycleTable,
    area: str,
    peers: list[str],
    cfg: BenchConfig,
    *,
    named: bool,
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
    row = table.values.index.get_loc(area) if has_area else -1
    v = vals[row] if has_area else np.full(len(keys), np.nan)
    nn = table.n.to_numpy(float)[row, cols] if has_area else np.full(len(keys), np.nan)
    sup = table.suppressed.to_numpy(bool)[row, cols] if has_area else np.zeros(len(keys), bool)
    st = _stats(v, pm, cfg.min_peer_areas)
    measures = {}
    for j, k in enumerate(keys):
        measures[k] = {
            "mean": _r(v[j]),
            "n": None if np.isnan(nn[j]) else int(nn[j]),
            "suppressed": bool(sup[j]),
            "percentile": _r(st["pct"][j], 1),
            "peer": {
                "areas": int(st["n"][j]),
                "q1": _r(st["q1"][j]),
                "median": _r(st["median"][j]),
                "q3": _r(st["q3"][j]),
            }
            if st["enough"][j]
            else None,
            "peer_areas": int(st["n"][j]),
        }
    points = pd.DataFrame(columns=["label", "key", "value"])
    if with_points and peers:
        labels = peer_labels(table, peers, named=named)
        shown = [k for j, k in enumerate(keys) if st["enough"][j]]
        if shown:
            long = table.values.loc[peers, shown].rename(index=labels).rename_axis("label").reset_index()
            points = long.melt(id_vars="label", var_name="key", value_name="value").dropna(subset=["value"])
    notes = []
    if len(peers) < cfg.min_peer_areas:
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
        respondents=int(table.respondents.get(area, 0)) if has_area else None,
        notes=notes,
    )


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
            peer = m["peer"] or {}
            rows.append(
                {
                    "cycle": t.cycle,
                    "key": k,
                    "value": m["mean"],
                    "percentile": m["percentile"],
                    "peer_q1": peer.get("q1"),
                    "peer_median": peer.get("median"),
                    "peer_q3": peer.get("q3"),
                    "peer_areas": peer.get("areas"),
                }
            )
    df = pd.DataFrame(
        rows, columns=["cycle", "key", "value", "percentile", "peer_q1", "peer_median", "peer_q3", "peer_areas"]
    )
    df["change"] = df.groupby("key", sort=False)["value"].diff().round(2)
    return df


def area_view(
    table: CycleTable, tags: dict[str, dict], area: str, filters: dict[str, str], cfg: BenchConfig, *, named: bool
) -> View:
    """The area against the peers that match the filters (tag values, or `same` as the area's own)."""
    peers = peer_set(tags, area, filters)
    return compare(table, area, peers, cfg, named=named, described=describe_filters(filters))


def cards(view: View, hist: pd.DataFrame | None = None) -> list[dict]:
    """Headline cards (overall and each stage): percentile rank, change since the last cycle, value and peer median."""
    out = []
    for k in ["overall", *STAGE_KEYS]:
        m = view.measures[k]
        if m["suppressed"]:
            caption = f"fewer than {view.min_group_size} people: not shown"
        elif m["mean"] is None:
            caption = "no answers"
        elif m["peer"]:
            caption = f"{m['mean']:.2f} · peers' median {m['peer']['median']:.2f} ({m['peer']['areas']} areas)"
        else:
            caption = f"{m['mean']:.2f} · too few peers to compare"
        delta = None
        if hist is not None and not hist.empty:
            h = hist[(hist["key"] == k) & hist["change"].notna()]
            h = h[h["cycle"] == view.cycle]
            if not h.empty:
                prev = hist[(hist["key"] == k) & (hist["cycle"] < view.cycle)]["cycle"].max()
                delta = f"{h['change'].iloc[0]:+.2f} since {prev}"
        value = ordinal(m["percentile"])
        name = "Overall" if k == "overall" else key_label(k)
        out.append({"key": k, "label": name, "value": value, "delta": delta, "caption": caption})
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


# ---- every area at once (the command line) ---------------------------------------------------------------------


def benchmark(
    table: CycleTable,
    tags: dict[str, dict],
    cfg: BenchConfig,
    *,
    only: dict[str, str] | None = None,
    same: tuple[str, ...] = (),
    named: bool = True,
    previous: CycleTable | None = None,
) -> dict:
    """Every area of the cycle against its peers (contracts section 5 shape, and more).

    `only` keeps the areas with those tag values (listed and peers alike); `same` makes each area's peers the areas
    sharing its value of those tags. Names appear only when `named`; otherwise every area is 'Peer NN'.
    """
    pool = [a for a in table.areas if all(tags.get(a, {}).get(k) == v for k, v in (only or {}).items())]
    pool_tags = {a: tags.get(a, {}) for a in pool}
    labels = peer_labels(table, pool, named=named)
    out_areas = []
    for a in pool:
        peers = peer_set(pool_tags, a, dict.fromkeys(same, "same"))
        v = compare(table, a, peers, cfg, named=named, with_points=False)
        m = v.measures
        by_stage = {}
        for s in ids.STAGES:
            cell = _cell(m[f"stage:{s}"])
            cell["by_level"] = {lv: _cell(m[f"level:{s}:{lv}"]) for lv in ids.LEVELS}
            by_stage[s] = cell
        entry = {
            "area": labels[a],
            "respondents": v.respondents,
            "overall": m["overall"]["mean"],
            "percentile": m["overall"]["percentile"],
            "peer": m["overall"]["peer"],
            "peer_areas": m["overall"]["peer_areas"],
            "by_stage": by_stage,
            "twelve_cs": {c: _cell(m[f"c:{c}"]) for c in ids.C_IDS},
        }
        if named:
            entry["tags"] = tags.get(a, {})
        if previous is not None:
            before = previous.values["overall"].get(a, np.nan) if a in previous.values.index else np.nan
            now = m["overall"]["mean"]
            entry["change"] = {
                "from": previous.cycle,
                "overall": None if now is None or np.isnan(before) else round(now - float(before), 2),
            }
        out_areas.append(entry)
    out_areas.sort(key=lambda e: e["area"])
    peers_desc = describe_filters(only or {}) + (
        f"; each area's peers share its {', '.join(TAG_NAMES.get(k, k).lower() for k in same)}" if same else ""
    )
    return {
        "cycle": table.cycle,
        "named": named,
        "peers": peers_desc,
        "min_group_size": table.min_group_size,
        "min_peer_areas": cfg.min_peer_areas,
        "method": METHOD.format(min_peer=cfg.min_peer_areas, min_n=table.min_group_size),
        "areas": out_areas,
    }


def _cell(m: dict) -> dict:
    out = {"mean": m["mean"], "n": m["n"], "percentile": m["percentile"], "peer": m["peer"]}
    if m["suppressed"]:
        out["suppressed"] = True
    return out


# ---- exports ---------------------------------------------------------------------------------------------------


def view_table(view: View, cat: Catalogue | None = None) -> pd.DataFrame:
    """The comparison as a table: one row per measure."""
    rows = []
    for k, m in view.measures.items():
        peer = m["peer"] or {}
        rows.append(
            {
                "area": view.area,
                "cycle": view.cycle,
                "measure": key_label(k, cat),
                "key": k,
                "value": "suppressed" if m["suppressed"] else m["mean"],
                "respondents": m["n"],
                "percentile": m["percentile"],
                "peer_areas": peer.get("areas"),
                "peer_q1": peer.get("q1"),
                "peer_median": peer.get("median"),
                "peer_q3": peer.get("q3"),
                "peers": view.peers_described,
            }
        )
    return pd.DataFrame(rows)


def export_bytes(view: View, fmt: str, cat: Catalogue | None = None, hist: pd.DataFrame | None = None) -> bytes:
    """The comparison as CSV (one table) or XLSX (comparison, peers' values, history); text is formula-neutralised.

    Peers appear under their labels: anonymised unless the view was made for someone who may see names.
    """
    main = safe_frame(view_table(view, cat))
    if fmt == "csv":
        return main.to_csv(index=False, lineterminator="\r\n").encode("utf-8")
    if fmt != "xlsx":
        raise ValueError(f"unknown format {fmt!r}; use csv or xlsx")
    points = view.points.assign(measure=view.points["key"].map(lambda k: key_label(k, cat)))
    peers = safe_frame(points[["label", "measure", "key", "value"]].rename(columns={"label": "peer"}))
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        main.to_excel(xw, sheet_name="comparison", index=False)
        peers.to_excel(xw, sheet_name="peers", index=False)
        if hist is not None and not hist.empty:
            safe_frame(hist.assign(measure=hist["key"].map(lambda k: key_label(k, cat)))).to_excel(
                xw, sheet_name="over cycles", index=False
            )
    return buf.getvalue()
