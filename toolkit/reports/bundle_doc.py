"""The shape of an area bundle (pydantic), shared by its export and its import."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from toolkit.core import ids
from toolkit.store.plans import STEP_STATUSES

BUNDLE_FORMAT = "safeguarding-partnership-toolkit/area-bundle"
BUNDLE_VERSION = 1


class BundleError(ValueError):
    """A bundle that cannot be imported; nothing was written. The message lists what is wrong."""


# The bundle's shape is validated on import, so a damaged or hand-edited file is refused cleanly.


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


Stamp = str | None


# A score is kept as given (true stays true, not 1), so the one rating check (capture.validate) can refuse it.
Score = int | bool | None


class HistoryDoc(_M):
    score: Score
    comment: str
    recorded_at: Stamp
    replaced_at: Stamp
    replaced_by: str


class RatingDoc(_M):
    framework: str = Field(max_length=80)
    item: str = Field(max_length=80)
    score: Score
    comment: str = Field(max_length=4000)
    updated_at: Stamp
    history: list[HistoryDoc] = []


class RespondentDoc(_M):
    pseudonym: str = Field(min_length=1, max_length=100)
    agency: Literal[ids.AGENCIES]  # type: ignore[valid-type]
    level: Literal[ids.LEVELS]  # type: ignore[valid-type]
    created_at: Stamp
    ratings: list[RatingDoc]


class ReviewDoc(_M):
    assumption: str = Field(max_length=80)
    status: Literal["holds", "doubtful", "fails", "unknown"]
    note: str
    updated_at: Stamp
    updated_by: str


class ShortlistDoc(_M):
    intervention: str = Field(max_length=80)
    position: int
    added_by: str
    added_at: Stamp


class ApeaseDoc(_M):
    intervention: str = Field(max_length=80)
    criterion: Literal[ids.APEASE]  # type: ignore[valid-type]
    rater: str = Field(min_length=1, max_length=100)
    score: Score
    note: str
    updated_at: Stamp


class DecisionDoc(_M):
    intervention: str = Field(max_length=80)
    selected: bool
    rationale: str
    decided_by: str
    decided_at: Stamp


class StepDoc(_M):
    position: int
    text: str
    owner: str
    messenger: str | None
    channel: str | None
    due: str | None
    status: Literal[STEP_STATUSES]  # type: ignore[valid-type]
    updated_by: str
    updated_at: Stamp


class GoalDoc(_M):
    key: str
    intervention: str = Field(max_length=80)
    title: str
    toc_nodes: list[str]
    items: list[dict]
    set_in: str
    carried_from: str | None
    position: int
    created_by: str
    created_at: Stamp
    steps: list[StepDoc]


class CycleDoc(_M):
    name: str = Field(min_length=1, max_length=100)
    created_at: Stamp
    starts_on: str | None = None  # YYYY-MM-DD; a bundle made before cycles had start dates has none
    respondents: list[RespondentDoc]
    assumption_reviews: list[ReviewDoc] = []
    shortlist: list[ShortlistDoc] = []
    apease_scores: list[ApeaseDoc] = []
    decisions: list[DecisionDoc] = []
    plan_goals: list[GoalDoc] = []
    # Scrutiny and workshops as plain rows of their tables (checked column by column in bundle_rows).
    evidence: list[dict] = []
    trail: list[dict] = []
    checks: list[dict] = []
    assurance: list[dict] = []
    validations: list[dict] = []
    workshops: list[dict] = []


class AreaDoc(_M):
    name: str = Field(min_length=1, max_length=200)
    tags: dict
    context: dict
    fictional: bool
    created_at: Stamp


class TocVersionDoc(_M):
    """One saved version of the area's own Theory of Change (the document is checked on import by its own model)."""

    number: int = Field(ge=1)
    cycle: str | None = None  # the cycle it was made in, by name
    doc: dict
    note: str = ""
    created_at: Stamp
    created_by: str = ""


class BundleDoc(_M):
    format: Literal["safeguarding-partnership-toolkit/area-bundle"]
    version: Literal[1]
    exported_at: str
    area: AreaDoc
    cycles: list[CycleDoc]
    toc_versions: list[TocVersionDoc] = []  # (bundles made before the living Theory of Change have none)
