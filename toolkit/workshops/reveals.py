"""Reveals are snapshots: what the room sees is frozen at each reveal, and replaced at the next one only when the
change stands on enough new answers (docs/disclosure-control.md, "Workshop reveals").

At a reveal the room's figures (the analysis and the APEASE appraisal, as the suppression rules publish them) are
stored with their basis: for each respondent and measure, the unit their value was counted in (None: withheld)
and the value. A later reveal publishes the new figures only if `suppression.snapshot_shortfalls` finds no unit
whose change rests on fewer than min_group_size people, or on 1 to min_group_size-1 fresh answers; otherwise the
room keeps the last snapshot and the facilitator is told why. The ratings and the appraisal are decided apart
(they share no answers). Every reveal, published or kept, is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.access.accounts import Identity
from toolkit.access.scope import OPERATOR
from toolkit.analysis.config import Config
from toolkit.analysis.frames import rows
from toolkit.analysis.scores import published
from toolkit.analysis.suppression import OWN, snapshot_shortfalls
from toolkit.core import ids
from toolkit.core.catalogue import catalogue as default_catalogue
from toolkit.core.frameworks import Catalogue
from toolkit.store.audit import record
from toolkit.store.models import WorkshopParticipant, WorkshopReveal
from toolkit.store.plans import apease_scores
from toolkit.workshops.appraisal import room_appraisal
from toolkit.workshops.live import ratings_frame, room_results
from toolkit.workshops.rooms import WorkshopInfo, mark_revealed
from toolkit.workshops.snapshot import latest_row


def rating_basis(ratings: pd.DataFrame, cat: Catalogue, min_n: int) -> dict[str, dict[str, list]]:
    """Per respondent and measure: [unit, value], the unit "level/agency" (own) or "level/" (pooled), or None."""
    pub = published(ratings, cat, min_n)
    out: dict[str, dict[str, list]] = {}
    for r in pub.kept.to_dict("records"):
        key = (str(r["kind"]), str(r["framework"]), str(r["measure"]))
        unit = None if key in pub.withheld else f"{r['level']}/{r['agency'] if r['role'] == OWN else ''}"
        out.setdefault(str(r["respondent"]), {})["|".join(key)] = [unit, round(float(r["score"]), 6)]
    for r in pub.raw.to_dict("records"):  # withheld values: in no figure, but there (so not fresh later)
        out.setdefault(str(r["respondent"]), {}).setdefault(
            f"{r['kind']}|{r['framework']}|{r['measure']}", [None, round(float(r["score"]), 6)]
        )
    shown = set(pub.people["respondent"])
    for r in rows(ratings, ratings["score"].isna()).to_dict("records"):  # don't know: counted, per cell
        unit = f"{r['level']}/{r['agency']}" if r["respondent"] in shown else None
        out.setdefault(str(r["respondent"]), {})[f"dont_know|{r['framework']}|{r['item']}"] = [unit, "dont_know"]
    return out


def appraisal_basis(w: WorkshopInfo, *, session: Session, min_n: int) -> dict[str, dict[str, list]]:
    """Per rater and (intervention, criterion): ["room", score], unit None where the room's figure is hidden."""
    raters = set(session.scalars(select(WorkshopParticipant.pseudonym).where(WorkshopParticipant.workshop_id == w.id)))
    given = [r for r in apease_scores(w.ref, session=session) if r["rater"] in raters]
    scored: dict[str, int] = {}
    for r in given:
        if r["score"] is not None:
            key = f"{r['intervention']}|{r['criterion']}"
            scored[key] = scored.get(key, 0) + 1
    out: dict[str, dict[str, list]] = {}
    for r in given:
        key = f"{r['intervention']}|{r['criterion']}"
        unit = "room" if scored.get(key, 0) >= min_n else None
        out.setdefault(r["rater"], {})[key] = [unit, "dont_know" if r["score"] is None else r["score"]]
    return out


@dataclass(frozen=True)
class RevealOutcome:
    """What a reveal did: the snapshot the room now sees, whether its figures are new, and why not, in words."""

    workshop: WorkshopInfo
    number: int
    results_updated: bool
    appraisal_updated: bool
    held_back: list[str]
    message: str


def _group(unit: str, measure: str, cat: Catalogue) -> str:
    """A unit and measure in words: 'Health at frontline level (the Consider stage)'."""
    if unit == "room":
        iv, crit = measure.split("|", 1)
        names = {i.id: i.title for i in cat.interventions}
        return f"the APEASE score of {names.get(iv, iv)} on {crit.replace('_', ' ')}"
    level, agency = unit.split("/", 1)
    who = (
        f"{ids.AGENCY_NAMES.get(agency, agency)} at {ids.LEVEL_NAMES.get(level, level).lower()} level"
        if agency
        else f"the small groups of the {ids.LEVEL_NAMES.get(level, level).lower()} level taken together"
    )
    kind, _fw, m = measure.split("|", 2)
    what = (
        f"the {ids.STAGE_NAMES.get(m, m)} stage"
        if kind == "stage"
        else "a statement"
        if kind in ("item", "dont_know")
        else "the 12 C's"
    )
    return f"{who} ({what})"


