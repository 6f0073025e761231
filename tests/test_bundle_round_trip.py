"""Finding 7: the whole-area bundle holds everything about an area, and a round trip into a fresh database gives the
same rows in every table (surrogate ids aside), scrutiny records, workshops, participants and reveal snapshots included."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from toolkit.access.scope import LOCAL
from toolkit.analysis.toc_doc import add_box, kantar_doc
from toolkit.capture.write import record_rating
from toolkit.reports import bundle_doc, bundle_in, bundle_out, bundle_rows
from toolkit.scrutiny.attachments import add_file, add_link
from toolkit.scrutiny.challenges import answer_challenge
from toolkit.scrutiny.checklist import set_check, set_statement, sign_off
from toolkit.scrutiny.evidence import log_evidence
from toolkit.scrutiny.trail import add_trail
from toolkit.scrutiny.validation import set_validation
from toolkit.store.areas import resolve_cycle
from toolkit.store.assumptions import save_assumption
from toolkit.store.audit import entries
from toolkit.store.carry import carry_plan_forward
from toolkit.store.db import engine_for, session_scope
from toolkit.store.models import metadata
from toolkit.store.plans import add_goal, add_step, record_apease, record_decision, shortlist_add
from toolkit.store.ratings import find_respondent
from toolkit.store.toc_versions import save_version
from toolkit.training.demo import STORIES, load_demo
from toolkit.workshops.comments import moderate, send_comment
from toolkit.workshops.participants import join
from toolkit.workshops.points import give_points, open_points
from toolkit.workshops.reveals import reveal_now
from toolkit.workshops.rooms import close, create_workshop

AREAS = [STORIES[0].name, STORIES[1].name]
IV = "kantar_ll_verbal_briefing"
# Not records of an area: accounts, sign-in sessions, and the log of who did what on this installation.
# Accounts, their sign-in state and memberships belong to the installation, not to an area; invitations hold resume
# secrets, which never leave the database that issued them (a facilitator issues new ones elsewhere).
NOT_AREA_TABLES = {"users", "login_sessions", "audit_log", "sign_in_throttle", "memberships", "invitations"}


def _everything(area: str, s, cat) -> None:
    """One of every kind of record an area can hold, in both cycles."""
    resp = find_respondent(resolve_cycle(area, "2026", session=s), "r001", session=s)
    item = cat.opm.items[0].id
    record_rating(resp, "opm", item, 1, "changed", session=s, by="facilitator")  # a rating with history
    for cycle in ("2025", "2026"):
        ref = resolve_cycle(area, cycle, session=s)
        save_assumption(ref, "reform_pitched_right", "doubtful", "board view", session=s, by="chair")
        shortlist_add(ref, IV, session=s, cat=cat)
        record_apease(ref, IV, "equity", "board1", 4, "fair", session=s, cat=cat)
        record_decision(ref, IV, True, "cheap", session=s, by="chair", cat=cat)
        e = log_evidence(
            area,
            cycle,
            note=f"Case audit {cycle}",
            source="audit",
            seen_on=date(2026, 5, 1),
            judgement="challenges",
            link="stage:consider",
            owner="local",
            due_on=date.today(),
            actor=LOCAL,
            session=s,
            cat=cat,
        )
        answer_challenge(e.id, "We disagree", area=area, cycle=cycle, actor=LOCAL, session=s)
        where = {"area": area, "cycle": cycle, "actor": LOCAL, "session": s}
        add_link(e.id, "https://example.org/audit", title="Audit summary", **where)
        add_file(e.id, "audit.pdf", b"%PDF-1.4 the audit " + cycle.encode(), **where)
        add_trail(
            area,
            cycle,
            decision="Joint training",
            decided_on=date(2026, 2, 1),
            practice_change="Briefings",
            toc_nodes=["int_information_sharing"],
            actor=LOCAL,
            session=s,
            cat=cat,
        )
        set_check(
            area, cycle, cat.get("yearly_report").criteria[0].id, "evidenced", "seen", actor=LOCAL, session=s, cat=cat
        )
        sign_off(area, cycle, "police", date(2026, 6, 1), actor=LOCAL, session=s)
        set_statement(area, cycle, "Sound", actor=LOCAL, session=s)
        set_validation(
            area, cycle, "c:c01_clarity", "adjusted", figure=2.5, reason="audit", actor=LOCAL, session=s, cat=cat
        )
    goal = add_goal(
        resolve_cycle(area, "2025", session=s), IV, session=s, cat=cat, items=[{"framework": "opm", "item": item}]
    )
    add_step(goal, "Brief teams", owner="police", due=date(2026, 1, 31), status="done", session=s, cat=cat)
    carry_plan_forward(
        resolve_cycle(area, "2025", session=s), resolve_cycle(area, "2026", session=s), session=s, by="chair"
    )
    doc, _box = add_box(kantar_doc(cat), "Joint training budget", "inputs")  # the area's own Theory of Change
    save_version(area, doc, actor=LOCAL, session=s, cat=cat, cycle="2026", note="For the March board")
    w = create_workshop(area, "2026", created_by="fac", session=s, title="Spring")
    sam = join(w.code, "police", "frontline", "Sam", session=s)
    join(w.code, "health", "strategic", session=s)
    reveal_now(w.code, session=s, cat=cat)  # a reveal snapshot travels with its workshop
    shortlist_add(resolve_cycle(area, "2026", session=s), IV, session=s, cat=cat)
    open_points(w.code, True, session=s)  # a participant's points and comments travel with them
    give_points(w.code, sam.pseudonym, {IV: 60}, session=s)
    moderate(w.code, send_comment(w.code, sam.pseudonym, "Who owns the data?", session=s).id, True, session=s)
    close(w.code, session=s)


def _plain(v: Any) -> Any:
    if isinstance(v, datetime):  # SQLite keeps naive UTC times, PostgreSQL aware ones
        return (v if v.tzinfo else v.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
    if isinstance(v, dict | list):
        return repr(v)
    return v


def table_rows(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every area table, with surrogate ids left out and each link replaced by the row it points to."""
    by_id: dict[str, dict[int, dict]] = {}
    with engine.connect() as c:
        for t in metadata.sorted_tables:
            by_id[t.name] = {r["id"]: dict(r) for r in c.execute(select(t)).mappings()}

    def natural(table: str, row: dict) -> tuple:
        t = metadata.tables[table]
        out = []
        for col in t.columns:
            if col.key == "id" or col.key in bundle_rows.SECRETS:  # resume secrets stay where they were issued
                continue
            v = row[col.key]
            fk = next(iter(col.foreign_keys), None)
            if fk is not None and v is not None:
                target = fk.column.table.name
                v = natural(target, by_id[target][v])
            out.append((col.key, _plain(v)))
        return tuple(out)

    return {
        name: sorted((natural(name, r) for r in rows.values()), key=repr)
        for name, rows in by_id.items()
        if name not in NOT_AREA_TABLES
    }


