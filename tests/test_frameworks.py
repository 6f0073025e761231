"""Every framework file passes the one schema, and every cross-reference resolves."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

from toolkit.core import ids
from toolkit.core.frameworks import BUNDLED_DIR, FrameworkError, framework_files, load_catalogue, parse_framework

FILES = framework_files(BUNDLED_DIR)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_bundled_file_passes_the_schema(path: Path) -> None:
    fw = parse_framework(path.read_text(encoding="utf-8"), path.name)
    assert fw.id == path.stem
    assert fw.schema_version == 1


def test_all_contract_frameworks_are_bundled(catalogue) -> None:
    assert set(ids.RATED_FRAMEWORKS + ids.REFERENCE_FRAMEWORKS) <= set(catalogue.frameworks)
    assert {f.id for f in catalogue.rated} >= set(ids.RATED_FRAMEWORKS)


def test_opm_has_the_four_stages_in_journey_order_and_statements_for_every_stage_and_level(catalogue) -> None:
    opm = catalogue.opm
    assert [s.id for s in opm.stages] == list(ids.STAGES)
    assert [lv.id for lv in opm.levels] == list(ids.LEVELS)
    for stage in ids.STAGES:
        for level in ids.LEVELS:
            n = sum(1 for i in opm.items if i.stage == stage and i.level == level)
            assert n >= 4, f"{stage}/{level} has {n} statements"
    assert len(opm.items) >= 48
    assert all(i.basis is not None and i.toc_nodes and i.cs for i in opm.items)
    assert len(opm.context_factors) >= 5
    assert all(s.drivers and s.barriers for s in opm.stages)


def test_twelve_cs_are_complete_with_groups_statements_and_dependencies(catalogue) -> None:
    tc = catalogue.twelve_cs
    assert [c.id for c in tc.cs] == list(ids.C_IDS)
    for group, members in ids.C_GROUPS.items():
        assert [c.id for c in tc.cs if c.group == group] == list(members)
    for c in tc.cs:
        assert sum(1 for i in tc.items if c.id in i.cs) >= 3, c.id
        assert c.good_practice and c.recommendations, c.id
    stated = {(d.from_, d.to) for d in tc.dependencies if d.basis == "stated"}
    assert ("c01_clarity", "c02_confidence") in stated
    assert ("c01_clarity", "c03_competence") in stated


def test_theory_of_change_has_tiers_assumptions_and_the_table_3_mapping(catalogue) -> None:
    toc = catalogue.toc
    assert {n.tier for n in toc.nodes} == set(ids.TOC_TIERS)
    assert {g.id for g in toc.node_groups} == {"resource", "defining_partnership_roles", "processes"}
    assert len(toc.assumptions) == 11
    assert {(m.stage, m.tier) for m in toc.opm_mapping} == set(ids.OPM_TO_TOC.items())
    assert not [n.id for n in toc.nodes if n.top]  # Figure 2 has seven ultimate outcomes and no box above them
    ultimate = {n.id for n in toc.nodes if n.tier == "ultimate_outcomes"}
    (outcomes,) = [a for a in toc.assumptions if a.id == "partnership_improves_outcomes"]
    assert set(outcomes.nodes) == ultimate  # Kantar's assumption, under every ultimate outcome
    assert all(e.rationale and e.source.section for e in toc.edges)
    assert all(m.source.section == "Annex 1, Table 3" for m in toc.opm_mapping)


def test_every_opm_statement_feeds_a_node_of_its_stages_tier(catalogue) -> None:
    """Kantar Annex 1, Table 3: create = inputs, communicate = outputs, commit = intermediate, consider = ultimate."""
    tiers = {m.stage: m.tier for m in catalogue.toc.opm_mapping}
    for it in catalogue.opm.items:
        assert any(catalogue.nodes[n].tier == tiers[it.stage] for n in it.toc_nodes), it.id


def test_interventions_cover_every_source(catalogue) -> None:
    by_origin: dict[str, int] = {}
    for iv in catalogue.interventions:
        by_origin[iv.origin] = by_origin.get(iv.origin, 0) + 1
    assert by_origin.get("shortlist") == 8
    assert by_origin.get("longlist") == 20
    assert by_origin.get("evaluated", 0) >= 1
    assert by_origin.get("inspection", 0) >= 1 and by_origin.get("review", 0) >= 1
    recs = {r.id for c in catalogue.twelve_cs.cs for r in c.recommendations}
    covered = {iv.recommendation for iv in catalogue.interventions if iv.recommendation}
    assert covered == recs  # the library says it holds every 12 C's recommendation: it does


def test_apease_and_implementation_guidance(catalogue) -> None:
    assert [c.id for c in catalogue.get("apease").criteria] == list(ids.APEASE)
    assert all(c.question for c in catalogue.get("apease").criteria)
    guide = catalogue.get("implementation_guidance")
    assert len(guide.guidance) >= 6 and guide.messengers and guide.channels


def test_every_entry_cites_a_known_report(catalogue) -> None:
    from toolkit.core.schema import REPORTS

    for fw in catalogue.frameworks.values():
        for section in ("stages", "cs", "items", "nodes", "assumptions", "interventions", "guidance"):
            for entry in getattr(fw, section):
                assert entry.source.report in REPORTS and entry.source.section.strip(), f"{fw.id}.{section}.{entry.id}"


# ---- user frameworks and the loader's error reports ----------------------------------------

USER_FRAMEWORK = """
schema_version: 1
id: ofsted_components
kind: rated
title: Components of successful partnerships
description: A partnership's own statements drawn from Ofsted's commentary.
source: {report: ofsted, section: Summary}
scale:
  min: 1
  max: 3
  points: [{value: 1, label: No}, {value: 2, label: Partly}, {value: 3, label: Yes}]
