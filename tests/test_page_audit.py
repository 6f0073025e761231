"""AppTest: administrators read the audit log in the app; other roles and signed-out visitors do not."""

from __future__ import annotations

import pytest

from tests.pages import open_page, texts
from toolkit.access.accounts import authenticate, create_user, start_session
from toolkit.store.areas import get_or_create_area
from toolkit.store.audit import record
from toolkit.store.db import session_scope

PW = "a long enough password"


@pytest.fixture
def tokens(db_url) -> dict[str, str]:
    out = {}
    with session_scope() as s:
        for name, role in (("admin1", "administrator"), ("facil", "facilitator"), ("scrut", "scrutineer")):
            create_user(name, PW, role, session=s)
            out[role] = start_session(authenticate(name, PW, session=s), session=s)
        north = get_or_create_area("Northshire", session=s)
        south = get_or_create_area("Southshire", session=s)
        record("bundle_import", actor="admin1", session=s, area_id=north.id, target="Northshire", after={"ratings": 9})
        record("trainer_reset", actor="facil", session=s, area_id=south.id, target="Southshire", before={"ratings": 3})
    return out


def test_an_administrator_reads_and_filters_the_log(tokens) -> None:
    at = open_page("app_pages/audit.py", auth_token=tokens["administrator"])
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["Action"]) == ["trainer_reset", "bundle_import"]
    assert list(table["Area"]) == ["Southshire", "Northshire"]
    assert '"ratings": 9' in table["Change"].iloc[1]
    at.selectbox(key="audit_area").set_value("Northshire").run()
    assert list(at.dataframe[0].value["Who"]) == ["admin1"]
    at.selectbox(key="audit_area").set_value("(all)").run()
    at.selectbox(key="audit_action").set_value("trainer_reset").run()
    assert list(at.dataframe[0].value["Area"]) == ["Southshire"]


@pytest.mark.parametrize("role", ["facilitator", "scrutineer", None])
def test_no_one_else_reads_it(tokens, role) -> None:
    at = open_page("app_pages/audit.py", **({"auth_token": tokens[role]} if role else {}))
    assert not at.exception
    assert not at.dataframe
    shown = texts(at)
    assert "bundle_import" not in shown and "trainer_reset" not in shown
    assert ("cannot use the audit log" in shown) if role else ("Sign in to use the audit log" in shown)
