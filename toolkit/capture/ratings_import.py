"""Ratings files in (contracts section 4): CSV or XLSX, long format, read, checked and imported all or nothing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

import pandas as pd
from openpyxl import load_workbook
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from toolkit.capture.validate import COLUMNS, TEXT_COLUMNS, RowError, check_table
from toolkit.capture.write import NewRating, write_ratings
from toolkit.core.frameworks import Catalogue
from toolkit.core.text import restore
from toolkit.store.areas import cycle_frozen
from toolkit.store.audit import CLI, record
from toolkit.store.models import Area, Cycle, Respondent, utcnow

REQUIRED = COLUMNS[:-1]
MAX_FILE_BYTES = 512 * 1024 * 1024


class RatingsFileError(Exception):
    """A ratings file that cannot be imported; nothing was written. Lists every problem."""

    def __init__(self, file: str, errors: list[RowError]):
        self.file = file
        self.errors = errors
        rows = len({e.row for e in errors if e.row})
        head = f"{file}: nothing was imported. {len(errors)} problem(s)" + (f" in {rows} row(s)" if rows else "") + ":"
        super().__init__("\n".join([head, *(f"  {e}" for e in errors)]))


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


def _decode(data: bytes, file: str) -> tuple[str, str]:
    """Text of a CSV file: UTF-8 (with or without BOM), UTF-16 or UTF-32 with BOM, else Windows-1252 as Excel saves it."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):  # before UTF-16: the same first two bytes
        try:
            return data.decode("utf-32"), "utf-32"
        except UnicodeDecodeError as exc:
            reason = f"starts like UTF-32 text but is not (at byte {exc.start}); save it as 'CSV UTF-8' and try again"
            raise RatingsFileError(file, [RowError(0, "", "", reason)]) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data:  # an old .xls, UTF-16 without a BOM, or another binary file
        reason = (
            f"contains NUL bytes (first at position {data.index(0)}), so it is not a CSV text file; "
            "save it from Excel as .xlsx or 'CSV UTF-8' and try again"
        )
        raise RatingsFileError(file, [RowError(0, "", "", reason)])
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if data.startswith(b"\xef\xbb\xbf"):  # marked as UTF-8, so Windows-1252 would be a guess that garbles the header
        at = utf8_error.start + 3  # utf-8-sig counts from after the byte-order mark
        reason = (
            f"is marked as UTF-8 but byte 0x{data[at]:02x} at position {at} is not UTF-8 "
            "(text pasted in from another program?); save it as 'CSV UTF-8' and try again"
        )
        raise RatingsFileError(file, [RowError(0, "", "", reason)])
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        raise RatingsFileError(
            file,
            [
                RowError(
                    0,
                    "",
                    "",
                    f"is not UTF-8 text (byte 0x{data[utf8_error.start]:02x} at position {utf8_error.start}); "
                    "save it as 'CSV UTF-8' and try again",
                )
            ],
        ) from None


