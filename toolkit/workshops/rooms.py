"""Facilitated workshops: join codes, participants on their own devices, live status, reveal, APEASE and close."""

from __future__ import annotations

import io
import re
import secrets
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import TypeVar
from urllib.parse import urlencode, urlsplit, urlunsplit

import pandas as pd
from sqlalchemy import (
    Engine,
    and_,
    func,
    select,
)
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from toolkit.analysis.scores import Config, analyse_frame
from toolkit.analysis.suppression import suppressed_keys
from toolkit.capture.assessment import AnswerError, Step, new_pseudonym, submit_answer, walk
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue
from toolkit.core.text import CONTROL_CHARS
from toolkit.interventions.apease import aggregate
from toolkit.store.areas import CycleRef, cycle_frozen, findable, get_or_create_area, get_or_create_cycle
from toolkit.store.db import session_scope
from toolkit.store.models import MAX_NAME, Area, Cycle, Rating, Respondent, Workshop, WorkshopParticipant, utcnow
from toolkit.store.plans import apease_scores, record_apease, shortlist

# Join codes: no I, L, O, 0 or 1, so nothing can be misread; 31^8 (about 8.5e11) codes.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LEN = 8
STATUSES = ("open", "revealed", "closed")

FRAMEWORKS = ids.RATED_FRAMEWORKS
APEASE_CRITERIA = ids.APEASE

T = TypeVar("T")


class JoinError(ValueError):
    """A code or join that cannot go ahead; the message says what to do."""


class WorkshopClosed(AnswerError):
    """The workshop has closed: its ratings are final."""


# ---- join codes, links and QR ----------------------------------------------------------------


def new_code() -> str:
    """A fresh join code: CODE_LEN characters from ALPHABET, drawn with `secrets`."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LEN))


def normalise_code(text: str) -> str:
    """A typed code as stored: upper case, without spaces, hyphens or dashes, and invisible characters.

    NFKC first, so a phone keyboard's full-width letters count as the letters they show; a code pasted from a
    document keeps its en dash or a zero-width space, which are dropped like the hyphen.
    """
    text = unicodedata.normalize("NFKC", text if isinstance(text, str) else "")
    return "".join(ch for ch in text.upper() if not ch.isspace() and unicodedata.category(ch) not in ("Pd", "Cf"))


def format_code(code: str) -> str:
    """A code as shown to people: two groups of four, e.g. ABCD-EFGH."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def code_problem(code: str) -> str | None:
    """Why a normalised code cannot be right (length, characters), or None if it could be."""
    if not code:
        return "Type the join code your facilitator shows on screen."
    if len(code) != CODE_LEN:
        return f"A join code has {CODE_LEN} characters; that one has {len(code)}. Check it and try again."
    bad = sorted({ch for ch in code if ch not in ALPHABET})
    if bad:
        foreign = (
            " (a letter from another alphabet that looks like a Latin one?)" if any(ord(c) > 127 for c in bad) else ""
        )
        return (
            f"Join codes never contain {', '.join(repr(c) for c in bad)}{foreign}: they use the letters A-Z without "
            "I, L and O, and the digits 2-9. Check the code and try again."
        )
    return None


def join_link(page_url: str, code: str, pseudonym: str | None = None) -> str:
    """The join page's address for a code (and a participant), built from any page address of the same app."""
    parts = urlsplit(page_url)
    path = parts.path.rstrip("/")
    base = path.rsplit("/", 1)[0] if path.count("/") >= 1 and path else ""
    query = {"w": code} | ({"p": pseudonym} if pseudonym else {})
    return urlunsplit((parts.scheme, parts.netloc, f"{base}/join", urlencode(query), ""))


