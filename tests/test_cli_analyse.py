"""`python -m toolkit analyse` on the demo partnerships, run as a user runs it (a subprocess with DATABASE_URL)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from tests.published import counted_in
from toolkit.analysis.results import SCHEMA_PATH, schema
from toolkit.core import ids
from toolkit.store.areas import resolve_cycle
from toolkit.store.db import session_scope

ROOT = Path(__file__).resolve().parent.parent
ASHVALE = "Ashvale (fictional)"  # the demo story: frontline staff rate Communicate far below strategic leaders


def run(db_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": db_url}
    env.pop("TOOLKIT_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "toolkit", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def strict_json(text: str):
    def no_constants(name: str):
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=no_constants)


@pytest.fixture
def demo(db_url: str) -> str:
    from toolkit.store.assumptions import save_assumption
    from toolkit.store.db import session_scope
    from toolkit.training.demo import load_demo

    load_demo(areas=2, cycles=("2025", "2026"))
    with session_scope() as s:
        save_assumption(
            resolve_cycle(ASHVALE, "2026", session=s),
            "processes_can_align",
            "fails",
            "Policies differ between the two trusts.",
            session=s,
        )
    return db_url


def _is_num(x) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def test_analyse_json_has_the_contract_keys(demo: str) -> None:
    proc = run(demo, "analyse", "--area", ASHVALE, "--cycle", "2026", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = strict_json(proc.stdout)  # one JSON document, nothing else on stdout, no NaN

    assert doc["area"] == ASHVALE and doc["cycle"] == "2026"
    with session_scope() as s:
        everyone, published = counted_in(ASHVALE, "2026", session=s)
    assert everyone == 42 and isinstance(doc["respondents"], int) and doc["respondents"] == published

    opm = doc["opm"]
    assert set(opm["by_stage"]) == set(ids.STAGES)
    for stage, cell in opm["by_stage"].items():
        assert (cell["mean"] is None or _is_num(cell["mean"])) and isinstance(cell["n"], int), stage
    assert set(opm["by_stage_level"]) == set(ids.STAGES)
    for levels in opm["by_stage_level"].values():
        assert set(levels) == set(ids.LEVELS)
        for cell in levels.values():
            assert cell["mean"] is None or _is_num(cell["mean"])
            assert cell["n"] is None or isinstance(cell["n"], int)
    assert opm["priority_stage"] in ids.STAGES
    assert isinstance(opm["priority_reason"], str) and opm["priority_reason"]

    assert set(doc["twelve_cs"]) == set(ids.C_IDS)
    for cell in doc["twelve_cs"].values():
        assert (cell["mean"] is None or _is_num(cell["mean"])) and (cell["n"] is None or isinstance(cell["n"], int))

    assert doc["gaps"]
    for g in doc["gaps"]:
        assert g["kind"] in ("level", "agency")
        assert (
            isinstance(g["between"], list) and len(g["between"]) == 2 and all(isinstance(x, str) for x in g["between"])
        )
        assert isinstance(g["framework"], str)
        assert g["item"] is None or isinstance(g["item"], str)
        assert _is_num(g["difference"]) and isinstance(g["significant"], bool)

    nodes = doc["toc"]["nodes"]
    assert {n["tier"] for n in nodes} == set(ids.TOC_TIERS)
    for n in nodes:
        assert isinstance(n["id"], str)
        assert n["status"] in ("strong", "adequate", "weak", "at_risk", "unknown")
        assert n["score"] is None or _is_num(n["score"])

    # the demo's story comes through: Communicate first, and the leaders-versus-frontline gap on it
    assert opm["priority_stage"] == "communicate"
    assert opm["priority_reason"].startswith("Communicate: frontline")
    comm = [g for g in doc["gaps"] if g["between"] == ["strategic", "frontline"] and g.get("stage") == "communicate"]
    assert comm and comm[0]["significant"] and comm[0]["difference"] > 1
    # the assumptions register is read from the store
    sharing = {n["id"]: n for n in nodes}["int_information_sharing"]
    assert sharing["status"] in ("at_risk", "weak")
    assert any(a["id"] == "processes_can_align" and a["status"] == "fails" for a in doc["toc"]["assumptions"])
    # and the change since the previous cycle
    assert doc["change"]["from"] == "2025" and doc["change"]["to"] == "2026" and doc["change"]["measures"]


def test_analyse_prints_a_readable_summary(demo: str) -> None:
    proc = run(demo, "analyse", "--area", ASHVALE, "--cycle", "2026")
    assert proc.returncode == 0, proc.stderr
    assert "Journey priority: communicate" in proc.stdout
    assert "perception gaps" in proc.stdout
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("area", "cycle", "extra", "says"),
    [
        ("Nowhere", "2026", ["--json"], f"No area called 'Nowhere'. Known areas include: {ASHVALE}"),
        (ASHVALE, "1999", [], "has no cycle '1999'. Its cycles: 2025, 2026"),
    ],
)
def test_unknown_area_or_cycle_exits_1_with_a_message(demo: str, area: str, cycle: str, extra, says: str) -> None:
    proc = run(demo, "analyse", "--area", area, "--cycle", cycle, *extra)
    assert proc.returncode == 1
    assert says in proc.stderr
    assert proc.stderr.startswith("error: ")
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_the_committed_schema_is_the_models() -> None:
    """docs/schemas/analyse.schema.json is written from AreaAnalysis (`python -m toolkit.analysis.results`)."""
    assert json.loads(SCHEMA_PATH.read_text(encoding="utf-8")) == schema()


def test_analyse_json_validates_against_the_schema_and_keeps_every_key(demo: str) -> None:
    proc = run(demo, "analyse", "--area", ASHVALE, "--cycle", "2026", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = strict_json(proc.stdout)
    committed = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(committed)
    jsonschema.Draft202012Validator(committed).validate(doc)
    assert set(doc) >= {"area", "cycle", "respondents", "opm", "twelve_cs", "gaps", "toc"}  # contracts section 5
    assert set(doc) >= {
        "min_group_size",
        "weighting",
        "respondents_by_agency_level",
        "dont_know",
        "twelve_cs_by_level",
        "twelve_cs_groups",
        "items",
        "disagreement",
        "change",
    }
    assert set(doc["opm"]) >= {"by_stage", "by_stage_level", "by_stage_agency", "priority_stage", "priority_reason"}
    assert set(doc["toc"]) == {"nodes", "edges", "assumptions", "retired"} and {"from", "to"} <= set(
        doc["toc"]["edges"][0]
    )
    for g in doc["gaps"]:
        assert set(g) >= {"kind", "between", "framework", "item", "difference", "significant"}
    for n in doc["toc"]["nodes"]:
        assert set(n) >= {"id", "tier", "status", "score"}
    # a document that breaks the contract is refused
    broken = {**doc, "toc": {**doc["toc"], "nodes": [{**doc["toc"]["nodes"][0], "status": "fine"}]}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(committed).validate(broken)
