"""How far the framework files cover their sources: each source element, how many the source has, how many the files hold.

The "in the source" numbers are read from the reports (the citation says where); the "in the files" numbers are
counted from the loaded catalogue, so a file that drops or adds an entry shows here as a gap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from toolkit.core.frameworks import Catalogue


@dataclass(frozen=True)
class Row:
    source: str  # report id
    element: str
    where: str  # where the source has it
    in_source: int
    in_files: int
    entries: str  # where the files hold it
    note: str = ""

    @property
    def covered(self) -> bool:
        return self.in_files == self.in_source

    def as_dict(self) -> dict:
        return {**self.__dict__, "covered": self.covered}


def _factors(cat: Catalogue, kind: str) -> int:
    return sum(len(getattr(s, kind)) for s in cat.opm.stages)


def _level_cells(cat: Catalogue) -> tuple[int, int]:
    """(driver/barrier-level cells the source names, those with at least one statement)."""
    asked = {(it.basis.ref, it.level) for it in cat.opm.items if it.basis is not None}
    cells = [(f.id, lv) for s in cat.opm.stages for f in (*s.drivers, *s.barriers) for lv in f.levels]
    return len(cells), sum(1 for c in cells if c in asked)


def _origin(cat: Catalogue, origin: str, report: str | None = None) -> int:
    return sum(1 for iv in cat.interventions if iv.origin == origin and (report is None or iv.source.report == report))


def _tier(cat: Catalogue, tier: str) -> int:
    return sum(1 for n in cat.toc.nodes if n.tier == tier)


def _criteria(cat: Catalogue, prefix: str) -> int:
    return sum(1 for c in cat.get("yearly_report").criteria if c.id.startswith(prefix))


def rows(cat: Catalogue) -> list[Row]:
    recs = [r.id for c in cat.twelve_cs.cs for r in c.recommendations]
    held = {iv.recommendation for iv in cat.interventions if iv.recommendation}
    named, asked = _level_cells(cat)
    spec: list[tuple[str, str, str, int, Callable[[Catalogue], int], str, str]] = [
        ("kantar2021", "OPM stages", "2.1, Figure 1", 4, lambda c: len(c.opm.stages), "opm.yaml stages", ""),
        ("kantar2021", "Levels", "Annex 2, 2.1", 3, lambda c: len(c.opm.levels), "opm.yaml levels", ""),
        ("kantar2021", "Drivers", "2.2.1, 2.3.1, 2.4.1, 2.5.1", 12, lambda c: _factors(c, "drivers"), "opm.yaml", ""),
        ("kantar2021", "Barriers", "2.2.2, 2.3.2, 2.4.2, 2.5.2", 13, lambda c: _factors(c, "barriers"), "opm.yaml", ""),
        (
            "kantar2021",
            "Driver or barrier at a level the source places it",
            "2.2 to 2.5",
            named,
            lambda c: asked,
            "opm.yaml items (basis, level)",
            "the levels are each entry's `levels`, read from the source",
        ),
        (
            "kantar2021",
            "Shortlisted interventions",
            "3.1, Table 1",
            8,
            lambda c: _origin(c, "shortlist"),
            "interventions.yaml",
            "",
        ),
        (
            "kantar2021",
            "Longlisted interventions",
            "Annex 3",
            20,
            lambda c: _origin(c, "longlist"),
            "interventions.yaml",
            "",
        ),
        (
            "kantar2021",
            "Implementation guidance themes",
            "3.2, Table 2",
            6,
            lambda c: len(c.get("implementation_guidance").guidance),
            "implementation_guidance.yaml",
            "",
        ),
        (
            "kantar2021",
            "Theory of Change inputs",
            "Annex 1, Figure 2",
            12,
            lambda c: _tier(c, "inputs"),
            "theory_of_change.yaml nodes",
            "",
        ),
        (
            "kantar2021",
            "Theory of Change outputs",
            "Annex 1, Figure 2",
            12,
            lambda c: _tier(c, "outputs"),
            "theory_of_change.yaml nodes",
            "",
        ),
        (
            "kantar2021",
            "Theory of Change intermediate outcomes",
            "Annex 1, Figure 2",
            10,
            lambda c: _tier(c, "intermediate_outcomes"),
            "theory_of_change.yaml nodes",
            "",
        ),
        (
            "kantar2021",
            "Theory of Change ultimate outcomes",
            "Annex 1, Figure 2",
            7,
            lambda c: _tier(c, "ultimate_outcomes"),
            "theory_of_change.yaml nodes",
            "",
        ),
        (
            "kantar2021",
            "Theory of Change assumptions",
            "Annex 1, 1.1",
            11,
            lambda c: len(c.toc.assumptions),
            "theory_of_change.yaml assumptions",
            "",
        ),
        (
            "kantar2021",
            "OPM to Theory of Change mapping",
            "Annex 1, Table 3",
            4,
            lambda c: len(c.toc.opm_mapping),
            "theory_of_change.yaml opm_mapping",
            "",
        ),
        (
            "kantar2021",
            "APEASE criteria",
            "Annex 2, 2.4.2, Table 4",
            6,
            lambda c: len(c.get("apease").criteria),
            "apease.yaml criteria",
            "",
        ),
        ("wales2022", "The 12 C's", "4.1, Figures 2 and 3", 12, lambda c: len(c.twelve_cs.cs), "twelve_cs.yaml cs", ""),
        (
            "wales2022",
            "Groups of C's",
            "4.1, Figure 2",
            2,
            lambda c: len(c.twelve_cs.groups),
            "twelve_cs.yaml groups",
            "",
        ),
        (
            "wales2022",
            "12 C's recommendations held as interventions",
            "4.1, each C's recommendations",
            len(recs),
            lambda c: sum(1 for r in recs if r in held),
            "interventions.yaml (recommendation)",
            "the source count is the file's reading of each C's list of points",
        ),
        (
            "social_engine2021",
            "Evaluated intervention parts",
            "Intervention Design and Delivery: Intervention design features, Figure 3; Findings: Trial Results",
            2,
            lambda c: _origin(c, "evaluated"),
            "interventions.yaml",
            "",
        ),
        (
            "social_engine2021",
            "Lessons learnt",
            "Conclusions and lessons learnt: Lessons Learnt (Consistency and coherence; Using stakeholder insight and "
            "adopting a behavioural perspective; Embedding an evidence-based culture of experimentation)",
            4,
            lambda c: _origin(c, "recommendation", "social_engine2021"),
            "interventions.yaml",
            "the count is the file's reading: four lessons under three headings (feedback to DSLs is a paragraph of the "
            "third)",
        ),
        (
            "ofsted",
            "Components of successful partnerships, as locally actionable points",
            "Components of successful partnerships: its headings, from 'Effective, ambitious child-focused leadership "
            "within and across partners' to 'Engaging children in strategic developments'",
            11,
            lambda c: _origin(c, "inspection"),
            "interventions.yaml",
            "the count is the file's selection; commentary on national policy left out",
        ),
        (
            "wood2021",
            "What the yearly report must comment on and include",
            "paragraph 106",
            6,
            lambda c: _criteria(c, "contains_"),
            "yearly_report.yaml criteria",
            "",
        ),
        (
            "wood2021",
            "Areas for development of yearly reports",
            "paragraph 109",
            6,
            lambda c: _criteria(c, "develop_"),
            "yearly_report.yaml criteria",
            "",
        ),
        (
            "wood2021",
            "Assurance of the yearly report",
            "paragraphs 106, 108, 110-116",
            4,
            lambda c: _criteria(c, "assure_"),
            "yearly_report.yaml criteria",
            "",
        ),
        (
            "wood2021",
            "Recommendations addressed to local partners",
            "Recommendations, 17",
            1,
            lambda c: sum(1 for iv in c.interventions if "recommendation 17" in iv.source.section),
            "interventions.yaml",
            "the other 20 are national and left out, as the file says",
        ),
        (
            "wood2021",
            "Locally actionable findings",
            "paragraphs 5-186; Appendix 4",
            16,
            lambda c: _origin(c, "review"),
            "interventions.yaml",
            "the count is the file's selection, not a number the report gives",
        ),
    ]
    return [Row(s, e, w, n, f(cat), where, note) for s, e, w, n, f, where, note in spec]


def markdown(table: list[Row]) -> str:
    lines = [
        "# Framework coverage",
        "",
        "Generated by `python -m toolkit frameworks coverage`; a test checks this file is current.",
        "Each row is an element of a source report, how many the source has (where), and how many the framework",
        "files hold.",
        "",
        "| source | element | where in the source | in the source | in the files | covered | held in | note |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in table:
        lines.append(
            f"| {r.source} | {r.element} | {r.where} | {r.in_source} | {r.in_files} | "
            f"{'yes' if r.covered else 'NO'} | {r.entries} | {r.note} |"
        )
    return "\n".join(lines) + "\n"
