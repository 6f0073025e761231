"""Roles are scoped to areas (issue 13, findings 4 and 9): each account sees, does and exports only what its
memberships allow, through the toolkit's checks, the pages, the command line and the files; a value a page did not
offer is refused; a workshop is run only by its facilitator (or an administrator for every area).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import streamlit as st
from alembic import command
from sqlalchemy import select, text

from tests.access.scan import open_as, render
from tests.access.world import ACCOUNTS, AREAS, PW, X, Y, build, forge
from tests.bad_input.helpers import opm_items, row, to_csv
from tests.pages import texts
from toolkit import workshops as ws
from toolkit.access.accounts import Identity, create_user
from toolkit.access.memberships import accounts, grant, revoke
from toolkit.access.scope import LOCAL, OPERATOR, AccessDenied, allowed, areas_visible, authorise, cross_area, load
from toolkit.store.areas import get_or_create_area, get_or_create_cycle
from toolkit.store.audit import entries
from toolkit.store.db import alembic_config, make_engine, session_scope, upgrade
from toolkit.store.models import Area, Cycle, Membership, Respondent, User
from ui import data_actions

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def world(engine, catalogue):
    return build(engine, catalogue)


def _ids(engine) -> dict[str, int]:
    with session_scope(engine) as s:
        return {n: i for n, i in s.execute(select(Area.name, Area.id))}


# --- The checks in toolkit/, role by role -------------------------------------------------------------------------

# account -> action -> (allowed in X, allowed in Y)
TABLE = {
    "facx": {"view_results": (1, 0), "export_raw": (1, 0), "import_ratings": (1, 0), "run_workshop": (1, 0)},
    "facy": {"view_results": (0, 1), "export_raw": (0, 1), "run_workshop": (0, 1), "log_evidence": (0, 0)},
    "scrx": {"view_results": (1, 0), "export_raw": (1, 0), "log_evidence": (1, 0), "run_workshop": (0, 0)},
    "regional": {"view_results": (1, 1), "log_evidence": (1, 1), "edit_action_plan": (0, 0)},
    "admin": {"view_results": (1, 1), "export_raw": (1, 1), "run_workshop": (1, 1), "manage_users": (1, 1)},
}
CROSS = {"facx": False, "facy": False, "scrx": False, "regional": True, "admin": True}  # peers named


@pytest.mark.parametrize("name", list(TABLE))
def test_each_membership_allows_its_actions_in_its_areas_only(name, engine, world) -> None:
    ids, who = _ids(engine), world.identity(name, engine=engine)
    for action, (in_x, in_y) in TABLE[name].items():
        assert allowed(who, action, ids[X]) == bool(in_x), (name, action, X)
        assert allowed(who, action, ids[Y]) == bool(in_y), (name, action, Y)
        if not in_y:
            with pytest.raises(AccessDenied, match="Your account cannot"):
                authorise(who, action, ids[Y])
    assert cross_area(who, "view_peers_named") == CROSS[name]
    assert allowed(who, "manage_users", None) == (name == "admin")  # accounts belong to no area
    with session_scope(engine) as s:
        seen = set(areas_visible(who, "view_results", s))
    assert seen == ({X} if name in ("facx", "scrx") else {Y} if name == "facy" else set(AREAS))


def test_nobody_signed_in_may_do_nothing_and_the_single_user_install_everything(engine, world) -> None:
    ids = _ids(engine)
    with pytest.raises(AccessDenied, match="Sign in"):
        authorise(None, "view_results", ids[X])
    for who in (LOCAL, OPERATOR):
        authorise(who, "export_raw", ids[Y])
        assert cross_area(who, "view_peers_named")
    # An identity whose memberships were never loaded holds none (a check never falls back to "every area").
    assert not allowed(Identity("facx", "facilitator", ()), "view_results", ids[X])


def test_existing_accounts_keep_their_role_for_every_area_after_the_migration(tmp_path) -> None:
    eng = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with eng.begin() as conn:
        cfg = alembic_config(eng)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0007")
        for name, role in (("old-fac", "facilitator"), ("old-scr", "scrutineer")):
            conn.execute(
                text(
                    "INSERT INTO users (username, password_hash, role, failed_attempts, created_at) "
                    "VALUES (:n, 'x', :r, 0, CURRENT_TIMESTAMP)"
                ),
                {"n": name, "r": role},
            )
    upgrade(eng)
    with session_scope(eng) as s:
        got = {
            (u, r, a) for u, r, a in s.execute(select(User.username, Membership.role, Membership.area_id).join(User))
        }
        assert got == {("old-fac", "facilitator", None), ("old-scr", "scrutineer", None)}
        assert cross_area(load(Identity("old-fac", "facilitator"), session=s), "run_workshop")
    eng.dispose()


def test_membership_changes_are_the_administrators_and_audited(engine, world) -> None:
    facx, admin = world.identity("facx", engine=engine), world.identity("admin", engine=engine)
    with session_scope(engine) as s, pytest.raises(AccessDenied):
        grant("facx", "facilitator", Y, actor=facx, session=s)  # nobody widens their own access
    with session_scope(engine) as s:
        assert grant("facx", "facilitator", Y, actor=admin, session=s)
        assert not grant("facx", "facilitator", Y, actor=admin, session=s)  # already held: nothing new
    assert allowed(world.identity("facx", engine=engine), "export_raw", _ids(engine)[Y])
    with session_scope(engine) as s:
        assert revoke("facx", "facilitator", Y, actor=admin, session=s)
        with pytest.raises(ValueError, match="last administrator"):
            revoke("admin", "administrator", None, actor=admin, session=s)
        log = [(e.action, e.actor, e.target) for e in entries(session=s, action=None)]
    assert ("membership.grant", "admin", "facx") in log and ("membership.revoke", "admin", "facx") in log
    assert not allowed(world.identity("facx", engine=engine), "export_raw", _ids(engine)[Y])


# --- Finding 4: a facilitator sees and exports only their areas ------------------------------------------------------


def shown(at) -> str:
    """The page's texts with Markdown escapes taken out."""
    return texts(at).replace("\\", "")


