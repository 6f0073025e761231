"""Fictional demo partnerships: seeded, reproducible, each with a story, and a national-scale set for benchmarks."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from toolkit.capture.ratings_import import import_table
from toolkit.core import ids
from toolkit.core.catalogue import catalogue as default_catalogue
from toolkit.core.frameworks import Catalogue
from toolkit.store.areas import get_or_create_area
from toolkit.store.audit import CLI, record
from toolkit.store.db import session_scope

FICTIONAL = " (fictional)"
DEMO_NOTICE = "Demo data: these partnerships, people and ratings are synthetic and fictional."

# Node sets that the stories lean on (ids fixed in frameworks/theory_of_change.yaml).
WIDER_NODES = {"ult_wider_collaboration", "out_cross_agency_engagement"}
SHARING_NODES = {"int_information_sharing", "in_agreed_policies", "out_common_policies"}


@dataclass(frozen=True)
class Story:
    """How one demo partnership differs from an average one."""

    name: str
    summary: str
    base: float = 3.3
    tags: dict = field(default_factory=dict)
    agencies: tuple[str, ...] = ("local_authority", "police", "health", "education")
    respondents: int = 36
    stage_shift: dict[str, float] = field(default_factory=dict)
    stage_level_shift: dict[tuple[str, str], float] = field(default_factory=dict)
    node_shift: dict[frozenset, float] = field(default_factory=dict)
    agency_shift: dict[str, float] = field(default_factory=dict)
    c_shift: dict[str, float] = field(default_factory=dict)
    improvement: float = 0.15  # mean change per cycle
    context: dict = field(default_factory=dict)


STORIES: tuple[Story, ...] = (
    Story(
        name="Ashvale" + FICTIONAL,
        summary=(
            "Leaders agree the plan, but it has not reached the frontline: frontline staff rate Communicate far below "
            "strategic leaders."
        ),
        tags={"nation": "England", "type": "county", "police_footprint": "shared", "health_footprint": "single"},
        agencies=("local_authority", "police", "health", "education", "voluntary_community"),
        respondents=42,
        stage_level_shift={
            ("communicate", "frontline"): -1.5,
            ("communicate", "managerial"): -0.5,
            ("communicate", "strategic"): 0.5,
        },
        context={
            "prior_experience": "A long-standing local safeguarding children board before the reforms.",
            "cross_boundary_agencies": "The police force covers two other partnerships.",
        },
    ),
    Story(
        name="Brindlecombe" + FICTIONAL,
        summary=(
            "The three statutory partners work well together, but schools and voluntary groups are kept at arm's "
            "length and say so."
        ),
        tags={"nation": "England", "type": "unitary", "police_footprint": "single", "health_footprint": "shared"},
        agencies=("local_authority", "police", "health", "education", "voluntary_community", "other"),
        respondents=48,
        node_shift={frozenset(WIDER_NODES): -1.5},
        agency_shift={"education": -0.6, "voluntary_community": -0.8},
        c_shift={"c07_culture_of_challenge": -0.6, "c08_cohesion": -0.7},
        context={"local_need": "High deprivation in two coastal towns; many small voluntary groups."},
    ),
    Story(
        name="Corrowmere" + FICTIONAL,
        summary="A mature partnership, strong throughout: the toolkit should find little to fix.",
        base=4.3,
        tags={"nation": "Wales", "type": "county", "police_footprint": "shared", "health_footprint": "shared"},
        agencies=("local_authority", "police", "health", "education"),
        respondents=30,
        improvement=0.05,
        context={"prior_experience": "Ten years of joint commissioning; a co-located front door."},
    ),
    Story(
        name="Dunmarsh" + FICTIONAL,
        summary="Policies exist on paper, but information is not shared consistently between agencies.",
        tags={"nation": "England", "type": "metropolitan", "police_footprint": "shared", "health_footprint": "single"},
        agencies=("local_authority", "police", "health", "education"),
        respondents=24,
        node_shift={frozenset(SHARING_NODES): -1.5},
        c_shift={"c10_coordination_of_data": -0.9, "c08_cohesion": -0.4},
        context={"structural_change": "Two health trusts merged last year."},
    ),
)

_PREFIX = [
    "Ash",
    "Bram",
    "Cold",
    "Dun",
    "Elm",
    "Fern",
    "Gold",
    "Hart",
    "Ivy",
    "Kings",
    "Lark",
    "Marsh",
    "North",
    "Oak",
    "Pen",
    "Red",
    "Stone",
    "Thorn",
    "Under",
    "Wester",
    "Wil",
    "Yew",
    "Hazel",
    "Brook",
]
_SUFFIX = [
    "bury",
    "field",
    "ford",
    "ham",
    "ley",
    "mere",
    "moor",
    "stead",
    "ton",
    "wick",
    "combe",
    "dale",
    "holt",
    "well",
    "worth",
    "vale",
    "gate",
    "haven",
]


def _area_names(n: int, rng: np.random.Generator) -> list[str]:
    taken = {s.name.removesuffix(FICTIONAL) for s in STORIES}
    pool = [p + s for p in _PREFIX for s in _SUFFIX if p + s not in taken]
    rng.shuffle(pool)
    names = pool[:n]
    k = 2
    while len(names) < n:  # beyond the pool, number the names
        names += [f"{p} {k}" for p in pool[: n - len(names)]]
        k += 1
    return [x + FICTIONAL for x in names]


def _generic_story(name: str, rng: np.random.Generator) -> Story:
    stage = {s: float(rng.normal(0, 0.35)) for s in ids.STAGES}
    levels = {(s, lv): float(rng.normal(0, 0.25)) for s in ids.STAGES for lv in ids.LEVELS}
    n_ag = int(rng.integers(3, 7))
    agencies = (
        "local_authority",
        "police",
        "health",
        *rng.permutation(["education", "voluntary_community", "other"])[: n_ag - 3],
    )
    return Story(
        name=name,
        summary="A generated partnership for national-scale comparison.",
        base=float(rng.normal(3.3, 0.35)),
        tags={
            "nation": str(rng.choice(["England", "England", "England", "Wales"])),
            "type": str(rng.choice(["county", "unitary", "metropolitan", "london_borough"])),
            "police_footprint": str(rng.choice(["single", "shared"])),
            "health_footprint": str(rng.choice(["single", "shared"])),
        },
        agencies=tuple(agencies),
        stage_shift=stage,
        stage_level_shift=levels,
        improvement=float(rng.normal(0.1, 0.1)),
    )


COMMENTS = {
    "low": [
        "We hear about partnership decisions second hand, if at all.",
        "Not something I have seen in practice.",
        "Depends which manager you ask.",
        "Agreed in principle but not yet working.",
    ],
    "high": [
        "Discussed at every team meeting.",
        "A real strength since the joint training.",
        "Works well; we use it weekly.",
    ],
}


def generate_ratings(
    catalogue: Catalogue,
    *,
    areas: int = 4,
    cycles: tuple[str, ...] = ("2025", "2026"),
    seed: int = 7,
    respondents: int | None = None,
) -> tuple[pd.DataFrame, dict[str, Story]]:
    """Ratings of fictional areas in the ratings-file columns, and each area's story. Same seed, same data."""
    rng = np.random.default_rng(seed)
    stories = list(STORIES[:areas])
    stories += [_generic_story(n, rng) for n in _area_names(max(0, areas - len(STORIES)), rng)]
    items = [(fw.id, it) for fw in catalogue.rated for it in fw.items]
    n_items = len(items)
    item_effect = rng.normal(0, 0.3, n_items)
    frames = []
    for story in stories:
        # Per-story, per-item shift from its stage, level, nodes and C's.
        shift = np.zeros((len(ids.LEVELS), n_items))
        for j, (_fw, it) in enumerate(items):
            base = story.stage_shift.get(it.stage, 0.0) if it.stage else 0.0
            base += sum(v for nodes, v in story.node_shift.items() if nodes & set(it.toc_nodes))
            base += sum(story.c_shift.get(c, 0.0) for c in it.cs[:1])
            for li, lv in enumerate(ids.LEVELS):
                shift[li, j] = base + (story.stage_level_shift.get((it.stage, lv), 0.0) if it.stage else 0.0)
        n_resp = respondents or story.respondents
        for ci, cycle in enumerate(cycles):
            crng = np.random.default_rng([seed, zlib.crc32(story.name.encode()), ci])  # stable across processes
            level_idx = crng.choice(3, size=n_resp, p=[0.2, 0.3, 0.5])
            level_idx[:3] = [0, 1, 2]  # every level present
            agency = crng.choice(story.agencies, size=n_resp)
            agency[: len(story.agencies)] = story.agencies[:n_resp]
            person = crng.normal(0, 0.35, n_resp)
            agency_eff = np.array([story.agency_shift.get(a, 0.0) for a in agency])
            mean = (
                story.base
                + ci * story.improvement
                + item_effect[None, :]
                + shift[level_idx]
                + person[:, None]
                + agency_eff[:, None]
            )
            raw = np.clip(np.rint(mean + crng.normal(0, 0.7, mean.shape)), 1, 5)
            # Don't know: more often for statements about another level's work.
            about = np.array([ids.LEVELS.index(it.level) if it.level in ids.LEVELS else -1 for _f, it in items])
            other_level = (about[None, :] >= 0) & (about[None, :] != level_idx[:, None])
            dk = crng.random(mean.shape) < np.where(other_level, 0.12, 0.03)
            scores = np.where(dk, np.nan, raw)
            comments = np.full(mean.shape, "", dtype=object)
            pick = crng.random(mean.shape) < 0.015
            for r, j in zip(*np.nonzero(pick), strict=True):
                if not np.isnan(scores[r, j]):
                    bank = COMMENTS["low"] if scores[r, j] <= 2 else COMMENTS["high"] if scores[r, j] >= 4 else []
                    if bank:
                        comments[r, j] = bank[int(crng.integers(len(bank)))]
            resp_ids = [f"r{k + 1:03d}" for k in range(n_resp)]
            frames.append(
                pd.DataFrame(
                    {
                        "area": story.name,
                        "cycle": cycle,
                        "respondent": np.repeat(resp_ids, n_items),
                        "agency": np.repeat(agency, n_items),
                        "level": np.repeat(np.array(ids.LEVELS)[level_idx], n_items),
                        "framework": np.tile([f for f, _ in items], n_resp),
                        "item": np.tile([it.id for _, it in items], n_resp),
                        "score": pd.array(scores.ravel(), dtype="Float64").astype("Int64"),
                        "comment": comments.ravel(),
                    }
                )
            )
    return pd.concat(frames, ignore_index=True), {s.name: s for s in stories}


def load_demo(
    *,
    areas: int = 4,
    seed: int = 7,
    cycles: tuple[str, ...] = ("2025", "2026"),
    respondents: int | None = None,
    session=None,
    catalogue: Catalogue | None = None,
    actor: str = CLI,
):
    """Generate the demo partnerships and write them (tags, context, ratings, an audit line) in one transaction."""
    cat = catalogue or default_catalogue()
    df, stories = generate_ratings(cat, areas=areas, cycles=cycles, seed=seed, respondents=respondents)
    table = df.astype({"score": "string"}).fillna({"score": ""})

    def write(s):
        for story in stories.values():
            area = get_or_create_area(story.name, session=s, tags=story.tags, fictional=True)
            area.context = {**story.context, "story": story.summary}
        result = import_table(table, "demo", session=s, catalogue=cat)
        record("demo_load", actor=actor, session=s, target="demo", after={"areas": list(stories), "rows": result.rows})
        return result

    if session is not None:
        return write(session)
    with session_scope() as s:
        return write(s)
