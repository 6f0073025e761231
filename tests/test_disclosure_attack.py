"""Disclosure control proven by an attacker (issue 14): every number the toolkit shows a non-raw viewer, solved.

For crafted partnerships (the issue's attacks) and random ones, the attacker collects every number published for
an area and cycle: the whole `analyse --json` dump (walked generically: a published number the attacker does not
read fails the test, so a new field must be taught here), the report's respondent table, and the area's benchmark.
The attacker knows the worst: who is in which agency and level and who answered what (not the answers). A figure
is read as a sum over the respondents it stands on, found from its n as the one union of agency x level cells of
that size. Bounded linear programmes over every answer (scores between the scale's ends; within the range a
published distribution shows) then bound each small group's and each respondent's mean. None may be pinned to
within ±0.25 of its true mean, unless one published figure on its own already pins it (a group of at least the
threshold that answered as one, or at the end of the range its distribution shows: the figure says so of every
member, nothing is subtracted), or the bound is no tighter than what each answer in it is told on its own by such
figures (`told_answer_by_answer`, case C).
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from toolkit.analysis.area import analyse
from toolkit.analysis.benchmark.peers import BenchConfig
from toolkit.analysis.benchmark.table import cycle_table
from toolkit.analysis.benchmark.view import compare
from toolkit.analysis.config import Config
from toolkit.capture.ratings_import import import_table
from toolkit.core import ids
from toolkit.reports.cells import respondents_table

MIN_N = 3
SLACK = 0.25
OPM = {
    "consider": ["consider_strategic_shared_aims", "consider_strategic_joint_responsibility"],
    "create": ["create_strategic_broad_consultation", "create_strategic_attend_in_person"],
    "communicate": ["communicate_strategic_two_way_with_subgroups", "communicate_strategic_open_discussion"],
    "commit": ["commit_strategic_training_investment", "commit_strategic_shared_space"],
}
TWELVE = {
    "c01_clarity": ["c01_threshold_document", "c01_thresholds_match_neighbours"],
    "c02_confidence": ["c02_consultation_before_referral", "c02_referral_outcome_feedback"],
}
GROUP = "practitioners_agencies"
ITEMS = [("opm", i) for v in OPM.values() for i in v] + [("twelve_cs", i) for v in TWELVE.values() for i in v]
MEASURES: dict[tuple[str, str], list[tuple[str, str]]] = {
    **{("stage", s): [("opm", i) for i in v] for s, v in OPM.items()},
    **{("c", c): [("twelve_cs", i) for i in v] for c, v in TWELVE.items()},
    ("c_group", GROUP): [("twelve_cs", i) for v in TWELVE.values() for i in v],
    **{("item", i): [(fw, i)] for fw, i in ITEMS},
}
# Numbers that are not means or sums the attacker can use linearly: counts, thresholds, spreads, tests, copies of
# an item's figure (disagreement, Theory of Change), and differences the attacker rebuilds from their two sides.
IGNORED = [
    r"^/min_group_size$",
    r"^/respondents$",
    r"^/dont_know$",
    r"^/respondents_by_agency_level\[\d+\]/n$",
    r"^/items\[\d+\]/(dont_know|sd|polarisation)$",
    r"^/disagreement\[\d+\]/",
    r"^/gaps\[\d+\]/(p|q|n_a|n_b|cliffs_delta)$",  # cliffs_delta: a rank statistic of two shown groups, as p
    r"^/toc/",
    r"^/opm/priority_detail/threshold$",
    r"^/change/measures\[\d+\]/(n_before|n_after|difference|ci_low|ci_high|p|q)$",  # p, q: tests, as for gaps
    r"/n$",
]


class Partnership:
    """Respondents (pseudonym -> agency, level) of one or two cycles and their answers (None: don't know)."""

    def __init__(self, people: dict[str, tuple[str, str]], answers: dict[tuple[str, str, str], int | None]):
        self.people = people
        self.answers = answers  # (respondent, framework, item) -> score; absent: skipped

    def rows(self, area: str, cycle: str) -> pd.DataFrame:
        out = [
            {
                "area": area,
                "cycle": cycle,
                "respondent": p,
                "agency": self.people[p][0],
                "level": self.people[p][1],
                "framework": fw,
                "item": it,
                "score": "" if v is None else str(v),
                "comment": "",
            }
            for (p, fw, it), v in self.answers.items()
        ]
        return pd.DataFrame(out)


class Attacker:
    """Every answer is a variable; published figures are linear constraints; bounds come from the scale."""

    def __init__(self) -> None:
        self.index: dict[tuple[str, str, str, str], int] = {}
        self.truth: list[float] = []
        self.lo: list[float] = []
        self.hi: list[float] = []
        self.ub: list[tuple[dict[int, float], float]] = []
        self.eq: list[tuple[dict[int, float], float]] = []
        self.read = 0
        self.labels: list[str] = []
        # each published figure on its own, with the range it shows of the answers it stands on (a distribution)
        self.figs: list[tuple[dict[int, float], float, float, dict[int, tuple[float, float]]]] = []
        self.label = ""

    def add_cycle(self, tag: str, p: Partnership, same_as: dict[str, str] | None = None) -> None:
        """The answers of one cycle; `same_as` maps a respondent to an earlier cycle's record it repeats."""
        for (r, fw, it), v in p.answers.items():
            if v is None:
                continue
            if same_as and r in same_as:
                self.index[(tag, r, fw, it)] = self.index[(same_as[r][0], same_as[r][1], fw, it)]
                continue
            self.index[(tag, r, fw, it)] = len(self.truth)
            self.truth.append(float(v))
            self.lo.append(1.0)
            self.hi.append(5.0)

    def score(self, tag: str, p: Partnership, r: str, measure: tuple[str, str]) -> dict[int, float]:
        """A respondent's score on a measure as weights on answers: the mean of the statements they rated."""
        vs = [self.index[k] for fw, it in MEASURES[measure] if (k := (tag, r, fw, it)) in self.index]
        return {v: 1 / len(vs) for v in vs}

    def candidates(self, tag: str, p: Partnership, measure: tuple[str, str], level=None, agency=None) -> list[str]:
        return [
            r
            for r, (a, lv) in p.people.items()
            if self.score(tag, p, r, measure) and level in (None, lv) and agency in (None, a)
        ]

    @staticmethod
    def infer(p: Partnership, cands: list[str], n: int | None) -> list[str] | None:
        """The respondents a figure over n of the candidates stands on: the one union of whole cells of that size."""
        if n is None or n <= 0:
            return None
        cells: dict[tuple[str, str], list[str]] = {}
        for r in cands:
            cells.setdefault(p.people[r], []).append(r)
        groups = list(cells.values())
        fits = [
            list(itertools.chain.from_iterable(combo))
            for k in range(1, len(groups) + 1)
            for combo in itertools.combinations(groups, k)
            if sum(len(g) for g in combo) == n
        ]
        return fits[0] if len(fits) == 1 else None

    def mean_of(self, tag, p, who, measure) -> dict[int, float]:
        w: dict[int, float] = {}
        for r in who:
            for v, x in self.score(tag, p, r, measure).items():
                w[v] = w.get(v, 0.0) + x / len(who)
        return w

    def add(self, w: dict[int, float], value: float, digits: int = 2) -> None:
        """sum(w x) equals value rounded to `digits`."""
        half = 0.5 * 10**-digits + 1e-9
        self.ub.append((w, value + half))
        self.ub.append(({k: -x for k, x in w.items()}, -(value - half)))
        self.labels += [f"{self.label} <= {value}", f"{self.label} >= {value}"]
        self.figs.append((w, value - half, value + half, {}))
        self.read += 1

    def add_mean(self, tag, p, who, measure, mean) -> None:
        if who and mean is not None:
            self.add(self.mean_of(tag, p, who, measure), mean)

    def add_balanced(self, tag, p, level_sets: list[list[str]], measure, mean) -> None:
        if mean is None or not level_sets or any(not s for s in level_sets):
            return
        w: dict[int, float] = {}
        for who in level_sets:
            for v, x in self.mean_of(tag, p, who, measure).items():
                w[v] = w.get(v, 0.0) + x / len(level_sets)
        self.add(w, mean)

    def bounds(self, w: dict[int, float], box_only: bool = False) -> tuple[float, float]:
        """The least and greatest value of sum(w x) the published figures allow (or the ranges alone)."""
        if box_only:
            return float(sum(x * (self.lo[k] if x > 0 else self.hi[k]) for k, x in w.items())), float(
                sum(x * (self.hi[k] if x > 0 else self.lo[k]) for k, x in w.items())
            )
        n = len(self.truth)
        c = np.zeros(n)
        for k, x in w.items():
            c[k] = x
        kw = self._programme()
        lo = linprog(c, **kw)
        hi = linprog(-c, **kw)
        assert lo.status == 0 and hi.status == 0, f"the figures must fit the truth: {self.violated()}"
        return float(lo.fun), float(-hi.fun)

    def violated(self) -> list[str]:
        """The constraints the true answers break (a misreading of a figure, never a fact)."""
        t = self.truth
        bad = [
            lab
            for (w, b), lab in zip(self.ub, self.labels, strict=True)
            if sum(t[k] * x for k, x in w.items()) > b + 1e-7
        ]
        bad += [f"eq {b}" for w, b in self.eq if abs(sum(t[k] * x for k, x in w.items()) - b) > 1e-7]
        bad += [f"box {k}" for k, v in enumerate(t) if not self.lo[k] <= v <= self.hi[k]]
        return bad

    def one_figure_pins(self, w: dict[int, float], true: float) -> bool:
        """Whether a single published figure (with the ranges) already pins sum(w x): a group answering as one."""
        n = len(self.truth)
        c = np.zeros(n)
        for k, x in w.items():
            c[k] = x
        for fw, lo, hi, shows in self.figs:
            if not set(fw) & set(w):
                continue
            # the scale's ends, narrowed only where this figure itself shows a range (another statement's
            # distribution narrowing an answer is a second figure: combined, they are a subtraction)
            box = [shows.get(k, (1.0, 5.0)) for k in range(n)]
            row = np.zeros((1, n))
            for k, x in fw.items():
                row[0, k] += x
            kw: dict[str, Any] = {"bounds": box, "method": "highs", "A_ub": np.vstack([row, -row]), "b_ub": [hi, -lo]}
            a, b = linprog(c, **kw), linprog(-c, **kw)
            if a.status == 0 and b.status == 0 and true - a.fun <= SLACK and -b.fun - true <= SLACK:
                return True
        return False

    def _programme(self) -> dict[str, Any]:
        key = (len(self.truth), len(self.ub), len(self.eq))
        if getattr(self, "_key", None) == key:
            return self._kw
        n = len(self.truth)
        box = list(zip(self.lo, self.hi, strict=True))
        a_ub = np.zeros((len(self.ub), n))
        for j, (row, _) in enumerate(self.ub):
            for k, x in row.items():
                a_ub[j, k] += x
        b_ub = np.array([b for _, b in self.ub])
        a_eq = np.zeros((len(self.eq), n))
        for j, (row, _) in enumerate(self.eq):
            for k, x in row.items():
                a_eq[j, k] += x
        b_eq = np.array([b for _, b in self.eq])
        kw: dict[str, Any] = {"bounds": box, "method": "highs"}
        if len(self.ub):
            kw |= {"A_ub": a_ub, "b_ub": b_ub}
        if len(self.eq):
            kw |= {"A_eq": a_eq, "b_eq": b_eq}
        self._key, self._kw = key, kw
        return kw


def leaves(doc: Any, path: str = "") -> Iterator[tuple[str, float]]:
    """Every numeric leaf of a JSON document with its path (booleans are not numbers here)."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from leaves(v, f"{path}/{k}")
    elif isinstance(doc, list):
        for k, v in enumerate(doc):
            yield from leaves(v, f"{path}[{k}]")
    elif isinstance(doc, int | float) and not isinstance(doc, bool):
        yield path, float(doc)


def read_analysis(att: Attacker, tag: str, p: Partnership, doc: dict, prev: tuple[str, Partnership] | None) -> None:
    """Every number of an `analyse --json` dump as constraints; fails on a number it does not know how to read."""
    used: set[str] = set()

    def use(path: str) -> None:
        used.add(path)
        att.label = path

    def cell_sets(measure, cells: dict[str, dict], by: str) -> dict[str, list[str] | None]:
        return {g: att.infer(p, att.candidates(tag, p, measure, **{by: g}), c.get("n")) for g, c in cells.items()}

    def headline(measure, cell: dict, path: str, level_cells: dict[str, dict] | None) -> None:
        who = att.infer(p, att.candidates(tag, p, measure), cell.get("n"))
        if who is None:
            return
        use(f"{path}/plain_mean")
        att.add_mean(tag, p, who, measure, cell.get("plain_mean"))
        if level_cells is not None:  # over the levels the breakdown shows
            shown = [lv for lv, c in level_cells.items() if c.get("mean") is not None]
            sets = [att.infer(p, att.candidates(tag, p, measure, level=lv), level_cells[lv]["n"]) for lv in shown]
        else:  # over the levels it stands on, when each is big enough to be shown
            by_level = [[r for r in who if p.people[r][1] == lv] for lv in ids.LEVELS]
            sets = [s for s in by_level if s]
            if any(len(s) < MIN_N for s in sets):
                return  # which levels it weighs is not published: the attacker does not guess
        if not sets:
            sets = [who]
        if all(s is not None for s in sets):
            use(f"{path}/mean")
            att.add_balanced(tag, p, sets, measure, cell.get("mean"))

    def breakdown(measure, cells: dict[str, dict], by: str, path: str) -> None:
        for g, who in cell_sets(measure, cells, by).items():
            if who is not None:
                use(f"{path}/{g}/mean")
                att.add_mean(tag, p, who, measure, cells[g].get("mean"))

    opm = doc["opm"]
    for s in ids.STAGES:
        m = ("stage", s)
        headline(m, opm["by_stage"][s], f"/opm/by_stage/{s}", opm["by_stage_level"][s])
        breakdown(m, opm["by_stage_level"][s], "level", f"/opm/by_stage_level/{s}")
        breakdown(m, opm["by_stage_agency"][s], "agency", f"/opm/by_stage_agency/{s}")
    for c in ids.C_IDS:
        if ("c", c) in MEASURES:
            headline(("c", c), doc["twelve_cs"][c], f"/twelve_cs/{c}", doc["twelve_cs_by_level"][c])
            breakdown(("c", c), doc["twelve_cs_by_level"][c], "level", f"/twelve_cs_by_level/{c}")
    headline(("c_group", GROUP), doc["twelve_cs_groups"][GROUP], f"/twelve_cs_groups/{GROUP}", None)
    for k, it in enumerate(doc["items"]):
        m = ("item", it["item"])
        if m not in MEASURES or it.get("n") in (None, 0):
            continue
        headline(m, it, f"/items[{k}]", None)
        who = att.infer(p, att.candidates(tag, p, m), it["n"])
        if who is not None and it.get("distribution"):
            counts = {int(v): c for v, c in it["distribution"].items()}
            keys = [att.index[(tag, r, it["framework"], it["item"])] for r in who]
            total = float(sum(v * c for v, c in counts.items()))
            att.eq.append(({v: 1.0 for v in keys}, total))
            have = [v for v, c in counts.items() if c]
            att.figs.append(({v: 1.0 for v in keys}, total, total, {v: (min(have), max(have)) for v in keys}))
            for v in keys:  # everyone it stands on answered within the range it shows
                att.lo[v], att.hi[v] = max(att.lo[v], min(have)), min(att.hi[v], max(have))
            used.update(f"/items[{k}]/distribution/{v}" for v in it["distribution"])
    for k, g in enumerate(doc["gaps"]):
        measure = ("stage", g["stage"]) if g["stage"] else ("c", g["c"]) if g["c"] else ("item", g["item"])
        if measure not in MEASURES:
            continue
        a, b = g["between"]
        if g["kind"] == "level":
            sa = att.infer(p, att.candidates(tag, p, measure, level=a), g["n_a"])
            sb = att.infer(p, att.candidates(tag, p, measure, level=b), g["n_b"])
        elif b != "others":  # agency against agency (issue 17)
            sa = att.infer(p, att.candidates(tag, p, measure, agency=a), g["n_a"])
            sb = att.infer(p, att.candidates(tag, p, measure, agency=b), g["n_b"])
        else:
            sa = att.infer(p, att.candidates(tag, p, measure, agency=a), g["n_a"])
            rest = [r for r in att.candidates(tag, p, measure) if r not in (sa or [])]
            sb = att.infer(p, rest, g["n_b"]) if sa is not None else None
        if sa is not None and sb is not None:
            att.label = f"/gaps[{k}]"
            att.add_mean(tag, p, sa, measure, g["mean_a"])
            att.add_mean(tag, p, sb, measure, g["mean_b"])
            wa, wb = att.mean_of(tag, p, sa, measure), att.mean_of(tag, p, sb, measure)
            att.add({v: wa.get(v, 0) - wb.get(v, 0) for v in set(wa) | set(wb)}, g["difference"])
            used.update(f"/gaps[{k}]/{x}" for x in ("mean_a", "mean_b", "difference"))
    if doc.get("change") and prev is not None:
        ptag, pp = prev
        for k, ch in enumerate(doc["change"]["measures"]):
            measure = (ch["kind"], ch["measure"])
            if measure not in MEASURES:
                continue
            sb = att.infer(pp, att.candidates(ptag, pp, measure), ch["n_before"])
            sa = att.infer(p, att.candidates(tag, p, measure), ch["n_after"])
            # before/after are each cycle's published headline (level-balanced), read with that cycle's headline;
            # plain_before/plain_after are the plain means over the same people: exact constraints
            if sb is not None:
                use(f"/change/measures[{k}]/plain_before")
                att.add_mean(ptag, pp, sb, measure, ch["plain_before"])
            if sa is not None:
                use(f"/change/measures[{k}]/plain_after")
                att.add_mean(tag, p, sa, measure, ch["plain_after"])
    for path, _ in leaves(doc):
        if path in used or any(re.search(rx, path) for rx in IGNORED):
            continue
        # a number the attacker could not read must be one it could not place (its n fits no union of cells)
        assert re.search(
            r"/(mean|plain_mean|(plain_)?before|(plain_)?after|mean_a|mean_b|difference|distribution/\d+)$", path
        ), f"a published number the attacker does not read: {path}"


def read_benchmark(att: Attacker, tag: str, p: Partnership, measures: dict[str, Any]) -> None:
    """The area's own row of the benchmark: stage and C values, and each stage's levels."""
    att.label = f"benchmark {tag}"
    for s in ids.STAGES:
        m = ("stage", s)
        levels = {lv: measures[f"level:{s}:{lv}"] for lv in ids.LEVELS}
        sets = []
        for lv, c in levels.items():
            if c.mean is not None:
                who = att.infer(p, att.candidates(tag, p, m, level=lv), c.n)
                if who is not None:
                    att.add_mean(tag, p, who, m, c.mean)
                sets.append(who)
        head = measures[f"stage:{s}"]
        if sets and all(x is not None for x in sets):
            att.add_balanced(tag, p, sets, m, head.mean)
    for c in TWELVE:
        head = measures[f"c:{c}"]
        who = att.infer(p, att.candidates(tag, p, ("c", c)), head.n)
        if who is not None:
            by_level = [s for lv in ids.LEVELS if (s := [r for r in who if p.people[r][1] == lv])]
            if all(len(s) >= MIN_N for s in by_level):
                att.add_balanced(tag, p, by_level, ("c", c), head.mean)


def assert_nothing_pinned(att: Attacker, tag: str, p: Partnership) -> list[str]:
    """Every group under MIN_N (agency x level, level, agency) and every respondent, on every measure."""
    groups: dict[str, list[str]] = {}
    for r, (a, lv) in p.people.items():
        groups.setdefault(f"{lv}", []).append(r)
        groups.setdefault(f"{a}", []).append(r)
        groups.setdefault(f"{a}/{lv}", []).append(r)
        groups[f"respondent {r}"] = [r]
    pinned = []
    for name, members in groups.items():
        for measure in MEASURES:
            who = [r for r in members if att.score(tag, p, r, measure)]
            if not who or (len(who) >= MIN_N and not name.startswith("respondent")):
                continue
            w = att.mean_of(tag, p, who, measure)
            true = sum(att.truth[k] * x for k, x in w.items())
            lo, hi = att.bounds(w)
            if true - lo <= SLACK and hi - true <= SLACK and not att.one_figure_pins(w, true):
                # a respondent, or a small group all of whose members, inside a group of MIN_N that answered as one
                if all(told_by_agreement(att, tag, p, groups, r, measure) for r in who):
                    continue
                # or known only as far as each answer is told on its own by its groups' figures (case C)
                if told_answer_by_answer(att, tag, p, groups, who, measure, (lo, hi)):
                    continue
                pinned.append(f"{name} on {measure}: {true:.2f} within [{lo:.2f}, {hi:.2f}]")
    return pinned


def agreed_range(att: Attacker, tag: str, p: Partnership, groups: dict[str, list[str]], r: str, measure):
    """The one exemption for a respondent (docs/disclosure-control.md, "Homogeneity"): r is in a group of at least
    MIN_N (an agency x level cell, a level or an agency) whose every member scored `measure` exactly as r did, and
    whose mean the figures pin. Its figure may be published (it stands on MIN_N), and a group that answered as one
    has told each member's answer with it; anything pinned beyond that (a member differing) is still a failure.
    Returns the tightest bounds the figures give such a group's mean (so each member's score), or None.
    """
    mine = sum(att.truth[k] * x for k, x in att.score(tag, p, r, measure).items())
    best: tuple[float, float] | None = None
    for name, members in groups.items():
        who = [x for x in members if att.score(tag, p, x, measure)]
        if name.startswith("respondent") or r not in who or len(who) < MIN_N:
            continue
        scores = [sum(att.truth[k] * x for k, x in att.score(tag, p, m, measure).items()) for m in who]
        if any(abs(s - mine) > 1e-9 for s in scores):
            continue
        lo, hi = att.bounds(att.mean_of(tag, p, who, measure))
        if mine - lo <= SLACK and hi - mine <= SLACK and (best is None or hi - lo < best[1] - best[0]):
            best = (lo, hi)
    return best


def answered_as_one(att: Attacker, tag: str, p: Partnership, groups: dict[str, list[str]], r: str, measure) -> bool:
    return agreed_range(att, tag, p, groups, r, measure) is not None


def told_by_agreement(att: Attacker, tag: str, p: Partnership, groups: dict[str, list[str]], r: str, measure) -> bool:
    """The exemption (answered_as_one) for r's score on `measure`, or for each answer it is made of: a stage's, C's or
    C group's score is the mean of the statements r rated, so when every one of those answers is told by a group of
    at least MIN_N that answered that statement as one, the score is told by those groups too and nothing else
    (case B: r07's Consider score is their shared-aims answer alone, and their cell of three all answered 2).
    """
    if answered_as_one(att, tag, p, groups, r, measure):
        return True
    if measure[0] == "item":
        return False
    rated = [("item", it) for fw, it in MEASURES[measure] if (tag, r, fw, it) in att.index]
    return bool(rated) and all(answered_as_one(att, tag, p, groups, r, m) for m in rated)


def told_answer_by_answer(
    att: Attacker, tag: str, p: Partnership, groups: dict[str, list[str]], who: list[str], measure, bound
) -> bool:
    """Whether the figures bound the mean of `who` on `measure` (`bound`) no tighter than each answer in it is told
    on its own, by figures of groups of at least MIN_N, with nothing subtracted.

    Each answer of a member r is told, by figures standing on at least MIN_N and each taken on its own: the group's
    mean when r is in a group of MIN_N that answered that statement as one (`agreed_range`), else the range that the
    statement's own distribution shows of everyone it stands on (the attacker's box; 1 to 5 where none is shown).
    A score is a fixed mean of answers, so these give it an interval (the same for every member whose answers
    those figures tell alike). When the linear programme over every published number bounds the mean no tighter than
    that interval, no figure was subtracted from another to learn it: the attacker knows of them only what each
    group's own figures say of every one of its members, which the rules publish (and a range on its own is never a
    pin: a distribution narrowing an answer to within ±0.25 shows a single point, its group answering as one).
    Anything the programme narrows further (a subtraction) is not covered and still fails.

    Case C (local authority strategic 1, managerial 3; seed 477417, skip 0; found by an explore run): the managerial
    cell answered three of the four 12 C's statements as one (3, 4, 2) and the threshold document 2, 3 and 4 (its
    distribution, over the cell). Each member's C group score is then in (2 + 9) / 4 to (4 + 9) / 4, [2.75, 3.25],
    and their true scores are 2.75, 3.00 and 3.25: r03, in the middle, is within ±0.25 of both ends, though the
    interval is the same for all three and tells none of them from the other two.
    """
    told_lo = told_hi = 0.0
    for r in who:
        w = att.score(tag, p, r, measure)
        for fw, it in MEASURES[measure]:
            if (tag, r, fw, it) not in att.index:
                continue
            k = att.index[(tag, r, fw, it)]
            agreed = agreed_range(att, tag, p, groups, r, ("item", it))
            lo, hi = agreed if agreed is not None else (att.lo[k], att.hi[k])
            told_lo += w[k] * lo / len(who)
            told_hi += w[k] * hi / len(who)
    return bound[0] <= told_lo + 1e-6 and bound[1] >= told_hi - 1e-6


def publish(session, catalogue, area: str, cycles: list[tuple[str, Partnership]]) -> tuple[Attacker, list[str]]:
    """Import the cycles, read everything a non-raw viewer sees of the last one (and the ones before), solve."""
    for cycle, p in cycles:
        import_table(p.rows(area, cycle), f"{area}-{cycle}.csv", session=session, catalogue=catalogue)
    att = Attacker()
    cfg = Config(min_group_size=MIN_N)
    prev: tuple[str, Partnership] | None = None
    for cycle, p in cycles:
        same = None
        if prev is not None:  # the attacker knows a re-imported record is the same person's
            same = {r: (prev[0], r) for r in p.people if r in prev[1].people}
        att.add_cycle(cycle, p, same)
        doc = analyse(area, cycle, session=session, cat=catalogue, cfg=cfg).model_dump(mode="json")
        read_analysis(att, cycle, p, doc, prev)
        table = cycle_table(cycle, session=session, cat=catalogue, min_group_size=MIN_N)
        view = compare(table, area, [], BenchConfig(min_group_size=MIN_N), named=False)
        read_benchmark(att, cycle, p, view.measures)
        prev = (cycle, p)
    last_cycle, last = cycles[-1]
    return att, assert_nothing_pinned(att, last_cycle, last) + (
        assert_nothing_pinned(att, cycles[0][0], cycles[0][1]) if len(cycles) > 1 else []
    )


# ---- the attacks ---------------------------------------------------------------------------------------


def team(spec: dict[tuple[str, str], int], seed: int, skip: float = 0.1, prefix: str = "r") -> Partnership:
    """Respondents {(agency, level): how many} answering the statements at random (a few skipped or don't know)."""
    rng = np.random.default_rng(seed)
    people = {}
    for (a, lv), n in spec.items():
        for _ in range(n):
            people[f"{prefix}{len(people):02d}"] = (a, lv)
    answers: dict[tuple[str, str, str], int | None] = {}
    for r in people:
        for fw, it in ITEMS:
            u = rng.random()
            if u < skip / 2:
                continue
            answers[(r, fw, it)] = None if u < skip else int(rng.integers(2, 5))
    return Partnership(people, answers)


LEAD = {("local_authority", "strategic"): 1, ("police", "managerial"): 3, ("health", "frontline"): 4}
LEADS = {("local_authority", "strategic"): 2, ("police", "managerial"): 3, ("health", "frontline"): 4}


@pytest.mark.parametrize(("name", "spec", "skip"), [("one-lead", LEAD, 0.0), ("two-leads", LEADS, 0.15)])
def test_a_lone_strategic_lead_cannot_be_solved_for(session, catalogue, name, spec, skip) -> None:
    """One (or two) strategic leads among 3 managerial and 4 frontline: the headline, the levels and the statements.

    With two leads, skipped statements and don't-knows (each statement's n differs from the stage's) do it.
    """
    _, pinned = publish(session, catalogue, f"Attack {name}", [("2026", team(spec, seed=len(name), skip=skip))])
    assert not pinned, pinned


def test_a_lead_who_skipped_a_statement_cannot_be_solved_for(session, catalogue) -> None:
    """One lead who skipped statements among others who did too: no statement's figure minus the stage's finds them."""
    _, pinned = publish(session, catalogue, "Attack skip", [("2026", team(LEAD, seed=5, skip=0.2))])
    assert not pinned, pinned


def test_a_newcomer_added_to_last_cycles_file_cannot_be_solved_for(session, catalogue) -> None:
    """Re-import last cycle's file plus one newcomer: neither the new cycle nor the change gives the newcomer away."""
    before = team({("police", "managerial"): 3, ("health", "frontline"): 4}, seed=7, skip=0.0)
    newcomer = team({("health", "frontline"): 1}, seed=8, skip=0.0, prefix="new")
    after = Partnership({**before.people, **newcomer.people}, {**before.answers, **newcomer.answers})
    _, pinned = publish(session, catalogue, "Attack cycles", [("2025", before), ("2026", after)])
    assert not pinned, pinned


def test_the_report_table_gives_no_small_count_away(session, catalogue) -> None:
    """The respondent table of the report: no total completes a hidden cell (it printed 1 | 3 | 4)."""
    p = team(LEAD, seed=3, skip=0.0)
    import_table(p.rows("Attack report", "2026"), "report.csv", session=session, catalogue=catalogue)
    table = respondents_table("Attack report", "2026", session=session, min_n=MIN_N)
    printed = [c for row in table.rows for c in row[1:]]
    numbers = [int(c) for c in printed if c.isdigit()]
    assert all(n == 0 or n >= MIN_N for n in numbers), table.rows  # no count of fewer than MIN_N people
    # the lead's cell is hidden: neither a level total nor the number in all may give it away beside the others
    assert f"{len(p.people)} respondents" not in table.caption, table.caption


NUMBER = re.compile(r"(?<![\w.])\d+\.\d+(?![\w.])")
# a citation and the rest of its line: "Kantar Public (2021), 1.3; 2.1 (Figure 1)", "wales2022, 4.1, C1 Clarity",
# "(Liverpool John Moores University, 2022, section 4.1)"
CITED = re.compile(r"\(\d{4}\).*|\b[a-z_]+\d{4}, \d.*|\d{4}, section \d.*")


def test_the_results_page_and_the_report_show_only_figures_the_attacker_solved(db_url, catalogue) -> None:
    """The attacker solves the analysis dump; the Results page (its text, tables and chart data) and the report
    (Markdown) are drawn from that same result. Every decimal they show must be one of the dump's numbers at the
    shown precision (or the size of one, for a gap) or a configured threshold, so that solving the dump has solved
    them too; a figure a page or the report computed for itself (a level less another, say) would fail here."""
    from tests.access.scan import open_as, render
    from toolkit.reports.content import build_report
    from toolkit.reports.markdown import render_markdown
    from toolkit.store.db import session_scope

    p = team(LEADS, seed=9, skip=0.15)
    cfg = Config(min_group_size=MIN_N)
    with session_scope() as s:
        import_table(p.rows("Attack pages", "2026"), "pages.csv", session=s, catalogue=catalogue)
        doc = analyse("Attack pages", "2026", session=s, cat=catalogue, cfg=cfg).model_dump(mode="json")
        md, _ = render_markdown(build_report("Attack pages", "2026", session=s, cat=catalogue, cfg=cfg))
    known = {round(f(v), d) for _, v in leaves(doc) for d in (0, 1, 2) for f in (float, abs)}
    known |= {cfg.priority_threshold, cfg.strong_threshold}
    page = render(open_as("app_pages/results.py", sel_area="Attack pages", sel_cycle="2026"), "results")
    assert not page.exceptions, page.exceptions
    texts = [t for kind, name, t, _ in page.strings if name != "spec"] + [md]
    shown = [float(x) for t in texts for x in NUMBER.findall(CITED.sub("", t))]
    # Scale quality (Cronbach's alpha, item-rest correlations) is shown only to roles that may read the raw ratings
    # (facilitators and administrators, or the one user of an installation without accounts): not a published figure.
    tables = [t for t in page.tables if "Cronbach's alpha" not in t.columns]
    assert len(tables) < len(page.tables)  # (it was there, and is left out knowingly)
    shown += [float(x) for t in tables for c in t.columns for x in t[c] if isinstance(x, float) and x == x]
    assert len(shown) > 50  # the page and the report did show figures
    strange = sorted({x for x in shown if round(x, 2) not in known and round(x, 1) not in known})
    assert not strange, f"figures shown that the analysis did not publish: {strange}"


UNANIMOUS = {("local_authority", "managerial"): 4, ("police", "strategic"): 4, ("local_authority", "strategic"): 3}
PAIR_BESIDE_ONE = {("local_authority", "strategic"): 1, ("police", "strategic"): 2}


def test_a_pair_pooled_beside_one_person_is_not_pinned(session, catalogue) -> None:
    """Two police leads pooled with one local authority lead: the pool's Communicate figure minus the lone lead's
    answers (narrowed by the statements' distributions to one point each) put the pair at 3.00 within [2.75, 3.25].
    A cell more than half its pool is now withheld with it."""
    _, pinned = publish(session, catalogue, "Attack pair", [("2026", team(PAIR_BESIDE_ONE, seed=0, skip=0.15))])
    assert not pinned, pinned


def test_a_pair_withheld_from_a_stage_is_not_pooled_on_its_statements(session, catalogue) -> None:
    """Two local authority leads beside three police leads, one of whom skipped a statement: on that statement the
    pair was pooled with the two police who answered (4), while on the stage it was withheld; the police figures
    of the stage then told the pool's police half apart (the pair pinned at 3.50 within [3.50, 3.51])."""
    spec = {("local_authority", "strategic"): 2, ("police", "strategic"): 3}
    _, pinned = publish(session, catalogue, "Attack pair skip", [("2026", team(spec, seed=0, skip=0.15))])
    assert not pinned, pinned


def test_a_cell_of_three_that_answered_alike_is_the_only_exemption(session, catalogue) -> None:
    """Three local authority leads all rated "shared space" 2: their cell's figure (a group of three, published)
    tells each of them. The attacker pins them (2.00 within [2.00, 2.08]) and accepts it only as a group that
    answered as one (docs/disclosure-control.md, Homogeneity); nobody else is pinned."""
    p = team(UNANIMOUS, seed=0, skip=0.0)
    att, pinned = publish(session, catalogue, "Attack unanimous", [("2026", p)])
    assert not pinned, pinned
    leads = [r for r, place in p.people.items() if place == ("local_authority", "strategic")]
    item = ("item", "commit_strategic_shared_space")
    assert {p.answers[(r, "opm", item[1])] for r in leads} == {2}
    lo, hi = att.bounds(att.score("2026", p, leads[0], item))
    assert hi - lo <= 2 * SLACK  # pinned indeed: the exemption is used, not idle


FRONTLINE_MIX = {
    "r00": ("health", "frontline"),
    "r01": ("health", "frontline"),
    "r02": ("local_authority", "frontline"),
    "r03": ("local_authority", "frontline"),
    "r04": ("local_authority", "frontline"),
    "r05": ("local_authority", "strategic"),
    "r06": ("local_authority", "strategic"),
    "r07": ("local_authority", "strategic"),
}
# answers to c01 threshold document, c01 thresholds match neighbours, c02 consultation, c02 outcome feedback
# (SKIP: not answered; None: don't know); as the random property drew them with seed 203, skip probability 0.15
SKIP = 0
FRONTLINE_MIX_ANSWERS: dict[str, tuple[int | None, ...]] = {
    "r00": (2, 3, 2, 3),
    "r01": (3, 4, 4, 3),
    "r02": (4, 3, 3, SKIP),
    "r03": (SKIP, 3, 2, 2),
    "r04": (SKIP, 3, 2, 2),
    "r05": (4, SKIP, None, 2),
    "r06": (4, 2, 2, 2),
    "r07": (2, 3, 2, 4),
}


def test_a_c_less_the_statement_one_member_answered_alone_does_not_leave_a_pair(session, catalogue) -> None:
    """Found by 100 random examples (health frontline 2, local authority frontline 3 and strategic 3, seed 203).

    Health's frontline pair is withheld from every C figure and so from the statements. In the local authority's
    frontline cell (r02, r03, r04) r02 skipped outcome feedback, so on that statement r03 and r04 are two and
    withheld, and its figure (2.67, n 3) stands on the strategic cell; the consultation statement's figure (2.33,
    n 3, answers 2, 2, 3) stands on the frontline cell (strategic has two answerers beside a don't know). r02's C
    score is their consultation answer alone, r03's and r04's the mean of both. So the C's frontline figure less
    the consultation figure, 3 x 2.33 - 3 x 2.33 = (feedback03 + feedback04 - consultation03 - consultation04) / 2,
    stands on the pair alone: r02 drops out. On c01 the same: r03 and r04 skipped the threshold document, r02 is
    alone on it and withheld, and the C's frontline figure (3.17) less the neighbours statement's (3.00, everyone
    3) gives r02's threshold answer, 4. With the C group's figure (each member's mean of all four statements) the
    attacker pinned the pair's feedback at 2.00 within [1.97, 2.09], r02's threshold answer at 4.00 within [3.99,
    4.05], and r02, r03 and r04 on consultation. The coverage rule had counted all three "irregular" (three, enough);
    it now asks whether any weighting of the statements cancels all but one or two (`residue_too_few`).
    """
    items = [*TWELVE["c01_clarity"], *TWELVE["c02_confidence"]]
    answers = {
        (r, "twelve_cs", it): v
        for r, vs in FRONTLINE_MIX_ANSWERS.items()
        for it, v in zip(items, vs, strict=True)
        if v != SKIP
    }
    p = Partnership(FRONTLINE_MIX, answers)
    _, pinned = publish(session, catalogue, "Attack frontline mix", [("2026", p)])
    assert not pinned, pinned


CASE_B = {("health", "strategic"): 3, ("police", "managerial"): 1, ("local_authority", "frontline"): 4}


def test_a_respondent_whose_stage_score_is_one_answer_their_cell_gave_as_one_is_told_by_it(session, catalogue) -> None:
    """Case B, found by an explore run (health strategic 3, police managerial 1, local authority frontline 4; seed
    623239, skip 0.15): r07's Consider mean was pinned at 2.00 within [2.00, 2.00].

    The figures that combine: the shared-aims statement's agency gap, local authority 2.00 over n 3 (r04, r06, r07,
    the frontline cell; r05 skipped it) against the others 2.67, and the statement's distribution (2: five, 4: one),
    whose lowest answer is 2. Three answers of at least 2 with mean 2.00 are all 2: the cell answered shared aims as
    one, a figure of three that the rules publish (docs/disclosure-control.md, Homogeneity). r07 answered don't know
    to joint responsibility (which the coverage rule withholds), so their Consider score is their shared-aims answer
    alone: the attacker reads the one answer the cell's agreement told, under the stage's name. Nothing is subtracted
    beyond that, and the Consider figures are not used (the LP's binding constraints are the gap, the distribution's
    total and its lowest answer). The attacker's exemption was keyed by measure, so the same answer passed as the
    statement and failed as the stage; it now also passes a composite score made only of answers each told by a
    group of at least three that answered that statement as one (`told_by_agreement`). No suppression rule changes:
    withholding such cells is the option the design refused (Homogeneity).
    """
    p = team(CASE_B, seed=623239, skip=0.15)
    att, pinned = publish(session, catalogue, "Attack case B", [("2026", p)])
    assert not pinned, pinned
    cell = [r for r, place in p.people.items() if place == ("local_authority", "frontline")]
    shared = [r for r in cell if p.answers.get((r, "opm", OPM["consider"][0]))]
    assert shared == ["r04", "r06", "r07"] and {p.answers[(r, "opm", OPM["consider"][0])] for r in shared} == {2}
    assert p.answers[("r07", "opm", OPM["consider"][1])] is None  # don't know: Consider is shared aims alone
    w = att.score("2026", p, "r07", ("stage", "consider"))
    assert w == att.score("2026", p, "r07", ("item", OPM["consider"][0]))
    lo, hi = att.bounds(w)
    assert hi - lo <= 2 * SLACK  # pinned indeed: the exemption is used, not idle


CASE_C = {("local_authority", "strategic"): 1, ("local_authority", "managerial"): 3}


def test_a_score_known_only_answer_by_answer_from_its_cells_own_figures_is_not_a_disclosure(session, catalogue) -> None:
    """Case C, found by an explore run (local authority strategic 1, managerial 3; seed 477417, skip 0; replayed
    with --hypothesis-seed=322358280336346233474029514453945869404): r03's C group mean was pinned at 3.00 within
    [2.75, 3.25].

    The lone lead is withheld; the managerial cell of three is published. It answered three of the four 12 C's
    statements as one (neighbours 3, consultation 4, feedback 2: each statement's distribution is a single point)
    and the threshold document 2, 3 and 4 (its distribution over the cell). So each member's C group score is in
    (2 + 3 + 4 + 2) / 4 to (4 + 3 + 4 + 2) / 4, the same [2.75, 3.25] for all three, whose true scores are 2.75
    (r01), 3.25 (r02) and 3.00 (r03): r03, in the middle, is within ±0.25 of both ends. Not a disclosure: the
    interval is what the cell's own figures say of each of its members alike, answer by answer, nothing subtracted
    (the programme's bound is no tighter than that), and it tells none of them from the other two. The attacker
    now says so (`told_answer_by_answer`); no suppression rule changes (docs/disclosure-control.md, Homogeneity).
    """
    p = team(CASE_C, seed=477417, skip=0.0)
    att, pinned = publish(session, catalogue, "Attack case C", [("2026", p)])
    assert not pinned, pinned
    cell = [r for r, place in p.people.items() if place == ("local_authority", "managerial")]
    group = ("c_group", GROUP)
    for r in cell:  # the same interval for every member of the cell, as its figures tell it answer by answer
        lo, hi = att.bounds(att.score("2026", p, r, group))
        assert (round(lo, 6), round(hi, 6)) == (2.75, 3.25)
    true = {r: sum(att.truth[k] * x for k, x in att.score("2026", p, r, group).items()) for r in cell}
    assert sorted(true.values()) == [2.75, 3.0, 3.25]
    middle = next(r for r, v in true.items() if v == 3.0)
    # pinned indeed by the ±0.25 test, and not by agreement alone: the new exemption is used, not idle
    assert not told_by_agreement(att, "2026", p, {f"respondent {middle}": [middle]} | {"cell": cell}, middle, group)
    assert told_answer_by_answer(att, "2026", p, {"cell": cell}, [middle], group, (2.75, 3.25))


def test_the_answer_by_answer_exemption_does_not_excuse_a_subtraction(session, catalogue, monkeypatch) -> None:
    """With the pooling rule as it was before "no cell more than half the pool" (a pair pooled beside one lead), the
    attacker still pins the police pair (3.00 within [2.75, 3.25] on Communicate): the pool's figure less what the
    lone lead's answers could be narrows the pair further than their statements' own distributions do, so
    `told_answer_by_answer` does not apply and the test fails as it should."""
    from toolkit.analysis import suppression

    def pooled_at_min_n(frame, line, level, agency, count, min_n):  # the old rule: pooled when together >= min_n
        n = pd.Series(frame[count].to_numpy(dtype=int), index=frame.index)
        small = (n > 0) & (n < min_n)
        total = n.where(small, 0).groupby([frame[c] for c in [*line, level]], sort=False).transform("sum")
        role = np.where(n >= min_n, suppression.OWN, np.where(total >= min_n, suppression.POOLED, suppression.WITHHELD))
        return pd.Series(role, index=frame.index)

    monkeypatch.setattr(suppression, "unit_frame", pooled_at_min_n)
    _, pinned = publish(session, catalogue, "Attack old pool", [("2026", team(PAIR_BESIDE_ONE, seed=0, skip=0.15))])
    assert "police/strategic on ('stage', 'communicate'): 3.00 within [2.75, 3.25]" in pinned, pinned


CASE_D = {
    ("police", "managerial"): 3,
    ("local_authority", "frontline"): 2,
    ("local_authority", "managerial"): 3,
    ("local_authority", "strategic"): 3,
    ("police", "strategic"): 3,
}


def test_a_level_less_its_statements_cannot_leave_the_pair_who_answered_only_one(session, catalogue) -> None:
    """Case D, found by 300 random examples (explore, --hypothesis-seed=14300; the spec above, seed 234074, skip 0.15):
    two strategic leads, r08 (local authority) and r11 (police), answered only the two-way statement of Communicate
    (r08 skipped open discussion, r11 did not know); their cells' other two each answered both. So on open discussion
    each strategic cell is two, and the two pairs are pooled (four), while on the stage each cell is its own unit.

    The coverage rule asked, per group, which answers are in the group's statement figures, but counted only those in
    the same kind of unit as the respondent's stage score: the four in the pool looked as if their open-discussion
    answers were in no figure, so nobody in the strategic level seemed cancellable but r08 and r11, two of six. Yet
    the strategic level's figure of that statement is the pool's (n 4): the level's stage figure less half of each
    statement's level figure leaves (r08 + r11) / 2 on two-way, and its distribution (lowest answer 2) pinned both at
    2.00 within [2.00, 2.04] (and the pool's halves on open discussion, 2.50 and 3.50). Now, in the figures of all and
    of a level, every kept answer counts as published (a level's pools are in its figures); only in an agency's are
    answers in pooled units left out. The two-way statement is then withheld where that level is short.
    """
    _, pinned = publish(session, catalogue, "Attack case D", [("2026", team(CASE_D, seed=234074, skip=0.15))])
    assert not pinned, pinned


# ---- random partnerships ---------------------------------------------------------------------------------------

AGENCIES = ["local_authority", "police", "health"]
partnerships = st.dictionaries(
    st.tuples(st.sampled_from(AGENCIES), st.sampled_from(list(ids.LEVELS))), st.integers(1, 4), min_size=2, max_size=5
)
RUN = iter(range(10**6))
SPLIT_POOL = {
    ("local_authority", "strategic"): 2,
    ("police", "strategic"): 2,
    ("police", "frontline"): 2,
    ("health", "managerial"): 4,
    ("health", "frontline"): 2,
}
MAX_EXAMPLES = int(os.environ.get("DISCLOSURE_EXAMPLES", "30"))


# the profile (tests/conftest.py) derandomizes: the same examples every run, so CI is reproducible;
# HYPOTHESIS_PROFILE=explore draws afresh (it was overridden here before); @example: the failing cases found before
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(spec=partnerships, seed=st.integers(0, 10**6), skip=st.sampled_from([0.0, 0.15]))
@example(spec=UNANIMOUS, seed=0, skip=0.0)
@example(spec=PAIR_BESIDE_ONE, seed=0, skip=0.15)
# a strategic pool of four (two local authority, two police leads) that all rated training investment 3: the
# pool's figure tells each half's mean too (Homogeneity, as for a respondent), no subtraction (explore, 2026-12)
@example(spec=SPLIT_POOL, seed=275, skip=0.0)
@example(
    spec={("health", "frontline"): 2, ("local_authority", "frontline"): 3, ("local_authority", "strategic"): 3},
    seed=203,
    skip=0.15,
)
# case B: a respondent's stage score is one answer their cell of three gave as one (explore, 2026-12)
@example(spec=CASE_B, seed=623239, skip=0.15)
# case C: a score known only answer by answer from the cell's own figures (explore, 2026-12)
@example(spec=CASE_C, seed=477417, skip=0.0)
# case D: a level's pool on a statement is in the level's figures (300 examples, explore, 2026-12)
@example(spec=CASE_D, seed=234074, skip=0.15)
def test_no_small_group_or_respondent_of_a_random_partnership_is_pinned(session, catalogue, spec, seed, skip) -> None:
    _, pinned = publish(session, catalogue, f"Random {next(RUN)}", [("2026", team(spec, seed=seed, skip=skip))])
    assert not pinned, pinned