items:
  - id: shared_need
    text: Partners share one understanding of local need.
    stage: consider
    cs: [c05_congruence]
    toc_nodes: [int_aims_communicated]
    source: {report: ofsted, section: Summary}
"""


def test_a_user_framework_loads_like_a_bundled_one(tmp_path: Path) -> None:
    (tmp_path / "ofsted_components.yaml").write_text(USER_FRAMEWORK, encoding="utf-8")
    cat = load_catalogue(tmp_path)
    assert "ofsted_components" in {f.id for f in cat.rated}
    assert cat.item("ofsted_components", "shared_need").stage == "consider"


def _problems(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "mine.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(FrameworkError) as exc:
        load_catalogue(tmp_path)
    return [str(p) for p in exc.value.problems]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("stage: consider", "stage: considr"), "mine.yaml: items[0].stage: unknown stage 'considr'"),
        (("toc_nodes: [int_aims_communicated]", "toc_nodes: [nowhere]"), "unknown Theory of Change node 'nowhere'"),
        (("cs: [c05_congruence]", "cs: [c99]"), "unknown C 'c99'"),
        (
            ("report: ofsted, section: Summary}\nscale", "report: nobody, section: Summary}\nscale"),
            "unknown report 'nobody'",
        ),
        (
            ("schema_version: 1", "schema_version: 2"),
            "mine.yaml: schema_version: is 2; this toolkit reads schema_version 1",
        ),
        (("kind: rated", "kind: rated\ncolour: blue"), "mine.yaml: colour: Extra inputs are not permitted"),
        (("max: 3", "max: 4"), "points must label every value from 1 to 4"),
        (("id: ofsted_components", "id: opm"), "'opm' is already defined by opm.yaml"),
        (("items:\n", "items: [\n"), "not valid YAML"),
    ],
    ids=["stage", "node", "c", "report", "version", "extra", "scale", "duplicate-id", "yaml"],
)
def test_a_broken_user_framework_is_reported_with_file_path_and_reason(tmp_path: Path, change, expected) -> None:
    problems = _problems(tmp_path, USER_FRAMEWORK.replace(*change))
    assert any(expected in p for p in problems), problems


def test_a_cycle_in_a_theory_of_change_is_rejected(tmp_path: Path) -> None:
    doc = {
        "schema_version": 1,
        "id": "loop",
        "kind": "reference",
        "title": "t",
        "description": "d",
        "source": {"report": "kantar2021", "section": "Annex 1"},
        "nodes": [
            {"id": f"n{i}", "tier": "outputs", "label": f"N{i}", "source": {"report": "kantar2021", "section": "x"}}
            for i in range(3)
        ],
        "edges": [
            {"from": "n0", "to": "n1", "rationale": "r", "source": {"report": "kantar2021", "section": "x"}},
            {"from": "n1", "to": "n2", "rationale": "r", "source": {"report": "kantar2021", "section": "x"}},
            {"from": "n2", "to": "n0", "rationale": "r", "source": {"report": "kantar2021", "section": "x"}},
        ],
    }
    problems = _problems(tmp_path, yaml.safe_dump(doc))
    assert any("the graph has a cycle" in p for p in problems), problems


def test_toolkit_never_imports_streamlit() -> None:
    root = Path(__file__).resolve().parent.parent / "toolkit"
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not any(n == "streamlit" or n.startswith("streamlit.") for n in names), f"{path} imports streamlit"


# ---- issue 18: every statement has a level and a scale that fits its stem ----------------------------------------

RATED = [p for p in FILES if yaml.safe_load(p.read_text(encoding="utf-8")).get("kind") == "rated"]
# Stems that state what people know, feel or see: rated on agreement, never on "how far in place".
PERCEPTION = ("feel", "know ", "understand", "confident", "able to", "trust", "culture of", "equal voice", "enough ")


@pytest.mark.parametrize("path", RATED, ids=[p.name for p in RATED])
def test_every_statement_has_a_level_and_a_scale_that_fits_it(path: Path, catalogue) -> None:
    fw = catalogue.get(path.stem)
    for it in fw.items:
        assert it.level in (*ids.LEVELS, ids.ALL_LEVELS), f"{it.id} has no level"
        scale = catalogue.item_scale(fw.id, it.id)
        assert (scale.min, scale.max) == (1, 5)  # the analysis averages 1-5 scores across a framework's items
        in_place = scale.points[0].label.lower().startswith("not in place")
        if in_place:
            stem = it.text.lower().split(" to understand")[0]  # a purpose clause is not the thing rated
            assert not any(w in stem for w in PERCEPTION), f"{it.id}: a perception on the in-place scale"
        else:
            assert "disagree" in scale.points[0].label.lower(), f"{it.id}: neither agreement nor in place"


def test_the_twelve_cs_keep_families_told_unless_there_is_significant_harm(catalogue) -> None:
    """Wales 2022, 4.1, C2: 'Unless it is significant harm, families should be made aware of the referral.'"""
    item = catalogue.item("twelve_cs", "c02_families_told_of_referral")
    assert item.text.startswith("Unless there is significant harm")
    assert not any("at risk of significant harm" in iv.description for iv in catalogue.interventions)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_bundled_framework_says_where_it_applies_and_when_its_sources_date_from(path: Path, catalogue) -> None:
    fw = catalogue.get(path.stem)
    assert fw.applies_to and fw.sources_dated
    assert ("Wales" in fw.applies_to) == (fw.id in ("twelve_cs", "interventions"))
    if fw.context_note:
        assert fw.context_note.startswith("Context since the sources, not a finding of them")


def test_every_driver_and_barrier_is_asked_at_each_level_its_source_places_it(catalogue) -> None:
    """Kantar 2.2 to 2.5 place each driver and barrier at levels; each of them has a statement there."""
    asked: dict[str, set[str]] = {}
    for it in catalogue.opm.items:
        if it.basis is not None:
            asked.setdefault(it.basis.ref, set()).add(it.level or "")
    for stage in catalogue.opm.stages:
        for f in (*stage.drivers, *stage.barriers):
            assert f.levels and f.levels_note, f"{f.id} says at no level where its source places it"
            missing = set(f.levels) - asked.get(f.id, set())
            assert not missing, f"{f.id} has no statement at {sorted(missing)}"
    (narrow,) = [f for s in catalogue.opm.stages for f in s.barriers if f.id == "create_narrow_consultation"]
    assert "strategic" in narrow.levels  # 2.3.2: strategic leaders thought they needed no wider consultation


def test_a_12_cs_entry_that_goes_beyond_its_recommendation_says_it_is_our_reading(catalogue) -> None:
    """Steps the Wales report does not give are the toolkit's: marked, as Kantar entries mark theirs."""
    recs = {r.id: r.text for c in catalogue.twelve_cs.cs for r in c.recommendations}

    def words(s: str) -> set[str]:
        return {w.strip(".,;:()'").lower() for w in s.split() if len(w) > 3}

    for iv in catalogue.interventions:
        if iv.source.report != "wales2022" or iv.recommendation is None:
            continue
        marked = iv.description.startswith("Our reading of the recommendation: ") or "our reading" in iv.description
        own = words(iv.description) - words(recs[iv.recommendation])
        assert marked or len(own) <= 0.25 * len(words(iv.description)), f"{iv.id} adds {sorted(own)} unmarked"


def test_the_yearly_report_checklist_claims_only_what_wood_says(catalogue) -> None:
    """Wood 106 does not say it quotes Working Together; 109 grades whole reports; 109.5 and 109.6 ask for guidance."""
    yr = catalogue.get("yearly_report")
    assert not [c.id for c in yr.criteria if "quoting" in c.source.section]
    assert "our reading: the Panel did not grade points one by one" in yr.description
    for cid in ("develop_training_impact", "develop_early_help_lac"):
        (c,) = [c for c in yr.criteria if c.id == cid]
        assert "call for" in c.description and (c.question or "").endswith("(our reading)"), cid
