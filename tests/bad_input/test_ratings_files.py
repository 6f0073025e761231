"""Bad ratings files, CSV and XLSX: each is refused whole with file, row, column, value and reason, and writes nothing.

These add to the catalogue in tests/test_ratings_import.py (BAD_FILES: missing, extra, misspelt and repeated
columns; unknown framework, item, agency and level; scores 0, 6, -1, huge, 'three', 3.5, 'n/a'; a respondent with two
agencies or levels; a rating given twice; empty, blank and header-only files; undecodable text; truncated XLSX;
random binary; a legacy .xls; comments over 4000 characters; control characters and NUL bytes; blank and over-long
names; too many cells; bad rows after 500 good ones or after blank lines; disagreement with a stored respondent),
each of which is also run through the command line there. The cases here are new.
"""

from __future__ import annotations

import io
import time
import zipfile
from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from tests.bad_input.helpers import (
    AREA,
    FIRST_BAD,
    FORMULA,
    IMG_TAG,
    MD_IMAGE,
    MD_LINK,
    SCRIPT,
    SQL,
    db_state,
    good_rows,
    opm_items,
    row,
    tcs_items,
    to_csv,
    to_xlsx,
)
from toolkit.capture.ratings_export import export_bytes, export_frame
from toolkit.capture.ratings_import import RatingsFileError, import_ratings
from toolkit.capture.validate import COLUMNS
from toolkit.core.settings import get_settings
from toolkit.store.db import session_scope

NOT_WHOLE = ("not a whole number", "blank for don't know")
DATE = ("date or time cell", "format the column as text")  # never str()-ed into "2026-04-01 00:00:00"


@dataclass
class Bad:
    data: bytes
    file: str
    # every expected error: (row, column, value or None to skip, fragments the reason must contain)
    expect: list[tuple[int, str, str | None, tuple[str, ...]]]


def bad_value(column: str, value: object, *fragments: str, shown: str | None = None, xlsx: bool = False, **kw):
    """The good rows, then one row whose `column` holds `value` (row 5)."""

    def build(cat) -> Bad:
        base = {"respondent": "x9", **kw}
        bad = row(opm_items(cat)[2], **{**base, column: value}) if column != "item" else row(value, **base)
        if xlsx:
            return Bad(to_xlsx([*good_rows(cat), bad]), "ratings.xlsx", [(FIRST_BAD, column, shown, fragments)])
        return Bad(to_csv([*good_rows(cat), bad]), "ratings.csv", [(FIRST_BAD, column, shown, fragments)])

    return build


def whole_file(data_of, file: str, *fragments: str, row_no: int = 0):
    return lambda cat: Bad(data_of(cat), file, [(row_no, "", None, fragments)])


def spaced_duplicate(cat) -> Bad:
    # The same rating twice: the area differs only by spaces a spreadsheet hides, so it is the same respondent.
    item = opm_items(cat)[2]
    rows = [*good_rows(cat), row(item, "3", respondent="x1"), row(item, "4", area=f"  {AREA} ", respondent="x1")]
    return Bad(
        to_csv(rows), "ratings.csv", [(FIRST_BAD + 1, "item", item, ("rated twice", f"first at row {FIRST_BAD}"))]
    )


def title_row_above_header(cat) -> Bad:
    data = b"Ratings export from the survey tool\r\n" + to_csv(good_rows(cat))
    missing = [(1, c, "", ("missing from the header",)) for c in COLUMNS[:-1] if c != "area"]
    return Bad(
        data,
        "ratings.csv",
        [
            (1, "ratings export from the survey tool", None, ("not a column",)),
            (1, "area", "", ("missing from the header",)),
            *missing,
        ],
    )


def unterminated_quote(cat) -> Bad:
    # A comment typed with an opening quote and no closing one: a lenient reader would read every later row into
    # that cell and import the file short. Row 5 is where the quote opens.
    text = to_csv([*good_rows(cat), row(opm_items(cat)[2], comment="QUOTE")]).decode()
    text = text.replace("QUOTE", '"He said we would') + ",".join(row(opm_items(cat)[3], respondent="n9")) + "\r\n"
    return Bad(text.encode(), "ratings.csv", [(FIRST_BAD, "", None, ("never closes", "every row after it"))])


def utf16_without_bom(cat) -> Bad:
    return Bad(to_csv(good_rows(cat), encoding="utf-16-le"), "ratings.csv", [(0, "", None, ("NUL bytes", "CSV UTF-8"))])


def utf8_bom_then_cp1252(cat) -> Bad:
    # Saved as 'CSV UTF-8' (with its byte-order mark), then a line pasted in from a Windows-1252 editor.
    data = b"\xef\xbb\xbf" + to_csv([*good_rows(cat), row(opm_items(cat)[2], comment="caf\u00e9")], encoding="cp1252")
    return Bad(data, "ratings.csv", [(FIRST_BAD, "", None, ("marked as UTF-8", "0xe9", "position", "CSV UTF-8"))])


