"""Ratings files in (contracts section 4): CSV or XLSX, long format, read as a stream, checked and imported all or
nothing, in memory that does not grow with the file.

Two passes. The first reads the file a batch at a time (TOOLKIT_IMPORT_BATCH_ROWS), checks each batch with the one
validator and across batches (capture.across), and spills the checked batches to a temporary file; it writes
nothing, so a refused file leaves the session exactly as the caller had it. The second takes the import lock,
checks against the database, and writes the spilled batches in the caller's one transaction.
"""

from __future__ import annotations

import dataclasses
import io
import pickle
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

import pandas as pd
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from toolkit.capture.across import Across
from toolkit.capture.csv_rows import Lenient, csv_rows, encoding_name
from toolkit.capture.import_errors import ImportResult, RatingsFileError, refuse
from toolkit.capture.import_write import Writer, conflicts, lock_imports
from toolkit.capture.validate import COLUMNS, TEXT_COLUMNS, RowError, check_table, rules
from toolkit.capture.xlsx_rows import xlsx_sheets
from toolkit.core.frameworks import Catalogue
from toolkit.core.settings import Settings, get_settings
from toolkit.core.text import restore
from toolkit.store.audit import CLI
from toolkit.store.models import utcnow

__all__ = ["ImportResult", "RatingsFileError", "import_ratings", "import_table", "read_table", "validate"]

REQUIRED = COLUMNS[:-1]
Source = bytes | bytearray | BinaryIO | Path


@dataclass
class _Part:
    """Rows of one sheet (a CSV file is one sheet, named ""): (row number as a spreadsheet shows it, cells)."""

    sheet: str
    rows: Iterator[tuple[int, list[str]]]
    problems: list[RowError] = dataclasses.field(default_factory=list)


def _parts(stream: BinaryIO, file: str, cfg: Settings, *, lenient: bool) -> tuple[Iterator[_Part], str]:
    stream.seek(0)
    head = stream.read(4)
    if file.lower().endswith((".xlsx", ".xlsm")) or head[:2] == b"PK":
        return (_Part(s.name, s.rows, s.problems) for s in xlsx_sheets(stream, file, cfg)), "xlsx"
    encoding = encoding_name(stream, file)
    return iter([_Part("", enumerate(csv_rows(stream, file, lenient=lenient), 1))]), encoding


def _blank(r: list[str]) -> bool:
    return not (r and r[0] and not r[0].isspace()) and not "".join(r).strip()  # (the first test is the fast one)


def _header(part: _Part, file: str, csv_file: bool) -> tuple[int, list[str]] | None:
    """The part's header (its first row that is not blank), checked; None if the part is empty."""
    found = next(((n, r) for n, r in part.rows if not _blank(r)), None)
    if found is None:
        return None
    number, header = found[0], [h.strip().lower() for h in found[1]]
    while header and not header[-1]:  # trailing blank cells (a formatted empty column, trailing commas)
        header.pop()
    sheet = part.sheet
    for sep, name in ((";", "semicolons"), ("\t", "tabs")):
        if csv_file and len(header) == 1 and header[0].count(sep) >= len(REQUIRED) - 1:  # Excel in European locales
            reason = (
                f"has its columns separated by {name}, not commas; save it as 'CSV UTF-8 (comma delimited)' or .xlsx"
            )
            refuse(file, reason, row=number)
    if not csv_file and not set(header) & set(COLUMNS):
        refuse(
            file,
            "holds data but no ratings header: every sheet with data is read, and its first row must be the columns "
            f"{', '.join(COLUMNS)}; move these rows to another file or delete the sheet",
            row=number,
            sheet=sheet,
        )
    errors = [
        RowError(number, h or f"(column {i + 1})", h, "is not a column of a ratings file", sheet)
        for i, h in enumerate(header)
        if h not in COLUMNS
    ]
    errors += [RowError(number, c, "", "is missing from the header", sheet) for c in REQUIRED if c not in header]
    errors += [
        RowError(number, c, c, "appears more than once in the header", sheet)
        for c in sorted({h for h in header if h and header.count(h) > 1})
    ]
    if errors:
        raise RatingsFileError(file, errors)
    return number, header


