"""The share of the demo's cells the disclosure-control rules publish (docs/disclosure-control.md, Proof and cost).

    .venv/bin/python benchmarks/disclosure_share.py [--areas 4] [--seed 7] [--min-n 3]

Writes the demo partnerships (two cycles) into a temporary SQLite database, runs `analyse` on every area and cycle,
and prints, per kind of figure, the cells shown (a mean published) out of the cells present (somebody scored them:
shown, or marked suppressed): headlines (stages, C's, C groups), levels (stage and C by level), agencies (stage by
agency), statements, distributions (statements' answer counts), and respondents counted out of those who answered.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from toolkit.analysis.area import analyse
from toolkit.analysis.config import Config
from toolkit.core.frameworks import load_catalogue
from toolkit.store.areas import resolve_cycle
from toolkit.store.db import make_engine, session_scope, upgrade
from toolkit.store.ratings import ratings_frame
from toolkit.training.demo import load_demo


def tally(cells, shown: list[int], present: list[int]) -> None:
    for c in cells:
        if c.mean is not None or c.suppressed:
            present[0] += 1
            shown[0] += c.mean is not None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--areas", type=int, default=4)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--min-n", type=int, default=3)
    a = ap.parse_args()
    cat = load_catalogue()
    kinds = ["headlines", "levels", "agencies", "statements", "distributions", "respondents"]
    shown = {k: [0] for k in kinds}
    present = {k: [0] for k in kinds}
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'demo.db'}")
        upgrade(engine)
        with session_scope(engine) as s:
            result = load_demo(areas=a.areas, seed=a.seed, session=s, catalogue=cat)
        with session_scope(engine) as s:
            for area, cycle in result.area_cycles:
                doc = analyse(area, cycle, session=s, cat=cat, cfg=Config(min_group_size=a.min_n))
                o = doc.opm
                tally(
                    [*o.by_stage.values(), *doc.twelve_cs.values(), *doc.twelve_cs_groups.values()],
                    shown["headlines"],
                    present["headlines"],
                )
                levels = [
                    c for by in (o.by_stage_level, doc.twelve_cs_by_level) for d in by.values() for c in d.values()
                ]
                tally(levels, shown["levels"], present["levels"])
                tally(
                    [c for d in o.by_stage_agency.values() for c in d.values()], shown["agencies"], present["agencies"]
                )
                tally(doc.items, shown["statements"], present["statements"])
                for it in doc.items:
                    if it.mean is not None or it.suppressed:
                        present["distributions"][0] += 1
                        shown["distributions"][0] += it.distribution is not None
                people = ratings_frame(resolve_cycle(area, cycle, session=s), session=s)["respondent"].nunique()
                present["respondents"][0] += int(people)
                shown["respondents"][0] += doc.respondents
        engine.dispose()
    print(f"demo: {a.areas} areas x 2 cycles, seed {a.seed}, min_group_size {a.min_n}")
    for k in kinds:
        n, d = shown[k][0], present[k][0]
        print(f"{k:<14} {n:>6} of {d:>6} shown  {n / d:.1%}" if d else f"{k:<14} none present")


if __name__ == "__main__":
    main()
