"""Property and fuzz tests: no input makes the ratings import or the framework loader fail with anything but their
documented errors (RatingsFileError, FrameworkError), and an import either writes every row or nothing."""

from __future__ import annotations

import contextlib
import copy
import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.bad_input.helpers import db_state, good_rows, opm_items, tcs_items, to_csv, to_xlsx
from toolkit.capture.ratings_import import RatingsFileError, import_ratings, read_table, validate
from toolkit.capture.validate import COLUMNS
from toolkit.core import ids
from toolkit.core.frameworks import BUNDLED_DIR, FrameworkError, load_catalogue, parse_framework
from toolkit.core.schema import Framework
from toolkit.store.db import session_scope

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DB = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


# ---- the ratings file parser --------------------------------------------------------------------------


@FAST
@given(data=st.binary(max_size=4096), name=st.sampled_from(["r.csv", "r.xlsx", "r.txt", "R.XLSX"]))
def test_read_table_on_arbitrary_bytes_reads_or_refuses(data: bytes, name: str) -> None:
    try:
        df, encoding = read_table(data, name)
    except RatingsFileError as exc:
        assert str(exc).startswith(f"{name}: nothing was imported") and exc.errors
        return
    assert list(df.columns) == COLUMNS and encoding


XLSX_PARTS = st.sampled_from(
    [
        "xl/worksheets/sheet1.xml",
        "xl/workbook.xml",
        "[Content_Types].xml",
        "xl/styles.xml",
        "xl/_rels/workbook.xml.rels",
        "docProps/app.xml",
    ]
)


@FAST
@given(part=XLSX_PARTS, at=st.floats(0, 1), cut=st.booleans(), junk=st.binary(min_size=1, max_size=40))
def test_read_table_on_damaged_xlsx_parts_reads_or_refuses(part: str, at: float, cut: bool, junk: bytes) -> None:
    """A valid zip whose one part is truncated or has bytes spliced in (XML, relations, styles)."""
    src = zipfile.ZipFile(io.BytesIO(_VALID_XLSX))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in src.namelist():
            blob = src.read(name)
            if name == part:
                k = int(len(blob) * at)
                blob = blob[:k] if cut else blob[:k] + junk + blob[k:]
            z.writestr(name, blob)
    try:
        read_table(out.getvalue(), "r.xlsx")
    except RatingsFileError as exc:
        assert "r.xlsx: nothing was imported" in str(exc)


@FAST
@given(flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=8))
def test_read_table_on_bit_flipped_xlsx_reads_or_refuses(flips) -> None:
    data = bytearray(_VALID_XLSX)
    for pos, value in flips:
        data[pos % len(data)] = value
    with contextlib.suppress(RatingsFileError):
        read_table(bytes(data), "r.xlsx")


# Cell text: anything, including control characters, other scripts, lone surrogates excluded (not encodable).
CELL = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
SOME_ID = lambda ids_: st.one_of(st.sampled_from(list(ids_)), CELL)  # noqa: E731


def rows_strategy(cat):
    items = [*opm_items(cat), *tcs_items(cat)]
    row = st.tuples(
        st.one_of(st.sampled_from(["Northshire", "Southdale"]), CELL),
        st.one_of(st.sampled_from(["2026"]), CELL),
        st.one_of(st.sampled_from(["n1", "n2", "n3"]), CELL),
        SOME_ID(ids.AGENCIES),
        SOME_ID(ids.LEVELS),
        SOME_ID(["opm", "twelve_cs"]),
        SOME_ID(items),
        st.one_of(st.sampled_from(["", "1", "3", "5", "0", "6", "3.0", "x"]), CELL),
        CELL,
    )
    return st.lists(row.map(list), min_size=1, max_size=12)


@FAST
@given(data=st.data())
def test_validate_on_arbitrary_values_returns_errors_and_never_raises(catalogue, data) -> None:
    rows = data.draw(rows_strategy(catalogue))
    df = pd.DataFrame(rows, columns=COLUMNS, dtype=object, index=range(2, len(rows) + 2))
    clean, errors = validate(df, catalogue)
    assert all(e.row in df.index for e in errors)
    if not errors:  # a clean table holds only what the contracts allow
        assert set(clean["agency"]) <= set(ids.AGENCIES) and set(clean["level"]) <= set(ids.LEVELS)
        assert clean["score"].dropna().between(1, 5).all()