def _batches(part: _Part, header: list[str], size: int, long_rows: list[RowError]) -> Iterator[pd.DataFrame]:
    """The part's rows below its header as tables of `size` rows (strings, indexed by row number)."""
    width = len(header)
    numbers: list[int] = []
    chunk: list[list[str]] = []
    for number, r in part.rows:
        if not (r and r[0] and not r[0].isspace()) and not "".join(r).strip():  # blank (_blank, inlined: per row)
            continue
        if len(r) != width:
            if len(r) > width and any(c.strip() for c in r[width:]):
                long_rows.append(
                    RowError(number, "", "", f"has more cells than the header's {width} columns", part.sheet)
                )
            r = (r + [""] * width)[:width]
        numbers.append(number)
        chunk.append(r)
        if len(chunk) == size:
            yield _frame(header, numbers, chunk)
            numbers, chunk = [], []
    if chunk:
        yield _frame(header, numbers, chunk)


def _frame(header: list[str], numbers: list[int], chunk: list[list[str]]) -> pd.DataFrame:
    df = pd.DataFrame(dict(zip(header, zip(*chunk, strict=True), strict=True)), dtype=object)
    if "comment" not in df:
        df["comment"] = ""
    df.index = pd.Index(numbers)  # row numbers as a spreadsheet shows them
    return cast(pd.DataFrame, df[COLUMNS])


def validate(df: pd.DataFrame, catalogue: Catalogue) -> tuple[pd.DataFrame, list[RowError]]:
    """Check every row (capture.validate's rules); return the clean table (typed scores, restored text) and errors."""
    df = df.copy()
    for col in TEXT_COLUMNS:
        text = df[col].astype(str)
        df[col] = text.str.strip() if col != "comment" else text
        quoted = df[col].str.startswith("'")  # a cell an export neutralised; most cells are not quoted
        if quoted.any():
            df.loc[quoted, col] = df.loc[quoted, col].map(restore)
    return check_table(df, catalogue)


class _Check:
    """The first pass: every batch checked, the good ones spilled, the problems gathered (up to the limit)."""

    def __init__(self, file: str, catalogue: Catalogue, cfg: Settings, spill: BinaryIO):
        self.file, self.catalogue, self.cfg, self.spill = file, catalogue, cfg, spill
        self.across = Across(rules(catalogue))
        self.errors: list[RowError] = []
        self.total = self.rows = self.batches = 0

    def add(self, errors: list[RowError]) -> None:
        self.total += len(errors)
        self.errors += errors[: max(self.cfg.import_max_errors - len(self.errors), 0)]

    def batch(self, df: pd.DataFrame, sheet: str, cells: list[RowError] | None = None) -> None:
        """Check a batch; `cells` are its cells the reader refused (a date, a formula without a value), which the
        validator, seeing them blank, is not also to call blank."""
        self.rows += len(df)
        typed, errors = validate(df, self.catalogue)
        if sheet:
            errors = [dataclasses.replace(e, sheet=sheet) for e in errors]
        if cells:
            refused = {(e.row, e.column) for e in cells}
            errors = cells + [e for e in errors if (e.row, e.column) not in refused]
        self.add(errors + self.across.check(typed, sheet, {e.row for e in errors}))
        if not self.total:  # once a problem is found nothing will be written: the rest is only checked
            pickle.dump(typed, self.spill, protocol=pickle.HIGHEST_PROTOCOL)
            self.batches += 1

    def refuse_if_bad(self) -> None:
        if self.total:
            raise RatingsFileError(self.file, self.errors, total=self.total)


def _check_file(stream: BinaryIO, file: str, check: _Check, *, lenient: bool) -> str:
    parts, encoding = _parts(stream, file, check.cfg, lenient=lenient)
    found = False
    for part in parts:
        head = _header(part, file, encoding != "xlsx")
        if head is None:
            continue
        found = True
        long_rows: list[RowError] = []
        for df in _batches(part, head[1], check.cfg.import_batch_rows, long_rows):
            cells, part.problems[:] = part.problems[:], []  # the refused cells of this batch's rows
            check.batch(df, part.sheet, cells)
        check.add(part.problems + long_rows)
    if not found:
        where = "has no sheet with data" if encoding == "xlsx" else "is empty"
        refuse(file, f"{where}: expected a header row with the columns {', '.join(COLUMNS)}")
    if not check.rows and not check.total:
        refuse(file, "has a header but no rows of ratings")
    check.errors.sort(
        key=lambda e: (check.across.sheets.index(e.sheet) if e.sheet in check.across.sheets else -1, e.row)
    )
    return encoding


def _size(stream: BinaryIO, file: str, cfg: Settings) -> None:
    size = stream.seek(0, io.SEEK_END)
    limit = cfg.import_max_file_mib * 2**20
    if size > limit:
        refuse(file, f"is {size / 2**20:.1f} MiB; the limit is {limit / 2**20:g} MiB")
    stream.seek(0)
    if not stream.read(1 << 16).strip() and size <= 1 << 16:
        refuse(file, f"is empty: expected a header row with the columns {', '.join(COLUMNS)}")


