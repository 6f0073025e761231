"""Ratings files in and out (contracts section 4): CSV or XLSX, long format, all-or-nothing import."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from toolkit.core import ids
from toolkit.core.frameworks import Catalogue
from toolkit.core.text import CONTROL_CHARS, neutralise, restore
from toolkit.store.areas import find_area
from toolkit.store.models import Area, Cycle, Rating, RatingHistory, Respondent, utcnow

COLUMNS = ["area", "cycle", "respondent", "agency", "level", "framework", "item", "score", "comment"]
REQUIRED = COLUMNS[:-1]
TEXT_COLUMNS = ["area", "cycle", "respondent", "comment"]
MAX_LENGTH = {"area": 200, "cycle": 100, "respondent": 100, "comment": 4000}
MAX_FILE_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class RowError:
    """One bad value: the file's row number (the header is row 1), the column, the value and why."""

    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
        where = f"row {self.row}, " if self.row else ""
        return (
            f"{where}column {self.column or '-'}: {shown!r} {self.reason}" if self.column else f"{where}{self.reason}"
        )


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
    return df[COLUMNS], encoding


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
    from openpyxl import load_workbook

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
    """Check every row; return the clean table (typed scores, restored text) and every error found."""
    errors: list[RowError] = []
    df = df.copy()
    for col in COLUMNS:
        df[col] = df[col].astype(str).str.strip() if col != "comment" else df[col].astype(str)
    for col in TEXT_COLUMNS:
        quoted = df[col].str.startswith("'")  # restore changes nothing else; most cells are not quoted
        if quoted.any():
            df.loc[quoted, col] = df.loc[quoted, col].map(restore)

    def flag(mask: pd.Series, column: str, reason: str | pd.Series) -> None:
        for row in df.index[mask]:
            why = reason if isinstance(reason, str) else reason[row]
            errors.append(RowError(int(row), column, str(df.at[row, column]), why))

    for col in ("area", "cycle", "respondent"):
        flag(df[col] == "", col, "is blank; every row needs one")
    for col, limit in MAX_LENGTH.items():
        flag(df[col].str.len() > limit, col, f"is longer than {limit} characters")
    for col in TEXT_COLUMNS:
        flag(
            df[col].str.contains(CONTROL_CHARS),
            col,
            "contains a control character (not a tab or line break); remove it",
        )
    flag(~df["agency"].isin(ids.AGENCIES), "agency", f"is not an agency id; use one of {', '.join(ids.AGENCIES)}")
    flag(~df["level"].isin(ids.LEVELS), "level", f"is not a level id; use one of {', '.join(ids.LEVELS)}")
    rated = {f.id: f for f in catalogue.rated}
    known_fw = df["framework"].isin(list(rated))
    flag(~known_fw, "framework", f"is not a rated framework; use one of {', '.join(rated)}")

    score_num = pd.to_numeric(df["score"].where(df["score"] != ""), errors="coerce")
    not_number = (df["score"] != "") & (score_num.isna() | (score_num % 1 != 0))
    flag(not_number, "score", "is not a whole number (leave it blank for don't know)")
    for fid, fw in rated.items():
        in_fw = df["framework"] == fid
        flag(in_fw & ~df["item"].isin(list(fw.item_index)), "item", f"is not an item of {fid}")
        assert fw.scale is not None
        lo, hi = fw.scale.min, fw.scale.max
        flag(
            in_fw & ~not_number & score_num.notna() & ((score_num < lo) | (score_num > hi)),
            "score",
            f"is outside {fid}'s scale {lo}-{hi}",
        )

    key = ["area", "cycle", "respondent", "framework", "item"]
    dup = df.duplicated(key, keep="first")
    if dup.any():
        first = df[~dup].reset_index().set_index(key)["index"]
        firsts = pd.Series([first.get(tuple(df.loc[r, key])) for r in df.index[dup]], index=df.index[dup])
        flag(
            dup,
            "item",
            pd.Series(
                {r: f"is rated twice by this respondent (first at row {firsts[r]})" for r in firsts.index}, dtype=object
            ),
        )
    who = ["area", "cycle", "respondent"]
    for col in ("agency", "level"):
        firsts = df.groupby(who, sort=False)[col].transform("first")
        first_row = df.reset_index().groupby(who, sort=False)["index"].transform("first").set_axis(df.index)
        bad = df[col] != firsts
        flag(
            bad,
            col,
            pd.Series(
                {r: f"differs from this respondent's {col} {firsts[r]!r} at row {first_row[r]}" for r in df.index[bad]},
                dtype=object,
            ),
        )

    df["score"] = score_num.where(~not_number & (score_num.abs() < 2**53)).astype("Int64")  # huge ones flagged above
    errors.sort(key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else 99))
    return df, errors