def _options(at, key: str = "ctx_area") -> list[str]:
    """The partnerships the sidebar's chooser (the one working context) offers."""
    return list(at.selectbox(key=key).options)


def test_a_facilitator_cannot_download_another_areas_raw_ratings(engine, world) -> None:
    at = open_as("app_pages/data.py", token=world.tokens["facx"], sel_area=Y, sel_cycle="2026")
    assert not at.exception
    assert _options(at) == [X] and at.selectbox(key="ctx_area").value == X  # Y is neither offered nor kept
    assert Y not in render(at, "data").text()
    # The file itself is checked at the click, from the area it is for (not from what the page showed).
    with pytest.raises(AccessDenied):
        _as(world.tokens["facx"], lambda: data_actions.export_ratings(Y, "2026", "csv"))
    assert b"Northshire" in _as(world.tokens["facx"], lambda: data_actions.export_ratings(X, "2026", "csv"))


def test_a_facilitator_cannot_import_ratings_into_another_area(engine, catalogue, world) -> None:
    o = opm_items(catalogue)
    upload = io.BytesIO(to_csv([row(o[0], "5", area=Y, respondent="intruder")]))  # as Streamlit's UploadedFile is
    upload.name = "y.csv"
    st.session_state["data_upload"] = upload
    try:
        _as(world.tokens["facx"], data_actions.import_upload)
        assert st.session_state["data_result"][0] == "denied"
    finally:
        del st.session_state["data_upload"]
    with session_scope(engine) as s:
        assert "intruder" not in set(s.scalars(select(Respondent.pseudonym)))


