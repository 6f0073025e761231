"""The self-assessment walk: which statements come in which step, and the one path that saves an answer."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy.orm import Session

from toolkit.capture.validate import check_rating
from toolkit.capture.write import CycleFrozen, record_rating, refuse_frozen
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue
from toolkit.core.schema import Item
from toolkit.store.areas import check_name, get_or_create_area, get_or_create_cycle
from toolkit.store.ratings import upsert_respondent


@dataclass(frozen=True)
class Step:
    """One page of the walk: a stage of the OPM or a group of the 12 C's."""

    key: str
    title: str
    intro: str
    framework: str
    items: tuple[Item, ...]


def walk(
    cat: Catalogue,
    level: str,
    *,
    all_levels: bool = False,
    stages: tuple[str, ...] = ids.STAGES,
    include_cs: bool = True,
) -> list[Step]:
    """Consider, Create, Communicate, Commit (statements about the respondent's level, or all), then the 12 C's."""
    steps = []
    for stage in cat.opm.stages:
        if stage.id not in stages:
            continue
        items = [i for i in cat.opm.items if i.stage == stage.id and (all_levels or i.level in (None, level))]
        if all_levels:  # the respondent's own level first
            items.sort(key=lambda i: (i.level != level, ids.LEVELS.index(i.level) if i.level else -1))
        steps.append(Step(stage.id, f"{stage.name}: {stage.question}", stage.summary, "opm", tuple(items)))
    if include_cs:
        for group in cat.twelve_cs.groups:
            cs = [c.id for c in cat.twelve_cs.cs if c.group == group.id]
            items = tuple(i for c in cs for i in cat.twelve_cs.items if i.cs and i.cs[0] == c)
            steps.append(Step(group.id, f"The 12 C's: {group.name}", group.description, "twelve_cs", items))
    return [s for s in steps if s.items]


def new_pseudonym() -> str:
    """A short, unguessable pseudonymous respondent id."""
    return "r-" + secrets.token_urlsafe(6)


_LINK_PSEUDONYM = re.compile(r"r-[A-Za-z0-9_-]{8}")


def is_link_pseudonym(text: object) -> bool:
    """Whether text has the form of a pseudonym new_pseudonym hands out (48 random bits).

    A resume link (?r=...) is a bearer token: only these may be resumed from one. Ids from an imported file ('r1',
    'resp-004') can be guessed, so a link naming one must never open that person's answers and comments.
    """
    return isinstance(text, str) and _LINK_PSEUDONYM.fullmatch(text) is not None


class AnswerError(ValueError):
    """An answer that cannot be saved; the message says why."""


def submit_answer(
    area: str,
    cycle: str,
    pseudonym: str,
    agency: str,
    level: str,
    framework: str,
    item: str,
    score: int | None,
    comment: str = "",
    *,
    session: Session,
    cat: Catalogue,
) -> None:
    """Validate and save one answer (creating area, cycle and respondent as needed); a change keeps history."""
    try:  # every check before the first write, so a caller that carries on after the error has written nothing
        check_rating(framework, item, score, agency, level, comment, cat=cat)
        for value, what in ((area, "area"), (cycle, "cycle"), (pseudonym, "respondent")):
            check_name(value, what)  # a blank, over-long or unprintable name
    except ValueError as exc:
        raise AnswerError(str(exc)) from None
    c = get_or_create_cycle(get_or_create_area(area, session=session), cycle, session=session)
    try:
        refuse_frozen(c.id, session=session)
        resp = upsert_respondent(c, pseudonym, agency, level, session=session)
    except CycleFrozen:
        raise AnswerError(f"the ratings of {area}, cycle {cycle} are final: a workshop for it has closed") from None
    except ValueError as exc:  # a pseudonym already recorded with another agency or level
        raise AnswerError(str(exc)) from None
    record_rating(resp, framework, item, score, comment, session=session)


def resume_step(answers: dict, steps: list[Step]) -> int:
    """Where someone coming back left off: the first step with a statement not yet answered (len(steps) if none)."""
    return next(
        (k for k, s in enumerate(steps) if any((s.framework, i.id) not in answers for i in s.items)), len(steps)
    )


def progress(answers: dict, steps: list[Step]) -> tuple[int, int]:
    """(answered, total) statements of the walk; don't know counts as answered."""
    keys = {(s.framework, i.id) for s in steps for i in s.items}
    return len(keys & set(answers)), len(keys)
