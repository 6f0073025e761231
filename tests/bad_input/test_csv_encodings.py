"""Issue 15: a ratings CSV is UTF-8 (with or without its byte-order mark) or UTF-16 with its byte-order mark.
Anything else is refused naming the first bad byte's position and row; nothing is replaced or guessed. The file
is decoded a block at a time, so characters and line ends that straddle two blocks are tested too."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.bad_input.helpers import db_state, good_rows, opm_items, row, to_csv
from toolkit.capture import csv_rows as csv_mod
from toolkit.capture.csv_rows import csv_rows
from toolkit.capture.ratings_import import RatingsFileError, import_ratings
from toolkit.store.db import session_scope

NAME = "Zoë Ångström"


def rows_of(data: bytes) -> list[list[str]]:
    return list(csv_rows(io.BytesIO(data), "r.csv"))


def refusal(data: bytes) -> RatingsFileError:
    with pytest.raises(RatingsFileError) as caught:
        rows_of(data)
    return caught.value


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda t: t.encode("utf-8"), id="utf-8"),
        pytest.param(lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), id="utf-8-bom"),
        pytest.param(lambda t: t.encode("utf-16"), id="utf-16-bom"),
        pytest.param(lambda t: b"\xfe\xff" + t.encode("utf-16-be"), id="utf-16-be-bom"),
    ],
)
def test_the_accepted_encodings_read_the_same_names(engine, catalogue, encode) -> None:
    text = to_csv([row(opm_items(catalogue)[0], respondent=NAME)]).decode()
    assert rows_of(encode(text))[1][2] == NAME
    with session_scope(engine) as s:
        result = import_ratings(encode(text), "r.csv", session=s, catalogue=catalogue)
    assert result.inserted == 1


def test_a_stray_windows_1252_byte_is_named_by_position_and_row() -> None:
    # Past the first block, so the position counts every block before it.
    lines = [f"area,{i},r{i}\r\n" for i in range(100_000)]
    data = bytearray("".join(lines).encode())
    at = data.index(b"r80000")
    data[at] = 0xE9  # "é" as Windows-1252 writes it
    (error,) = refusal(bytes(data)).errors
    assert error.row == 80_001 and f"byte 0xe9 at position {at}" in error.reason and "CSV UTF-8" in error.reason
    assert at > csv_mod.BLOCK


def test_utf16_cut_short_is_refused() -> None:
    data = "area,cycle\r\nZoë,2026\r\n".encode("utf-16")[:-1]
    (error,) = refusal(data).errors
    assert "cut short" in error.reason


def test_utf16_with_a_lone_surrogate_is_refused() -> None:
    data = b"\xff\xfe" + "area,cycle\r\nx,".encode("utf-16-le") + b"\x00\xd8" + ",y\r\n".encode("utf-16-le")
    (error,) = refusal(data).errors
    assert error.row == 2 and "not UTF-16" in error.reason and "position 30" in error.reason


def test_utf16_without_its_mark_and_utf32_are_refused() -> None:
    assert "NUL bytes" in refusal("area,cycle\r\n".encode("utf-16-le")).errors[0].reason
    assert "UTF-32" in refusal("area,cycle\r\n".encode("utf-32")).errors[0].reason


def test_a_refused_encoding_writes_nothing(engine, catalogue) -> None:
    data = to_csv([*good_rows(catalogue), row(opm_items(catalogue)[2], comment="caf\u00e9")], encoding="cp1252")
    before = db_state(engine)
    with session_scope(engine) as s, pytest.raises(RatingsFileError):
        import_ratings(data, "r.csv", session=s, catalogue=catalogue)
    assert db_state(engine) == before


CELL = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)


@given(
    table=st.lists(st.lists(CELL, min_size=1, max_size=4), min_size=1, max_size=12),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
    block=st.integers(1, 9),
    ending=st.sampled_from(["\r\n", "\n", "\r"]),
)
def test_any_table_reads_back_whatever_the_blocks(table, encoding, block, ending) -> None:
    """Decoding block by block (blocks of 1 to 9 bytes: every character and CRLF split somewhere) reads exactly
    what the csv module reads from the whole text."""
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator=ending).writerows(table)
    text = buf.getvalue()
    expected = list(csv.reader(io.StringIO(text, newline="")))
    with blocks_of(block):
        assert rows_of(text.encode(encoding)) == expected


@given(data=st.binary(max_size=200), block=st.integers(1, 9))
def test_any_bytes_read_or_are_refused_plainly(data, block) -> None:
    with blocks_of(block):
        try:
            rows_of(data)
        except RatingsFileError as exc:
            assert exc.errors and str(exc).startswith("r.csv: nothing was imported")
        except csv_mod.Lenient:
            pass  # (the importer reads such a file again, leniently)


@contextmanager
def blocks_of(n: int) -> Iterator[None]:
    """Decode n bytes at a time (hypothesis runs many examples in one test, so not a function-scoped fixture)."""
    saved, csv_mod.BLOCK = csv_mod.BLOCK, n
    try:
        yield
    finally:
        csv_mod.BLOCK = saved
