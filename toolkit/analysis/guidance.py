"""The 12 C's good practice and recommendations beside an area's own score for each C (issue 17).

The good practice and recommendations are the framework file's own wording of the Liverpool John Moores University
report for Wales (2022), section 4.1, each C cited to its part of that section; the score is the analysis's figure
for the C, so the page shows the same number as the chart and the report.
"""

from __future__ import annotations

from toolkit.analysis.results import AreaAnalysis, Cell, Result
from toolkit.core.frameworks import Catalogue


class Advice(Result):
    """A recommendation of the source, in our words, with where the source gives it."""

    id: str
    text: str
    cited: str  # "wales2022, 4.1, C1 Clarity, recommendation 1"


class CGuidance(Result):
    """One C: the area's figure for it, and what the source found works and recommends."""

    c: str
    number: int
    name: str
    explanation: str
    score: Cell
    weak: bool  # the score is under the priority threshold: read this C's practice first
    good_practice: list[str]
    good_practice_cited: str  # where the source describes it
    recommendations: list[Advice]


def _cite(report: str, section: str) -> str:
    return f"{report}, {section}"


def twelve_cs_guidance(a: AreaAnalysis, cat: Catalogue, threshold: float) -> list[CGuidance]:
    """Every C in the model's order with the area's score beside its good practice and recommendations."""
    out = []
    for c in cat.twelve_cs.cs:
        cell = a.twelve_cs.get(c.id, Cell())
        out.append(
            CGuidance(
                c=c.id,
                number=c.number,
                name=c.name,
                explanation=c.explanation,
                score=cell,
                weak=cell.mean is not None and cell.mean < threshold,
                good_practice=list(c.good_practice),
                good_practice_cited=_cite(c.source.report, c.source.section),
                recommendations=[
                    Advice(id=r.id, text=r.text, cited=_cite(r.source.report, r.source.section))
                    for r in c.recommendations
                ],
            )
        )
    return out
