"""What the projector shows: the parts of a presentation, the priority in one sentence, the QR's address."""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.analysis.results import AreaAnalysis
from toolkit.core import ids
from toolkit.workshops.codes import format_code, public_join_link
from toolkit.workshops.rooms import WorkshopInfo

QR_NEEDS_URL = (
    "No QR code: set `TOOLKIT_PUBLIC_URL` to the address phones use to reach this app (this screen's own address may "
    "be one only this computer can open). Phones can open the join page and type the code."
)
SLIDES = ("Join", "Live", "Results", "Disagreement", "APEASE", "Choice", "Plan", "Comments")


@dataclass(frozen=True)
class JoinCard:
    """How the room joins: the code in large type and, when the public address is set, the link its QR holds."""

    code: str  # formatted, ABCD-EFGH
    link: str | None  # the QR's address; None when TOOLKIT_PUBLIC_URL is not set (never the browser's address)
    note: str | None  # why there is no QR, when there is none


def join_card(w: WorkshopInfo, public_url: str | None) -> JoinCard:
    link = public_join_link(public_url, w.code)
    return JoinCard(format_code(w.code), link, None if link else QR_NEEDS_URL)


def priority_sentence(a: AreaAnalysis) -> str | None:
    """The journey priority as one sentence a room can read from the back, or None when there is none."""
    stage = a.opm.priority_stage
    if not stage:
        return None
    name = ids.STAGE_NAMES[stage]
    detail = a.opm.priority_detail
    below = f" below {detail.threshold:.1f}" if detail else ""
    cell = a.opm.by_stage.get(stage)
    mean = f" (the room's mean: {cell.mean:.1f} of 5)" if cell and cell.mean is not None else ""
    return f"Work on {name} first: it is the first stage of the journey the room, or one of its levels, rates{below}{mean}."


def slides_for(
    w: WorkshopInfo, appraisal_shown: bool, points_given: bool = False, shortlisted: bool = False
) -> list[str]:
    """The parts the facilitator can put on the screen now: the live part when presenter-paced, results only once
    revealed, APEASE once appraised."""
    out = ["Join"]
    if w.paced:  # the part the room is on, its answers as they arrive (when the facilitator shows them)
        out.append("Live")
    if w.revealed:
        out += ["Results", "Disagreement"]
    if w.revealed and appraisal_shown:
        out.append("APEASE")
    if w.points_open or points_given:  # the room's 100 points across the shortlist
        out.append("Choice")
    if shortlisted:  # the room's choice turned into the plan, on the screen
        out.append("Plan")
    out.append("Comments")  # the room's comments the facilitator approved
    return out
