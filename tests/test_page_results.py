"""AppTest: the Results page shows the priority, the heatmap with n, gaps and change for a seeded area."""

from __future__ import annotations

import pytest

from tests.pages import ASHVALE, chart_titles, open_page, texts
from toolkit.analysis.area import analyse
from toolkit.analysis.config import Config
from toolkit.core import ids
from toolkit.core.settings import get_settings
from toolkit.store.db import session_scope
from toolkit.training.demo import load_demo


@pytest.fixture
def seeded(db_url, catalogue):
    load_demo(areas=1, catalogue=catalogue)
    return db_url


def test_results_show_the_priority_and_its_reason(seeded) -> None:
    at = open_page("app_pages/results.py", sel_area=ASHVALE, sel_cycle="2026")
    assert not at.exception
    shown = texts(at)
    assert "Work on **Communicate** first" in shown
    assert "frontline" in shown and "(n=" in shown
    assert "synthetic and fictional" in shown  # demo data says so


def test_results_show_heatmap_gaps_agencies_cs_and_change(seeded, catalogue) -> None:
    at = open_page("app_pages/results.py", sel_area=ASHVALE, sel_cycle="2026")
    specs = chart_titles(at)
    for title in (
        "Where the journey stands",
        "Perception gaps",
        "Agencies compared",
        "The 12 C's",
        "Change since the previous cycle",
    ):
        assert title in specs
    # the sentence says what the gap tests found, corrected over every pair (the analysis's own verdicts)
    cfg = get_settings()
    with session_scope() as s:
        a = analyse(
            ASHVALE,
            "2026",
            session=s,
            cat=catalogue,
            cfg=Config(min_group_size=cfg.min_group_size, priority_threshold=cfg.priority_threshold),
        )
    found = sum(g.significant for g in a.gaps)
    shown = texts(at)
    if found:
        assert f"{found} gaps are larger than chance would explain" in shown
    else:
        assert "No gap is larger than chance would explain" in shown and a.gaps


def test_results_on_an_empty_cycle_say_what_to_do(db_url) -> None:
    from toolkit.store.areas import get_or_create_area, get_or_create_cycle
    from toolkit.store.db import session_scope

    with session_scope() as s:
        get_or_create_cycle(get_or_create_area("Northshire", session=s), "2026", session=s)
    at = open_page("app_pages/results.py", sel_area="Northshire", sel_cycle="2026")
    assert not at.exception
    assert "No ratings yet" in texts(at)


def test_results_show_every_cycle_in_order_with_the_analysis_figures(seeded, catalogue) -> None:
    from toolkit.analysis.history import area_history, history_table

    at = open_page("app_pages/results.py", sel_area=ASHVALE, sel_cycle="2026")
    toggle = next(t for t in at.toggle if t.key == "results_history")
    toggle.set_value(True).run()
    assert not at.exception
    (table,) = [d.value for d in at.dataframe if "Measure" in d.value.columns]
    assert list(table.columns) == ["Measure", "2025", "2026"]
    cfg = get_settings()
    with session_scope() as s:
        h = area_history(
            ASHVALE,
            session=s,
            cat=catalogue,
            cfg=Config(min_group_size=cfg.min_group_size, priority_threshold=cfg.priority_threshold),
        )
        a = analyse(ASHVALE, "2026", session=s, cat=catalogue, cfg=Config(min_group_size=cfg.min_group_size))
    assert table.equals(history_table(h, catalogue))
    comm = table[table["Measure"] == "Stage: Communicate"]["2026"].iloc[0]
    assert comm.startswith(f"{a.opm.by_stage['communicate'].mean:.2f} (")


def _analysis(catalogue):
    cfg = get_settings()
    with session_scope() as s:
        return analyse(
            ASHVALE,
            "2026",
            session=s,
            cat=catalogue,
            cfg=Config(min_group_size=cfg.min_group_size, priority_threshold=cfg.priority_threshold),
        )


def test_results_show_who_answered_with_small_groups_hidden(seeded, catalogue) -> None:
    at = open_page("app_pages/results.py", sel_area=ASHVALE, sel_cycle="2026")
    a = _analysis(catalogue)
    table = next(d.value for d in at.dataframe if "Agency" in d.value.columns)
    shown = {(row["Agency"], lv): row[lv] for _, row in table.iterrows() for lv in table.columns if lv != "Agency"}
    for g in a.respondents_by_agency_level:
        cell = shown[(ids.AGENCY_NAMES[g.agency], ids.LEVEL_NAMES[g.level])]
        assert cell == (f"fewer than {a.min_group_size}" if g.n is None else str(g.n))
        assert g.n is None or g.n >= a.min_group_size
    assert "Who answered: agency by level" in [e.label for e in at.expander]


def test_results_show_each_cs_good_practice_beside_its_score(seeded, catalogue) -> None:
    at = open_page("app_pages/results.py", sel_area=ASHVALE, sel_cycle="2026")
    a = _analysis(catalogue)
    labels = [e.label for e in at.expander]
    for c in catalogue.twelve_cs.cs:
        cell = a.twelve_cs[c.id]
        head = f"{c.number}. {c.name}: " + (f"{cell.mean:.2f} (n={cell.n})" if cell.mean is not None else "no score")
        assert any(lab.startswith(head) for lab in labels), head
    shown = texts(at)
    assert "Good practice the study found" in shown and "What the study recommends" in shown
    assert "wales2022, 4.1, C1 Clarity, recommendation 1" in shown  # each recommendation cites its place


def test_scale_quality_is_shown_to_a_facilitator_and_not_a_scrutineer(seeded, catalogue) -> None:
    from tests.test_page_benchmark import sign_in

    at = open_page("app_pages/results.py", auth_token=sign_in("facilitator"), sel_area=ASHVALE, sel_cycle="2026")
    assert not at.exception
    shown = texts(at)
    assert "How reliable the scales are" in shown
    assert "Demo data is synthetic" in shown
    table = next(d.value for d in at.dataframe if "Cronbach's alpha" in d.value.columns)
    assert "Consider" in set(table["Scale"]) and "1. Clarity" in set(table["Scale"])
    at = open_page("app_pages/results.py", auth_token=sign_in("scrutineer"), sel_area=ASHVALE, sel_cycle="2026")
    assert not at.exception
    assert "How reliable the scales are" not in texts(at)
    assert not [d for d in at.dataframe if "Cronbach's alpha" in d.value.columns]


def test_a_member_sees_the_cycles_changed_ratings(seeded, catalogue) -> None:
    from tests.test_page_benchmark import sign_in
    from toolkit.capture.write import record_rating
    from toolkit.store.areas import resolve_cycle
    from toolkit.store.models import Rating, Respondent

    token = sign_in("facilitator")
    with session_scope() as s:
        ref = resolve_cycle(ASHVALE, "2026", session=s)
        rating = s.query(Rating).join(Respondent).filter(Respondent.cycle_id == ref.cycle_id).first()
        assert rating is not None
        person = s.get(Respondent, rating.respondent_id)
        assert person is not None
        new = 1 if rating.score != 1 else 2
        old = "don't know" if rating.score is None else str(rating.score)
        record_rating(person, rating.framework, rating.item, new, session=s)
        who = person.pseudonym
    at = open_page("app_pages/results.py", auth_token=token, sel_area=ASHVALE, sel_cycle="2026")
    assert not at.exception
    assert "Changed ratings in this cycle" in [e.label for e in at.expander]
    table = next(d.value for d in at.dataframe if "From" in d.value.columns)
    assert table[["Who", "From", "To", "By"]].values.tolist() == [[who, old, str(new), who]]
