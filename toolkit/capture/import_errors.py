"""What an import of a ratings file reports: the refusal that lists every problem, and what a good import did."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NoReturn

from toolkit.capture.validate import RowError


class RatingsFileError(Exception):
    """A ratings file that cannot be imported; nothing was written. Lists the problems (up to a limit; all counted)."""

    def __init__(self, file: str, errors: list[RowError], *, total: int | None = None):
        self.file = file
        self.errors = errors
        self.total = max(total or 0, len(errors))
        rows = len({(e.sheet, e.row) for e in errors if e.row})
        head = (
            f"{file}: nothing was imported. {self.total} problem(s)"
            + (f" in {rows} row(s)" if rows and self.total == len(errors) else "")
            + ":"
        )
        more = [f"  ... and {self.total - len(errors)} more problem(s) not listed"] if self.total > len(errors) else []
        super().__init__("\n".join([head, *(f"  {e}" for e in errors), *more]))


def refuse(file: str, reason: str, *, row: int = 0, column: str = "", value: str = "", sheet: str = "") -> NoReturn:
    """Refuse the whole file for one reason (a file-level problem: its encoding, its structure, a limit)."""
    raise RatingsFileError(file, [RowError(row, column, value, reason, sheet)])


@dataclass
class ImportResult:
    file: str
    rows: int
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    respondents_added: int = 0
    encoding: str = "utf-8"
    area_cycles: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.file}: {self.rows} rows read; {self.inserted} new ratings, {self.updated} changed, "
            f"{self.unchanged} already present; {self.respondents_added} new respondents "
            f"in {len(self.area_cycles)} area-cycle(s)."
        )
