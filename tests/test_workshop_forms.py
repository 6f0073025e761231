"""A workshop's form (short or full) and scope (stages, C's): chosen by the facilitator, refused when not offered,
followed by every participant's steps and by the submit path, scored like the full form, and migrated."""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from toolkit import workshops as ws
from toolkit.analysis.config import Config
from toolkit.capture.assessment import AnswerError
from toolkit.core import forms, ids
from toolkit.reports import bundle_in, bundle_out
from toolkit.store.db import alembic_config, engine_for, make_engine, session_scope, upgrade

CFG = Config(min_group_size=3)


def _new(session, **kw) -> ws.WorkshopInfo:
    return ws.create_workshop("Northshire (fictional)", "2026", created_by="facil", session=session, **kw)


def _keys(steps) -> set[tuple[str, str]]:
    return {(s.framework, i.id) for s in steps for i in s.items}


# ---- the steps follow the form and the scope ------------------------------------------------------------------------


def test_the_default_stays_the_full_form_with_every_stage_and_c(session, catalogue) -> None:
    w = _new(session)
    assert (w.form, w.cs) == ("full", ids.C_IDS)
    for level in ids.LEVELS:
        steps = ws.steps_for(w, level, catalogue)
        assert sum(len(s.items) for s in steps) > 80  # the whole bank: 85 to 90 statements
        assert ws.deep_dives_for(w, level, catalogue) == []


def test_the_short_form_gives_each_level_its_core_statements_in_about_ten_minutes(session, catalogue) -> None:
    w = _new(session, form="short")
    core = {("opm", i) for i in catalogue.opm.short_form.items} | {
        ("twelve_cs", i) for i in catalogue.twelve_cs.short_form.items
    }
    for level in ids.LEVELS:
        steps = ws.steps_for(w, level, catalogue)
        got = _keys(steps)
        assert got <= core and len(got) == 2 * len(ids.STAGES) + len(ids.C_IDS) <= 36
        assert [s.key for s in steps][:4] == list(ids.STAGES)  # a step per stage, then the C's groups
        assert all(catalogue.item(f, i).level in (level, None) for f, i in got if f == "opm")
        # the rest of the bank is there as deep dives, one per stage and per C
        deep = ws.deep_dives_for(w, level, catalogue)
        assert {d.key for d in deep} == {f"deep_{s}" for s in ids.STAGES} | {f"deep_{c}" for c in ids.C_IDS}
        full = _keys(ws.steps_for(_new(session), level, catalogue))
        assert got | _keys(deep) == full and not got & _keys(deep)


@pytest.mark.parametrize("form", forms.FORMS)
def test_the_scope_limits_stages_and_cs_in_either_form(session, catalogue, form: str) -> None:
    w = _new(session, form=form, stages=["commit", "consider"], cs=["c07_culture_of_challenge", "c01_clarity"])
    assert w.stages == ("consider", "commit") and w.cs == ("c01_clarity", "c07_culture_of_challenge")
    steps = ws.steps_for(w, "managerial", catalogue)
    opm = {catalogue.item("opm", i.id).stage for s in steps if s.framework == "opm" for i in s.items}
    cs = {catalogue.item("twelve_cs", i.id).cs[0] for s in steps if s.framework == "twelve_cs" for i in s.items}
    assert opm == {"consider", "commit"} and cs == {"c01_clarity", "c07_culture_of_challenge"}
    deep = {d.key for d in ws.deep_dives_for(w, "managerial", catalogue)}
    assert deep == (
        {"deep_consider", "deep_commit", "deep_c01_clarity", "deep_c07_culture_of_challenge"}
        if form == "short"
        else set()
    )


def test_a_workshop_of_the_12_cs_alone_keeps_no_stages_and_one_of_the_opm_alone_no_cs(session, catalogue) -> None:
    a = _new(session, frameworks=["twelve_cs"], form="short", cs=["c04_capacity"])
    assert a.stages == () and [s.framework for s in ws.steps_for(a, "frontline", catalogue)] == ["twelve_cs"]
    b = _new(session, frameworks=["opm"], form="short", cs=[])
    assert b.cs == () and {s.framework for s in ws.steps_for(b, "frontline", catalogue)} == {"opm"}


