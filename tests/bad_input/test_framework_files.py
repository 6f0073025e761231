"""Bad user framework files: each is refused with file, path and reason, and nothing loads or is written.

Adds to tests/test_frameworks.py (an unknown stage, node, C or report; schema_version 2; an extra field; a scale
with a missing point; a second 'opm'; a broken YAML bracket; a three-node cycle in the Theory of Change).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.bad_input.helpers import db_state, opm_items, row, to_csv
from tests.test_frameworks import USER_FRAMEWORK
from toolkit.core import frameworks
from toolkit.core.frameworks import FrameworkError, load_catalogue

ROOT = Path(__file__).resolve().parents[2]

# A user's Theory of Change addition: two nodes of their own and edges, some to the bundled nodes.
TOC = """
schema_version: 1
id: local_toc
kind: reference
title: Our own Theory of Change boxes
description: Two boxes the partnership added.
source: {report: kantar2021, section: Annex 1}
nodes:
  - {id: in_local_panel, tier: inputs, label: A local practice panel, source: {report: kantar2021, section: x}}
  - {id: out_local_briefings, tier: outputs, label: Monthly briefings, source: {report: kantar2021, section: x}}
edges:
  - {from: in_local_panel, to: out_local_briefings, rationale: The panel writes the briefings., source: {report: kantar2021, section: x}}
