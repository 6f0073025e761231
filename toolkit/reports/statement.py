"""The scrutiny statement: the independent scrutineer's section of the yearly report, as a report (PDF, Word,
Markdown through toolkit.reports.render).

What it holds: a summary that says what is left to do before the statement is signed; the scrutineer's covering
statement; the judgements (each stage's and C's self-rating beside its validation state); the evidence, with its
attached links and files; the challenges and the partnership's responses; the yearly report checklist (Wood 2021)
with what each point was filled from; the benchmark position with the definition of the peers; the partners'
sign-offs; and the checks of the report's own quality (a judgement with no evidence behind it, and so on).

Every figure comes from a result that already applies the anonymity rule (toolkit.analysis.suppression): the
self-ratings from the area's analysis, the benchmark position from the benchmark of the cycle. A group under the
threshold reads "fewer than N", never a number.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from toolkit.access.accounts import Identity
from toolkit.access.scope import authorise
from toolkit.analysis.area import analyse
from toolkit.analysis.benchmark.measures import STAGE_KEYS, key_label, ordinal
from toolkit.analysis.benchmark.peers import BenchConfig
from toolkit.analysis.benchmark.table import area_tags, cycle_table
from toolkit.analysis.benchmark.view import area_view
from toolkit.analysis.config import Config
from toolkit.analysis.results import AreaAnalysis
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue
from toolkit.reports.blocks import Block, Bullets, Paragraph, Report, Section, Table
from toolkit.reports.cells import cell
from toolkit.reports.render import render
from toolkit.scrutiny.attachments import attachments
from toolkit.scrutiny.challenges import overdue
from toolkit.scrutiny.checklist import CHECK_STATUSES, PARTNERS, assurance, checklist, checks, signed_in_words
from toolkit.scrutiny.checklist_fill import checklist_evidence
from toolkit.scrutiny.evidence import SOURCES, evidence_log, link_label, status_of
from toolkit.scrutiny.fields import counted
from toolkit.scrutiny.summary import side_by_side
from toolkit.scrutiny.trail import trail
from toolkit.scrutiny.validation import STATES, short_words, states_of
from toolkit.store.areas import find_area, resolve_cycle
from toolkit.store.plans import action_plan
from toolkit.training.demo import DEMO_NOTICE

PEER_FILTERS: dict[str, str] = {}  # the statement compares with every real area (demo areas only with demo ones)


def _short(text: str, k: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= k else text[: k - 3] + "..."


def quality_checks(
    entries: list[dict], states: dict[str, dict], judged: dict[str, dict], today: date, cat: Catalogue
) -> list[str]:
    """What a reader of the statement would find wanting, in plain words: a judgement with no evidence logged
    against it, a challenge not answered or past its due date, a checklist point judged evidenced with no note."""
    out: list[str] = []
    linked = {e["link"] for e in entries}
    bare = [link for link, v in states.items() if v["state"] in ("validated", "adjusted") and link not in linked]
    if bare:
        out.append(
            f"{counted(len(bare), 'judgement')} ({'; '.join(link_label(b, cat) for b in bare)}) rest on no evidence logged against the stage or "
            "C: log the evidence behind each validation or adjustment."
        )
    late = [e for e in entries if overdue(e, today)]
    if late:
        out.append(
            f"{counted(len(late), 'challenge')} past the date the answer was due: "
            + ", ".join(f"#{e['id']} (owner {e['owner']}, due {e['due_on']:%d %B %Y})" for e in late)
            + "."
        )
    unanswered = [
        e for e in entries if e["judgement"] == "challenges" and e["status"] == "open" and not overdue(e, today)
    ]
    if unanswered:
        out.append(f"{counted(len(unanswered), 'challenge')} not yet answered by the partnership.")
    bare_checks = [c for c, j in judged.items() if j["status"] == "evidenced" and not j["note"]]
    if bare_checks:
        out.append(
            f"{counted(len(bare_checks), 'checklist point')} judged evidenced without a note of what was seen: "
            "say what each judgement rests on."
        )
    return out


def _benchmark_blocks(area: str, cycle: str, *, session: Session, cat: Catalogue, min_n: int) -> list[Block]:
    """The area's position among its peers on the four stages and overall, with the definition of the peers."""
    cfg = BenchConfig(min_group_size=min_n, min_peer_areas=BenchConfig.from_settings().min_peer_areas)
    table = cycle_table(cycle, session=session, cat=cat, min_group_size=min_n)
    if area not in table.values.index:
        return [Paragraph(f"{area} has no ratings in cycle {cycle} that a benchmark counts, so it has no position.")]
    view = area_view(table, area_tags(session=session), area, PEER_FILTERS, cfg, named=False)
    rows = []
    for key in ["overall", *STAGE_KEYS]:
        m = view.measures[key]
        peer = m.peer
        rows.append(
            [
                key_label(key, cat),
                cell(m.model_dump(), min_n),
                ordinal(m.percentile) if peer else "not enough peer areas",
                f"{peer.q1:.1f} / {peer.median:.1f} / {peer.q3:.1f}"
                if peer and None not in (peer.q1, peer.median, peer.q3)
                else "-",
                str(m.peer_areas),
            ]
        )
    return [
        Paragraph(
            f"Peers: {view.peers_described} with ratings in cycle {cycle} ({view.n_peers} areas, {area} itself left "
            f"out; demonstration areas are never peers of a real one). A percentile and the peers' quartiles are "
            f"given only where at least {cfg.min_peer_areas} peer areas have a value; a value on fewer than {min_n} "
            "people is not shown, for this area or any peer. Peers are not named."
        ),
        Table(
            ["Measure", "This area (mean, people)", "Percentile among peers", "Peers' quartiles", "Peer areas"],
            rows,
            "",
            [2.2, 1.6, 1.4, 1.6, 0.8],
        ),
    ]


