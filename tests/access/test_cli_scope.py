"""The command line acts as someone (issue 13, contracts section 7): once accounts exist, every command that reads or
writes an area's record names an account with --as and its password, and does only what that account's memberships
allow, through the same checks as the pages; the audit log names the account. `users` stays the operator's (see
toolkit/cli/acting.py for why)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.access.world import AREAS, PW, X, Y, build
from tests.bad_input.helpers import db_state, opm_items, row, to_csv
from toolkit.cli.main import main
from toolkit.store.audit import entries
from toolkit.store.db import session_scope
from toolkit.store.models import Respondent

ROOT = Path(__file__).resolve().parents[2]
CYCLE = "2026"


@pytest.fixture
def world(engine, catalogue):
    return build(engine, catalogue)


@pytest.fixture
def cli(world, monkeypatch, capsys):
    """Run a command as an account (its password in TOOLKIT_PASSWORD): (exit code, stdout, stderr)."""

    def run(*args: str, password: str | None = PW) -> tuple[int, str, str]:
        if password is None:
            monkeypatch.delenv("TOOLKIT_PASSWORD", raising=False)
        else:
            monkeypatch.setenv("TOOLKIT_PASSWORD", password)
        capsys.readouterr()
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def _record(engine) -> dict[str, list[str]]:
    """Every table but the sign-in throttle (a refused --as counts as a sign-in attempt, like the sign-in page)."""
    state = db_state(engine)
    state.pop("sign_in_throttle")
    return state


def test_once_accounts_exist_a_command_says_whose_account_it_acts_for(cli, engine) -> None:
    before = _record(engine)
    code, out, err = cli("analyse", "--area", X, "--cycle", CYCLE)
    assert code == 1 and not out and "--as USERNAME" in err and "TOOLKIT_PASSWORD" in err
    wrong = cli("analyse", "--area", X, "--cycle", CYCLE, "--as", "scrx", password="not the password")
    unknown = cli("analyse", "--area", X, "--cycle", CYCLE, "--as", "nobody", password="not the password")
    assert wrong[0] == unknown[0] == 1 and not wrong[1] and not unknown[1]
    assert "Wrong username or password." in wrong[2] and "Wrong username or password." in unknown[2]  # no tell
    for command in (["export", "--area", X, "--format", "csv", "-o", "x.csv"], ["audit"], ["areas"]):
        assert cli(*command, "--as", "scrx", password="not the password")[0] == 1
    assert _record(engine) == before


def test_a_scrutineer_of_one_area_cannot_export_another_from_the_command_line(cli, engine, tmp_path) -> None:
    for fmt in ("csv", "json", "bundle"):
        theirs = tmp_path / f"y.{fmt}"
        code, out, err = cli("export", "--area", Y, "--format", fmt, "-o", str(theirs), "--as", "scrx")
        assert code == 1 and not theirs.exists() and not out, fmt
        assert "cannot export the raw ratings for that partnership" in err
        mine = tmp_path / f"x.{fmt}"
        assert cli("export", "--area", X, "--format", fmt, "-o", str(mine), "--as", "scrx")[0] == 0
        assert X.encode() in mine.read_bytes() and Y.encode() not in mine.read_bytes()
    # A role for every area exports any area.
    assert cli("export", "--area", Y, "--format", "csv", "-o", str(tmp_path / "r.csv"), "--as", "regional")[0] == 0


def test_results_and_reports_of_another_area_are_refused(cli, tmp_path) -> None:
    for command in (["analyse", "--json"], ["suggest", "--json"]):
        code, out, err = cli(command[0], "--area", Y, "--cycle", CYCLE, command[1], "--as", "facx")
        assert code == 1 and not out and "cannot see the results for that partnership" in err
        code, out, _ = cli(command[0], "--area", X, "--cycle", CYCLE, command[1], "--as", "facx")
        assert code == 0 and json.loads(out)
    report = tmp_path / "y.md"
    assert cli("report", "--area", Y, "--cycle", CYCLE, "--format", "md", "-o", str(report), "--as", "scrx")[0] == 1
    assert not report.exists()


def test_an_import_into_another_area_writes_nothing_and_ones_own_is_audited_by_name(
    cli, engine, catalogue, tmp_path
) -> None:
    o = opm_items(catalogue)
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes(to_csv([row(o[0], "5", area=X, respondent="mine"), row(o[0], "1", area=Y, respondent="intr")]))
    before = _record(engine)
    code, _, err = cli("import", str(mixed), "--as", "facx")
    assert code == 1 and "nothing was imported" in err and "cannot import ratings for that partnership" in err
    assert _record(engine) == before  # not even the rows for the account's own area
    scrutineer = cli("import", str(mixed), "--as", "scrx")  # a scrutineer imports nothing, anywhere
    assert scrutineer[0] == 1 and _record(engine) == before
    own = tmp_path / "own.csv"
    own.write_bytes(to_csv([row(o[0], "5", area=X, respondent="mine")]))
    assert cli("import", str(own), "--as", "facx")[0] == 0
    with session_scope(engine) as s:
        assert "mine" in set(s.scalars(select(Respondent.pseudonym))) and "intr" not in set(
            s.scalars(select(Respondent.pseudonym))
        )
        assert [e.actor for e in entries(session=s, action="import")][:1] == ["facx"]


def test_a_bundle_of_a_new_area_is_imported_only_by_a_role_for_every_area(cli, engine, tmp_path) -> None:
    bundle, other = tmp_path / "x.json", AREAS[2]  # an area without workshops (their codes are unique)
    assert cli("export", "--area", other, "--format", "bundle", "-o", str(bundle), "--as", "admin")[0] == 0
    renamed = tmp_path / "new.json"
    renamed.write_text(bundle.read_text(encoding="utf-8").replace(f'"{other}"', '"Newfield"'), encoding="utf-8")
    code, _, err = cli("import", str(renamed), "--as", "facx")
    assert code == 1 and "for every partnership" in err
    done = cli("import", str(renamed), "--as", "admin")
    assert done[0] == 0, done[2]
    with session_scope(engine) as s:
        assert [e.actor for e in entries(session=s, action="bundle_import")] == ["admin"]


def test_a_member_of_named_areas_sees_only_their_own_areas_in_the_benchmark(cli) -> None:
    code, out, _ = cli("benchmark", "--cycle", CYCLE, "--json", "--as", "scrx")
    assert code == 0
    doc = json.loads(out)
    assert [a["area"] for a in doc["areas"]] == [X]
    assert doc["areas"][0]["by_stage"]["consider"]["peer"]["areas"] == len(AREAS) - 1  # the others count, as peers
    assert not any(name in out for name in AREAS if name != X)
    text = cli("benchmark", "--cycle", CYCLE, "--as", "facy")[1]
    assert Y in text and X not in text and "Only your own areas are listed" in text
    every = json.loads(cli("benchmark", "--cycle", CYCLE, "--json", "--as", "regional")[1])
    assert sorted(a["area"] for a in every["areas"]) == sorted(AREAS)


def test_the_audit_log_backup_and_area_list_follow_the_account(cli, tmp_path) -> None:
    code, out, err = cli("audit", "--as", "facx")
    assert code == 1 and not out and "cannot manage accounts" in err
    assert cli("audit", "--as", "admin")[0] == 0
    copy = tmp_path / "backup.jsonl.gz"
    assert cli("backup", "-o", str(copy), "--as", "regional")[0] == 1 and not copy.exists()
    assert cli("backup", "-o", str(copy), "--as", "admin")[0] == 0 and copy.exists()
    code, out, _ = cli("areas", "--json", "--as", "facy")
    assert code == 0 and [a["area"] for a in json.loads(out)] == [Y]
    assert sorted(a["area"] for a in json.loads(cli("areas", "--json", "--as", "admin")[1])) == sorted(AREAS)


def test_the_password_can_be_piped_in(cli, monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("TOOLKIT_PASSWORD", raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(PW + "\n"))
    code, out, _ = cli("areas", "--as", "facx", "--password-stdin", password=None)
    assert code == 0 and X in out and Y not in out
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # no terminal and no password: told how to give one
    code, _, err = cli("areas", "--as", "facx", password=None)
    assert code == 1 and "--password-stdin" in err


def test_without_accounts_the_operator_needs_no_account(db_url, capsys) -> None:
    assert main(["areas"]) == 0
    assert main(["areas", "--as", "someone"]) == 1
    assert "no accounts yet" in capsys.readouterr().err


def test_python_m_toolkit_refuses_another_areas_export(world, db_url, tmp_path) -> None:
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}
    env.pop("TOOLKIT_PASSWORD", None)
    out = tmp_path / "y.csv"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "toolkit",
            "export",
            "--area",
            Y,
            "--format",
            "csv",
            "-o",
            str(out),
            "--as",
            "scrx",
            "--password-stdin",
        ],
        input=PW + "\n",
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1 and "cannot export the raw ratings" in done.stderr and not out.exists()
    assert "Traceback" not in done.stderr