def _cell(value: object) -> str:
    """A spreadsheet cell as text: whole-number floats lose their '.0', blanks become ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_table(data: bytes, file: str) -> tuple[pd.DataFrame, str]:
    """Read a CSV or XLSX ratings file into a table of strings, with its header checked."""
    if len(data) > MAX_FILE_BYTES:
        raise RatingsFileError(
            file, [RowError(0, "", "", f"is {len(data) / 2**20:.1f} MiB; the limit is {MAX_FILE_BYTES / 2**20:g} MiB")]
        )
    if not data.strip():
        raise RatingsFileError(
            file, [RowError(0, "", "", f"is empty: expected a header row with the columns {', '.join(COLUMNS)}")]
        )
    encoding = "xlsx"
    if file.lower().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
        rows = _read_xlsx(data, file)
    else:
        text, encoding = _decode(data, file)
        rows = _read_csv(text, file)
    # Blank rows are skipped but keep their numbers: n is the row number a spreadsheet shows.
    numbered = [(n, r) for n, r in enumerate(rows, start=1) if "".join(r).strip()]
    if not numbered:
        where = (
            "its first worksheet is empty (the ratings must be on the first sheet)"
            if encoding == "xlsx"
            else "is empty"
        )
        raise RatingsFileError(
            file, [RowError(0, "", "", f"{where}: expected a header row with the columns {', '.join(COLUMNS)}")]
        )
    head_row, header = numbered[0][0], [h.strip().lower() for h in numbered[0][1]]
    while header and not header[-1]:  # trailing blank header cells (a formatted empty column, trailing commas)
        header.pop()
    for sep, name in ((";", "semicolons"), ("\t", "tabs")):
        if len(header) == 1 and header[0].count(sep) >= len(REQUIRED) - 1:  # Excel in many European locales
            reason = (
                f"has its columns separated by {name}, not commas; save it as 'CSV UTF-8 (comma delimited)' or .xlsx"
            )
            raise RatingsFileError(file, [RowError(head_row, "", "", reason)])
    errors = [
        RowError(head_row, h or f"(column {i + 1})", h, "is not a column of a ratings file")
        for i, h in enumerate(header)
        if h not in COLUMNS
    ]
    errors += [RowError(head_row, c, "", "is missing from the header") for c in REQUIRED if c not in header]
    errors += [
        RowError(head_row, c, c, "appears more than once in the header")
        for c in sorted({h for h in header if h and header.count(h) > 1})
    ]
    if errors:
        raise RatingsFileError(file, errors)
    if len(numbered) == 1:
        raise RatingsFileError(file, [RowError(0, "", "", "has a header but no rows of ratings")])
    width = len(header)
    body = [(r + [""] * width)[:width] if len(r) != width else r for _n, r in numbered[1:]]
    long_rows = [n for n, r in numbered[1:] if len(r) > width and any(c.strip() for c in r[width:])]
    if long_rows:
        raise RatingsFileError(
            file, [RowError(n, "", "", f"has more cells than the header's {width} columns") for n in long_rows]
        )
    df = pd.DataFrame(body, columns=header, dtype=object)
    if "comment" not in df:
        df["comment"] = ""
    df.index = pd.Index([n for n, _r in numbered[1:]])  # row numbers as a spreadsheet shows them
    return cast(pd.DataFrame, df[COLUMNS]), encoding


def _read_csv(text: str, file: str) -> list[list[str]]:
    """The rows of a CSV text; a quote that opens a cell and never closes is an error, not the rest of the file."""
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))  # an over-long cell is reported by validate
    rows: list[list[str]] = []
    try:
        rows.extend(csv.reader(io.StringIO(text, newline=""), strict=True))
        return rows
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):  # the lenient reader would swallow every later row into one cell
            reason = (
                'opens a quoted cell (") that never closes, so every row after it would be read into that cell; '
                "close the quote or remove it"
            )
            raise RatingsFileError(file, [RowError(len(rows) + 1, "", "", reason)]) from None
    try:  # other irregular quoting (a"b"c) is read leniently, as spreadsheets do
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise RatingsFileError(file, [RowError(0, "", "", f"is not a readable CSV file: {exc}")]) from None


def _read_xlsx(data: bytes, file: str) -> list[list[str]]:
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a damaged file fails deep in zipfile, XML or openpyxl, with many exception types
        raise RatingsFileError(
            file, [RowError(0, "", "", f"is not a readable Excel .xlsx file (truncated or corrupt?): {exc}")]
        ) from None
    try:
        ws = wb.worksheets[0]
        return [[_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
    except Exception as exc:  # e.g. a truncated sheet: xml ParseError, zlib.error, EOFError, IndexError (no sheet)
        raise RatingsFileError(
            file, [RowError(0, "", "", f"is not a readable Excel .xlsx file (truncated or corrupt?): {exc}")]
        ) from None
    finally:
        wb.close()


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


def import_ratings(data: bytes, file: str, *, session: Session, catalogue: Catalogue, by: str = CLI) -> ImportResult:
    """Import a ratings file all-or-nothing; rows already present change nothing; changed scores keep history."""
    table, encoding = read_table(data, file)
    return import_table(table, file, session=session, catalogue=catalogue, encoding=encoding, by=by)


def import_table(
    table: pd.DataFrame,
    file: str,
    *,
    session: Session,
    catalogue: Catalogue,
    encoding: str = "utf-8",
    by: str = CLI,
) -> ImportResult:
    """Validate and write a table in the ratings-file columns (the one write path for files and demo data).

    Every check, against the file and against the database, runs before the first write, so a refused file
    leaves the session exactly as the caller had it (no rollback of the caller's own work is needed).
    """
    df, errors = validate(table, catalogue)
    if errors:
        raise RatingsFileError(file, errors)
    groups = [(cast(tuple[str, str], key), part) for key, part in df.groupby(["area", "cycle"], sort=False)]
    found = {key: _stored(key[0], key[1], session=session) for key, _ in groups}
    db_errors = [e for key, part in groups for e in _conflicts(part, *found[key], session=session)]
    if db_errors:
        raise RatingsFileError(file, sorted(db_errors, key=lambda e: e.row))
    result = ImportResult(file=file, rows=len(df), encoding=encoding)
    now = utcnow()
    made: dict[str, Area] = {}  # areas new to the database, created once for all their cycles
    for (area_name, cycle_name), part in groups:
        result.area_cycles.append((area_name, cycle_name))
        area, cycle = found[(area_name, cycle_name)]
        area = area or made.get(area_name)
        if area is None:
            area = made[area_name] = Area(name=area_name, tags={}, context={}, fictional=False)
            session.add(area)
            session.flush()
        if cycle is None:
            cycle = Cycle(area_id=area.id, name=cycle_name)
            session.add(cycle)
            session.flush()
        people = _people(cycle.id, session=session)
        firsts = part.drop_duplicates("respondent")[["respondent", "agency", "level"]]
        new_people = [
            {"cycle_id": cycle.id, "pseudonym": p, "agency": a, "level": lv, "created_at": now}
            for p, a, lv in firsts.itertuples(index=False, name=None)
            if p not in people
        ]
        if new_people:
            session.execute(insert(Respondent), new_people)
            result.respondents_added += len(new_people)
            people = _people(cycle.id, session=session)
        done = (result.inserted, result.updated)
        _write_ratings(part, people, cycle.id, now, result, session=session)
        inserted, updated = result.inserted - done[0], result.updated - done[1]
        if inserted or updated:  # a change of record (an import that changes nothing leaves no line)
            record(
                "import",
                actor=by,
                session=session,
                area_id=area.id,
                target=f"{cycle_name} {file}"[:200],
                after={"rows": len(part), "inserted": inserted, "updated": updated},
            )
    session.flush()
    return result


def _stored(area_name: str, cycle_name: str, *, session: Session) -> tuple[Area | None, Cycle | None]:
    """The stored area and cycle of that name, each None if new."""
    area = session.scalar(select(Area).where(Area.name == area_name))
    if area is None:
        return None, None
    return area, session.scalar(select(Cycle).where(Cycle.area_id == area.id, Cycle.name == cycle_name))


def _people(cycle_id: int, *, session: Session) -> dict[str, tuple[int, str, str]]:
    rows = session.execute(
        select(Respondent.id, Respondent.pseudonym, Respondent.agency, Respondent.level).where(
            Respondent.cycle_id == cycle_id
        )
    )
    return {p: (i, a, lv) for i, p, a, lv in rows}


def _conflicts(part: pd.DataFrame, area: Area | None, cycle: Cycle | None, *, session: Session) -> list[RowError]:
    """What the database forbids: a cycle a closed workshop froze, a respondent stored with another agency or level."""
    if cycle is None:
        return []
    if cycle_frozen(cycle.id, session=session):
        name = area.name if area is not None else ""  # (a stored cycle always has its area)
        reason = f"is closed: a workshop made {name} {cycle.name}'s ratings final; import into a new cycle"
        return [RowError(int(part.index[0]), "cycle", cycle.name, reason)]
    people = _people(cycle.id, session=session)
    out = []
    firsts = part.drop_duplicates("respondent")[["respondent", "agency", "level"]]
    for row, (who, agency, level) in zip(firsts.index, firsts.itertuples(index=False, name=None), strict=True):
        known = people.get(who)
        if known is None or (known[1], known[2]) == (agency, level):
            continue
        col, value = ("agency", agency) if known[1] != agency else ("level", level)
        reason = f"differs from the stored respondent {who!r} ({known[1]}, {known[2]})"
        out.append(RowError(int(row), col, value, reason))
    return out


def _write_ratings(
    part: pd.DataFrame, people: dict, cycle_id: int, now: datetime, result: ImportResult, *, session: Session
) -> None:
    """One area-cycle's rows through the one write path (write_ratings), counted into the result."""
    resp_ids = [people[p][0] for p in part["respondent"].tolist()]
    scores = [None if pd.isna(s) else int(s) for s in part["score"].tolist()]
    rows = [
        NewRating(rid, fw, item, score, comment)
        for rid, fw, item, score, comment in zip(
            resp_ids, part["framework"].tolist(), part["item"].tolist(), scores, part["comment"].tolist(), strict=True
        )
    ]
    written = write_ratings(cycle_id, rows, by=f"import:{result.file}", session=session, now=now)
    result.inserted += written.inserted
    result.updated += written.updated
    result.unchanged += written.unchanged
