"""The one pydantic schema every framework file passes, rated or reference."""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = 1

# The five reports the toolkit is built from; a user framework may add its own under `references`.
REPORTS: dict[str, str] = {
    "kantar2021": "Kantar Public (2021), Multi-agency reform: key behavioural drivers and barriers",
    "ofsted": "Ofsted, commentary on the components of successful safeguarding partnerships",
    "wales2022": (
        "McManus, Ball, McElwee and Astley, LJMU (2022), Shaping the future of multi-agency "
        "safeguarding arrangements in Wales: what does 'good' look like?"
    ),
    "social_engine2021": (
        "Social Engine for Warwickshire County Council (2021), Applying behavioural insights "
        "to support DSLs with safeguarding decision making"
    ),
    "wood2021": "Sir Alan Wood (2021), Wood Report: review of multi-agency safeguarding arrangements",
}

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=80)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]


class Strict(BaseModel):
    """Base for every schema node: unknown fields are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Citation(Strict):
    """Where a statement comes from: a report id and a section (or table, figure, annex)."""

    report: Id
    section: Text


class Reference(Strict):
    """A report cited by a user framework, beyond the five built in."""

    id: Id
    title: Text


class ScalePoint(Strict):
    value: int
    label: Text


class Scale(Strict):
    """An integer rating scale with a label for every point; don't-know is always offered as blank."""

    min: int
    max: int
    points: list[ScalePoint]
    dont_know_label: Text = "Don't know"

    @model_validator(mode="after")
    def _points_cover_range(self) -> Scale:
        values = [p.value for p in self.points]
        if self.min >= self.max:
            raise ValueError(f"min ({self.min}) must be below max ({self.max})")
        if values != list(range(self.min, self.max + 1)):
            raise ValueError(f"points must label every value from {self.min} to {self.max} in order")
        return self

    def label(self, value: int | None) -> str:
        """The label of a scale value, or the don't-know label for a blank."""
        if value is None:
            return self.dont_know_label
        return next(p.label for p in self.points if p.value == value)


class Factor(Strict):
    """A driver or barrier of one OPM stage."""

    id: Id
    title: Text
    description: Text
    source: Citation


class Stage(Strict):
    id: Id
    name: Text
    question: Text
    summary: Text
    by_level: dict[str, Text] = {}
    drivers: list[Factor] = []
    barriers: list[Factor] = []
    source: Citation


class Named(Strict):
    """A plain named entry: a level, a context factor, a group, a criterion, an option."""

    id: Id
    name: Text
    description: Text
    question: str | None = None
    source: Citation | None = None


class Recommendation(Strict):
    id: Id
    text: Text


class Construct(Strict):
    """One of the 12 C's (or a user framework's equivalent dimension)."""

    id: Id
    number: int
    name: Text
    group: Id
    explanation: Text
    good_practice: list[Text] = []
    recommendations: list[Recommendation] = []
    source: Citation


class Dependency(Strict):
    """One C underpinning another, as the report states it or as we infer it from its evidence."""

    from_: Id = Field(alias="from")
    to: Id
    basis: Literal["stated", "inferred"]
    note: Text
    source: Citation


class Basis(Strict):
    """The driver or barrier a rated statement is drawn from."""

    kind: Literal["driver", "barrier"]
    ref: Id


class Item(Strict):
    """A rateable statement."""

    id: Id
    text: Text
    stage: Id | None = None
    level: Id | None = None
    cs: list[Id] = []
    toc_nodes: list[Id] = []
    basis: Basis | None = None
    source: Citation


class Node(Strict):
    """A box of the Theory of Change."""

    id: Id
    tier: Literal["inputs", "outputs", "intermediate_outcomes", "ultimate_outcomes"]
    label: Text
    group: Id | None = None
    description: str | None = None
    top: bool = False
    source: Citation


class Edge(Strict):
    from_: Id = Field(alias="from")
    to: Id
    rationale: Text


class Assumption(Strict):
    id: Id
    text: Text
    nodes: list[Id]
    source: Citation


class OpmMapping(Strict):
    stage: Id
    tier: Literal["inputs", "outputs", "intermediate_outcomes", "ultimate_outcomes"]
    description: Text


ComB = Literal[
    "physical_capability",
    "psychological_capability",
    "physical_opportunity",
    "social_opportunity",
    "reflective_motivation",
    "automatic_motivation",
]
Level3 = Literal["low", "medium", "high"]


class Intervention(Strict):
    """A behavioural intervention or recommendation a partnership could adopt."""

    id: Id
    title: Text
    origin: Literal["shortlist", "longlist", "recommendation", "proven", "inspection", "review"]
    barrier: Text
    problem_statement: Text
    description: Text
    stages: list[Id] = []
    levels: list[Id] = []
    cs: list[Id] = []
    toc_nodes: list[Id] = []
    agencies: list[Id] = []
    com_b: list[ComB] = []
    mechanism: Text
    evidence: str | None = None
    effort: Level3 | None = None
    cost: Level3 | None = None
    recommendation: Id | None = None
    source: Citation


class Guidance(Strict):
    """One row of Kantar's implementation guidance (Table 2)."""

    id: Id
    theme: Text
    question: Text
    findings: list[Text]
    advice: list[Text]
    source: Citation


class Framework(Strict):
    """Every framework file, rated or reference, passes this one model."""

    schema_version: Literal[1]
    id: Id
    kind: Literal["rated", "reference"]
    title: Text
    description: Text
    source: Citation
    references: list[Reference] = []
    scale: Scale | None = None
    stages: list[Stage] = []
    levels: list[Named] = []
    context_factors: list[Named] = []
    groups: list[Named] = []
    cs: list[Construct] = []
    dependencies: list[Dependency] = []
    items: list[Item] = []
    node_groups: list[Named] = []
    nodes: list[Node] = []
    edges: list[Edge] = []
    assumptions: list[Assumption] = []
    opm_mapping: list[OpmMapping] = []
    interventions: list[Intervention] = []
    criteria: list[Named] = []
    guidance: list[Guidance] = []
    messengers: list[Named] = []
    channels: list[Named] = []

    @model_validator(mode="after")
    def _rated_has_scale_and_items(self) -> Framework:
        if self.kind == "rated" and (self.scale is None or not self.items):
            raise ValueError("a rated framework needs a scale and at least one item")
        return self

    @cached_property
    def item_index(self) -> dict[str, Item]:
        return {i.id: i for i in self.items}