def test_a_facilitator_cannot_create_a_partnership_of_their_own(engine, world) -> None:
    at = open_as("app_pages/start.py", token=world.tokens["facx"])
    at.text_input(key="start_new_area").input("Newtown")
    at.text_input(key="start_new_cycle").input("2026")
    next(b for b in at.button if b.label == "Create").click().run()
    assert "Not created" in texts(at)
    at = open_as("app_pages/start.py", token=world.tokens["facx"])
    at.text_input(key="start_new_area").input(X)
    at.text_input(key="start_new_cycle").input("2027")  # a new cycle of their own area is theirs to make
    next(b for b in at.button if b.label == "Create").click().run()
    with session_scope(engine) as s:
        names = set(s.scalars(select(Area.name)))
        cycles = set(s.scalars(select(Cycle.name).join(Area).where(Area.name == X)))
    assert "Newtown" not in names and "2027" in cycles


def _as(token: str, fn):
    """Run a page callback's function as the holder of a session token (its session state)."""
    st.session_state["auth_token"] = token
    try:
        return fn()
    finally:
        del st.session_state["auth_token"]


def test_a_facilitator_sees_other_areas_only_as_anonymous_peers_on_the_benchmark(world) -> None:
    at = open_as("app_pages/benchmark.py", token=world.tokens["facx"], sel_area=Y, sel_cycle="2026")
    assert not at.exception
    assert _options(at) == [X]
    shown = render(at, "benchmark").text()
    assert "Peer 01" in shown and "Peer areas are anonymised" in shown
    assert not [a for a in AREAS[1:] if a in shown]  # no other area named, not even the one asked for


@pytest.mark.parametrize("name", ["scrx", "regional", "admin"])
def test_peers_are_named_only_for_a_role_over_every_area(name, world) -> None:
    at = open_as("app_pages/benchmark.py", token=world.tokens[name], sel_area=X, sel_cycle="2026")
    assert not at.exception
    shown = render(at, "benchmark").text()
    assert (Y in shown) == CROSS[name] and ("Peer 01" in shown) != CROSS[name]


# --- Finding 9: values a page did not offer are refused ------------------------------------------------------------


@pytest.mark.parametrize("accounts_exist", [False, True])
def test_a_crafted_area_and_cycle_on_self_assessment_create_nothing(accounts_exist, engine, catalogue) -> None:
    build(engine, catalogue) if accounts_exist else None
    if not accounts_exist:  # a single-user install with one partnership
        with session_scope(engine) as s:
            get_or_create_cycle(get_or_create_area(X, session=s), "2026", session=s)
    at = open_as("app_pages/assess.py", sel_area=X, sel_cycle="2026")
    start = [b for b in at.button if b.key == "assess_start"]
    if start:  # the crafted client sends its own area and cycle with the click
        at.selectbox(key="assess_pick_agency").set_value("police")
        at.selectbox(key="assess_pick_level").set_value("frontline")
        at.run()
        forge(at.selectbox(key="ctx_area"), "Rogue partnership")
        forge(at.selectbox(key="ctx_cycle"), "1999")
        at.button(key="assess_start").click().run()
        radios = [r for r in at.radio if (r.key or "").startswith("assess_opm_")]
        if radios:  # the walk opened: answer, as the attacker would
            radios[0].set_value(1).run()
    assert not at.exception
    with session_scope(engine) as s:
        assert not [n for n in s.scalars(select(Area.name)) if n.startswith("Rogue")]
        assert not s.scalar(select(Area.id).join(Area.cycles).where(Area.name == X).where(text("cycles.name = '1999'")))
    if start:  # the sidebar's chooser refused the forged values: whoever started, started in the area offered
        with session_scope(engine) as s:
            people = (
                select(Area.name)
                .join(Cycle, Cycle.area_id == Area.id)
                .join(Respondent, Respondent.cycle_id == Cycle.id)
            )
            assert set(s.scalars(people)) <= {X}
    else:  # signed out on an installation with accounts: only an invitation lets anyone in
        assert "by invitation" in texts(at)


