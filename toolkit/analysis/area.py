"""The whole analysis of one area and cycle: every score, gap, priority and Theory of Change node, and the change."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from toolkit.analysis.change import change_between
from toolkit.analysis.config import Config
from toolkit.analysis.frames import col, rows, series
from toolkit.analysis.gaps import gaps
from toolkit.analysis.priority import journey_priority
from toolkit.analysis.results import AreaAnalysis, Change, GroupCount, Opm
from toolkit.analysis.scores import WEIGHTING, breakdown, disagreement, item_stats, respondent_scores, summaries
from toolkit.analysis.suppression import suppressed_keys
from toolkit.analysis.toc import toc_health
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue
from toolkit.store.areas import previous_cycle, resolve_cycle
from toolkit.store.assumptions import assumption_register
from toolkit.store.ratings import ratings_frame


def analyse_frame(
    ratings: pd.DataFrame,
    cat: Catalogue,
    cfg: Config,
    *,
    area: str = "",
    cycle: str = "",
    assumptions: dict[str, dict[str, str]] | None = None,
) -> AreaAnalysis:
    """The whole analysis of one area and cycle from its ratings table (contracts section 5 keys, and more)."""
    min_n = cfg.min_group_size
    scores = respondent_scores(ratings, cat)
    stage_scores = rows(scores, scores["kind"] == "stage")
    by_stage = summaries(scores, "stage", ids.STAGES, min_n)
    by_stage_level = {
        st: breakdown(rows(stage_scores, stage_scores["measure"] == st), "level", ids.LEVELS, min_n)
        for st in ids.STAGES
    }
    agencies = tuple(a for a in ids.AGENCIES if a in set(ratings["agency"]))
    by_stage_agency = {
        st: breakdown(rows(stage_scores, stage_scores["measure"] == st), "agency", agencies, min_n) for st in ids.STAGES
    }
    c_scores = rows(scores, scores["kind"] == "c")
    items = item_stats(ratings, cat, cfg)
    stage, reason, detail = journey_priority(by_stage, by_stage_level, items, cfg)
    people = ratings.drop_duplicates("respondent")
    counts: dict[Any, int] = {k: int(n) for k, n in series(people.groupby(["agency", "level"]).size()).items()}
    hidden = suppressed_keys(counts, min_n)  # with a second cell when one alone could be subtracted
    return AreaAnalysis(
        area=area,
        cycle=cycle,
        respondents=int(col(ratings, "respondent").nunique()),
        min_group_size=min_n,
        weighting=WEIGHTING,
        respondents_by_agency_level=[
            GroupCount(agency=a, level=lv, n=None if (a, lv) in hidden else n, suppressed=(a, lv) in hidden)
            for (a, lv), n in counts.items()
        ],
        dont_know=int(col(ratings, "score").isna().sum()),
        opm=Opm(
            by_stage=by_stage,
            by_stage_level=by_stage_level,
            by_stage_agency=by_stage_agency,
            priority_stage=stage,
            priority_reason=reason,
            priority_detail=detail,
        ),
        twelve_cs=summaries(scores, "c", ids.C_IDS, min_n),
        twelve_cs_by_level={
            c: breakdown(rows(c_scores, c_scores["measure"] == c), "level", ids.LEVELS, min_n) for c in ids.C_IDS
        },
        twelve_cs_groups=summaries(scores, "c_group", list(ids.C_GROUPS), min_n),
        items=items,
        disagreement=disagreement(items, cfg),
        gaps=gaps(scores, cfg),
        toc=toc_health(cat, items, cfg, assumptions),
    )


def analyse(
    area: str, cycle: str, *, session: Session, cat: Catalogue, cfg: Config | None = None, with_change: bool = True
) -> AreaAnalysis:
    """Load one area and cycle from the store and analyse it, with the change since its previous cycle."""
    cfg = cfg or Config.from_settings()
    ref = resolve_cycle(area, cycle, session=session)
    ratings = ratings_frame(ref, session=session, with_comments=False)
    result = analyse_frame(
        ratings, cat, cfg, area=area, cycle=cycle, assumptions=assumption_register(ref, session=session)
    )
    prev = previous_cycle(ref, session=session) if with_change else None
    if prev is None:
        return result
    before = ratings_frame(prev, session=session, with_comments=False)
    change = Change(from_=prev.cycle, to=cycle, measures=change_between(before, ratings, cat, cfg))
    return result.model_copy(update={"change": change})
