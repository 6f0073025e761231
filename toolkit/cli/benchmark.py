"""`python -m toolkit benchmark`: every area of a cycle against its peers."""

from __future__ import annotations

import argparse
import sys

from toolkit.access.scope import AccessDenied, areas_visible, cross_area
from toolkit.analysis.benchmark.every_area import benchmark
from toolkit.analysis.benchmark.peers import BenchConfig
from toolkit.analysis.benchmark.results import CycleBenchmark
from toolkit.analysis.benchmark.table import area_tags, cycle_table, cycles_in_use
from toolkit.cli import acting
from toolkit.cli.errors import UserError
from toolkit.core.catalogue import catalogue
from toolkit.store.areas import NotFound
from toolkit.store.db import session_scope

DESCRIPTION = (
    "Every area of a cycle against its peers: overall, per stage, per stage and level and per C, with percentile "
    "ranks and the peers' quartiles. Area names are shown to a role for every area (the operator on an installation "
    "without accounts, a regional scrutineer, an administrator); a member of named areas (--as) sees only their "
    "own areas listed, with every other area counted as an anonymous peer. Pass --anonymise to label the listed "
    "areas 'Peer NN' instead (numbered by overall value, never by name), for output that will be shared."
)


def _tag_filter(values: list[str]) -> dict[str, str]:
    out = {}
    for v in values:
        key, sep, val = v.partition("=")
        if not sep or not key or not val:
            raise UserError(f"--tag needs KEY=VALUE (for example nation=Wales), not {v!r}")
        out[key.strip()] = val.strip()
    return out


def cmd_benchmark(args: argparse.Namespace) -> None:
    """Compare every area of the cycle; print a table, or with --json the benchmark's model_dump."""
    cfg = BenchConfig.from_settings()
    only = _tag_filter(args.tag or [])
    cat = catalogue()
    who = acting.identity(args)
    with session_scope() as s:
        # Every area by name for a role over every area; otherwise only the account's own areas, the rest as peers.
        own = None if cross_area(who, "view_peers_named") else set(areas_visible(who, "view_results", s))
        if own is not None and not own:
            raise AccessDenied("Your account cannot see the results of any partnership, so it has no benchmark.")
        cycles = cycles_in_use(session=s)
        if args.cycle not in cycles:
            raise NotFound(f"No area has a cycle {args.cycle!r}. Cycles in use: {', '.join(cycles) or 'none'}.")
        table = cycle_table(args.cycle, session=s, cat=cat, min_group_size=cfg.min_group_size)
        tags = area_tags(session=s)
        previous = None
        k = cycles.index(args.cycle)
        if args.change and k > 0:
            previous = cycle_table(cycles[k - 1], session=s, cat=cat, min_group_size=cfg.min_group_size)
    doc = benchmark(
        table,
        tags,
        cfg,
        only=only,
        same=tuple(args.same or ()),
        named=not args.anonymise,
        previous=previous,
        rows_for=own,
    )
    if args.json:
        sys.stdout.write(doc.model_dump_json(indent=1))
        sys.stdout.write("\n")
        return
    _print_text(doc, own_only=own is not None)


def _num(x: float | None, w: int = 5) -> str:
    return f"{'-':>{w}}" if x is None else f"{x:{w}.1f}" if w == 5 else f"{x:{w}.0f}"


def _print_text(doc: CycleBenchmark, *, own_only: bool) -> None:
    print(f"Cycle {doc.cycle}: {len(doc.areas)} areas; peers: {doc.peers}.")
    print("Area names are shown." if doc.named else "Areas are anonymised.")
    if own_only:
        print("Only your own areas are listed: every other area counts as an anonymous peer.")
    head = "".join(f"{s[:5]:>7}" for s in ("consider", "create", "communicate", "commit"))
    print(f"\n{'area':34} {'people':>6} {'overall':>7} {'pct':>4}{head}")
    for a in doc.areas:
        stages = "".join(f"{_num(c.mean):>7}" for c in a.by_stage.values())
        print(f"{a.area[:34]:34} {a.respondents or 0:>6} {_num(a.overall):>7} {_num(a.percentile, 4)}{stages}")
    print(f"\n{doc.method}")


def add_arguments(sp: argparse.ArgumentParser) -> None:
    """The benchmark command's options."""
    sp.description = DESCRIPTION
    sp.add_argument("--cycle", required=True, help="the cycle to compare, e.g. 2026")
    sp.add_argument("--tag", action="append", metavar="KEY=VALUE", help="only areas with this tag (repeatable)")
    sp.add_argument(
        "--same", action="append", metavar="KEY", help="each area's peers share its value of this tag (repeatable)"
    )
    sp.add_argument("--change", action="store_true", help="add the change in overall since the previous cycle")
    sp.add_argument("--anonymise", action="store_true", help="label areas 'Peer NN' instead of naming them")
    sp.add_argument("--json", action="store_true", help="print one JSON document")
    acting.add_arguments(sp)
