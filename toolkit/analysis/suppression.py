"""Disclosure control: which respondents each published figure may stand on, so no small group can be read or
subtracted (docs/disclosure-control.md is the design; every output asks this module).

Units. Per measure (a stage, C, C group or statement) the respondents who scored it fall into cells of level x
agency. A cell of at least `min_n` is a unit of its own; the smaller cells of one level are pooled into one unit when
together they reach `min_n` and none is more than half the pool (`pools`); any other small cell is withheld from
every figure of that measure (headline, plain mean, n, level, agency, gaps, change, benchmark). Agency figures
stand on an agency's own units only. A cell withheld from a stage, C or C group is withheld from its statements,
whose units are made without it. So every published figure is a sum over whole units of at least `min_n`, and
so is the difference of any two of them.

Coverage. A respondent who skipped some statements of a stage or C weighs them differently from everyone else, so
a stage's figure minus some weighting of its statements' figures leaves some respondents' answers: the ones the
weighting does not cancel (`residue_too_few`). In each group the composite is published for (all, a level, an
agency), when some weighting leaves 1 to `min_n` - 1 respondents, the statements' figures are withheld (a C
group's own figure, for its statements).

Cycles. Records carried over unchanged from the previous cycle (same level, agency and answers) make this cycle's
figures minus the last one's a figure over the newcomers (or the leavers): cell by cell, newcomers fewer than
`min_n` are withheld, and so is everything carried over in a cell that fewer than `min_n` records left.

The older one-breakdown rules (primary, suppressed_keys, suppressed_cells, ...) stay for counts tables shown alone.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any, TypeVar, cast

import numpy as np
import pandas as pd

K = TypeVar("K", bound=Hashable)


def _close_lines(counts: Mapping[K, int], lines: Iterable[list[K]], hidden: set[K]) -> set[K]:
    """Add a second group to every line with exactly one hidden, until no line has one alone."""
    lines = [[k for k in line if counts.get(k, 0) > 0] for line in lines]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if len(line) > 1 and sum(k in hidden for k in line) == 1:
                hidden.add(min((counts[k], k) for k in line if k not in hidden)[1])  # type: ignore[type-var]
                changed = True
    return hidden


def primary(counts: Mapping[K, int], min_n: int) -> set[K]:
    """Groups too small to publish on their own: more than none, fewer than min_n."""
    return {k for k, n in counts.items() if 0 < n < min_n}


def suppressed_keys(counts: Mapping[K, int], min_n: int) -> set[K]:
    """Groups to hide in one breakdown whose total is shown: the small ones, plus a second when one alone would show."""
    return _close_lines(counts, [list(counts)], primary(counts, min_n))


def suppressed_cells(counts: Mapping[tuple[str, str], int], min_n: int) -> set[tuple[str, str]]:
    """Cells of a two-way table whose row and column totals are shown: small ones, and any a total would reveal."""
    keys = list(counts)
    lines = [[k for k in keys if k[axis] == v] for axis in (0, 1) for v in dict.fromkeys(k[axis] for k in keys)]
    return _close_lines(counts, lines, primary(counts, min_n))


def suppressed_rows(lines: Sequence[Hashable], groups: Sequence[K], counts: Sequence[int], min_n: int) -> list[bool]:
    """Many one-way breakdowns at once: row k is group groups[k] of breakdown lines[k] with counts[k] respondents.

    True where suppressed_keys hides that group in its breakdown; for tables (pandas, numpy) of many breakdowns.
    """
    by_line: dict[Hashable, dict[K, int]] = {}
    for line, g, n in zip(lines, groups, counts, strict=True):
        by_line.setdefault(line, {})[g] = int(n)
    hidden = {(line, g) for line, c in by_line.items() if min(c.values()) < min_n for g in suppressed_keys(c, min_n)}
    return [(line, g) in hidden for line, g in zip(lines, groups, strict=True)]


def suppressed_frame(frame: pd.DataFrame, line: list[str], group: str, count: str, min_n: int) -> pd.Series:
    """suppressed_keys over every breakdown of a long table at once (one row per line and group), vectorised.

    The same rule, for tables too large to walk group by group: True where that row's group is hidden in its line.
    """
    n = pd.Series(frame[count].to_numpy(dtype=int), index=frame.index)
    present = n > 0
    hidden = present & (n < min_n)
    keys = [frame[c] for c in line]
    hidden_in_line = pd.Series(hidden.groupby(keys, sort=False).transform("sum"), index=frame.index)
    present_in_line = pd.Series(present.groupby(keys, sort=False).transform("sum"), index=frame.index)
    alone = (hidden_in_line == 1) & (present_in_line > 1)
    # the second group of a line with one hidden: the smallest other present group, ties broken by key
    pick = frame.loc[alone & present & ~hidden, [*line, group, count]]
    second = pick.sort_values([count, group], kind="stable").drop_duplicates(subset=line, keep="first").index
    out = pd.Series(hidden.to_numpy(copy=True), index=frame.index)
    out.loc[second] = True
    return out


OWN, POOLED, WITHHELD = "own", "pooled", "withheld"


def respondent_counts(counts: Mapping[K, int], min_n: int) -> dict[K, int | None]:
    """The agency x level table of who answered, beside a total of the respondents the figures count: a cell's
    count where it has at least min_n people, None (hidden) where it has fewer.

    A hidden cell's people are either pooled with their level's other small cells (a pool of at least min_n, whose
    cells are all hidden) or left out of every figure and of the total, so the total less the shown cells leaves
    whole pools only, never one small cell. Cells nobody answered in are not in the table.
    """
    return {k: (n if n >= min_n else None) for k, n in counts.items() if n > 0}


def pools(total: int, largest: int, min_n: int) -> bool:
    """Whether a level's small cells (`total` respondents, the largest cell `largest`) may be pooled into one unit.

    At least min_n together, and no cell more than half the pool: a pool's figure minus what the others' answers
    could be leaves a cell's mean within the others' share of the scale, so a pair beside one person (2 + 1) would
    be pinned to half the range that person's answers may span (a published distribution may narrow it to one point).
    """
    return total >= min_n and 2 * largest <= total


def unit_roles(counts: Mapping[tuple[str, str], int], min_n: int) -> dict[tuple[str, str], str]:
    """Per (level, agency) cell of one measure: its own unit, pooled with its level's other small cells, or withheld."""
    small: dict[str, int] = {}
    largest: dict[str, int] = {}
    for (lv, _a), n in counts.items():
        if 0 < n < min_n:
            small[lv] = small.get(lv, 0) + n
            largest[lv] = max(largest.get(lv, 0), n)
    return {
        (lv, a): OWN if n >= min_n else POOLED if pools(small.get(lv, 0), largest.get(lv, 0), min_n) else WITHHELD
        for (lv, a), n in counts.items()
        if n > 0
    }


