"""Typed benchmark results: a measure against peers, an area's row, and the benchmark of a whole cycle."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


def _false(value: bool) -> bool:
    return not value


class PeerStats(BaseModel):
    """The peers' quartiles on one measure, and how many peer areas have a value there."""

    model_config = ConfigDict(frozen=True)

    areas: int
    q1: float | None
    median: float | None
    q3: float | None


class Cell(BaseModel):
    """One measure of one area: value, respondents, percentile rank and peer quartiles (None where not shown)."""

    model_config = ConfigDict(frozen=True)

    mean: float | None
    n: int | None
    percentile: float | None
    peer: PeerStats | None
    # Written out only when true (the key's presence says the value was hidden, as before the model).
    suppressed: bool = Field(default=False, exclude_if=_false)


class Measure(Cell):
    """A Cell of one area's comparison, with the number of peer areas that have a value on it."""

    peer_areas: int


class StageCell(Cell):
    """A stage of one area, with its level breakdown."""

    by_level: dict[str, Cell]


class Card(BaseModel):
    """A headline card: percentile rank as an ordinal, change since the last cycle, and a caption."""

    model_config = ConfigDict(frozen=True)

    key: str
    label: str
    value: str
    delta: str | None
    caption: str


class Change(BaseModel):
    """The change in an area's overall value since an earlier cycle."""

    model_config = ConfigDict(frozen=True, serialize_by_alias=True)

    from_cycle: str = Field(serialization_alias="from")
    overall: float | None


class BenchmarkRow(BaseModel):
    """One area of a cycle against its peers (contracts section 5: area, respondents, overall, percentile, ...)."""

    model_config = ConfigDict(frozen=True)

    area: str
    respondents: int | None
    overall: float | None
    percentile: float | None
    peer: PeerStats | None
    peer_areas: int
    by_stage: dict[str, StageCell]
    twelve_cs: dict[str, Cell]
    tags: dict[str, Any] | None = Field(default=None, exclude_if=lambda v: v is None)
    change: Change | None = Field(default=None, exclude_if=lambda v: v is None)


class CycleBenchmark(BaseModel):
    """Every area of a cycle against its peers (`benchmark --json` is its model_dump)."""

    model_config = ConfigDict(frozen=True)

    cycle: str
    named: bool
    peers: str
    min_group_size: int
    min_peer_areas: int
    method: str
    areas: list[BenchmarkRow]
