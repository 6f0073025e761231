"""Each role can do what it should and nothing more, on every page (AppTest, signed in with a session token made by
toolkit.auth), in the exports the pages offer, and on the command line.

Once an installation has accounts: a participant (no account) may join a workshop, rate, see their own answers and
the room's suppressed results; a facilitator runs their own workshops, imports, exports raw ratings and keeps the
plan, and answers challenges and signs off on the Scrutiny page; a scrutineer reads results and benchmarks (peers named), keeps the scrutiny log and exports raw ratings, but
changes nothing of the partnership's; an administrator may do everything. (Without any account the app is a
single-user app and every page is open: tests/test_page_*.py run that way.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.access.scan import open_as, render
from tests.bad_input.helpers import opm_items, row, tcs_items, to_csv
from tests.pages import texts
from toolkit import workshops as ws
from toolkit.access.accounts import authenticate, can, create_user, start_session
from toolkit.capture.ratings_import import import_ratings
from toolkit.store.db import session_scope

ROOT = Path(__file__).resolve().parents[2]
PW = "a long enough password"
ROLES = ("participant", "facilitator", "scrutineer", "administrator")


@pytest.fixture
def world(engine, catalogue):
    """An area with ratings, an account per role (and a second facilitator), a workshop each, a participant."""
    o, t = opm_items(catalogue), tcs_items(catalogue)
    rows = [
        row(
            i,
            str(1 + (p + k) % 5),
            respondent=f"p{p}",
            agency=("police", "health", "education")[p % 3],
            level=("strategic", "managerial", "frontline")[p // 3],
            framework=fw,
        )
        for p in range(9)
        for k, (fw, i) in enumerate([("opm", x) for x in o[:10]] + [("twelve_cs", x) for x in t[:5]])
    ]
    tokens = {"participant": None}
    with session_scope(engine) as s:
        import_ratings(to_csv(rows), "r.csv", session=s, catalogue=catalogue)
        for name, role in (
            ("facil", "facilitator"),
            ("scrut", "scrutineer"),
            ("admin", "administrator"),
            ("other", "facilitator"),
        ):
            create_user(name, PW, role, session=s)
            tokens[role if name != "other" else "other"] = start_session(authenticate(name, PW, session=s), session=s)
        mine = ws.create_workshop("Northshire", "2026", created_by="facil", session=s, title="Facil's room")
        theirs = ws.create_workshop("Northshire", "2026b", created_by="other", session=s, title="Other's room")
        p = ws.join(mine.code, "police", "frontline", session=s)
    return {"tokens": tokens, "mine": mine.code, "theirs": theirs.code, "participant": p.pseudonym, "secret": p.secret}


STATE = {"sel_area": "Northshire", "sel_cycle": "2026"}
REFUSED = ("Sign in to use", "cannot use")

# page -> the roles that may open it
PAGES = {
    "results": {"facilitator", "scrutineer", "administrator"},
    "theory_of_change": {"facilitator", "scrutineer", "administrator"},
    "interventions": {"facilitator", "administrator"},
    "action_plan": {"facilitator", "administrator"},
    "context": {"facilitator", "administrator"},
    "data": {"facilitator", "scrutineer", "administrator"},
    "workshop": {"facilitator", "administrator"},
    "scrutiny": {"facilitator", "scrutineer", "administrator"},  # a member answers challenges and signs off there
    "benchmark": {"facilitator", "scrutineer", "administrator"},
    "start": set(ROLES),
    "assess": set(ROLES),
    "join": set(ROLES),
    "frameworks": set(ROLES),
    "trainer": set(ROLES),
    "account": set(ROLES),
}


def refused(at) -> bool:
    shown = texts(at) + "\n".join(e.value for e in at.error)
    return any(r in shown for r in REFUSED)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_exactly_the_pages_it_should(role, world) -> None:
    token = world["tokens"][role]
    wrong = []
    for page, allowed in PAGES.items():
        at = open_as(f"app_pages/{page}.py", token=token, **STATE)
        assert not at.exception, (role, page, [e.value for e in at.exception])
        if refused(at) == (role in allowed):
            wrong.append(f"{page}: {'refused' if refused(at) else 'opened'}")
        if role not in allowed:  # refused pages show nothing of the partnership's
            assert not at.dataframe and not at.get("vega_lite_chart") and not at.get("arrow_vega_lite_chart"), page
    assert wrong == [], f"{role}: {wrong}"


def _downloads(at) -> dict[str, bool]:
    """Download buttons by key: enabled or not."""
    return {(b.key or b.proto.label): not b.proto.disabled for b in at.get("download_button")}


@pytest.mark.parametrize("role", ["facilitator", "scrutineer", "administrator"])
def test_raw_exports_and_import_are_offered_only_to_roles_that_may(role, world) -> None:
    at = open_as("app_pages/data.py", token=world["tokens"][role], **STATE)
    assert not at.exception
    offered = _downloads(at)
    raw = {k for k in ("data_dl_csv", "data_dl_xlsx", "data_dl_json") if offered.get(k)} | (
        {"data_dl_bundle"} if offered.get("data_dl_bundle") else set()
    )
    assert bool(raw) == can(role, "export_raw")
    if can(role, "export_raw"):
        assert raw == {"data_dl_csv", "data_dl_xlsx", "data_dl_json", "data_dl_bundle"}
    importing = at.button(key="data_import")
    assert importing.proto.disabled == (not can(role, "import_ratings"))


def test_a_scrutineer_reads_the_assumptions_register_but_cannot_change_it(world) -> None:
    for role, editable in (("scrutineer", False), ("facilitator", True)):
        at = open_as("app_pages/theory_of_change.py", token=world["tokens"][role], **STATE)
        boxes = [b for b in at.selectbox if (b.key or "").startswith("toc_as_")]
        assert boxes and all(b.proto.disabled != editable for b in boxes), role


def test_a_participant_cannot_create_partnerships_and_nobody_loads_demo_data_into_the_record(engine, world) -> None:
    at = open_as("app_pages/start.py", **STATE)
    assert next(b for b in at.button if b.label == "Create").proto.disabled  # (Streamlit drops a disabled widget's
    # forged events, and the callbacks check the role again)
    with session_scope(engine) as s:
        from toolkit.store.areas import list_areas

        assert "Intruder" not in {a.area for a in list_areas(session=s)}
    for role in ("facilitator", "administrator"):  # the demo lives in Trainer mode's sandbox, for every role
        at = open_as("app_pages/start.py", token=world["tokens"][role])
        assert [b.label for b in at.button] == ["Create"]
        assert any("Trainer mode" in p.value for p in at.page_link)


def test_a_facilitator_runs_only_their_own_workshops(world) -> None:
    at = open_as("app_pages/workshop.py", token=world["tokens"]["facilitator"], workshop_sel=world["theirs"])
    shown = render(at, "workshop").text()
    assert ws.format_code(world["mine"]) in shown and ws.format_code(world["theirs"]) not in shown
    assert at.session_state["workshop_sel"] == world["mine"]  # a forged choice of someone else's is not kept
    admin = render(open_as("app_pages/workshop.py", token=world["tokens"]["administrator"]), "workshop").text()
    assert "Facil's room" in admin and "Other's room" in admin


def test_a_participant_sees_their_own_answers_and_only_revealed_suppressed_results(engine, catalogue, world) -> None:
    code, me, key = world["mine"], world["participant"], world["secret"]
    with session_scope(engine) as s:
        info = ws.find_workshop(code, session=s)
    step = ws.steps_for(info, "frontline", catalogue)[0]
    ws.answer(code, me, step.framework, step.items[0].id, 2, "my own words", engine=engine, cat=catalogue)
    at = open_as("app_pages/join.py", query={"w": code, "k": key})
    assert "Room results" not in render(at, "join").text()  # not revealed yet
    at.segmented_control(key="join_view").set_value("My answers").run()
    assert "my own words" in render(at, "join").text()
    with session_scope(engine) as s:
        ws.reveal(code, session=s)
    at = open_as("app_pages/join.py", query={"w": code, "k": key})
    at.segmented_control(key="join_view").set_value("Room results").run()
    assert not at.exception
    assert "fewer than" in render(at, "join").text()  # one person in the room: everything suppressed


def test_the_command_line_is_the_administrators_and_never_prints_a_password(db_url, world) -> None:
    """The command line needs the database's own credentials (an administrator's); it never echoes a password, and
    it cannot make an account for a role that has none (participants join with a code)."""
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "toolkit", *args],
            input=stdin,
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )

    secret = "correct horse battery staple"
    done = run("users", "add", "--username", "newfac", "--role", "facilitator", "--password-stdin", stdin=secret + "\n")
    assert done.returncode == 0 and secret not in done.stdout + done.stderr
    participant = run("users", "add", "--username", "p1", "--role", "participant", "--password-stdin", stdin=secret)
    assert participant.returncode == 2 and "invalid choice: 'participant'" in participant.stderr
    no_tty = run("users", "add", "--username", "x2", "--role", "scrutineer")
    assert no_tty.returncode == 1 and "--password-stdin" in no_tty.stderr
    listed = run("users", "list", "--json")
    assert secret not in listed.stdout and "$argon2" not in listed.stdout