def build_statement(
    area: str,
    cycle: str,
    *,
    session: Session,
    cat: Catalogue,
    cfg: Config | None = None,
    today: date | None = None,
    analysis: AreaAnalysis | None = None,
) -> Report:
    """The independent scrutineer's statement for the yearly report of one area and cycle (`analysis`: the area's
    analysis when the caller has it already, so it is not computed twice)."""
    cfg = cfg or Config.from_settings()
    today = today or date.today()
    min_n = cfg.min_group_size
    a = analysis or analyse(area, cycle, session=session, cat=cat, cfg=cfg)
    rec = find_area(area, session=session)
    entries = evidence_log(area, cycle, session=session)
    files = attachments(area, cycle, session=session)
    steps = trail(area, cycle, session=session)
    assured = assurance(area, cycle, session=session)
    judged = checks(area, cycle, session=session)
    goals = action_plan(resolve_cycle(area, cycle, session=session), session=session)["goals"]
    states = states_of(area, cycle, entries, session=session)
    found = checklist_evidence(a, entries, steps, assured, goals, cat)
    chk = checklist(cat, found, judged)
    challenges_ = [e for e in entries if e["judgement"] == "challenges"]
    open_ = [e for e in challenges_ if e["status"] != "closed"]
    quality = quality_checks(entries, states, judged, today, cat)
    signs = assured["signoffs"]
    waiting = [ids.AGENCY_NAMES[p] for p in PARTNERS if p not in signs]
    sections: list[Section] = []

    # Summary: where the statement stands and what to do next.
    counts = {s: sum(v["state"] == s for v in states.values()) for s in STATES}
    status_counts = chk["status"].value_counts().to_dict()
    summary = [
        f"Judgements of the {len(states)} stages and C's: "
        + ", ".join(f"{counts[s]} {STATES[s].lower()}" for s in STATES if counts[s])
        + ".",
        f"{counted(len(entries), 'evidence note')} and {counted(len(files), 'attachment')}; "
        f"{counted(len(challenges_), 'challenge')}, {len(open_)} not yet closed.",
        "Yearly report checklist: "
        + ", ".join(f"{status_counts.get(s, 0)} {CHECK_STATUSES[s].lower()}" for s in CHECK_STATUSES)
        + f" of {len(chk)} points.",
        "Signed off by all three statutory partners."
        if not waiting
        else f"Sign-off still awaited from {', '.join(waiting)}.",
    ]
    todo = list(quality)
    if not assured["statement"]:
        todo.append("Write the covering statement (Wood 2021, paragraphs 112 and 115).")
    if status_counts.get("not_checked"):
        todo.append(f"Judge the {status_counts['not_checked']} checklist points not yet checked.")
    if waiting:
        todo.append(f"Ask {', '.join(waiting)} to sign off under their own accounts.")
    blocks: list[Block] = [Bullets(summary)]
    blocks.append(Paragraph("What to do next", "body"))
    blocks.append(Bullets(todo) if todo else Paragraph("Nothing is outstanding: the statement is ready to sign."))
    sections.append(Section("Summary", blocks))

    sections.append(
        Section(
            "The independent scrutineer's statement",
            [
                Paragraph(assured["statement"], "callout")
                if assured["statement"]
                else Paragraph("No covering statement has been written yet."),
                *(
                    [
                        Paragraph(
                            f"Written by {assured['statement_by']} (account), saved "
                            f"{assured['statement_at']:%d %B %Y %H:%M} UTC.",
                            "note",
                        )
                    ]
                    if assured["statement"] and assured["statement_at"]
                    else []
                ),
            ],
        )
    )

    # Judgements
    j_blocks: list[Block] = [
        Paragraph(
            "Each stage's and C's self-rating (the partnership's own mean, with the number of people; a group under "
            f"{min_n} people is not shown) beside the scrutineer's judgement of it and the evidence logged against it."
        )
    ]
    side = side_by_side(a, entries, cat, states) if a.respondents else None
    if side is not None:
        rows = [
            [r["about"], r["self_rating"], short_words(states[r["link"]]) if r["link"] in states else "", r["scrutiny"]]
            for r in side.to_dict("records")
        ]
        j_blocks.append(Table(["About", "Self-rating", "Judgement", "Evidence"], rows, "", [2.6, 1.3, 1.4, 2.4]))
    else:
        j_blocks.append(Paragraph("Nobody has rated this cycle yet, so there is no self-rating to judge."))
    reasons = [
        f"{link_label(link, cat)}: {STATES[v['state']]}"
        + (f" to {v['figure']:.2f}" if v["state"] == "adjusted" and v["figure"] is not None else "")
        + f" by {v['by']} ({v['role']}): {v['reason']}"
        for link, v in states.items()
        if v["state"] in ("adjusted", "disputed") and v["reason"]
    ]
    if reasons:
        j_blocks += [Paragraph("Adjustments and disputes, with their reasons:"), Bullets(reasons)]
    sections.append(Section("Judgements", j_blocks))

    # Evidence
    by_note: dict[int, list[str]] = {}
    for f in files:
        if f["withdrawn_at"] is None:
            by_note.setdefault(f["evidence_id"], []).append(
                f["url"] if f["kind"] == "link" else f"{f['title']} (file, sha256 {f['sha256'][:12]})"
            )
    ev_rows = [
        [
            f"#{e['id']}",
            e["seen_on"].isoformat(),
            SOURCES[e["source"]],
            link_label(e["link"], cat),
            _short(e["note"]),
            "; ".join(by_note.get(e["id"], [])) or "-",
        ]
        for e in entries
        if e["judgement"] == "supports"
    ]
    sections.append(
        Section(
            "Evidence",
            [
                Paragraph(
                    "The evidence the scrutineer logged in support of the self-rating, with attached links and files."
                )
                if ev_rows
                else Paragraph("No supporting evidence has been logged yet."),
                *(
                    [
                        Table(
                            ["#", "Seen", "Source", "About", "Note", "Attached"],
                            ev_rows,
                            "",
                            [0.4, 0.8, 0.8, 1.6, 3, 1.6],
                        )
                    ]
                    if ev_rows
                    else []
                ),
            ],
        )
    )

    # Challenges and responses
    ch_rows = [
        [
            f"#{e['id']}",
            link_label(e["link"], cat),
            _short(e["note"], 240),
            f"{e['owner']}, due {e['due_on']:%d %b %Y}" if e["due_on"] else e["owner"] or "-",
            status_of(e, today),
            (_short(e["response"], 240) + f" ({e['responded_by']})") if e["response"] else "-",
            _short(e["resolution"], 160) or "-",
            "; ".join(by_note.get(e["id"], [])) or "-",
        ]
        for e in challenges_
    ]
    sections.append(
        Section(
            "Challenges and responses",
            [
                Paragraph(
                    "Each challenge the scrutineer raised, its owner in the partnership and due date, the "
                    "partnership's answer under its own account, and how it was closed."
                )
                if ch_rows
                else Paragraph("No challenge has been raised this cycle."),
                *(
                    [
                        Table(
                            [
                                "#",
                                "About",
                                "Challenge",
                                "Owner",
                                "Status",
                                "Answer (account)",
                                "Closed because",
                                "Attached",
                            ],
                            ch_rows,
                            "",
                            [0.4, 1.2, 2, 0.9, 0.9, 2, 1.2, 1],
                        )
                    ]
                    if ch_rows
                    else []
                ),
            ],
        )
    )

    # Checklist
    ck_rows = [
        [
            r["point"],
            r["source"],
            CHECK_STATUSES[r["status"]],
            r["filled_from"] or "no record answers it",
            _short(r["note"], 200) or "-",
        ]
        for r in chk.to_dict("records")
    ]
    sections.append(
        Section(
            "Yearly report checklist",
            [
                Paragraph(
                    "The points the Wood Report (2021) asks of a yearly report, with the scrutineer's judgement of "
                    "each and the records it was filled from. A point no record answers is left for the scrutineer "
                    "to judge from the report itself; the toolkit never fills it from its own inference."
                ),
                Table(["Point", "Source", "Judgement", "Filled from", "Note"], ck_rows, "", [2.4, 1.2, 1, 1.6, 1.8]),
            ],
        )
    )

    sections.append(
        Section("Benchmark position", _benchmark_blocks(area, cycle, session=session, cat=cat, min_n=min_n))
    )

    sign_rows = [
        [ids.AGENCY_NAMES[p], signed_in_words(signs[p]) if p in signs else "not signed off yet"] for p in PARTNERS
    ]
    sections.append(
        Section(
            "Sign-off by the safeguarding partners",
            [
                Paragraph("Each statutory partner signs with its own account (Wood 2021, paragraphs 110 and 116)."),
                Table(["Partner", "Signed"], sign_rows, "", [1.5, 5]),
            ],
        )
    )
    sections.append(
        Section(
            "Quality of this statement",
            [
                Paragraph(
                    "Checks of the statement itself: every judgement should rest on evidence, every challenge "
                    "should be answered by its due date, every judgement of a checklist point should say what it "
                    "rests on."
                ),
                Bullets(quality) if quality else Paragraph("Every check is met."),
            ],
        )
    )
    return Report(
        title=f"{area}: independent scrutiny statement, {cycle}",
        subtitle=f"The scrutineer's section of the yearly report · generated {datetime.now(UTC):%d %B %Y}",
        notice=DEMO_NOTICE + " This statement shows what the toolkit produces; it describes no real partnership."
        if rec.fictional
        else None,
        sections=sections,
        area=area,
        cycle=cycle,
        generated=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def statement_file(
    area: str,
    cycle: str,
    fmt: str,
    *,
    actor: Identity | None,
    session: Session,
    cat: Catalogue,
    cfg: Config | None = None,
    analysis: AreaAnalysis | None = None,
) -> bytes:
    """The statement as one file (PDF, DOCX, or Markdown zipped with nothing else), for an account that may see the
    area's scrutiny record."""
    authorise(actor, "view_scrutiny", find_area(area, session=session).id)
    return render(build_statement(area, cycle, session=session, cat=cat, cfg=cfg, analysis=analysis), fmt)