def import_ratings(data: Source, file: str, *, session: Session, catalogue: Catalogue, by: str = CLI) -> ImportResult:
    """Import a ratings file (bytes, a binary file object or a path) all-or-nothing; rows already present change
    nothing; changed scores keep history. A refused file writes nothing and leaves the session as it was."""
    cfg = get_settings()
    with ExitStack() as stack:
        if isinstance(data, Path):
            stream: BinaryIO = stack.enter_context(data.open("rb"))
        elif isinstance(data, bytes | bytearray):
            stream = io.BytesIO(data)
        else:
            stream = data
        _size(stream, file, cfg)
        spill = stack.enter_context(tempfile.TemporaryFile(prefix="toolkit-import-"))
        check = _Check(file, catalogue, cfg, cast(BinaryIO, spill))
        try:
            encoding = _check_file(stream, file, check, lenient=False)
        except Lenient:  # irregular quoting (a"b"c) is read leniently, as spreadsheets do: the file again from the top
            spill.seek(0)
            spill.truncate()
            check = _Check(file, catalogue, cfg, cast(BinaryIO, spill))
            encoding = _check_file(stream, file, check, lenient=True)
        check.refuse_if_bad()
        return _write(cast(BinaryIO, spill), check, file, session=session, encoding=encoding, by=by)
    raise AssertionError("unreachable")  # (ExitStack may swallow exceptions, so type checkers want an end)


def _write(spill: BinaryIO, check: _Check, file: str, *, session: Session, encoding: str, by: str) -> ImportResult:
    lock_imports(session)
    if db_errors := conflicts(check.across, session=session):
        raise RatingsFileError(file, db_errors[: check.cfg.import_max_errors], total=len(db_errors))
    result = ImportResult(file=file, rows=check.rows, encoding=encoding)
    writer = Writer(result, session=session, now=utcnow(), by=by)
    spill.seek(0)
    try:
        for _ in range(check.batches):
            writer.write(pickle.load(spill))  # (our own temporary file, written by this pass's first half)
        writer.finish()
    except IntegrityError:  # another program wrote the same area, cycle or respondent as this import, at once
        reason = "changed at the same moment as this import (another import or a workshop); try again"
        raise RatingsFileError(file, [RowError(0, "", "", reason)]) from None
    return result


def import_table(
    table: pd.DataFrame,
    file: str,
    *,
    session: Session,
    catalogue: Catalogue,
    encoding: str = "utf-8",
    by: str = CLI,
) -> ImportResult:
    """Validate and write a table in the ratings-file columns (the one write path for files and demo data), in the
    same batches and checks as a file."""
    cfg = get_settings()
    with tempfile.TemporaryFile(prefix="toolkit-import-") as spill:
        check = _Check(file, catalogue, cfg, cast(BinaryIO, spill))
        size = cfg.import_batch_rows
        for start in range(0, len(table), size):
            check.batch(cast(pd.DataFrame, table.iloc[start : start + size]), "")
        check.refuse_if_bad()
        return _write(cast(BinaryIO, spill), check, file, session=session, encoding=encoding, by=by)


def read_table(data: bytes, file: str) -> tuple[pd.DataFrame, str]:
    """A small ratings file as one table of strings, its header checked (for tests and tools; imports stream)."""
    cfg = get_settings()
    stream = io.BytesIO(data)
    _size(stream, file, cfg)
    frames: list[pd.DataFrame] = []
    try:
        parts, encoding = _parts(stream, file, cfg, lenient=False)
        frames = _read_parts(parts, file, encoding)
    except Lenient:
        parts, encoding = _parts(stream, file, cfg, lenient=True)
        frames = _read_parts(parts, file, encoding)
    return cast(pd.DataFrame, pd.concat(frames)), encoding


def _read_parts(parts: Iterator[_Part], file: str, encoding: str) -> list[pd.DataFrame]:
    frames: list[pd.DataFrame] = []
    found = False
    for part in parts:
        head = _header(part, file, encoding != "xlsx")
        if head is None:
            continue
        found = True
        long_rows: list[RowError] = []
        frames += list(_batches(part, head[1], 1 << 30, long_rows))
        if part.problems or long_rows:
            raise RatingsFileError(file, part.problems + long_rows)
    if not found:
        where = "has no sheet with data" if encoding == "xlsx" else "is empty"
        refuse(file, f"{where}: expected a header row with the columns {', '.join(COLUMNS)}")
    if not frames:
        refuse(file, "has a header but no rows of ratings")
    return frames
