"""Suggested interventions: ranked by how weak the results they target are, with the reasons, diversified."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from toolkit.analysis.config import Config
from toolkit.analysis.results import AreaAnalysis, Cell
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue
from toolkit.core.schema import EVIDENCE_GRADES, Intervention
from toolkit.interventions.suggestion import Suggestion

LEVEL3 = ("low", "medium", "high")
# How much each lens on the results counts towards an intervention's relevance.
KIND_WEIGHTS = {"cell": 1.0, "item": 1.0, "node": 0.8, "c": 0.6, "agency": 0.6}
BOOST, HOLD_BACK = 1.25, 0.5  # journey-priority stage; stages the journey has not reached
DIVERSITY = 0.5  # how hard an overlap with an already chosen suggestion pulls a candidate down
MIN_EVIDENCE = 0.1  # a candidate needs one matched result at least this far below the threshold
AGENCY_MARGIN = 0.25  # an agency counts only as far as it falls more than this below everyone's mean
RELATIVE_MARGIN = 0.5  # in an area with nothing below the threshold: how far below the median "clearly weakest" is
MIN_SHARE = 0.1  # candidates with less than this share of the best relevance are left out, not listed as filler
HANDFUL = 3  # at most this many suggestions when nothing is below the threshold
# Stronger evidence ranks a little higher among equally relevant ideas: 1.0 for the one trial down to 0.72 for an
# untested workshop idea. Mild on purpose: no source's evidence is strong enough to outweigh what the results say.
GRADE_WEIGHTS = {g: round(1.0 - 0.04 * k, 2) for k, g in enumerate(EVIDENCE_GRADES)}
DEFAULTS = Config()
STRONG = DEFAULTS.strong_threshold  # "strong" in the Theory of Change health


@dataclass(frozen=True)
class Signal:
    """One result of the analysis (a cell, agency cell, C, ToC node or item) and how far it falls short."""

    kind: str
    key: tuple
    mean: float
    n: int | None
    weakness: float
    text: str


def _reliability(n: int | None) -> float:
    return 1.0 if not n else n / (n + 2)


def _cell_text(level: str, stage: str, c: Cell, lowest: bool) -> str:
    tail = ", the lowest cell" if lowest else ""
    return f"{ids.LEVEL_NAMES.get(level, level)} {ids.STAGE_NAMES[stage]} {c.mean:.1f} (n={c.n}){tail}"


def _raw_signals(analysis: AreaAnalysis, cat: Catalogue) -> list[tuple]:
    """Every non-suppressed result as (kind, key, mean, n, text, cap on its weakness); suppressed ones never appear."""
    opm = analysis.opm
    out = []
    cells = [(st, lv, c, c.mean) for st, by in opm.by_stage_level.items() for lv, c in by.items() if c.mean is not None]
    low = min((m for _, _, _, m in cells), default=None)
    for st, lv, c, m in cells:
        out.append(("cell", (st, lv), m, c.n, _cell_text(lv, st, c, m == low), None))
    for st, by in opm.by_stage_agency.items():
        everyone = opm.by_stage.get(st, Cell())
        ref = everyone.plain_mean if everyone.plain_mean is not None else everyone.mean
        for ag, c in by.items():
            if c.mean is not None and ref is not None:
                # An agency counts only as far as it falls below everyone's mean: the stage's own weakness is in the cells.
                name, gap = ids.AGENCY_NAMES.get(ag, ag), ref - c.mean
                text = f"{name} at {ids.STAGE_NAMES[st]} {c.mean:.1f} (n={c.n}) against {ref:.1f} for everyone"
                out.append(("agency", (st, ag), c.mean, c.n, text, gap - AGENCY_MARGIN))
    for cid, c in analysis.twelve_cs.items():
        if c.mean is not None:
            name = cat.constructs[cid].name if cid in cat.constructs else cid
            out.append(("c", (cid,), c.mean, c.n, f"12 C's: {name} {c.mean:.1f} (n={c.n})", None))
    for node in analysis.toc.nodes:
        if node.score is not None:
            label = node.label or (cat.nodes[node.id].label if node.id in cat.nodes else node.id)
            out.append(
                ("node", (node.id,), node.score, None, f"Theory of Change: '{label}' is weak ({node.score:.1f})", None)
            )
    for it in analysis.items:
        if it.mean is not None:
            out.append(
                ("item", (it.framework, it.item), it.mean, it.n, f"item '{it.text}' {it.mean:.1f} (n={it.n})", None)
            )
    return out


def signals(raw: list[tuple], threshold: float) -> tuple[list[Signal], bool]:
    """The weak results, and whether they are weak in absolute terms (below the threshold) or only the weakest.

    When nothing is below the threshold, the results clearly below the area's own median (and short of strong)
    stand in, with a small weakness, so a strong area gets a handful of suggestions at most.
    """

    def short(gap: float, cap: float | None) -> float:
        return round(gap if cap is None else min(gap, cap), 4)

    weak = [Signal(k, key, m, n, short(threshold - m, cap), t) for k, key, m, n, t, cap in raw]
    weak = [s for s in weak if s.weakness > 0]
    if weak:
        return weak, True
    item_means = [r[2] for r in raw if r[0] == "item"] or [r[2] for r in raw]
    if not item_means:
        return [], True
    ref = median(item_means)
    out = []
    for k, key, m, n, t, cap in raw:
        w = short(ref - RELATIVE_MARGIN - m + 0.1, cap)  # 0.1 at the margin, more below it
        if m < STRONG and w > 0:
            t = t.replace(" is weak (", " (") if k == "node" else t
            out.append(Signal(k, key, m, n, w, f"{t}, among the area's weakest (median {ref:.1f})"))
    return out, False


@dataclass(frozen=True)
class _Target:
    """An intervention's targets as sets, levels and stages widened to all when the library leaves them open."""

    stages: frozenset
    levels: frozenset
    cs: frozenset
    nodes: frozenset
    agencies: frozenset

    @classmethod
    def of(cls, iv: Intervention) -> _Target:
        return cls(
            frozenset(iv.stages or ids.STAGES),
            frozenset(iv.levels or ids.LEVELS),
            frozenset(iv.cs),
            frozenset(iv.toc_nodes),
            frozenset(iv.agencies),
        )


