"""Workshops: join codes, joining, the submit path, closing, live status, reveal gating and anonymity."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace

import pytest
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from tests.published import counted
from toolkit import workshops as ws
from toolkit.analysis.config import Config
from toolkit.capture.assessment import AnswerError, submit_answer
from toolkit.core import ids
from toolkit.store.models import Rating, RatingHistory, Respondent, Workshop, WorkshopParticipant
from toolkit.store.plans import shortlist_add
from toolkit.workshops import (
    ALPHABET,
    CODE_LEN,
    JoinError,
    WorkshopClosed,
    code_problem,
    create_workshop,
    find_participant,
    find_workshop,
    format_code,
    join,
    join_link,
    new_code,
    normalise_code,
)

CFG = Config(min_group_size=3)


def _answer_all(w, p, cat, session, score: int | None = 3) -> int:
    n = 0
    for step in ws.steps_for(w, p.level, cat):
        for item in step.items:
            ws.submit(w.code, p.pseudonym, step.framework, item.id, score, session=session, cat=cat)
            n += 1
    return n


def _small_counts(obj, min_n: int, path: str = "") -> Iterator[str]:
    """Every count in a view that is above zero but under min_n (a group that should have been suppressed)."""
    if isinstance(obj, BaseModel):
        obj = obj.model_dump()
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in ("n", "n_a", "n_b", "raters") and isinstance(v, int) and 0 < v < min_n:
                yield f"{path}.{k}={v}"
            else:
                yield from _small_counts(v, min_n, f"{path}.{k}")
    elif isinstance(obj, list | tuple):
        for k, v in enumerate(obj):
            yield from _small_counts(v, min_n, f"{path}[{k}]")


# ---- codes -----------------------------------------------------------------------------------


def test_codes_are_short_unambiguous_and_drawn_from_a_large_space() -> None:
    codes = {new_code() for _ in range(5000)}
    assert len(codes) == 5000  # no repeats in 5000 draws from 31^8
    assert all(len(c) == CODE_LEN and set(c) <= set(ALPHABET) for c in codes)
    assert not set("IL01O") & set(ALPHABET)
    assert len(ALPHABET) ** CODE_LEN > 8e11  # about 40 bits: guessing an open code is hopeless
    # every character position uses the whole alphabet (drawn with `secrets`, not a counter or a clock)
    for pos in range(CODE_LEN):
        assert len({c[pos] for c in codes}) == len(ALPHABET)


def test_codes_are_case_insensitive_and_forgive_spaces_and_hyphens(session) -> None:
    w = create_workshop("Northshire", "2026", created_by="facil", session=session)
    for typed in (
        w.code.lower(),
        format_code(w.code),
        f"  {format_code(w.code).lower()} ",
        w.code[:4] + " " + w.code[4:],
    ):
        assert find_workshop(typed, session=session).code == w.code
    assert normalise_code("ab-cd efgh") == "ABCDEFGH"


def test_codes_are_unique_even_when_a_draw_collides(session, monkeypatch) -> None:
    first = create_workshop("Northshire", "2026", created_by="facil", session=session)
    draws = iter([first.code, first.code, "ABCDEFGH"])
    monkeypatch.setattr("toolkit.workshops.rooms.new_code", lambda: next(draws))
    second = create_workshop("Northshire", "2026", created_by="facil", session=session)
    assert second.code == "ABCDEFGH" != first.code
    with pytest.raises(IntegrityError), session.begin_nested():  # and the database refuses a duplicate outright
        row = session.get(Workshop, first.id)
        session.add(Workshop(code=first.code, area_id=row.area_id, cycle_id=row.cycle_id, frameworks=[], stages=[]))
        session.flush()


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Type the join code"),
        ("ABC", "has 8 characters; that one has 3"),
        ("ABCDEFGHJ", "has 9"),
        ("ABCDEF0O", "never contain '0', 'O'"),
        ("abcdefg1", "never contain '1'"),
    ],
)
def test_a_mistyped_code_says_what_is_wrong(typed, says) -> None:
    assert says in code_problem(normalise_code(typed))


def test_an_unknown_code_is_a_clear_message(session) -> None:
    with pytest.raises(JoinError, match=r"No workshop has the code ABCD-EFGH\. Check the code"):
        find_workshop("abcd-efgh", session=session)
    with pytest.raises(JoinError, match="has 8 characters"):
        join("ABC", "police", "frontline", session=session)


def test_join_link_and_qr_code() -> None:
    assert join_link("http://host:8501/workshop", "ABCDEFGH") == "http://host:8501/join?w=ABCDEFGH"
    assert join_link("https://x.org/toolkit/workshop?a=1", "ABCDEFGH", "s3cr3t") == (
        "https://x.org/toolkit/join?w=ABCDEFGH&k=s3cr3t"
    )
    assert join_link("http://host:8501/", "ABCDEFGH") == "http://host:8501/join?w=ABCDEFGH"
    png = ws.qr_png("http://host:8501/join?w=ABCDEFGH")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 200


# ---- creating and joining --------------------------------------------------------------------


def test_create_validates_frameworks_and_stages(session) -> None:
    with pytest.raises(ValueError, match="frameworks"):
        create_workshop("N", "2026", frameworks=["toc"], created_by="f", session=session)
    with pytest.raises(ValueError, match="at least one stage"):
        create_workshop("N", "2026", frameworks=["opm"], stages=[], created_by="f", session=session)
    with pytest.raises(ValueError, match="area and a cycle"):
        create_workshop(" ", "2026", created_by="f", session=session)
    w = create_workshop("N", "2026", frameworks=["twelve_cs"], stages=[], created_by="f", session=session)
    assert w.frameworks == ("twelve_cs",) and w.stages == () and w.status == "open"


def test_joining_gives_a_pseudonym_and_a_secret_that_resumes_and_names_are_optional(session) -> None:
    w = create_workshop("Northshire", "2026", created_by="facil", session=session)
    a = join(w.code.lower(), "police", "frontline", session=session)
    b = join(w.code, "health", "strategic", "  Dr   Jones  ", session=session)
    assert a.pseudonym.startswith("r-") and a.pseudonym != b.pseudonym
    assert a.display_name == "" and b.display_name == "Dr Jones"
    assert len(a.secret) >= 32 and a.secret != b.secret
    assert ws.resume_participant(w.code.lower(), a.secret, session=session) == replace(a, secret="")
    assert find_participant(w.code.lower(), a.pseudonym, session=session) == replace(a, secret="")
    assert find_participant(w.code, "r-someoneelse", session=session) is None
    assert ws.resume_participant(w.code, a.pseudonym, session=session) is None  # a pseudonym opens nothing
    other = create_workshop("Northshire", "2026-b", created_by="facil", session=session)
    assert find_participant(other.code, a.pseudonym, session=session) is None  # ids belong to one workshop
    assert ws.resume_participant(other.code, a.secret, session=session) is None


def test_join_refuses_unknown_agency_or_level_and_a_closed_workshop(session) -> None:
    w = create_workshop("Northshire", "2026", created_by="facil", session=session)
    with pytest.raises(JoinError, match="agency"):
        join(w.code, "army", "frontline", session=session)
    with pytest.raises(JoinError, match="level"):
        join(w.code, "police", "context", session=session)
    ws.close(w.code, session=session)
    with pytest.raises(JoinError, match="has closed, so it cannot be joined"):
        join(w.code, "police", "frontline", session=session)


# ---- answering and closing -------------------------------------------------------------------


def test_answers_go_through_submit_answer_into_the_cycle(session, catalogue) -> None:
    w = create_workshop("Northshire", "2026", created_by="facil", session=session)
    p = join(w.code, "police", "frontline", session=session)
    step = ws.steps_for(w, "frontline", catalogue)[0]
    item = step.items[0].id
    ws.submit(w.code, p.pseudonym, "opm", item, 4, "an example", session=session, cat=catalogue)
    ws.submit(w.code, p.pseudonym, "opm", item, 2, session=session, cat=catalogue)  # a change keeps history
    resp = session.scalar(select(Respondent).where(Respondent.pseudonym == p.pseudonym))
    assert (resp.agency, resp.level) == ("police", "frontline")
    rating = session.scalar(select(Rating).where(Rating.respondent_id == resp.id))
    assert (rating.framework, rating.item, rating.score) == ("opm", item, 2)
    assert session.scalar(select(func.count(RatingHistory.id))) == 1
    assert ws.own_answers(w, p.pseudonym, session=session) == {("opm", item): (2, "")}


def test_only_the_workshops_statements_and_members_are_accepted(session, catalogue) -> None:
    w = create_workshop("N", "2026", frameworks=["opm"], stages=["consider"], created_by="f", session=session)
    p = join(w.code, "police", "frontline", session=session)
    assert [s.key for s in ws.steps_for(w, "frontline", catalogue)] == ["consider"]
    commit_item = next(i.id for i in catalogue.opm.items if i.stage == "commit")
    strategic_item = next(i.id for i in catalogue.opm.items if i.stage == "consider" and i.level == "strategic")
    for fw, item in (("opm", commit_item), ("opm", strategic_item), ("twelve_cs", catalogue.twelve_cs.items[0].id)):
        with pytest.raises(AnswerError, match="not part of this workshop"):
            ws.submit(w.code, p.pseudonym, fw, item, 3, session=session, cat=catalogue)
    with pytest.raises(AnswerError, match="not in this workshop"):
        ws.submit(w.code, "r-stranger", "opm", commit_item, 3, session=session, cat=catalogue)


def test_a_closed_workshop_refuses_answers_and_freezes_the_cycle(session, catalogue) -> None:
    w = create_workshop("Northshire", "2026", created_by="facil", session=session)
    p = join(w.code, "police", "frontline", session=session)
    item = ws.steps_for(w, "frontline", catalogue)[0].items[0].id
    ws.submit(w.code, p.pseudonym, "opm", item, 4, session=session, cat=catalogue)
    ws.close(w.code, session=session)
    with pytest.raises(WorkshopClosed, match="closed"):
        ws.submit(w.code, p.pseudonym, "opm", item, 1, session=session, cat=catalogue)
    assert ws.own_answers(w, p.pseudonym, session=session)[("opm", item)][0] == 4  # unchanged
    with pytest.raises(AnswerError, match="are final"):  # the self-assessment path is frozen too
        submit_answer(
            "Northshire", "2026", "r-late", "health", "frontline", "opm", item, 2, session=session, cat=catalogue
        )
    with pytest.raises(ValueError, match="has closed"):
        ws.reveal(w.code, session=session)
    with pytest.raises(ValueError, match="start a new cycle"):
        create_workshop("Northshire", "2026", created_by="facil", session=session)
    assert create_workshop("Northshire", "2027", created_by="facil", session=session).status == "open"


def test_an_import_cannot_change_a_cycle_a_closed_workshop_froze(session, catalogue) -> None:
    from toolkit.capture.ratings_import import RatingsFileError, import_ratings

    w = create_workshop("Northshire", "2026", created_by="facil", session=session)
    p = join(w.code, "police", "frontline", session=session)
    item = ws.steps_for(w, "frontline", catalogue)[0].items[0].id
    ws.submit(w.code, p.pseudonym, "opm", item, 4, session=session, cat=catalogue)
    ws.close(w.code, session=session)
    header = "area,cycle,respondent,agency,level,framework,item,score,comment\n"
    data = (header + f"Northshire,2026,{p.pseudonym},police,frontline,opm,{item},1,\n").encode()
    with pytest.raises(RatingsFileError, match="is closed"):
        import_ratings(data, "late.csv", session=session, catalogue=catalogue)
    assert ws.own_answers(w, p.pseudonym, session=session)[("opm", item)][0] == 4


def test_answers_from_many_threads_are_each_stored_once(engine, catalogue) -> None:
    from toolkit.store.db import session_scope

    with session_scope(engine) as s:
        w = create_workshop("Northshire", "2026", created_by="facil", session=s)
        people = [join(w.code, ids.AGENCIES[k % 6], ids.LEVELS[k % 3], session=s) for k in range(8)]
    barrier = threading.Barrier(len(people))
    errors: list[Exception] = []
    sent: list[tuple[str, str]] = []  # list.append is atomic; `n += 1` from eight threads can lose counts

    def run(p) -> None:
        items = [(st.framework, i.id) for st in ws.steps_for(w, p.level, catalogue) for i in st.items][:15]
        barrier.wait()
        for fw, item in items:
            try:
                ws.answer(w.code, p.pseudonym, fw, item, 3, engine=engine, cat=catalogue)
                sent.append((p.pseudonym, item))
            except Exception as exc:
                errors.append(exc)

    threads = [threading.Thread(target=run, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with session_scope(engine) as s:
        stored = s.scalar(select(func.count(Rating.id)))
    assert stored == len(sent) == 8 * 15


def test_with_retry_retries_lock_conflicts_only() -> None:
    calls = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        return "saved"

    assert ws.with_retry(flaky, base_delay=0.001) == "saved" and len(calls) == 3

    def broken() -> None:
        raise OperationalError("INSERT", {}, Exception("no such table: ratings"))

    with pytest.raises(OperationalError, match="no such table"):
        ws.with_retry(broken, base_delay=0.001)


# ---- live status, reveal and anonymity -------------------------------------------------------


@pytest.fixture
def room(session, catalogue):
    """A workshop with a lopsided room: 4 police strategic, 3 health frontline, 2 education managerial, 1 other."""
    w = create_workshop("Northshire", "2026", created_by="facil", session=session, title="Leaders")
    people = (
        [join(w.code, "police", "strategic", session=session) for _ in range(4)]
        + [join(w.code, "health", "frontline", session=session) for _ in range(3)]
        + [join(w.code, "education", "managerial", session=session) for _ in range(2)]
        + [join(w.code, "other", "frontline", "Sam", session=session)]
    )
    for k, p in enumerate(people[:-1]):
        _answer_all(w, p, catalogue, session, score=1 + k % 5)
    return w, people


def test_status_counts_joined_by_agency_and_level_and_completion(room, session, catalogue) -> None:
    w, people = room
    now = ws.status(w, session=session, cat=catalogue)
    assert now.joined == 10
    assert now.by_agency_level == {
        ("police", "strategic"): 4,
        ("health", "frontline"): 3,
        ("education", "managerial"): 2,
        ("other", "frontline"): 1,
    }
    done = {c.participant: (c.answered, c.total) for c in now.completion}
    assert done[people[0].pseudonym] == (now.totals["strategic"],) * 2
    assert done[people[-1].pseudonym] == (0, now.totals["frontline"])
    assert now.ratings == sum(a for a, _ in done.values())
    table = ws.statement_table(w, now, catalogue)
    assert table["Answered"].max() <= 10 and (table["Answered"] <= table["Of"]).all()
    assert list(ws.completion_table(now)["Participant"]).count("Sam") == 1


def test_what_participants_see_never_shows_a_group_under_the_minimum(room, session, catalogue) -> None:
    w, people = room
    cells = ws.joined_cells(ws.status(w, session=session, cat=catalogue), 3, suppress=True)
    shown = {(c.agency, c.level): c.n for c in cells}
    assert shown[("police", "strategic")] == 4 and shown[("health", "frontline")] == 3
    assert shown[("education", "managerial")] is None and shown[("other", "frontline")] is None
    ws.reveal(w.code, session=session)
    w = find_workshop(w.code, session=session)
    view = ws.participant_view(w, people[0], session=session, cat=catalogue, cfg=CFG)
    assert view.results is not None
    assert list(_small_counts(view, 3)) == []
    # the managerial level (2 people) is hidden in every stage breakdown
    assert all(v["managerial"].suppressed for v in view.results.opm.by_stage_level.values())
    table = ws.joined_table(view.joined_by_agency_level, 3)
    assert table.set_index("Agency").loc["Education", "Managerial"] == "fewer than 3"


def test_results_are_hidden_from_participants_until_revealed(room, session, catalogue) -> None:
    w, people = room
    before = ws.participant_view(w, people[1], session=session, cat=catalogue, cfg=CFG)
    assert before.results is None and before.appraisal is None and not before.revealed
    assert before.progress[0] == before.progress[1] > 0  # but their own answers are theirs to see
    assert before.answers == ws.own_answers(w, people[1].pseudonym, session=session)
    ws.close(w.code, session=session)  # closing without revealing keeps results hidden
    closed = ws.participant_view(
        find_workshop(w.code, session=session), people[1], session=session, cat=catalogue, cfg=CFG
    )
    assert closed.results is None


def test_reveal_shows_the_rooms_results_counting_everyone_a_figure_may_stand_on(room, session, catalogue) -> None:
    w, people = room
    revealed = ws.reveal(w.code, session=session)
    assert revealed.status == "revealed" and revealed.revealed
    view = ws.participant_view(revealed, people[-1], session=session, cat=catalogue, cfg=CFG)
    # nine answered; the two managerial are the only small group at their level, so no figure (count included) holds them
    answered = [("police", "strategic")] * 4 + [("health", "frontline")] * 3 + [("education", "managerial")] * 2
    assert view.results.respondents == counted(answered) == 7
    assert view.progress == (0, ws.status(revealed, session=session, cat=catalogue).totals["frontline"])
    after = ws.close(w.code, session=session)
    assert after.status == "closed" and after.revealed  # results stay visible after closing


# ---- APEASE by the room ----------------------------------------------------------------------


def test_the_room_appraises_the_shortlist_with_small_groups_hidden(room, session, catalogue) -> None:
    w, people = room
    iv = catalogue.interventions[0].id
    with pytest.raises(ValueError, match="shortlist at least one"):
        ws.open_appraisal(w.code, True, session=session)
    shortlist_add(w.ref, iv, session=session, cat=catalogue)
    with pytest.raises(AnswerError, match="not open"):
        ws.submit_appraisal(w.code, people[0].pseudonym, iv, "equity", 4, session=session, cat=catalogue)
    ws.open_appraisal(w.code, True, session=session)
    for p, score in zip(people[:4], (4, 5, 3, 4), strict=True):
        ws.submit_appraisal(w.code, p.pseudonym, iv, "equity", score, session=session, cat=catalogue)
    ws.submit_appraisal(w.code, people[0].pseudonym, iv, "affordability", 2, session=session, cat=catalogue)
    ws.submit_appraisal(w.code, people[1].pseudonym, iv, "affordability", None, session=session, cat=catalogue)
    with pytest.raises(AnswerError):
        ws.submit_appraisal(w.code, people[0].pseudonym, iv, "beauty", 4, session=session, cat=catalogue)
    w = find_workshop(w.code, session=session)
    assert ws.own_appraisals(w, people[0].pseudonym, session=session) == {(iv, "equity"): 4, (iv, "affordability"): 2}
    summary = ws.room_appraisal(w, session=session, min_n=3)[iv]
    assert summary["criteria"]["equity"]["mean"] == 4.0 and summary["criteria"]["equity"]["n"] == 4
    assert summary["criteria"]["affordability"].get("suppressed")  # one score: hidden
    assert summary["overall"] == 4.0
    assert list(_small_counts(summary, 3)) == []
    table = ws.appraisal_table({iv: summary}, catalogue, 3)
    assert "fewer than 3" in table.iloc[0].tolist() and "4.0 (n=4)" in table.iloc[0].tolist()
    ws.close(w.code, session=session)
    with pytest.raises(WorkshopClosed):
        ws.submit_appraisal(w.code, people[0].pseudonym, iv, "equity", 1, session=session, cat=catalogue)


def test_participants_are_removed_with_their_workshop(session) -> None:
    w = create_workshop("Northshire", "2026", created_by="facil", session=session)
    join(w.code, "police", "frontline", session=session)
    session.delete(session.get(Workshop, w.id))
    session.flush()
    assert session.scalar(select(func.count(WorkshopParticipant.id))) == 0
