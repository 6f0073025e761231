"""One definition of a figure: the change between cycles is the difference of the two cycles' published headlines,
and the report shows the analysis's own figures (issue 17), for the demo areas."""

from __future__ import annotations

import re

import pytest

from toolkit.analysis.area import analyse
from toolkit.analysis.config import Config
from toolkit.analysis.results import AreaAnalysis, Cell
from toolkit.core import ids
from toolkit.reports.blocks import Bullets, Table
from toolkit.reports.cells import cell, num
from toolkit.reports.content import build_report
from toolkit.store.db import session_scope
from toolkit.training.demo import load_demo


@pytest.fixture
def demo_areas(db_url, catalogue) -> list[str]:
    from toolkit.store.areas import list_areas

    load_demo(areas=2, catalogue=catalogue)
    with session_scope() as s:
        return [a.area for a in list_areas(session=s)]


def _headlines(a: AreaAnalysis) -> dict[tuple[str, str], Cell]:
    """Every headline the analysis publishes, by (kind, measure): stages, C's, statements."""
    out = {("stage", k): v for k, v in a.opm.by_stage.items()}
    out |= {("c", k): v for k, v in a.twelve_cs.items()}
    out |= {
        ("item", i.item): Cell(mean=i.mean, n=i.n, suppressed=i.suppressed, plain_mean=i.plain_mean) for i in a.items
    }
    return out


def test_change_is_the_difference_of_the_two_published_headlines(demo_areas, catalogue) -> None:
    cfg = Config()
    checked = 0
    with session_scope() as s:
        for area in demo_areas:
            before = analyse(area, "2025", session=s, cat=catalogue, cfg=cfg)
            after = analyse(area, "2026", session=s, cat=catalogue, cfg=cfg)
            assert after.change is not None and after.change.from_ == "2025"
            hb, ha = _headlines(before), _headlines(after)
            for m in after.change.measures:
                b, a = hb[(m.kind, m.measure)], ha[(m.kind, m.measure)]
                assert (m.before, m.after) == (b.mean, a.mean), m
                assert (m.plain_before, m.plain_after) == (b.plain_mean, a.plain_mean), m
                assert (m.n_before, m.n_after) == (b.n, a.n), m
                assert m.difference == round(a.mean - b.mean, 2), m
                checked += 1
            # every stage and C shown in both cycles is in the change
            both = [k for k in hb if k[0] != "item" and hb[k].mean is not None and ha[k].mean is not None]
            assert {(m.kind, m.measure) for m in after.change.measures} >= set(both)
    assert checked > 100


def test_the_headline_is_level_balanced_so_change_is_too(demo_areas, catalogue) -> None:
    """The demo has unequal levels, so the balanced and plain means differ somewhere: change must follow the balanced."""
    with session_scope() as s:
        after = analyse(demo_areas[0], "2026", session=s, cat=catalogue, cfg=Config())
    assert after.change is not None
    differ = [m for m in after.change.measures if m.after is not None and m.plain_after != m.after]
    assert differ, "no measure where the level-balanced and plain means differ: the test above proves nothing"


def _table(report, heading: str) -> Table:
    section = next(x for x in report.sections if x.heading == heading)
    return next(b for b in section.blocks if isinstance(b, Table))


def test_the_report_shows_the_analysis_figures(demo_areas, catalogue) -> None:
    cfg = Config()
    min_n = cfg.min_group_size
    with session_scope() as s:
        for area in demo_areas:
            a = analyse(area, "2026", session=s, cat=catalogue, cfg=cfg)
            r = build_report(area, "2026", session=s, cat=catalogue, cfg=cfg)
            summary = next(b for b in r.sections[0].blocks if isinstance(b, Bullets))
            assert summary.items[0].startswith(f"{a.respondents} people answered")
            # journey priority: every stage by level and overall
            rows = {row[0]: row for row in _table(r, "Journey priority").rows}
            for st in ids.STAGES:
                want = [cell(a.opm.by_stage_level[st][lv], min_n) for lv in ids.LEVELS]
                assert rows[ids.STAGE_NAMES[st]][1:5] == [*want, cell(a.opm.by_stage[st], min_n)]
            # the 12 C's
            c_rows = {row[0]: row for row in _table(r, "The 12 C's").rows}
            for c in catalogue.twelve_cs.cs:
                assert c_rows[f"{c.number}. {c.name}"][2] == cell(a.twelve_cs[c.id], min_n)
            # change: the same before, after, difference and interval as the analysis
            assert a.change is not None
            ch_rows = {row[0]: row for row in _table(r, "Change since the last cycle").rows}
            shown = [m for m in a.change.measures if m.kind in ("stage", "c")]
            assert len(ch_rows) == len(shown)
            for m in shown:
                row = ch_rows[("Stage: " if m.kind == "stage" else "C: ") + str(m.label)]
                assert row[1:5] == [
                    num(m.before),
                    num(m.after),
                    f"{m.difference:+.2f}",
                    f"{m.ci_low:+.2f} to {m.ci_high:+.2f}",
                ]
            # and the report's text states no stage figure the analysis does not
            text = r.plain_text()
            for st in ids.STAGES:
                c = a.opm.by_stage[st]
                if c.mean is not None:
                    assert f"{c.mean:.1f} (n={c.n})" in text
            assert not re.search(r"\bn=[12]\b", text)