@pytest.fixture
def full(db_url, catalogue) -> str:
    load_demo(areas=2, catalogue=catalogue)
    with session_scope() as s:
        for area in AREAS:
            _everything(area, s, catalogue)
    return db_url


def test_the_bundles_of_every_area_round_trip_table_by_table(full, catalogue, tmp_path: Path) -> None:
    with session_scope() as s:
        bundles = [bundle_out.bundle_bytes(a, session=s) for a in AREAS]
    before = table_rows(engine_for(full))
    # Every kind of record is there to compare (none of these tables is empty).
    assert all(before[t] for t in before if t != "alembic_version"), [t for t in before if not before[t]]
    fresh = engine_for(f"sqlite:///{tmp_path / 'fresh.db'}")
    with session_scope(fresh) as s:
        for data in bundles:
            assert "scrutiny and workshop record" in bundle_in.import_bundle(
                data, session=s, catalogue=catalogue, actor="admin1"
            )
    after = table_rows(fresh)
    for table in before:
        assert after[table] == before[table], table
    with session_scope(fresh) as s:
        lines = entries(session=s, action="bundle_import")
        assert [(x.actor, x.target) for x in lines] == [("admin1", AREAS[1]), ("admin1", AREAS[0])]
    fresh.dispose()


def test_the_bundle_says_what_it_holds(full) -> None:
    with session_scope() as s:
        doc = bundle_out.export_bundle(AREAS[0], session=s)
    cycle = doc["cycles"][1]
    for key in ("evidence", "trail", "checks", "assurance", "workshops", "plan_goals", "apease_scores"):
        assert cycle[key], key
    assert cycle["evidence"][0]["response"] == "We disagree"
    assert cycle["assurance"][0]["signoffs"]["police"]
    assert {p["display_name"] for p in cycle["workshops"][0]["participants"]} == {"Sam", ""}
    bundle_doc.BundleDoc.model_validate(doc)


