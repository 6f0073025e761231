"""The analysis of one area and cycle as typed results: what `analyse` returns and `analyse --json` prints.

`python -m toolkit.analysis.results [PATH]` writes the JSON Schema of `analyse --json` (default
docs/schemas/analyse.schema.json).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "schemas" / "analyse.schema.json"
TocStatus = Literal["strong", "adequate", "weak", "at_risk", "unknown"]


class Result(BaseModel):
    """Base of every analysis result: immutable, and "from" spelled as in the JSON contract."""

    model_config = ConfigDict(frozen=True, serialize_by_alias=True)


class Cell(Result):
    """One published number: a mean over n respondents, or suppressed (mean and n None) to protect a small group."""

    mean: float | None = None
    n: int | None = 0
    suppressed: bool = False
    plain_mean: float | None = None


class GroupCount(Result):
    """How many respondents of one agency at one level, None where a small cell is hidden."""

    agency: str
    level: str
    n: int | None
    suppressed: bool


class PriorityDetail(Result):
    """Why the journey priority was chosen: its stage, the threshold and the weakest items of that stage."""

    stage: str
    threshold: float
    weakest_items: list[str]


class Opm(Result):
    """The Outcomes Partnership Model scores: per stage, per stage and level or agency, and the journey priority."""

    by_stage: dict[str, Cell]
    by_stage_level: dict[str, dict[str, Cell]]
    by_stage_agency: dict[str, dict[str, Cell]]
    priority_stage: str | None
    priority_reason: str
    priority_detail: PriorityDetail | None = None


class ItemStat(Result):
    """One rated statement: its tags and, when enough respondents rated it, mean, spread and distribution."""

    framework: str
    item: str
    text: str
    stage: str | None = None
    about_level: str | None = None
    c: str | None = None
    toc_nodes: list[str] = []
    mean: float | None = None
    plain_mean: float | None = None
    n: int | None = 0
    suppressed: bool = False
    dont_know: int | None = None
    distribution: dict[str, int] | None = None
    sd: float | None = None
    polarisation: float | None = None


class Disagreement(Result):
    """A statement the respondents split on: a conversation starter."""

    framework: str
    item: str
    text: str
    mean: float | None
    sd: float
    polarisation: float
    n: int | None


class Gap(Result):
    """A perception gap between two levels, two agencies, or one agency and the rest ("others"), on a stage, C or item.

    `cliffs_delta` is the effect size of the rank test: P(first rates higher) - P(first rates lower), -1 to 1.
    """

    kind: Literal["level", "agency"]
    between: list[str] = Field(min_length=2, max_length=2)
    framework: str
    item: str | None = None
    stage: str | None = None
    c: str | None = None
    difference: float
    cliffs_delta: float | None = None
    mean_a: float | None = None
    mean_b: float | None = None
    n_a: int = 0
    n_b: int = 0
    p: float | None = None
    q: float | None = None
    significant: bool


class TocItem(Result):
    """A statement linked to a Theory of Change node, with its mean."""

    framework: str
    item: str
    text: str
    mean: float | None
    n: int | None


class TocNode(Result):
    """A Theory of Change box: its health from the items linked to it and what puts it at risk."""

    id: str
    tier: str
    label: str
    group: str | None = None
    top: bool = False
    stage: str | None = None  # the OPM stage it maps onto: its tier's (Table 3) unless the partnership's own ToC says
    status: TocStatus
    own_status: TocStatus = "unknown"
    score: float | None = None  # `common` read on the reference 1-5 scale (toolkit.analysis.toc.on_reference)
    common: float | None = None  # 0-1: each statement mapped from its framework's own scale, then averaged
    by_framework: dict[str, float] = {}  # each framework's mean of its statements, on its own scale
    n_items: int = 0
    items: list[TocItem] = []
    weak_upstream: list[str] = []
    path: list[str] = []
    reason: str = ""
    assumptions_failing: list[str] = []


class TocEdge(Result):
    """A link of the Theory of Change, at risk when it lies on the path from a weak node."""

    from_: str = Field(serialization_alias="from", validation_alias=AliasChoices("from_", "from"))
    to: str
    rationale: str = ""
    at_risk: bool


class Assumption(Result):
    """An assumption of the Theory of Change and the area's judgement of it."""

    id: str
    text: str
    status: str
    note: str
    nodes: list[str]


class RetiredBox(Result):
    """A box the partnership's own Theory of Change retired, with the statements still mapped onto it."""

    id: str
    tier: str
    label: str
    items: list[TocItem] = []


class Toc(Result):
    """The Theory of Change health of an area and cycle."""

    nodes: list[TocNode]
    edges: list[TocEdge]
    assumptions: list[Assumption] = []
    retired: list[RetiredBox] = []  # boxes of the partnership's own version no longer in use (none for Kantar's)


class InterventionRef(Result):
    """An intervention that works on a Theory of Change node."""

    id: str
    title: str
    origin: str
    grade: str = ""  # how far the source tested it, in words


class NodeDetail(TocNode):
    """Everything the Theory of Change page shows for one box."""

    path_labels: list[str]
    assumptions: list[Assumption]
    interventions: list[InterventionRef]


class ChangeMeasure(Result):
    """One stage, C or item: its headline before and after (level-balanced, as each cycle's analysis publishes it),
    the plain means beside them, the difference of the headlines, its bootstrap 95% interval, p and q."""

    kind: str
    framework: str
    measure: str
    label: str | None
    before: float | None
    after: float | None
    n_before: int
    n_after: int
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    significant: bool  # a clear change after the false discovery rate correction across the measures
    plain_before: float | None = None  # the plain mean over respondents, shown beside the headline
    plain_after: float | None = None
    p: float | None = None  # Welch's t test of this measure alone (for the level-balanced difference)
    q: float | None = None  # Benjamini-Hochberg across every measure of the change


class Change(Result):
    """The change since the previous cycle."""

    from_: str = Field(serialization_alias="from", validation_alias=AliasChoices("from_", "from"))
    to: str
    measures: list[ChangeMeasure]


class Did(Result):
    """Difference in differences: how much more the treatment group changed than the comparison group."""

    kind: str
    measure: str | None
    n: dict[str, int | None]  # treat_before, treat_after, comp_before, comp_after; None where under the threshold
    means: dict[str, float | None]
    did: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    significant: bool = False
    unit: Literal["area", "respondent"] = "respondent"  # what the interval counts as independent
    interval: str = ""  # how the interval was made, in words
    areas_treatment: list[str] = []
    areas_comparison: list[str] = []
    df: int | None = None
    reliable: bool = True  # False: too few areas for the interval to be trusted (said in note)
    note: str = ""


class AreaAnalysis(Result):
    """The whole analysis of one area and cycle (contracts section 5 keys, and more)."""

    area: str
    cycle: str
    respondents: int
    min_group_size: int
    weighting: str
    respondents_by_agency_level: list[GroupCount]
    dont_know: int
    opm: Opm
    twelve_cs: dict[str, Cell]
    twelve_cs_by_level: dict[str, dict[str, Cell]]
    twelve_cs_groups: dict[str, Cell]
    items: list[ItemStat]
    disagreement: list[Disagreement]
    gaps: list[Gap]
    toc: Toc
    change: Change | None = None


def schema() -> dict[str, Any]:
    """The JSON Schema of `analyse --json`: the serialised AreaAnalysis."""
    return AreaAnalysis.model_json_schema(mode="serialization")


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    """Write the schema as indented JSON with a final newline."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(schema(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write_schema(Path(sys.argv[1]) if len(sys.argv) > 1 else SCHEMA_PATH))