def unit_frame(frame: pd.DataFrame, line: list[str], level: str, agency: str, count: str, min_n: int) -> pd.Series:
    """unit_roles over every line (area, measure...) of a long table of cell counts at once, vectorised."""
    n = pd.Series(frame[count].to_numpy(dtype=int), index=frame.index)
    small = (n > 0) & (n < min_n)
    by = [frame[c] for c in [*line, level]]
    pooled = pd.Series(n.where(small, 0).groupby(by, sort=False).transform("sum"), index=frame.index)
    largest = pd.Series(n.where(small, 0).groupby(by, sort=False).transform("max"), index=frame.index)
    ok = (pooled >= min_n) & (2 * largest <= pooled)  # pools(), vectorised
    role = np.where(n >= min_n, OWN, np.where(ok, POOLED, WITHHELD))
    return pd.Series(role, index=frame.index)


def residue_too_few(unmatched: int, patterns: Mapping[frozenset[Hashable], int], min_n: int) -> bool:
    """Coverage: whether a composite's figure over a group, less some weighting of its statements' figures over the
    same group, leaves 1 to min_n - 1 respondents (then the composite's statements are withheld).

    A respondent's composite score is the mean of the statements they answered, J: weight 1/|J| on each. Subtract
    c_j times statement j's published sum, for any weights c the attacker likes: a respondent drops out exactly when
    c_j = 1/|J| on every j of their J, and only if every answer of theirs is in those sums (`patterns`: how many
    respondents answered each set J with all of it published as the composite is; `unmatched`: the others, who
    never drop out). Respondents of two patterns drop out together unless the patterns differ in size and share a
    statement (c_j cannot be both 1/|J| and 1/|J'|). The attacker is short of min_n when every pattern but a few,
    together with the unmatched fewer than min_n, can drop out at once.

    Found by an attacker (seed 203): a local authority frontline cell of three, one who answered only the first
    of a C's two statements and two whose second answers were withheld (their pair too few on it). Counting them
    all "irregular" (three) let the statements through, but the C's frontline figure less the first statement's
    figure cancels the one who answered only it, leaving the pair's second answers less their first.
    """
    short = min_n - 1 - unmatched  # the most pattern-matched respondents the leftover may keep and still be short
    if short < 0:
        return False
    keys = sorted(patterns, key=lambda k: (patterns[k], len(k), sorted(map(str, k))))
    clash = [(a, b) for i, a in enumerate(keys) for b in keys[i + 1 :] if len(a) != len(b) and a & b]

    def kept_short(kept: frozenset[frozenset[Hashable]], budget: int) -> bool:
        # the patterns left in (`kept`) must hold one end of every clash, so the rest cancel together: a bounded
        # vertex cover, branching on the two ends of a clash not yet held
        open_ = next(((a, b) for a, b in clash if a not in kept and b not in kept), None)
        if open_ is None:
            if unmatched or kept:
                return True  # 1 to min_n - 1 left, by the budget
            return any(patterns[k] <= budget for k in keys)  # all cancel: keep back one small pattern
        return any(patterns[v] <= budget and kept_short(kept | {v}, budget - patterns[v]) for v in open_)

    return kept_short(frozenset(), short)