def test_a_bundle_with_a_damaged_scrutiny_record_is_refused_whole(full, catalogue, tmp_path: Path) -> None:
    with session_scope() as s:
        doc = bundle_out.export_bundle(AREAS[0], session=s)
    doc["cycles"][0]["evidence"][0]["seen_on"] = "not a date"
    doc["cycles"][0]["checks"][0]["criterion"] = "made_up"
    fresh = engine_for(f"sqlite:///{tmp_path / 'fresh.db'}")
    with pytest.raises(bundle_doc.BundleError, match="seen_on") as err, session_scope(fresh) as s:
        bundle_in.import_bundle(doc, session=s, catalogue=catalogue)
    assert "made_up" in str(err.value)
    with session_scope(fresh) as s:
        assert s.scalar(select(metadata.tables["areas"].c.id)) is None
    fresh.dispose()


def test_a_workshop_code_already_used_is_refused(full, catalogue) -> None:
    with session_scope() as s:
        doc = bundle_out.export_bundle(AREAS[0], session=s)
    doc["area"]["name"] = "Elsewhere"
    with pytest.raises(bundle_doc.BundleError, match="workshop code"), session_scope() as s:
        bundle_in.import_bundle(doc, session=s, catalogue=catalogue)


def test_a_bundle_whose_attached_file_was_altered_or_is_of_a_refused_type_is_refused(full, catalogue, tmp_path) -> None:
    import base64

    with session_scope() as s:
        doc = bundle_out.export_bundle(AREAS[0], session=s)
    [link, file] = doc["cycles"][0]["evidence"][0]["attachments"]
    assert (link["kind"], file["kind"], file["title"]) == ("link", "file", "audit.pdf")
    file["data"] = base64.b64encode(b"%PDF-1.4 something else").decode()
    link["url"] = "javascript:alert(1)"
    fresh = engine_for(f"sqlite:///{tmp_path / 'fresh.db'}")
    with pytest.raises(bundle_doc.BundleError, match="does not match its hash") as err, session_scope(fresh) as s:
        bundle_in.import_bundle(doc, session=s, catalogue=catalogue)
    assert "http" in str(err.value)
    with session_scope(fresh) as s:
        assert s.scalar(select(metadata.tables["areas"].c.id)) is None
    fresh.dispose()


def test_a_bundle_with_a_broken_theory_of_change_version_is_refused_whole(full, catalogue, tmp_path: Path) -> None:
    with session_scope() as s:
        doc = bundle_out.export_bundle(AREAS[0], session=s)
    assert doc["toc_versions"][0]["cycle"] == "2026" and doc["toc_versions"][0]["number"] == 1
    doc["toc_versions"][0]["cycle"] = "1999"
    doc["toc_versions"].append({**doc["toc_versions"][0], "cycle": None})  # the same number twice
    fresh = engine_for(f"sqlite:///{tmp_path / 'fresh.db'}")
    with pytest.raises(bundle_doc.BundleError, match="1999") as err, session_scope(fresh) as s:
        bundle_in.import_bundle(doc, session=s, catalogue=catalogue)
    assert "more than once" in str(err.value)
    with session_scope(fresh) as s:
        assert s.scalar(select(metadata.tables["areas"].c.id)) is None
    fresh.dispose()
