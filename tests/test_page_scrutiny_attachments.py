"""AppTest: on the Scrutiny page a scrutineer attaches a link to a note, lists it, withdraws it; a note id the page
did not offer is refused."""

from __future__ import annotations

from datetime import date

from tests.pages import ASHVALE
from tests.test_page_scrutiny import button, scrutiny_page, seeded  # noqa: F401 - the fixture
from toolkit.scrutiny import attachments, evidence
from toolkit.store.db import session_scope


def _log_note(at):
    at.text_area(key="scr_note").input("Board minutes of March show the plan was agreed.")
    at.date_input(key="scr_date").set_value(date(2026, 3, 4))
    button(at, "Log evidence").click().run()
    [note] = at.session_state["scr_attachable"]
    return note


def test_a_scrutineer_attaches_and_withdraws_a_link_and_the_view_stays(seeded) -> None:  # noqa: F811
    at = scrutiny_page()
    note = _log_note(at)
    at.selectbox(key="scr_a_pick").set_value(note["id"])
    at.text_input(key="scr_a_url").input("https://example.org/board-minutes-march")
    at.text_input(key="scr_a_title").input("Board minutes, March")
    button(at, "Attach the link").click().run()
    assert not at.exception and "Link attached." in [s.value for s in at.success]
    assert at.text_input(key="scr_a_url").value == ""
    att = next(d.value for d in at.dataframe if "kind" in d.value.columns)
    assert list(att["link"]) == ["https://example.org/board-minutes-march"]
    assert list(att["added_by"]) == ["scrutineer"]
    [a] = at.session_state["scr_files"]
    at.selectbox(key="scr_a_w_pick").set_value(a["id"])
    at.text_input(key="scr_a_w_reason").input("Superseded by the signed copy.")
    button(at, "Withdraw the attachment").click().run()
    assert not at.exception and "Attachment withdrawn." in [s.value for s in at.success]
    assert at.session_state["scr_tab"] == "Evidence log"
    with session_scope() as s:
        [got] = attachments.attachments(ASHVALE, "2026", session=s)
        [e] = evidence.evidence_log(ASHVALE, "2026", session=s)
    assert got["withdrawn_by"] == "scrutineer"
    assert [h["action"] for h in e["history"]] == ["logged", "attached", "attachment withdrawn"]


def test_a_bad_link_or_a_note_not_offered_is_refused_and_nothing_is_saved(seeded) -> None:  # noqa: F811
    at = scrutiny_page()
    note = _log_note(at)
    at.selectbox(key="scr_a_pick").set_value(note["id"])
    at.text_input(key="scr_a_url").input("javascript:alert(1)")
    button(at, "Attach the link").click().run()
    assert any("http://" in e.value for e in at.error)
    at.text_input(key="scr_a_url").input("https://example.org/x")
    at.session_state["scr_attachable"] = []  # the page offered no note (as for a closed challenge): the id is refused
    button(at, "Attach the link").click().run()
    assert any("not offered" in e.value for e in at.error)
    with session_scope() as s:
        assert attachments.attachments(ASHVALE, "2026", session=s) == []


def test_a_member_without_a_challenge_has_nothing_to_attach_to(seeded) -> None:  # noqa: F811
    at = scrutiny_page()
    _log_note(at)  # a supporting note: the partnership attaches only to challenges
    at = scrutiny_page("facilitator")
    assert not at.exception and at.session_state["scr_attachable"] == []
    assert not [b for b in at.button if b.label == "Attach the link"]


def test_the_export_view_offers_the_statement_in_three_formats(seeded) -> None:  # noqa: F811
    at = scrutiny_page(scr_tab="Export")
    assert not at.exception
    labels = [e.proto.label for e in at.get("download_button")]
    assert {"Statement (PDF)", "Statement (Word (.docx))", "Statement (Markdown (.zip))"} <= set(labels)


def test_a_scrutineer_carries_last_cycles_open_challenge_and_sees_judgements_change(seeded, catalogue) -> None:  # noqa: F811
    from toolkit.access.scope import LOCAL
    from toolkit.scrutiny import validation

    with session_scope() as s:
        evidence.log_evidence(
            ASHVALE,
            "2025",
            note="Schools absent from the board",
            source="meeting",
            seen_on=date(2025, 5, 1),
            judgement="challenges",
            link="stage:communicate",
            owner="local",
            due_on=date(2099, 1, 1),
            actor=LOCAL,
            session=s,
            cat=catalogue,
        )
        validation.set_validation(ASHVALE, "2025", "stage:consider", "validated", actor=LOCAL, session=s, cat=catalogue)
    at = scrutiny_page()
    assert at.session_state["scr_carry"] == {"from": "2025", "challenges": 1, "evidence": 0}
    button(at, "Carry forward from 2025").click().run()
    assert not at.exception and any("Carried forward" in x.value for x in at.success)
    log = at.dataframe[0].value
    assert list(log["note"]) == ["Schools absent from the board"] and log.iloc[0]["carried"].startswith("from 2025")
    assert not [b for b in at.button if b.label == "Carry forward from 2025"]  # nothing is left to carry
    at.session_state["scr_tab"] = "Self-rating and validation"
    at.run()
    change = {r["about"]: r for r in at.session_state["scr_change"]}
    assert change["Stage: Consider"]["then"] == "Validated" and change["Stage: Consider"]["now"] == "Self-assessed"
    assert change["Stage: Communicate"]["now"] == "Challenged"


def test_a_member_is_not_offered_the_carry_forward(seeded) -> None:  # noqa: F811
    at = scrutiny_page("facilitator")
    assert not at.exception and not [b for b in at.button if b.label.startswith("Carry forward")]
