"""Report commands of the command line: `report` writes a PDF, Word or Markdown report of one area and cycle."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from toolkit.access.scope import authorise_named
from toolkit.cli import acting
from toolkit.cli.errors import UserError
from toolkit.core.catalogue import catalogue
from toolkit.store.db import session_scope


def cmd_report(args: argparse.Namespace) -> None:
    # Heavy (reportlab, altair, vl-convert, scipy: about 1 s): imported here so every other command starts fast.
    from toolkit.analysis.config import Config  # scipy, through the statistics
    from toolkit.reports.content import build_report
    from toolkit.reports.render import write_report  # heavy too: reportlab, python-docx

    out = Path(args.output)
    if not out.parent.is_dir():
        raise UserError(f"{out.parent}: no such folder for the report")
    who = acting.identity(args)
    start = time.perf_counter()
    with session_scope() as s:
        if args.kind == "statement":  # the independent scrutineer's statement for the yearly report
            from toolkit.reports.statement import build_statement

            authorise_named(who, "view_scrutiny", args.area, session=s)
            report = build_statement(args.area, args.cycle, session=s, cat=catalogue(), cfg=Config.from_settings())
        else:
            authorise_named(who, "view_results", args.area, session=s)
            report = build_report(args.area, args.cycle, session=s, cat=catalogue(), cfg=Config.from_settings())
    files = write_report(report, args.format, out)
    seconds = round(time.perf_counter() - start, 2)
    if args.json:
        json.dump(
            {"file": str(out), "format": args.format, "files": [str(f) for f in files], "seconds": seconds}, sys.stdout
        )
        sys.stdout.write("\n")
        return
    extra = f" and {len(files) - 1} figure(s) in {out.stem}_figures/" if len(files) > 1 else ""
    print(f"Wrote {out}{extra} in {seconds:.1f} s")


def register(add: Callable) -> None:
    """Add the report command to the parser."""
    sp = add("report", cmd_report, "write the report of one area and cycle (PDF, Word or Markdown)")
    sp.add_argument("--area", required=True)
    sp.add_argument("--cycle", required=True)
    sp.add_argument("--format", required=True, choices=["pdf", "docx", "md"])
    sp.add_argument("-o", "--output", required=True, help="the file to write (Markdown figures go beside it)")
    sp.add_argument(
        "--kind",
        choices=["partnership", "statement"],
        default="partnership",
        help="the partnership's report (default) or the independent scrutineer's statement for the yearly report",
    )
    sp.add_argument("--json", action="store_true", help="print one JSON document about what was written")
    acting.add_arguments(sp)
