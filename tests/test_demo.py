"""Demo partnerships: fictional, realistic in shape, reproducible, each telling its story."""

from __future__ import annotations

import subprocess
import sys

import pytest

from toolkit.analysis.area import analyse_frame
from toolkit.analysis.config import Config
from toolkit.core import ids
from toolkit.training.demo import FICTIONAL, STORIES, generate_ratings


@pytest.fixture(scope="module")
def demo(catalogue):
    return generate_ratings(catalogue, areas=4, seed=7)


def _area(df, name: str, cycle: str = "2026"):
    return df[(df["area"] == name) & (df["cycle"] == cycle)].drop(columns=["area", "cycle", "comment"])


def test_every_demo_area_is_named_fictional_and_shaped_like_a_real_partnership(demo) -> None:
    df, _ = demo
    assert all(name.endswith(FICTIONAL) for name in df["area"].unique())
    for (_area_name, _cycle), part in df.groupby(["area", "cycle"]):
        people = part.drop_duplicates("respondent")
        assert 15 <= len(people) <= 60
        assert 3 <= people["agency"].nunique() <= 6
        assert set(people["level"]) == set(ids.LEVELS)
        assert part["score"].isna().any()  # some don't-knows
        assert (part["comment"] != "").any()  # some comments
    assert set(df["cycle"]) == {"2025", "2026"}


def test_the_same_seed_gives_the_same_data_in_another_process() -> None:
    code = "from toolkit.core.catalogue import catalogue; from toolkit.training.demo import generate_ratings; df, _ = generate_ratings(catalogue(), areas=2, seed=11); print(int(df['score'].sum()), len(df))"
    runs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        for _ in range(2)
    }
    assert len(runs) == 1


def test_a_different_seed_gives_different_data(catalogue) -> None:
    a, _ = generate_ratings(catalogue, areas=1, seed=1)
    b, _ = generate_ratings(catalogue, areas=1, seed=2)
    assert not a["score"].equals(b["score"])


def test_each_story_shows_in_the_analysis(demo, catalogue) -> None:
    df, _ = demo
    cfg = Config()
    ash = analyse_frame(_area(df, STORIES[0].name), catalogue, cfg)
    comm = ash.opm.by_stage_level["communicate"]
    assert (comm["strategic"].mean or 0) - (
        comm["frontline"].mean or 0
    ) > 1.0  # frontline far below leaders on Communicate
    assert ash.opm.priority_stage == "communicate"
    strong = analyse_frame(_area(df, STORIES[2].name), catalogue, cfg)
    assert all((v.mean or 0) >= 3.75 for v in strong.opm.by_stage.values())
    brind = analyse_frame(_area(df, STORIES[1].name), catalogue, cfg)
    wider = next(n for n in brind.toc.nodes if n.id == "ult_wider_collaboration")
    assert wider.own_status == "weak"
    dun = analyse_frame(_area(df, STORIES[3].name), catalogue, cfg)
    sharing = next(n for n in dun.toc.nodes if n.id == "int_information_sharing")
    assert sharing.own_status == "weak"


def test_national_scale_generates_many_distinct_fictional_areas(catalogue) -> None:
    df, stories = generate_ratings(catalogue, areas=40, cycles=("2026",), seed=3, respondents=15)
    assert df["area"].nunique() == 40 and len(stories) == 40
    assert all(s.tags.get("nation") for s in stories.values())
