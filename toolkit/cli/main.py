"""`python -m toolkit COMMAND`: the command line of contracts section 5."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.exc import OperationalError

from toolkit.access.memberships import EVERY_AREA, accounts, add_account, change_password, grant, revoke
from toolkit.access.scope import OPERATOR
from toolkit.capture.ratings_export import export_frame, write_export
from toolkit.capture.ratings_import import RatingsFileError, import_ratings
from toolkit.cli import analysis as cli_analysis
from toolkit.cli import audit as cli_audit
from toolkit.cli import backup as cli_backup
from toolkit.cli.errors import UserError
from toolkit.core.catalogue import catalogue as _catalogue
from toolkit.core.frameworks import FrameworkError
from toolkit.core.settings import get_settings
from toolkit.reports.bundle_doc import BundleError
from toolkit.reports.bundle_in import import_bundle, is_bundle
from toolkit.reports.bundle_out import bundle_bytes
from toolkit.store.areas import NotFound, list_areas
from toolkit.store.db import engine_for, session_scope
from toolkit.training.demo import DEMO_NOTICE, load_demo
from toolkit.training.sandbox import describe


def _print_json(doc: object) -> None:
    json.dump(doc, sys.stdout, ensure_ascii=False, indent=1, default=str)
    sys.stdout.write("\n")


def cmd_frameworks(args: argparse.Namespace) -> None:
    cat = _catalogue()
    docs = []
    for fw in cat.frameworks.values():
        doc = {"id": fw.id, "kind": fw.kind, "title": fw.title, "source": fw.source.model_dump()}
        if fw.kind == "rated":
            assert fw.scale is not None
            scale = {
                "min": fw.scale.min,
                "max": fw.scale.max,
                "labels": {p.value: p.label for p in fw.scale.points},
                "dont_know": fw.scale.dont_know_label,
            }
            doc["items"] = [
                {
                    "id": it.id,
                    "text": it.text,
                    "scale": scale,
                    "tags": {"stage": it.stage, "level": it.level, "c": it.cs, "toc_nodes": it.toc_nodes},
                }
                for it in fw.items
            ]
        docs.append(doc)
    if args.json:
        _print_json(docs)
        return
    for d in docs:
        extra = f", {len(d['items'])} rated statements" if "items" in d else ""
        print(f"{d['id']:24} {d['kind']:9} {d['title']}{extra}")


def cmd_demo(args: argparse.Namespace) -> None:
    cycles = tuple(args.cycles.split(",")) if args.cycles else ("2025", "2026")
    url = args.database or get_settings().database_url
    with session_scope(engine_for(url)) as s:
        result = load_demo(areas=args.areas, seed=args.seed, cycles=cycles, respondents=args.respondents, session=s)
    print(
        f"Wrote {result.rows} ratings for {len(result.area_cycles)} area-cycles of fictional demo partnerships "
        f"into {describe(url)}. {DEMO_NOTICE} They are marked as demo partnerships, so they never count as peers of "
        "real areas; to explore apart from your own record, give --database a database of its own."
    )


def cmd_areas(args: argparse.Namespace) -> None:
    with session_scope() as s:
        areas = list_areas(session=s)
    docs = [
        {
            "area": a.area,
            "tags": a.tags,
            "fictional": a.fictional,
            "cycles": [{"cycle": c.cycle, "respondents": c.respondents} for c in a.cycles],
        }
        for a in areas
    ]
    if args.json:
        _print_json(docs)
        return
    if not docs:
        print("No areas yet. Try: python -m toolkit demo")
    for d in docs:
        cycles = ", ".join(f"{c['cycle']} ({c['respondents']} respondents)" for c in d["cycles"]) or "no cycles"
        print(f"{d['area']}: {cycles}")


def cmd_import(args: argparse.Namespace) -> None:
    path = Path(args.file)
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    data = path.read_bytes()
    if is_bundle(data):  # a whole-area bundle, whatever the file is called
        try:
            with session_scope() as s:
                print(import_bundle(data, session=s, catalogue=_catalogue()))
        except BundleError as exc:
            raise UserError(f"{path.name}: {exc}") from None
        return
    with session_scope() as s:
        result = import_ratings(data, path.name, session=s, catalogue=_catalogue())
    print(result.summary())


def cmd_export(args: argparse.Namespace) -> None:
    out = Path(args.output)
    if not out.parent.is_dir():
        raise UserError(f"{out.parent}: no such folder for the export")
    if args.format == "bundle":  # the whole area, every cycle, to import elsewhere
        with session_scope() as s:
            out.write_bytes(bundle_bytes(args.area, session=s))
        print(f"Exported the whole area {args.area!r} as a bundle to {out}")
        return
    with session_scope() as s:
        df = export_frame(args.area, args.cycle, session=s)
    write_export(df, args.format, out)
    print(f"Exported {len(df)} ratings to {out}")


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        raise UserError("no terminal to ask for a password: pipe it in with --password-stdin")
    first, second = getpass.getpass("Password: "), getpass.getpass("Password again: ")
    if first != second:
        raise UserError("the two passwords differ")
    return first


def cmd_users(args: argparse.Namespace) -> None:
    """Accounts and memberships, as the operator (every change audited as the command line)."""
    areas = args.area or None  # no --area: every area
    with session_scope() as s:
        try:
            if args.action in ("add", "grant", "revoke") and (not args.username or not args.role):
                raise UserError(f"users {args.action} needs --username and --role")
            if args.action == "add":
                add_account(args.username, _read_password(args), args.role, areas, actor=OPERATOR, session=s)
                where = ", ".join(areas) if areas else EVERY_AREA
                print(f"Created {args.role} {args.username.strip().lower()!r} for {where}.")
            elif args.action in ("grant", "revoke"):
                change = grant if args.action == "grant" else revoke
                for area in areas or [None]:
                    done = change(args.username, args.role, area, actor=OPERATOR, session=s)
                    verb = (
                        ("now" if done else "already") if args.action == "grant" else ("no longer" if done else "not")
                    )
                    print(f"{args.username.strip().lower()} is {verb} {args.role} for {area or EVERY_AREA}.")
            elif args.action == "passwd":
                if not args.username:
                    raise UserError("users passwd needs --username")
                change_password(args.username, _read_password(args), actor=OPERATOR, session=s)
                print(f"Password changed for {args.username!r}; their sessions have ended.")
            else:
                users = accounts(session=s)
                if args.json:
                    _print_json(
                        [
                            {
                                "username": u.username,
                                "role": u.role,
                                "memberships": [{"role": m.role, "area": m.area or None} for m in u.memberships],
                            }
                            for u in users
                        ]
                    )
                else:
                    for u in users:
                        print(f"{u.username:30} {u.role:14} {u.described}")
        except ValueError as exc:
            raise UserError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m toolkit", description="Safeguarding Partnership Toolkit")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, fn: Callable, help_: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help_, description=help_)
        sp.set_defaults(func=fn)
        return sp

    sp = add("frameworks", cmd_frameworks, "list the frameworks and their rated statements")
    sp.add_argument("--json", action="store_true", help="print one JSON document")
    sp = add("demo", cmd_demo, "write fictional (synthetic) demo partnerships into a database")
    sp.add_argument("--database", default="", help="the database to fill (default: DATABASE_URL)")
    sp.add_argument("--areas", type=int, default=4, help="how many areas (the first four have stories)")
    sp.add_argument("--seed", type=int, default=7, help="random seed: the same seed gives the same data")
    sp.add_argument("--cycles", default="", help="comma-separated cycle names (default 2025,2026)")
    sp.add_argument(
        "--respondents", type=int, default=None, help="respondents per area and cycle (default: each story's own)"
    )
    sp = add("areas", cmd_areas, "list areas with their tags, cycles and respondent counts")
    sp.add_argument("--json", action="store_true", help="print one JSON document")
    sp = add("import", cmd_import, "import a ratings file (CSV or XLSX); all rows or none")
    sp.add_argument("file")
    sp = add("export", cmd_export, "export an area's ratings as CSV, XLSX or JSON, or the whole area as a bundle")
    sp.add_argument("--area", required=True)
    sp.add_argument("--cycle")
    sp.add_argument("--format", required=True, choices=["csv", "xlsx", "json", "bundle"])
    sp.add_argument("-o", "--output", required=True)
    sp = add("users", cmd_users, "manage facilitator, scrutineer and administrator accounts")
    sp.add_argument("action", choices=["add", "list", "passwd", "grant", "revoke"])
    sp.add_argument("--username")
    sp.add_argument("--role", choices=["facilitator", "scrutineer", "administrator"])
    sp.add_argument(
        "--area",
        action="append",
        help="a partnership the role is for (repeat for several); without --area the role is for every area",
    )
    sp.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    sp.add_argument("--json", action="store_true")
    cli_analysis.register(add)
    cli_backup.register(add)
    cli_audit.register(add)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run one command; a user's mistake prints a message on stderr and exits non-zero, never a traceback."""
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except (UserError, NotFound, RatingsFileError, FrameworkError) as exc:
        print(
            f"error: {exc}" if not isinstance(exc, FrameworkError) else f"error: framework files have problems:\n{exc}",
            file=sys.stderr,
        )
        return 1
    except OperationalError as exc:
        print(
            f"error: cannot use the database ({exc.orig}). Check DATABASE_URL and that the server is running.",
            file=sys.stderr,
        )
        return 1
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug, not the user's mistake: say so plainly
        if os.environ.get("TOOLKIT_DEBUG"):
            raise
        print(f"error: unexpected {type(exc).__name__}: {exc}. Set TOOLKIT_DEBUG=1 for details.", file=sys.stderr)
        return 3
    return 0
