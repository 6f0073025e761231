"""The repository of a partnership's own Theory of Change (issue 19): a facilitator of the area saves versions, each
change an audit line; a scrutineer, or a facilitator of another area, is refused server-side; an invalid or empty
change is refused and writes nothing; the analysis (and its cache token) follows the version in use."""

from __future__ import annotations

import pytest

from tests.test_scrutiny_challenges import AREA, CYCLE, OTHER
from tests.test_scrutiny_challenges import people as people  # the fixture: a scrutineer and members, by membership
from toolkit.access.scope import AccessDenied
from toolkit.analysis import toc_doc as td
from toolkit.analysis.area import analyse
from toolkit.analysis.toc_doc import TocEditError
from toolkit.store import toc_versions as tv
from toolkit.store.areas import cycle_version, find_area, resolve_cycle
from toolkit.store.audit import entries


def _edit(catalogue) -> td.TocDoc:
    doc, new = td.add_box(td.kantar_doc(catalogue), "Joint training budget", "inputs")
    return td.add_link(doc, new, next(b.id for b in doc.boxes if b.tier == "outputs"), "Money buys the training")


def test_a_member_saves_versions_each_change_audited(session, catalogue, people) -> None:
    aid = find_area(AREA, session=session).id
    token = cycle_version(resolve_cycle(AREA, CYCLE, session=session), session=session)
    assert tv.current_doc(aid, session=session) is None and tv.versions(aid, session=session, cat=catalogue) == []
    one = tv.save_version(
        AREA, _edit(catalogue), actor=people["bm"], session=session, cat=catalogue, cycle=CYCLE, note="Board, March"
    )
    assert (one.number, one.changes, one.cycle, one.created_by) == (1, 2, CYCLE, "bm")
    lines = entries(session=session, area_id=aid, action="toc_change")
    assert sorted(x.target for x in lines) == [
        "v1 box_added joint_training_budget",
        f"v1 link_added joint_training_budget->{tv.current_doc(aid, session=session).links[-1].to}",
    ]
    assert all(x.actor == "bm" and x.after and x.after["change"] for x in lines)
    assert cycle_version(resolve_cycle(AREA, CYCLE, session=session), session=session) != token  # caches refresh

    doc = td.retire_box(tv.current_doc(aid, session=session), "joint_training_budget")
    two = tv.save_version(AREA, doc, actor=people["bm"], session=session, cat=catalogue)
    assert two.number == 2 and two.cycle is None
    assert [c.kind for c in tv.compare(aid, 1, 2, session=session, cat=catalogue)] == ["box_retired", "link_removed"]
    assert [c.kind for c in tv.compare(aid, tv.KANTAR, 2, session=session, cat=catalogue)] == ["box_added"]
    assert [v.number for v in tv.versions(aid, session=session, cat=catalogue)] == [1, 2]
    retired = tv.version_doc(aid, 2, session=session, cat=catalogue).box("joint_training_budget")
    assert retired.retired  # versions keep the whole document
    with pytest.raises(TocEditError, match="no version 7"):
        tv.version_doc(aid, 7, session=session, cat=catalogue)


def test_refused_by_role_and_area_and_when_invalid_or_unchanged(session, catalogue, people) -> None:
    aid = find_area(AREA, session=session).id
    for who in (people["scrut"], people["south"], None):
        with pytest.raises(AccessDenied):
            tv.save_version(AREA, _edit(catalogue), actor=who, session=session, cat=catalogue)
    kantar = td.kantar_doc(catalogue)
    with pytest.raises(TocEditError, match="nothing differs"):
        tv.save_version(AREA, kantar, actor=people["bm"], session=session, cat=catalogue)
    ult = next(b.id for b in kantar.boxes if b.tier == "ultimate_outcomes")
    inp = next(b.id for b in kantar.boxes if b.tier == "inputs")
    # A document built around the edit checks (as a crafted request might be) is still refused on save.
    bad = kantar.model_copy(update={"links": [*kantar.links, td.Link(from_=ult, to=inp)]})
    with pytest.raises(TocEditError, match=r"Not saved: .*runs backwards"):
        tv.save_version(AREA, bad, actor=people["bm"], session=session, cat=catalogue)
    assert tv.latest_number(aid, session=session) == 0
    assert entries(session=session, action="toc_change") == []
    # The other area's own facilitator may change the other area's.
    assert tv.save_version(OTHER, _edit(catalogue), actor=people["south"], session=session, cat=catalogue).number == 1
    assert tv.current_doc(aid, session=session) is None


def test_the_analysis_reads_the_version_in_use(session, catalogue, people) -> None:
    tv.save_version(AREA, _edit(catalogue), actor=people["bm"], session=session, cat=catalogue)
    a = analyse(AREA, CYCLE, session=session, cat=catalogue)
    assert "joint_training_budget" in {n.id for n in a.toc.nodes}
    b = analyse(OTHER, CYCLE, session=session, cat=catalogue)
    assert "joint_training_budget" not in {n.id for n in b.toc.nodes}