def _why(short: list[tuple[str, str, int, int]], min_n: int, cat: Catalogue) -> list[str]:
    """One line per group that falls short (its worst measure), in plain words."""
    worst: dict[str, tuple[str, int, int]] = {}
    for measure, unit, changed, fresh in short:
        if unit not in worst or fresh < worst[unit][2]:
            worst[unit] = (measure, changed, fresh)
    lines = []
    for unit, (measure, changed, fresh) in worst.items():
        if fresh:
            say = f"{fresh} {'person has' if fresh == 1 else 'people have'} answered anew"
        else:
            say = f"{changed} {'person' if changed == 1 else 'people'} left or moved out of it"
        lines.append(f"{_group(unit, measure, cat)}: {say}, fewer than {min_n}")
    return lines


def reveal_now(
    code: str,
    *,
    session: Session,
    actor: Identity | None = OPERATOR,
    cat: Catalogue | None = None,
    cfg: Config | None = None,
) -> RevealOutcome:
    """Reveal: store what the room now sees, or keep the last snapshot when the change rests on too few. Audited."""
    w = mark_revealed(code, session=session, actor=actor)  # refuses another facilitator's or a closed workshop
    cat, cfg = cat or default_catalogue(), cfg or Config.from_settings()
    min_n = cfg.min_group_size
    ratings = ratings_frame(w, session=session)
    results = room_results(ratings, w, cat, cfg).model_dump(mode="json")
    basis_r = rating_basis(ratings, cat, min_n)
    appraisal = room_appraisal(w, session=session, min_n=min_n)
    basis_a = appraisal_basis(w, session=session, min_n=min_n)
    last = latest_row(w.id, session=session)
    short_r = short_a = []
    if last is not None:
        short_r = snapshot_shortfalls(last.basis.get("ratings", {}), basis_r, min_n)
        short_a = snapshot_shortfalls(last.basis.get("appraisal", {}), basis_a, min_n)
        if short_r:
            results, basis_r = last.figures, last.basis.get("ratings", {})
        if short_a:
            appraisal, basis_a = last.appraisal, last.basis.get("appraisal", {})
    new_r = last is None or (not short_r and basis_r != last.basis.get("ratings", {}))
    new_a = last is None or (not short_a and basis_a != last.basis.get("appraisal", {}))
    number = last.number if last is not None else 0
    if new_r or new_a:
        number += 1
        row = WorkshopReveal(
            workshop_id=w.id, number=number, made_by=actor.username if actor else "", figures=results,
            appraisal=appraisal, basis={"ratings": basis_r, "appraisal": basis_a},
        )  # fmt: skip
        session.add(row)
        session.flush()
    held = _why(short_r, min_n, cat) + _why(short_a, min_n, cat)
    n = int(results.get("respondents", 0))
    if last is None:
        message = (
            f"Revealed: the room now sees the results of {n} people, small groups hidden. Answers given from now on "
            "appear only when you reveal again."
        )
    elif new_r or new_a:
        message = f"Revealed again: the room now sees the latest results ({n} people counted)."
        if held:
            message += " Some figures stay as they were: " + "; ".join(held) + "."
    elif held:
        message = (
            f"The room still sees the results of reveal {number}. Since then: " + "; ".join(held) + ". The figures "
            f"change only once at least {min_n} people have answered anew in every group that changed, so that "
            "nobody's answers can be found by comparing the figures before and after. Reveal again when more "
            "people have answered there."
        )
    else:
        message = f"Nothing has changed since reveal {number}: the room's results stay as they are."
    state: dict[str, Any] = {"reveal": number, "respondents": n, "ratings_updated": new_r, "appraisal_updated": new_a}
    record(
        "workshop.reveal", actor=actor.username if actor else "", session=session, area_id=w.area_id,
        target=f"workshop {w.code}: reveal {number}", before={"reveal": last.number if last else 0},
        after=state | {"held_back": held},
    )  # fmt: skip
    return RevealOutcome(w, number, new_r, new_a, held, message)


def reveal(
    code: str,
    *,
    session: Session,
    actor: Identity | None = OPERATOR,
    cat: Catalogue | None = None,
    cfg: Config | None = None,
) -> WorkshopInfo:
    """Reveal (reveal_now) and return the workshop."""
    return reveal_now(code, session=session, actor=actor, cat=cat, cfg=cfg).workshop