# ---- crafted values are refused, nothing written --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kw", "reason"),
    [
        ({"form": "tiny"}, "form"),
        ({"form": ["short"]}, "form"),
        ({"form": ""}, "form"),
        ({"cs": ["c13_charisma"]}, "12 C's"),
        ({"cs": "c01_clarity"}, "12 C's"),  # a string is not a list of C's
        ({"cs": [["c01_clarity"]]}, "12 C's"),
        ({"cs": []}, "at least one of the 12 C's"),
        ({"stages": ["consider", "conquer"]}, "stages"),
    ],
)
def test_a_form_or_scope_the_page_did_not_offer_is_refused(engine, kw, reason: str) -> None:
    with session_scope(engine) as s, pytest.raises(ValueError, match=reason):
        _new(s, **kw)
    with session_scope(engine) as s:
        assert ws.list_workshops(session=s) == []


def test_answers_outside_the_form_and_scope_are_refused_and_deep_dives_accepted(engine, catalogue) -> None:
    with session_scope(engine) as s:
        w = _new(s, form="short", stages=["create"], cs=["c02_confidence"])
        p = ws.join(w.code, "police", "frontline", session=s)
    core = ws.steps_for(w, "frontline", catalogue)[0].items[0].id
    deep = ws.deep_dives_for(w, "frontline", catalogue)[0].items[0].id
    out_of_scope = next(i.id for i in catalogue.opm.items if i.stage == "commit" and i.level == "frontline")
    other_c = catalogue.twelve_cs.short_form.items[0]  # c01's core statement: C1 is not in scope
    with session_scope(engine) as s:
        ws.submit(w.code, p.pseudonym, "opm", core, 4, session=s, cat=catalogue)
        ws.submit(w.code, p.pseudonym, "opm", deep, 2, session=s, cat=catalogue)
    for fw, item in (("opm", out_of_scope), ("twelve_cs", other_c)):
        with session_scope(engine) as s, pytest.raises(AnswerError, match="not part of this workshop"):
            ws.submit(w.code, p.pseudonym, fw, item, 3, session=s, cat=catalogue)
    with session_scope(engine) as s:
        assert set(ws.own_answers(w, p.pseudonym, session=s)) == {("opm", core), ("opm", deep)}
        # progress counts against the participant's own steps (the core), not the optional deep dives
        assert ws.status(w, session=s, cat=catalogue).completion[0].total == 2 + 1


# ---- the short form scores every stage x level and every C ---------------------------------------------------------


def test_a_room_on_the_short_form_is_scored_per_stage_by_level_and_per_c(engine, catalogue) -> None:
    with session_scope(engine) as s:
        w = _new(s, form="short")
        people = [
            ws.join(w.code, ag, lv, session=s) for lv in ids.LEVELS for ag in ("police", "health", "local_authority")
        ]
    for k, p in enumerate(people):
        with session_scope(engine) as s:
            for step in ws.steps_for(w, p.level, catalogue):
                for item in step.items:
                    ws.submit(w.code, p.pseudonym, step.framework, item.id, 1 + k % 5, session=s, cat=catalogue)
    with session_scope(engine) as s:
        ratings = ws.ratings_frame(w, session=s)
    result = ws.room_results(ratings, w, catalogue, CFG)
    for stage in ids.STAGES:
        assert result.opm.by_stage[stage].mean is not None
        for level in ids.LEVELS:
            cell = result.opm.by_stage_level[stage][level]
            assert cell.mean is not None and cell.n == 3, (stage, level)
    for c in ids.C_IDS:
        assert result.twelve_cs[c].mean is not None and result.twelve_cs[c].n == 9, c
    assert result.opm.priority_stage in ids.STAGES
    shown = {i.item for i in result.items if i.mean is not None}
    assert shown == set(catalogue.opm.short_form.items) | set(catalogue.twelve_cs.short_form.items)