class _Matcher:
    """How strongly each result bears on an intervention (0 to 1), via tags and the items behind a cell."""

    def __init__(self, analysis: AreaAnalysis, cat: Catalogue):
        self.items = {(fw.id, it.id): it for fw in cat.rated for it in fw.items}
        means = {(i.framework, i.item): i.mean for i in analysis.items}
        self.cell_items: dict[tuple, list[tuple]] = {}
        for fw in cat.rated:
            for it in fw.items:
                if it.stage and it.level:
                    m = means.get((fw.id, it.id))
                    w = 0.5 if m is None else max(0.25, STRONG - m)
                    self.cell_items.setdefault((it.stage, it.level), []).append((it, w))

    def _item(self, it, t: _Target) -> float:
        shared = set(it.toc_nodes) & t.nodes
        if shared:
            return 0.5 + 0.5 * len(shared) / len(it.toc_nodes)
        in_scope = it.stage is None or (it.stage in t.stages and (it.level is None or it.level in t.levels))
        return 0.3 if in_scope and set(it.cs) & t.cs else 0.0

    def match(self, kind: str, key: tuple, t: _Target) -> tuple[float, float]:
        """(strength of the link, its weight in the intervention's breadth); (0, 0) when unrelated."""
        if kind == "cell":
            st, lv = key
            if st not in t.stages or lv not in t.levels:
                return 0.0, 0.0
            profile = self.cell_items.get(key, [])
            total = sum(w for _, w in profile)
            overlap = sum(w * self._item(it, t) for it, w in profile) / total if total else 0.0
            return round(0.2 + 0.8 * overlap, 4), 1.0
        if kind == "agency":
            m = 1.0 if key[0] in t.stages and key[1] in t.agencies else 0.0
        elif kind == "c":
            m = 1.0 if key[0] in t.cs else 0.0
        elif kind == "node":
            m = 1.0 if key[0] in t.nodes else 0.0
        else:
            it = self.items.get(key)
            m = self._item(it, t) if it is not None else 0.0
        return m, m * m


def _relevance(t: _Target, weak: list[Signal], every: list[tuple[str, tuple]], matcher: _Matcher):
    """(relevance, evidence as [(contribution, signal)], strongest first) of one intervention.

    Per kind of result, a cosine between the area's weaknesses and the intervention's targets, scaled by how weak
    they are: at most the mean weakness, reached by an intervention aimed at all of the weak results and nothing else.
    """
    weakness = {(s.kind, s.key): s for s in weak}
    n_weak = {k: sum(s.kind == k for s in weak) for k in KIND_WEIGHTS}
    total, evidence = 0.0, []
    for kind, weight in KIND_WEIGHTS.items():
        hits, breadth = 0.0, 0.0
        for k, key in every:
            if k != kind:
                continue
            m, b = matcher.match(kind, key, t)
            if m <= 0:
                continue
            breadth += b
            s = weakness.get((kind, key))
            if s is not None:
                e = s.weakness * m * _reliability(s.n)
                hits += e
                evidence.append((e, s))
        if hits:
            total += weight * hits / (breadth * n_weak[kind]) ** 0.5
    evidence.sort(key=lambda x: (-x[0], x[1].mean, x[1].text))
    return total, evidence


