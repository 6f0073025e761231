"""Trainer mode: demo partnerships to teach with (in the sandbox), explain panels with sources, exercises with the
toolkit's answer, a reset that restores a demo, and slides for a presentation view."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from toolkit.analysis.results import AreaAnalysis, Cell
from toolkit.capture.ratings_import import import_table
from toolkit.core import ids
from toolkit.core.browse import cite
from toolkit.core.frameworks import Catalogue
from toolkit.interventions.suggest import suggest
from toolkit.store.areas import delete_area, get_or_create_area, list_areas
from toolkit.store.audit import ANONYMOUS, record
from toolkit.store.models import (
    ApeaseScore,
    Area,
    AssumptionReview,
    Cycle,
    EvidenceEntry,
    InterventionDecision,
    PlanGoal,
    Rating,
    ReportAssurance,
    ReportCheck,
    Respondent,
    ShortlistEntry,
    TrailEntry,
    Validation,
    Workshop,
)
from toolkit.training.demo import DEMO_NOTICE, STORIES, Story, generate_ratings

EXERCISE_CYCLE = "2026"


def story(name: str) -> Story:
    """The demo story of that partnership name."""
    for s in STORIES:
        if s.name == name:
            return s
    raise KeyError(f"{name!r} is not one of the demo partnerships: {', '.join(s.name for s in STORIES)}")


def demo_loaded(name: str, *, session: Session) -> bool:
    """Whether the demo partnership is in the database (with ratings in at least one cycle)."""
    return any(a.area == name and any(c.respondents for c in a.cycles) for a in list_areas(session=session))


def load_demo_area(name: str, *, session: Session, cat: Catalogue, seed: int = 7) -> int:
    """Write one demo partnership (tags, context, both cycles of ratings); returns the number of ratings written."""
    st = story(name)
    df, _ = generate_ratings(cat, areas=len(STORIES), seed=seed)
    df = df.loc[df["area"] == name]
    area = get_or_create_area(name, session=session, tags=st.tags, fictional=True)
    area.context = {**st.context, "story": st.summary}
    result = import_table(df.astype({"score": "string"}).fillna({"score": ""}), "demo", session=session, catalogue=cat)
    return result.inserted


def ensure_demo_area(name: str, *, session: Session, cat: Catalogue, actor: str = ANONYMOUS) -> bool:
    """Load the demo partnership into this (sandbox) session if it is missing; True if it was loaded now."""
    if demo_loaded(name, session=session):
        return False
    n = load_demo_area(name, session=session, cat=cat)
    area_id = session.scalar(select(Area.id).where(Area.name == name))
    record("demo_load", actor=actor, session=session, area_id=area_id, target=name, after={"ratings": n})
    return True


# What a reset deletes, in words, with the table that holds it (every row under the area's cycles).
RESET_PARTS: tuple[tuple[str, type], ...] = (
    ("people who answered", Respondent),
    ("ratings", Rating),
    ("assumption reviews", AssumptionReview),
    ("shortlisted interventions", ShortlistEntry),
    ("APEASE scores", ApeaseScore),
    ("intervention decisions", InterventionDecision),
    ("action-plan goals", PlanGoal),
    ("scrutiny evidence notes", EvidenceEntry),
    ("trail entries", TrailEntry),
    ("checklist judgements", ReportCheck),
    ("sign-offs", ReportAssurance),
    ("validations", Validation),
    ("workshops", Workshop),
)


def reset_inventory(name: str, *, session: Session) -> dict[str, int]:
    """What resetting the demo partnership would delete in this (sandbox) session: a count per kind of record."""
    area_id = session.scalar(select(Area.id).where(Area.name == name))
    if area_id is None:
        return {}
    cycles = select(Cycle.id).where(Cycle.area_id == area_id)
    out: dict[str, int] = {}
    for label, model in RESET_PARTS:
        if model is Rating:
            where = Rating.respondent_id.in_(select(Respondent.id).where(Respondent.cycle_id.in_(cycles)))
        elif model is Workshop:
            where = Workshop.area_id == area_id
        else:
            where = model.cycle_id.in_(cycles)  # type: ignore[attr-defined]  # every other part hangs off a cycle
        out[label] = session.scalar(select(func.count()).select_from(model).where(where)) or 0
    return out


def reset_demo_area(name: str, *, session: Session, cat: Catalogue, actor: str = ANONYMOUS) -> int:
    """Restore a demo partnership in the sandbox: delete everything stored under it and load it afresh.

    The session must be the sandbox's: trainer mode never resets anything in the live record.
    """
    story(name)  # only the fictional demo partnerships can be reset
    found = session.scalar(select(Area).where(Area.name == name))
    if found is not None and not found.fictional:
        raise ValueError(f"{name!r} is not marked as a fictional demo partnership, so it is not reset")
    before = reset_inventory(name, session=session)
    delete_area(name, session=session)
    n = load_demo_area(name, session=session, cat=cat)
    area_id = session.scalar(select(Area.id).where(Area.name == name))
    record(
        "trainer_reset", actor=actor, session=session, area_id=area_id, target=name, before=before, after={"ratings": n}
    )
    return n


# ---- explain panels ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One thing to explain: its name, what it means, its source, and how this partnership scores on it."""

    key: str
    title: str
    text: str
    source: str
    here: str = ""