def import_ratings(data: bytes, file: str, *, session: Session, catalogue: Catalogue) -> ImportResult:
    """Import a ratings file all-or-nothing; rows already present change nothing; changed scores keep history."""
    table, encoding = read_table(data, file)
    return import_table(table, file, session=session, catalogue=catalogue, encoding=encoding)


def import_table(
    table: pd.DataFrame, file: str, *, session: Session, catalogue: Catalogue, encoding: str = "utf-8"
) -> ImportResult:
    """Validate and write a table in the ratings-file columns (the one write path for files and demo data).

    Every check, against the file and against the database, runs before the first write, so a refused file
    leaves the session exactly as the caller had it (no rollback of the caller's own work is needed).
    """
    df, errors = validate(table, catalogue)
    if errors:
        raise RatingsFileError(file, errors)
    groups = list(df.groupby(["area", "cycle"], sort=False))
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
        new_people = [
            {"cycle_id": cycle.id, "pseudonym": r.respondent, "agency": r.agency, "level": r.level, "created_at": now}
            for r in part.drop_duplicates("respondent").itertuples()
            if r.respondent not in people
        ]
        if new_people:
            session.execute(insert(Respondent), new_people)
            result.respondents_added += len(new_people)
            people = _people(cycle.id, session=session)
        _write_ratings(part, people, cycle.id, now, result, session=session)
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
    from toolkit.workshops.rooms import cycle_frozen  # (here: toolkit.workshop builds on the store)

    if cycle_frozen(cycle.id, session=session):
        reason = f"is closed: a workshop made {area.name} {cycle.name}'s ratings final; import into a new cycle"
        return [RowError(int(part.index[0]), "cycle", cycle.name, reason)]
    people = _people(cycle.id, session=session)
    out = []
    for row, r in part.drop_duplicates("respondent").iterrows():
        known = people.get(r["respondent"])
        if known is None or (known[1], known[2]) == (r["agency"], r["level"]):
            continue
        col = "agency" if known[1] != r["agency"] else "level"
        out.append(
            RowError(
                int(row),
                col,
                r[col],
                f"differs from the stored respondent {r['respondent']!r} ({known[1]}, {known[2]})",
            )
        )
    return out