def _agency_reach(iv: Intervention, analysis: AreaAnalysis, evidence: list) -> float:
    """An intervention for named agencies only reaches their staff: discounted when no agency of it stands out as weak."""
    if not iv.agencies or any(s.kind == "agency" for _, s in evidence):
        return 1.0
    counts: dict[str, int] = {}
    for by in analysis.opm.by_stage_agency.values():
        for ag, c in by.items():
            counts[ag] = max(counts.get(ag, 0), c.n or 0)
    total = sum(counts.values())
    share = sum(n for ag, n in counts.items() if ag in iv.agencies) / total if total else 1.0
    return 0.6 + 0.4 * share


def _stage_factor(t: _Target, iv: Intervention, analysis: AreaAnalysis) -> tuple[float, str]:
    """Boost for the journey-priority stage, hold back when every stage it targets comes after it."""
    opm = analysis.opm
    p = opm.priority_stage
    if p is None or not iv.stages:
        return 1.0, ""
    pm = opm.by_stage.get(p, Cell())
    at = f" ({pm.mean:.1f} overall, n={pm.n})" if pm.mean is not None else ""
    if p in t.stages:
        return BOOST, f"works on {ids.STAGE_NAMES[p]}, the journey priority{at}"
    k = ids.STAGES.index(p)
    if all(ids.STAGES.index(s) > k for s in iv.stages):
        later = []
        for s in iv.stages:
            m = opm.by_stage.get(s, Cell()).mean
            later.append(f"{ids.STAGE_NAMES[s]} {m:.1f}" if m is not None else ids.STAGE_NAMES[s])
        return HOLD_BACK, (
            f"held back: it works on {', '.join(later)}, after the journey priority {ids.STAGE_NAMES[p]}{at}"
        )
    return 1.0, ""


def _reasons(evidence: list[tuple[float, Signal]], limit: int = 5) -> list[str]:
    """The results that most drive a suggestion: the strongest of each kind, then a second node, item or cell."""
    chosen: list[Signal] = []
    for _, sig in evidence:
        if sig.kind not in {c.kind for c in chosen}:
            chosen.append(sig)
    for kind in ("node", "item", "cell"):
        extra = [sig for _, sig in evidence if sig.kind == kind and sig not in chosen]
        if extra and len(chosen) < limit:
            chosen.append(extra[0])
    rank = {sig: k for k, (_, sig) in enumerate(evidence)}
    return [sig.text for sig in sorted(chosen[:limit], key=rank.__getitem__)]


def _similarity(a: dict, b: dict) -> float:
    """Overlap of two candidates: the weak results behind them (weighted) and the nodes and C's they target."""
    ea, eb = a["_ev"], b["_ev"]
    keys = set(ea) | set(eb)
    num = sum(min(ea.get(k, 0.0), eb.get(k, 0.0)) for k in keys)
    den = sum(max(ea.get(k, 0.0), eb.get(k, 0.0)) for k in keys)
    ta, tb = a["_targets"], b["_targets"]
    jt = len(ta & tb) / len(ta | tb) if ta | tb else 0.0
    return 0.5 * (num / den if den else 0.0) + 0.5 * jt


def diversify(candidates: list[dict], top: int | None) -> list[dict]:
    """Greedy MMR-style pick: each step takes the best relevance discounted by overlap with those already chosen."""
    pool = {c["id"]: c for c in candidates}
    overlap = dict.fromkeys(pool, 0.0)
    chosen: list[dict] = []
    while pool and (top is None or len(chosen) < top):
        best = min(pool.values(), key=lambda c: (-c["relevance"] * (1 - DIVERSITY * overlap[c["id"]]), c["id"]))
        del pool[best["id"]]
        sim = overlap[best["id"]]
        chosen.append({**best, "score": round(best["relevance"] * (1 - DIVERSITY * sim), 3), "overlap": round(sim, 2)})
        for c in pool.values():
            overlap[c["id"]] = max(overlap[c["id"]], _similarity(c, best))
    return chosen


def _check(value, allowed, what: str) -> None:
    if value is not None and value not in allowed:
        raise ValueError(f"{what} must be one of {', '.join(allowed)}, not {value!r}")


