"""toolkit.analysis.scores on crafted ratings of the real catalogue: scores, weighting, anonymity, journey priority, gaps."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd
import pytest
from scipy.stats import mannwhitneyu

from toolkit.analysis.area import analyse_frame
from toolkit.analysis.config import Config, item_table
from toolkit.analysis.results import AreaAnalysis, Cell
from toolkit.analysis.scores import respondent_scores
from toolkit.analysis.suppression import suppressed_keys, unit_roles
from toolkit.core import ids
from toolkit.core.settings import get_settings

# ---- crafting ratings -----------------------------------------------------------------------------------------


def people(spec: dict[tuple[str, str], int], prefix: str = "p") -> pd.DataFrame:
    """Respondents: {(agency, level): how many} -> respondent, agency, level."""
    rows = []
    for (agency, level), n in spec.items():
        rows += [{"respondent": f"{prefix}{len(rows) + k:03d}", "agency": agency, "level": level} for k in range(n)]
    return pd.DataFrame(rows)


def even_team(per_level: int, agencies: tuple[str, ...] = ("local_authority", "police", "health")) -> pd.DataFrame:
    """per_level respondents at each level, spread round-robin over the agencies."""
    rows = []
    for lv in ids.LEVELS:
        rows += [
            {"respondent": f"{lv[:3]}{k:02d}", "agency": agencies[k % len(agencies)], "level": lv}
            for k in range(per_level)
        ]
    return pd.DataFrame(rows)


def craft(cat, who: pd.DataFrame, score: Callable[[pd.DataFrame], np.ndarray], frameworks=("opm", "twelve_cs")):
    """Every respondent rates every item of the frameworks; score(grid) gives a float per row (NaN = don't know).

    The grid has the respondent columns and the item's framework, item, stage, about_level, c, toc_nodes, order.
    """
    items = item_table(cat)
    items = items[items["framework"].isin(frameworks)]
    grid = who.merge(items.drop(columns=["text"]), how="cross")
    values = np.asarray(score(grid), dtype=float)
    out = grid[["respondent", "agency", "level", "framework", "item"]].copy()
    out["score"] = pd.array(np.clip(np.rint(values), 1, 5), dtype="Float64").astype("Int64")
    out.loc[np.isnan(values), "score"] = pd.NA
    return out.reset_index(drop=True)


def noisy(grid: pd.DataFrame, mean: np.ndarray | float, seed: int, sd: float = 0.6) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.asarray(mean, float) + rng.normal(0, sd, len(grid))


def stage_level(table: dict[tuple[str, str], float], default: float) -> Callable[[pd.DataFrame], np.ndarray]:
    """Constant score per (stage, level of respondent); twelve_cs items get the default."""
    return lambda g: np.array([table.get((s, lv), default) for s, lv in zip(g["stage"], g["level"], strict=True)])


def walk(doc, path: str = "") -> Iterator[tuple[str, str, object]]:
    """Every (path, key, value) leaf of a JSON document."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            if isinstance(v, dict | list):
                yield from walk(v, f"{path}/{k}")
            else:
                yield f"{path}/{k}", str(k), v
    elif isinstance(doc, list):
        for k, v in enumerate(doc):
            yield from walk(v, f"{path}[{k}]")


MEAN_KEYS = {"mean", "plain_mean", "mean_a", "mean_b", "score", "before", "after", "overall"}
COUNT_KEYS = {"n", "n_a", "n_b", "n_before", "n_after", "respondents", "size"}


def as_json(result: AreaAnalysis) -> AreaAnalysis:
    """Round-trip through strict JSON, as the CLI and pages see it (NaN would fail here), and back into the model."""
    return AreaAnalysis.model_validate(json.loads(json.dumps(result.model_dump(mode="json"), allow_nan=False)))


@pytest.fixture(scope="module")
def cat():
    from toolkit.core.frameworks import load_catalogue

    return load_catalogue()


@pytest.fixture(scope="module")
def items(cat) -> pd.DataFrame:
    return item_table(cat)


# ---- scores ---------------------------------------------------------------------------------------------------


def _respondent_means(ratings: pd.DataFrame, items: pd.DataFrame, by: str) -> pd.DataFrame:
    """Independent reference: each respondent's mean over their answered items per `by` (stage or c)."""
    r = ratings.dropna(subset=["score"]).merge(items[["framework", "item", "stage", "c"]], on=["framework", "item"])
    r = r[r[by].notna()]
    return r.groupby(["respondent", "level", "agency", by])["score"].mean().astype(float).reset_index()


@pytest.fixture(scope="module")
def mixed(cat):
    """4 strategic, 7 managerial, 8 frontline in three agencies; noisy scores with about 15% don't know.

    Every agency x level cell is at least 3 or pooled with its level's other small cells into at least 3, none more
    than half its pool (issue 14: a small cell that cannot be pooled is left out of every figure; the tests below
    cover that on their own).
    """
    who = people(
        {
            ("local_authority", "strategic"): 2,
            ("police", "strategic"): 2,
            ("local_authority", "managerial"): 3,
            ("health", "managerial"): 2,
            ("police", "managerial"): 2,
            ("police", "frontline"): 3,
            ("health", "frontline"): 5,
        }
    )
    level_shift = {"strategic": 0.8, "managerial": 0.0, "frontline": -0.6}

    def score(g):
        rng = np.random.default_rng(42)
        v = 3.2 + g["level"].map(level_shift).to_numpy() + rng.normal(0, 0.9, len(g))
        v[rng.random(len(g)) < 0.15] = np.nan
        return v

    ratings = craft(cat, who, score)
    return ratings, analyse_frame(ratings, cat, Config())


def test_stage_scores_match_an_independent_computation(mixed, items) -> None:
    ratings, result = mixed
    per = _respondent_means(ratings, items, "stage")
    for stage in ids.STAGES:
        s = per[per["stage"] == stage]
        levels = s.groupby("level")["score"].mean()
        got = result.opm.by_stage[stage]
        assert got.n == len(s) == 19
        assert got.plain_mean == pytest.approx(s["score"].mean(), abs=0.006)
        assert got.mean == pytest.approx(levels.mean(), abs=0.006)  # every level has >= 3 people
        for lv in ids.LEVELS:
            cell = result.opm.by_stage_level[stage][lv]
            assert cell.n == (s["level"] == lv).sum()
            assert cell.mean == pytest.approx(levels[lv], abs=0.006)
        # an agency's figure stands on its own cells of at least 3 (pooled small cells belong to no agency)
        own = s.groupby(["level", "agency"])["score"].transform("size") >= 3
        by_agency = s[own].groupby("agency")["score"].agg(["mean", "size"])
        for ag, row in by_agency.iterrows():
            cell = result.opm.by_stage_agency[stage][ag]
            assert cell.model_dump() == {
                "mean": pytest.approx(row["mean"], abs=0.006),
                "n": row["size"],
                "suppressed": False,
                "plain_mean": None,
            }


def test_twelve_cs_and_groups_match_an_independent_computation(mixed, items) -> None:
    ratings, result = mixed
    per = _respondent_means(ratings[ratings["framework"] == "twelve_cs"], items, "c")
    assert set(result.twelve_cs) == set(ids.C_IDS)
    for c in ids.C_IDS:
        s = per[per["c"] == c]
        got = result.twelve_cs[c]
        assert got.n == len(s)
        assert got.plain_mean == pytest.approx(s["score"].mean(), abs=0.006)
        assert got.mean == pytest.approx(s.groupby("level")["score"].mean().mean(), abs=0.006)
        lv = s.groupby("level")["score"].mean()
        for level in ids.LEVELS:
            assert result.twelve_cs_by_level[c][level].mean == pytest.approx(lv[level], abs=0.006)
    r = ratings[ratings["framework"] == "twelve_cs"].dropna(subset=["score"]).merge(items, on=["framework", "item"])
    for group, cs in ids.C_GROUPS.items():
        sub = r[r["c"].isin(cs)].groupby(["respondent", "level"])["score"].mean().astype(float).reset_index()
        got = result.twelve_cs_groups[group]
        assert got.n == len(sub)
        assert got.plain_mean == pytest.approx(sub["score"].mean(), abs=0.006)
        assert got.mean == pytest.approx(sub.groupby("level")["score"].mean().mean(), abs=0.006)


def test_item_scores_distribution_sd_and_dont_know(mixed, items) -> None:
    ratings, result = mixed
    by_item = {(i.framework, i.item): i for i in result.items}
    assert set(by_item) == set(zip(items["framework"], items["item"], strict=True))
    withheld = 0
    for (fw, item), got in by_item.items():
        rows = ratings[(ratings["framework"] == fw) & (ratings["item"] == item)]
        # the unit rule on this statement's answers: a cell of fewer than 3 answering is pooled with its level's
        # other small cells, or left out when they are still fewer than 3
        answered_rows = rows.dropna(subset=["score"])
        cells = answered_rows.groupby(["level", "agency"]).size()
        roles = unit_roles({(lv, a): int(n) for (lv, a), n in cells.items()}, 3)
        keep = [
            roles[(lv, a)] != "withheld" for lv, a in zip(answered_rows["level"], answered_rows["agency"], strict=True)
        ]
        rows = pd.concat([answered_rows[keep], rows[rows["score"].isna()]])
        answered = rows["score"].dropna().astype(float)
        if got.suppressed and len(answered) >= 3:
            # withheld by the coverage rule: in some level or agency, one or two respondents skipped or did not
            # know some statements of its stage or C, so the statements' figures beside the stage's would find them
            withheld += 1
            continue
        assert got.n == len(answered)
        assert got.dont_know == rows["score"].isna().sum()
        assert got.distribution == {str(k): int((answered == k).sum()) for k in range(1, 6)}
        assert sum(got.distribution.values()) == got.n
        assert got.sd == pytest.approx(answered.std(), abs=0.006)
        assert got.plain_mean == pytest.approx(answered.mean(), abs=0.006)
        level_means = rows.dropna(subset=["score"]).groupby("level")["score"].agg(["mean", "size"])
        hidden = suppressed_keys(dict(level_means["size"].astype(int)), 3)
        shown = level_means[~level_means.index.isin(hidden)]["mean"].astype(float)
        assert got.mean == pytest.approx(shown.mean() if len(shown) else answered.mean(), abs=0.006)
    assert result.dont_know == ratings["score"].isna().sum()
    assert result.respondents == 19
    assert withheld < len(by_item) / 2


def test_dont_know_is_counted_never_averaged(cat) -> None:
    """Everyone who answers says 4; a third say don't know. Averaging blanks as anything would move the mean."""
    who = even_team(6)  # 2 + 2 + 2 per level: a don't-know leaves no cell more than half its level's pool

    def score(g):
        v = np.full(len(g), 4.0)
        v[np.arange(len(g)) % 3 == 0] = np.nan
        return v

    ratings = craft(cat, who, score)
    result = as_json(analyse_frame(ratings, cat, Config()))
    for stage in ids.STAGES:
        assert result.opm.by_stage[stage].mean == 4.0
        assert result.opm.by_stage[stage].plain_mean == 4.0
    for c in ids.C_IDS:
        assert result.twelve_cs[c].mean == 4.0
    withheld = 0
    for it in result.items:
        rows = ratings[ratings["item"] == it.item]
        if it.suppressed:
            # the coverage rule (issue 14): don't-knows give respondents different answer patterns, so the stage's
            # figure less some weighting of its statements would leave one or two; one statement per stage or C goes
            withheld += 1
            continue
        assert it.mean == 4.0
        assert it.dont_know == rows["score"].isna().sum() > 0
        # a level's answers to a statement in cells too small to pool (issue 14) are left out, never averaged
        assert it.n + it.dont_know <= 18
        assert it.distribution["4"] == it.n
    assert withheld <= len(ids.STAGES) + len(ids.C_IDS)
    assert result.dont_know == ratings["score"].isna().sum()


def test_a_respondent_who_only_says_dont_know_is_not_counted_in_n(cat) -> None:
    who = even_team(4)

    def score(g):
        v = np.full(len(g), 3.0)
        v[(g["respondent"] == "fro00").to_numpy() & (g["stage"] == "commit").to_numpy()] = np.nan
        return v

    result = analyse_frame(craft(cat, who, score), cat, Config())
    assert result.opm.by_stage["commit"].n == 11
    assert result.opm.by_stage["consider"].n == 12
    assert result.opm.by_stage_level["commit"]["frontline"].n == 3
    assert result.respondents == 12


def test_level_balanced_mean_is_not_drowned_by_numbers(cat) -> None:
    """20 frontline staff at 2 and 4 strategic leaders at 5: each level counts equally in the headline mean."""
    who = people({("local_authority", "frontline"): 10, ("police", "frontline"): 10, ("health", "strategic"): 4})
    ratings = craft(cat, who, lambda g: np.where(g["level"] == "frontline", 2.0, 5.0))
    result = analyse_frame(ratings, cat, Config())
    for stage in ids.STAGES:
        got = result.opm.by_stage[stage]
        assert got.mean == 3.5
        assert got.plain_mean == 2.5
        assert got.n == 24
    for c in ids.C_IDS:
        assert result.twelve_cs[c].mean == 3.5
        assert result.twelve_cs[c].plain_mean == 2.5
    assert result.items[0].mean == 3.5 and result.items[0].plain_mean == 2.5
    text = result.weighting.lower()
    assert "level" in text and "plain" in text


def test_a_level_under_the_threshold_is_left_out_of_the_balanced_mean(cat) -> None:
    who = people({("local_authority", "frontline"): 10, ("police", "managerial"): 5, ("health", "strategic"): 2})
    ratings = craft(cat, who, lambda g: g["level"].map({"frontline": 2.0, "managerial": 4.0, "strategic": 5.0}))
    got = analyse_frame(ratings, cat, Config()).opm.by_stage["consider"]
    # The two leaders are left out of every figure (issue 14), plain mean and n too, so nothing subtracts to them
    # and managerial need not be hidden with them: the headline weighs frontline's 2.0 and managerial's 4.0.
    assert got.mean == 3.0
    assert got.plain_mean == pytest.approx((10 * 2 + 5 * 4) / 15, abs=0.006)
    assert got.n == 15


def test_most_disagreement_items_are_flagged(cat, items) -> None:
    """An item that splits the room (half 1, half 5) is flagged first; a consensual one is never flagged."""
    opm = items[items["framework"] == "opm"]
    split = opm[opm["stage"] == "create"]["item"].iloc[0]
    mild = opm[opm["stage"] == "commit"]["item"].iloc[0]
    consensual = opm[opm["stage"] == "consider"]["item"].iloc[0]
    who = even_team(6)
    k = who.reset_index().set_index("respondent")["index"]

    def score(g):
        idx = g["respondent"].map(k).to_numpy()
        v = np.where(idx % 3 == 0, 3.0, 4.0)  # background: mild, SD 0.5
        v = np.where(g["item"] == split, np.where(idx % 2 == 0, 1.0, 5.0), v)
        v = np.where(g["item"] == mild, np.where(idx % 2 == 0, 2.0, 4.0), v)
        return np.where(g["item"] == consensual, 3.0, v)

    result = analyse_frame(craft(cat, who, score), cat, Config())
    flagged = [d.item for d in result.disagreement]
    assert flagged[0] == split
    assert mild in flagged and flagged.index(mild) > 0
    assert consensual not in flagged
    top = result.disagreement[0]
    assert top.sd > 2 and top.polarisation == 0.5
    by_item = {i.item: i for i in result.items}
    assert by_item[consensual].sd == 0.0 and by_item[consensual].polarisation == 0.0


# ---- anonymity ------------------------------------------------------------------------------------------------


def _leaks(
    result: AreaAnalysis,
    small_ids: set[str],
    small_ns: set[int],
    small_mean_max: float,
    leave_out: set[str] | None = None,
) -> list[str]:
    """Places in the JSON where the small group's ids, size or own mean show (top-level keys leave_out aside)."""
    doc = result.model_dump(mode="json", exclude=leave_out)
    text = json.dumps(doc)
    found = [f"id {i}" for i in small_ids if i in text]
    for path, key, value in walk(doc):
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if key in COUNT_KEYS and value in small_ns:
            found.append(f"{path} = {value}")
        if key in MEAN_KEYS and value <= small_mean_max:
            found.append(f"{path} = {value}")
    return found


def _with_small_group(cat, big: dict[tuple[str, str], int], small: tuple[str, str], n_small: int) -> pd.DataFrame:
    """Big groups rate 3-5; the small group rates 1 on every item, so any mean at 1.0 can only be theirs."""
    who = pd.concat(
        [people(big, "p"), people({small: n_small}, "tiny")], ignore_index=True
    )  # tiny000... are the small group's pseudonyms

    def score(g):
        v = noisy(g, 4.0, seed=9, sd=0.7)
        v = np.clip(v, 3, 5)
        return np.where(g["respondent"].str.startswith("tiny"), 1.0, v)

    return craft(cat, who, score)


def test_groups_of_two_never_appear_in_any_output(cat) -> None:
    big = {
        ("local_authority", "strategic"): 4,
        ("local_authority", "managerial"): 5,
        ("local_authority", "frontline"): 6,
        ("police", "managerial"): 3,
        ("police", "frontline"): 7,
        ("health", "strategic"): 3,
        ("health", "frontline"): 5,
    }
    ratings = _with_small_group(cat, big, ("voluntary_community", "strategic"), 2)
    result = as_json(analyse_frame(ratings, cat, Config(min_group_size=3), area="X", cycle="1"))
    assert _leaks(result, {"tiny000", "tiny001"}, {2}, 1.0) == []
    for stage in ids.STAGES:
        cell = result.opm.by_stage_agency[stage]["voluntary_community"]
        assert cell.mean is None and cell.n is None and cell.suppressed is True
        # left out of every figure (issue 14): the headline's n and plain mean do not count the pair, so no
        # second group needs hiding to stop a subtraction
        assert result.opm.by_stage[stage].n == sum(big.values())
    assert not [g for g in result.gaps if "voluntary_community" in g.between]
    cells = result.respondents_by_agency_level
    assert {(c.agency, c.level) for c in cells if c.suppressed} >= {("voluntary_community", "strategic")}
    assert all(c.n is None for c in cells if c.suppressed)
    # the check can fail: with a threshold of 2 the pair is shown
    assert _leaks(as_json(analyse_frame(ratings, cat, Config(min_group_size=2))), set(), {2}, 1.0)


def test_a_small_group_cannot_be_worked_out_from_the_total_and_the_gaps(cat) -> None:
    """Total (plain mean x n) minus every agency shown in the gaps must not leave the pair of respondents alone."""
    big = {
        ("local_authority", "strategic"): 4,
        ("local_authority", "managerial"): 5,
        ("local_authority", "frontline"): 6,
        ("police", "managerial"): 3,
        ("police", "frontline"): 7,
        ("health", "strategic"): 3,
        ("health", "frontline"): 5,
    }
    ratings = _with_small_group(cat, big, ("voluntary_community", "strategic"), 2)
    result = as_json(analyse_frame(ratings, cat, Config()))
    for stage in ids.STAGES:
        total = result.opm.by_stage[stage]
        shown = [g for g in result.gaps if g.kind == "agency" and g.between[1] == "others" and g.stage == stage]
        rest_n = total.n - sum(g.n_a for g in shown)
        assert rest_n == 0 or rest_n >= 3, f"{stage}: the {rest_n} respondents left over can be worked out"
        if rest_n:
            rest_mean = (total.plain_mean * total.n - sum(g.mean_a * g.n_a for g in shown)) / rest_n
            assert rest_mean > 2  # a mixture with shown-size groups, not the pair's own 1.0


def test_respondent_counts_cannot_be_worked_out_by_subtraction(cat) -> None:
    """The total is shown, so a single hidden agency x level cell would reveal its size: hide a second one."""
    big = {
        ("local_authority", "strategic"): 4,
        ("local_authority", "managerial"): 5,
        ("local_authority", "frontline"): 6,
        ("police", "frontline"): 7,
        ("health", "frontline"): 5,
    }
    ratings = _with_small_group(cat, big, ("health", "managerial"), 2)
    result = as_json(analyse_frame(ratings, cat, Config()))
    cells = result.respondents_by_agency_level
    hidden = [c for c in cells if c.suppressed]
    assert [(c.agency, c.level) for c in hidden] == [("health", "managerial")]
    # the total counts only the respondents the figures stand on (issue 14): nothing is left to subtract
    assert result.respondents == sum(c.n for c in cells if not c.suppressed) == sum(big.values())
    assert _leaks(result, {"tiny000", "tiny001"}, {2}, 1.0) == []


def test_configured_min_group_size_of_five_hides_groups_of_four(cat) -> None:
    big = {
        ("local_authority", "strategic"): 6,
        ("local_authority", "managerial"): 6,
        ("local_authority", "frontline"): 7,
        ("police", "strategic"): 5,
        ("police", "frontline"): 8,
        ("health", "managerial"): 6,
        ("health", "frontline"): 9,
    }
    ratings = _with_small_group(cat, big, ("education", "frontline"), 4)
    result = as_json(analyse_frame(ratings, cat, Config(min_group_size=5)))
    assert result.min_group_size == 5
    assert _leaks(result, {"tiny000", "tiny003"}, {4}, 1.0) == []
    assert not [g for g in result.gaps if "education" in g.between]
    assert all(min(g.n_a, g.n_b) >= 5 for g in result.gaps)
    # the same ratings with the default threshold do show the group of four: the check above can fail
    shown = as_json(analyse_frame(ratings, cat, Config(min_group_size=3)))
    assert shown.opm.by_stage_agency["consider"]["education"] == Cell(mean=1.0, n=4)


def test_whole_analysis_of_a_tiny_area_shows_no_numbers(cat) -> None:
    """Two respondents in all: nothing but suppressed cells and counts of zero."""
    who = people({("local_authority", "strategic"): 1, ("police", "frontline"): 1}, "tiny")
    ratings = craft(cat, who, lambda g: np.full(len(g), 2.0))
    result = as_json(analyse_frame(ratings, cat, Config()))
    assert result.opm.priority_stage is None
    assert result.gaps == [] and result.disagreement == []
    assert _leaks(result, {"tiny000", "tiny001"}, {1, 2}, 5.0, leave_out={"respondents"}) == []
    assert {n.status for n in result.toc.nodes} == {"unknown"}


# ---- journey priority -----------------------------------------------------------------------------------------


def _journey(cat, items, table: dict[tuple[str, str], float], default: float = 4.0, per_level: int = 6, **cfg):
    return analyse_frame(craft(cat, even_team(per_level), stage_level(table, default)), cat, Config(**cfg)).opm


def _frontline_communicate_weak(items) -> tuple[Callable, list[str]]:
    """Frontline rate Communicate 2, except three named items they rate 1 (the weakest)."""
    comm = items[(items["framework"] == "opm") & (items["stage"] == "communicate")]["item"].tolist()
    worst = comm[-3:]

    def score(g, base):
        v = base(g)
        front_comm = (g["level"] == "frontline").to_numpy() & (g["stage"] == "communicate").to_numpy()
        v = np.where(front_comm, 2.0, v)
        return np.where(front_comm & g["item"].isin(worst).to_numpy(), 1.0, v)

    return score, worst


def test_weak_only_at_frontline_communicate_makes_communicate_the_priority(cat, items) -> None:
    score, worst = _frontline_communicate_weak(items)
    base = stage_level({}, 4.0)
    opm = analyse_frame(craft(cat, even_team(6), lambda g: score(g, base)), cat, Config()).opm
    assert opm.by_stage["communicate"].mean >= 3.0  # not weak overall: only the frontline is
    assert opm.priority_stage == "communicate"
    reason = opm.priority_reason
    front = opm.by_stage_level["communicate"]["frontline"]
    assert reason.startswith("Communicate: frontline")
    assert f"{front.mean:.1f}" in reason and "n=6" in reason
    assert "strategic 4.0" in reason or "managerial 4.0" in reason
    assert "Consider and Create" in reason
    assert set(opm.priority_detail.weakest_items) == set(worst)
    texts = item_table(cat).set_index("item")["text"]
    for item in worst:
        assert texts[item] in reason


def test_consider_comes_first_when_it_is_also_weak(cat, items) -> None:
    score, _ = _frontline_communicate_weak(items)
    base = stage_level({("consider", "frontline"): 2.0}, 4.0)
    opm = analyse_frame(craft(cat, even_team(6), lambda g: score(g, base)), cat, Config()).opm
    assert opm.priority_stage == "consider"
    assert opm.priority_reason.startswith("Consider: frontline 2.0 (n=6)")


def test_create_weak_at_one_level_blocks_communicate(cat, items) -> None:
    score, _ = _frontline_communicate_weak(items)
    base = stage_level({("create", "managerial"): 2.0}, 4.0)
    opm = analyse_frame(craft(cat, even_team(6), lambda g: score(g, base)), cat, Config()).opm
    assert opm.priority_stage == "create"
    assert "managerial 2.0" in opm.priority_reason


def test_weak_consider_is_the_priority_even_when_commit_is_weaker(cat, items) -> None:
    table = {(s, lv): v for lv in ids.LEVELS for s, v in (("consider", 2.0), ("commit", 1.0))}
    opm = _journey(cat, items, table)
    assert opm.by_stage["commit"].mean < opm.by_stage["consider"].mean < 3
    assert opm.priority_stage == "consider"
    assert opm.priority_reason.startswith("Consider")


def test_all_strong_gives_the_weakest_stage_and_says_none_is_below(cat, items) -> None:
    table = {
        (s, lv): v
        for lv in ids.LEVELS
        for s, v in (("consider", 5.0), ("create", 4.0), ("communicate", 3.0), ("commit", 5.0))
    }
    opm = _journey(cat, items, table)
    assert opm.priority_stage == "communicate"
    assert "No stage is below 3" in opm.priority_reason
    assert opm.priority_reason.startswith("Communicate: 3.0 overall (n=18)")


def test_priority_threshold_is_configurable(cat, items) -> None:
    table = {
        (s, lv): v
        for lv in ids.LEVELS
        for s, v in (("consider", 5.0), ("create", 4.0), ("communicate", 3.0), ("commit", 5.0))
    }
    ratings = craft(cat, even_team(6), stage_level(table, 4.0))
    assert analyse_frame(ratings, cat, Config(priority_threshold=3.0)).opm.priority_stage == "communicate"
    strict = analyse_frame(ratings, cat, Config(priority_threshold=4.5)).opm
    assert strict.priority_stage == "create"  # the earliest stage under 4.5, not the weakest
    assert strict.priority_detail.threshold == 4.5
    assert "Consider is at or above 4.5" in strict.priority_reason


def test_priority_threshold_comes_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOOLKIT_PRIORITY_THRESHOLD", "3.6")
    monkeypatch.setenv("TOOLKIT_MIN_GROUP_SIZE", "5")
    get_settings.cache_clear()
    try:
        cfg = Config.from_settings()
    finally:
        get_settings.cache_clear()
    assert (cfg.priority_threshold, cfg.min_group_size) == (3.6, 5)


def test_no_priority_without_enough_ratings(cat) -> None:
    ratings = craft(cat, even_team(4), lambda g: np.full(len(g), 3.0), frameworks=("twelve_cs",))
    opm = analyse_frame(ratings, cat, Config()).opm
    assert opm.priority_stage is None
    assert "Not enough" in opm.priority_reason


# ---- perception gaps ------------------------------------------------------------------------------------------


def _gap(result: dict, a: str, b: str, *, stage: str | None = None, item: str | None = None, c: str | None = None):
    found = [g for g in result.gaps if g.between == [a, b] and g.stage == stage and g.item == item and g.c == c]
    assert len(found) <= 1
    return found[0] if found else None


@pytest.fixture(scope="module")
def communicate_gap(cat):
    """12 strategic leaders rate Communicate about 4.2, 20 frontline staff about 2.3; everything else about 3.5."""
    who = pd.concat(
        [
            people({("local_authority", "strategic"): 6, ("police", "strategic"): 6}, "s"),
            people({("health", "frontline"): 10, ("education", "frontline"): 10}, "f"),
            people({("police", "managerial"): 8}, "m"),
        ],
        ignore_index=True,
    )

    def score(g):
        comm = (g["stage"] == "communicate").to_numpy()
        mean = np.where(comm & (g["level"] == "strategic").to_numpy(), 4.2, 3.5)
        mean = np.where(comm & (g["level"] == "frontline").to_numpy(), 2.3, mean)
        return noisy(g, mean, seed=3, sd=0.8)

    ratings = craft(cat, who, score)
    return ratings, analyse_frame(ratings, cat, Config())


def test_a_real_strategic_frontline_gap_on_communicate_is_found(communicate_gap, items) -> None:
    ratings, result = communicate_gap
    gap = _gap(result, "strategic", "frontline", stage="communicate")
    assert gap is not None and gap.kind == "level" and gap.framework == "opm"
    assert gap.significant is True
    assert 1.4 < gap.difference < 2.4
    assert (gap.n_a, gap.n_b) == (12, 20)
    per = _respondent_means(ratings, items, "stage")
    comm = per[per["stage"] == "communicate"]
    s, f = comm[comm["level"] == "strategic"]["score"], comm[comm["level"] == "frontline"]["score"]
    assert gap.difference == pytest.approx(s.mean() - f.mean(), abs=0.006)
    assert gap.p == pytest.approx(mannwhitneyu(s, f, method="asymptotic").pvalue, rel=0.05)
    assert gap.q >= gap.p
    # the gap leads: significant gaps first, the largest effect (Cliff's delta, what the test is on) first among them
    sig = [g for g in result.gaps if g.significant]
    assert result.gaps[: len(sig)] == sig
    assert abs(sig[0].cliffs_delta) == max(abs(g.cliffs_delta) for g in sig)
    # no gap where none was put in
    assert not _gap(result, "strategic", "frontline", stage="consider").significant
    assert not _gap(result, "managerial", "frontline", stage="commit").significant


def test_gap_items_and_every_contract_key(communicate_gap, items) -> None:
    _, result = communicate_gap
    comm_items = set(items[items["stage"] == "communicate"]["item"])
    sig = [g for g in result.gaps if g.significant and g.item]
    true = [g for g in sig if g.item in comm_items]
    assert len({g.item for g in true}) >= len(comm_items) // 2
    assert len(sig) - len(true) <= 0.1 * len(sig)  # BH controls the false discovery rate, at 5% here
    for g in as_json(result).gaps:
        assert g.kind in ("level", "agency")
        assert isinstance(g.between, list) and len(g.between) == 2
        assert g.framework in ("opm", "twelve_cs")
        assert g.item is None or isinstance(g.item, str)
        assert isinstance(g.difference, float) and isinstance(g.significant, bool)


def test_no_gap_when_one_side_is_under_the_threshold(cat) -> None:
    who = pd.concat(
        [
            people({("local_authority", "strategic"): 2}, "s"),
            people({("health", "frontline"): 20}, "f"),
            people({("police", "managerial"): 4}, "m"),
        ],
        ignore_index=True,
    )
    ratings = craft(cat, who, lambda g: np.where(g["level"] == "strategic", 5.0, noisy(g, 2.0, 1)))
    result = analyse_frame(ratings, cat, Config())
    assert not [g for g in result.gaps if "strategic" in g.between]
    # the two leaders are in no figure (issue 14), so managerial is shown and compared: no total contains the pair
    assert result.opm.by_stage_level["consider"]["managerial"].n == 4
    assert result.opm.by_stage["consider"].n == 24
    assert {tuple(g.between) for g in result.gaps if g.kind == "level"} <= {("managerial", "frontline")}
    without = ratings[~ratings["respondent"].str.startswith("s")]
    assert [g for g in analyse_frame(without, cat, Config()).gaps if g.between == ["managerial", "frontline"]]
    stricter = analyse_frame(without, cat, Config(min_group_size=5))
    assert not [g for g in stricter.gaps if g.kind == "level"]


def test_each_agency_is_compared_with_the_others(cat) -> None:
    # 3 of each agency at each level: an agency's figure stands on its own cells of at least 3 (issue 14)
    who = even_team(12, agencies=("local_authority", "police", "health", "education"))

    def score(g):
        return noisy(g, np.where(g["agency"] == "education", 2.0, 4.0), seed=4, sd=0.5)

    result = analyse_frame(craft(cat, who, score), cat, Config())
    edu = _gap(result, "education", "others", stage="create")
    assert edu is not None and edu.kind == "agency" and edu.significant and edu.difference < -1.5
    four = ("local_authority", "police", "health", "education")
    assert {tuple(g.between) for g in result.gaps if g.kind == "agency"} == {(a, "others") for a in four} | {
        (a, b) for k, a in enumerate(sorted(four)) for b in sorted(four)[k + 1 :]
    }
    c_gap = _gap(result, "education", "others", c="c08_cohesion")
    assert c_gap is not None and c_gap.framework == "twelve_cs" and c_gap.significant


def test_bh_keeps_pure_noise_from_looking_like_gaps(cat) -> None:
    """Everyone rates at random from the same distribution: hundreds of comparisons, (almost) none significant.

    The correction runs within each family (level or agency comparisons, on stages, C's or statements), so under
    pure noise each family has a discovery in at most 5% of rooms: over twelve rooms, few have any, and a room that
    has one has it in one family only."""
    rooms_with_any = 0
    for seed in range(1, 13):
        who = even_team(10, agencies=("local_authority", "police", "health"))
        rng = np.random.default_rng(seed)
        result = analyse_frame(
            craft(cat, who, lambda g, rng=rng: rng.integers(1, 6, len(g)).astype(float)), cat, Config()
        )
        gaps = result.gaps
        assert len(gaps) > 500
        raw = sum((g.p if g.p is not None else 1) < 0.05 for g in gaps)
        assert raw >= 10  # uncorrected, noise would hand the room a list of "gaps"
        families = {(g.kind, "stage" if g.stage else "c" if g.c else "item") for g in gaps if g.significant}
        assert len(families) <= 1, (seed, families)
        rooms_with_any += bool(families)
    assert rooms_with_any <= 2


def test_all_tied_comparisons_give_valid_json(cat) -> None:
    """Everyone rates 4 everywhere: no gap can be significant, and p is null rather than NaN."""
    result = analyse_frame(craft(cat, even_team(4), lambda g: np.full(len(g), 4.0)), cat, Config())
    doc = as_json(result)  # raises on NaN
    assert doc.gaps and not any(g.significant for g in doc.gaps)
    assert all(g.difference == 0.0 for g in doc.gaps)


# ---- the whole document ---------------------------------------------------------------------------------------


def test_contract_keys_and_types(mixed) -> None:
    _, result = mixed
    doc = as_json(result)
    assert isinstance(doc.respondents, int)
    opm = doc.opm
    assert set(opm.by_stage) == set(ids.STAGES)
    for stage in ids.STAGES:
        cell = opm.by_stage[stage]
        assert isinstance(cell.mean, float) and isinstance(cell.n, int)
        assert set(opm.by_stage_level[stage]) == set(ids.LEVELS)
    assert opm.priority_stage in ids.STAGES and isinstance(opm.priority_reason, str) and opm.priority_reason
    assert set(doc.twelve_cs) == set(ids.C_IDS)
    assert {n.status for n in doc.toc.nodes} <= {"strong", "adequate", "weak", "at_risk", "unknown"}


def test_respondent_scores_average_per_person_first(cat, items) -> None:
    """A respondent answering more statements of a stage does not count more: people are averaged, not answers."""
    who = people({("local_authority", "frontline"): 3, ("police", "frontline"): 3})
    consider = items[items["stage"] == "consider"]["item"].tolist()

    def score(g):
        v = np.where(g["agency"] == "police", 4.0, 2.0)
        # police answer only one consider statement; the rest is don't know
        return np.where((g["agency"] == "police").to_numpy() & g["item"].isin(consider[1:]).to_numpy(), np.nan, v)

    ratings = craft(cat, who, score)
    s = respondent_scores(ratings, cat)
    assert len(s[(s["kind"] == "stage") & (s["measure"] == "consider")]) == 6
    got = analyse_frame(ratings, cat, Config()).opm.by_stage["consider"]
    assert got.plain_mean == 3.0
    assert math.isclose(got.mean, 3.0)


def test_headline_mean_leaves_out_a_level_hidden_alongside_a_small_one(catalogue) -> None:
    """With strategic n=2 hidden and managerial hidden with it, the headline uses frontline alone: nothing to solve for."""
    from toolkit.analysis.scores import balanced_means

    rows = [("s1", "strategic", 1.0), ("s2", "strategic", 1.0)]
    rows += [(f"m{k}", "managerial", 5.0) for k in range(4)]
    rows += [(f"f{k}", "frontline", 3.0) for k in range(9)]
    scores = pd.DataFrame([{"respondent": r, "level": lv, "score": v, "measure": "x"} for r, lv, v in rows])
    out = balanced_means(scores, ["measure"], 3)
    assert (
        out.loc["x", "balanced"] == 3.0
    )  # managerial (5.0) would otherwise enter, and strategic follow by subtraction
    assert out.loc["x", "n"] == 15
