"""Bad or forged URL query parameters (?k=, ?r=, ?area=, ?cycle= on the self-assessment; ?w=, ?k=, ?p= on the join
page). A pseudonym (?r=, ?p=) is a label shown to facilitators and in exports: it opens nothing.

Opened through AppTest as a browser would open the link: no traceback, a plain message where one is due, nobody
else's answers or comments shown, and nothing written.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.bad_input.helpers import SCRIPT, db_state, opm_items, row, to_csv
from tests.pages import APP, texts
from toolkit import workshops as ws
from toolkit.capture.ratings_import import import_ratings
from toolkit.store.db import session_scope

SECRET = "Only I, the police lead in Ashby, saw the referral sit for a week"


def open_link(page: str, query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.switch_page(page)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    return at


def everything_shown(at: AppTest) -> str:
    """Text of the page plus every widget's current value (a resumed form would hold the comment)."""
    values = [str(w.value) for kind in ("text_input", "text_area", "radio", "selectbox") for w in getattr(at, kind)]
    return texts(at) + "\n" + "\n".join(values) + "\n" + repr({k: at.session_state[k] for k in at.session_state})


@pytest.fixture
def victim(engine, catalogue):
    """Two respondents: r1 imported from a file (a guessable id), and one who used the self-assessment link."""
    o = opm_items(catalogue)
    with session_scope(engine) as s:
        import_ratings(
            to_csv([row(o[0], "1", respondent="r1", comment=SECRET)]), "survey.csv", session=s, catalogue=catalogue
        )
    from toolkit.capture.assessment import answer_as, start_respondent
    from toolkit.store.areas import get_or_create_area, get_or_create_cycle

    item = catalogue.opm.items[0]
    with session_scope(engine) as s:
        get_or_create_cycle(get_or_create_area("Northshire", session=s), "2026", session=s)
        me = start_respondent("Northshire", "2026", "health", item.level or "frontline", invitation=None, session=s)
        answer_as(me.secret, "opm", item.id, 2, SECRET + " (linked)", session=s, cat=catalogue)
    return me


def _forged(secret: str) -> str:
    return secret[:-1] + ("A" if secret[-1] != "A" else "B")


ASSESS_LINKS = [
    ("guessable-imported-id", lambda me: {"r": "r1", "area": "Northshire", "cycle": "2026"}),
    ("the-real-pseudonym", lambda me: {"r": me.pseudonym, "area": "Northshire", "cycle": "2026"}),
    ("pseudonym-as-key", lambda me: {"k": me.pseudonym}),
    ("one-character-changed", lambda me: {"k": _forged(me.secret)}),
    ("nul-bytes", lambda me: {"k": "\x00" * 32, "r": "r-\x00\x00\x00\x00\x00\x00\x00\x00", "area": "N\x00"}),
    ("huge-values", lambda me: {"k": "x" * 50_000, "r": "r-" + "x" * 50_000, "area": "N" * 50_000}),
    ("html-in-every-param", lambda me: {"k": SCRIPT, "r": SCRIPT, "area": SCRIPT, "cycle": SCRIPT}),
]


@pytest.mark.parametrize("query", [c[1] for c in ASSESS_LINKS], ids=[c[0] for c in ASSESS_LINKS])
def test_a_forged_self_assessment_link_opens_nobody_elses_answers(query, engine, victim) -> None:
    before = db_state(engine)
    at = open_link("app_pages/assess.py", query(victim))
    assert not at.exception, [e.value for e in at.exception]
    shown = everything_shown(at)
    assert SECRET not in shown
    assert at.session_state["assess_respondent"] is None  # the walk did not start as anybody
    assert any(b.label == "Start" for b in at.button)  # the page offers a fresh start instead
    assert db_state(engine) == before


def test_the_real_link_still_resumes_its_own_answers(engine, victim) -> None:
    at = open_link("app_pages/assess.py", {"k": victim.secret})
    assert not at.exception
    assert at.session_state["assess_respondent"] == victim.pseudonym
    assert SECRET + " (linked)" in everything_shown(at)


@pytest.fixture
def room(engine):
    with session_scope(engine) as s:
        w = ws.create_workshop("Northshire", "2026", created_by="facil", session=s)
        other = ws.create_workshop("Southdale", "2026", created_by="facil", session=s)
        p = ws.join(w.code, "police", "frontline", "Sam", session=s)
        q = ws.join(other.code, "health", "frontline", "Kim", session=s)
    return w.code, p, q


JOIN_LINKS = [
    ("garbage-code", lambda w, p, q: {"w": "garbage!!"}, "A join code has 8 characters"),
    ("huge-code", lambda w, p, q: {"w": "A" * 20_000}, "that one has 20000"),
    ("html-code", lambda w, p, q: {"w": SCRIPT}, "A join code has 8 characters"),
    ("forged-participant", lambda w, p, q: {"w": w, "k": "A" * 32}, "could not find your place"),
    ("participant-of-another-room", lambda w, p, q: {"w": w, "k": q.secret}, "could not find your place"),
    ("the-real-pseudonym", lambda w, p, q: {"w": w, "p": p.pseudonym}, "opens nobody's answers"),
    ("pseudonym-as-key", lambda w, p, q: {"w": w, "k": p.pseudonym}, "could not find your place"),
    ("nul-bytes", lambda w, p, q: {"w": "\x00", "k": "\x00"}, "could not find your place"),
    ("sql-in-both", lambda w, p, q: {"w": "' OR 1=1 --", "k": "' OR '1'='1"}, "could not find your place"),
]


@pytest.mark.parametrize(("query", "says"), [c[1:] for c in JOIN_LINKS], ids=[c[0] for c in JOIN_LINKS])
def test_a_bad_join_link_says_what_to_do_and_joins_nobody(query, says, engine, room) -> None:
    before = db_state(engine)
    at = open_link("app_pages/join.py", query(*room))
    assert not at.exception, [e.value for e in at.exception]
    assert says in "\n".join(e.value for e in at.error)
    assert at.session_state["join_pseudonym"] is None
    assert db_state(engine) == before
