"""The whole analysis of one area and cycle: every score, gap, priority and Theory of Change node, and the change."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from toolkit.analysis.change import change_between
from toolkit.analysis.config import Config
from toolkit.analysis.frames import col, rows, series
from toolkit.analysis.gaps import gaps
from toolkit.analysis.priority import journey_priority
from toolkit.analysis.results import AreaAnalysis, Cell, Change, GroupCount, Opm
from toolkit.analysis.scores import WEIGHTING, breakdown, disagreement, fingerprints, item_stats, published, summaries
from toolkit.analysis.suppression import cycle_withheld, respondent_counts
from toolkit.analysis.toc import toc_health
from toolkit.analysis.toc_doc import TocDoc
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue
from toolkit.store.areas import CycleRef, previous_cycle, resolve_cycle
from toolkit.store.assumptions import assumption_register
from toolkit.store.ratings import ratings_frame
from toolkit.store.toc_versions import current_doc


def _broken_down(
    scores: pd.DataFrame,
    measures: Iterable[str],
    by: str,
    values: Sequence[str],
    min_n: int,
    present: Collection[tuple[str, str]],
) -> dict[str, dict[str, Cell]]:
    """Each measure's scores broken down by `by` (level or agency) over `values`: {measure: {value: Cell}}.

    `present`: the (measure, value) pairs somebody scored (Published.present), shown as hidden rather than empty.
    """
    return {
        m: breakdown(rows(scores, scores["measure"] == m), by, values, min_n, {v for k, v in present if k == m})
        for m in measures
    }


def analyse_frame(
    ratings: pd.DataFrame,
    cat: Catalogue,
    cfg: Config,
    *,
    area: str = "",
    cycle: str = "",
    assumptions: dict[str, dict[str, str]] | None = None,
    toc_doc: TocDoc | None = None,
) -> AreaAnalysis:
    """The whole analysis of one area and cycle from its ratings table (contracts section 5 keys, and more)."""
    min_n = cfg.min_group_size
    pub = published(ratings, cat, min_n)
    scores = pub.kept
    stage_scores = pub.shown("stage")
    by_stage = summaries(stage_scores, "stage", ids.STAGES, min_n, pub.present("stage"))
    at_level, at_agency = pub.present("stage", "level"), pub.present("stage", "agency")
    by_stage_level = _broken_down(stage_scores, ids.STAGES, "level", ids.LEVELS, min_n, at_level)
    agencies = tuple(a for a in ids.AGENCIES if a in set(ratings["agency"]))
    by_stage_agency = _broken_down(stage_scores, ids.STAGES, "agency", agencies, min_n, at_agency)
    c_scores = pub.shown("c")
    items = item_stats(ratings, cat, cfg, pub)
    stage, reason, detail = journey_priority(by_stage, by_stage_level, items, cfg)
    shown_rows = [
        k not in pub.withheld for k in zip(scores["kind"], scores["framework"], scores["measure"], strict=True)
    ]
    people = ratings.drop_duplicates("respondent")
    counts: dict[Any, int] = {k: int(n) for k, n in series(people.groupby(["agency", "level"]).size()).items()}
    table = respondent_counts(counts, min_n)  # smaller groups are pooled or left out (the suppression module)
    return AreaAnalysis(
        area=area,
        cycle=cycle,
        respondents=len(pub.people),
        min_group_size=min_n,
        weighting=WEIGHTING,
        respondents_by_agency_level=[
            GroupCount(agency=a, level=lv, n=n, suppressed=n is None) for (a, lv), n in table.items()
        ],
        dont_know=int(
            col(rows(ratings, col(ratings, "respondent").isin(list(pub.people["respondent"]))), "score").isna().sum()
        ),
        opm=Opm(
            by_stage=by_stage,
            by_stage_level=by_stage_level,
            by_stage_agency=by_stage_agency,
            priority_stage=stage,
            priority_reason=reason,
            priority_detail=detail,
        ),
        twelve_cs=summaries(c_scores, "c", ids.C_IDS, min_n, pub.present("c")),
        twelve_cs_by_level=_broken_down(c_scores, ids.C_IDS, "level", ids.LEVELS, min_n, pub.present("c", "level")),
        twelve_cs_groups=summaries(pub.shown("c_group"), "c_group", list(ids.C_GROUPS), min_n, pub.present("c_group")),
        items=items,
        disagreement=disagreement(items, cfg),
        gaps=gaps(rows(scores, np.asarray(shown_rows, dtype=bool)), cfg),
        toc=toc_health(cat, items, cfg, assumptions, toc_doc),
    )


def without_repeats(ratings: pd.DataFrame, before: pd.DataFrame | None, min_n: int) -> pd.DataFrame:
    """This cycle's ratings less the records withheld for differing from the previous cycle's by too few people."""
    if before is None or before.empty or ratings.empty:
        return ratings
    fb, fa = fingerprints(before), fingerprints(ratings)
    drop = {r for r, w in zip(fa.index, cycle_withheld(list(fb), list(fa), min_n), strict=True) if w}
    return rows(ratings, ~col(ratings, "respondent").isin(drop)) if drop else ratings


def published_ratings(ref: CycleRef, *, session: Session, min_n: int) -> pd.DataFrame:
    """A cycle's ratings as its figures may count them: without the records the cycle rule withholds."""
    ratings = ratings_frame(ref, session=session, with_comments=False)
    prev = previous_cycle(ref, session=session)
    before = ratings_frame(prev, session=session, with_comments=False) if prev is not None else None
    return without_repeats(ratings, before, min_n)


def analyse(
    area: str, cycle: str, *, session: Session, cat: Catalogue, cfg: Config | None = None, with_change: bool = True
) -> AreaAnalysis:
    """Load one area and cycle from the store and analyse it, with the change since its previous cycle."""
    cfg = cfg or Config.from_settings()
    ref = resolve_cycle(area, cycle, session=session)
    ratings = published_ratings(ref, session=session, min_n=cfg.min_group_size)
    result = analyse_frame(
        ratings,
        cat,
        cfg,
        area=area,
        cycle=cycle,
        assumptions=assumption_register(ref, session=session),
        toc_doc=current_doc(ref.area_id, session=session),
    )
    prev = previous_cycle(ref, session=session) if with_change else None
    if prev is None:
        return result
    before = published_ratings(prev, session=session, min_n=cfg.min_group_size)
    change = Change(from_=prev.cycle, to=cycle, measures=change_between(before, ratings, cat, cfg))
    return result.model_copy(update={"change": change})
