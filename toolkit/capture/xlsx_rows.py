"""The rows of an XLSX ratings file, sheet by sheet, read as they come and within limits.

Before anything is opened the zip's declared sizes are added up (a 1.5 MiB workbook can decompress to gigabytes);
zipfile then holds every part to its declared size. While reading, a sheet's rows, columns and cells are counted
against the limits of settings. A cell is never silently changed: a formula without a cached value, an error cell
(#N/A) or a date is refused naming its sheet, row and column, not read as blank, as text or as "2026-04-01 00:00:00".
"""

from __future__ import annotations

import datetime as dt
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

from toolkit.capture.import_errors import RatingsFileError, refuse
from toolkit.capture.validate import RowError
from toolkit.core.settings import Settings

UNREADABLE = "is not a readable Excel .xlsx file (truncated or corrupt?)"


class _Parser(WorkSheetParser):
    """openpyxl's sheet parser with cached values (data_only), marking formula cells that have none."""

    def parse_cell(self, element):
        cell = super().parse_cell(element)
        if cell["value"] is None and element.find(FORMULA_TAG) is not None:
            cell["data_type"] = "no-cache"
        return cell


@dataclass
class Sheet:
    """One worksheet's rows as (row number as the sheet shows it, cells as text); cell problems gathered."""

    name: str
    rows: Iterator[tuple[int, list[str]]]
    problems: list[RowError] = field(default_factory=list)


def _check_zip(stream: BinaryIO, file: str, cfg: Settings) -> None:
    try:
        with zipfile.ZipFile(stream) as z:
            parts = z.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        refuse(file, f"{UNREADABLE}: {str(exc)[:200]}")
    total = sum(p.file_size for p in parts)
    if total > cfg.xlsx_max_unzipped_mib * 2**20:
        refuse(
            file,
            f"would decompress to {total / 2**20:,.0f} MiB, more than the {cfg.xlsx_max_unzipped_mib:,} MiB a "
            "ratings workbook may (a zip bomb, or far more than ratings?); nothing was opened",
        )
    for p in parts:
        if p.filename.lower().endswith("sharedstrings.xml") and p.file_size > cfg.xlsx_max_shared_strings_mib * 2**20:
            refuse(
                file,
                f"holds {p.file_size / 2**20:,.0f} MiB of shared text, more than the "
                f"{cfg.xlsx_max_shared_strings_mib:,} MiB allowed; nothing was read",
            )


def _cell(value: object, data_type: str) -> str | None:
    """A cell as text, or None if it cannot be read as text without changing it (see _why)."""
    if value is None:
        return "" if data_type != "no-cache" else None
    if isinstance(value, str):
        return value if data_type != "e" else None
    if isinstance(value, bool):
        return str(value)  # (refused by the validator where a number or an id belongs)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return None  # a date, time or duration


def _why(value: object, data_type: str) -> str:
    if data_type == "no-cache":
        return "is a formula with no saved value (the workbook was never calculated); open it in Excel, save, retry"
    if data_type == "e":
        return f"is an error cell ({value}); correct or clear it"
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        return "is a date or time cell; a ratings file holds text and whole numbers: format the column as Text"
    return f"is a {type(value).__name__} cell, not text or a number"


def _rows(name: str, parser: _Parser, sheet: Sheet, file: str, cfg: Settings) -> Iterator[tuple[int, list[str]]]:
    header: list[str] = []
    limit = cfg.xlsx_max_columns
    for count, (number, cells) in enumerate(parser.parse(), 1):
        if count > cfg.xlsx_max_rows:
            refuse(file, f"has more than {cfg.xlsx_max_rows:,} rows on this sheet", row=number, sheet=name)
        width = max((c["column"] for c in cells if c["value"] is not None or c["data_type"] == "no-cache"), default=0)
        if width > limit:
            col = get_column_letter(width)
            reason = f"has a value in column {col}, right of the {limit} columns a ratings sheet may use"
            refuse(file, reason, row=number, column=col, sheet=name)
        out = [""] * width
        for c in cells:
            at, value = c["column"], c["value"]
            if at > width:
                continue
            text = _cell(value, c["data_type"])
            field_ = header[at - 1] if at <= len(header) and header[at - 1] else get_column_letter(at)
            if text is None:
                shown = "" if value is None else str(value)[:60]
                sheet.problems.append(RowError(number, field_, shown, _why(value, c["data_type"]), name))
                continue
            if len(text) > cfg.xlsx_max_cell_chars:
                reason = f"is {len(text):,} characters long; a cell may hold at most {cfg.xlsx_max_cell_chars:,}"
                refuse(file, reason, row=number, column=field_, value=text[:60], sheet=name)
            out[at - 1] = text
        if not header and any(t.strip() for t in out):
            header = [t.strip().lower() for t in out]
        yield number, out


def xlsx_sheets(stream: BinaryIO, file: str, cfg: Settings) -> Iterator[Sheet]:
    """Every worksheet of the workbook, in order (hidden ones too: nothing in a file is passed over unseen)."""
    _check_zip(stream, file, cfg)
    stream.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns of styles and extensions it does not read
            wb = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # a damaged file fails deep in zipfile, XML or openpyxl, with many exception types
        refuse(file, f"{UNREADABLE}: {str(exc)[:200]}")
    try:
        if not wb.worksheets:  # the workbook names sheets whose parts are missing, or none at all
            refuse(file, f"{UNREADABLE}: it has no readable worksheet")
        for ws in wb.worksheets:
            strings = ws._shared_strings  # type: ignore[attr-defined]  # (the reader's; wb.shared_strings is empty)
            if len(strings) > cfg.xlsx_max_shared_strings:
                refuse(
                    file,
                    f"holds {len(strings):,} distinct texts, more than the {cfg.xlsx_max_shared_strings:,} allowed",
                )
            # openpyxl's own read-only sheet has no hook for a formula's missing value, so its parser is used
            # directly, on the part the workbook names (ReadOnlyWorksheet._worksheet_path, openpyxl 3.1).
            path = ws._worksheet_path  # type: ignore[attr-defined]
            try:
                src = wb._archive.open(path)  # type: ignore[attr-defined]
            except Exception as exc:  # a part the workbook names but the zip lacks or cannot open: KeyError, ...
                refuse(file, f"{UNREADABLE}: {str(exc)[:200]}", sheet=ws.title)
            parser = _Parser(
                src,
                strings,
                data_only=True,
                epoch=wb.epoch,
                date_formats=wb._date_formats,  # type: ignore[attr-defined]
                timedelta_formats=wb._timedelta_formats,  # type: ignore[attr-defined]
            )
            sheet = Sheet(ws.title, iter(()))
            sheet.rows = _guarded(_rows(ws.title, parser, sheet, file, cfg), file, ws.title, src)
            yield sheet
    finally:
        wb.close()


def _guarded(rows: Iterator[tuple[int, list[str]]], file: str, name: str, src) -> Iterator[tuple[int, list[str]]]:
    """The rows, with a damaged sheet (bad XML, a cut-short part) refused instead of raising deep in a parser."""
    try:
        yield from rows
    except RatingsFileError:
        raise
    except Exception as exc:  # bad XML, a cut-short or corrupt part, a bad cell reference: many exception types
        refuse(file, f"{UNREADABLE}: {str(exc)[:200]}", sheet=name)
    finally:
        src.close()