def carried_over(before: Sequence[Hashable], after: Sequence[Hashable]) -> list[bool]:
    """Which records of `after` repeat a record of `before` unchanged (each earlier record matched once)."""
    left: dict[Hashable, int] = {}
    for k in before:
        left[k] = left.get(k, 0) + 1
    out = []
    for k in after:
        hit = left.get(k, 0) > 0
        if hit:
            left[k] -= 1
        out.append(hit)
    return out


def cycle_withheld(before: Sequence[tuple], after: Sequence[tuple], min_n: int) -> list[bool]:
    """Records of this cycle withheld because this cycle minus the previous one would stand on too few respondents.

    `before`/`after` are each record's fingerprint, (level, agency, answers...): its cell is the first two. With no
    record carried over the cycles share nobody and nothing is withheld. Otherwise, cell by cell, newcomers are
    withheld unless at least min_n, and the carried records too when fewer than min_n (but some) earlier ones left.
    """
    carried = carried_over(before, after)
    if not any(carried):
        return [False] * len(after)
    kept_before = carried_over(after, before)  # the earlier records still there
    new: dict[tuple, int] = {}
    left: dict[tuple, int] = {}
    for c, fp in zip(carried, after, strict=True):
        new[fp[:2]] = new.get(fp[:2], 0) + (not c)
    for c, fp in zip(kept_before, before, strict=True):
        left[fp[:2]] = left.get(fp[:2], 0) + (not c)
    return [
        (0 < left.get(fp[:2], 0) < min_n) if c else new[fp[:2]] < min_n for c, fp in zip(carried, after, strict=True)
    ]


MEASURE = ["kind", "framework", "measure"]


