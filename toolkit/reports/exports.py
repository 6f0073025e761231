"""Whole-area bundles that import back to identical data, the Theory of Change as GraphML, Mermaid, SVG and PNG,
and every table of a report as CSV or XLSX."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime
from typing import Literal

import networkx as nx
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from toolkit.charts import results as charts
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue
from toolkit.core.tables import safe_frame, table_bytes
from toolkit.store.models import (
    ApeaseScore,
    Area,
    AssumptionReview,
    Cycle,
    InterventionDecision,
    PlanGoal,
    PlanStep,
    Rating,
    RatingHistory,
    Respondent,
    ShortlistEntry,
)
from toolkit.store.plans import STEP_STATUSES

BUNDLE_FORMAT = "safeguarding-partnership-toolkit/area-bundle"
BUNDLE_VERSION = 1


class BundleError(ValueError):
    """A bundle that cannot be imported; nothing was written. The message lists what is wrong."""


# ---- the bundle's shape: validated on import, so a damaged or hand-edited file is refused cleanly ----------


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


Stamp = str | None


class HistoryDoc(_M):
    score: int | None
    comment: str
    recorded_at: Stamp
    replaced_at: Stamp
    replaced_by: str


class RatingDoc(_M):
    framework: str = Field(max_length=80)
    item: str = Field(max_length=80)
    score: int | None
    comment: str = Field(max_length=4000)
    updated_at: Stamp
    history: list[HistoryDoc] = []


class RespondentDoc(_M):
    pseudonym: str = Field(min_length=1, max_length=100)
    agency: Literal[ids.AGENCIES]  # type: ignore[valid-type]
    level: Literal[ids.LEVELS]  # type: ignore[valid-type]
    created_at: Stamp
    ratings: list[RatingDoc]


class ReviewDoc(_M):
    assumption: str = Field(max_length=80)
    status: Literal["holds", "doubtful", "fails", "unknown"]
    note: str
    updated_at: Stamp
    updated_by: str


class ShortlistDoc(_M):
    intervention: str = Field(max_length=80)
    position: int
    added_by: str
    added_at: Stamp


class ApeaseDoc(_M):
    intervention: str = Field(max_length=80)
    criterion: Literal[ids.APEASE]  # type: ignore[valid-type]
    rater: str = Field(min_length=1, max_length=100)
    score: int | None
    note: str
    updated_at: Stamp


class DecisionDoc(_M):
    intervention: str = Field(max_length=80)
    selected: bool
    rationale: str
    decided_by: str
    decided_at: Stamp


class StepDoc(_M):
    position: int
    text: str
    owner: str
    messenger: str | None
    channel: str | None
    due: str | None
    status: Literal[STEP_STATUSES]  # type: ignore[valid-type]
    updated_by: str
    updated_at: Stamp


class GoalDoc(_M):
    key: str
    intervention: str = Field(max_length=80)
    title: str
    toc_nodes: list[str]
    items: list[dict]
    set_in: str
    carried_from: str | None
    position: int
    created_by: str
    created_at: Stamp
    steps: list[StepDoc]


class CycleDoc(_M):
    name: str = Field(min_length=1, max_length=100)
    created_at: Stamp
    respondents: list[RespondentDoc]
    assumption_reviews: list[ReviewDoc] = []
    shortlist: list[ShortlistDoc] = []
    apease_scores: list[ApeaseDoc] = []
    decisions: list[DecisionDoc] = []
    plan_goals: list[GoalDoc] = []


class AreaDoc(_M):
    name: str = Field(min_length=1, max_length=200)
    tags: dict
    context: dict
    fictional: bool
    created_at: Stamp


class BundleDoc(_M):
    format: Literal["safeguarding-partnership-toolkit/area-bundle"]
    version: Literal[1]
    exported_at: str
    area: AreaDoc
    cycles: list[CycleDoc]


# ---- export ----------------------------------------------------------------------------------------------


def _ts(dt: datetime | None) -> str | None:
    """A timestamp as ISO text in UTC (SQLite hands back naive UTC times, PostgreSQL aware ones: same text)."""
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).isoformat()


def _parse(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def export_bundle(area: str, *, session: Session) -> dict:
    """Everything stored about one area, every cycle: a JSON-ready document that `import_bundle` restores exactly."""
    from toolkit.store.areas import find_area

    a = find_area(area, session=session)
    cycles = session.scalars(select(Cycle).where(Cycle.area_id == a.id).order_by(Cycle.name)).all()
    goal_keys: dict[int, str] = {}
    for c in cycles:
        goals = session.scalars(
            select(PlanGoal).where(PlanGoal.cycle_id == c.id).order_by(PlanGoal.position, PlanGoal.id)
        ).all()
        goal_keys |= {g.id: f"{c.name}#{k}" for k, g in enumerate(goals)}
    return {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "exported_at": _ts(datetime.now(UTC)),
        "area": {
            "name": a.name,
            "tags": dict(a.tags or {}),
            "context": dict(a.context or {}),
            "fictional": bool(a.fictional),
            "created_at": _ts(a.created_at),
        },
        "cycles": [_cycle_doc(c, goal_keys, session) for c in cycles],
    }


def _cycle_doc(c: Cycle, goal_keys: dict[int, str], session: Session) -> dict:
    people = session.scalars(select(Respondent).where(Respondent.cycle_id == c.id).order_by(Respondent.pseudonym)).all()
    ratings: dict[int, list[Rating]] = {}
    for r in session.scalars(
        select(Rating)
        .join(Respondent, Respondent.id == Rating.respondent_id)
        .where(Respondent.cycle_id == c.id)
        .order_by(Rating.framework, Rating.item)
    ):
        ratings.setdefault(r.respondent_id, []).append(r)
    history: dict[int, list[RatingHistory]] = {}
    for h in session.scalars(
        select(RatingHistory)
        .join(Rating, Rating.id == RatingHistory.rating_id)
        .join(Respondent, Respondent.id == Rating.respondent_id)
        .where(Respondent.cycle_id == c.id)
        .order_by(RatingHistory.id)
    ):
        history.setdefault(h.rating_id, []).append(h)
    where = lambda model: select(model).where(model.cycle_id == c.id)  # noqa: E731
    goals = session.scalars(where(PlanGoal).order_by(PlanGoal.position, PlanGoal.id)).all()
    return {
        "name": c.name,
        "created_at": _ts(c.created_at),
        "respondents": [
            {
                "pseudonym": p.pseudonym,
                "agency": p.agency,
                "level": p.level,
                "created_at": _ts(p.created_at),
                "ratings": [
                    {
                        "framework": r.framework,
                        "item": r.item,
                        "score": r.score,
                        "comment": r.comment,
                        "updated_at": _ts(r.updated_at),
                        "history": [
                            {
                                "score": h.score,
                                "comment": h.comment,
                                "recorded_at": _ts(h.recorded_at),
                                "replaced_at": _ts(h.replaced_at),
                                "replaced_by": h.replaced_by,
                            }
                            for h in history.get(r.id, [])
                        ],
                    }
                    for r in ratings.get(p.id, [])
                ],
            }
            for p in people
        ],
        "assumption_reviews": [
            {
                "assumption": r.assumption,
                "status": r.status,
                "note": r.note,
                "updated_at": _ts(r.updated_at),
                "updated_by": r.updated_by,
            }
            for r in session.scalars(where(AssumptionReview).order_by(AssumptionReview.assumption))
        ],
        "shortlist": [
            {
                "intervention": r.intervention,
                "position": r.position,
                "added_by": r.added_by,
                "added_at": _ts(r.added_at),
            }
            for r in session.scalars(
                where(ShortlistEntry).order_by(ShortlistEntry.position, ShortlistEntry.intervention)
            )
        ],
        "apease_scores": [
            {
                "intervention": r.intervention,
                "criterion": r.criterion,
                "rater": r.rater,
                "score": r.score,
                "note": r.note,
                "updated_at": _ts(r.updated_at),
            }
            for r in session.scalars(
                where(ApeaseScore).order_by(ApeaseScore.intervention, ApeaseScore.criterion, ApeaseScore.rater)
            )
        ],
        "decisions": [
            {
                "intervention": r.intervention,
                "selected": r.selected,
                "rationale": r.rationale,
                "decided_by": r.decided_by,
                "decided_at": _ts(r.decided_at),
            }
            for r in session.scalars(where(InterventionDecision).order_by(InterventionDecision.intervention))
        ],
        "plan_goals": [
            {
                "key": goal_keys[g.id],
                "intervention": g.intervention,
                "title": g.title,
                "toc_nodes": list(g.toc_nodes or []),
                "items": list(g.items or []),
                "set_in": g.set_in,
                "carried_from": goal_keys.get(g.carried_from_id) if g.carried_from_id else None,
                "position": g.position,
                "created_by": g.created_by,
                "created_at": _ts(g.created_at),
                "steps": [
                    {
                        "position": s.position,
                        "text": s.text,
                        "owner": s.owner,
                        "messenger": s.messenger,
                        "channel": s.channel,
                        "due": s.due.isoformat() if s.due else None,
                        "status": s.status,
                        "updated_by": s.updated_by,
                        "updated_at": _ts(s.updated_at),
                    }
                    for s in g.steps
                ],
            }
            for g in goals
        ],
    }


def bundle_bytes(area: str, *, session: Session) -> bytes:
    """The bundle as UTF-8 JSON bytes, for a download or a file."""
    return json.dumps(export_bundle(area, session=session), ensure_ascii=False, indent=1).encode("utf-8")


# ---- import ----------------------------------------------------------------------------------------------


def is_bundle(data: bytes) -> bool:
    """Whether a file is an area bundle (a JSON object naming the bundle format), whatever it is called."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"{") or BUNDLE_FORMAT.encode() not in data[:1_000_000]:
        return False
    try:
        return json.loads(data.decode("utf-8-sig")).get("format") == BUNDLE_FORMAT
    except (ValueError, AttributeError):
        return False


def _check(doc: BundleDoc, cat: Catalogue) -> list[str]:
    """Problems a valid shape can still have: unknown items or interventions, scores off the scale, repeats."""
    problems = []
    rated = {fw.id: fw for fw in cat.rated}
    ivs = {iv.id for iv in cat.interventions}
    apease = cat.scale("apease")
    names = [c.name for c in doc.cycles]
    if len(set(names)) != len(names):
        problems.append("a cycle appears twice")
    keys = [g.key for c in doc.cycles for g in c.plan_goals]
    for c in doc.cycles:
        who = [p.pseudonym for p in c.respondents]
        if len(set(who)) != len(who):
            problems.append(f"cycle {c.name}: a respondent appears twice")
        for p in c.respondents:
            seen = set()
            for r in p.ratings:
                fw = rated.get(r.framework)
                where = f"cycle {c.name}, respondent {p.pseudonym}, {r.framework}/{r.item}"
                if fw is None or r.item not in fw.item_index:
                    problems.append(f"{where}: not a rated statement of these frameworks")
                elif r.score is not None and not fw.scale.min <= r.score <= fw.scale.max:
                    problems.append(f"{where}: score {r.score} is outside {fw.scale.min}-{fw.scale.max}")
                if (r.framework, r.item) in seen:
                    problems.append(f"{where}: rated twice")
                seen.add((r.framework, r.item))
        for x in [*c.shortlist, *c.apease_scores, *c.decisions, *c.plan_goals]:
            if x.intervention not in ivs:
                problems.append(f"cycle {c.name}: no intervention {x.intervention!r} in the libraries")
        for s in c.apease_scores:
            if s.score is not None and not apease.min <= s.score <= apease.max:
                problems.append(f"cycle {c.name}: APEASE score {s.score} is outside {apease.min}-{apease.max}")
        for g in c.plan_goals:
            if g.carried_from is not None and g.carried_from not in keys:
                problems.append(f"cycle {c.name}: goal {g.key} is carried from an unknown goal {g.carried_from}")
    return problems


def import_bundle(data: bytes | dict, *, session: Session, catalogue: Catalogue, replace: bool = False) -> str:
    """Write a bundle's area into the database, all or nothing; an area of that name must not exist (unless replace)."""
    from toolkit.store.areas import delete_area

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
    problems = _check(doc, catalogue)
    if problems:
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        raise BundleError("the bundle has problems, so nothing was imported: " + "; ".join(problems[:10]) + more)
    if session.scalar(select(Area.id).where(Area.name == doc.area.name)) is not None:
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
    n_ratings = 0
    for cd in doc.cycles:
        c = Cycle(area_id=a.id, name=cd.name, created_at=_parse(cd.created_at))
        session.add(c)
        session.flush()
        n_ratings += _import_people(c.id, cd, session)
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
    for gid, key in carried:
        session.get(PlanGoal, gid).carried_from_id = goal_ids[key]
    session.flush()
    people = sum(len(c.respondents) for c in doc.cycles)
    return (
        f"Imported the area {doc.area.name!r}: {len(doc.cycles)} cycle(s), {people} respondents, {n_ratings} ratings, "
        f"{sum(len(c.plan_goals) for c in doc.cycles)} plan goal(s)."
    )


def _import_people(cycle_id: int, cd: CycleDoc, session: Session) -> int:
    """Respondents, their ratings and the ratings' history; returns the number of ratings written."""
    if not cd.respondents:
        return 0
    session.execute(
        insert(Respondent.__table__),
        [
            {
                "cycle_id": cycle_id,
                "pseudonym": p.pseudonym,
                "agency": p.agency,
                "level": p.level,
                "created_at": _parse(p.created_at),
            }
            for p in cd.respondents
        ],
    )
    pid = dict(
        session.execute(select(Respondent.pseudonym, Respondent.id).where(Respondent.cycle_id == cycle_id)).all()
    )
    plain, n = [], 0
    for p in cd.respondents:
        for r in p.ratings:
            n += 1
            row = {
                "respondent_id": pid[p.pseudonym],
                "framework": r.framework,
                "item": r.item,
                "score": r.score,
                "comment": r.comment,
                "updated_at": _parse(r.updated_at),
            }
            if not r.history:
                plain.append(row)
                continue
            rating = Rating(**row)
            session.add(rating)
            session.flush()
            session.execute(
                insert(RatingHistory.__table__),
                [
                    {
                        "rating_id": rating.id,
                        "score": h.score,
                        "comment": h.comment,
                        "recorded_at": _parse(h.recorded_at),
                        "replaced_at": _parse(h.replaced_at),
                        "replaced_by": h.replaced_by,
                    }
                    for h in r.history
                ],
            )
    if plain:
        session.execute(insert(Rating.__table__), plain)
    return n


# ---- the Theory of Change --------------------------------------------------------------------------------


def toc_graph(health: dict) -> nx.DiGraph:
    """The scored Theory of Change as a DiGraph: node tier, label, status and score; edge rationale and risk."""
    g = nx.DiGraph()
    for n in health["nodes"]:
        attrs = {"tier": n["tier"], "label": n["label"], "status": n["status"], "reason": n.get("reason") or ""}
        if n.get("score") is not None:
            attrs["score"] = float(n["score"])
        g.add_node(n["id"], **attrs)
    for e in health["edges"]:
        g.add_edge(e["from"], e["to"], rationale=e.get("rationale") or "", at_risk=bool(e["at_risk"]))
    return g


def toc_graphml(health: dict) -> str:
    """The scored Theory of Change as GraphML (opens in yEd, Gephi, Cytoscape)."""
    buf = io.BytesIO()
    nx.write_graphml(toc_graph(health), buf, encoding="utf-8")
    return buf.getvalue().decode("utf-8")


def _mermaid_text(text: str) -> str:
    return "".join(f"#{ord(ch)};" if ch in '"<>#&`|[]{}()' else ch for ch in text)


def toc_mermaid(health: dict) -> str:
    """The scored Theory of Change as a Mermaid flowchart: tiers as subgraphs, status in each box's words and style."""
    lines = ["flowchart LR"]
    for tier in ids.TOC_TIERS:
        lines.append(f'  subgraph {tier}["{tier.replace("_", " ").capitalize()}"]')
        for n in (x for x in health["nodes"] if x["tier"] == tier):
            score = f" {n['score']:.1f}" if n.get("score") is not None else ""
            tag = f"{charts.TOC_TAGS[n['status']]}{score}"
            lines.append(f'    {n["id"]}["{_mermaid_text(n["label"])}<br/>[{tag}]"]:::{n["status"]}')
        lines.append("  end")
    risky = []
    for k, e in enumerate(health["edges"]):
        lines.append(f"  {e['from']} {'-. at risk .->' if e['at_risk'] else '-->'} {e['to']}")
        if e["at_risk"]:
            risky.append(str(k))
    for status, colour in charts.STATUS_COLOURS.items():
        ink = "#fff" if status in ("strong", "weak") else "#000"
        dash = ",stroke-dasharray:5 3" if status in ("at_risk", "unknown") else ""
        lines.append(f"  classDef {status} fill:{colour},color:{ink},stroke:#000{dash}")
    if risky:
        lines.append(f"  linkStyle {','.join(risky)} stroke:{charts.OKABE_ITO['orange']},stroke-width:3px")
    return "\n".join(lines) + "\n"


def toc_svg(health: dict) -> str:
    """The Theory of Change diagram as SVG (no browser or Graphviz needed)."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(charts.toc_chart(health).to_dict())


def toc_png(health: dict, scale: float = 2.0) -> bytes:
    """The Theory of Change diagram as PNG."""
    import vl_convert as vlc

    return vlc.vegalite_to_png(charts.toc_chart(health).to_dict(), scale=scale)


# ---- tables ----------------------------------------------------------------------------------------------


def report_tables(report) -> dict[str, pd.DataFrame]:
    """Every table of a built report, by a short name (section and number), for CSV or XLSX."""
    from toolkit.reports.content import Table

    out: dict[str, pd.DataFrame] = {}
    for s in report.sections:
        tables = [b for b in s.blocks if isinstance(b, Table)]
        for k, t in enumerate(tables, 1):
            name = s.heading if len(tables) == 1 else f"{s.heading} {k}"
            out[name] = pd.DataFrame(t.rows, columns=t.columns)
    return out


def tables_xlsx(tables: dict[str, pd.DataFrame]) -> bytes:
    """Several tables as one workbook, a sheet each, every text cell neutralised against formulas."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        used: set[str] = set()
        for name, df in tables.items():
            sheet = "".join(ch for ch in name if ch not in "[]:*?/\\")[:31] or "table"
            k = 2
            while sheet in used:
                sheet = f"{sheet[:28]} {k}"
                k += 1
            used.add(sheet)
            safe_frame(df).to_excel(xl, index=False, sheet_name=sheet)
    return buf.getvalue()


def tables_csv_zip(tables: dict[str, pd.DataFrame]) -> bytes:
    """Several tables as a zip of CSV files, every text cell neutralised against formulas."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, df in tables.items():
            stem = "".join(ch if ch.isalnum() else "_" for ch in name).strip("_").lower()
            z.writestr(f"{stem}.csv", table_bytes(df, "csv"))
    return buf.getvalue()
