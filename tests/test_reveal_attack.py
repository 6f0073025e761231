"""Workshop reveals attacked (issue 14): every number a phone and the room's screen show, across successive reveals.

The attacks of the issue, played through the toolkit as a room would: people join with the code and answer, the
facilitator reveals, more people join and answer, and the facilitator reveals again. After each step the attacker
collects what a participant's phone shows (`participant_view`) and what the dashboard and projector show (the
revealed figures the Workshop page draws), and solves them together with the linear programmes of
tests/test_disclosure_attack.py. Each distinct set of figures is read against the people who had answered when it
was made (the attacker knows who joined when, and who answered what, but not the answers); an attacker's own
answers are known to it. No group smaller than the threshold, and nobody, may be pinned to within ±0.25.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests import test_disclosure_attack as dis
from toolkit import workshops as ws
from toolkit.analysis.config import Config
from toolkit.core import ids

MIN_N = dis.MIN_N
CFG = Config(min_group_size=MIN_N)


class Room:
    """A workshop on one stage (Consider, so the programmes stay small) and what the attacker has seen of it."""

    def __init__(self, session, catalogue, seed: int) -> None:
        self.s, self.cat = session, catalogue
        self.w = ws.create_workshop(
            "Attack room", "2026", frameworks=["opm"], stages=["consider"], created_by="facil", session=session
        )
        self.rng = np.random.default_rng(seed)
        self.people: dict[str, tuple[str, str]] = {}
        self.answers: dict[tuple[str, str, str], int | None] = {}
        self.mine: set[str] = set()  # the attacker's own participants: their answers are known
        self.seen: list[tuple[dict, dis.Partnership]] = []  # each distinct set of figures, and who it stood on
        self.phone: ws.Participant | None = None

    def arrive(self, agency: str, level: str, n: int = 1, *, scores=None, attacker: bool = False) -> None:
        """n people join and answer every statement of their level (at random, or `scores` per person)."""
        for k in range(n):
            p = ws.join(self.w.code, agency, level, session=self.s)
            self.phone = self.phone or p
            self.people[p.pseudonym] = (agency, level)
            if attacker:
                self.mine.add(p.pseudonym)
            for step in ws.steps_for(self.w, level, self.cat):
                for item in step.items:
                    score = int(self.rng.integers(2, 5)) if scores is None else scores[k % len(scores)]
                    ws.submit(self.w.code, p.pseudonym, step.framework, item.id, score, session=self.s, cat=self.cat)
                    self.answers[(p.pseudonym, step.framework, item.id)] = score
        self.look()

    def reveal(self) -> None:
        ws.reveal(self.w.code, session=self.s, cat=self.cat, cfg=CFG)
        self.look()

    def look(self) -> None:
        """What the phones and the room's screen show now; a set of figures not seen before is read later."""
        w = ws.find_workshop(self.w.code, session=self.s)
        if not w.revealed or self.phone is None:
            return
        views = [ws.participant_view(w, self.phone, session=self.s, cat=self.cat, cfg=CFG).results]
        shown = ws.latest_snapshot(w.id, session=self.s)  # what ui.workshops.room gives the dashboard and projector
        views.append(shown.results if shown else None)
        for a in views:
            assert a is not None
            doc = a.model_dump(mode="json")
            if all(doc != d for d, _ in self.seen):
                now = dis.Partnership(dict(self.people), dict(self.answers))
                self.seen.append((doc, now))

    def solve(self) -> list[str]:
        """Every distinct set of figures as constraints on one set of answers; what can be pinned of whom."""
        statements = sorted({(fw, it) for _, fw, it in self.answers})  # every one of them is of Consider
        measures = {m: [] for m in dis.MEASURES if m[0] != "item"}  # what the room did not rate: nobody's
        measures |= {("stage", "consider"): statements, **{("item", it): [(fw, it)] for fw, it in statements}}
        everyone = dis.Partnership(dict(self.people), dict(self.answers))
        saved = dis.MEASURES
        dis.MEASURES = measures
        try:
            att = dis.Attacker()
            att.add_cycle("room", everyone)
            for doc, then in self.seen:
                dis.read_analysis(att, "room", then, doc, None)
            return self.pinned(att, everyone)
        finally:
            dis.MEASURES = saved

    def pinned(self, att: dis.Attacker, everyone: dis.Partnership) -> list[str]:
        """dis.assert_nothing_pinned with the attacker's own answers known to it (and groups of only its own left out).

        A single figure that pins a group only because the attacker knows the rest of it is no excuse, so the test of
        one figure on its own is made with the attacker's answers as unknown as anybody's.
        """
        assert att.read > 0, "the attacker read no figure: the room's results were never shown"
        lo0, hi0 = list(att.lo), list(att.hi)
        known = [k for (_, r, _, _), k in att.index.items() if r in self.mine]
        for k in known:
            att.lo[k] = att.hi[k] = att.truth[k]
        groups: dict[str, list[str]] = {}
        for r, (a, lv) in everyone.people.items():
            for name in (lv, a, f"{a}/{lv}", f"respondent {r}"):
                groups.setdefault(name, []).append(r)
        out = []
        for name, members in groups.items():
            for measure in dis.MEASURES:
                who = [r for r in members if att.score("room", everyone, r, measure)]
                if not who or set(who) <= self.mine or (len(who) >= MIN_N and not name.startswith("respondent")):
                    continue
                w = att.mean_of("room", everyone, who, measure)
                true = sum(att.truth[k] * x for k, x in w.items())
                lo, hi = att.bounds(w)
                if true - lo > dis.SLACK or hi - true > dis.SLACK:
                    continue
                att.lo, att.hi = list(lo0), list(hi0)
                alone = att.one_figure_pins(w, true)
                for k in known:
                    att.lo[k] = att.hi[k] = att.truth[k]
                if not alone:
                    out.append(f"{name} on {measure}: {true:.2f} within [{lo:.2f}, {hi:.2f}]")
        return out