def test_another_facilitators_workshop_cannot_be_revealed_or_closed(engine, world) -> None:
    mine, theirs = world.workshops["facx"], world.workshops["facy"]
    at = open_as("app_pages/workshop.py", token=world.tokens["facx"])
    assert list(at.selectbox(key="workshop_pick").options) == [_label(engine, mine)]
    forge(at.selectbox(key="workshop_pick"), theirs)  # the crafted pick and the click in one request
    at.button(key="workshop_reveal").click().run()
    assert not at.exception
    at.button(key="workshop_close").click().run()  # the dialog opens for the workshop on screen, their own
    forge(at.selectbox(key="workshop_pick"), theirs)
    at.button(key="workshop_close_yes").click().run()
    with session_scope(engine) as s:
        assert ws.find_workshop(theirs, session=s).status == "open"
    # The toolkit's own check, from the workshop's row: the owner and an administrator may, nobody else.
    facx, facy, admin = (world.identity(n, engine=engine) for n in ("facx", "facy", "admin"))
    with session_scope(engine) as s:
        for action in (ws.reveal, ws.close):
            with pytest.raises(AccessDenied):
                action(theirs, session=s, actor=facx)
        with pytest.raises(AccessDenied):
            ws.open_appraisal(theirs, True, session=s, actor=facx)
        with pytest.raises(AccessDenied):
            ws.reveal(theirs, session=s, actor=None)
        with pytest.raises(AccessDenied):  # nor a workshop for an area the facilitator is not a member of
            ws.create_workshop(Y, "2027", created_by="facx", session=s, actor=facx)
    with session_scope(engine) as s:
        assert ws.reveal(theirs, session=s, actor=facy).status == "revealed"
        assert ws.close(theirs, session=s, actor=admin).status == "closed"


def test_a_crafted_area_sent_with_a_save_changes_nothing_of_that_area(engine, world) -> None:
    """The page's callbacks act on the area as offered to the account, never as sent (here: the context form)."""
    at = open_as("app_pages/context.py", token=world.tokens["facx"], sel_area=X, sel_cycle="2026")
    at.text_input(key="ctx_tag_nation").input("Forged")
    forge(at.selectbox(key="ctx_area"), Y)
    next(b for b in at.button if b.label == "Save context").click().run()
    assert not at.exception and "not one of those offered" in texts(at)
    with session_scope(engine) as s:
        assert not (s.scalar(select(Area.tags).where(Area.name == Y)) or {}).get("nation")


def _label(engine, code: str) -> str:
    with session_scope(engine) as s:
        return ws.find_workshop(code, session=s).label


def test_a_crafted_benchmark_filter_or_measure_is_put_back(world) -> None:
    at = open_as("app_pages/benchmark.py", token=world.tokens["admin"], sel_area=X, sel_cycle="2026")
    forge(at.selectbox(key="bench_hist_key"), "no_such_measure")
    forge(at.selectbox(key="bench_f_nation"), "Atlantis")
    at.run()
    assert not at.exception
    assert at.session_state["bench_hist_key"] == "overall" and at.session_state["bench_f_nation"] == "any"


# --- Each role through the pages, the Account page and the command line --------------------------------------------


@pytest.mark.parametrize("name", list(ACCOUNTS))
def test_each_role_is_offered_its_own_areas_on_every_page(name, world) -> None:
    expect = {"facx": [X], "scrx": [X], "facy": [Y]}.get(name, sorted(AREAS))
    pages = ["results", "data", "benchmark", "theory_of_change", "start"]
    pages += {"facilitator": ["action_plan", "context", "interventions"], "scrutineer": ["scrutiny"]}.get(
        ACCOUNTS[name][0], []
    )
    for page in pages:
        at = open_as(f"app_pages/{page}.py", token=world.tokens[name])
        assert not at.exception, (name, page)
        assert _options(at) == expect, (name, page)
    data = open_as("app_pages/data.py", token=world.tokens[name], sel_area=expect[0], sel_cycle="2026")
    raw = {b.key for b in data.get("download_button") if not b.proto.disabled}
    assert ("data_dl_csv" in raw) == (name != "facy" or expect == [Y])


