"""A partnership's own Theory of Change as a document (issue 19): edits refuse what the analysis could not read,
with messages a person can act on; the diff names every change; the health is scored on the partnership's version
(a new box, a retired one, a link's failing assumption), and statements mapped to a retired box say so."""

from __future__ import annotations

import pytest

from toolkit.analysis import toc_doc as td
from toolkit.analysis.config import Config, item_table
from toolkit.analysis.results import ItemStat
from toolkit.analysis.toc import toc_health
from toolkit.analysis.toc_diff import diff
from toolkit.analysis.toc_doc import TocEditError


@pytest.fixture(scope="module")
def kantar(catalogue) -> td.TocDoc:
    return td.kantar_doc(catalogue)


def _items(cat, mean: float = 4.0) -> list[ItemStat]:
    return [
        ItemStat(framework=r.framework, item=r.item, text=r.text, toc_nodes=list(r.toc_nodes), mean=mean, n=10)
        for r in item_table(cat).itertuples()
    ]


def test_kantar_is_a_valid_starting_point_with_table_3_stages(catalogue, kantar) -> None:
    assert td.problems(kantar) == []
    assert {b.id for b in kantar.boxes} == {n.id for n in catalogue.toc.nodes}
    assert len(kantar.links) == len(catalogue.toc.edges)
    stage_of = {b.tier: b.stage for b in kantar.boxes}
    assert stage_of == {
        "inputs": "create",
        "outputs": "communicate",
        "intermediate_outcomes": "commit",
        "ultimate_outcomes": "consider",
    }
    assert diff(kantar, kantar) == []


def test_edits_refuse_with_plain_messages(kantar) -> None:
    inp = next(b for b in kantar.boxes if b.tier == "inputs").id
    ult = next(b for b in kantar.boxes if b.tier == "ultimate_outcomes").id
    with pytest.raises(TocEditError, match="runs backwards, from ultimate outcomes to inputs"):
        td.add_link(kantar, ult, inp)
    with pytest.raises(TocEditError, match="already linked"):
        ln = kantar.links[0]
        td.add_link(kantar, ln.from_, ln.to)
    with pytest.raises(TocEditError, match="cannot lead to itself"):
        td.add_link(kantar, inp, inp)
    with pytest.raises(TocEditError, match="no box with the id 'nope'"):
        td.add_link(kantar, inp, "nope")
    with pytest.raises(TocEditError, match="needs a name"):
        td.add_box(kantar, "   ", "inputs")
    with pytest.raises(TocEditError, match="Choose a tier"):
        td.add_box(kantar, "A box", "middle")
    with pytest.raises(TocEditError, match="OPM stage 'later' is not one of"):
        td.edit_box(kantar, inp, stage="later")
    with pytest.raises(TocEditError, match="not in the register"):
        td.add_link(kantar, inp, ult, assumptions=["made_up"])
    # A loop inside one tier: two outputs linked both ways.
    a, b = [x.id for x in kantar.boxes if x.tier == "outputs"][:2]
    one = td.add_link(kantar, a, b) if (a, b) not in {(x.from_, x.to) for x in kantar.links} else kantar
    with pytest.raises(TocEditError, match="loop"):
        td.add_link(one, b, a)


def test_every_edit_appears_in_the_diff_with_before_and_after(kantar) -> None:
    doc, new = td.add_box(kantar, "Joint training budget", "inputs", "commit")
    assert new == "joint_training_budget" and doc.box(new).stage == "commit"
    target = next(b for b in kantar.boxes if b.tier == "outputs").id
    doc = td.add_link(doc, new, target, "Money buys the training")
    renamed = kantar.boxes[0]
    doc = td.edit_box(doc, renamed.id, label="Shared money", stage="consider")
    ln = next(x for x in doc.links if x.from_ != new)
    doc, aid = td.add_assumption(doc, "Agencies release staff for training", [target])
    doc = td.edit_link(doc, ln.from_, ln.to, assumptions=[aid])
    changes = diff(kantar, doc)
    kinds = [c.kind for c in changes]
    assert kinds == ["box_changed", "box_added", "link_changed", "link_added", "assumption_added"]
    words = " ".join(c.words for c in changes)
    assert "renamed from" in words and "Shared money" in words and "mapped onto OPM stage consider" in words
    assert changes[0].before["label"] == renamed.label and changes[0].after["label"] == "Shared money"
    assert changes[2].after["assumptions"] == [aid] and changes[2].before["assumptions"] == []
    # Retire: the box stays (retired), its links leave; restore brings the box back without them.
    gone = td.retire_box(doc, new)
    assert gone.box(new).retired and all(new not in (x.from_, x.to) for x in gone.links)
    back = diff(doc, gone)
    assert [c.kind for c in back] == ["box_retired", "link_removed"]
    with pytest.raises(TocEditError, match="retired box has no links"):
        td.add_link(gone, new, target)
    assert not td.restore_box(gone, new).box(new).retired
    # Removing an assumption takes it off every link that rested on it.
    dropped = td.remove_assumption(doc, aid)
    assert all(aid not in x.assumptions for x in dropped.links)


def test_health_is_scored_on_the_partnerships_version(catalogue, kantar) -> None:
    items = _items(catalogue)
    base = toc_health(catalogue, items, Config())
    same = toc_health(catalogue, items, Config(), doc=kantar)
    assert [(n.id, n.status, n.score) for n in same.nodes] == [(n.id, n.status, n.score) for n in base.nodes]
    assert same.retired == []
    fed = next(n for n in base.nodes if n.n_items)  # a box statements feed
    doc = td.retire_box(kantar, fed.id)
    doc, new = td.add_box(doc, "Our own outcome", "ultimate_outcomes")
    h = toc_health(catalogue, items, Config(), doc=doc)
    ids_ = {n.id for n in h.nodes}
    assert fed.id not in ids_ and new in ids_
    assert next(n for n in h.nodes if n.id == new).status == "unknown"  # no statement feeds a new box yet
    assert all(fed.id not in (e.from_, e.to) for e in h.edges)
    (r,) = h.retired
    assert r.id == fed.id and len(r.items) == fed.n_items  # the statements mapped to it say so
    # A box re-mapped onto another OPM stage carries it.
    moved = td.edit_box(kantar, fed.id, stage="consider")
    assert (
        next(n for n in toc_health(catalogue, items, Config(), doc=moved).nodes if n.id == fed.id).stage == "consider"
    )


def test_a_failing_assumption_on_a_link_puts_the_box_it_leads_to_at_risk(catalogue, kantar) -> None:
    items = _items(catalogue, 4.0)  # adequate everywhere: nothing at risk from weakness
    ln = kantar.links[0]
    doc, aid = td.add_assumption(kantar, "Partners keep their seat at the table")
    doc = td.edit_link(doc, ln.from_, ln.to, assumptions=[aid])
    calm = toc_health(catalogue, items, Config(), {aid: {"status": "holds", "note": ""}}, doc)
    assert next(n for n in calm.nodes if n.id == ln.to).status != "at_risk"
    h = toc_health(catalogue, items, Config(), {aid: {"status": "fails", "note": "two left"}}, doc)
    box = next(n for n in h.nodes if n.id == ln.to)
    assert box.status == "at_risk" and "Partners keep their seat at the table" in box.reason
    assert next(a for a in h.assumptions if a.id == aid).nodes == [ln.to]
