"""The short form: a core set chosen by a documented rule from the sources, small enough for ten minutes, enough to
score every stage x level and every C; the full bank stays as deep dives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit.cli.main import main
from toolkit.core import forms, ids
from toolkit.core.frameworks import FrameworkError, load_catalogue

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "short-form.md"


def test_the_core_set_is_at_most_36_statements_and_a_respondent_answers_about_20(catalogue) -> None:
    opm, tc = catalogue.opm.short_form, catalogue.twelve_cs.short_form
    assert opm is not None and tc is not None
    assert len(opm.items) + len(tc.items) <= 36
    for level in ids.LEVELS:
        mine = [i for i in opm.items if catalogue.item("opm", i).level == level]
        assert len(mine) + len(tc.items) <= 36
        assert len(mine) == 2 * len(ids.STAGES)  # a driver and a barrier per stage


def test_the_core_set_scores_every_stage_by_level_with_a_driver_and_a_barrier(catalogue) -> None:
    core = [catalogue.item("opm", i) for i in catalogue.opm.short_form.items]
    for stage in ids.STAGES:
        for level in ids.LEVELS:
            kinds = sorted(i.basis.kind for i in core if i.stage == stage and i.level == level and i.basis)
            assert kinds == ["barrier", "driver"], (stage, level)


def test_the_core_set_scores_every_c_with_a_statement_whose_first_c_it_is(catalogue) -> None:
    core = [catalogue.item("twelve_cs", i) for i in catalogue.twelve_cs.short_form.items]
    assert sorted(i.cs[0] for i in core) == sorted(ids.C_IDS)


@pytest.mark.parametrize("fid", ids.RATED_FRAMEWORKS)
def test_the_core_set_is_what_the_documented_rule_gives(catalogue, fid: str) -> None:
    """The lists in the files are the rule's output, so nobody hand-picks (or picks from demo data) a core item."""
    fw = catalogue.get(fid)
    assert fw.short_form is not None
    assert forms.rule_core(fw) == fw.short_form.items


def test_the_opm_rule_starts_from_what_kantars_overview_names_for_each_stage(catalogue) -> None:
    sf = catalogue.opm.short_form
    assert sf.source.report == "kantar2021" and "2.1" in sf.source.section
    factors = {f.id: s.id for s in catalogue.opm.stages for f in (*s.drivers, *s.barriers)}
    assert set(sf.stands_for) <= set(factors)
    for stage in catalogue.opm.stages:  # the overview names at least one driver and one barrier of every stage
        named = [f for f in sf.stands_for if factors[f] == stage.id]
        assert {f for f in named if f in {d.id for d in stage.drivers}}, stage.id
        assert {f for f in named if f in {b.id for b in stage.barriers}}, stage.id


def test_the_rule_is_documented_with_its_report_and_section(catalogue) -> None:
    text = DOC.read_text(encoding="utf-8")
    for fid, section in (("opm", "2.1"), ("twelve_cs", "4.1")):
        sf = catalogue.get(fid).short_form
        assert "docs/short-form.md" in sf.rule
        assert section in text
        for item in sf.items:
            assert item in text, f"{item} is not listed in docs/short-form.md"
    assert "Kantar" in text and "LJMU" in text and "demo" in text


def test_every_statement_outside_the_core_stays_available_in_the_full_form(catalogue) -> None:
    for fw in catalogue.rated:
        core = forms.core_items(fw)
        assert core <= {i.id for i in fw.items}
        assert all(forms.in_form(fw, i, "full") for i in fw.items)
        assert {i.id for i in fw.items if forms.in_form(fw, i, "short")} == core


OPM_HEAD = """
schema_version: 1
id: mini
kind: rated
title: Mini
description: A small rated framework.
source: {report: kantar2021, section: '2.1'}
scale: {min: 1, max: 2, points: [{value: 1, label: No}, {value: 2, label: Yes}]}
items:
  - {id: a, text: A statement., source: {report: kantar2021, section: '2.1'}}
"""


@pytest.mark.parametrize(
    ("short_form", "expected"),
    [
        ("short_form: {rule: r, source: {report: kantar2021, section: '2.1'}, items: [zz]}", "'zz'"),
        ("short_form: {rule: r, source: {report: kantar2021, section: '2.1'}, items: [a, a]}", "more than once"),
        ("short_form: {rule: r, source: {report: kantar2021, section: '2.1'}, items: []}", "at least 1"),
        ("short_form: {rule: r, source: {report: kantar2021, section: '2.1'}, items: [a], extra: 1}", "extra"),
        ("short_form: {rule: r, source: {report: nobody, section: '2.1'}, items: [a]}", "unknown report"),
        (
            "short_form: {rule: r, source: {report: kantar2021, section: '2.1'}, stands_for: [ghost], items: [a]}",
            "unknown driver, barrier or C 'ghost'",
        ),
    ],
)
def test_a_broken_short_form_is_refused_with_file_and_reason(tmp_path: Path, short_form: str, expected: str) -> None:
    (tmp_path / "mini.yaml").write_text(OPM_HEAD + short_form + "\n", encoding="utf-8")
    with pytest.raises(FrameworkError) as err:
        load_catalogue(tmp_path)
    assert "mini.yaml" in str(err.value) and expected in str(err.value)


def test_a_user_framework_without_a_short_form_is_all_core(tmp_path: Path) -> None:
    (tmp_path / "mini.yaml").write_text(OPM_HEAD, encoding="utf-8")
    cat = load_catalogue(tmp_path)
    assert forms.core_items(cat.get("mini")) == {"a"}


def test_the_command_line_says_which_statements_are_core(capsys) -> None:
    assert main(["frameworks", "--json"]) in (0, None)
    docs = {d["id"]: d for d in json.loads(capsys.readouterr().out)}
    for fid in ids.RATED_FRAMEWORKS:
        core = [i["id"] for i in docs[fid]["items"] if i["core"]]
        assert sorted(core) == sorted(load_catalogue().get(fid).short_form.items)
