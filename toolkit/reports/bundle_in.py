"""A bundle back in: validated against its shape and the frameworks, then written all or nothing."""

from __future__ import annotations

import json
import re
from datetime import date, datetime

from pydantic import ValidationError
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from toolkit.analysis.toc_doc import TocDoc
from toolkit.analysis.toc_doc import problems as toc_problems
from toolkit.capture.validate import RatingInvalid, check_name, check_rating, check_score, check_stamp, check_text
from toolkit.capture.write import restore_ratings
from toolkit.core.cycle_dates import BadDate, parse_start
from toolkit.core.frameworks import Catalogue
from toolkit.reports.bundle_doc import BUNDLE_FORMAT, BundleDoc, BundleError, CycleDoc
from toolkit.reports.bundle_rows import CYCLE_PARTS, check_cycle_parts, cycle_parts_in
from toolkit.store.areas import delete_area
from toolkit.store.audit import CLI, record
from toolkit.store.models import (
    ApeaseScore,
    Area,
    AssumptionReview,
    Cycle,
    InterventionDecision,
    PlanGoal,
    PlanStep,
    ShortlistEntry,
    TocVersion,
)


def _parse(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def is_bundle(data: bytes) -> bool:
    """Whether a file is an area bundle (a JSON object naming the bundle format), whatever it is called."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"{") or BUNDLE_FORMAT.encode() not in data[:1_000_000]:
        return False
    try:
        return json.loads(data.decode("utf-8-sig")).get("format") == BUNDLE_FORMAT
    except (ValueError, AttributeError):
        return False


def bundle_area(data: bytes) -> str:
    """The name of the area a bundle holds, in NFC as import_bundle stores it, to check who may import it before
    reading it all; "" if it names none the name rule (capture.validate) allows, which import_bundle then refuses."""
    try:
        area = json.loads(data.decode("utf-8-sig")).get("area")
    except (ValueError, AttributeError):
        return ""
    try:
        return check_name("area", area.get("name") if isinstance(area, dict) else None)
    except RatingInvalid:  # a control character (NUL) would not even reach PostgreSQL in a query
        return ""


# Names and comments are checked with their records below (check_name, check_rating): not twice.
_CHECKED_WITH_RECORD = re.compile(
    r"^area/name$|^cycles/\d+/name$|^cycles/\d+/respondents/\d+/pseudonym$|/ratings/\d+/(history/\d+/)?comment$"
)


def _text_problems(raw: object, path: str = "") -> list[str]:
    """Every other string of the bundle, wherever it sits, checked as free text is (no control characters)."""
    if _CHECKED_WITH_RECORD.search(path):
        return []
    if isinstance(raw, dict):
        return [p for k, v in raw.items() for p in _text_problems(v, f"{path}/{k}" if path else str(k))]
    if isinstance(raw, list):
        return [p for k, v in enumerate(raw) for p in _text_problems(v, f"{path}/{k}")]
    try:
        if isinstance(raw, str):
            check_text(path.rsplit("/", 1)[-1], raw)
    except RatingInvalid as exc:
        return [f"{path}: {exc}"]
    return []


def _checked(where: str, problems: list[str], check, *args):
    """Run one rule of capture.validate and return what it returns; a refusal is kept as a problem at `where`."""
    try:
        return check(*args)
    except RatingInvalid as exc:
        problems.append(f"{where}: {exc}")
        return args[-1]


def _check(doc: BundleDoc, cat: Catalogue) -> list[str]:
    """Problems a valid shape can still have, under the rules every rating and name is written under
    (capture.validate): names, scores, comments, timestamps; unknown items or interventions; repeats."""
    problems: list[str] = []
    ivs = {iv.id for iv in cat.interventions}
    apease = cat.scale("apease")
    doc.area.name = _checked("area", problems, check_name, "area", doc.area.name)  # stored in NFC
    _checked("area", problems, check_stamp, "created_at", doc.area.created_at)
    names = [c.name for c in doc.cycles]
    if len(set(names)) != len(names):
        problems.append("a cycle appears twice")
    keys = [g.key for c in doc.cycles for g in c.plan_goals]
    for c in doc.cycles:
        c.name = _checked(f"cycle {c.name!r}", problems, check_name, "cycle", c.name)
        _checked(f"cycle {c.name!r}", problems, check_stamp, "created_at", c.created_at)
        if c.starts_on is not None:
            try:
                parse_start(c.starts_on)
            except BadDate as exc:
                problems.append(f"cycle {c.name!r}: {exc}")
        who = [p.pseudonym for p in c.respondents]
        if len(set(who)) != len(who):
            problems.append(f"cycle {c.name}: a respondent appears twice")
        for p in c.respondents:
            where = f"cycle {c.name}, respondent {p.pseudonym!r}"
            p.pseudonym = _checked(where, problems, check_name, "respondent", p.pseudonym)
            _checked(f"cycle {c.name}, respondent {p.pseudonym!r}", problems, check_stamp, "created_at", p.created_at)
            seen = set()
            for r in p.ratings:
                where = f"cycle {c.name}, respondent {p.pseudonym}, {r.framework}/{r.item}"
                rating = (r.framework, r.item, r.score, p.agency, p.level, r.comment)
                _checked(where, problems, lambda *a: check_rating(*a, cat=cat), *rating)
                _checked(where, problems, check_stamp, "updated_at", r.updated_at)
                for k, h in enumerate(r.history, 1):
                    earlier = (r.framework, r.item, h.score, p.agency, p.level, h.comment)
                    _checked(f"{where}, earlier value {k}", problems, lambda *a: check_rating(*a, cat=cat), *earlier)
                    for field in ("recorded_at", "replaced_at"):
                        _checked(f"{where}, earlier value {k}", problems, check_stamp, field, getattr(h, field))
                if (r.framework, r.item) in seen:
                    problems.append(f"{where}: rated twice")
                seen.add((r.framework, r.item))
        for x in [*c.shortlist, *c.apease_scores, *c.decisions, *c.plan_goals]:
            if x.intervention not in ivs:
                problems.append(f"cycle {c.name}: no intervention {x.intervention!r} in the libraries")
        for s in c.apease_scores:
            where = f"cycle {c.name}: APEASE {s.intervention}/{s.criterion} by {s.rater}"
            _checked(where, problems, check_score, s.score, apease.min, apease.max)
        stamps = [
            *(("assumption review", r.assumption, "updated_at", r.updated_at) for r in c.assumption_reviews),
            *(("shortlist entry", x.intervention, "added_at", x.added_at) for x in c.shortlist),
            *(("APEASE score", x.intervention, "updated_at", x.updated_at) for x in c.apease_scores),
            *(("decision", x.intervention, "decided_at", x.decided_at) for x in c.decisions),
            *(("plan goal", g.key, "created_at", g.created_at) for g in c.plan_goals),
            *(
                ("plan step", f"{g.key}/{st.position}", "updated_at", st.updated_at)
                for g in c.plan_goals
                for st in g.steps
            ),
        ]
        for kind, what, field, value in stamps:
            _checked(f"cycle {c.name}, {kind} {what}", problems, check_stamp, field, value)
        for g in c.plan_goals:
            if g.carried_from is not None and g.carried_from not in keys:
                problems.append(f"cycle {c.name}: goal {g.key} is carried from an unknown goal {g.carried_from}")
        criteria = {x.id for x in cat.get("yearly_report").criteria}
        for x in c.checks:
            if x.get("criterion") not in criteria:
                problems.append(f"cycle {c.name}: {x.get('criterion')!r} is not a point of the yearly report checklist")
    return problems


def _toc_problems(doc: BundleDoc) -> list[str]:
    """A Theory of Change version that is not a valid document, names a cycle the bundle lacks, or repeats a number."""
    out: list[str] = []
    cycles = {c.name for c in doc.cycles}
    numbers = [v.number for v in doc.toc_versions]
    if len(numbers) != len(set(numbers)):
        out.append("toc_versions: a version number appears more than once")
    for v in doc.toc_versions:
        if v.cycle is not None and v.cycle not in cycles:
            out.append(f"toc_versions/{v.number}: cycle {v.cycle[:40]!r} is not one of the bundle's cycles")
        try:
            found = toc_problems(TocDoc.model_validate(v.doc))
        except ValidationError as exc:
            found = [f"{'/'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:3]]
        out += [f"toc_versions/{v.number}: {p}" for p in found]
    return out


def _parts(c: CycleDoc) -> dict:
    return {key: getattr(c, key) for key in (*CYCLE_PARTS, "workshops")}


def import_bundle(
    data: bytes | dict, *, session: Session, catalogue: Catalogue, replace: bool = False, actor: str = CLI
) -> str:
    """Write a bundle's area into the database, all or nothing; an area of that name must not exist (unless replace).

    The import is written to the audit log under `actor`.
    """
    try:
        raw = json.loads(data.decode("utf-8-sig")) if isinstance(data, bytes) else data
        doc = BundleDoc.model_validate(raw)
    except ValueError as exc:  # JSON and pydantic errors
        detail = (
            "; ".join(f"{'/'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:10])
            if isinstance(exc, ValidationError)
            else str(exc)
        )
        raise BundleError(f"not a readable area bundle: {detail}") from None
    problems = _text_problems(raw) + _check(doc, catalogue)
    for c in doc.cycles:
        problems += check_cycle_parts(c.name, _parts(c), session=session)
    problems += _toc_problems(doc)
    if problems:
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        raise BundleError("the bundle has problems, so nothing was imported: " + "; ".join(problems[:10]) + more)
    replaced = session.scalar(select(Area.id).where(Area.name == doc.area.name))
    if replaced is not None:
        if not replace:
            raise BundleError(
                f"an area called {doc.area.name!r} already exists in this database; import the bundle into a "
                "database without it, so nothing is overwritten"
            )
        delete_area(doc.area.name, session=session)
    a = Area(
        name=doc.area.name,
        tags=doc.area.tags,
        context=doc.area.context,
        fictional=doc.area.fictional,
        created_at=_parse(doc.area.created_at),
    )
    session.add(a)
    session.flush()
    goal_ids: dict[str, int] = {}
    carried: list[tuple[int, str]] = []
    n_ratings = n_other = 0
    for cd in doc.cycles:
        c = Cycle(area_id=a.id, name=cd.name, created_at=_parse(cd.created_at))
        if cd.starts_on is not None:
            c.starts_on = parse_start(cd.starts_on)
        session.add(c)
        session.flush()
        n_ratings += restore_ratings(c.id, cd.respondents, _parse, session=session)
        rows = [
            (
                AssumptionReview,
                [
                    {"cycle_id": c.id, **r.model_dump(), "updated_at": _parse(r.updated_at)}
                    for r in cd.assumption_reviews
                ],
            ),
            (
                ShortlistEntry,
                [{"cycle_id": c.id, **r.model_dump(), "added_at": _parse(r.added_at)} for r in cd.shortlist],
            ),
            (
                ApeaseScore,
                [{"cycle_id": c.id, **r.model_dump(), "updated_at": _parse(r.updated_at)} for r in cd.apease_scores],
            ),
            (
                InterventionDecision,
                [{"cycle_id": c.id, **r.model_dump(), "decided_at": _parse(r.decided_at)} for r in cd.decisions],
            ),
        ]
        for model, values in rows:
            if values:
                session.execute(insert(model.__table__), values)
        for g in cd.plan_goals:
            goal = PlanGoal(
                cycle_id=c.id,
                intervention=g.intervention,
                title=g.title,
                toc_nodes=g.toc_nodes,
                items=g.items,
                set_in=g.set_in,
                position=g.position,
                created_by=g.created_by,
                created_at=_parse(g.created_at),
                steps=[
                    PlanStep(
                        position=s.position,
                        text=s.text,
                        owner=s.owner,
                        messenger=s.messenger,
                        channel=s.channel,
                        due=date.fromisoformat(s.due) if s.due else None,
                        status=s.status,
                        updated_by=s.updated_by,
                        updated_at=_parse(s.updated_at),
                    )
                    for s in g.steps
                ],
            )
            session.add(goal)
            session.flush()
            goal_ids[g.key] = goal.id
            if g.carried_from:
                carried.append((goal.id, g.carried_from))
        # After the ratings: a closed workshop makes its cycle's ratings final.
        n_other += cycle_parts_in(a.id, c.id, _parts(cd), session=session)
    for gid, key in carried:
        session.get_one(PlanGoal, gid).carried_from_id = goal_ids[key]
    cycle_ids = {c.name: c.id for c in session.scalars(select(Cycle).where(Cycle.area_id == a.id))}
    for v in doc.toc_versions:
        session.add(
            TocVersion(
                area_id=a.id,
                number=v.number,
                cycle_id=cycle_ids.get(v.cycle) if v.cycle else None,
                doc=v.doc,
                note=v.note,
                created_at=_parse(v.created_at),
                created_by=v.created_by,
            )
        )
        n_other += 1
    session.flush()
    people = sum(len(c.respondents) for c in doc.cycles)
    record(
        "bundle_import",
        actor=actor,
        session=session,
        area_id=a.id,
        target=a.name,
        before={"replaced_area_id": replaced} if replaced is not None else None,
        after={"cycles": len(doc.cycles), "respondents": people, "ratings": n_ratings, "other_records": n_other},
    )
    return (
        f"Imported the area {doc.area.name!r}: {len(doc.cycles)} cycle(s), {people} respondents, {n_ratings} ratings, "
        f"{sum(len(c.plan_goals) for c in doc.cycles)} plan goal(s), {n_other} scrutiny and workshop record(s)."
    )