def _keep(iv: Intervention, agency, level, max_effort, max_cost) -> bool:
    """The filters: an agency or level that would deliver it (open lists admit any), and effort/cost where given."""
    if agency and iv.agencies and agency not in iv.agencies:
        return False
    if level and iv.levels and level not in iv.levels:
        return False
    if max_effort and iv.effort and LEVEL3.index(iv.effort) > LEVEL3.index(max_effort):
        return False
    return not (max_cost and iv.cost and LEVEL3.index(iv.cost) > LEVEL3.index(max_cost))


# The library fields a suggestion carries: all but the 12 C's recommendation it may come from.
_CARRIED = set(Intervention.model_fields) - {"recommendation"}


def suggest(
    analysis: AreaAnalysis,
    cat: Catalogue,
    *,
    top: int | None = None,
    agency: str | None = None,
    level: str | None = None,
    max_effort: str | None = None,
    max_cost: str | None = None,
    threshold: float | None = None,
) -> list[Suggestion]:
    """Interventions ranked by how weak the results they target are, each with its reasons; never padded."""
    _check(agency, ids.AGENCIES, "agency")
    _check(level, ids.LEVELS, "level")
    _check(max_effort, LEVEL3, "max_effort")
    _check(max_cost, LEVEL3, "max_cost")
    if threshold is None:
        detail = analysis.opm.priority_detail
        threshold = detail.threshold if detail else DEFAULTS.priority_threshold
    raw = _raw_signals(analysis, cat)
    weak, absolute = signals(raw, threshold)
    if not weak or top == 0:
        return []
    every = [(r[0], r[1]) for r in raw]
    matcher = _Matcher(analysis, cat)
    candidates = []
    for iv in cat.interventions:
        if not _keep(iv, agency, level, max_effort, max_cost):
            continue
        t = _Target.of(iv)
        rel, evidence = _relevance(t, weak, every, matcher)
        if not evidence or evidence[0][0] < MIN_EVIDENCE * (1 if absolute else 0.5):
            continue
        factor, stage_note = _stage_factor(t, iv, analysis)
        reach = _agency_reach(iv, analysis, evidence)
        reasons = _reasons(evidence) + ([stage_note] if stage_note else [])
        candidates.append(
            {
                **iv.model_dump(include=_CARRIED),
                "relevance": round(rel * factor * reach * GRADE_WEIGHTS[iv.evidence_grade], 3),
                "reasons": reasons,
                "agency_reach": round(reach, 2),
                "stage_factor": factor,
                "basis": "below_threshold" if absolute else "weakest_in_area",
                "_ev": {(s.kind, s.key): e for e, s in evidence},
                "_targets": {f"node:{n}" for n in t.nodes} | {f"c:{c}" for c in t.cs},
            }
        )
    best = max((c["relevance"] for c in candidates), default=0.0)
    candidates = sorted(
        (c for c in candidates if c["relevance"] >= MIN_SHARE * best), key=lambda c: (-c["relevance"], c["id"])
    )
    limit = top if absolute else min(top or HANDFUL, HANDFUL)
    return [
        Suggestion.model_validate({k: v for k, v in c.items() if not k.startswith("_")})
        for c in diversify(candidates, limit)
    ]


def render_text(found: list[Suggestion], analysis: AreaAnalysis) -> str:
    """A readable ranked list of suggestions with their reasons (for the command line and Markdown)."""
    stage = analysis.opm.priority_stage
    head = f"{analysis.area}, cycle {analysis.cycle}: "
    head += f"journey priority {ids.STAGE_NAMES[stage]}" if stage else "no journey priority yet"
    if not found:
        return head + "\n\nNo intervention is suggested: nothing the library targets is weak enough to act on."
    lines = [head, ""]
    if found[0].basis == "weakest_in_area":
        lines += ["Nothing is below the threshold; these work on the area's weakest results only.", ""]
    for k, s in enumerate(found, 1):
        extra = ", ".join(f"{w} {v}" for w, v in (("effort", s.effort), ("cost", s.cost)) if v)
        extra += " (toolkit's judgement)" if extra and s.effort_cost_basis == "toolkit_judgement" else ""
        lines.append(f"{k:2}. {s.title}  [{s.id}; score {s.score:.2f}; {s.origin}{'; ' + extra if extra else ''}]")
        lines.append(f"      Evidence: {EVIDENCE_GRADES[s.evidence_grade]}")
        lines += [f"      - {r}" for r in s.reasons]
    return "\n".join(lines)
