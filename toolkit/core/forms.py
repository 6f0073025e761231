"""The short and full forms: which statements each holds, and the rule that chose the short form from the sources.

The framework files list the short form's core statements (`short_form.items`); the functions here apply the rule
docs/short-form.md documents, so a test can check that the lists are what the rule gives and never a hand-pick.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from toolkit.core import ids
from toolkit.core.schema import Framework, Item

FORMS: tuple[str, ...] = ("short", "full")
FORM_NAMES: dict[str, str] = {
    "short": "Short form: the core statements (about ten minutes)",
    "full": "Full form: every statement",
}
# Workshops made before forms existed, and any caller that does not say, keep the full form: nothing changes
# silently for a workshop already under way or a script that already runs.
DEFAULT_FORM = "full"


def core_items(fw: Framework) -> frozenset[str]:
    """The ids of a framework's core statements; a framework without a short form is all core."""
    if fw.short_form is None:
        return frozenset(i.id for i in fw.items)
    return frozenset(fw.short_form.items)


def in_form(fw: Framework, item: Item, form: str) -> bool:
    """Whether a statement is in the form (the full form holds every statement)."""
    return form != "short" or item.id in core_items(fw)


def opm_core(fw: Framework, named: Sequence[str]) -> list[str]:
    """The OPM rule: for each stage and level, one statement drawn from a driver and one drawn from a barrier.

    The factor is the first of the stage's drivers (barriers) in `named` (those Kantar's overview of the stage, section
    2.1, names, in the order it names them) that has a statement at that level; where none has, the first in the
    report's own order (sections 2.2 to 2.5). Of that factor's statements at that level, the first in the bank.
    """
    out: list[str] = []
    for stage in fw.stages:
        for level in ids.LEVELS:
            for kind, factors in (("driver", stage.drivers), ("barrier", stage.barriers)):
                order = [f.id for f in factors]
                ranked = [f for f in named if f in order] + [f for f in order if f not in named]
                for factor in ranked:
                    hit = next(
                        (
                            i
                            for i in fw.items
                            if i.stage == stage.id
                            and i.level == level
                            and i.basis is not None
                            and (i.basis.kind, i.basis.ref) == (kind, factor)
                        ),
                        None,
                    )
                    if hit is not None:
                        out.append(hit.id)
                        break
    return out


_PART = re.compile(r"4\.1, C(\d+) \(([^)]*)\)")


def _closeness(item: Item, number: int) -> tuple[int, int]:
    """How close a statement sits to what its C means in LJMU section 4.1: explanation (0), evidence (1), a
    recommendation (2, lowest number first), good practice (3); a statement citing none of these parts ranks last."""
    best = (9, 0)
    for m in _PART.finditer(item.source.section):
        if int(m.group(1)) != number:
            continue
        part = m.group(2)
        if "explanation" in part:
            rank = (0, 0)
        elif "evidence" in part:
            rank = (1, 0)
        elif "recommendation" in part:
            rank = (2, min(int(n) for n in re.findall(r"\d+", part)))
        elif "good practice" in part:
            rank = (3, 0)
        else:
            continue
        best = min(best, rank)
    return best


def cs_core(fw: Framework) -> list[str]:
    """The 12 C's rule: for each C, the one statement, of those whose first C it is, that sits closest to what the C
    means in the report's section 4.1 (see _closeness); ties go to the first in the bank."""
    out: list[str] = []
    for c in sorted(fw.cs, key=lambda c: c.number):
        own = [(k, i) for k, i in enumerate(fw.items) if i.cs and i.cs[0] == c.id]
        if own:
            out.append(min(own, key=lambda ki: (_closeness(ki[1], c.number), ki[0]))[1].id)
    return out


def rule_core(fw: Framework) -> list[str]:
    """The core statements the documented rule gives for a bundled rated framework (OPM or 12 C's)."""
    if fw.stages:
        return opm_core(fw, fw.short_form.stands_for if fw.short_form else [])
    return cs_core(fw)