def qr_png(text: str, *, box_size: int = 10) -> bytes:
    """A QR code of the text as PNG bytes (medium error correction, so a projected code still scans)."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=2)
    qr.add_data(text)
    qr.make(fit=True)
    buf = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(buf, format="PNG")
    return buf.getvalue()


# ---- workshops -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkshopInfo:
    """A workshop as pages see it (no database objects leak into pages)."""

    id: int
    code: str
    title: str
    area: str
    cycle: str
    frameworks: tuple[str, ...]
    stages: tuple[str, ...]
    status: str
    appraisal_open: bool
    created_by: str
    created_at: datetime
    revealed: bool
    cycle_id: int = 0
    area_id: int = 0

    @property
    def ref(self) -> CycleRef:
        """The workshop's area and cycle, for the store's repository functions."""
        return CycleRef(self.area_id, self.cycle_id, self.area, self.cycle)

    @property
    def label(self) -> str:
        """A line for pickers: title or area and cycle, code and status."""
        name = self.title or f"{self.area}, cycle {self.cycle}"
        return f"{name} · {format_code(self.code)} · {self.status}"


def _info(w: Workshop, area: str, cycle: str) -> WorkshopInfo:
    return WorkshopInfo(
        w.id,
        w.code,
        w.title,
        area,
        cycle,
        tuple(w.frameworks or ()),
        tuple(w.stages or ()),
        w.status,
        bool(w.appraisal_open),
        w.created_by,
        w.created_at,
        w.revealed_at is not None,
        w.cycle_id,
        w.area_id,
    )


def _load(code: str, session: Session, *, lock: bool = False) -> tuple[Workshop, str, str] | None:
    q = (
        select(Workshop, Area.name, Cycle.name)
        .join(Area, Area.id == Workshop.area_id)
        .join(Cycle, Cycle.id == Workshop.cycle_id)
        .where(Workshop.code == code)
    )
    if lock:  # PostgreSQL: a close waits for answers in flight, and answers after it see it (SQLite ignores this)
        q = q.with_for_update(read=True, of=Workshop)
    row = session.execute(q).first()
    return (row[0], row[1], row[2]) if row else None


def create_workshop(
    area: str,
    cycle: str,
    *,
    frameworks: Iterable[str] = FRAMEWORKS,
    stages: Iterable[str] = ids.STAGES,
    created_by: str,
    session: Session,
    title: str = "",
) -> WorkshopInfo:
    """A new open workshop with a unique join code (the area and cycle are created if new)."""
    area, cycle, title = (
        (area or "").strip(),
        (cycle or "").strip(),
        re.sub(CONTROL_CHARS, "", title or "").strip()[:120],
    )
    if not area or not cycle:
        raise ValueError("a workshop needs an area and a cycle")
    fws = [f for f in FRAMEWORKS if f in set(frameworks)]
    if not fws or set(frameworks) - set(FRAMEWORKS):
        raise ValueError(f"choose the frameworks to rate from {', '.join(FRAMEWORKS)}")
    sts = [s for s in ids.STAGES if s in set(stages)] if "opm" in fws else []
    if set(stages) - set(ids.STAGES):
        raise ValueError(f"stages must be among {', '.join(ids.STAGES)}")
    if "opm" in fws and not sts:
        raise ValueError("choose at least one stage of the Organisational Practice Model")
    c = get_or_create_cycle(get_or_create_area(area, session=session), cycle, session=session)
    if cycle_frozen(c.id, session=session):
        raise ValueError(
            f"a workshop for {area}, cycle {cycle} has closed and its ratings stand as the record: start a new cycle"
        )
    for _ in range(20):
        code = new_code()
        if session.scalar(select(Workshop.id).where(Workshop.code == code)) is not None:
            continue
        w = Workshop(
            code=code,
            title=title,
            area_id=c.area_id,
            cycle_id=c.id,
            frameworks=fws,
            stages=sts,
            status="open",
            appraisal_open=False,
            created_by=created_by,
        )
        try:
            with session.begin_nested():
                session.add(w)
        except IntegrityError:  # another server drew the same code at the same moment
            continue
        return _info(w, area, cycle)
    raise RuntimeError("could not draw an unused join code")  # pragma: no cover - 20 collisions in 8.5e11


def find_workshop(code: str, *, session: Session) -> WorkshopInfo:
    """The workshop of a typed code, or a JoinError that says what is wrong with the code."""
    norm = normalise_code(code)
    if problem := code_problem(norm):
        raise JoinError(problem)
    found = _load(norm, session)
    if found is None:
        raise JoinError(
            f"No workshop has the code {format_code(norm)}. Check the code on the facilitator's screen and try again."
        )
    return _info(*found)


def list_workshops(*, session: Session, created_by: str | None = None) -> list[WorkshopInfo]:
    """Workshops, newest first (only one facilitator's when created_by is given)."""
    q = (
        select(Workshop, Area.name, Cycle.name)
        .join(Area, Area.id == Workshop.area_id)
        .join(Cycle, Cycle.id == Workshop.cycle_id)
        .order_by(Workshop.created_at.desc(), Workshop.id.desc())
    )
    if created_by is not None:
        q = q.where(Workshop.created_by == created_by)
    return [_info(w, a, c) for w, a, c in session.execute(q)]


def _set_status(code: str, to: str, *, session: Session) -> WorkshopInfo:
    found = _load(code, session)
    if found is None:
        raise JoinError(f"No workshop has the code {format_code(code)}.")
    w, area, cycle = found
    if w.status == "closed":
        raise ValueError("this workshop has closed: its ratings are final")
    now = utcnow()
    if to == "revealed" and w.status == "open":
        w.status, w.revealed_at = "revealed", now
    elif to == "closed":
        w.status, w.closed_at, w.appraisal_open = "closed", now, False
    session.flush()
    return _info(w, area, cycle)


def reveal(code: str, *, session: Session) -> WorkshopInfo:
    """Show the room's results (small groups still suppressed) to the facilitator's screen and every participant."""
    return _set_status(code, "revealed", session=session)


def close(code: str, *, session: Session) -> WorkshopInfo:
    """Close: no more answers or appraisals; the cycle's ratings stand as the area's record."""
    return _set_status(code, "closed", session=session)


# ---- participants ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Participant:
    """A participant as pages see them."""

    pseudonym: str
    agency: str
    level: str
    display_name: str


def join(code: str, agency: str, level: str, display_name: str = "", *, session: Session) -> Participant:
    """Join an open workshop: a new pseudonymous id for this person (no account needed)."""
    w = find_workshop(code, session=session)
    if w.status == "closed":
        raise JoinError("That workshop has closed, so it cannot be joined: its ratings are final.")
    if agency not in ids.AGENCIES:
        raise JoinError("Choose your agency.")
    if level not in ids.LEVELS:
        raise JoinError("Choose your level.")
    name = " ".join(re.sub(CONTROL_CHARS, "", display_name or "").split())[:MAX_NAME]
    p = WorkshopParticipant(workshop_id=w.id, pseudonym=new_pseudonym(), agency=agency, level=level, display_name=name)
    session.add(p)
    session.flush()
    return Participant(p.pseudonym, p.agency, p.level, p.display_name)


def find_participant(code: str, pseudonym: str, *, session: Session) -> Participant | None:
    """The participant of that id in the workshop (to resume after a refresh), or None."""
    if code_problem(normalise_code(code)) or not findable(pseudonym or ""):  # e.g. a forged link: nothing to find
        return None
    row = session.scalar(
        select(WorkshopParticipant)
        .join(Workshop, Workshop.id == WorkshopParticipant.workshop_id)
        .where(Workshop.code == normalise_code(code), WorkshopParticipant.pseudonym == (pseudonym or ""))
    )
    return Participant(row.pseudonym, row.agency, row.level, row.display_name) if row else None


@lru_cache(maxsize=64)
def _steps(cat: Catalogue, level: str, frameworks: tuple[str, ...], stages: tuple[str, ...]) -> tuple[Step, ...]:
    sts = stages if "opm" in frameworks else ()
    return tuple(walk(cat, level, stages=sts, include_cs="twelve_cs" in frameworks))


def steps_for(w: WorkshopInfo, level: str, cat: Catalogue) -> list[Step]:
    """The statements a participant at this level rates in this workshop, step by step."""
    return list(_steps(cat, level, w.frameworks, w.stages))


@lru_cache(maxsize=64)
def _allowed(cat: Catalogue, level: str, frameworks: tuple[str, ...], stages: tuple[str, ...]) -> frozenset:
    return frozenset((s.framework, i.id) for s in _steps(cat, level, frameworks, stages) for i in s.items)


def _participant_row(code: str, pseudonym: str, session: Session) -> WorkshopParticipant:
    """The participant's row, marked active; on SQLite this first write takes the lock for the whole answer."""
    if code_problem(normalise_code(code)) or not findable(pseudonym or ""):
        raise AnswerError("you are not in this workshop: join it again with the code")
    p = session.scalar(
        select(WorkshopParticipant)
        .join(Workshop, Workshop.id == WorkshopParticipant.workshop_id)
        .where(Workshop.code == normalise_code(code), WorkshopParticipant.pseudonym == (pseudonym or ""))
    )
    if p is None:
        raise AnswerError("you are not in this workshop: join it again with the code")
    p.last_active = utcnow()
    session.flush()
    return p


def submit(
    code: str,
    pseudonym: str,
    framework: str,
    item: str,
    score: int | None,
    comment: str = "",
    *,
    session: Session,
    cat: Catalogue,
) -> None:
    """Save a participant's answer through submit_answer; refused once the workshop has closed."""
    p = _participant_row(code, pseudonym, session)
    w, area, cycle = _load(normalise_code(code), session, lock=True)
    if w.status == "closed":
        raise WorkshopClosed("this workshop has closed, so its ratings are final")
    if (framework, item) not in _allowed(cat, p.level, tuple(w.frameworks), tuple(w.stages)):
        raise AnswerError(f"statement {framework}/{item} is not part of this workshop")
    submit_answer(
        area, cycle, p.pseudonym, p.agency, p.level, framework, item, score, comment, session=session, cat=cat
    )


def _is_transient(exc: BaseException) -> bool:
    """A conflict worth retrying: SQLite busy or locked, PostgreSQL serialisation failure or deadlock."""
    text = str(getattr(exc, "orig", exc)).lower()
    return any(s in text for s in ("database is locked", "database is busy", "could not serialize", "deadlock"))


def with_retry(
    run: Callable[[], T],
    *,
    attempts: int = 6,
    base_delay: float = 0.05,
    on_retry: Callable[[Exception], None] | None = None,
) -> T:
    """Run a whole transaction, again with backoff and jitter when the database reports a passing lock conflict."""
    for k in range(attempts):
        try:
            return run()
        except OperationalError as exc:
            if not _is_transient(exc) or k == attempts - 1:
                raise
            if on_retry is not None:
                on_retry(exc)
            time.sleep(base_delay * 2**k * (0.5 + secrets.randbelow(1000) / 1000))
    raise AssertionError("unreachable")  # pragma: no cover


def answer(
    code: str,
    pseudonym: str,
    framework: str,
    item: str,
    score: int | None,
    comment: str = "",
    *,
    engine: Engine,
    cat: Catalogue,
    retry: bool = True,
    on_retry: Callable[[Exception], None] | None = None,
) -> None:
    """The submit path the join page uses: submit() in a transaction of its own, retried on a passing lock conflict."""

    def run() -> None:
        with session_scope(engine) as s:
            submit(code, pseudonym, framework, item, score, comment, session=s, cat=cat)

    with_retry(run, on_retry=on_retry) if retry else run()


def own_answers(w: WorkshopInfo, pseudonym: str, *, session: Session) -> dict[tuple[str, str], tuple[int | None, str]]:
    """One participant's current answers in the workshop's cycle: {(framework, item): (score, comment)}."""
    rows = session.execute(
        select(Rating.framework, Rating.item, Rating.score, Rating.comment)
        .join(Respondent, Respondent.id == Rating.respondent_id)
        .where(Respondent.cycle_id == w.cycle_id, Respondent.pseudonym == pseudonym)
    )
    return {(f, i): (s, c) for f, i, s, c in rows}


# ---- live status -----------------------------------------------------------------------------


def _members(w: WorkshopInfo):
    """Respondents of the workshop's cycle who joined it (join condition)."""
    return and_(Respondent.cycle_id == w.cycle_id, Respondent.pseudonym == WorkshopParticipant.pseudonym)


@dataclass(frozen=True)
class Status:
    """Who has joined and how far they are (for the facilitator; participants get `joined_cells(..., suppress)`)."""

    joined: int
    by_agency_level: dict[tuple[str, str], int]
    completion: list[dict]
    per_statement: dict[tuple[str, str], int]
    ratings: int
    version: str = ""
    totals: dict[str, int] = field(default_factory=dict)


def status(w: WorkshopInfo, *, session: Session, cat: Catalogue) -> Status:
    """Joined by agency x level, answers per participant and per statement (two grouped queries)."""
    people = session.execute(
        select(
            WorkshopParticipant.pseudonym,
            WorkshopParticipant.display_name,
            WorkshopParticipant.agency,
            WorkshopParticipant.level,
            WorkshopParticipant.joined_at,
            WorkshopParticipant.last_active,
            func.count(Rating.id),
            func.max(Rating.updated_at),
        )
        .outerjoin(Respondent, _members(w))
        .outerjoin(Rating, Rating.respondent_id == Respondent.id)
        .where(WorkshopParticipant.workshop_id == w.id)
        .group_by(WorkshopParticipant.id)
        .order_by(WorkshopParticipant.joined_at, WorkshopParticipant.id)
    ).all()
    per_statement = {
        (f, i): int(n)
        for f, i, n in session.execute(
            select(Rating.framework, Rating.item, func.count(Rating.id))
            .join(Respondent, Respondent.id == Rating.respondent_id)
            .join(WorkshopParticipant, _members(w))
            .where(WorkshopParticipant.workshop_id == w.id)
            .group_by(Rating.framework, Rating.item)
        )
    }
    totals = {lv: len(_allowed(cat, lv, w.frameworks, w.stages)) for lv in ids.LEVELS}
    by_cell: dict[tuple[str, str], int] = {}
    completion = []
    for pseud, name, agency, level, _joined, _active, n, latest in people:
        by_cell[(agency, level)] = by_cell.get((agency, level), 0) + 1
        completion.append(
            {
                "participant": pseud,
                "name": name,
                "agency": agency,
                "level": level,
                "answered": int(n),
                "total": totals[level],
                "last_answer": latest,
            }
        )
    n_ratings = sum(c["answered"] for c in completion)
    latest = max((c["last_answer"] for c in completion if c["last_answer"] is not None), default=None)
    version = f"{w.id}:{w.status}:{len(people)}:{n_ratings}:{latest}"
    return Status(len(people), by_cell, completion, per_statement, n_ratings, version, totals)


def joined_cells(st: Status, min_n: int, *, suppress: bool) -> list[dict]:
    """Joined per agency x level; with `suppress`, cells under min_n (and a second to stop subtraction) hidden."""
    hidden = suppressed_keys(st.by_agency_level, min_n) if suppress else set()
    return [
        {"agency": a, "level": lv, "n": None if (a, lv) in hidden else n, "suppressed": (a, lv) in hidden}
        for (a, lv), n in sorted(
            st.by_agency_level.items(), key=lambda kv: (ids.AGENCIES.index(kv[0][0]), ids.LEVELS.index(kv[0][1]))
        )
    ]


def joined_table(cells: list[dict], min_n: int) -> pd.DataFrame:
    """An Agency column and one column per level, in words ('fewer than 3' where a cell is suppressed)."""
    levels = [ids.LEVEL_NAMES[lv] for lv in ids.LEVELS]
    present = [a for a in ids.AGENCIES if any(c["agency"] == a for c in cells)]
    table = pd.DataFrame("0", index=present, columns=levels)
    for c in cells:
        table.loc[c["agency"], ids.LEVEL_NAMES[c["level"]]] = f"fewer than {min_n}" if c["suppressed"] else str(c["n"])
    table.insert(0, "Agency", [ids.AGENCY_NAMES[a] for a in present])
    return table.reset_index(drop=True)


def completion_table(st: Status) -> pd.DataFrame:
    """One row per participant: name (or short id), agency, level, answered of total (facilitator only)."""
    rows = [
        {
            "Participant": c["name"] or c["participant"],
            "Agency": ids.AGENCY_NAMES[c["agency"]],
            "Level": ids.LEVEL_NAMES[c["level"]],
            "Answered": c["answered"],
            "Of": c["total"],
            "Done": round(100 * c["answered"] / c["total"]) if c["total"] else 0,
        }
        for c in st.completion
    ]
    return pd.DataFrame(rows, columns=["Participant", "Agency", "Level", "Answered", "Of", "Done"])


def statement_table(w: WorkshopInfo, st: Status, cat: Catalogue) -> pd.DataFrame:
    """How many people have answered each statement (fewest first), against how many it applies to."""
    applies: dict[tuple[str, str], int] = {}
    for c in st.completion:
        for key in _allowed(cat, c["level"], w.frameworks, w.stages):
            applies[key] = applies.get(key, 0) + 1
    texts = {(fw.id, it.id): it.text for fw in cat.rated for it in fw.items}
    rows = [
        {"Statement": texts.get(k, k[1]), "Answered": st.per_statement.get(k, 0), "Of": n} for k, n in applies.items()
    ]
    df = pd.DataFrame(rows, columns=["Statement", "Answered", "Of"])
    return df.sort_values(["Answered", "Of"], ascending=[True, False], kind="stable").reset_index(drop=True)


def ratings_frame(w: WorkshopInfo, *, session: Session) -> pd.DataFrame:
    """The current ratings of the workshop's participants (a long table like store.ratings_frame)."""
    rows = session.execute(
        select(Respondent.pseudonym, Respondent.agency, Respondent.level, Rating.framework, Rating.item, Rating.score)
        .join(Rating, Rating.respondent_id == Respondent.id)
        .join(WorkshopParticipant, _members(w))
        .where(WorkshopParticipant.workshop_id == w.id)
    ).all()
    df = pd.DataFrame(rows, columns=["respondent", "agency", "level", "framework", "item", "score"])
    df["score"] = df["score"].astype("Int64")
    return df


def room_results(ratings: pd.DataFrame, w: WorkshopInfo, cat: Catalogue, cfg: Config) -> dict:
    """The room's analysis (small groups suppressed by analyse_frame), from its ratings table."""
    return analyse_frame(ratings, cat, cfg, area=w.area, cycle=w.cycle)


# ---- APEASE appraisal by the room ------------------------------------------------------------
# The shortlist and the scores live with the cycle (store.shortlist, store.record_apease): each participant is a
# rater under their pseudonym, so the room's appraisal is the area's appraisal for the cycle.


def open_appraisal(code: str, is_open: bool, *, session: Session) -> WorkshopInfo:
    """Open (or stop) the APEASE appraisal of the cycle's shortlist on participants' devices."""
    found = _load(normalise_code(code), session)
    if found is None:
        raise JoinError(f"No workshop has the code {format_code(code)}.")
    w, area, cycle = found
    if w.status == "closed" and is_open:
        raise ValueError("this workshop has closed")
    if is_open and not shortlist(CycleRef(w.area_id, w.cycle_id, area, cycle), session=session):
        raise ValueError("shortlist at least one intervention first")
    w.appraisal_open = is_open
    session.flush()
    return _info(w, area, cycle)


def submit_appraisal(
    code: str,
    pseudonym: str,
    intervention: str,
    criterion: str,
    score: int | None,
    *,
    session: Session,
    cat: Catalogue,
) -> None:
    """Save one participant's APEASE score of a shortlisted intervention (refused unless the appraisal is open)."""
    p = _participant_row(code, pseudonym, session)
    w, area, cycle = _load(normalise_code(code), session, lock=True)
    if w.status == "closed":
        raise WorkshopClosed("this workshop has closed, so its appraisal is final")
    if not w.appraisal_open:
        raise AnswerError("the appraisal is not open: wait for the facilitator to open it")
    try:
        ref = CycleRef(w.area_id, w.cycle_id, area, cycle)
        record_apease(ref, intervention, criterion, p.pseudonym, score, session=session, cat=cat)
    except ValueError as exc:
        raise AnswerError(str(exc)) from None


def own_appraisals(w: WorkshopInfo, pseudonym: str, *, session: Session) -> dict[tuple[str, str], int | None]:
    """One participant's APEASE scores: {(intervention, criterion): score}."""
    rows = apease_scores(w.ref, session=session)
    return {(r["intervention"], r["criterion"]): r["score"] for r in rows if r["rater"] == pseudonym}


def room_appraisal(w: WorkshopInfo, *, session: Session, min_n: int) -> dict[str, dict]:
    """The room's APEASE appraisal of the shortlist (apease.aggregate), criteria scored by fewer than min_n hidden."""
    raters = set(session.scalars(select(WorkshopParticipant.pseudonym).where(WorkshopParticipant.workshop_id == w.id)))
    rows = [r for r in apease_scores(w.ref, session=session) if r["rater"] in raters]
    agg = aggregate(rows)
    out = {}
    for iv in shortlist(w.ref, session=session):
        a = agg.get(iv, {"criteria": {c: {"mean": None, "n": 0} for c in APEASE_CRITERIA}, "raters": 0})
        crit = {}
        for c in APEASE_CRITERIA:
            s = a["criteria"].get(c, {"mean": None, "n": 0})
            if 0 < (s.get("n") or 0) < min_n:
                s = {
                    "mean": None,
                    "sd": None,
                    "min": None,
                    "max": None,
                    "n": None,
                    "dont_know": None,
                    "concern": False,
                    "why": f"fewer than {min_n} scores",
                    "suppressed": True,
                }
            crit[c] = s
        means = [s["mean"] for s in crit.values() if s.get("mean") is not None]
        out[iv] = {
            "criteria": crit,
            "overall": round(sum(means) / len(means), 2) if means else None,
            "raters": a["raters"],
            "concerns": [c for c in APEASE_CRITERIA if crit[c].get("concern")],
        }
    return out


def appraisal_table(room: dict[str, dict], cat: Catalogue, min_n: int) -> pd.DataFrame:
    """The room's appraisal for reading: one row per intervention, a column per criterion ('3.4 (n=6)', flagged)."""
    names = {iv.id: iv.title for iv in cat.interventions}
    crit_names = {c.id: c.name for c in cat.get("apease").criteria}

    def cell(s: dict) -> str:
        if s.get("suppressed"):
            return f"fewer than {min_n}"
        if s.get("mean") is None:
            return "no scores yet" if not s.get("dont_know") else "don't know only"
        return f"{s['mean']:.1f} (n={s['n']})" + (" - concern" if s.get("concern") else "")

    rows = []
    for iv, a in room.items():
        row = {"Intervention": names.get(iv, iv)}
        row |= {crit_names.get(c, c): cell(a["criteria"][c]) for c in APEASE_CRITERIA}
        row["Overall"] = "-" if a["overall"] is None else f"{a['overall']:.1f}"
        row["Raters"] = a["raters"] if a["raters"] >= min_n or a["raters"] == 0 else f"fewer than {min_n}"
        rows.append(row)
    return pd.DataFrame(rows)


# ---- what a participant may see --------------------------------------------------------------


def participant_view(
    w: WorkshopInfo,
    participant: Participant,
    *,
    session: Session,
    cat: Catalogue,
    cfg: Config,
    room: Callable[[WorkshopInfo, str], dict] | None = None,
) -> dict:
    """Everything a participant's device shows: their own answers, and the room's suppressed results once revealed."""
    st = status(w, session=session, cat=cat)
    mine = own_answers(w, participant.pseudonym, session=session)
    total = st.totals.get(participant.level, 0)
    view = {
        "status": w.status,
        "revealed": w.revealed,
        "joined": st.joined,
        "joined_by_agency_level": joined_cells(st, cfg.min_group_size, suppress=True),
        "answers": mine,
        "progress": (len(mine), total),
        "results": None,
        "appraisal": None,
    }
    if w.revealed:
        # `room` is the page's cached room_results, keyed by the status version; the same numbers either way
        view["results"] = room(w, st.version) if room else room_results(ratings_frame(w, session=session), w, cat, cfg)
        view["appraisal"] = room_appraisal(w, session=session, min_n=cfg.min_group_size)
    return view