EXPLAIN_KINDS = ("Stages", "Levels", "The 12 C's", "Theory of Change boxes", "Assumptions", "Interventions")


def _cell(c: Cell | None) -> str:
    if not c:
        return ""
    if c.suppressed:
        return "too few people to show"
    return "" if c.mean is None else f"{c.mean:.1f} (n={c.n})"


def explain(kind: str, cat: Catalogue, analysis: AreaAnalysis | None = None) -> list[Entry]:
    """Every entry of one kind with its source and, given an analysis, this partnership's result for it."""
    a = analysis
    opm = a.opm if a else None
    if kind == "Stages":
        return [
            Entry(
                s.id,
                s.name,
                f"{s.question} {s.summary}",
                cite(s.source, cat.opm),
                f"Mean here: {_cell(opm.by_stage.get(s.id))}" if opm else "",
            )
            for s in cat.opm.stages
        ]
    if kind == "Levels":
        return [
            Entry(lv.id, lv.name, lv.description, cite(lv.source or cat.opm.source, cat.opm)) for lv in cat.opm.levels
        ]
    if kind == "The 12 C's":
        return [
            Entry(
                c.id,
                f"{c.number}. {c.name}",
                c.explanation,
                cite(c.source, cat.twelve_cs),
                f"Mean here: {_cell(a.twelve_cs.get(c.id))}" if a else "",
            )
            for c in cat.twelve_cs.cs
        ]
    if kind == "Theory of Change boxes":
        health = {n.id: n for n in (a.toc.nodes if a else [])}
        out = []
        for n in cat.toc.nodes:
            h = health.get(n.id)
            here = ""
            if h:
                here = f"Status here: {h.status.replace('_', ' ')}" + (
                    f", {h.score:.1f}" if h.score is not None else ""
                )
                here += f". {h.reason}" if h.reason else ""
            tier = n.tier.replace("_", " ")
            out.append(
                Entry(
                    n.id,
                    n.label,
                    f"A box among the {tier}. {n.description or ''}".strip(),
                    cite(n.source, cat.toc),
                    here,
                )
            )
        return out
    if kind == "Assumptions":
        labels = {n.id: n.label for n in cat.toc.nodes}
        reviewed = {x.id: x for x in (a.toc.assumptions if a else [])}
        return [
            Entry(
                x.id,
                x.text,
                "Underpins: " + "; ".join(labels.get(n, n) for n in x.nodes) + ".",
                cite(x.source, cat.toc),
                f"Judged here: {reviewed[x.id].status}" if x.id in reviewed else "",
            )
            for x in cat.toc.assumptions
        ]
    if kind == "Interventions":
        fw = cat.get("interventions")
        return [
            Entry(
                iv.id,
                iv.title,
                f"{iv.description} How it works: {iv.mechanism}. Evidence: {iv.grade_label}",
                cite(iv.source, fw),
                f"Barrier it answers: {iv.barrier}",
            )
            for iv in cat.interventions
        ]
    raise ValueError(f"kind must be one of {', '.join(EXPLAIN_KINDS)}, not {kind!r}")


# ---- exercises --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """One answer a learner can pick."""

    key: str
    label: str


@dataclass(frozen=True)
class Exercise:
    """A question, the answers to pick from, the toolkit's answer and its reasoning (shown after the learner answers)."""

    key: str
    question: str
    options: tuple[Option, ...]
    answer: str | None
    accepted: tuple[str, ...]
    reasoning: list[str]
    notes: dict[str, str] = field(default_factory=dict)  # why each other option is or is not the toolkit's choice


@dataclass(frozen=True)
class Feedback:
    """What the learner is told once they have answered."""

    agrees: bool
    headline: str
    toolkit_answer: str
    reasoning: list[str]
    about_yours: str


def stage_exercise(analysis: AreaAnalysis, cat: Catalogue) -> Exercise:
    """'Which stage would you tackle first, and why?' The toolkit's answer is the journey priority."""
    opm = analysis.opm
    t = opm.priority_detail.threshold if opm.priority_detail else 3.0
    notes = {}
    for st in ids.STAGES:
        cells = opm.by_stage_level[st]
        shown = [f"{ids.LEVEL_NAMES[lv].lower()} {c.mean:.1f}" for lv, c in cells.items() if c.mean is not None]
        low = [lv for lv, c in cells.items() if c.mean is not None and c.mean < t]
        mean = opm.by_stage[st].mean
        where = (
            f"{ids.STAGE_NAMES[st]} scores {mean:.1f} overall ({', '.join(shown)})"
            if mean is not None
            else (f"{ids.STAGE_NAMES[st]} has too few answers to score")
        )
        verdict = f"below {t:g} for {', '.join(low)} staff" if low else f"at or above {t:g} at every level"
        notes[st] = f"{where}: {verdict}."
    stage_src = cite(cat.opm.stages[0].source, cat.opm)
    reasoning = [
        opm.priority_reason,
        "Kantar's Organisational Practice Model is a journey (Consider, Create, Communicate, Commit): work on a "
        "later stage rests on the earlier ones, so the first stage that stalls comes first "
        f"({stage_src}).",
    ]
    return Exercise(
        key="stage",
        question="Which stage would you tackle first, and why?",
        options=tuple(
            Option(s, f"{ids.STAGE_NAMES[s]}: {st.question}") for s, st in zip(ids.STAGES, cat.opm.stages, strict=True)
        ),
        answer=opm.priority_stage,
        accepted=(opm.priority_stage,) if opm.priority_stage else (),
        reasoning=reasoning,
        notes=notes,
    )


