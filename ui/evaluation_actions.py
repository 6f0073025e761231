"""Evaluation page glue: the choices it may offer this account, the one evaluation call, and its tables."""

from __future__ import annotations

import pandas as pd

from toolkit.access.scope import authorise_named
from toolkit.analysis.evaluation import Evaluation, GroupSpec, evaluate
from toolkit.core import ids
from ui.resources import catalogue, db
from ui.scope import actor
from ui.widgets import areas_offered, offered

BY_LABELS = {"area": "Areas", "agency": "Agencies", "level": "Levels"}
MEASURES = ["overall", *ids.STAGES, *ids.C_IDS]


def area_cycles() -> dict[str, list[str]]:
    """The areas this account may see results of, each with its cycles."""
    return {a.area: [c.cycle for c in a.cycles] for a in areas_offered("view_results")}


def common_cycles(areas: list[str], offered_areas: dict[str, list[str]]) -> list[str]:
    """The cycles every chosen area has, in the first area's order."""
    if not areas:
        return []
    rest = [set(offered_areas.get(a, [])) for a in areas[1:]]
    return [c for c in offered_areas.get(areas[0], []) if all(c in r for r in rest)]


def group_values(by: str, offered_areas: dict[str, list[str]]) -> list[str]:
    """What a group may be made of: the visible areas, or every agency or level."""
    return list(offered_areas) if by == "area" else list(ids.AGENCIES if by == "agency" else ids.LEVELS)


def value_label(by: str, value: str) -> str:
    return {"agency": ids.AGENCY_NAMES, "level": ids.LEVEL_NAMES}.get(by, {}).get(value, value)


def measure_label(m: str) -> str:
    if m == "overall":
        return "Overall (every answer)"
    return ids.STAGE_NAMES.get(m) or catalogue().constructs[m].name


def run_evaluation(
    by: str,
    treatment: list[str],
    comparison: list[str],
    areas: list[str],
    after: str,
    before: str | None,
    measure: str,
) -> Evaluation:
    """Evaluate, refusing any value the page did not offer and any area the account may not see results of."""
    visible = area_cycles()
    offered(by, BY_LABELS)
    for v in [*treatment, *comparison]:
        offered(v, group_values(by, visible))
    chosen = [*treatment, *comparison] if by == "area" else areas
    for a in chosen:
        offered(a, visible)
    cycles = common_cycles(chosen, visible)
    offered(after, cycles)
    if before is not None:
        offered(before, cycles)
    offered(measure, MEASURES)
    who = actor()
    with db() as s:
        for a in chosen:
            authorise_named(who, "view_results", a, session=s)
        return evaluate(
            areas=list(dict.fromkeys(chosen)),
            treatment=GroupSpec(by=by, values=treatment),  # type: ignore[arg-type]  # offered above
            comparison=GroupSpec(by=by, values=comparison),  # type: ignore[arg-type]
            after=after,
            before=before,
            measure=measure,
            session=s,
            cat=catalogue(),
        )


def balance_table(ev: Evaluation) -> pd.DataFrame:
    """The balance checks as a table; a share over too few people reads 'hidden'."""

    def cell(x: float | None, share: bool) -> str:
        return "hidden" if x is None else f"{x:.0%}" if share else f"{x:.2f}"

    return pd.DataFrame(
        [
            {
                "Known of both groups": "Mean before"
                if b.characteristic == "score_before"
                else b.characteristic.title(),
                "Value": value_label(b.characteristic, b.value),
                "Treatment": cell(b.treatment, b.characteristic != "score_before"),
                "Comparison": cell(b.comparison, b.characteristic != "score_before"),
                "Standardised difference": "" if b.std_difference is None else f"{b.std_difference:+.2f}",
                "Differs": "yes" if b.flagged else "",
            }
            for b in ev.balance
        ]
    )
