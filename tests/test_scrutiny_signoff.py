"""Sign-off of the yearly report by accounts: each partner signs under its own account and role, on a date (a blank
or future date is refused); a scrutineer writes the covering statement but cannot sign for a partner."""

from __future__ import annotations

from datetime import date

import pytest

from tests.test_scrutiny_challenges import AREA, CYCLE, TODAY  # the fixture
from tests.test_scrutiny_challenges import people as people
from toolkit.access.accounts import Identity, create_user
from toolkit.access.scope import AccessDenied, load
from toolkit.scrutiny import checklist, fields, summary
from toolkit.store.areas import find_area
from toolkit.store.audit import entries
from toolkit.store.models import Membership, ReportAssurance


def test_a_partner_signs_under_its_account_with_role_date_and_time(session, catalogue, people) -> None:
    bm, scrut = people["bm"], people["scrut"]
    where = {"session": session, "today": TODAY}
    with pytest.raises(fields.ScrutinyError, match="date of the sign-off is missing"):
        checklist.sign_off(AREA, CYCLE, "police", None, actor=bm, **where)
    with pytest.raises(fields.ScrutinyError, match="in the future"):
        checklist.sign_off(AREA, CYCLE, "police", date(2026, 6, 2), actor=bm, **where)
    with pytest.raises(AccessDenied, match="sign off the yearly report"):
        checklist.sign_off(AREA, CYCLE, "police", date(2026, 5, 1), actor=scrut, **where)
    with pytest.raises(AccessDenied):
        checklist.sign_off(AREA, CYCLE, "police", date(2026, 5, 1), actor=people["south"], **where)
    with pytest.raises(fields.ScrutinyError, match="partner must be"):
        checklist.sign_off(AREA, CYCLE, "education", date(2026, 5, 1), actor=bm, **where)
    checklist.sign_off(AREA, CYCLE, "police", date(2026, 5, 1), actor=bm, **where)
    with pytest.raises(fields.ScrutinyError, match="already signed for Police"):
        checklist.sign_off(AREA, CYCLE, "health", date(2026, 5, 1), actor=bm, **where)
    # A second member of the partnership signs for health.
    user = create_user("icb", "a long enough password", "facilitator", session=session, all_areas=False)
    session.add(Membership(user_id=user.id, area_id=find_area(AREA, session=session).id, role="facilitator"))
    session.flush()
    icb = load(Identity("icb", "facilitator"), session=session)
    checklist.sign_off(AREA, CYCLE, "health", date(2026, 5, 3), actor=icb, **where)
    got = checklist.assurance(AREA, CYCLE, session=session)["signoffs"]
    assert {p: (s["by"], s["role"], s["on"]) for p, s in got.items()} == {
        "police": ("bm", "facilitator", "2026-05-01"),
        "health": ("icb", "facilitator", "2026-05-03"),
    }
    assert all(s["at"] for s in got.values())
    assert checklist.signed_in_words(got["police"]).startswith("bm (facilitator), dated 2026-05-01, recorded ")
    checklist.withdraw_sign_off(AREA, CYCLE, "health", actor=icb, session=session)
    with pytest.raises(AccessDenied):
        checklist.withdraw_sign_off(AREA, CYCLE, "police", actor=scrut, session=session)
    assert [e.action for e in entries(session=session)][:3] == ["sign_off_withdrawn", "sign_off", "sign_off"]
    # The statement is the scrutineer's, under their account; a member cannot write it.
    with pytest.raises(AccessDenied):
        checklist.set_statement(AREA, CYCLE, "Sound.", actor=bm, session=session)
    checklist.set_statement(AREA, CYCLE, "Sound.", actor=scrut, session=session)
    tables = summary.summary(AREA, CYCLE, session=session, cat=catalogue, analysis=None, today=TODAY)
    sign = tables["sign-off and statement"].set_index("partner")
    assert (sign.loc["Police", "signed_by"], sign.loc["Police", "role"], sign.loc["Police", "signed_on"]) == (
        "bm",
        "facilitator",
        "2026-05-01",
    )
    assert sign.loc["Police", "recorded_at"].endswith("UTC") and sign.loc["Health", "signed_by"] == ""
    assert sign.loc["Independent scrutineer's statement", "signed_by"] == "scrut"
    chk = tables["yearly report checklist"].set_index("point")
    text = chk.loc["Signed off by the three safeguarding partners", "toolkit_evidence"]
    assert "Police: bm (facilitator), dated 2026-05-01" in text and "waiting for Local authority, Health" in text


def test_a_typed_sign_off_from_before_accounts_says_so(session, people) -> None:
    checklist.sign_off(AREA, CYCLE, "police", date(2026, 5, 1), actor=people["bm"], session=session, today=TODAY)
    row = session.query(ReportAssurance).one()
    row.signoffs = {"local_authority": {"by": "Chief Executive", "on": ""}}  # as stored before migration 0014
    session.flush()
    got = checklist.assurance(AREA, CYCLE, session=session)["signoffs"]["local_authority"]
    assert checklist.signed_in_words(got) == (
        "Chief Executive (a typed name from before sign-off by account; dated no date)"
    )
