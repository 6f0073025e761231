"""The scrutiny parts of the partnership report: each stage's and C's validation state beside its self-rating."""

from __future__ import annotations

from sqlalchemy.orm import Session

from toolkit.core import ids
from toolkit.core.frameworks import Catalogue
from toolkit.reports.blocks import Block, Bullets, Paragraph, Section
from toolkit.scrutiny.evidence import evidence_log
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
    return Section("Validation of the self-rating", blocks)