"""


def user(change: tuple[str, str] | None = None, *, base: str = USER_FRAMEWORK, append: str = "") -> str:
    text = base if change is None else base.replace(*change)
    assert change is None or text != base, f"{change[0]!r} not in the base file"
    return text + append


CASES = [
    # malformed YAML
    ("tab-indentation", user(("  - id: shared_need", "\t- id: shared_need")), "mine.yaml", "not valid YAML"),
    ("unclosed-quote", user(("title: Components", 'title: "Components')), "mine.yaml", "not valid YAML"),
    (
        "duplicate-key",
        user(("kind: rated", "kind: rated\nkind: reference")),
        "mine.yaml: line",
        "the key 'kind' appears twice",
    ),
    (
        "python-object-tag",
        user(append="evil: !!python/object/apply:os.system ['echo pwned']\n"),
        "mine.yaml",
        "not valid YAML",
    ),
    ("top-level-list", "- schema_version: 1\n- id: x\n", "mine.yaml", "must be a YAML mapping"),
    ("empty-file", "", "mine.yaml", "must be a YAML mapping"),
    # schema version
    (
        "schema-version-missing",
        user(("schema_version: 1\n", "")),
        "mine.yaml: schema_version",
        "is missing; start the file with schema_version: 1",
    ),
    (
        "schema-version-as-text",
        user(("schema_version: 1", "schema_version: '1'")),
        "mine.yaml: schema_version",
        "is '1'; this toolkit reads schema_version 1",
    ),
    # wrong types
    (
        "items-as-mapping",
        user(("items:\n  - id: shared_need", "items:\n  shared:\n    id: shared_need")),
        "mine.yaml: items",
        "valid list",
    ),
    ("scale-min-as-word", user(("min: 1", "min: one")), "mine.yaml: scale.min", "valid integer"),
    (
        "text-as-number",
        user(("text: Partners share one understanding of local need.", "text: 42")),
        "mine.yaml: items[0].text",
        "valid string",
    ),
    ("id-with-capitals", user(("id: shared_need", "id: Shared_Need")), "mine.yaml: items[0].id", "pattern"),
    (
        "rated-without-items",
        user(("items:\n", "old_items:\n")).split("old_items:")[0],
        "mine.yaml",
        "a rated framework needs a scale and at least one item",
    ),
    (
        "item-id-twice",
        user(append=USER_FRAMEWORK.split("items:\n")[1]),
        "mine.yaml: items",
        "id 'shared_need' is used more than once",
    ),
    # dangling references
    (
        "edge-to-unknown-node",
        user(("to: out_local_briefings", "to: out_nowhere"), base=TOC),
        "mine.yaml: edges[0].to",
        "unknown Theory of Change node 'out_nowhere'",
    ),
    (
        "assumption-on-unknown-node",
        user(
            append="assumptions:\n  - {id: a1, text: T, nodes: [gone], source: {report: kantar2021, section: x}}\n",
            base=TOC,
        ),
        "mine.yaml: assumptions[0].nodes",
        "unknown Theory of Change node 'gone'",
    ),
    (
        "basis-names-no-driver",
        user(
            (
                "    source: {report: ofsted, section: Summary}\n",
                "    basis: {kind: driver, ref: no_such_driver}\n    source: {report: ofsted, section: Summary}\n",
            )
        ),
        "mine.yaml: items[0].basis",
        "no driver 'no_such_driver'",
    ),
    (
        "level-unknown",
        user(("stage: consider", "stage: consider\n    level: senior")),
        "mine.yaml: items[0].level",
        "unknown level 'senior'",
    ),
    # cycles in the Theory of Change
    (
        "self-loop",
        user(
            append="  - {from: in_local_panel, to: in_local_panel, rationale: r, source: {report: kantar2021, section: x}}\n",
            base=TOC,
        ),
        "mine.yaml: edges",
        "the graph has a cycle",
    ),
    (
        "two-node-cycle",
        user(
            (
                "edges:\n",
                "edges:\n  - {from: out_local_briefings, to: in_local_panel, rationale: back, source: {report: kantar2021, section: x}}\n",
            ),
            base=TOC,
        ),
        "mine.yaml: edges",
        "the graph has a cycle",
    ),
    (
        "edge-backwards-through-tiers",
        user(
            append="  - {from: ult_parity_of_status, to: in_local_panel, rationale: r, source: {report: kantar2021, section: x}}\n",
            base=TOC,
        ),
        "mine.yaml: edges[1]",
        "runs backwards through the tiers",
    ),
]


@pytest.mark.parametrize(("text", "where", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_bad_user_framework_is_refused_with_file_path_and_reason(tmp_path: Path, text, where, reason) -> None:
    (tmp_path / "mine.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(FrameworkError) as caught:
        load_catalogue(tmp_path)
    problems = [str(p) for p in caught.value.problems]
    assert any(p.startswith(where) and reason in p for p in problems), problems


def test_a_user_file_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    data = USER_FRAMEWORK.replace("local need", "local n\xe9ed").encode("cp1252")
    (tmp_path / "mine.yaml").write_bytes(data)
    with pytest.raises(FrameworkError) as caught:
        load_catalogue(tmp_path)
    at = data.index(b"\xe9")
    assert [str(p) for p in caught.value.problems] == [
        f"mine.yaml: is not UTF-8 text (invalid continuation byte at byte {at})"
    ]


def test_a_huge_framework_file_is_refused_unread(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(frameworks, "MAX_FILE_BYTES", 2**20)
    big = USER_FRAMEWORK + "".join(f"# padding line {k:08d} of a file nobody wrote by hand\n" for k in range(40_000))
    (tmp_path / "mine.yaml").write_text(big, encoding="utf-8")
    parsed, real = [], frameworks.parse_framework
    monkeypatch.setattr(frameworks, "parse_framework", lambda text, file: parsed.append(file) or real(text, file))
    with pytest.raises(FrameworkError) as caught:
        load_catalogue(tmp_path)
    assert any(str(p).startswith("mine.yaml: is 2.") and "at most 1 MiB" in str(p) for p in caught.value.problems)
    assert "opm.yaml" in parsed and "mine.yaml" not in parsed  # never parsed


def test_a_broken_framework_folder_stops_an_import_with_a_message_and_writes_nothing(
    tmp_path: Path, engine, catalogue
) -> None:
    folder = tmp_path / "frameworks"
    folder.mkdir()
    (folder / "mine.yaml").write_text(user(("stage: consider", "stage: considr")), encoding="utf-8")
    data = tmp_path / "ratings.csv"
    data.write_bytes(to_csv([row(opm_items(catalogue)[0])]))
    before = db_state(engine)
    env = {
        **os.environ,
        "DATABASE_URL": str(engine.url.render_as_string(hide_password=False)),
        "TOOLKIT_FRAMEWORKS_DIR": str(folder),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("TOOLKIT_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-m", "toolkit", "import", str(data)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "mine.yaml: items[0].stage: unknown stage 'considr'" in done.stderr
    assert db_state(engine) == before


def test_a_broken_framework_folder_is_explained_in_the_app(tmp_path: Path, db_url, monkeypatch) -> None:
    from tests.pages import open_page
    from toolkit.core.catalogue import catalogue as cached
    from toolkit.core.settings import get_settings

    (tmp_path / "mine.yaml").write_text(user(("cs: [c05_congruence]", "cs: [c99]")), encoding="utf-8")
    monkeypatch.setenv("TOOLKIT_FRAMEWORKS_DIR", str(tmp_path))
    get_settings.cache_clear()
    cached.cache_clear()
    try:
        at = open_page("app_pages/frameworks.py")
        assert not at.exception, [e.value for e in at.exception]
        assert "framework files have problems" in "\n".join(e.value for e in at.error)
        assert "mine.yaml: items[0].cs: unknown C 'c99'" in "\n".join(c.value for c in at.code)
    finally:
        get_settings.cache_clear()
        cached.cache_clear()


def test_safe_loading_never_runs_yaml_tags(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = user(append=f"evil: !!python/object/apply:os.system ['touch {marker}']\n")
    with pytest.raises(FrameworkError):
        frameworks.parse_framework(text, "mine.yaml")
    assert not marker.exists()
    with pytest.raises(yaml.YAMLError):  # and the loader is a safe one, whatever the entry point
        yaml.load(text, Loader=frameworks._Loader)


def test_a_deeply_nested_file_is_refused_not_crashed_on(tmp_path: Path) -> None:
    """5000 nested lists: refused with the file named (the pure-Python parser would overflow its stack; the libyaml
    one parses it and the schema refuses it), quickly, and nothing loads."""
    (tmp_path / "mine.yaml").write_text("schema_version: 1\nitems: " + "[" * 5000 + "]" * 5000, encoding="utf-8")
    started = time.process_time()  # CPU time: a busy machine slows the clock on the wall, not this
    with pytest.raises(FrameworkError) as caught:
        load_catalogue(tmp_path)
    assert time.process_time() - started < 20
    assert caught.value.problems and all(p.file == "mine.yaml" for p in caught.value.problems)


def test_deep_nesting_with_the_pure_python_yaml_parser_is_a_problem_not_a_crash(monkeypatch) -> None:
    """Without libyaml, PyYAML composes nested collections recursively: the loader turns the RecursionError into a
    problem that names the file."""

    class PurePython(yaml.SafeLoader):
        pass

    monkeypatch.setattr(frameworks, "_Loader", PurePython)
    depth = sys.getrecursionlimit() * 2
    with pytest.raises(FrameworkError, match=r"mine\.yaml: not valid YAML for a framework: nested too deeply"):
        frameworks.parse_framework("schema_version: 1\nitems: " + "[" * depth + "]" * depth, "mine.yaml")


def test_a_missing_bundled_frameworks_folder_is_a_clear_error_not_an_empty_catalogue(tmp_path: Path) -> None:
    """Without the bundled folder there is no OPM or 12 C's: loading says which folder is missing, rather than
    returning an empty catalogue that fails later somewhere unrelated."""
    missing = tmp_path / "frameworks"
    with pytest.raises(FrameworkError, match="bundled frameworks folder is missing") as caught:
        load_catalogue(bundled_dir=missing)
    assert [p.file for p in caught.value.problems] == [str(missing)]
    with pytest.raises(FrameworkError, match="bundled frameworks folder is missing"):  # a user folder does not stand in
        load_catalogue(ROOT / "frameworks", bundled_dir=missing)
