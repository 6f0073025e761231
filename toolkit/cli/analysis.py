"""Reporting commands of the command line (analyse, suggest, benchmark, report, evaluate)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from pydantic import BaseModel

from toolkit.access.scope import authorise_named
from toolkit.cli import acting
from toolkit.cli import benchmark as cli_benchmark
from toolkit.cli import evaluate as cli_evaluate
from toolkit.cli import reports as cli_reports
from toolkit.cli.errors import UserError
from toolkit.core import ids
from toolkit.core.catalogue import catalogue
from toolkit.core.cycle_dates import BadDate
from toolkit.store.areas import find_cycle, resolve_cycle, set_cycle_start
from toolkit.store.db import session_scope
from toolkit.store.rating_changes import rating_changes


def _plain(x: object) -> object:
    """What json cannot write itself: a result model as its JSON dump, anything else as text."""
    return x.model_dump(mode="json") if isinstance(x, BaseModel) else str(x)


def _emit(doc: object) -> None:
    json.dump(doc, sys.stdout, ensure_ascii=False, indent=1, default=_plain)
    sys.stdout.write("\n")


def _fmt(x: float | None) -> str:
    return "  -  " if x is None else f"{x:4.1f} "


def cmd_analyse(args: argparse.Namespace) -> None:
    # Heavy (scipy, through the statistics): imported by the commands that use it, so every other command starts fast.
    from toolkit.analysis.area import analyse

    who = acting.identity(args)
    with session_scope() as s:
        authorise_named(who, "view_results", args.area, session=s)
        result = analyse(args.area, args.cycle, session=s, cat=catalogue())
    if args.json:
        _emit(result.model_dump(mode="json"))
        return
    opm = result.opm
    print(f"{result.area}, cycle {result.cycle}: {result.respondents} respondents")
    print(f"\nJourney priority: {opm.priority_stage or 'none yet'}\n  {opm.priority_reason}\n")
    print(f"{'stage':12} {'all':>5} " + " ".join(f"{lv[:5]:>5}" for lv in ids.LEVELS))
    for st in ids.STAGES:
        cells = opm.by_stage_level[st]
        print(f"{st:12} {_fmt(opm.by_stage[st].mean)} " + " ".join(_fmt(cells[lv].mean) for lv in ids.LEVELS))
    print("\nLargest perception gaps:")
    for g in [g for g in result.gaps if g.significant][:5] or result.gaps[:3]:
        what = g.stage or g.c or g.item
        print(
            f"  {g.between[0]} vs {g.between[1]} on {what}: {g.difference:+.1f}{' (significant)' if g.significant else ''}"
        )
    print("  (cells over fewer than", result.min_group_size, "respondents are suppressed and shown as -)")


def cmd_suggest(args: argparse.Namespace) -> None:
    # Heavy (scipy, through the statistics): imported by the commands that use it, so every other command starts fast.
    from toolkit.analysis.area import analyse
    from toolkit.interventions.suggest import render_text, suggest  # likewise

    who = acting.identity(args)
    with session_scope() as s:
        authorise_named(who, "view_results", args.area, session=s)
        result = analyse(args.area, args.cycle, session=s, cat=catalogue(), with_change=False)
    found = suggest(
        result,
        catalogue(),
        top=args.top or None,
        agency=args.agency,
        level=args.level,
        max_effort=args.max_effort,
        max_cost=args.max_cost,
    )
    if args.json:
        _emit([f.model_dump(mode="json") for f in found])
        return
    print(render_text(found, result))


def cmd_history(args: argparse.Namespace) -> None:
    """Changed ratings of one cycle (contracts section 5): who, what, from, to, when, by which path."""
    who = acting.identity(args)
    with session_scope() as s:
        result = rating_changes(resolve_cycle(args.area, args.cycle, session=s), session=s, actor=who)
    if args.json:
        _emit(result.model_dump(mode="json"))
        return
    print(f"{result.area}, cycle {result.cycle}: {len(result.changes)} changed rating(s), oldest change first")

    def score(x: int | None) -> str:
        return "don't know" if x is None else str(x)

    for c in result.changes:
        when = c.replaced_at.strftime("%Y-%m-%d %H:%M") if c.replaced_at else "?"
        print(
            f"{when}  {c.respondent} ({c.agency}, {c.level})  {c.framework}/{c.item}: "
            f"{score(c.score_from)} -> {score(c.score_to)}  by {c.replaced_by or '?'}"
        )


def cmd_trend(args: argparse.Namespace) -> None:
    from toolkit.analysis.history import area_history  # heavy, as analyse

    who = acting.identity(args)
    with session_scope() as s:
        authorise_named(who, "view_results", args.area, session=s)
        result = area_history(args.area, session=s, cat=catalogue(), until=args.cycle)
    if args.json:
        _emit(result.model_dump(mode="json"))
        return
    print(f"{result.area}: figures across {len(result.cycles)} cycles, earliest first (level-balanced means, 1-5)")
    print(f"\n{'cycle':16} {'starts':10} {'people':>6} " + " ".join(f"{st[:9]:>9}" for st in ids.STAGES))
    for c in result.cycles:
        print(
            f"{c.cycle[:16]:16} {c.starts_on.isoformat():10} {c.respondents:6d} "
            + " ".join(f"{_fmt(c.by_stage[st].mean):>9}" for st in ids.STAGES)
        )
    print("  (cells over fewer than", result.min_group_size, "respondents are suppressed and shown as -)")


def cmd_cycle(args: argparse.Namespace) -> None:
    who = acting.identity(args)
    with session_scope() as s:
        authorise_named(who, "edit_area", args.area, session=s)
        if args.starts is not None:
            try:
                set_cycle_start(args.area, args.cycle, args.starts, session=s, by=who.username)
            except BadDate as exc:
                raise UserError(f"not changed: {exc}") from None
        when = find_cycle(args.area, args.cycle, session=s).starts_on
    print(f"{args.area}, cycle {args.cycle}: starts {when.isoformat()}")


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the reporting commands to the parser."""
    sp = add("analyse", cmd_analyse, "the analysis of one area and cycle")
    sp.add_argument("--area", required=True)
    sp.add_argument("--cycle", required=True)
    sp.add_argument("--json", action="store_true", help="print one JSON document")
    acting.add_arguments(sp)
    sp = add("suggest", cmd_suggest, "interventions ranked by the weak results they target, with reasons")
    sp.add_argument("--area", required=True)
    sp.add_argument("--cycle", required=True)
    sp.add_argument("--top", type=int, default=10, help="how many suggestions at most (default 10; 0 for all)")
    sp.add_argument("--agency", choices=ids.AGENCIES, help="only those this agency could deliver")
    sp.add_argument("--level", choices=ids.LEVELS, help="only those delivered at this level")
    sp.add_argument(
        "--max-effort",
        choices=("low", "medium", "high"),
        help="leave out higher effort, where the toolkit has judged it (no source rates effort)",
    )
    sp.add_argument("--max-cost", choices=("low", "medium", "high"), help="leave out higher cost, where known")
    sp.add_argument("--json", action="store_true", help="print one JSON document")
    acting.add_arguments(sp)
    sp = add("history", cmd_history, "changed ratings of a cycle: who (pseudonym), what, from, to, when, by which path")
    sp.add_argument("--area", required=True)
    sp.add_argument("--cycle", required=True)
    sp.add_argument("--json", action="store_true", help="print one JSON document")
    acting.add_arguments(sp)
    sp = add("trend", cmd_trend, "an area's figures across all its cycles, earliest first (by start date)")
    sp.add_argument("--area", required=True)
    sp.add_argument("--cycle", help="end at this cycle (default: every cycle)")
    sp.add_argument("--json", action="store_true", help="print one JSON document")
    acting.add_arguments(sp)
    sp = add("cycle", cmd_cycle, "show a cycle's start date, or change it with --starts (cycles are ordered by it)")
    sp.add_argument("--area", required=True)
    sp.add_argument("--cycle", required=True)
    sp.add_argument("--starts", help="the new start date, YYYY-MM-DD")
    acting.add_arguments(sp)
    sp = add("benchmark", cli_benchmark.cmd_benchmark, "every area of a cycle against its peers")
    cli_benchmark.add_arguments(sp)
    cli_reports.register(add)
    cli_evaluate.register(add)
