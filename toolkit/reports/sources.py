"""The citations a report makes, collected as it is built, and the closing "Sources cited" section."""

from __future__ import annotations

from toolkit.core.browse import cite
from toolkit.core.schema import REPORTS, Citation, Framework
from toolkit.reports.blocks import Paragraph, Section, Table


class Sources:
    """The citations a report makes, collected as it is built."""

    def __init__(self) -> None:
        self.cited: dict[str, set[str]] = {}

    def __call__(self, c: Citation, fw: Framework | None = None) -> str:
        self.cited.setdefault(c.report, set()).add(c.section)
        return cite(c, fw)

    def section(self) -> Section:
        rows = [[REPORTS.get(r, r), "; ".join(sorted(secs))] for r, secs in sorted(self.cited.items())]
        rows += [[t, "-"] for r, t in REPORTS.items() if r not in self.cited]
        return Section(
            "Sources cited",
            [
                Paragraph(
                    "The frameworks in this report are taken from these public reports; descriptions are in "
                    "the toolkit's own words. Sections cited in this report are listed beside each report."
                ),
                Table(["Report", "Sections cited here"], rows, "", [3, 2]),
            ],
        )