def publishable(scores: pd.DataFrame, parts: pd.DataFrame, min_n: int) -> tuple[pd.DataFrame, set[tuple[str, ...]]]:
    """The respondent scores published figures may stand on (with each row's unit `role`), and the measures withheld.

    `scores` has one row per respondent and measure: respondent, level, agency, kind, framework, measure, score.
    `parts` lists each composite's parts: kind, framework, measure (the composite: stage, C or C group) and item (a
    statement of it, kind "item" in `scores`) and `withhold` ("parts" to withhold its statements, "whole" itself).
    Returns the rows kept by the unit rule, and the (kind, framework, measure) keys the coverage rule withholds.
    """
    # pandas' stubs type most of these steps loosely (Series | DataFrame): the tables are worked on untyped here
    scores_: Any = scores
    parts_: Any = parts
    keys = [*MEASURE, "level", "agency"]
    cells = scores_.groupby(keys, sort=False).size().reset_index(name="size")
    cells["role"] = unit_frame(cells, MEASURE, "level", "agency", "size", min_n)
    if not parts_.empty:
        # a cell withheld from a composite is withheld from its statements too (else a statement's pool may hold it
        # beside others the composite's figures tell apart), and the statements' units are made without it
        gone = cells[(cells["kind"] != "item") & (cells["role"] == WITHHELD)]
        gone = gone.merge(parts_, on=["kind", "framework", "measure"])[["framework", "item", "level", "agency"]]
        gone = gone.rename(columns={"item": "measure"}).drop_duplicates().assign(kind="item", gone=True)
        cells = cells.merge(gone, on=keys, how="left")
        cells["gone"] = cells["gone"].eq(True)
        live = cells[~cells["gone"]].copy()
        live["role"] = unit_frame(live, MEASURE, "level", "agency", "size", min_n)
        cells["role"] = live["role"].reindex(cells.index).fillna(WITHHELD)
    roled = scores_.merge(cells[[*keys, "role"]], on=keys, how="left")
    kept: Any = roled[roled["role"] != WITHHELD].reset_index(drop=True)
    if parts_.empty:
        return cast(pd.DataFrame, kept), set()
    items = scores_[scores_["kind"] == "item"]
    kept_items = kept[kept["kind"] == "item"][["respondent", "framework", "measure", "role"]]
    link = parts_.rename(columns={"kind": "c_kind", "measure": "c_measure"})
    # per composite: the statements anyone may be published on, and per respondent what they scored and kept alike
    have = link.merge(kept_items, left_on=["framework", "item"], right_on=["framework", "measure"])
    n_parts = have.groupby(["c_kind", "framework", "c_measure"])["item"].nunique().rename("n_parts")
    raw = link.merge(
        items[["respondent", "framework", "measure"]], left_on=["framework", "item"], right_on=["framework", "measure"]
    )
    comp = kept[kept["kind"] != "item"].rename(columns={"kind": "c_kind", "measure": "c_measure"})
    same = have.merge(
        comp[["respondent", "c_kind", "framework", "c_measure", "role"]],
        on=["respondent", "c_kind", "framework", "c_measure"],
        suffixes=("", "_c"),
    )

    # per respondent and composite: the statements answered, and those kept in the composite's own unit (plain
    # Python over the columns: a groupby into sets per respondent is many times slower here)
    def sets(f: Any) -> dict[tuple, set[str]]:
        out: dict[tuple, set[str]] = {}
        for key in zip(f["c_kind"], f["framework"], f["c_measure"], f["respondent"], f["item"], strict=True):
            out.setdefault(key[:4], set()).add(key[4])
        return out

    answered = sets(raw)
    # the statements each respondent is published on in a group's statement figures: in the figures of all and of
    # their level, every kept answer (a level's pooled cells are in its figures); in their agency's, only answers
    # in the agency's own units (pooled cells belong to no agency), which is where the composite stands (OWN)
    kept_any = sets(same)
    alike = sets(same[same["role"] == same["role_c"]])
    comp = comp.join(n_parts, on=["c_kind", "framework", "c_measure"])
    comp = comp[comp["n_parts"].notna()]
    members: dict[tuple, list[tuple[frozenset, frozenset]]] = {}
    cols = [comp[c] for c in ("c_kind", "framework", "c_measure", "respondent", "level", "agency", "role")]
    for kind, fw, m, r, lv, agency, role in zip(*cols, strict=True):
        j = frozenset(answered.get((kind, fw, m, r), ()))
        wide, own = (j, frozenset(kept_any.get((kind, fw, m, r), ()))), (j, frozenset(alike.get((kind, fw, m, r), ())))
        for group, pair in (("", wide), (f"level {lv}", wide), (f"agency {agency}" if role == OWN else None, own)):
            if group is not None:
                members.setdefault((kind, fw, m, group), []).append(pair)
    groups = [(key[:3], members[key]) for key in sorted(members)]
    how: dict[Any, Any] = {
        (r.kind, r.framework, r.measure): r.withhold
        for r in link.rename(columns={"c_kind": "kind", "c_measure": "measure"}).drop_duplicates(MEASURE).itertuples()
    }
    return cast(pd.DataFrame, kept), coverage_withheld(groups, how, min_n)


