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
    levels: list[Id] = []  # the levels its source places it at; statements ask it at each of them
    levels_note: str | None = None  # why those levels, marked "(our reading)" where the source names none
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
    source: Citation


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
    level: Id | None = None  # a level id, or "all" (ids.ALL_LEVELS)
    scale: Id | None = None  # one of the framework's named `scales`; none: the framework's `scale`
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
    """A link between two boxes. Figure 2 draws none, so each is the toolkit's reading of the finding it cites."""

    from_: Id = Field(alias="from")
    to: Id
    rationale: Text
    source: Citation


class Assumption(Strict):
    id: Id
    text: Text
    nodes: list[Id]
    source: Citation


class OpmMapping(Strict):
    stage: Id
    tier: Literal["inputs", "outputs", "intermediate_outcomes", "ultimate_outcomes"]
    description: Text
    source: Citation


ComB = Literal[
    "physical_capability",
    "psychological_capability",
    "physical_opportunity",
    "social_opportunity",
    "reflective_motivation",
    "automatic_motivation",
]
Level3 = Literal["low", "medium", "high"]

# How far an intervention's source tested it, strongest first (ranking weighs by this order).
EVIDENCE_GRADES: dict[str, str] = {
    "single_quasi_experiment": "Tested once: one quasi-experiment at one site, with a self-selected group",
    "part_of_tested_package": "Part of a package tested once; its own effect cannot be separated",
    "inspection_example": "Practice inspectors saw in named areas; not evaluated",
    "review_judgement": "A reviewer's judgement from partners' accounts and submissions; not evaluated",
    "practitioner_accounts": "Drawn from practitioners' accounts in interviews and focus groups; not evaluated",
    "report_lesson": "A lesson the report draws from its project; not tested on its own",
    "three_interviews": "An idea discussed in three interviews with strategic leaders; not trialled",
    "untested_idea": "An idea from a design workshop; never tested",
}
EvidenceGrade = Literal[
    "single_quasi_experiment",
    "part_of_tested_package",
    "inspection_example",
    "review_judgement",
    "practitioner_accounts",
    "report_lesson",
    "three_interviews",
    "untested_idea",
]
# Effort and cost: no source rates them, so they cite one or say they are the toolkit's own judgement.
TOOLKIT_JUDGEMENT = "the toolkit's own judgement; no source rates effort or cost"


class Intervention(Strict):
    """A behavioural intervention or recommendation a partnership could adopt."""

    id: Id
    title: Text
    origin: Literal["shortlist", "longlist", "recommendation", "evaluated", "inspection", "review"]
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
    evidence_grade: EvidenceGrade
    effort: Level3 | None = None
    cost: Level3 | None = None
    effort_cost_basis: Literal["toolkit_judgement"] | Citation | None = None
    recommendation: Id | None = None
    source: Citation

    @model_validator(mode="after")
    def _effort_cost_say_whose(self) -> Intervention:
        if (self.effort or self.cost) and self.effort_cost_basis is None:
            raise ValueError("effort or cost needs effort_cost_basis: a source, or toolkit_judgement")
        return self

    @property
    def grade_label(self) -> str:
        return EVIDENCE_GRADES[self.evidence_grade]

    @property
    def effort_cost_note(self) -> str:
        """Effort and cost as a reader should take them: whose judgement they are."""
        parts = [f"{w} {v}" for w, v in (("effort", self.effort), ("cost", self.cost)) if v]
        if not parts:
            return ""
        whose = TOOLKIT_JUDGEMENT if self.effort_cost_basis == "toolkit_judgement" else "cited"
        return f"{', '.join(parts).capitalize()} ({whose})"


class Guidance(Strict):
    """One row of Kantar's implementation guidance (Table 2)."""

    id: Id
    theme: Text
    question: Text
    findings: list[Text]
    advice: list[Text]
    source: Citation


class ShortForm(Strict):
    """The short form of a rated framework: its core statements, and the rule that chose them from the sources.

    The rest of the bank stays as optional deep dives. `stands_for` lists what the rule starts from, in the order the
    source names it (for the OPM, the drivers and barriers Kantar's overview of each stage names); docs/short-form.md
    gives the rule with its reasons, and toolkit.core.forms applies it, so a test can check the list against it.
    """

    rule: Text
    source: Citation
    stands_for: list[Id] = []
    items: list[Id] = Field(min_length=1)


class Framework(Strict):
    """Every framework file, rated or reference, passes this one model."""

    schema_version: Literal[1]
    id: Id
    kind: Literal["rated", "reference"]
    title: Text
    description: Text
    source: Citation
    applies_to: str | None = None  # the jurisdiction and bodies the framework's sources speak of
    sources_dated: str | None = None  # when its sources were written
    context_note: str | None = None  # where statutory arrangements have moved on since: context, not a finding
    references: list[Reference] = []
    scale: Scale | None = None
    scales: dict[str, Scale] = {}  # named scales items may choose; each spans the same range as `scale`
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
    short_form: ShortForm | None = None  # rated only: the core statements a participant answers in about ten minutes

    @model_validator(mode="after")
    def _rated_has_scale_and_items(self) -> Framework:
        if self.kind == "rated" and (self.scale is None or not self.items):
            raise ValueError("a rated framework needs a scale and at least one item")
        for name, sc in self.scales.items():
            if self.scale is None or (sc.min, sc.max) != (self.scale.min, self.scale.max):
                raise ValueError(f"scale {name!r} must span the same range as the framework's scale")
        for it in self.items:
            if it.scale is not None and it.scale not in self.scales:
                raise ValueError(f"item {it.id!r} names scale {it.scale!r}, which is not among this file's scales")
        if self.short_form is not None:
            if self.kind != "rated":
                raise ValueError("only a rated framework has a short form")
            known = {i.id for i in self.items}
            seen: set[str] = set()
            for ref in self.short_form.items:
                if ref not in known:
                    raise ValueError(f"short_form.items names {ref!r}, which is not among this file's items")
                if ref in seen:
                    raise ValueError(f"short_form.items names {ref!r} more than once")
                seen.add(ref)
        return self

    @cached_property
    def item_index(self) -> dict[str, Item]:
        return {i.id: i for i in self.items}
