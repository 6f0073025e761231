"""Importing ratings files (contracts section 4): every bad file is refused whole, with every problem named.

Item ids are taken from the loaded catalogue, never written here: the framework files change independently.
"""

from __future__ import annotations

import csv
import io
import os
import random
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from sqlalchemy import text
from sqlalchemy.orm import Session

from toolkit.capture.ratings_export import export_frame, write_export
from toolkit.capture.ratings_import import RatingsFileError, import_ratings
from toolkit.capture.validate import COLUMNS
from toolkit.core import ids
from toolkit.store.db import session_scope

ROOT = Path(__file__).resolve().parent.parent
TABLES = ("areas", "cycles", "respondents", "ratings", "rating_history")
AREA = "Northshire"


# ---- helpers ----------------------------------------------------------------------------------------


def opm_items(cat) -> list[str]:
    return [it.id for it in cat.get("opm").items]


def tcs_items(cat) -> list[str]:
    return [it.id for it in cat.get("twelve_cs").items]


def scale(cat, fw: str) -> tuple[int, int]:
    s = cat.get(fw).scale
    return s.min, s.max


def row(
    item: str,
    score: str = "3",
    *,
    area: str = AREA,
    cycle: str = "2026",
    respondent: str = "n1",
    agency: str = "police",
    level: str = "frontline",
    framework: str = "opm",
    comment: str = "",
) -> list[str]:
    return [area, cycle, respondent, agency, level, framework, item, score, comment]


def to_csv(rows: list[list[str]], header: list[str] = COLUMNS, encoding: str = "utf-8") -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


