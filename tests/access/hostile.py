"""A data set with hostile text in every free-text field a person can fill in, through the toolkit's own functions.

Each value starts with a spreadsheet formula trigger and carries HTML, a script, a Markdown link and a Markdown
image (a tracking pixel), so one data set tests "shown as text, never run" and "neutralised in every export".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from toolkit import workshops as ws
from toolkit.access.accounts import Identity, authenticate, create_user, start_session
from toolkit.access.scope import load
from toolkit.capture.ratings_import import import_ratings
from toolkit.scrutiny import attachments, challenges, checklist, evidence, trail
from toolkit.store.areas import resolve_cycle, set_area_context
from toolkit.store.assumptions import save_assumption
from toolkit.store.db import session_scope
from toolkit.store.plans import add_goal, add_step, record_apease, record_decision, shortlist_add

EVIL = "evil.example"
PAYLOAD = (
    f"<script>alert(1)</script> <img src=x onerror=alert(1)> [click me](https://{EVIL}/a) ![t](https://{EVIL}/p.png)"
)
AREA = f"=HYPERLINK(1) Ashby {PAYLOAD}"  # within the 200-character limit
CYCLE = f"+2026 [c](https://{EVIL}/c)"
PW = "a long enough password"


def hostile(label: str, trigger: str = "=") -> str:
    """A value for one field: a formula trigger, the field's name (to tell where a leak came from), the payload."""
    return f"{trigger}{label} {PAYLOAD}"


@dataclass
class Hostile:
    area: str
    cycle: str
    code: str
    participant: str
    tokens: dict[str, str]
    secret: str = ""  # the participant's own link key (k=)


def seed(engine, cat) -> Hostile:
    """Ratings, context, assumptions, shortlist, appraisal, decision, plan, workshop and scrutiny, all hostile."""
    opm, tcs = cat.get("opm"), cat.get("twelve_cs")
    rows = []
    for k in range(6):  # six respondents, so results show (groups of 3 or more)
        agency, level = ("police", "frontline") if k < 3 else ("health", "strategic")
        for it in [*opm.items[:8], *tcs.items[:6]]:
            fw = "opm" if it in opm.items else "twelve_cs"
            rows.append(
                [
                    AREA,
                    CYCLE,
                    f"-resp{k} {PAYLOAD}"[:100],
                    agency,
                    level,
                    fw,
                    it.id,
                    str(1 + (k + len(it.id)) % 5),
                    hostile(f"comment{k}", "@"),
                ]
            )
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf).writerows(
        [["area", "cycle", "respondent", "agency", "level", "framework", "item", "score", "comment"], *rows]
    )
    tokens = {}
    with session_scope(engine) as s:
        import_ratings(buf.getvalue().encode(), hostile("file", "=")[:60] + ".csv", session=s, catalogue=cat)
        for name, role in (("facil", "facilitator"), ("scrut", "scrutineer"), ("admin", "administrator")):
            create_user(name, PW, role, session=s)
            tokens[role] = start_session(authenticate(name, PW, session=s), session=s)
        factors = {f.id: hostile(f"context-{f.id}") for f in cat.opm.context_factors}
        set_area_context(
            AREA, factors, {"nation": hostile("tag-nation", "-"), "type": hostile("tag-type", "+")}, session=s
        )
        assumption = cat.toc.assumptions[0].id
        save_assumption(
            resolve_cycle(AREA, CYCLE, session=s),
            assumption,
            "doubtful",
            hostile("assumption-note"),
            session=s,
            by="facil",
        )
        iv = cat.interventions[0].id
        shortlist_add(resolve_cycle(AREA, CYCLE, session=s), iv, session=s, by="facil", cat=cat)
        for k in range(3):
            record_apease(
                resolve_cycle(AREA, CYCLE, session=s),
                iv,
                "affordability",
                hostile(f"rater{k}", "+")[:100],
                2 + k,
                hostile("apease-note"),
                session=s,
                cat=cat,
            )
        record_decision(
            resolve_cycle(AREA, CYCLE, session=s), iv, True, hostile("rationale"), session=s, by="facil", cat=cat
        )
        goal = add_goal(
            resolve_cycle(AREA, CYCLE, session=s), iv, session=s, title=hostile("goal-title"), by="facil", cat=cat
        )
        add_step(
            goal,
            hostile("step-text"),
            session=s,
            owner=hostile("step-owner", "-")[:200],
            due=date(2026, 1, 1),
            by="facil",
            cat=cat,
        )
        w = ws.create_workshop(AREA, CYCLE, created_by="facil", session=s, title=hostile("workshop-title"))
        p = ws.join(w.code, "police", "frontline", hostile("name", "@"), session=s)
        link = next(iter(evidence.link_options(cat)))
        e = evidence.log_evidence(
            AREA,
            CYCLE,
            note=hostile("evidence-note"),
            source="audit",
            seen_on=date(2025, 12, 1),
            judgement="challenges",
            link=link,
            owner="facil",
            due_on=date.today(),
            actor=load(Identity("scrut", "scrutineer"), session=s),
            session=s,
            cat=cat,
        )
        challenges.answer_challenge(
            e.id,
            hostile("challenge-answer"),
            area=AREA,
            cycle=CYCLE,
            actor=load(Identity("facil", "facilitator"), session=s),
            session=s,
        )
        attachments.add_link(
            e.id,
            "https://example.org/minutes",
            title=hostile("attachment-title"),
            area=AREA,
            cycle=CYCLE,
            actor=load(Identity("scrut", "scrutineer"), session=s),
            session=s,
        )
        trail.add_trail(
            AREA,
            CYCLE,
            decision=hostile("trail-decision"),
            practice_change=hostile("trail-change"),
            outcome=hostile("trail-outcome"),
            actor=load(Identity("scrut", "scrutineer"), session=s),
            session=s,
            cat=cat,
        )
        crit = cat.get(checklist.CHECKLIST).criteria[0].id
        checklist.set_check(
            AREA,
            CYCLE,
            crit,
            "partly",
            hostile("check-note"),
            actor=load(Identity("scrut", "scrutineer"), session=s),
            session=s,
            cat=cat,
        )
        checklist.sign_off(
            AREA, CYCLE, "police", date(2026, 1, 2), actor=load(Identity("facil", "facilitator"), session=s), session=s
        )
        checklist.set_statement(
            AREA, CYCLE, hostile("statement"), actor=load(Identity("scrut", "scrutineer"), session=s), session=s
        )
    with session_scope(engine) as s:
        step = ws.steps_for(ws.find_workshop(w.code, session=s), "frontline", cat)[0]
    ws.answer(
        w.code, p.pseudonym, step.framework, step.items[0].id, 3, hostile("workshop-comment"), engine=engine, cat=cat
    )
    return Hostile(AREA, CYCLE, w.code, p.pseudonym, tokens, p.secret)
