"""What a participant's phone shows while answering: the statements one by one, honest progress, what was skipped.

Progress is counted from what the store holds (own_answers), never from what a device believes it sent, so the
counter on the phone equals the ratings stored for this person.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from toolkit.core.frameworks import Catalogue
from toolkit.core.schema import Item
from toolkit.store.plans import shortlist
from toolkit.workshops.appraisal import own_appraisals
from toolkit.workshops.participants import own_answers, steps_for
from toolkit.workshops.rooms import WorkshopInfo

Saved = Mapping[tuple[str, str], tuple[int | None, str | None]]


@dataclass(frozen=True)
class Statement:
    """One statement of a participant's walk, with where it sits (its step) for the phone's heading."""

    index: int  # 0-based position in the participant's walk
    step: int  # 0-based index of its step
    steps: int  # how many steps the walk has
    step_title: str
    framework: str
    item: Item

    @property
    def key(self) -> tuple[str, str]:
        return (self.framework, self.item.id)


@dataclass(frozen=True)
class RatingProgress:
    """How far a participant is, from the stored answers: answered (don't know counts), total, and the skipped ones."""

    answered: int
    total: int
    skipped: tuple[Statement, ...]  # not yet answered, in walk order

    @property
    def first_unanswered(self) -> int:
        """Where someone coming back resumes: the first statement not answered (total when all are)."""
        return self.skipped[0].index if self.skipped else self.total

    @property
    def line(self) -> str:
        return f"{self.answered} of {self.total} statements answered"


def statements_for(w: WorkshopInfo, level: str, cat: Catalogue) -> list[Statement]:
    """The participant's statements in the order they are rated, one per phone screen."""
    steps = steps_for(w, level, cat)
    out: list[Statement] = []
    for k, step in enumerate(steps):
        for item in step.items:
            out.append(Statement(len(out), k, len(steps), step.title, step.framework, item))
    return out


def progress_of(statements: list[Statement], saved: Saved) -> RatingProgress:
    """Progress over these statements given the stored answers."""
    skipped = tuple(s for s in statements if s.key not in saved)
    return RatingProgress(len(statements) - len(skipped), len(statements), skipped)


@dataclass(frozen=True)
class Answering:
    """A participant's walk and their stored answers, read in one go."""

    statements: list[Statement]
    saved: dict[tuple[str, str], tuple[int | None, str]]
    progress: RatingProgress


def answering(w: WorkshopInfo, pseudonym: str, level: str, *, session: Session, cat: Catalogue) -> Answering:
    """The statements this participant rates and what the store holds of their answers."""
    statements = statements_for(w, level, cat)
    saved = own_answers(w, pseudonym, session=session)
    return Answering(statements, saved, progress_of(statements, saved))


@dataclass(frozen=True)
class AppraisalItem:
    """One shortlisted intervention as the phone shows it for scoring, with the participant's own saved scores."""

    id: str
    title: str
    description: str
    grade_label: str
    mine: dict[str, int | None]  # criterion -> own score (None: don't know); absent: not scored yet


def appraisal_form(w: WorkshopInfo, pseudonym: str, *, session: Session, cat: Catalogue) -> list[AppraisalItem]:
    """The shortlisted interventions to score on APEASE, in shortlist order, with this participant's scores so far."""
    ivs = {iv.id: iv for iv in cat.interventions}
    mine = own_appraisals(w, pseudonym, session=session)
    out = []
    for iv_id in shortlist(w.ref, session=session):
        iv = ivs[iv_id]
        own = {c: v for (i, c), v in mine.items() if i == iv_id}
        out.append(AppraisalItem(iv.id, iv.title, iv.description, iv.grade_label, own))
    return out


@dataclass(frozen=True)
class AppraisalScreen:
    """One phone screen of the appraisal: one intervention, one APEASE criterion."""

    index: int  # 0-based place in the walk
    item: AppraisalItem
    criterion: str

    @property
    def done(self) -> bool:
        return self.criterion in self.item.mine


@dataclass(frozen=True)
class AppraisalWalk:
    """The appraisal as a walk of screens, with honest progress from the stored scores."""

    screens: list[AppraisalScreen]

    @property
    def total(self) -> int:
        return len(self.screens)

    @property
    def given(self) -> int:
        return sum(1 for s in self.screens if s.done)

    @property
    def skipped(self) -> list[AppraisalScreen]:
        return [s for s in self.screens if not s.done]

    @property
    def first_unscored(self) -> int:
        return self.skipped[0].index if self.skipped else self.total

    @property
    def line(self) -> str:
        return f"{self.given} of {self.total} scores given"


def appraisal_walk(form: list[AppraisalItem], criteria: tuple[str, ...] | list[str]) -> AppraisalWalk:
    """Each shortlisted intervention on each criterion, one per screen, intervention by intervention."""
    screens = [AppraisalScreen(0, iv, c) for iv in form for c in criteria]
    return AppraisalWalk([replace(s, index=k) for k, s in enumerate(screens)])