BEFORE = [("local_authority", "strategic", 3), ("police", "managerial", 3), ("health", "frontline", 4)]
LONE_LEAD = [("local_authority", "strategic", 1), ("police", "managerial", 3), ("health", "frontline", 4)]


def _room(session, catalogue, seed: int, groups) -> Room:
    room = Room(session, catalogue, seed)
    for agency, level, n in groups:
        room.arrive(agency, level, n)
    room.reveal()
    return room


def test_a_latecomers_single_answer_cannot_be_read_from_the_figures_before_and_after(session, catalogue) -> None:
    """Attack (a): one person joins after the reveal and answers; the room's figures before and after give them."""
    room = _room(session, catalogue, 11, BEFORE)
    room.arrive("health", "frontline")  # the latecomer
    room.reveal()  # the facilitator reveals again
    assert not (pinned := room.solve()), pinned


def test_joining_twice_more_as_strategic_does_not_unmask_a_lone_lead(session, catalogue) -> None:
    """Attack (b): someone joins twice more as the lead's agency and level and answers 1 to everything."""
    room = _room(session, catalogue, 12, LONE_LEAD)
    room.arrive("local_authority", "strategic", 2, scores=[1], attacker=True)
    room.reveal()
    assert not (pinned := room.solve()), pinned


@pytest.mark.parametrize("level", list(ids.LEVELS))
def test_no_level_of_a_lone_lead_is_pinned_across_three_reveals(session, catalogue, level) -> None:
    """Two attackers in turn, one join each, a reveal after each: the sum of small steps gives nothing either."""
    room = _room(session, catalogue, 13, LONE_LEAD)
    room.arrive("local_authority", "strategic", scores=[1], attacker=True)
    room.reveal()
    room.arrive("local_authority", level, scores=[5], attacker=True)
    room.reveal()
    assert not (pinned := room.solve()), pinned
