"""`python -m toolkit audit [--area NAME] [--action X] [--json]`: read the audit log on the server's console."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from toolkit.access.scope import authorise
from toolkit.cli import acting
from toolkit.store.audit_read import audit_lines
from toolkit.store.db import session_scope


def cmd_audit(args: argparse.Namespace) -> None:
    authorise(acting.identity(args), "manage_users", None)  # the audit log is the administrators' (as in the app)
    with session_scope() as s:
        lines = audit_lines(session=s, area=args.area or None, action=args.action or None, limit=args.limit)
    if args.json:
        json.dump([ln.model_dump(mode="json") for ln in lines], sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    if not lines:
        print("The audit log has no lines" + (" for that filter." if args.area or args.action else " yet."))
    for ln in lines:
        where = f" [{ln.area}]" if ln.area else ""
        print(f"{ln.at:%Y-%m-%d %H:%M:%S}  {ln.actor:20} {ln.action:24}{where} {ln.target}  {ln.change()}")


def register(add: Callable) -> None:
    """Add the audit command to the parser."""
    sp = add("audit", cmd_audit, "read the audit log, newest first: who changed what, when, before and after")
    sp.add_argument("--area", default="", help="only this area's lines")
    sp.add_argument("--action", default="", help="only this kind of action, e.g. bundle_import")
    sp.add_argument("--limit", type=int, default=500, help="at most this many lines (default 500)")
    sp.add_argument("--json", action="store_true", help="print one JSON document")
    acting.add_arguments(sp)
