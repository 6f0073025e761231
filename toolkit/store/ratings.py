"""Respondents and the stored ratings of a cycle: the frames analysis reads, and one respondent's answers."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.store.areas import CycleRef, check_name, findable
from toolkit.store.models import Cycle, Rating, Respondent


def upsert_respondent(cycle: Cycle, pseudonym: str, agency: str, level: str, *, session: Session) -> Respondent:
    """The respondent of that pseudonym in the cycle, created if new; their agency and level are fixed once set."""
    resp = (
        session.scalar(select(Respondent).where(Respondent.cycle_id == cycle.id, Respondent.pseudonym == pseudonym))
        if findable(pseudonym)
        else None
    )
    if resp is None:
        resp = Respondent(cycle_id=cycle.id, pseudonym=check_name(pseudonym, "respondent"), agency=agency, level=level)
        session.add(resp)
        session.flush()
    elif (resp.agency, resp.level) != (agency, level):
        raise ValueError(
            f"respondent {pseudonym!r} is already recorded as {resp.agency}/{resp.level}, not {agency}/{level}"
        )
    return resp


RATING_COLUMNS = ["respondent", "agency", "level", "framework", "item", "score", "comment"]


def ratings_frame(ref: CycleRef, *, session: Session, with_comments: bool = True) -> pd.DataFrame:
    """The current ratings of one area and cycle as a long table (score is a nullable integer)."""
    cols = [Respondent.pseudonym, Respondent.agency, Respondent.level, Rating.framework, Rating.item, Rating.score]
    if with_comments:
        cols.append(Rating.comment)
    rows = session.execute(
        select(*cols).join(Rating, Rating.respondent_id == Respondent.id).where(Respondent.cycle_id == ref.cycle_id)
    ).all()
    names = RATING_COLUMNS if with_comments else RATING_COLUMNS[:-1]
    df = pd.DataFrame(rows, columns=names)
    df["score"] = df["score"].astype("Int64")
    return df


def respondents_frame(ref: CycleRef, *, session: Session) -> pd.DataFrame:
    """Every respondent of one area and cycle, including those who have not answered yet."""
    rows = session.execute(
        select(Respondent.pseudonym, Respondent.agency, Respondent.level).where(Respondent.cycle_id == ref.cycle_id)
    ).all()
    return pd.DataFrame(rows, columns=["respondent", "agency", "level"])


def respondent_answers(
    ref: CycleRef, pseudonym: str, *, session: Session
) -> dict[tuple[str, str], tuple[int | None, str]]:
    """One respondent's current answers: {(framework, item): (score, comment)}."""
    rows = session.execute(
        select(Rating.framework, Rating.item, Rating.score, Rating.comment)
        .join(Respondent, Respondent.id == Rating.respondent_id)
        .where(Respondent.cycle_id == ref.cycle_id, Respondent.pseudonym == pseudonym)
    )
    return {(f, i): (s, cm) for f, i, s, cm in rows}


def find_respondent(ref: CycleRef, pseudonym: str, *, session: Session) -> Respondent | None:
    """The respondent of that pseudonym in the area and cycle, or None."""
    if not findable(pseudonym):
        return None
    return session.scalar(
        select(Respondent).where(Respondent.cycle_id == ref.cycle_id, Respondent.pseudonym == pseudonym)
    )