def _write_ratings(
    part: pd.DataFrame, people: dict, cycle_id: int, now, result: ImportResult, *, session: Session
) -> None:
    resp_ids = part["respondent"].map({p: v[0] for p, v in people.items()}).tolist()
    existing = {
        (rid, fw, item): (pk, score, comment, at)
        for pk, rid, fw, item, score, comment, at in session.execute(
            select(
                Rating.id,
                Rating.respondent_id,
                Rating.framework,
                Rating.item,
                Rating.score,
                Rating.comment,
                Rating.updated_at,
            )
            .join(Respondent, Respondent.id == Rating.respondent_id)
            .where(Respondent.cycle_id == cycle_id)
        )
    }
    scores = [None if pd.isna(s) else int(s) for s in part["score"].tolist()]
    new, changed, history = [], [], []
    for rid, fw, item, score, comment in zip(
        resp_ids, part["framework"].tolist(), part["item"].tolist(), scores, part["comment"].tolist(), strict=True
    ):
        old = existing.get((rid, fw, item))
        if old is None:
            new.append(
                {
                    "respondent_id": rid,
                    "framework": fw,
                    "item": item,
                    "score": score,
                    "comment": comment,
                    "updated_at": now,
                }
            )
        elif (old[1], old[2]) != (score, comment):
            changed.append({"id": old[0], "score": score, "comment": comment, "updated_at": now})
            history.append(
                {
                    "rating_id": old[0],
                    "score": old[1],
                    "comment": old[2],
                    "recorded_at": old[3],
                    "replaced_at": now,
                    "replaced_by": f"import:{result.file}"[:100],
                }
            )
        else:
            result.unchanged += 1
    # Core inserts of the tables: one executemany each. (An ORM bulk insert drops None values from a row's
    # parameters, so every don't-know split the batch: ~200,000 round trips for a national import.)
    if new:
        session.execute(insert(Rating.__table__), new)
    if changed:
        session.execute(insert(RatingHistory.__table__), history)
        session.execute(update(Rating), changed)
    result.inserted += len(new)
    result.updated += len(changed)


def export_frame(area: str, cycle: str | None, *, session: Session) -> pd.DataFrame:
    """The area's ratings (one cycle or all) in the ratings-file columns, ordered for reading."""
    a = find_area(area, session=session)
    q = (
        select(
            Cycle.name,
            Respondent.pseudonym,
            Respondent.agency,
            Respondent.level,
            Rating.framework,
            Rating.item,
            Rating.score,
            Rating.comment,
        )
        .join(Respondent, Respondent.cycle_id == Cycle.id)
        .join(Rating, Rating.respondent_id == Respondent.id)
        .where(Cycle.area_id == a.id)
        .order_by(Cycle.name, Respondent.pseudonym, Rating.framework, Rating.id)
    )
    if cycle is not None:
        from toolkit.store.areas import find_cycle

        q = q.where(Cycle.id == find_cycle(area, cycle, session=session).id)
    df = pd.DataFrame(session.execute(q).all(), columns=COLUMNS[1:])
    df.insert(0, "area", a.name)
    df["score"] = df["score"].astype("Int64")
    return df


def write_export(df: pd.DataFrame, fmt: str, path: Path) -> None:
    """Write an export as CSV, XLSX or JSON; text cells are neutralised against formula injection."""
    safe = df.copy()
    for col in TEXT_COLUMNS:
        safe[col] = safe[col].map(neutralise)
    tmp = path.with_name(path.name + ".part")
    if fmt == "csv":
        # \r\n: the csv module quotes a cell holding a line terminator's character, so a bare \r is quoted too.
        safe.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\r\n")
    elif fmt == "xlsx":
        _write_xlsx(safe, tmp)
    elif fmt == "json":
        records = [{**r, "score": None if pd.isna(r["score"]) else int(r["score"])} for r in df.to_dict("records")]
        tmp.write_text(
            json.dumps({"columns": COLUMNS, "ratings": records}, ensure_ascii=False, indent=1), encoding="utf-8"
        )
    else:
        raise ValueError(f"unknown export format {fmt!r}; use csv, xlsx or json")
    tmp.replace(path)  # never leave a half-written export behind


def _write_xlsx(df: pd.DataFrame, path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("ratings")
    ws.append(COLUMNS)
    for row in df.itertuples(index=False):
        ws.append(
            [
                None
                if (isinstance(v, type(pd.NA)) or (isinstance(v, float) and pd.isna(v)))
                else (int(v) if c == "score" else v)
                for c, v in zip(COLUMNS, row, strict=True)
            ]
        )
    wb.save(path)


def export_bytes(df: pd.DataFrame, fmt: str) -> bytes:
    """An export as bytes, for downloads (same content as write_export)."""
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"export.{fmt}"
        write_export(df, fmt, path)
        return path.read_bytes()
