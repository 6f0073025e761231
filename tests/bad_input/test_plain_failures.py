"""No raw exception reaches a person: a report that cannot be drawn or laid out, a write refused because another
writer got there first, a path that cannot be written, a fault in the toolkit itself. Each is said in words that
name what to do, at the command line (exit code, stderr, no traceback, never "unexpected X") and on a page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import vl_convert
from sqlalchemy.orm import Session

from tests.bad_input.helpers import good_rows, row, to_csv
from toolkit.access.accounts import create_user
from toolkit.capture.ratings_import import import_ratings
from toolkit.cli import main as cli
from toolkit.store.db import session_scope

VL_FAILURE = "Vega-Lite to PNG conversion failed:\nSVG has an invalid size"


@pytest.fixture
def rated(engine, catalogue):
    rows = [row(it.id, "3", respondent=f"r{k}") for k in range(3) for it in catalogue.get("opm").items[:6]]
    with session_scope(engine) as s:
        import_ratings(to_csv(rows + good_rows(catalogue)[2:]), "r.csv", session=s, catalogue=catalogue)
    return engine


def _run(capsys, *argv: str) -> tuple[int, str]:
    rc = cli.main(list(argv))
    return rc, capsys.readouterr().err


def _plain(err: str) -> None:
    assert err.startswith("error: ") and "Traceback" not in err and "unexpected" not in err, err


def _vl_fails(*_a, **_k):
    raise ValueError(VL_FAILURE)


@pytest.mark.parametrize("fmt", ["pdf", "docx", "md"])
def test_a_figure_that_cannot_be_drawn_is_named_at_the_command_line(rated, tmp_path, capsys, monkeypatch, fmt):
    monkeypatch.setattr(vl_convert, "vegalite_to_png", _vl_fails)
    out = tmp_path / f"r.{fmt}"
    rc, err = _run(capsys, "report", "--area", "Northshire", "--cycle", "2026", "--format", fmt, "-o", str(out))
    assert rc == 1, err
    _plain(err)
    assert "the figure 'opm_heatmap' could not be drawn (Vega-Lite to PNG conversion failed: SVG has" in err
    assert "Nothing in your data needs changing" in err and not out.exists()


def test_a_report_format_that_cannot_be_laid_out_is_named(rated, tmp_path, capsys, monkeypatch) -> None:
    from toolkit.reports import render

    def too_large(_report):
        raise RuntimeError("Flowable <Table@0x7f> too large on page 3 in frame 'normal'")

    monkeypatch.setattr(render, "render_pdf", too_large)
    rc, err = _run(
        capsys, "report", "--area", "Northshire", "--cycle", "2026", "--format", "pdf", "-o", str(tmp_path / "r.pdf")
    )
    assert rc == 1, err
    _plain(err)
    assert "the PDF file could not be laid out (RuntimeError: Flowable <Table@0x7f> too large on page 3" in err


def test_a_figure_that_cannot_be_drawn_is_said_on_the_data_page(rated, monkeypatch) -> None:
    from tests.pages import open_page

    at = open_page("app_pages/data.py", sel_area="Northshire", sel_cycle="2026")
    assert not at.exception, [e.value for e in at.exception]
    monkeypatch.setattr(vl_convert, "vegalite_to_png", _vl_fails)
    at.button(key="data_report_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    errors = "\n".join(e.value for e in at.error)
    assert "The report could not be made" in errors and "opm\\_heatmap" in errors, errors


def test_a_concurrent_write_outside_import_is_a_plain_message(engine, capsys, monkeypatch) -> None:
    """Two `users add` of one name at once: both see no such account, the second one's insert is refused."""
    with session_scope(engine) as s:
        create_user("ann", "a long enough password", "facilitator", session=s)
    real = Session.scalar
    looked = []

    def not_yet(self, stmt, *a, **k):  # the other writer's account was not committed when this one looked
        if not looked and "users" in str(stmt):
            looked.append(stmt)
            return None
        return real(self, stmt, *a, **k)

    monkeypatch.setattr(Session, "scalar", not_yet)
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("another long password\n"))
    rc, err = _run(capsys, "users", "add", "--username", "ann", "--role", "scrutineer", "--password-stdin")
    assert looked, "the duplicate check ran"
    assert rc == 1, err
    _plain(err)
    assert "changed the same records at the same moment" in err and "Run the command again" in err
    assert "INSERT" not in err and "[SQL:" not in err  # no SQL dump


def test_a_concurrent_write_on_a_page_is_a_plain_message() -> None:
    from streamlit.testing.v1 import AppTest

    def page() -> None:
        from sqlalchemy.exc import IntegrityError

        from ui.resources import guarded

        with guarded():
            raise IntegrityError("INSERT INTO shortlist ...", {}, Exception("UNIQUE constraint failed"))

    at = AppTest.from_function(page, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    from ui.resources import CLASH

    assert [e.value for e in at.error] == [CLASH]


def test_a_path_that_cannot_be_written_is_named(rated, tmp_path: Path, capsys) -> None:
    folder = tmp_path / "already_a_folder.csv"
    folder.mkdir()
    rc, err = _run(capsys, "export", "--area", "Northshire", "--cycle", "2026", "--format", "csv", "-o", str(folder))
    assert rc == 1, err
    _plain(err)
    assert str(folder) in err and "Is a directory" in err


def test_a_fault_in_the_toolkit_says_what_to_send_not_unexpected(capsys, monkeypatch) -> None:
    def broken(_args) -> None:
        raise KeyError("stage")

    monkeypatch.delenv("TOOLKIT_DEBUG", raising=False)
    monkeypatch.setattr(cli, "cmd_frameworks", broken)
    rc, err = _run(capsys, "frameworks")
    assert rc == 3, err
    _plain(err)
    assert "fault in the toolkit (KeyError: 'stage')" in err and "TOOLKIT_DEBUG=1" in err