def utf32_with_bom(cat) -> Bad:
    # UTF-32 is not one of the two encodings a ratings CSV may have (issue 15): refused by name, not misread as UTF-16.
    data = to_csv([*good_rows(cat), row(opm_items(cat)[2], "7", respondent="x9")], encoding="utf-32")
    return Bad(data, "ratings.csv", [(0, "", None, ("UTF-32", "not accepted", "CSV UTF-8"))])


def xlsx_damaged_sheet(cat) -> Bad:
    # A valid zip whose worksheet XML is cut short (a sync tool's half-written copy).
    src = zipfile.ZipFile(io.BytesIO(to_xlsx(good_rows(cat))))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in src.namelist():
            part = src.read(name)
            z.writestr(name, part[: len(part) // 2] if name.endswith("sheet1.xml") else part)
    return Bad(out.getvalue(), "ratings.xlsx", [(0, "", None, ("not a readable Excel .xlsx file",))])


def xlsx_without_its_sheet(cat) -> Bad:
    src = zipfile.ZipFile(io.BytesIO(to_xlsx(good_rows(cat))))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in src.namelist():
            if not name.endswith("sheet1.xml"):
                z.writestr(name, src.read(name))
    return Bad(out.getvalue(), "ratings.xlsx", [(0, "", None, ("not a readable Excel .xlsx file",))])


def many_rows_one_bad(cat) -> Bad:
    # 60,000 rows (a national survey export) with one bad score in the middle: found, named, nothing written.
    o = opm_items(cat)
    rows = [row(o[i % len(o)], str(1 + i % 5), respondent=f"p{i // len(o)}") for i in range(60_000)]
    rows[31_337][7] = "55"
    return Bad(to_csv(rows), "national.csv", [(31_339, "score", "55", ("outside",))])


CASES = [
    pytest.param(bad_value("score", "inf", *NOT_WHOLE, shown="inf"), id="score-inf"),
    pytest.param(bad_value("score", "NaN", *NOT_WHOLE, shown="NaN"), id="score-nan"),
    pytest.param(bad_value("score", "1e400", *NOT_WHOLE, shown="1e400"), id="score-overflowing-float"),
    pytest.param(bad_value("score", "1e3", "outside", shown="1e3"), id="score-1e3"),
    pytest.param(bad_value("score", "True", *NOT_WHOLE, shown="True"), id="score-true"),
    pytest.param(bad_value("score", "1,000", *NOT_WHOLE, shown="1,000"), id="score-thousands-separator"),
    pytest.param(bad_value("score", "\u00bd", *NOT_WHOLE, shown="\u00bd"), id="score-vulgar-fraction"),
    pytest.param(bad_value("framework", "OPM", "not a rated framework", shown="OPM"), id="framework-in-capitals"),
    pytest.param(bad_value("agency", "Police", "not an agency id", shown="Police"), id="agency-as-displayed"),
    pytest.param(bad_value("respondent", "r" * 101, "longer than 100", shown="r" * 101), id="respondent-101-chars"),
    pytest.param(bad_value("cycle", "2" * 101, "longer than 100", shown="2" * 101), id="cycle-101-chars"),
    pytest.param(bad_value("area", "Ash\u0007vale", "control character", shown="Ash\u0007vale"), id="bell-in-area"),
    pytest.param(spaced_duplicate, id="duplicate-hidden-by-spaces"),
    pytest.param(title_row_above_header, id="title-row-above-header"),
    pytest.param(
        whole_file(lambda cat: to_csv(good_rows(cat), sep=";"), "ratings.csv", "separated by semicolons", row_no=1),
        id="semicolon-separated",
    ),
    pytest.param(
        whole_file(lambda cat: to_csv(good_rows(cat), sep="\t"), "ratings.csv", "separated by tabs", row_no=1),
        id="tab-separated",
    ),
    pytest.param(unterminated_quote, id="unterminated-quote"),
    pytest.param(utf16_without_bom, id="utf16-without-bom"),
    pytest.param(utf8_bom_then_cp1252, id="utf8-bom-then-cp1252"),
    pytest.param(utf32_with_bom, id="utf32-with-bom"),
    pytest.param(bad_value("score", datetime(2026, 1, 3), *DATE, shown=None, xlsx=True), id="xlsx-score-is-a-date"),
    pytest.param(bad_value("cycle", datetime(2026, 4, 1), *DATE, shown=None, xlsx=True), id="xlsx-cycle-is-a-date"),
    pytest.param(bad_value("score", True, *NOT_WHOLE, shown="True", xlsx=True), id="xlsx-score-is-boolean"),
    pytest.param(bad_value("score", 3.0000001, *NOT_WHOLE, shown="3.0000001", xlsx=True), id="xlsx-score-nearly-3"),
    pytest.param(bad_value("score", 1e20, "outside", shown="100000000000000000000", xlsx=True), id="xlsx-score-1e20"),
    pytest.param(bad_value("agency", None, "not an agency id", shown="", xlsx=True), id="xlsx-agency-cell-empty"),
    pytest.param(xlsx_damaged_sheet, id="xlsx-damaged-sheet-xml"),
    pytest.param(xlsx_without_its_sheet, id="xlsx-missing-sheet-part"),
    pytest.param(
        whole_file(
            lambda cat: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000,
            "ratings.xlsx",
            "not a readable Excel .xlsx file",
        ),
        id="xlsx-password-protected",
    ),
    pytest.param(
        whole_file(lambda cat: to_csv(good_rows(cat)), "ratings.xlsx", "not a readable Excel .xlsx file"),
        id="csv-renamed-to-xlsx",
    ),
    # (ratings on a second sheet behind an empty first one are read now: tests/bad_input/test_xlsx_limits.py)
    pytest.param(many_rows_one_bad, id="60000-rows-one-bad"),
]


@pytest.fixture
def stored(engine, catalogue):
    """Ratings already in the database: a refused file must leave every table exactly as it was."""
    o = opm_items(catalogue)
    rows = [
        row(o[0], "3", cycle="2025", respondent="r1", comment="first"),
        row(o[1], "2", cycle="2025", respondent="r2"),
    ]
    with session_scope(engine) as s:
        import_ratings(to_csv(rows), "baseline.csv", session=s, catalogue=catalogue)
    return db_state(engine)


def check(bad: Bad, exc: RatingsFileError) -> None:
    message = str(exc)
    assert message.startswith(f"{bad.file}: nothing was imported"), message
    for exp_row, col, value, fragments in bad.expect:
        found = [e for e in exc.errors if e.row == exp_row and e.column == col and (value is None or e.value == value)]
        assert found, f"no error at row {exp_row}, column {col!r}; got {[str(e) for e in exc.errors]}"
        for frag in fragments:
            assert frag.lower() in found[0].reason.lower(), (frag, found[0].reason)
        assert str(found[0]) in message
        if exp_row:
            assert f"row {exp_row}" in str(found[0])
    assert len(exc.errors) == len(bad.expect), [str(e) for e in exc.errors]


@pytest.mark.parametrize("make", CASES)
def test_a_bad_ratings_file_is_refused_whole_and_named(make, engine, catalogue, stored) -> None:
    bad = make(catalogue)
    session = Session(engine)
    started = time.process_time()
    try:
        with pytest.raises(RatingsFileError) as caught:
            import_ratings(bad.data, bad.file, session=session, catalogue=catalogue)
        session.commit()  # a caller that carries on after the error must still have written nothing
    finally:
        session.close()
    assert time.process_time() - started < 60
    check(bad, caught.value)
    assert db_state(engine) == stored


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(engine, catalogue, stored, monkeypatch) -> None:
    monkeypatch.setenv("TOOLKIT_IMPORT_MAX_FILE_MIB", "1")
    get_settings.cache_clear()
    data = to_csv([row(opm_items(catalogue)[0], comment="x" * 1000)] * 3000)  # about 3 MiB
    with session_scope(engine) as s, pytest.raises(RatingsFileError) as caught:
        import_ratings(data, "huge.csv", session=s, catalogue=catalogue)
    assert "huge.csv: nothing was imported" in str(caught.value)
    assert "MiB; the limit is 1 MiB" in str(caught.value)
    assert db_state(engine) == stored


HOSTILE = {
    "area": f"{SCRIPT}{MD_LINK}",
    "cycle": f"{FORMULA[:40]}",
    "respondent": SQL,
    "comment": f"{FORMULA} {IMG_TAG} {MD_IMAGE} {SQL} {SCRIPT}",
}


def test_html_formulas_and_sql_in_every_text_column_are_stored_as_typed(engine, catalogue, stored) -> None:
    """Not refused: these are legitimate text. Stored exactly, no table harmed, and exported back the same."""
    o, t = opm_items(catalogue), tcs_items(catalogue)
    rows = [row(o[0], "2", **HOSTILE), row(t[0], "", framework="twelve_cs", **HOSTILE)]
    with session_scope(engine) as s:
        result = import_ratings(to_csv(rows), "hostile.csv", session=s, catalogue=catalogue)
    assert (result.inserted, result.respondents_added) == (2, 1)
    after = db_state(engine)
    assert set(after) == set(stored)  # every table still there
    assert len(after["ratings"]) == len(stored["ratings"]) + 2
    with session_scope(engine) as s:
        df = export_frame(HOSTILE["area"], HOSTILE["cycle"], session=s)
    assert df[["area", "cycle", "respondent", "comment"]].drop_duplicates().to_dict("records") == [HOSTILE]
    # and importing it again (through a neutralised CSV export) changes nothing
    with session_scope(engine) as s:
        again = import_ratings(export_bytes(df, "csv"), "again.csv", session=s, catalogue=catalogue)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    assert db_state(engine) == after
