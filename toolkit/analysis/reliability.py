"""Scale quality (issue 17): per stage and per C, Cronbach's alpha and each statement's item-rest correlation.

`scale_quality_of` is what the Results page shows to facilitators and administrators (the action
`view_scale_quality`, checked here): over the respondents the area's figures may count (the suppression rules), and
nothing over fewer than `min_group_size` complete answers. `in_words` says what each figure means.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from toolkit.access.accounts import Identity
from toolkit.access.scope import authorise_named
from toolkit.analysis.area import published_ratings
from toolkit.analysis.config import Config, item_table
from toolkit.analysis.frames import col, rows
from toolkit.analysis.results import Result
from toolkit.analysis.scores import published
from toolkit.core.frameworks import Catalogue
from toolkit.store.areas import resolve_cycle

# Below this alpha a scale is flagged as too unreliable to rank on: a common convention, not a cited figure.
UNRELIABLE = 0.6
GOOD = 0.8  # at or above: the statements hang together well (the same convention)
ACCEPTABLE = 0.7
WEAK_ITEM = 0.2  # an item-rest correlation under this: the statement does not go with the others


class ScaleQuality(Result):
    """Internal consistency of one stage or C over the respondents who answered every one of its statements."""

    kind: str
    measure: str
    n: int  # complete cases
    n_items: int
    alpha: float | None
    item_rest: dict[str, float | None]
    unreliable: bool
    note: str = ""


def cronbach_alpha(x: np.ndarray) -> float | None:
    """Cronbach's alpha of a respondents x items matrix of complete answers (None under 2 items or 2 people)."""
    x = np.asarray(x, float)
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] < 2:
        return None
    total = x.sum(axis=1).var(ddof=1)
    if total == 0:
        return None
    k = x.shape[1]
    return float(k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total))


def item_rest(x: np.ndarray) -> list[float | None]:
    """Each item's correlation with the sum of the other items (None where either is constant)."""
    x = np.asarray(x, float)
    out: list[float | None] = []
    for j in range(x.shape[1]):
        rest = np.delete(x, j, axis=1).sum(axis=1)
        a = x[:, j]
        out.append(None if a.std() == 0 or rest.std() == 0 else float(np.corrcoef(a, rest)[0, 1]))
    return out


def scale_quality(ratings: pd.DataFrame, cat: Catalogue, min_n: int) -> list[ScaleQuality]:
    """Alpha and item-rest per OPM stage and per 12 C's C, over complete cases; nothing over fewer than min_n."""
    meta = item_table(cat)
    out: list[ScaleQuality] = []
    for kind, fw, key in (("stage", "opm", "stage"), ("c", "twelve_cs", "c")):
        sub = meta[(meta["framework"] == fw) & meta[key].notna()]
        r = rows(ratings, col(ratings, "framework") == fw).dropna(subset=["score"])
        wide = r.pivot_table(index="respondent", columns="item", values="score", aggfunc="last")
        for measure, items in sub.groupby(key, sort=False)["item"]:
            cols = [i for i in items if i in wide.columns]
            x = wide[cols].dropna().to_numpy(float) if cols else np.empty((0, 0))
            n = int(x.shape[0]) if cols else 0
            if n < min_n or len(cols) < 2:
                note = f"fewer than {min_n} complete answers" if len(cols) >= 2 else "fewer than 2 statements"
                out.append(
                    ScaleQuality(
                        kind=kind,
                        measure=str(measure),
                        n=n,
                        n_items=len(cols),
                        alpha=None,
                        item_rest={},
                        unreliable=False,
                        note=note,
                    )
                )
                continue
            a = cronbach_alpha(x)
            ir = dict(zip(cols, (None if v is None else round(v, 2) for v in item_rest(x)), strict=True))
            bad = a is not None and a < UNRELIABLE
            out.append(
                ScaleQuality(
                    kind=kind,
                    measure=str(measure),
                    n=n,
                    n_items=len(cols),
                    alpha=None if a is None else round(a, 2),
                    item_rest=ir,
                    unreliable=bad,
                    note="too unreliable to rank on" if bad else "",
                )
            )
    return out


def in_words(q: ScaleQuality) -> str:
    """What one scale's figures mean, in plain words."""
    if q.alpha is None:
        return f"Not worked out: {q.note}." if q.note else "Not worked out: the answers do not vary."
    if q.alpha >= GOOD:
        verdict = "The statements hang together well: people who rate one high tend to rate the others high."
    elif q.alpha >= ACCEPTABLE:
        verdict = "The statements hang together acceptably."
    elif q.alpha >= UNRELIABLE:
        verdict = "The statements hang together only loosely: read the score with care."
    else:
        verdict = (
            "The statements do not hang together: the score mixes different things and is too unreliable to rank on."
        )
    odd = [i for i, r in q.item_rest.items() if r is not None and r < WEAK_ITEM]
    if odd:
        verdict += (
            f" {len(odd)} statement{'s' if len(odd) > 1 else ''} go{'' if len(odd) > 1 else 'es'} against the rest."
        )
    return verdict


def published_quality(ratings: pd.DataFrame, cat: Catalogue, min_n: int) -> list[ScaleQuality]:
    """scale_quality over the respondents the area's figures may count: a group the suppression rules leave out of
    every figure is left out here too."""
    people = published(ratings, cat, min_n).people
    return scale_quality(rows(ratings, col(ratings, "respondent").isin(list(people["respondent"]))), cat, min_n)


def scale_quality_of(
    who: Identity | None, area: str, cycle: str, *, session: Session, cat: Catalogue, cfg: Config
) -> list[ScaleQuality]:
    """The scale quality of one area and cycle, for an account that may see it there (AccessDenied otherwise)."""
    authorise_named(who, "view_scale_quality", area, session=session)
    ref = resolve_cycle(area, cycle, session=session)
    ratings = published_ratings(ref, session=session, min_n=cfg.min_group_size)
    return published_quality(ratings, cat, cfg.min_group_size)
