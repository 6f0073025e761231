"""The self-assessment walk: which statements come in which step, and the one path that saves an answer."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.access.invitations import hash_secret, new_secret, open_entry, plausible_secret, use_invitation
from toolkit.capture.validate import check_rating
from toolkit.capture.write import CycleFrozen, record_rating, refuse_frozen
from toolkit.core import ids
from toolkit.core.forms import DEFAULT_FORM, in_form
from toolkit.core.frameworks import Catalogue
from toolkit.core.schema import Framework, Item
from toolkit.store.areas import CycleRef, NotFound, check_name, get_or_create_area, get_or_create_cycle, resolve_cycle
from toolkit.store.audit import ANONYMOUS, record
from toolkit.store.models import Area, Cycle, Respondent
from toolkit.store.ratings import respondent_answers, upsert_respondent


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
    form: str = DEFAULT_FORM,
    cs: tuple[str, ...] = ids.C_IDS,
    deep: tuple[str, ...] = (),
    others: tuple[str, ...] | None = None,
) -> list[Step]:
    """Consider, Create, Communicate, Commit (statements about the respondent's level, or all), the 12 C's, then
    each user-added rated framework (one step each, its statements filtered by level like the OPM's).

    The short form keeps each step's core statements (toolkit.core.forms); `stages`, `cs` and `others` (the user
    frameworks to rate; None: every one loaded) are the scope, and `deep` the stages, C's or user frameworks whose
    deep dive (their statements beyond the core) follows the core steps.
    """
    steps = []
    for stage in cat.opm.stages:
        if stage.id not in stages:
            continue
        items = [i for i in _stage_items(cat, stage.id, level, all_levels) if in_form(cat.opm, i, form)]
        steps.append(Step(stage.id, f"{stage.name}: {stage.question}", stage.summary, "opm", tuple(items)))
    if include_cs:
        for group in cat.twelve_cs.groups:
            ids_ = [c.id for c in cat.twelve_cs.cs if c.group == group.id and c.id in cs]
            items = tuple(i for c in ids_ for i in _c_items(cat, c) if in_form(cat.twelve_cs, i, form))
            steps.append(Step(group.id, f"The 12 C's: {group.name}", group.description, "twelve_cs", items))
    for fw in user_rated(cat, others):
        items = tuple(i for i in _own_items(fw, level, all_levels) if in_form(fw, i, form))
        steps.append(Step(fw.id, fw.title, fw.description, fw.id, items))
    steps = [s for s in steps if s.items]
    scope = {
        "all_levels": all_levels,
        "stages": stages,
        "include_cs": include_cs,
        "form": form,
        "cs": cs,
        "others": others,
    }
    offered = {d.key: d for d in deep_dives(cat, level, **scope)}
    return steps + [offered[k] for k in deep if k in offered]


def _stage_items(cat: Catalogue, stage: str, level: str, all_levels: bool) -> list[Item]:
    items = [i for i in cat.opm.items if i.stage == stage and (all_levels or i.level in (None, level))]
    if all_levels:  # the respondent's own level first
        items.sort(key=lambda i: (i.level != level, ids.LEVELS.index(i.level) if i.level else -1))
    return items


BUILT_IN_RATED = ("opm", "twelve_cs")


def user_rated(cat: Catalogue, others: tuple[str, ...] | None = None) -> list[Framework]:
    """The user-added rated frameworks, in the catalogue's order: all of them, or those named in `others`."""
    return [f for f in cat.rated if f.id not in BUILT_IN_RATED and (others is None or f.id in others)]


def _own_items(fw: Framework, level: str, all_levels: bool) -> list[Item]:
    """A user framework's statements for a respondent: those about their level or every level (or all of them)."""
    items = [i for i in fw.items if all_levels or i.level in (None, ids.ALL_LEVELS, level)]
    if all_levels:
        items.sort(key=lambda i: i.level not in (None, ids.ALL_LEVELS, level))
    return items


def _c_items(cat: Catalogue, c: str) -> list[Item]:
    return [i for i in cat.twelve_cs.items if i.cs and i.cs[0] == c]


def deep_dives(
    cat: Catalogue,
    level: str,
    *,
    all_levels: bool = False,
    stages: tuple[str, ...] = ids.STAGES,
    include_cs: bool = True,
    form: str = DEFAULT_FORM,
    cs: tuple[str, ...] = ids.C_IDS,
    others: tuple[str, ...] | None = None,
) -> list[Step]:
    """The optional deep dives of a short form: per stage, C and user framework in scope, its statements beyond the
    core (keyed `deep_<stage>`, `deep_<c>` or `deep_<framework>`). The full form has none: it already holds every
    statement."""
    if form != "short":
        return []
    out = []
    for stage in cat.opm.stages:
        if stage.id in stages:
            items = tuple(i for i in _stage_items(cat, stage.id, level, all_levels) if not in_form(cat.opm, i, form))
            out.append(Step(f"deep_{stage.id}", f"Deep dive: {stage.name}", stage.summary, "opm", items))
    if include_cs:
        for c in cat.twelve_cs.cs:
            if c.id in cs:
                items = tuple(i for i in _c_items(cat, c.id) if not in_form(cat.twelve_cs, i, form))
                out.append(Step(f"deep_{c.id}", f"Deep dive: {c.name}", c.explanation, "twelve_cs", items))
    for fw in user_rated(cat, others):
        items = tuple(i for i in _own_items(fw, level, all_levels) if not in_form(fw, i, form))
        out.append(Step(f"deep_{fw.id}", f"Deep dive: {fw.title}", fw.description, fw.id, items))
    return [s for s in out if s.items]


def new_pseudonym() -> str:
    """A short, unguessable pseudonymous respondent id."""
    return "r-" + secrets.token_urlsafe(6)


_LINK_PSEUDONYM = re.compile(r"r-[A-Za-z0-9_-]{8}")


def is_link_pseudonym(text: object) -> bool:
    """Whether text has the form of a pseudonym new_pseudonym hands out (a label: it opens nothing)."""
    return isinstance(text, str) and _LINK_PSEUDONYM.fullmatch(text) is not None


class AnswerError(ValueError):
    """An answer that cannot be saved; the message says why."""


INVITE_ONLY = (
    "This partnership collects self-assessments by invitation. Open the link (or scan the QR code) you were sent; "
    "if you have none, ask the partnership's facilitator for one."
)


@dataclass(frozen=True)
class SelfRespondent:
    """A self-assessment respondent as the page holds them: where they rate, who they are, and their resume secret."""

    ref: CycleRef
    pseudonym: str
    agency: str
    level: str
    secret: str


def start_respondent(
    area: str, cycle: str, agency: str, level: str, *, invitation: str | None, session: Session
) -> SelfRespondent:
    """A new respondent with their own resume secret: through an invitation, or, on an installation without accounts,
    in the area and cycle picked. Audited; with accounts and no valid invitation nothing is written."""
    if agency not in ids.AGENCIES or level not in ids.LEVELS:
        raise AnswerError("choose your agency and your level")
    if invitation is not None:
        ref = use_invitation(invitation, session=session)  # InvitationError says why not
    elif open_entry(session=session):
        try:  # only an area and cycle that exist: a crafted client can send any name for the picker's value
            ref = resolve_cycle(
                area if isinstance(area, str) else "", cycle if isinstance(cycle, str) else "", session=session
            )
        except NotFound as exc:
            raise AnswerError(str(exc)) from None
    else:
        raise AnswerError(INVITE_ONLY)
    try:
        refuse_frozen(ref.cycle_id, session=session)
    except CycleFrozen:
        raise AnswerError(
            f"the ratings of {ref.area}, cycle {ref.cycle} are final: a workshop for it has closed"
        ) from None
    secret, pseudonym = new_secret(), new_pseudonym()
    session.add(
        Respondent(
            cycle_id=ref.cycle_id, pseudonym=pseudonym, agency=agency, level=level, secret_hash=hash_secret(secret)
        )
    )
    session.flush()
    record(
        "respondent.start",
        actor=ANONYMOUS,
        session=session,
        area_id=ref.area_id,
        target=f"respondent {pseudonym} ({ref.area}, cycle {ref.cycle})",
        after={"agency": agency, "level": level, "by": "invitation" if invitation is not None else "open"},
    )
    return SelfRespondent(ref, pseudonym, agency, level, secret)


def _by_secret(secret: object, session: Session) -> SelfRespondent | None:
    if not plausible_secret(secret):
        return None
    assert isinstance(secret, str)
    row = session.execute(
        select(Respondent, Area.id, Area.name, Cycle.name)
        .join(Cycle, Cycle.id == Respondent.cycle_id)
        .join(Area, Area.id == Cycle.area_id)
        .where(Respondent.secret_hash == hash_secret(secret))
    ).first()
    if row is None:
        return None
    resp, area_id, area, cycle = row
    return SelfRespondent(
        CycleRef(area_id, resp.cycle_id, area, cycle), resp.pseudonym, resp.agency, resp.level, secret
    )


def resume_respondent(
    secret: object, *, session: Session
) -> tuple[SelfRespondent, dict[tuple[str, str], tuple[int | None, str]]] | None:
    """The respondent a resume link's secret belongs to, with their answers so far; None for any other text."""
    me = _by_secret(secret, session)
    return (me, respondent_answers(me.ref, me.pseudonym, session=session)) if me else None


def answer_as(
    secret: str, framework: str, item: str, score: int | None, comment: str = "", *, session: Session, cat: Catalogue
) -> None:
    """Save a self-assessment answer for the respondent the secret belongs to (nobody else)."""
    me = _by_secret(secret, session)
    if me is None:
        raise AnswerError("this link no longer opens any answers: start again from your invitation")
    submit_answer(
        me.ref.area,
        me.ref.cycle,
        me.pseudonym,
        me.agency,
        me.level,
        framework,
        item,
        score,
        comment,
        session=session,
        cat=cat,
    )


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