def intervention_exercise(
    analysis: AreaAnalysis, cat: Catalogue, *, top: int = 3, distractors: int = 3, seed: int = 0
) -> Exercise:
    """'Which intervention would you shortlist?' The toolkit's suggestions, mixed with some that do not fit here."""
    found = suggest(analysis, cat, top=top)
    chosen = {f.id for f in found}
    weak_stages = {analysis.opm.priority_stage} if analysis.opm.priority_stage else set()
    rng = random.Random(seed)
    pool = [iv for iv in cat.interventions if iv.id not in chosen and iv.stages and not set(iv.stages) & weak_stages]
    others = rng.sample(pool, min(distractors, len(pool)))
    options = [Option(f.id, f.title) for f in found] + [Option(iv.id, iv.title) for iv in others]
    rng.shuffle(options)
    notes = {f.id: "The toolkit suggests it: " + "; ".join(f.reasons[:3]) + "." for f in found}
    for iv in others:
        stages = ", ".join(ids.STAGE_NAMES.get(s, s) for s in iv.stages)
        notes[iv.id] = (
            f"It works on {stages}, which {'is' if len(iv.stages) == 1 else 'are'} not where this partnership's journey "
            f"stalls, and none of the results it targets is among the weakest here."
            if weak_stages
            else f"It works on {stages}; none of the results it targets is among the weakest here."
        )
    reasoning = [f"{k}. {f.title}: " + "; ".join(f.reasons[:3]) for k, f in enumerate(found, 1)] or [
        "No result is weak enough to point to an intervention."
    ]
    return Exercise(
        key="intervention",
        question="Which intervention would you shortlist?",
        options=tuple(options),
        answer=found[0].id if found else None,
        accepted=tuple(f.id for f in found),
        reasoning=reasoning,
        notes=notes,
    )


def check(ex: Exercise, choice: str | None) -> Feedback:
    """Compare the learner's choice with the toolkit's answer, with the reasoning to reveal."""
    labels = {o.key: o.label for o in ex.options}
    toolkit = labels.get(ex.answer, "none") if ex.answer else "none: nothing is weak enough to name one"
    if ex.key == "stage":
        toolkit = toolkit.split(":")[0]
    if choice is None:
        return Feedback(False, "Pick an answer first.", toolkit, ex.reasoning, "")
    agrees = choice in ex.accepted
    if agrees:
        head = "You agree with the toolkit." if choice == ex.answer else "That is one of the toolkit's suggestions too."
    else:
        head = (
            "The toolkit would start somewhere else."
            if ex.key == "stage"
            else "The toolkit would not shortlist that here."
        )
    return Feedback(agrees, head, toolkit, ex.reasoning, ex.notes.get(choice, ""))


# ---- presentation view ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slide:
    """One screen of the presentation view: a title and a few lines of large text."""

    title: str
    lines: tuple[str, ...]


def slides(analysis: AreaAnalysis, cat: Catalogue, name: str) -> list[Slide]:
    """The partnership's story told one thing per screen, ending with the two exercises."""
    st = story(name)
    opm = analysis.opm
    toc = analysis.toc.nodes
    weak = [n.label for n in toc if n.status == "weak"]
    at_risk = [n for n in toc if n.status == "at_risk"]
    ex1, ex2 = stage_exercise(analysis, cat), intervention_exercise(analysis, cat)
    journey = tuple(f"{ids.STAGE_NAMES[s]}: {_cell(opm.by_stage[s]) or 'too few answers'}" for s in ids.STAGES)
    answer = ids.STAGE_NAMES.get(opm.priority_stage or "", "none")
    return [
        Slide(name, (st.summary, DEMO_NOTICE)),
        Slide(
            "Who answered",
            (
                f"{analysis.respondents} people, cycle {analysis.cycle}",
                "Strategic, managerial and frontline staff from each agency.",
            ),
        ),
        Slide("The journey", journey),
        Slide("Exercise: " + ex1.question, tuple(o.label for o in ex1.options)),
        Slide("The toolkit's answer: " + answer, tuple(ex1.reasoning)),
        Slide(
            "Theory of Change",
            (f"Weak: {', '.join(weak) or 'none'}", f"{len(at_risk)} boxes at risk downstream of them."),
        ),
        Slide("Exercise: " + ex2.question, tuple(o.label for o in ex2.options)),
        Slide("The toolkit's suggestions", tuple(ex2.reasoning)),
    ]