def coverage_withheld(
    groups: Sequence[tuple[tuple[str, str, str], Sequence[tuple[frozenset, frozenset]]]],
    how: Mapping[tuple[str, str, str], str],
    min_n: int,
) -> set[tuple[str, ...]]:
    """The coverage rule over every group a composite is published for: the measures it withholds.

    `groups`: per composite (kind, framework, measure) and group (all, a level, an agency), each member's
    (statements answered, statements published in the composite's own unit). Where some weighting of the statements
    leaves too few (`residue_too_few`), a composite withheld "whole" (a C group) goes; otherwise one of its
    statements goes, the one most of that group are published on (then their answers to it are in no statement figure: at
    least min_n of them stay in every leftover), and the groups are checked again until none is short. Withholding
    one statement rather than all a composite's keeps most of them: a lone skipper of one of a level's five
    statements left the others' figures withheld before.
    """
    gone: set[tuple[str, str]] = set()  # (framework, statement)
    out: set[tuple[str, ...]] = set()
    changed = True
    while changed:
        changed = False
        for (kind, fw, m), members in groups:
            if (kind, fw, m) in out:
                continue
            out_fw = frozenset(i for f, i in gone if f == fw)
            patterns: dict[frozenset, int] = {}
            for j, k in members:
                if j == k and not j & out_fw:
                    patterns[j] = patterns.get(j, 0) + 1
            if not residue_too_few(len(members) - sum(patterns.values()), patterns, min_n):
                continue
            if how.get((kind, fw, m)) == "whole":
                out.add((kind, fw, m))
                continue
            counts: dict[str, int] = {}
            for _j, k in members:
                for i in k - out_fw:
                    counts[i] = counts.get(i, 0) + 1
            if counts:
                gone.add((fw, min(counts, key=lambda i: (-counts[i], i))))
                changed = True
    return out | {("item", fw, i) for fw, i in gone}


# A basis: what each respondent's published figures of a set of figures stood on, {respondent: {measure: [unit,
# value]}}; unit None where the respondent's value of that measure was in no figure (withheld), value as answered.
Basis = Mapping[str, Mapping[str, Sequence[Any]]]


def snapshot_shortfalls(before: Basis, after: Basis, min_n: int) -> list[tuple[str, str, int, int]]:
    """Where publishing `after` in place of `before` would let one set of figures be subtracted from the other.

    Per measure and unit (a cell, or a level's pooled small cells), the respondents whose place in the figures
    changed: new, gone, answered differently, or moved in or out of the unit. Their number must be 0 or at least
    min_n, and so must the number of them with a fresh answer (new or changed since `before`): people already there
    whose answers were withheld are not made safe by fewer than min_n newcomers beside them. Returns (measure,
    unit, changed, fresh) for every unit that falls short; no shortfall means `after` may be published.
    """
    changed: dict[tuple[str, str], set[str]] = {}
    fresh: dict[tuple[str, str], set[str]] = {}
    for r in set(before) | set(after):
        old, new = before.get(r, {}), after.get(r, {})
        for m in set(old) | set(new):
            o, n = old.get(m), new.get(m)
            shown_o = (o[0], o[1]) if o is not None and o[0] is not None else None
            shown_n = (n[0], n[1]) if n is not None and n[0] is not None else None
            if shown_o == shown_n:
                continue
            is_fresh = n is not None and (o is None or o[1] != n[1])
            for shown in (shown_o, shown_n):
                if shown is not None:
                    changed.setdefault((m, shown[0]), set()).add(r)
                    if is_fresh:
                        fresh.setdefault((m, shown[0]), set()).add(r)
    out = []
    for key, who in sorted(changed.items()):
        k = len(fresh.get(key, ()))
        if len(who) < min_n or 0 < k < min_n:
            out.append((key[0], key[1], len(who), k))
    return out
