"""What goes into a partnership's report: its sections, built from the analysis of one area and cycle."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from textwrap import shorten

from sqlalchemy.orm import Session

from toolkit.analysis.area import analyse
from toolkit.analysis.change import method as change_method
from toolkit.analysis.config import Config
from toolkit.analysis.results import Cell
from toolkit.charts import results as charts
from toolkit.charts import toc as toc_charts
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue
from toolkit.core.schema import EVIDENCE_GRADES
from toolkit.interventions.suggest import suggest
from toolkit.reports.blocks import Block, Bullets, Paragraph, Progress, Report, Section, Table, figure
from toolkit.reports.cells import cell, num, respondents_table
from toolkit.reports.plan_sections import apease_blocks, intervention_records, plan_blocks
from toolkit.reports.scrutiny_sections import validation_cells, validation_section
from toolkit.reports.sources import Sources
from toolkit.store.areas import find_area
from toolkit.training.demo import DEMO_NOTICE


def build_report(
    area: str,
    cycle: str,
    *,
    session: Session,
    cat: Catalogue,
    cfg: Config | None = None,
    progress: Progress | None = None,
    top: int = 6,
) -> Report:
    """The report of one area and cycle: summary, method, priority, charts, ToC, interventions, plan, change, sources."""
    tick = progress or (lambda _f, _t: None)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    cfg = cfg or Config.from_settings()
    tick(0.05, "Analysing the ratings")
    a = analyse(area, cycle, session=session, cat=cat, cfg=cfg)
    rec = find_area(area, session=session)
    timings["analyse"] = time.perf_counter() - t0
    min_n = cfg.min_group_size
    src = Sources()
    opm = a.opm
    toc = a.toc
    tick(0.35, "Matching interventions")
    found = suggest(a, cat, top=top) if a.respondents else []
    plans = intervention_records(area, cycle, session=session, cat=cat, cfg=cfg)
    stage_src = {s.id: s.source for s in cat.opm.stages}
    valid = validation_cells(area, cycle, session=session)
    sections: list[Section] = []

    # Summary
    weak = [n for n in toc.nodes if n.status == "weak"]
    at_risk = [n for n in toc.nodes if n.status == "at_risk"]
    sig = [g for g in a.gaps if g.significant]
    summary = [
        f"{a.respondents} people answered, from {len({r.agency for r in a.respondents_by_agency_level})} agencies "
        f"and {sum(1 for lv in ids.LEVELS if any(r.level == lv for r in a.respondents_by_agency_level))} levels."
    ]
    if opm.priority_stage:
        summary.append(f"Work on {ids.STAGE_NAMES[opm.priority_stage]} first. {opm.priority_reason}")
    else:
        summary.append(opm.priority_reason)
    summary.append(
        f"Theory of Change: {len(weak)} box{'es' if len(weak) != 1 else ''} weak and {len(at_risk)} at risk of "
        f"{len(toc.nodes)}."
    )
    summary.append(f"{len(sig)} perception gap{'s are' if len(sig) != 1 else ' is'} larger than chance would explain.")
    if found:
        summary.append(f"Suggested first: {found[0].title} ({src(found[0].source)}).")
    if a.change:
        ms = [m for m in a.change.measures if m.kind == "stage"]
        up = [str(m.label) for m in ms if m.significant and (m.difference or 0) > 0]
        down = [str(m.label) for m in ms if m.significant and (m.difference or 0) < 0]
        summary.append(
            f"Since {a.change.from_}: "
            + (f"clearly better on {', '.join(up)}" if up else "no stage clearly better")
            + (f"; clearly worse on {', '.join(down)}." if down else ".")
        )
    intro: list[Block] = [Bullets(summary)]
    if (rec.context or {}).get("story"):
        intro.append(Paragraph(f"Demo story: {rec.context['story']}", "note"))
    sections.append(Section("Summary", intro))

    # Method and respondents
    n_table = respondents_table(area, cycle, session=session, min_n=min_n)
    sections.append(
        Section(
            "Method and respondents",
            [
                Paragraph(
                    "People from each agency and level rated statements drawn from Kantar's Organisational Practice Model "
                    f"({src(cat.opm.source, cat.opm)}) and the 12 C's of Collective Safeguarding Responsibility "
                    f"({src(cat.twelve_cs.source, cat.twelve_cs)}) on a scale of 1 (strongly disagree / not in place) "
                    f"to 5 (strongly agree / embedded). {a.dont_know} answers were 'don't know': they are counted, "
                    "never averaged."
                ),
                Paragraph(a.weighting),
                Paragraph(
                    f"Anonymity: every figure in this report stands on at least {min_n} people, and so does the "
                    f"difference between any two; a group of fewer than {min_n} is pooled with its level's other small "
                    "groups or left out of every figure, totals included (docs/disclosure-control.md).",
                    "note",
                ),
                n_table,
            ],
        )
    )

    # Journey priority
    rows = [
        [
            ids.STAGE_NAMES[st],
            *(cell(opm.by_stage_level[st][lv], min_n) for lv in ids.LEVELS),
            cell(opm.by_stage[st], min_n),
            valid[f"stage:{st}"],
        ]
        for st in ids.STAGES
    ]
    blocks: list[Block] = []
    if opm.priority_stage:
        blocks.append(Paragraph(f"Priority: {ids.STAGE_NAMES[opm.priority_stage]}", "callout"))
    blocks += [
        Paragraph(f"Why: {opm.priority_reason}"),
        Paragraph(
            "Kantar's Organisational Practice Model is a journey: Consider, Create, Communicate, Commit. Moving on "
            "while an earlier stage's barriers remain is inefficient, so the toolkit names the earliest stage below "
            f"{cfg.priority_threshold:g} overall or at any level ({src(stage_src['consider'], cat.opm)})."
        ),
        Table(
            ["Stage", *(ids.LEVEL_NAMES[lv] for lv in ids.LEVELS), "All levels", "Validation"],
            rows,
            "Mean rating (1-5) and number of people, by stage and level, and the scrutineer's validation.",
            [1.2, 0.9, 0.9, 0.9, 0.9, 1.3],
        ),
    ]
    sections.append(Section("Journey priority", blocks))
    tick(0.45, "Drawing the charts")
    t1 = time.perf_counter()
    sections.append(
        Section(
            "Where the journey stands: the OPM heatmap",
            [
                figure(
                    "opm_heatmap",
                    charts.stage_level_heatmap(a),
                    "Heatmap of the mean rating for each stage (rows) and level (columns); each cell shows the mean and n, "
                    "and groups too small to show say so.",
                    "The Organisational Practice Model by stage and level. Darker is lower.",
                ),
            ],
        )
    )

    # 12 C's
    c_rows = [
        [
            f"{c.number}. {c.name}",
            "Practitioners and agencies" if c.group == "practitioners_agencies" else "Structures and processes",
            cell(a.twelve_cs.get(c.id, Cell()), min_n),
            valid[f"c:{c.id}"],
            src(c.source, cat.twelve_cs),
        ]
        for c in cat.twelve_cs.cs
    ]
    sections.append(
        Section(
            "The 12 C's",
            [
                figure(
                    "twelve_cs",
                    charts.twelve_cs_chart(a, cat),
                    "Bar chart of the mean rating of each of the 12 C's, in two groups, the value written on each bar.",
                    "The 12 C's of Collective Safeguarding Responsibility.",
                ),
                Table(["C", "Group", "Mean (n)", "Validation", "Source"], c_rows, "", [2, 1.4, 0.9, 1.2, 1.4]),
            ],
        )
    )
    sections.append(validation_section(area, cycle, session=session, cat=cat))

    # Perception gaps
    texts = {i.item: i.text for i in a.items}
    shown = sig[:12] or a.gaps[:8]
    gap_blocks: list[Block] = [
        Paragraph(
            "Every pair of levels is compared, and every pair of agencies, and each agency with everyone else. "
            "A gap counts as larger than chance would explain after a correction for the number of comparisons "
            "in its family (Benjamini-Hochberg, within level or agency comparisons on stages, C's or statements); "
            f"both sides need at least {min_n} people."
        ),
    ]
    if shown:
        gap_blocks.append(
            figure(
                "gaps",
                charts.gaps_chart(shown, texts={k: shorten(v, 60, placeholder="...") for k, v in texts.items()}),
                "Bar chart of the largest differences in mean rating between levels or agencies; "
                "significant gaps marked with a star and a different colour.",
                "The largest perception gaps (first group minus second).",
            )
        )
        gap_blocks.append(
            Table(
                ["Between", "On", "Difference", "n", "Significant"],
                [
                    [
                        f"{charts.gap_label(g, texts).split(' · ')[0]}",
                        charts.gap_label(g, texts).split(" · ", 1)[1],
                        f"{g.difference:+.1f}",
                        f"{g.n_a} and {g.n_b}",
                        "yes" if g.significant else "no",
                    ]
                    for g in shown
                ],
                "",
                [1.5, 2.8, 1.1, 0.9, 1.1],
            )
        )
    else:
        gap_blocks.append(Paragraph("No comparison had enough people on both sides."))
    if not sig and shown:
        gap_blocks.insert(
            1, Paragraph("No gap is larger than chance would explain; the largest are shown for discussion.")
        )
    sections.append(Section("Perception gaps", gap_blocks))

    # Theory of Change
    tick(0.6, "Drawing the Theory of Change")
    labels = {n.id: n.label for n in toc.nodes}
    risky_rows = [
        [n.label, charts.STATUS_LABELS[n.status], num(n.score), n.reason or "-"]
        for n in toc.nodes
        if n.status in ("weak", "at_risk")
    ]
    toc_blocks: list[Block] = [
        Paragraph(
            f"Kantar's Theory of Change ({src(cat.toc.source, cat.toc)}): inputs lead to outputs, then to "
            "intermediate and ultimate outcomes. Each box is scored from the statements linked to it: strong at "
            f"{cfg.strong_threshold:g} or more, weak below {cfg.priority_threshold:g}. A box is at risk when a box "
            "it depends on is weak, or an assumption under it fails."
        ),
        figure(
            "theory_of_change",
            toc_charts.toc_chart(toc),
            f"Diagram of the Theory of Change: {len(toc.nodes)} boxes in four columns (inputs, outputs, "
            f"intermediate and ultimate outcomes); {len(weak)} weak and {len(at_risk)} at risk, listed in the table "
            "below, each box's status also written inside it.",
            "The Theory of Change with each box's status; orange dashed links trace what puts a box at risk.",
            scale=1.5,
            landscape=True,
        ),
    ]
    if risky_rows:
        toc_blocks.append(
            Table(["Box", "Status", "Score", "Why"], risky_rows, "Weak and at-risk boxes.", [2, 0.8, 0.7, 3.8])
        )
        chains = {tuple(n.path) for n in toc.nodes if n.status == "at_risk" and n.path}
        longest = [c for c in chains if not any(len(o) > len(c) and o[: len(c)] == c for o in chains)]
        paths = [" > ".join(labels[p] for p in c) for c in longest]
        if paths:
            toc_blocks += [
                Paragraph("At-risk paths (from the weak box to the box it puts at risk):"),
                Bullets(sorted(set(paths))),
            ]
    else:
        toc_blocks.append(Paragraph("No box is weak or at risk."))
    sections.append(Section("Theory of Change", toc_blocks))
    timings["charts"] = time.perf_counter() - t1

    # Assumptions register
    asrc = {x.id: x.source for x in cat.toc.assumptions}
    a_rows = [
        [
            x.text,
            "; ".join(labels.get(n, n) for n in x.nodes),
            x.status,
            x.note or "-",
            src(asrc[x.id], cat.toc) if x.id in asrc else "-",
        ]
        for x in toc.assumptions
    ]
    reviewed = sum(1 for x in toc.assumptions if x.status != "unknown")
    sections.append(
        Section(
            "Assumptions",
            [
                Paragraph(
                    f"The Theory of Change rests on {len(a_rows)} assumptions; the partnership has judged {reviewed} of them "
                    "for this cycle. One that fails puts the boxes it underpins at risk."
                ),
                Table(["Assumption", "Underpins", "Status", "Evidence", "Source"], a_rows, "", [3, 2.2, 0.8, 1.5, 1.4]),
            ],
        )
    )

    # Interventions and APEASE
    iv_blocks: list[Block] = []
    if found:
        iv_blocks.append(
            Paragraph(
                "Interventions from the reports, ranked by how weak the results they target are. "
                "Each comes with the results that led to it."
            )
        )
        iv_blocks.append(
            Table(
                ["#", "Intervention", "Why it is suggested", "Evidence", "Source"],
                [
                    [str(k), x.title, "; ".join(x.reasons), EVIDENCE_GRADES[x.evidence_grade], src(x.source)]
                    for k, x in enumerate(found, 1)
                ],
                "",
                [0.3, 1.6, 3.2, 1.4, 1.2],
            )
        )
    else:
        iv_blocks.append(Paragraph("No intervention is suggested: no result is weak enough to point to one."))
    sections.append(Section("Suggested interventions", iv_blocks))
    apease_fw = cat.get("apease")
    sections.append(
        Section(
            "APEASE appraisal of the shortlist",
            [
                Paragraph(
                    "Each shortlisted intervention is scored on affordability, practicability, effectiveness, "
                    f"acceptability, side effects and equity ({src(apease_fw.source, apease_fw)})."
                ),
                *apease_blocks(plans, cat, min_n),
            ],
            level=2,
        )
    )
    sections.append(Section("Action plan and progress", plan_blocks(plans, cat)))

    # Change
    ch_blocks: list[Block] = []
    if a.change and a.change.measures:
        ch = a.change
        ch_blocks.append(
            Paragraph(
                f"From {ch.from_} to {ch.to}: the change in each mean. {change_method(len(ch.measures))} "
                "The two cycles are different samples of people."
            )
        )
        ch_blocks.append(
            figure(
                "change",
                charts.change_chart(ch.measures),
                "Dot-and-interval chart of the change in each stage and C since the previous cycle; "
                "clear changes drawn as diamonds, others as circles.",
                "Change since the previous cycle.",
            )
        )
        rows = [
            [
                ("Stage: " if m.kind == "stage" else "C: ") + str(m.label),
                num(m.before),
                num(m.after),
                f"{m.difference:+.2f}",
                f"{m.ci_low:+.2f} to {m.ci_high:+.2f}",
                "clear" if m.significant else "within noise",
            ]
            for m in ch.measures
            if m.kind in ("stage", "c")
        ]
        ch_blocks.append(
            Table(
                ["Measure", ch.from_, ch.to, "Change", "95% interval", "Verdict"],
                rows,
                "",
                [2.6, 0.7, 0.7, 0.8, 1.3, 1],
            )
        )
    else:
        ch_blocks.append(
            Paragraph("This is the first cycle for this partnership, so there is nothing to compare with yet.")
        )
    sections.append(Section("Change since the last cycle", ch_blocks))
    sections.append(src.section())
    tick(0.9, "Laying out the report")
    timings["content"] = time.perf_counter() - t0
    return Report(
        title=f"{area}: partnership self-assessment, {cycle}",
        subtitle=f"Safeguarding Partnership Toolkit report · {a.respondents} respondents · "
        f"generated {datetime.now(UTC):%d %B %Y}",
        notice=DEMO_NOTICE + " This report shows what the toolkit produces; it describes no real partnership."
        if rec.fictional
        else None,
        sections=sections,
        area=area,
        cycle=cycle,
        generated=datetime.now(UTC).isoformat(timespec="seconds"),
        timings=timings,
    )
