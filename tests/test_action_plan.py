"""Action plans: progress (unit and property tests), export, the next-cycle check and persistence."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.analysis.config import Config
from toolkit.analysis.results import ChangeMeasure, ItemStat
from toolkit.capture.write import record_rating
from toolkit.core.tables import table_bytes
from toolkit.interventions.plan import (
    PLAN_COLUMNS,
    default_targets,
    goal_movement,
    plan_frame,
    plan_progress,
    plan_rows,
    progress,
    review_goals,
    review_plan,
)
from toolkit.store.areas import NotFound, get_or_create_area, get_or_create_cycle, resolve_cycle
from toolkit.store.carry import carry_plan_forward
from toolkit.store.plans import (
    STEP_STATUSES,
    action_plan,
    add_goal,
    add_step,
    delete_goal,
    record_decision,
    update_step,
)
from toolkit.store.ratings import upsert_respondent

TODAY = date(2026, 6, 1)


def step(status, due=None, text="a step"):
    return {"text": text, "status": status, "due": due}


# ---- progress: unit tests --------------------------------------------------------------------------


def test_progress_counts_done_overdue_and_percent() -> None:
    steps = [
        step("done", TODAY - timedelta(days=30)),
        step("in_progress", TODAY - timedelta(days=1), "late one"),
        step("not_started", TODAY),
        step("blocked", None),
    ]
    p = progress(steps, today=TODAY)
    assert (p["steps"], p["done"], p["in_progress"], p["not_started"], p["blocked"]) == (4, 1, 1, 1, 1)
    assert p["overdue"] == 1 and p["overdue_steps"] == ["late one"]
    assert p["percent_complete"] == 25.0


def test_progress_of_no_steps() -> None:
    assert progress([], today=TODAY) | {} == {**progress([], today=TODAY), "steps": 0, "percent_complete": 0.0}


def test_plan_progress_per_goal_and_overall() -> None:
    plan = {
        "goals": [
            {"id": 1, "title": "g1", "steps": [step("done"), step("done")]},
            {"id": 2, "title": "g2", "steps": [step("blocked", TODAY - timedelta(days=2))]},
        ]
    }
    p = plan_progress(plan, today=TODAY)
    assert [g["percent_complete"] for g in p["goals"]] == [100.0, 0.0]
    assert p["overall"]["percent_complete"] == pytest.approx(66.7) and p["overall"]["overdue"] == 1


# ---- progress: property tests ------------------------------------------------------------------------

steps_strategy = st.lists(
    st.builds(
        step, st.sampled_from(STEP_STATUSES), st.one_of(st.none(), st.dates(date(2025, 1, 1), date(2027, 12, 31)))
    ),
    max_size=40,
)


@given(steps_strategy, st.dates(date(2025, 1, 1), date(2027, 12, 31)))
def test_progress_is_consistent(steps, today) -> None:
    p = progress(steps, today=today)
    assert sum(p[s] for s in STEP_STATUSES) == p["steps"] == len(steps)
    assert 0 <= p["percent_complete"] <= 100
    assert 0 <= p["overdue"] <= p["steps"] - p["done"]
    if steps and all(s["status"] == "done" for s in steps):
        assert p["percent_complete"] == 100 and p["overdue"] == 0


@given(steps_strategy, st.dates(date(2025, 1, 1), date(2027, 12, 31)), st.integers(0, 400))
def test_overdue_never_falls_as_time_passes(steps, today, days) -> None:
    assert progress(steps, today=today)["overdue"] <= progress(steps, today=today + timedelta(days=days))["overdue"]


@given(steps_strategy)
def test_finishing_a_step_never_lowers_the_percentage(steps) -> None:
    before = progress(steps, today=TODAY)
    for k, s in enumerate(steps):
        if s["status"] != "done":
            after = progress([*steps[:k], {**s, "status": "done"}, *steps[k + 1 :]], today=TODAY)
            assert after["percent_complete"] > before["percent_complete"]
            assert after["overdue"] <= before["overdue"]
            break


# ---- export and the next-cycle check -------------------------------------------------------------


def _plan():
    return {
        "area": "Testshire",
        "cycle": "2026",
        "goals": [
            {
                "id": 1,
                "title": "Frontline hear what matters",
                "intervention": "x",
                "set_in": "2026",
                "toc_nodes": ["ult_effective_communication"],
                "items": [{"framework": "opm", "item": "i1"}],
                "steps": [
                    {
                        "text": "Pilot a 7-minute briefing",
                        "owner": "health",
                        "messenger": "line_managers",
                        "channel": "short_briefings",
                        "due": TODAY - timedelta(days=1),
                        "status": "in_progress",
                    }
                ],
            },
            {
                "id": 2,
                "title": "No steps yet",
                "intervention": "y",
                "set_in": "2025",
                "toc_nodes": [],
                "items": [],
                "steps": [],
            },
        ],
    }


def test_plan_table_rows_and_files(tmp_path, catalogue) -> None:
    rows = plan_rows(_plan(), today=TODAY, cat=catalogue)
    assert len(rows) == 2 and list(rows[0]) == PLAN_COLUMNS
    assert rows[0]["overdue"] == "yes" and rows[0]["due"] == (TODAY - timedelta(days=1)).isoformat()
    assert rows[0]["items"] == "opm:i1" and rows[1]["step"] == ""
    names = {c.id: c.name for c in catalogue.get("implementation_guidance").channels}
    assert rows[0]["channel"] == names["short_briefings"]
    df = plan_frame(_plan())
    assert list(df.columns) == PLAN_COLUMNS and len(df) == 2
    for suffix in ("csv", "xlsx"):
        path = tmp_path / f"plan.{suffix}"
        path.write_bytes(table_bytes(plan_frame(_plan(), today=TODAY), suffix))  # as the page's download does
        back = pd.read_csv(path) if suffix == "csv" else pd.read_excel(path)
        assert list(back.columns) == PLAN_COLUMNS and back.loc[0, "step"] == "Pilot a 7-minute briefing"
    with pytest.raises(ValueError, match=r"csv or xlsx"):
        table_bytes(plan_frame(_plan()), "pdf")


def test_default_targets_take_the_weakest_tagged_items(catalogue) -> None:
    iv = next(i for i in catalogue.interventions if "int_information_sharing" in i.toc_nodes)
    tagged = [it for it in catalogue.opm.items if set(it.toc_nodes) & set(iv.toc_nodes)]
    weakest = tagged[-1]
    analysis = [ItemStat(framework="opm", item=weakest.id, text=weakest.text, mean=1.5)]
    nodes, items = default_targets(iv, catalogue, analysis)
    assert nodes == list(iv.toc_nodes) and items[0] == {"framework": "opm", "item": weakest.id}
    assert len(items) <= 6


def test_goal_movement_verdicts() -> None:
    goal = {
        "title": "g",
        "intervention": "x",
        "items": [{"framework": "opm", "item": "a"}, {"framework": "opm", "item": "b"}],
    }

    def ch(item, diff, sig):
        return ChangeMeasure.model_validate(
            {
                "kind": "item",
                "framework": "opm",
                "measure": item,
                "label": item,
                "before": 2.0,
                "after": 2.0 + diff,
                "difference": diff,
                "ci_low": diff - 0.2,
                "ci_high": diff + 0.2,
                "significant": sig,
                "n_before": 5,
                "n_after": 5,
            }
        )

    assert goal_movement(goal, [ch("a", 0.8, True), ch("b", 0.1, False)])["verdict"] == "improved"
    assert goal_movement(goal, [ch("a", -0.8, True)])["verdict"] == "worse"
    assert goal_movement(goal, [ch("a", 0.8, True), ch("b", -0.7, True)])["verdict"] == "mixed"
    assert goal_movement(goal, [ch("a", 0.1, False)])["verdict"] == "no clear change"
    moved = goal_movement(goal, [])
    assert moved["verdict"] == "not measured" and not any(i["measured"] for i in moved["items"])


def _ratings(items, score, n=12, seed=0):
    import numpy as np

    rng = np.random.default_rng(seed)
    rows = [
        (
            f"r{k}",
            "health",
            ("strategic", "managerial", "frontline")[k % 3],
            "opm",
            it,
            int(np.clip(round(score + rng.normal(0, 0.4)), 1, 5)),
        )
        for k in range(n)
        for it in items
    ]
    df = pd.DataFrame(rows, columns=["respondent", "agency", "level", "framework", "item", "score"])
    return df.astype({"score": "Int64"})


def test_review_goals_sees_the_items_move(catalogue) -> None:
    items = [it.id for it in catalogue.opm.items[:4]]
    goal = {"title": "g", "intervention": "x", "items": [{"framework": "opm", "item": items[0]}]}
    before, after = _ratings(items, 2.0), _ratings(items, 4.0, seed=1)
    [moved] = review_goals([goal], before, after, catalogue, Config())
    assert moved["verdict"] == "improved" and moved["items"][0]["difference"] > 1


# ---- persistence (reruns on PostgreSQL) ----------------------------------------------------------


@pytest.fixture
def area(session):
    a = get_or_create_area("Testshire", session=session)
    for c in ("2025", "2026"):
        get_or_create_cycle(a, c, session=session)
    return "Testshire"


def _selected(session, area, catalogue, cycle="2025"):
    iv = next(i for i in catalogue.interventions if i.toc_nodes)
    record_decision(
        resolve_cycle(area, cycle, session=session), iv.id, True, "strongest on APEASE", session=session, cat=catalogue
    )
    return iv


def test_a_selected_intervention_becomes_a_goal_with_steps(session, area, catalogue) -> None:
    iv = _selected(session, area, catalogue)
    nodes, items = default_targets(iv, catalogue)
    gid = add_goal(
        resolve_cycle(area, "2025", session=session), iv.id, session=session, items=items, by="Fay", cat=catalogue
    )
    s1 = add_step(
        gid,
        "Agree the wording with the comms lead",
        session=session,
        owner="local_authority",
        messenger="line_managers",
        channel="team_meetings",
        due=date(2025, 9, 1),
        cat=catalogue,
    )
    add_step(gid, "Run it in every team meeting", session=session, owner="Practice leads", cat=catalogue)
    update_step(s1, session=session, status="done", by="Fay", cat=catalogue)
    plan = action_plan(resolve_cycle(area, "2025", session=session), session=session)
    [goal] = plan["goals"]
    assert goal["title"] == iv.title and goal["toc_nodes"] == nodes and goal["items"] == items
    assert goal["set_in"] == "2025" and [s["status"] for s in goal["steps"]] == ["done", "not_started"]
    assert goal["steps"][0]["due"] == date(2025, 9, 1) and goal["steps"][0]["messenger"] == "line_managers"
    assert plan_progress(plan, today=date(2025, 10, 1))["overall"]["percent_complete"] == 50.0
    update_step(s1, session=session, due=None, cat=catalogue)
    assert (
        action_plan(resolve_cycle(area, "2025", session=session), session=session)["goals"][0]["steps"][0]["due"]
        is None
    )


def test_goals_need_a_selected_intervention_and_known_ids(session, area, catalogue) -> None:
    iv = catalogue.interventions[0]
    with pytest.raises(ValueError, match="has not been selected"):
        add_goal(resolve_cycle(area, "2025", session=session), iv.id, session=session, cat=catalogue)
    record_decision(resolve_cycle(area, "2025", session=session), iv.id, True, session=session, cat=catalogue)
    with pytest.raises(ValueError, match="unknown"):
        add_goal(
            resolve_cycle(area, "2025", session=session),
            iv.id,
            session=session,
            toc_nodes=["no_such_node"],
            cat=catalogue,
        )
    gid = add_goal(resolve_cycle(area, "2025", session=session), iv.id, session=session, cat=catalogue)
    for kw, msg in (
        ({"messenger": "town_crier"}, "messenger"),
        ({"channel": "pigeon"}, "channel"),
        ({"status": "finished"}, "status"),
    ):
        with pytest.raises(ValueError, match=msg):
            add_step(gid, "x", session=session, cat=catalogue, **kw)
    with pytest.raises(NotFound):
        add_step(999999, "x", session=session, cat=catalogue)


def test_carrying_a_plan_forward_copies_it_and_keeps_the_old(session, area, catalogue) -> None:
    iv = _selected(session, area, catalogue)
    gid = add_goal(resolve_cycle(area, "2025", session=session), iv.id, session=session, cat=catalogue)
    sid = add_step(gid, "Step one", session=session, status="in_progress", cat=catalogue)
    assert (
        carry_plan_forward(
            resolve_cycle(area, "2025", session=session), resolve_cycle(area, "2026", session=session), session=session
        )
        == 1
    )
    assert (
        carry_plan_forward(
            resolve_cycle(area, "2025", session=session), resolve_cycle(area, "2026", session=session), session=session
        )
        == 0
    )
    new = action_plan(resolve_cycle(area, "2026", session=session), session=session)["goals"][0]
    assert new["carried_from"] == gid and new["set_in"] == "2025" and new["steps"][0]["status"] == "in_progress"
    update_step(new["steps"][0]["id"], session=session, status="done", cat=catalogue)
    old = action_plan(resolve_cycle(area, "2025", session=session), session=session)["goals"][0]
    assert old["steps"][0]["id"] == sid and old["steps"][0]["status"] == "in_progress"
    delete_goal(gid, session=session)
    assert action_plan(resolve_cycle(area, "2025", session=session), session=session)["goals"] == []
    assert (
        action_plan(resolve_cycle(area, "2026", session=session), session=session)["goals"][0]["carried_from"] is None
    )


def test_review_plan_checks_the_goal_at_the_next_cycle(session, area, catalogue) -> None:
    iv = _selected(session, area, catalogue)
    item = next(it for it in catalogue.opm.items if set(it.toc_nodes) & set(iv.toc_nodes))
    add_goal(
        resolve_cycle(area, "2025", session=session),
        iv.id,
        session=session,
        items=[{"framework": "opm", "item": item.id}],
        cat=catalogue,
    )
    a = get_or_create_area(area, session=session)
    for cycle, score in (("2025", 2), ("2026", 4)):
        c = get_or_create_cycle(a, cycle, session=session)
        for k in range(6):
            r = upsert_respondent(c, f"p{k}", "police", ("managerial", "frontline")[k % 2], session=session)
            record_rating(r, "opm", item.id, score + (k % 2), session=session)
    [moved] = review_plan(area, "2026", session=session, cat=catalogue, cfg=Config())
    assert moved["verdict"] == "improved" and moved["items"][0]["before"] < moved["items"][0]["after"]
    assert review_plan(area, "2025", session=session, cat=catalogue) == []


def test_plan_exports_neutralise_formulas(tmp_path) -> None:
    import csv

    from openpyxl import load_workbook

    plan = {
        "area": "A",
        "cycle": "2026",
        "goals": [
            {
                "id": 1,
                "title": '=HYPERLINK("http://x")',
                "intervention": "x",
                "set_in": "2026",
                "toc_nodes": [],
                "items": [],
                "steps": [
                    {
                        "text": "+cmd|' /C calc'!A0",
                        "owner": "@SUM(1)",
                        "messenger": None,
                        "channel": None,
                        "due": None,
                        "status": "done",
                    }
                ],
            }
        ],
    }
    (tmp_path / "p.csv").write_bytes(table_bytes(plan_frame(plan), "csv"))
    rows = list(csv.DictReader((tmp_path / "p.csv").read_text(encoding="utf-8").splitlines()))
    assert rows[0]["goal"].startswith("'=") and rows[0]["step"].startswith("'+") and rows[0]["owner"].startswith("'@")
    (tmp_path / "p.xlsx").write_bytes(table_bytes(plan_frame(plan), "xlsx"))
    ws = load_workbook(tmp_path / "p.xlsx").active
    cells = [c.value for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    assert not any(v[0] in "=+-@" for v in cells if v)
