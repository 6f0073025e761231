"""A workshop's closing summary (PDF and DOCX): what the room said per part, the priority, the room's choice, its
APEASE appraisal, the comments it put on the screen and the plan it agreed.

Built only from what the area's record holds (the last reveal's snapshot, the points, the approved comments, the
cycle's plan), so it reads the same whenever it is made again, and shows only what the room itself was shown:
every figure keeps the minimum group's rule, no name, agency or level goes with a comment or a choice.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from toolkit.access.accounts import Identity
from toolkit.analysis.config import Config
from toolkit.core import ids
from toolkit.core.forms import FORM_NAMES
from toolkit.core.frameworks import Catalogue
from toolkit.reports.blocks import Block, Bullets, Paragraph, Report, Section, Table
from toolkit.reports.cells import cell
from toolkit.store.areas import find_area
from toolkit.training.demo import DEMO_NOTICE
from toolkit.workshops.appraisal import appraisal_table
from toolkit.workshops.comments import shown_comments
from toolkit.workshops.live import status
from toolkit.workshops.pacing import PACE_NAMES
from toolkit.workshops.points import room_choice
from toolkit.workshops.presentation import priority_sentence
from toolkit.workshops.room_plan import plan_lines
from toolkit.workshops.rooms import check_runs, find_workshop
from toolkit.workshops.snapshot import latest_snapshot


def workshop_summary(actor: Identity | None, code: str, *, session: Session, cat: Catalogue, cfg: Config) -> Report:
    """The closing summary of a workshop, for the facilitator who runs it (or an administrator)."""
    w = find_workshop(code, session=session)
    check_runs(actor, w)
    min_n = cfg.min_group_size
    now = status(w, session=session, cat=cat)
    snap = latest_snapshot(w.id, session=session) if w.revealed else None
    name = w.title or f"Workshop in {w.area}"
    sections: list[Section] = []

    about: list[Block] = [
        Paragraph(
            f"{w.area}, cycle {w.cycle}. Join code {w.code}. {now.joined} people joined; "
            f"{'closed' if w.status == 'closed' else 'still open'} when this summary was made."
        ),
        Paragraph(
            f"{FORM_NAMES.get(w.form, w.form)}; {PACE_NAMES.get(w.pace, w.pace).split(' (')[0].lower()}. Groups of "
            f"fewer than {min_n} people are hidden throughout, as they were on the room's screen.",
            "note",
        ),
    ]
    sections.append(Section("The workshop", about))

    said: list = []
    if snap is None:
        said.append(Paragraph("The room's results were never revealed, so this summary shows none of them."))
    else:
        a = snap.results
        said.append(Paragraph(f"As revealed to the room (reveal {snap.number}, {snap.made_at:%d %B %Y %H:%M} UTC): "
                              f"{a.respondents} people answered."))  # fmt: skip
        if "opm" in w.frameworks:
            rows = [[ids.STAGE_NAMES[s], cell(a.opm.by_stage.get(s) or {"mean": None}, min_n)] for s in w.stages]
            said.append(Table(["Stage of the journey", "The room's mean (1 to 5)"], rows, "The room per stage"))
        if "twelve_cs" in w.frameworks:
            names = {c.id: f"C{c.number} {c.name}" for c in cat.twelve_cs.cs}
            rows = [[names[c], cell(a.twelve_cs.get(c) or {"mean": None}, min_n)] for c in w.cs]
            said.append(Table(["The 12 C's", "The room's mean (1 to 5)"], rows, "The room per C"))
        if a.disagreement:
            said.append(Paragraph("Where the room disagreed most:"))
            said.append(
                Bullets([f"{d.text} (mean {d.mean:.1f}, spread {d.sd:.1f}, {d.n} people)" for d in a.disagreement[:5]])
            )
    sections.append(Section("What the room said", said))

    sentence = priority_sentence(snap.results) if snap else None
    sections.append(Section("The priority", [Paragraph(sentence or "No stage stood out as the one to work on first.")]))

    choice = room_choice(w, session=session, min_n=min_n)
    titles = {iv.id: iv.title for iv in cat.interventions}
    if choice.voters == 0:
        chose: list = [Paragraph("The room did not share its 100 points.")]
    elif choice.hidden:
        chose = [Paragraph(f"{choice.voters} people shared points: fewer than {min_n}, so the choice is not shown.")]
    else:
        chose = [
            Table(
                ["Intervention", "Points", "Share", "People who gave it points"],
                [
                    [titles.get(r.intervention, r.intervention), str(r.points), f"{r.share:.0%}", str(r.backers)]
                    for r in choice.rows
                ],
                f"The room's choice: {choice.voters} people shared 100 points each",
            )
        ]
    if snap and snap.appraisal:
        df = appraisal_table(snap.appraisal, cat, min_n)
        chose.append(Table(list(df.columns), [[str(v) for v in row] for row in df.itertuples(index=False)],
                           "The room's APEASE appraisal, as revealed"))  # fmt: skip
    sections.append(Section("The choice", chose))

    comments = shown_comments(w, session=session, min_n=min_n, limit=None)
    sections.append(
        Section(
            "The room's comments",
            [Bullets([c.text for c in comments])] if comments else [Paragraph("No comment went on the room's screen.")],
        )
    )

    lines = plan_lines(code, session=session, cat=cat)
    plan: list = (
        [
            Table(
                ["Goal", "First step", "Owner", "Messenger", "Channel", "By"],
                [
                    [ln.goal, ln.step, ln.owner, ln.messenger, ln.channel, f"{ln.due:%d %B %Y}" if ln.due else ""]
                    for ln in lines
                ],
                f"The action plan of {w.area}, cycle {w.cycle}",
            )
        ]
        if lines
        else [Paragraph("No goal was added to the plan.")]
    )
    sections.append(Section("The plan", plan))

    fictional = bool((find_area(w.area, session=session).context or {}).get("story"))
    return Report(
        title=f"{name}: workshop summary",
        subtitle=f"{w.area}, cycle {w.cycle} · Safeguarding Partnership Toolkit · generated {datetime.now(UTC):%d %B %Y}",
        notice=DEMO_NOTICE if fictional else None,
        sections=sections,
        area=w.area,
        cycle=w.cycle,
        generated=datetime.now(UTC).isoformat(timespec="seconds"),
    )
