"""The scrutiny parts of the partnership report: each stage's and C's validation state beside its self-rating, and
the scrutiny record in a few lines."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from toolkit.core import ids
from toolkit.core.frameworks import Catalogue
from toolkit.reports.blocks import Block, Bullets, Paragraph, Section
from toolkit.scrutiny.challenges import overdue
from toolkit.scrutiny.checklist import CHECK_STATUSES, PARTNERS, assurance, checks
from toolkit.scrutiny.evidence import evidence_log
from toolkit.scrutiny.fields import counted
from toolkit.scrutiny.validation import in_words, short_words, states_of


def validation_cells(area: str, cycle: str, *, session: Session) -> dict[str, str]:
    """Each stage's and C's validation state for a table cell, by link (stage:<id>, c:<id>)."""
    states = states_of(area, cycle, evidence_log(area, cycle, session=session), session=session)
    return {link: short_words(v) for link, v in states.items()}


def validation_section(area: str, cycle: str, *, session: Session, cat: Catalogue) -> Section:
    """What the independent scrutineer made of the self-rating: every state other than self-assessed, in words."""
    states = states_of(area, cycle, evidence_log(area, cycle, session=session), session=session)
    names = {f"stage:{s}": f"Stage {ids.STAGE_NAMES[s]}" for s in ids.STAGES}
    names |= {f"c:{c.id}": f"C {c.number}. {c.name}" for c in cat.twelve_cs.cs}
    shown = [f"{names[link]}: {in_words(v)}" for link, v in states.items() if v["state"] != "self_assessed"]
    blocks: list[Block] = [
        Paragraph(
            "The independent scrutineer validates each stage's and C's self-rating, or adjusts it to their own figure "
            "with a reason; the partnership may dispute a validation. A stage or C with a challenge not yet closed is "
            "shown as challenged. The tables above give each state beside the self-rating."
        )
    ]
    blocks.append(Bullets(shown) if shown else Paragraph("Every stage and C is as the partnership assessed it."))
    blocks.append(Paragraph("Scrutiny so far:"))
    blocks.append(Bullets(scrutiny_summary(area, cycle, session=session)))
    return Section("Validation of the self-rating", blocks)


def scrutiny_summary(area: str, cycle: str, *, session: Session, today: date | None = None) -> list[str]:
    """The scrutiny record in a few lines for the partnership's report: evidence, challenges (open, overdue),
    the yearly report checklist, the partners' sign-offs and the covering statement."""
    today = today or date.today()
    entries = evidence_log(area, cycle, session=session)
    chall = [e for e in entries if e["judgement"] == "challenges"]
    open_ = [e for e in chall if e["status"] != "closed"]
    late = [e for e in chall if overdue(e, today)]
    judged = checks(area, cycle, session=session)
    by_status = {k: sum(j["status"] == k for j in judged.values()) for k in CHECK_STATUSES if k != "not_checked"}
    assured = assurance(area, cycle, session=session)
    signed = [ids.AGENCY_NAMES[p] for p in PARTNERS if p in assured["signoffs"]]
    return [
        f"{counted(len(entries) - len(chall), 'supporting note')}; {counted(len(chall), 'challenge')}, "
        f"{len(open_)} not yet closed" + (f", {len(late)} past the date the answer was due." if late else "."),
        "Yearly report checklist: "
        + (", ".join(f"{n} {CHECK_STATUSES[k].lower()}" for k, n in by_status.items()) if judged else "not judged yet")
        + ".",
        f"Signed off by {', '.join(signed)}." if signed else "No partner has signed off the yearly report yet.",
        "The independent scrutineer's covering statement is written."
        if assured["statement"]
        else "The independent scrutineer has not written the covering statement yet.",
    ]