def test_one_persons_deep_dive_publishes_nothing_about_them_alone(engine, catalogue) -> None:
    with session_scope(engine) as s:
        w = _new(s, form="short")
        people = [ws.join(w.code, ag, "strategic", session=s) for ag in ("police", "health", "local_authority")]
    deep = ws.deep_dives_for(w, "strategic", catalogue)[0]
    assert deep.key == "deep_consider"
    for k, p in enumerate(people):
        with session_scope(engine) as s:
            for step in ws.steps_for(w, "strategic", catalogue) + ([deep] if k == 0 else []):
                for item in step.items:
                    ws.submit(w.code, p.pseudonym, step.framework, item.id, 2 + k, session=s, cat=catalogue)
    with session_scope(engine) as s:
        result = ws.room_results(ws.ratings_frame(w, session=s), w, catalogue, CFG)
    assert result.opm.by_stage_level["consider"]["strategic"].n == 3
    stats = {i.item: i for i in result.items}
    assert all(stats[i.id].mean is None for i in deep.items)  # one person's answers: never a figure
    assert all(i.n is None or i.n == 0 or i.n >= 3 for i in result.items)


# ---- the migration: workshops made before keep the full form and every C -------------------------------------------

PG_URL = os.environ.get("TOOLKIT_TEST_DATABASE_URL")


def _old_workshop_migrates(eng) -> None:
    with eng.begin() as conn:
        cfg = alembic_config(eng)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0012")
        now = {"t": datetime.now(UTC)}
        conn.execute(
            text(
                "INSERT INTO areas (name, tags, context, fictional, created_at) VALUES ('Oldshire', '[]', '{}', true, :t)"
            ),
            now,
        )
        area = conn.execute(text("SELECT id FROM areas")).scalar_one()
        conn.execute(text("INSERT INTO cycles (area_id, name, created_at) VALUES (:a, '2025', :t)"), {"a": area, **now})
        cycle = conn.execute(text("SELECT id FROM cycles")).scalar_one()
        conn.execute(
            text(
                "INSERT INTO workshops (code, title, area_id, cycle_id, frameworks, stages, status, appraisal_open, "
                "created_by, created_at) VALUES ('ABCDEFGH', '', :a, :c, :f, :s, 'open', false, 'old', :t)"
            ),
            {"a": area, "c": cycle, "f": json.dumps(["opm", "twelve_cs"]), "s": json.dumps(list(ids.STAGES)), **now},
        )
    upgrade(eng)
    with session_scope(eng) as s:
        (w,) = ws.list_workshops(session=s)
    assert (w.form, w.cs, w.stages) == ("full", ids.C_IDS, ids.STAGES)
    with eng.begin() as conn:
        cfg = alembic_config(eng)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0012")
    cols = {c["name"] for c in inspect(eng).get_columns("workshops")}
    assert "form" not in cols and "cs" not in cols and "stages" in cols
    upgrade(eng)  # and up again: the revision runs on a database that has been down


def test_the_migration_keeps_old_workshops_full_on_sqlite(tmp_path: Path) -> None:
    eng = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        _old_workshop_migrates(eng)
    finally:
        eng.dispose()


@pytest.mark.db
@pytest.mark.skipif(not PG_URL, reason="needs TOOLKIT_TEST_DATABASE_URL (PostgreSQL)")
def test_the_migration_keeps_old_workshops_full_on_postgresql() -> None:
    name = f"toolkit_mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL or "", isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    eng = make_engine(make_url(PG_URL or "").set(database=name).render_as_string(hide_password=False))
    try:
        _old_workshop_migrates(eng)
    finally:
        eng.dispose()
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# ---- a bundle keeps the form and scope; one made before forms existed comes back full, with every C ------------------


def test_a_bundle_keeps_the_form_and_an_older_bundle_comes_back_full(engine, catalogue, tmp_path: Path) -> None:
    with session_scope(engine) as s:
        w = _new(s, form="short", cs=["c03_competence"])
        doc = bundle_out.export_bundle(w.area, session=s)
    (row,) = [x for c in doc["cycles"] for x in c["workshops"]]
    assert (row["form"], row["cs"]) == ("short", ["c03_competence"])
    for name, drop, expected in (("a", False, ("short", ("c03_competence",))), ("b", True, ("full", ids.C_IDS))):
        older = json.loads(json.dumps(doc))
        (row,) = [x for c in older["cycles"] for x in c["workshops"]]
        if drop:
            del row["form"], row["cs"]
        fresh = engine_for(f"sqlite:///{tmp_path / f'{name}.db'}")
        with session_scope(fresh) as s:
            bundle_in.import_bundle(older, session=s, catalogue=catalogue)
        with session_scope(fresh) as s:
            (back,) = ws.list_workshops(session=s)
        assert (back.form, back.cs) == expected
        fresh.dispose()