def to_xlsx(rows: list[list[object]], header: list[str] = COLUMNS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def snapshot(engine) -> tuple[dict[str, int], list[tuple]]:
    """Row counts of every ratings table and every stored rating, as seen by a new connection."""
    with engine.connect() as c:
        counts = {t: c.scalar(text(f"SELECT count(*) FROM {t}")) for t in TABLES}
        ratings = c.execute(
            text(
                "SELECT a.name, c.name, p.pseudonym, p.agency, p.level, r.framework, r.item, r.score, r.comment "
                "FROM ratings r JOIN respondents p ON p.id = r.respondent_id JOIN cycles c ON c.id = p.cycle_id "
                "JOIN areas a ON a.id = c.area_id"
            )
        ).all()
    return counts, sorted((tuple(r) for r in ratings), key=repr)


def import_bytes(engine, catalogue, data: bytes, file: str = "ratings.csv"):
    with session_scope(engine) as s:
        return import_ratings(data, file, session=s, catalogue=catalogue)


def run_cli(db_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}
    env.pop("TOOLKIT_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "toolkit", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def baseline_rows(cat) -> list[list[str]]:
    """Already in the database before each bad import: Northshire 2025, two respondents."""
    o = opm_items(cat)
    return [
        row(o[0], "3", cycle="2025", respondent="r1", comment="first"),
        row(o[1], "4", cycle="2025", respondent="r1"),
        row(o[0], "2", cycle="2025", respondent="r2", agency="health", level="strategic"),
        row(
            tcs_items(cat)[0],
            "",
            cycle="2025",
            respondent="r2",
            agency="health",
            level="strategic",
            framework="twelve_cs",
        ),
    ]


def good_rows(cat) -> list[list[str]]:
    """Valid rows that a bad file carries too (rows 2-6): they must not be written either."""
    o, t = opm_items(cat), tcs_items(cat)
    return [
        row(o[0], "5", cycle="2025", respondent="r1", comment="changed"),  # would update a stored rating
        row(o[0], "4", respondent="n1"),
        row(o[1], "", respondent="n1"),
        row(t[0], "2", respondent="n1", framework="twelve_cs", comment="new"),
        row(o[0], "1", area="Southdale", respondent="s1", agency="health", level="managerial"),
    ]


# ---- the catalogue of bad files ---------------------------------------------------------------------


@dataclass
class Bad:
    data: bytes
    file: str
    # every expected error: (row, column, value or None to skip, fragments the reason must contain)
    expect: list[tuple[int, str, str | None, tuple[str, ...]]]


def with_bad(cat, *bad: list[str], header: list[str] = COLUMNS) -> bytes:
    """The good rows (file rows 2-6) followed by the bad rows (file rows 7, 8, ...)."""
    return to_csv([*good_rows(cat), *bad], header)


FIRST_BAD = 2 + 5  # header is row 1, five good rows


def one_bad_value(column: str, value: str, *fragments: str, **row_kw) -> Callable[[object], Bad]:
    def build(cat) -> Bad:
        kw = {"respondent": "x9", **row_kw}  # a respondent of its own, so only the bad value is at fault
        bad = row(value, **kw) if column == "item" else row(opm_items(cat)[2], **{**kw, column: value})
        shown = value.strip() if column != "comment" else value
        return Bad(with_bad(cat, bad), "ratings.csv", [(FIRST_BAD, column, shown, fragments)])

    return build


def header_case(header: list[str], expect: list[tuple[int, str, str | None, tuple[str, ...]]]) -> Callable:
    def build(cat) -> Bad:
        rows = [r[: len(header)] + [""] * max(0, len(header) - len(r)) for r in good_rows(cat)]
        return Bad(to_csv(rows, header), "ratings.csv", expect)

    return build


def file_case(data: bytes, file: str, *fragments: str) -> Callable:
    return lambda cat: Bad(data, file, [(0, "", "", fragments)])


def missing_column(cat) -> Bad:
    header = [c for c in COLUMNS if c != "level"]
    rows = [[v for c, v in zip(COLUMNS, r, strict=True) if c != "level"] for r in good_rows(cat)]
    return Bad(to_csv(rows, header), "ratings.csv", [(1, "level", "", ("missing from the header",))])


def duplicated_column(cat) -> Bad:
    rows = [[*r, r[7]] for r in good_rows(cat)]
    return Bad(to_csv(rows, [*COLUMNS, "score"]), "ratings.csv", [(1, "score", "score", ("more than once",))])


def respondent_two(column: str, first: str, second: str) -> Callable:
    def build(cat) -> Bad:
        o = opm_items(cat)
        rows = [row(o[2], "3", respondent="x1", **{column: first}), row(o[3], "3", respondent="x1", **{column: second})]
        return Bad(
            with_bad(cat, *rows),
            "ratings.csv",
            [(FIRST_BAD + 1, column, second, ("differs from this respondent", repr(first), f"row {FIRST_BAD}"))],
        )

    return build


def same_rating_twice(cat) -> Bad:
    item = opm_items(cat)[2]
    data = with_bad(cat, row(item, "3", respondent="x1"), row(item, "4", respondent="x1"))
    return Bad(data, "ratings.csv", [(FIRST_BAD + 1, "item", item, ("rated twice", f"first at row {FIRST_BAD}"))])


def undecodable(cat) -> Bad:
    data = with_bad(cat, row(opm_items(cat)[2], "3", comment="CAFE_MARK"))
    # 0x81 is invalid in UTF-8 (a lone continuation byte) and unassigned in Windows-1252.
    # The row of the first bad byte is named, and its position in the file.
    expect = [(FIRST_BAD, "", "", ("not UTF-8", "0x81", "position", "CSV UTF-8"))]
    return Bad(data.replace(b"CAFE_MARK", b"caf\x81"), "ratings.csv", expect)


def truncated_xlsx(cat) -> Bad:
    whole = to_xlsx(good_rows(cat))
    return Bad(whole[: len(whole) // 2], "ratings.xlsx", [(0, "", "", ("not a readable Excel .xlsx file", "corrupt"))])


def random_binary(cat) -> Bad:
    data = random.Random(20260101).randbytes(4096)
    return Bad(data, "ratings.csv", [(0, "", "", ("not a CSV text file", ".xlsx"))])


def legacy_xls(cat) -> Bad:
    # An old binary .xls (OLE2 compound file) renamed or saved in the wrong format.
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"area,cycle" * 20
    return Bad(data, "ratings.xls", [(0, "", "", ("not a CSV text file", ".xlsx"))])


def long_comment(n: int) -> Callable:
    def build(cat) -> Bad:
        comment = ("Evidence: " * (n // 10 + 1))[:n]
        data = with_bad(cat, row(opm_items(cat)[2], "3", comment=comment))
        return Bad(data, "ratings.csv", [(FIRST_BAD, "comment", comment, ("longer than 4000 characters",))])

    return build


def more_cells_than_header(cat) -> Bad:
    # An unquoted comma in a comment, typed into a text editor: ten cells under nine columns.
    line = ",".join(row(opm_items(cat)[2], "3", comment="Good")) + ", but slow\r\n"
    return Bad(with_bad(cat) + line.encode(), "ratings.csv", [(FIRST_BAD, "", None, ("more cells than the header",))])


def last_of_500_bad(cat) -> Bad:
    o = opm_items(cat)
    rows = [row(o[i % len(o)], str(1 + i % 5), respondent=f"p{i // len(o)}") for i in range(500)]
    hi = scale(cat, "opm")[1]
    rows[-1][7] = str(hi + 1)
    return Bad(to_csv(rows), "big.csv", [(501, "score", str(hi + 1), ("outside", "scale"))])


def several_bad_rows(cat) -> Bad:
    o = opm_items(cat)
    rows = [
        row(o[2], "3", respondent="x1"),  # 7 good
        row(o[3], "9", respondent="x1"),  # 8 score
        row(o[4], "3", respondent="x2", agency="fire"),  # 9 agency
        row(o[5], "3", respondent="x3"),  # 10 good
        row("no_such_item", "3", respondent="x3"),  # 11 item
        row(o[6], "3", respondent="x4", level="boss", framework="opm_v2"),  # 12 level and framework
    ]
    return Bad(
        with_bad(cat, *rows),
        "ratings.csv",
        [
            (8, "score", "9", ("outside",)),
            (9, "agency", "fire", ("not an agency id",)),
            (11, "item", "no_such_item", ("not an item of opm",)),
            (12, "level", "boss", ("not a level id",)),
            (12, "framework", "opm_v2", ("not a rated framework",)),
        ],
    )


def bad_row_after_blank_lines(cat) -> Bad:
    # Blank lines are skipped, but the error must name the row a spreadsheet shows.
    data = with_bad(cat) + b"\r\n,,,,,,,,\r\n" + to_csv([row(opm_items(cat)[2], "0")]).split(b"\r\n", 1)[1]
    return Bad(data, "ratings.csv", [(FIRST_BAD + 2, "score", "0", ("outside",))])


def bad_row_in_xlsx(cat) -> Bad:
    o = opm_items(cat)
    rows: list[list[object]] = [[*r[:7], int(r[7]) if r[7] else None, r[8]] for r in good_rows(cat)]
    rows += [[], [AREA, 2026, "x1", "police", "frontline", "opm", o[2], 3.5, None]]  # a blank row, then row 8
    return Bad(to_xlsx(rows), "ratings.xlsx", [(FIRST_BAD + 1, "score", "3.5", ("not a whole number",))])


def stored_respondent(column: str, value: str) -> Callable:
    def build(cat) -> Bad:
        # r1 is stored as police/frontline for Northshire 2025 (baseline_rows); the file says otherwise, consistently.
        bad = row(opm_items(cat)[3], "3", cycle="2025", respondent="r1", **{column: value})
        data = to_csv([*good_rows(cat)[1:], bad])
        return Bad(data, "ratings.csv", [(FIRST_BAD - 1, column, value, ("stored respondent", "'r1'", "police"))])

    return build


OUT_OF_SCALE = ("outside", "opm's scale 1-5")
NOT_WHOLE = ("not a whole number", "blank for don't know")

BAD_FILES = [
    pytest.param(missing_column, id="missing-column"),
    pytest.param(
        header_case([*COLUMNS, "notes"], [(1, "notes", "notes", ("not a column of a ratings file",))]),
        id="extra-column",
    ),
    pytest.param(duplicated_column, id="duplicated-column"),
    pytest.param(
        header_case(
            [c if c != "score" else "scroe" for c in COLUMNS],
            [(1, "scroe", "scroe", ("not a column",)), (1, "score", "", ("missing from the header",))],
        ),
        id="misspelt-column",
    ),
    pytest.param(
        one_bad_value("framework", "opm2", "not a rated framework", "opm", "twelve_cs"), id="unknown-framework"
    ),
    pytest.param(one_bad_value("item", "no_such_item", "not an item of opm"), id="unknown-item"),
    pytest.param(
        lambda cat: one_bad_value("item", opm_items(cat)[0], "not an item of twelve_cs", framework="twelve_cs")(cat),
        id="item-of-the-other-framework",
    ),
    pytest.param(
        one_bad_value("agency", "fire_service", "not an agency id", "use one of", *ids.AGENCIES), id="unknown-agency"
    ),
    pytest.param(one_bad_value("level", "senior", "not a level id", "use one of", *ids.LEVELS), id="unknown-level"),
    pytest.param(one_bad_value("level", "", "not a level id"), id="blank-level"),
    pytest.param(one_bad_value("score", "0", *OUT_OF_SCALE), id="score-0"),
    pytest.param(one_bad_value("score", "6", *OUT_OF_SCALE), id="score-6"),
    pytest.param(one_bad_value("score", "-1", *OUT_OF_SCALE), id="score-minus-1"),
    pytest.param(one_bad_value("score", "99999999999999999999", *OUT_OF_SCALE), id="score-huge"),
    pytest.param(one_bad_value("score", "three", *NOT_WHOLE), id="score-three"),
    pytest.param(one_bad_value("score", "3.5", *NOT_WHOLE), id="score-3.5"),
    pytest.param(one_bad_value("score", "n/a", *NOT_WHOLE), id="score-n/a"),
    pytest.param(respondent_two("agency", "police", "health"), id="respondent-two-agencies"),
    pytest.param(respondent_two("level", "frontline", "strategic"), id="respondent-two-levels"),
    pytest.param(same_rating_twice, id="same-rating-twice"),
    pytest.param(file_case(b"", "ratings.csv", "is empty", "header row", "area, cycle"), id="empty-file"),
    pytest.param(file_case(b"  \r\n\t\n   \n", "ratings.csv", "is empty", "header row"), id="whitespace-only"),
    pytest.param(file_case(to_csv([]), "ratings.csv", "header but no rows"), id="header-only"),
    pytest.param(
        file_case(to_csv([]) + b",,,,,,,,\r\n\r\n", "ratings.csv", "header but no rows"), id="header-and-blank-rows"
    ),
    pytest.param(undecodable, id="not-utf8-nor-cp1252"),
    pytest.param(truncated_xlsx, id="truncated-xlsx"),
    pytest.param(random_binary, id="random-binary"),
    pytest.param(legacy_xls, id="legacy-xls"),
    pytest.param(long_comment(4001), id="comment-4001-chars"),
    pytest.param(long_comment(200_000), id="comment-200000-chars"),
    pytest.param(one_bad_value("comment", "bell\x07here", "control character"), id="control-character"),
    pytest.param(
        lambda cat: Bad(
            with_bad(cat, row(opm_items(cat)[2], comment="a\x00b")), "ratings.csv", [(0, "", "", ("NUL", "not a CSV"))]
        ),
        id="nul-byte",
    ),
    pytest.param(one_bad_value("area", "", "is blank"), id="blank-area"),
    pytest.param(one_bad_value("cycle", "", "is blank"), id="blank-cycle"),
    pytest.param(one_bad_value("respondent", "", "is blank"), id="blank-respondent"),
    pytest.param(one_bad_value("respondent", "   ", "is blank"), id="whitespace-respondent"),
    pytest.param(one_bad_value("area", "N" * 201, "longer than 200"), id="area-too-long"),
    pytest.param(more_cells_than_header, id="more-cells-than-header"),
    pytest.param(last_of_500_bad, id="last-of-500-rows-bad"),
    pytest.param(several_bad_rows, id="several-bad-rows"),
    pytest.param(bad_row_after_blank_lines, id="row-number-after-blank-lines"),
    pytest.param(bad_row_in_xlsx, id="xlsx-bad-score-after-blank-row"),
    pytest.param(stored_respondent("agency", "health"), id="stored-respondent-other-agency"),
    pytest.param(stored_respondent("level", "strategic"), id="stored-respondent-other-level"),
]


@pytest.fixture
def baseline(engine, catalogue):
    """Stored ratings that a refused import must leave exactly as they were."""
    import_bytes(engine, catalogue, to_csv(baseline_rows(catalogue)), "baseline.csv")
    before = snapshot(engine)
    assert before[0]["ratings"] == 4 and before[0]["respondents"] == 2
    return before


def check_errors(bad: Bad, errors: list) -> None:
    for exp_row, col, value, fragments in bad.expect:
        matches = [e for e in errors if e.row == exp_row and e.column == col and (value is None or e.value == value)]
        assert matches, f"no error for row {exp_row}, column {col!r}, value {value!r}; got {[str(e) for e in errors]}"
        for frag in fragments:
            assert frag.lower() in matches[0].reason.lower(), f"{frag!r} not in {matches[0].reason!r}"
    assert len(errors) == len(bad.expect), [str(e) for e in errors]


@pytest.mark.parametrize("make", BAD_FILES)
def test_bad_file_is_refused_whole(make, engine, catalogue, baseline) -> None:
    bad = make(catalogue)
    session = Session(engine)
    try:
        with pytest.raises(RatingsFileError) as caught:
            import_ratings(bad.data, bad.file, session=session, catalogue=catalogue)
        session.commit()  # a caller that carries on after the error must still have written nothing
    finally:
        session.close()
    check_errors(bad, caught.value.errors)
    message = str(caught.value)
    assert message.startswith(f"{bad.file}: nothing was imported")
    assert all(str(e) in message for e in caught.value.errors)  # every problem is listed
    assert snapshot(engine) == baseline


@pytest.mark.parametrize("make", BAD_FILES)
def test_cli_refuses_bad_file(make, tmp_path, db_url, engine, catalogue, baseline) -> None:
    bad = make(catalogue)
    path = tmp_path / bad.file
    path.write_bytes(bad.data)
    done = run_cli(db_url, "import", str(path))
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "unexpected" not in done.stderr
    assert done.stderr.startswith(f"error: {bad.file}: nothing was imported")
    for exp_row, _col, value, fragments in bad.expect:
        if exp_row:
            assert f"row {exp_row}, " in done.stderr
        if value and len(value) < 50:
            assert repr(value) in done.stderr
        for frag in fragments:
            assert frag.lower() in done.stderr.lower()
    assert done.stdout == ""
    assert snapshot(engine) == baseline


def test_several_bad_rows_all_reported_in_row_order(engine, catalogue) -> None:
    bad = several_bad_rows(catalogue)
    with pytest.raises(RatingsFileError) as caught:
        import_bytes(engine, catalogue, bad.data)
    assert [e.row for e in caught.value.errors] == [8, 9, 11, 12, 12]
    assert "5 problem(s) in 4 row(s)" in str(caught.value)


# ---- files that must import ---------------------------------------------------------------------------


def test_csv_with_utf8_bom_imports(engine, catalogue) -> None:
    rows = good_rows(catalogue)
    result = import_bytes(engine, catalogue, b"\xef\xbb\xbf" + to_csv(rows))
    assert (result.rows, result.inserted, result.encoding) == (5, 5, "utf-8")
    counts, stored = snapshot(engine)
    assert counts["areas"] == 2 and counts["respondents"] == 3
    assert any(r[0] == AREA and r[8] == "new" for r in stored)


def test_windows_1252_file_is_refused_not_guessed(engine, catalogue) -> None:
    # Issue 15: one stray Windows-1252 byte made the whole file decode as Windows-1252 ("Zoë" stored as "ZoÃ«").
    # No guess now: the first byte that is not UTF-8 is named, by row and position, and nothing is written.
    comment = "Réunion café: naïve “quotes” – £5"
    data = to_csv([row(opm_items(catalogue)[0], "4", comment=comment)], encoding="cp1252")
    with pytest.raises(RatingsFileError) as caught:
        import_bytes(engine, catalogue, data)
    (error,) = caught.value.errors
    assert error.row == 2 and "0xe9" in error.reason and f"position {data.index(0xE9)}" in error.reason
    assert "CSV UTF-8" in error.reason
    assert snapshot(engine)[0]["ratings"] == 0


def test_utf16_with_bom_imports(engine, catalogue) -> None:
    comment = "Zoë said “yes”"
    result = import_bytes(engine, catalogue, to_csv([row(opm_items(catalogue)[0], comment=comment)], encoding="utf-16"))
    assert result.inserted == 1
    assert snapshot(engine)[1][0][8] == comment


def test_spreadsheet_habits_are_tolerated(engine, catalogue) -> None:
    """Capitalised headers, spaces around values, trailing empty columns and blank lines, as Excel leaves them."""
    o = opm_items(catalogue)
    header = [c.capitalize() for c in COLUMNS] + ["", ""]
    rows = [
        [
            f" {AREA} ",
            "2026 ",
            " n1",
            " police ",
            "frontline ",
            " opm",
            f" {o[0]} ",
            " 4 ",
            "  kept as typed  ",
            "",
            "",
        ],
        ["", "", "", "", "", "", "", "", "", "", ""],
        [AREA, "2026", "n1", "police", "frontline", "opm", o[1], "3.0", "", "", ""],
    ]
    result = import_bytes(engine, catalogue, to_csv(rows, header))
    assert (result.rows, result.inserted) == (2, 2)
    stored = snapshot(engine)[1]
    assert {(r[0], r[1], r[2], r[3], r[6], r[7], r[8]) for r in stored} == {
        (AREA, "2026", "n1", "police", o[0], 4, "  kept as typed  "),
        (AREA, "2026", "n1", "police", o[1], 3, ""),
    }


def test_xlsx_with_numbers_and_a_formatted_empty_column_imports(engine, catalogue) -> None:
    o = opm_items(catalogue)
    wb = Workbook()
    ws = wb.active
    ws.append(COLUMNS)
    ws.append([AREA, 2026, 101, "police", "frontline", "opm", o[0], 4, "typed in Excel"])
    ws.append([AREA, 2026, 101, "police", "frontline", "opm", o[1], None, None])
    ws["L1"].font = Font(bold=True)  # a styled but empty cell right of the header widens the sheet
    buf = io.BytesIO()
    wb.save(buf)
    result = import_bytes(engine, catalogue, buf.getvalue(), "ratings.xlsx")
    assert (result.inserted, result.encoding) == (2, "xlsx")
    stored = snapshot(engine)[1]
    assert {(r[1], r[2], r[6], r[7], r[8]) for r in stored} == {
        ("2026", "101", o[0], 4, "typed in Excel"),
        ("2026", "101", o[1], None, ""),
    }


def test_cli_import_prints_a_summary(tmp_path, db_url, engine, catalogue) -> None:
    path = tmp_path / "ratings.csv"
    path.write_bytes(to_csv(good_rows(catalogue)))
    done = run_cli(db_url, "import", str(path))
    assert done.returncode == 0, done.stderr
    assert "5 rows read; 5 new ratings" in done.stdout and "3 new respondents" in done.stdout
    assert snapshot(engine)[0]["ratings"] == 5


def test_cli_import_of_a_missing_file(tmp_path, db_url) -> None:
    done = run_cli(db_url, "import", str(tmp_path / "nope.csv"))
    assert done.returncode == 1
    assert "nope.csv: no such file" in done.stderr and "Traceback" not in done.stderr


# ---- repeat imports, changes, don't know ----------------------------------------------------------------


def national_sample(cat) -> list[list[str]]:
    o, t = opm_items(cat), tcs_items(cat)
    rows = []
    for k, (agency, level) in enumerate(
        [("police", "frontline"), ("health", "managerial"), ("education", "strategic")]
    ):
        for i, item in enumerate(o[:10]):
            rows.append(
                row(item, "" if i == k else str(1 + (i + k) % 5), respondent=f"p{k}", agency=agency, level=level)
            )
        for i, item in enumerate(t[:4]):
            rows.append(row(item, str(5 - i), respondent=f"p{k}", agency=agency, level=level, framework="twelve_cs"))
    rows.append(row(o[0], "2", cycle="2025", respondent="p0", comment="older round"))
    return rows


def test_importing_the_same_file_twice_changes_nothing(engine, catalogue) -> None:
    data = to_csv(national_sample(catalogue))
    first = import_bytes(engine, catalogue, data)
    assert (first.rows, first.inserted, first.updated, first.unchanged) == (43, 43, 0, 0)
    assert first.respondents_added == 4
    before = snapshot(engine)
    second = import_bytes(engine, catalogue, data)
    assert (second.rows, second.inserted, second.updated, second.unchanged, second.respondents_added) == (
        43,
        0,
        0,
        43,
        0,
    )
    assert snapshot(engine) == before
    assert before[0]["rating_history"] == 0


def test_a_changed_score_is_updated_and_the_old_value_kept(engine, catalogue) -> None:
    o = opm_items(catalogue)
    rows = [row(o[0], "2", comment="not yet"), row(o[1], "4")]
    import_bytes(engine, catalogue, to_csv(rows), "round1.csv")
    rows[0] = row(o[0], "4", comment="since the joint training")
    result = import_bytes(engine, catalogue, to_csv(rows), "round2.csv")
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 1)
    counts, stored = snapshot(engine)
    assert counts["ratings"] == 2
    assert [(r[6], r[7], r[8]) for r in stored if r[6] == o[0]] == [(o[0], 4, "since the joint training")]
    with engine.connect() as c:
        history = c.execute(
            text(
                "SELECT h.score, h.comment, h.replaced_by, r.item FROM rating_history h JOIN ratings r ON r.id = h.rating_id"
            )
        ).all()
    assert [tuple(h) for h in history] == [(2, "not yet", "import:round2.csv", o[0])]


def test_changing_a_score_to_dont_know_keeps_history(engine, catalogue) -> None:
    o = opm_items(catalogue)
    import_bytes(engine, catalogue, to_csv([row(o[0], "5")]))
    result = import_bytes(engine, catalogue, to_csv([row(o[0], "")]))
    assert result.updated == 1
    with engine.connect() as c:
        assert c.execute(text("SELECT score FROM ratings")).scalar_one() is None
        assert c.execute(text("SELECT score FROM rating_history")).scalar_one() == 5


def test_dont_know_is_stored_as_null_and_round_trips(engine, catalogue, tmp_path) -> None:
    o = opm_items(catalogue)
    rows = [row(o[0], ""), row(o[1], "  "), row(o[2], "1")]
    import_bytes(engine, catalogue, to_csv(rows))
    with engine.connect() as c:
        scores = dict(c.execute(text("SELECT item, score FROM ratings")).all())
    assert scores == {o[0]: None, o[1]: None, o[2]: 1}
    with session_scope(engine) as s:
        frame = export_frame(AREA, "2026", session=s)
    assert frame.set_index("item")["score"].isna().to_dict() == {o[0]: True, o[1]: True, o[2]: False}
    out = tmp_path / "export.csv"
    write_export(frame, "csv", out)
    exported = {r["item"]: r["score"] for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))}
    assert exported == {o[0]: "", o[1]: "", o[2]: "1"}
    again = import_bytes(engine, catalogue, out.read_bytes(), "export.csv")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)


def test_xlsx_reimport_of_dont_know_changes_nothing(engine, catalogue, tmp_path) -> None:
    o = opm_items(catalogue)
    import_bytes(engine, catalogue, to_csv([row(o[0], ""), row(o[1], "2")]))
    with session_scope(engine) as s:
        frame = export_frame(AREA, None, session=s)
    out = tmp_path / "export.xlsx"
    write_export(frame, "xlsx", out)
    cells = {
        r[6]: r[7] for r in load_workbook(out, read_only=True).worksheets[0].iter_rows(min_row=2, values_only=True)
    }
    assert cells == {o[0]: None, o[1]: 2}
    again = import_bytes(engine, catalogue, out.read_bytes(), "export.xlsx")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