def test_an_administrator_manages_accounts_and_memberships_on_the_account_page(engine, world) -> None:
    at = open_as("app_pages/account.py", token=world.tokens["admin"])
    assert not at.exception and "Accounts and memberships" in texts(at)
    at.text_input(key="account_new_user").input("newscr")
    at.selectbox(key="account_new_role").set_value("scrutineer")
    at.multiselect(key="account_new_areas").set_value([Y])
    at.text_input(key="account_new_pw1").input(PW)
    at.text_input(key="account_new_pw2").input(PW)
    next(b for b in at.button if b.label == "Add account").click().run()
    assert "Account 'newscr' created." in shown(at)
    at.selectbox(key="account_grant_user").set_value("newscr")
    at.selectbox(key="account_grant_role").set_value("scrutineer")
    forge(at.selectbox(key="account_grant_area"), "Rogue partnership")  # not offered: refused
    next(b for b in at.button if b.label == "Give the role").click().run()
    assert "not offered" in shown(at)
    at.selectbox(key="account_grant_area").set_value(X)
    next(b for b in at.button if b.label == "Give the role").click().run()
    assert "newscr is now scrutineer for Northshire." in shown(at)
    at.selectbox(key="account_revoke_pick").set_value("newscr\x1fscrutineer\x1fSouthmoor")
    next(b for b in at.button if b.label == "Take the role away...").click().run()
    at.button(key="account_revoke_yes").click().run()  # the confirmation (tests/access/test_revoke_dialog.py)
    assert "no longer scrutineer for Southmoor" in shown(at)
    with session_scope(engine) as s:
        got = next(a for a in accounts(session=s) if a.username == "newscr")
        assert got.described == "scrutineer for Northshire"
        log = [e.action for e in entries(session=s) if e.target == "newscr"]
    assert {"account.create", "membership.grant", "membership.revoke"} <= set(log)
    for name in ("facx", "regional"):  # nobody else manages accounts
        assert "Accounts and memberships" not in texts(open_as("app_pages/account.py", token=world.tokens[name]))


def test_the_command_line_grants_lists_and_revokes_memberships(db_url, engine, world) -> None:
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "toolkit", "users", *args],
            input=stdin,
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )

    made = run("add", "--username", "clifac", "--role", "facilitator", "--area", X, "--password-stdin", stdin=PW)
    assert made.returncode == 0 and f"for {X}" in made.stdout, made.stderr
    assert run("grant", "--username", "clifac", "--role", "facilitator", "--area", Y).returncode == 0
    listed = run("list")
    line = next(x for x in listed.stdout.splitlines() if x.startswith("clifac"))
    assert f"facilitator for {X}" in line and f"facilitator for {Y}" in line
    assert run("revoke", "--username", "clifac", "--role", "facilitator", "--area", Y).returncode == 0
    bad = run("grant", "--username", "clifac", "--role", "facilitator", "--area", "Nowhere")
    assert bad.returncode == 1 and "no partnership called 'Nowhere'" in bad.stderr
    with session_scope(engine) as s:
        who = load(Identity("clifac", "facilitator"), session=s)
        assert set(areas_visible(who, "export_raw", s)) == {X}
        assert [e.actor for e in entries(session=s) if e.target == "clifac"] == ["cli"] * 3


def test_a_new_account_from_create_user_keeps_the_old_meaning(engine) -> None:
    """create_user without memberships gives the role for every area, as before (the quick start and old scripts)."""
    with session_scope(engine) as s:
        create_user("plain", PW, "facilitator", session=s)
        assert cross_area(load(Identity("plain", "facilitator"), session=s), "run_workshop")
