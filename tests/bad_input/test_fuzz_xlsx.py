"""Issue 15: fuzzed workbooks (odd cells, cut-short zips, random bytes) and CSV bytes in odd encodings either import or
raise RatingsFileError, never another exception, and a refusal writes nothing."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.bad_input.helpers import db_state, good_rows
from tests.bad_input.xlsx_craft import workbook
from toolkit.capture.ratings_import import RatingsFileError, import_ratings
from toolkit.capture.validate import COLUMNS
from toolkit.store.db import session_scope

DB = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
XML_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=20)
ODD_CELL = st.one_of(
    st.none(),
    XML_TEXT,
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.tuples(st.just("f"), st.sampled_from(["1+1", "A1", "SUM(A:A)"]), st.one_of(st.none(), st.integers(0, 9))),
    st.tuples(st.just("e"), st.sampled_from(["#N/A", "#DIV/0!", "#REF!"])),
    st.sampled_from(
        [
            ("raw", '<c r="H9" t="s"><v>99999</v></c>'),  # a shared string that is not there
            ("raw", '<c r="ZZZZ9"><v>1</v></c>'),  # a column past any sheet
            ("raw", '<c r="H9" t="n"><v>abc</v></c>'),  # a number that is not one
            ("raw", '<c r="H9" t="b"><v>2</v></c>'),
            ("raw", '<c r="H9" t="d"><v>not-a-date</v></c>'),
            ("raw", '<c r="H9" t="inlineStr"><is><t>inline</t></is></c>'),
            ("raw", "<c><v>1</v></c>"),  # no reference
            ("raw", '<c r="H9" s="999"><v>1</v></c>'),  # a style that is not there
        ]
    ),
)


def outcome(engine, catalogue, data: bytes, name: str) -> None:
    before = db_state(engine)
    try:
        with session_scope(engine) as s:
            result = import_ratings(data, name, session=s, catalogue=catalogue)
    except RatingsFileError as exc:
        assert exc.errors and str(exc).startswith(f"{name}: nothing was imported")
        assert db_state(engine) == before  # nothing half-written
        return
    assert len(db_state(engine)["ratings"]) == len(before["ratings"]) + result.inserted


@DB
@given(cells=st.lists(st.lists(ODD_CELL, min_size=1, max_size=10), min_size=1, max_size=4))
def test_workbooks_with_odd_cells_import_or_are_refused(engine, catalogue, cells) -> None:
    outcome(engine, catalogue, workbook({"ratings": [COLUMNS, *good_rows(catalogue), *cells]}), "odd.xlsx")


@DB
@given(cut=st.floats(0, 1), flip=st.integers(0, 10**9), junk=st.binary(max_size=8))
def test_cut_short_or_damaged_workbooks_are_refused(engine, catalogue, cut, flip, junk) -> None:
    whole = workbook({"ratings": [COLUMNS, *good_rows(catalogue)], "more": [COLUMNS]})
    at = int(len(whole) * cut)
    damaged = bytearray(whole[:at] + junk + whole[at + len(junk) :])
    if damaged:
        damaged[flip % len(damaged)] ^= 0x55
    outcome(engine, catalogue, bytes(damaged), "damaged.xlsx")


@DB
@given(
    text=st.text(st.characters(exclude_categories=["Cs"]), max_size=60),
    codec=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252", "latin-1"]),
)
def test_csv_in_any_encoding_imports_or_is_refused(engine, catalogue, text, codec) -> None:
    header = ",".join(COLUMNS) + "\r\n"
    try:
        data = (header + text).encode(codec)
    except UnicodeEncodeError:
        data = (header + text).encode("utf-8") + b"\xff"
    outcome(engine, catalogue, data, "odd.csv")
