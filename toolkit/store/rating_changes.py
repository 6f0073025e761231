"""Changed ratings of a cycle, as the history keeps them: whose (pseudonym), which statement, from, to, when and by
which path. Individual answers under pseudonyms: for roles that may see raw ratings only (export_raw)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.access.accounts import Identity
from toolkit.access.scope import authorise
from toolkit.store.areas import CycleRef
from toolkit.store.models import Rating, RatingHistory, Respondent

RAW = "export_raw"  # the permission that shows individual ratings


class RatingChange(BaseModel):
    """One replaced value of a rating and what replaced it."""

    respondent: str  # the pseudonym
    agency: str
    level: str
    framework: str
    item: str
    score_from: int | None  # None: don't know
    score_to: int | None
    comment_from: str
    comment_to: str
    recorded_at: datetime | None  # when the old value was given
    replaced_at: datetime | None  # when it was replaced
    replaced_by: str  # who or which path replaced it ("import:file.csv", a pseudonym, an account)


class RatingChanges(BaseModel):
    """Every changed rating of one cycle, oldest change first (`history --json` is this dump)."""

    area: str
    cycle: str
    changes: list[RatingChange]


def rating_changes(ref: CycleRef, *, session: Session, actor: Identity | None) -> RatingChanges:
    """The cycle's changed ratings, each step of each rating's history with the value that replaced it."""
    authorise(actor, RAW, ref.area_id)
    rows = session.execute(
        select(
            RatingHistory.rating_id,
            RatingHistory.score.label("old_score"),
            RatingHistory.comment.label("old_comment"),
            RatingHistory.recorded_at,
            RatingHistory.replaced_at,
            RatingHistory.replaced_by,
            Rating.score.label("now_score"),
            Rating.comment.label("now_comment"),
            Rating.framework,
            Rating.item,
            Respondent.pseudonym,
            Respondent.agency,
            Respondent.level,
        )
        .join(Rating, Rating.id == RatingHistory.rating_id)
        .join(Respondent, Respondent.id == Rating.respondent_id)
        .where(Respondent.cycle_id == ref.cycle_id)
        .order_by(RatingHistory.rating_id, RatingHistory.id)
    ).all()
    changes: list[RatingChange] = []
    for k, r in enumerate(rows):
        later = rows[k + 1] if k + 1 < len(rows) and rows[k + 1].rating_id == r.rating_id else None
        # what replaced this value: the next kept value of the same rating, or the rating as it stands now
        to_score, to_comment = (
            (later.old_score, later.old_comment) if later is not None else (r.now_score, r.now_comment)
        )
        changes.append(
            RatingChange(
                respondent=r.pseudonym,
                agency=r.agency,
                level=r.level,
                framework=r.framework,
                item=r.item,
                score_from=r.old_score,
                score_to=to_score,
                comment_from=r.old_comment or "",
                comment_to=to_comment or "",
                recorded_at=r.recorded_at,
                replaced_at=r.replaced_at,
                replaced_by=r.replaced_by or "",
            )
        )
    changes.sort(key=lambda c: (c.replaced_at.isoformat() if c.replaced_at else "", c.respondent, c.framework, c.item))
    return RatingChanges(area=ref.area, cycle=ref.cycle, changes=changes)


def changes_table(changes: RatingChanges) -> pd.DataFrame:
    """The changes as a page shows them: plain column names, don't know in words."""

    def score(x: int | None) -> str:
        return "don't know" if x is None else str(x)

    return pd.DataFrame(
        [
            {
                "When": c.replaced_at.strftime("%Y-%m-%d %H:%M") if c.replaced_at else "",
                "Who": c.respondent,
                "Agency": c.agency,
                "Level": c.level,
                "Statement": f"{c.framework}/{c.item}",
                "From": score(c.score_from),
                "To": score(c.score_to),
                "By": c.replaced_by,
            }
            for c in changes.changes
        ],
        columns=["When", "Who", "Agency", "Level", "Statement", "From", "To", "By"],
    )
