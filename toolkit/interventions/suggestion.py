"""A suggested intervention: the library entry, how strongly the area's results point to it, and why."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from toolkit.core.schema import Citation


class Suggestion(BaseModel):
    """One ranked suggestion; `suggest --json` is a list of these dumped (contracts section 5)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title: str
    score: float  # relevance after the pull-down for overlap with better-ranked suggestions
    relevance: float
    overlap: float
    reasons: list[str]
    stages: list[str]
    levels: list[str]
    cs: list[str]
    toc_nodes: list[str]
    agencies: list[str]
    origin: str
    barrier: str
    problem_statement: str
    description: str
    mechanism: str
    com_b: list[str]
    evidence: str | None
    evidence_grade: str
    effort: str | None  # the toolkit's own judgement where effort_cost_basis says so
    cost: str | None
    effort_cost_basis: str | Citation | None
    source: Citation
    agency_reach: float
    stage_factor: float
    basis: Literal["below_threshold", "weakest_in_area"]