@DB
@given(data=st.data(), fmt=st.sampled_from(["csv", "xlsx"]))
def test_import_of_arbitrary_rows_writes_all_of_them_or_nothing(engine, catalogue, data, fmt) -> None:
    rows = data.draw(rows_strategy(catalogue))
    if fmt == "xlsx":
        assume(not any(ch in cell for r in rows for cell in r for ch in _XML_ILLEGAL))  # openpyxl cannot write these
        blob = to_xlsx(rows)
    else:
        blob = to_csv(rows)
    before = db_state(engine)
    try:
        with session_scope(engine) as s:
            result = import_ratings(blob, f"fuzz.{fmt}", session=s, catalogue=catalogue)
    except RatingsFileError:
        assert db_state(engine) == before  # nothing half-written
        return
    after = db_state(engine)
    assert len(after["ratings"]) == len(before["ratings"]) + result.inserted
    assert len(after["rating_history"]) == len(before["rating_history"]) + result.updated
    assert result.inserted + result.updated + result.unchanged == result.rows == len(rows)


_XML_ILLEGAL = {chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32)]}
_VALID_XLSX = b""


@pytest.fixture(autouse=True, scope="module")
def _valid_xlsx(catalogue):
    global _VALID_XLSX
    _VALID_XLSX = to_xlsx(good_rows(catalogue))


# ---- the framework loader ----------------------------------------------------------------------------


@FAST
@given(text=st.text(max_size=2000))
def test_parse_framework_on_arbitrary_text_parses_or_refuses(text: str) -> None:
    try:
        fw = parse_framework(text, "f.yaml")
    except FrameworkError as exc:
        assert exc.problems and all(p.file == "f.yaml" for p in exc.problems)
        return
    assert isinstance(fw, Framework)


YAMLISH = st.lists(
    st.sampled_from(
        [
            "schema_version: 1\n",
            "id: x\n",
            "kind: rated\n",
            "items:\n",
            "  - ",
            "{",
            "}",
            "[",
            "]",
            "&a ",
            "*a",
            "!!str ",
            "!!binary ",
            ": ",
            "- ",
            "\t",
            "'",
            '"',
            "\n",
            "? ",
            "%YAML 1.2\n",
            "---\n",
            "...\n",
            "<<: *a\n",
            "1e9999",
            ".nan",
            "~",
        ]
    ),
    max_size=40,
).map("".join)


@FAST
@given(text=YAMLISH)
def test_parse_framework_on_yaml_shaped_noise_parses_or_refuses(text: str) -> None:
    with contextlib.suppress(FrameworkError):
        parse_framework(text, "f.yaml")


_DOCS = {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(BUNDLED_DIR.glob("*.yaml"))}
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 10**12),
    st.floats(allow_nan=True),
    CELL,
    st.lists(CELL, max_size=3),
    st.dictionaries(CELL, CELL, max_size=2),
)


def _paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node[:3]):  # the first few of each list are enough to reach every field
            yield from _paths(v, (*path, i))


_TARGETS = {name: [p for p in _paths(doc) if p] for name, doc in _DOCS.items()}


@st.composite
def mutated(draw):
    name = draw(st.sampled_from(sorted(_DOCS)))
    doc = copy.deepcopy(_DOCS[name])
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(_TARGETS[name]))
        parent = doc
        try:
            for part in path[:-1]:
                parent = parent[part]
            key = path[-1]
            how = draw(st.sampled_from(["replace", "delete", "duplicate", "rename"]))
            if how == "replace":
                parent[key] = draw(VALUES)
            elif how == "delete":
                del parent[key]
            elif how == "duplicate" and isinstance(parent, list):
                parent.append(copy.deepcopy(parent[key]))
            elif how == "rename" and isinstance(parent, dict):
                parent[draw(CELL)] = parent.pop(key)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed the path
    return name, doc


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=mutated())
def test_a_mutated_bundled_framework_parses_or_is_refused_with_its_problems(case) -> None:
    name, doc = case
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    try:
        parse_framework(text, name)
    except FrameworkError as exc:
        assert exc.problems and all(p.file == name for p in exc.problems)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(case=mutated())
def test_a_mutated_framework_as_a_user_file_loads_or_is_refused(tmp_path: Path, case) -> None:
    """The whole loader (schema, ids, cross-references, the Theory of Change graph) on a user folder."""
    name, doc = case
    doc = {**doc, "id": f"user_{doc.get('id')}" if isinstance(doc, dict) and isinstance(doc.get("id"), str) else "u"}
    folder = tmp_path / "user"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    try:
        load_catalogue(folder)
    except FrameworkError as exc:
        assert exc.problems
