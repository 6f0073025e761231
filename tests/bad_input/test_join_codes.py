"""Bad workshop join codes: each gets a message that says what to do, and nobody joins (nothing is written).

Adds to tests/test_workshop.py (empty, too short, nine characters, 0/O and 1 in a code, an unknown code) and
tests/test_page_join.py (a mistyped, unknown or closed code on the page).
"""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from tests.bad_input.helpers import SQL, db_state
from toolkit import workshops as ws
from toolkit.store.db import session_scope

CASES = [
    ("whitespace-only", "   \t ", "Type the join code"),
    ("ten-thousand-chars", "ABCD" * 2500, "has 8 characters; that one has 10000"),
    ("lower-case-l", "abcdefgl", "never contain 'L'"),
    ("cyrillic-lookalikes", "\u0410\u0412\u0421DEFGH", "another alphabet"),
    ("emoji", "\U0001f600" * 8, "never contain"),
    ("sql-injection", "' OR 1=1 --", "that one has 6"),
    ("sql-injection-8-chars", "AB'OR'1'", 'never contain "\'"'),
    ("sql-statement", SQL, "has 8 characters"),
    ("nul-byte", "ABCD\x00EFG", "never contain '\\x00'"),
    ("html", "<b>ABCD</b>", "has 8 characters"),
    ("unknown-but-well-formed", "ZZZZ-ZZZZ", "No workshop has the code ZZZZ-ZZZZ"),
]


@pytest.fixture
def open_workshop(engine):
    with session_scope(engine) as s:
        return ws.create_workshop("Northshire", "2026", created_by="facil", session=s).code


@pytest.mark.parametrize(("typed", "says"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_bad_code_is_refused_with_a_message_and_nobody_joins(typed, says, engine, open_workshop) -> None:
    before = db_state(engine)
    started = time.process_time()
    with session_scope(engine) as s, pytest.raises(ws.JoinError) as caught:
        ws.join(typed, "police", "frontline", "Sam", session=s)
    assert says in str(caught.value)
    assert "Traceback" not in str(caught.value) and len(str(caught.value)) < 400  # a message, not a dump of the input
    assert time.process_time() - started < 5
    assert db_state(engine) == before


def test_a_closed_workshop_cannot_be_joined_and_nothing_is_written(engine, open_workshop) -> None:
    with session_scope(engine) as s:
        ws.close(open_workshop, session=s)
    before = db_state(engine)
    with session_scope(engine) as s, pytest.raises(ws.JoinError, match="has closed, so it cannot be joined"):
        ws.join(open_workshop.lower(), "police", "frontline", session=s)
    assert db_state(engine) == before


@pytest.mark.parametrize(
    "variant",
    [
        lambda c: f"{c[:4]}\u2013{c[4:]}",  # an en dash from a word processor's autocorrect
        lambda c: f"{c[:4]}\u200b{c[4:]}",  # a zero-width space from a chat app
        lambda c: "".join(chr(ord(ch) + 0xFEE0) for ch in c),  # a phone keyboard's full-width letters
    ],
    ids=["en-dash", "zero-width-space", "full-width"],
)
def test_a_code_pasted_with_invisible_or_wide_characters_still_joins(variant, engine, open_workshop) -> None:
    with session_scope(engine) as s:
        p = ws.join(variant(open_workshop), "police", "frontline", session=s)
    with session_scope(engine) as s:
        assert ws.resume_participant(open_workshop, p.secret, session=s) == replace(p, secret="")
