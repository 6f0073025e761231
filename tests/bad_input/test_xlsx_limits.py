"""Issue 15: workbooks read within limits and never silently changed. Each limit (decompressed size, rows, columns,
cell length, shared strings) is refused naming the file, sheet, row, field and reason; every sheet is considered;
a formula without a cached value, an error cell and a date in a text column are refused, not read as blank or
str()-ed. Limits are lowered through the one settings class, so the files stay small."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.bad_input.helpers import AREA, db_state, good_rows, opm_items, row, to_xlsx
from tests.bad_input.xlsx_craft import workbook
from toolkit.capture.ratings_import import RatingsFileError, import_ratings
from toolkit.capture.validate import COLUMNS
from toolkit.core.settings import get_settings
from toolkit.store.db import session_scope


@pytest.fixture
def limits(monkeypatch):
    """Set TOOLKIT_ settings for one test."""

    def set_(**values: object) -> None:
        for key, value in values.items():
            monkeypatch.setenv(f"TOOLKIT_{key.upper()}", str(value))
        get_settings.cache_clear()

    yield set_
    get_settings.cache_clear()


def refused(engine, catalogue, data: bytes, file: str = "ratings.xlsx") -> RatingsFileError:
    before = db_state(engine)
    with session_scope(engine) as s, pytest.raises(RatingsFileError) as caught:
        import_ratings(data, file, session=s, catalogue=catalogue)
    assert db_state(engine) == before, "a refused workbook wrote something"
    assert str(caught.value).startswith(f"{file}: nothing was imported")
    return caught.value


def imported(engine, catalogue, data: bytes, file: str = "ratings.xlsx"):
    with session_scope(engine) as s:
        return import_ratings(data, file, session=s, catalogue=catalogue)


def sheet_of(cat, *extra: list[object]) -> list[list[object]]:
    return [COLUMNS, *good_rows(cat), *extra]


def test_a_zip_bomb_is_refused_before_anything_is_decompressed(engine, catalogue, limits) -> None:
    # 64 MiB of one byte compresses to about 64 KiB: the workbook is small, its parts are not.
    limits(xlsx_max_unzipped_mib=16)
    bomb = workbook({"ratings": sheet_of(catalogue)}, extra={"xl/media/padding.bin": b"\0" * (64 * 2**20)})
    assert len(bomb) < 2**20
    exc = refused(engine, catalogue, bomb)
    (error,) = exc.errors
    assert "decompress to 64 MiB" in error.reason and "16 MiB" in error.reason and "zip bomb" in error.reason


def test_rows_past_the_limit_are_refused_naming_the_sheet_and_row(engine, catalogue, limits) -> None:
    limits(xlsx_max_rows=3)
    exc = refused(engine, catalogue, workbook({"Survey": sheet_of(catalogue)}))  # a header and three rows
    (error,) = exc.errors
    assert (error.sheet, error.row) == ("Survey", 4) and "more than 3 rows" in error.reason
    assert "sheet 'Survey', row 4" in str(exc)


def test_a_value_right_of_the_column_limit_is_refused_naming_its_column(engine, catalogue, limits) -> None:
    limits(xlsx_max_columns=12)
    wide = [*row(opm_items(catalogue)[2], respondent="x9"), None, None, None, "stray"]  # column M, the 13th
    exc = refused(engine, catalogue, workbook({"ratings": sheet_of(catalogue, wide)}))
    (error,) = exc.errors
    assert (error.sheet, error.row, error.column) == ("ratings", 5, "M") and "12 columns" in error.reason


def test_an_over_long_cell_is_refused_with_its_field(engine, catalogue, limits) -> None:
    limits(xlsx_max_cell_chars=5000)
    long = row(opm_items(catalogue)[2], respondent="x9", comment="y" * 6000)
    exc = refused(engine, catalogue, workbook({"ratings": sheet_of(catalogue, long)}))
    (error,) = exc.errors
    assert (error.sheet, error.row, error.column) == ("ratings", 5, "comment")
    assert "6,000 characters" in error.reason and "5,000" in error.reason and len(str(exc)) < 1000


def test_too_many_shared_strings_are_refused(engine, catalogue, limits) -> None:
    limits(xlsx_max_shared_strings=20)
    rows = [row(opm_items(catalogue)[i % 5], respondent=f"p{i}", comment=f"note {i}") for i in range(30)]
    exc = refused(engine, catalogue, workbook({"ratings": [COLUMNS, *rows]}))
    assert "distinct texts" in exc.errors[0].reason and "20 allowed" in exc.errors[0].reason


def test_shared_strings_past_their_size_are_refused(engine, catalogue, limits) -> None:
    limits(xlsx_max_shared_strings_mib=1)
    rows = [row(opm_items(catalogue)[i % 5], respondent=f"p{i}", comment=f"{i} " + "z" * 3000) for i in range(400)]
    exc = refused(engine, catalogue, workbook({"ratings": [COLUMNS, *rows]}))
    assert "MiB of shared text" in exc.errors[0].reason


def test_ratings_on_every_sheet_are_read(engine, catalogue) -> None:
    # Issue 15: two valid rows on a second sheet were ignored without a word. Every sheet with the ratings header
    # is read (the README's rule); the summary counts them.
    o = opm_items(catalogue)
    second = [COLUMNS, row(o[3], "4", respondent="s1"), row(o[4], "5", respondent="s2")]
    result = imported(engine, catalogue, workbook({"ratings": sheet_of(catalogue), "more": second}))
    assert (result.rows, result.inserted) == (5, 5)


def test_ratings_behind_an_empty_first_sheet_are_read(engine, catalogue) -> None:
    result = imported(engine, catalogue, to_xlsx(good_rows(catalogue), first_sheet_empty=True))
    assert result.inserted == len(good_rows(catalogue))


def test_a_sheet_with_data_but_no_ratings_header_is_refused_by_name(engine, catalogue) -> None:
    notes = [["Notes from the board"], ["Ratings collected in March"]]
    exc = refused(engine, catalogue, workbook({"ratings": sheet_of(catalogue), "Notes": notes}))
    (error,) = exc.errors
    assert error.sheet == "Notes" and error.row == 1 and "no ratings header" in error.reason
    assert "sheet 'Notes'" in str(exc)


def test_the_same_rating_on_two_sheets_is_rated_twice(engine, catalogue) -> None:
    first = good_rows(catalogue)[0]
    exc = refused(engine, catalogue, workbook({"A": sheet_of(catalogue), "B": [COLUMNS, first]}))
    (error,) = exc.errors
    assert (error.sheet, error.row, error.column) == ("B", 2, "item")
    assert "rated twice" in error.reason and "sheet 'A' row 2" in error.reason


def test_a_formula_without_a_cached_value_is_refused_not_read_as_dont_know(engine, catalogue) -> None:
    # Issue 15: a formula score with no cached value became "don't know"; a formula comment was dropped.
    o = opm_items(catalogue)
    bad = [
        [*row(o[2], respondent="x9")[:7], ("f", "2+2", None), ""],
        [*row(o[3], respondent="x9")[:8], ("f", 'CONCAT("a","b")', None)],
    ]
    exc = refused(engine, catalogue, workbook({"ratings": sheet_of(catalogue, *bad)}))
    assert [(e.sheet, e.row, e.column) for e in exc.errors] == [("ratings", 5, "score"), ("ratings", 6, "comment")]
    assert all("formula with no saved value" in e.reason for e in exc.errors)


def test_a_formula_with_its_cached_value_imports_that_value(engine, catalogue) -> None:
    cached = [*row(opm_items(catalogue)[2], respondent="x9")[:7], ("f", "2+2", 4), ""]
    result = imported(engine, catalogue, workbook({"ratings": sheet_of(catalogue, cached)}))
    assert result.inserted == len(good_rows(catalogue)) + 1


def test_an_error_cell_is_refused(engine, catalogue) -> None:
    bad = [*row(opm_items(catalogue)[2], respondent="x9")[:7], ("e", "#DIV/0!"), ""]
    exc = refused(engine, catalogue, workbook({"ratings": sheet_of(catalogue, bad)}))
    (error,) = exc.errors
    assert (error.row, error.column, error.value) == (5, "score", "#DIV/0!") and "error cell" in error.reason


def test_a_date_in_a_text_column_is_refused_not_stored_as_text(engine, catalogue) -> None:
    # Issue 15: a date cell became the cycle "2026-04-01 00:00:00". A styled date serial, as Excel saves one.
    styles = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>'
    )
    dated = [AREA, ("raw", '<c r="B5" s="1"><v>46113</v></c>'), *row(opm_items(catalogue)[2], respondent="x9")[2:]]
    data = workbook({"ratings": sheet_of(catalogue, dated)}, extra={"xl/styles.xml": styles})
    data = _with_styles(data)
    exc = refused(engine, catalogue, data)
    (error,) = exc.errors
    assert (error.row, error.column) == (5, "cycle") and "date or time cell" in error.reason


def _with_styles(data: bytes) -> bytes:
    """The workbook with its styles part linked (the crafted workbook lists none)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in src.namelist():
            part = src.read(name)
            if name == "xl/_rels/workbook.xml.rels":
                link = (
                    '<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    'relationships/styles" Target="styles.xml"/></Relationships>'
                )
                part = part.replace(b"</Relationships>", link.encode())
            if name == "[Content_Types].xml":
                override = (
                    '<Override PartName="/xl/styles.xml" '
                    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'
                )
                part = part.replace(b"</Types>", override.encode())
            z.writestr(name, part)
    return out.getvalue()
