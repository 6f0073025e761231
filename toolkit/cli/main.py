"""`python -m toolkit COMMAND`: the command line of contracts section 5."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from toolkit.access.accounts import count_users
from toolkit.access.memberships import EVERY_AREA, accounts, add_account, change_password, grant, revoke
from toolkit.access.oidc import link, links, unlink
from toolkit.access.scope import OPERATOR, AccessDenied, areas_visible, authorise_named
from toolkit.capture.ratings_export import export_frame, write_export
from toolkit.capture.ratings_import import RatingsFileError, import_ratings
from toolkit.cli import acting
from toolkit.cli import analysis as cli_analysis
from toolkit.cli import audit as cli_audit
from toolkit.cli import backup as cli_backup
from toolkit.cli.errors import UserError
from toolkit.core import coverage
from toolkit.core.catalogue import catalogue as _catalogue
from toolkit.core.forms import core_items
from toolkit.core.frameworks import FrameworkError
from toolkit.core.settings import get_settings
from toolkit.reports.bundle_doc import BundleError
from toolkit.reports.bundle_in import bundle_area, import_bundle, is_bundle
from toolkit.reports.bundle_out import bundle_bytes
from toolkit.reports.errors import ReportError
from toolkit.store.areas import NotFound, list_areas
from toolkit.store.db import engine_for, not_answering, session_scope
from toolkit.training.demo import DEMO_NOTICE, load_demo
from toolkit.training.sandbox import describe


def _print_json(doc: object) -> None:
    json.dump(doc, sys.stdout, ensure_ascii=False, indent=1, default=str)
    sys.stdout.write("\n")


def cmd_frameworks(args: argparse.Namespace) -> None:
    cat = _catalogue()
    if args.view == "coverage":
        table = coverage.rows(cat)
        if args.json:
            _print_json([r.as_dict() for r in table])
        else:
            print(coverage.markdown(table), end="")
        return
    docs = []
    for fw in cat.frameworks.values():
        doc = {"id": fw.id, "kind": fw.kind, "title": fw.title, "source": fw.source.model_dump()}
        if fw.kind == "rated":

            def scale(item_id: str, fid: str = fw.id) -> dict:
                sc = cat.item_scale(fid, item_id)
                labels = {p.value: p.label for p in sc.points}
                return {"min": sc.min, "max": sc.max, "labels": labels, "dont_know": sc.dont_know_label}

            doc["items"] = [
                {
                    "id": it.id,
                    "text": it.text,
                    "scale": scale(it.id),
                    "tags": {"stage": it.stage, "level": it.level, "c": it.cs, "toc_nodes": it.toc_nodes},
                    "core": it.id in core,  # in the short form (docs/short-form.md)
                }
                for core in [core_items(fw)]
                for it in fw.items
            ]
        docs.append(doc)
    if args.json:
        _print_json(docs)
        return
    for d in docs:
        extra = f", {len(d['items'])} rated statements" if "items" in d else ""
        print(f"{d['id']:24} {d['kind']:9} {d['title']}{extra}")


def live_record(session: Session) -> str:
    """What makes a database someone's live record (real partnerships, accounts), in words; "" if nothing does."""
    real = sum(not a.fictional for a in list_areas(session=session))
    users = count_users(session=session)
    parts = []
    if real:
        parts.append(f"{real} real partnership" + ("s" if real > 1 else ""))
    if users:
        parts.append(f"{users} account" + ("s" if users > 1 else ""))
    return " and ".join(parts)


def cmd_demo(args: argparse.Namespace) -> None:
    """Fill a database of its own with demo partnerships: never one that holds a live record."""
    cycles = tuple(args.cycles.split(",")) if args.cycles else ("2025", "2026")
    url = args.database or get_settings().database_url
    with session_scope(engine_for(url)) as s:
        if held := live_record(s):
            raise UserError(
                f"{describe(url)} holds a live record ({held}), so no demo data was written there. Demo "
                "partnerships go into a database of their own: give --database one, e.g. "
                "--database sqlite:///data/demo.db, and start the app with DATABASE_URL set to it to explore them."
            )
        result = load_demo(areas=args.areas, seed=args.seed, cycles=cycles, respondents=args.respondents, session=s)
    print(
        f"Wrote {result.rows} ratings for {len(result.area_cycles)} area-cycles of fictional demo partnerships "
        f"into {describe(url)}, a database of demo data only. {DEMO_NOTICE} They are marked as demo partnerships, so "
        "they never count as peers of real areas; to explore them, start the app with DATABASE_URL set to this "
        "database."
    )


def cmd_areas(args: argparse.Namespace) -> None:
    who = acting.identity(args)
    with session_scope() as s:
        mine = areas_visible(who, None, s)  # the areas the account holds a membership for (all for the operator)
        areas = [a for a in list_areas(session=s) if a.area in mine]
    if args.json:
        _print_json([asdict(a) for a in areas])  # AreaSummary's fields are the contract's keys (section 5)
        return
    if not areas:
        print("No areas yet. Try: python -m toolkit demo")
    for a in areas:
        cycles = ", ".join(f"{c.cycle} ({c.respondents} respondents)" for c in a.cycles) or "no cycles"
        print(f"{a.area}: {cycles}")


def cmd_import(args: argparse.Namespace) -> None:
    path = Path(args.file)
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    who = acting.identity(args)
    with path.open("rb") as f:
        head = f.read(4096)
    # Only a file that starts like JSON is read whole to see if it is a bundle; a ratings file is streamed.
    data = path.read_bytes() if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") else b""
    if data and is_bundle(data):  # a whole-area bundle, whatever the file is called
        try:
            with session_scope() as s:
                authorise_named(who, "import_ratings", bundle_area(data), session=s)
                print(import_bundle(data, session=s, catalogue=_catalogue(), actor=who.username))
        except BundleError as exc:
            raise UserError(f"{path.name}: {exc}") from None
        except AccessDenied as exc:
            raise UserError(f"{path.name}: nothing was imported. {exc}") from None
        return
    try:
        with session_scope() as s:
            result = import_ratings(path, path.name, session=s, catalogue=_catalogue(), by=who.username)
            for area, _cycle in result.area_cycles:  # a refusal here rolls the whole import back
                authorise_named(who, "import_ratings", area, session=s)
    except AccessDenied as exc:
        raise UserError(f"{path.name}: nothing was imported. {exc}") from None
    print(result.summary())


def cmd_export(args: argparse.Namespace) -> None:
    out = Path(args.output)
    if not out.parent.is_dir():
        raise UserError(f"{out.parent}: no such folder for the export")
    who = acting.identity(args)
    if args.format == "bundle":  # the whole area, every cycle, to import elsewhere
        with session_scope() as s:
            authorise_named(who, "export_raw", args.area, session=s)
            out.write_bytes(bundle_bytes(args.area, session=s))
        print(f"Exported the whole area {args.area!r} as a bundle to {out}")
        return
    with session_scope() as s:
        authorise_named(who, "export_raw", args.area, session=s)
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
    """Accounts and memberships, as the operator (every change audited as the command line): see cli/acting.py."""
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
            elif args.action in ("link", "unlink"):
                if not args.username:
                    raise UserError(f"users {args.action} needs --username")
                if args.action == "link":
                    what = link(args.username, issuer=args.issuer or "", subject=args.subject or "",
                                email=args.email or "", actor=OPERATOR, session=s)  # fmt: skip
                    print(f"{args.username.strip().lower()} now signs in with single sign-on as {what}.")
                else:
                    done = unlink(args.username, actor=OPERATOR, session=s)
                    print(
                        f"{args.username.strip().lower()} {'is no longer' if done else 'was not'} linked to single sign-on."
                    )
            else:
                users, sso = accounts(session=s), links(session=s)
                if args.json:
                    _print_json(
                        [
                            {
                                "username": u.username,
                                "role": u.role,
                                "memberships": [{"role": m.role, "area": m.area or None} for m in u.memberships],
                                "single_sign_on": sso.get(u.username, "none"),
                            }
                            for u in users
                        ]
                    )
                else:
                    for u in users:
                        print(
                            f"{u.username:30} {u.role:14} {u.described}; single sign-on: {sso.get(u.username, 'none')}"
                        )
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
    sp.add_argument(
        "view",
        nargs="?",
        choices=["coverage"],
        help="coverage: each source element, how many the source has and how many the files hold",
    )
    sp.add_argument("--json", action="store_true", help="print one JSON document")
    sp = add(
        "demo",
        cmd_demo,
        "write fictional (synthetic) demo partnerships into a database of their own (never one with a live record)",
    )
    sp.add_argument("--database", default="", help="the database to fill (default: DATABASE_URL)")
    sp.add_argument("--areas", type=int, default=4, help="how many areas (the first four have stories)")
    sp.add_argument("--seed", type=int, default=7, help="random seed: the same seed gives the same data")
    sp.add_argument("--cycles", default="", help="comma-separated cycle names (default 2025,2026)")
    sp.add_argument(
        "--respondents", type=int, default=None, help="respondents per area and cycle (default: each story's own)"
    )
    sp = add("areas", cmd_areas, "list areas with their tags, cycles and respondent counts")
    sp.add_argument("--json", action="store_true", help="print one JSON document")
    acting.add_arguments(sp)
    sp = add("import", cmd_import, "import a ratings file (CSV or XLSX); all rows or none")
    sp.add_argument("file")
    acting.add_arguments(sp)
    sp = add("export", cmd_export, "export an area's ratings as CSV, XLSX or JSON, or the whole area as a bundle")
    sp.add_argument("--area", required=True)
    sp.add_argument("--cycle")
    sp.add_argument("--format", required=True, choices=["csv", "xlsx", "json", "bundle"])
    sp.add_argument("-o", "--output", required=True)
    acting.add_arguments(sp)
    sp = add("users", cmd_users, "manage facilitator, scrutineer and administrator accounts")
    sp.add_argument("action", choices=["add", "list", "passwd", "grant", "revoke", "link", "unlink"])
    sp.add_argument("--username")
    sp.add_argument("--role", choices=["facilitator", "scrutineer", "administrator"])
    sp.add_argument(
        "--area",
        action="append",
        help="a partnership the role is for (repeat for several); without --area the role is for every area",
    )
    sp.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    sp.add_argument("--email", help="link: the email address the organisation's sign-in vouches for (verified)")
    sp.add_argument("--issuer", help="link: the organisation's sign-in issuer (with --subject)")
    sp.add_argument("--subject", help="link: the person's subject (sub) at that issuer")
    sp.add_argument("--json", action="store_true")
    cli_analysis.register(add)
    cli_backup.register(add)
    cli_audit.register(add)
    return p


CLASH = (
    "another user or program changed the same records at the same moment, so the database refused this change "
    "({what}); nothing of this command was saved. Run the command again: it will see the other change."
)


def main(argv: list[str] | None = None) -> int:
    """Run one command; every failure prints a message on stderr that says what to do, and exits non-zero."""
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except (UserError, NotFound, RatingsFileError, FrameworkError, ReportError, AccessDenied) as exc:
        print(
            f"error: {exc}" if not isinstance(exc, FrameworkError) else f"error: framework files have problems:\n{exc}",
            file=sys.stderr,
        )
        return 1
    except IntegrityError as exc:  # a concurrent writer got there first (a unique name or id taken meanwhile)
        what = " ".join(str(exc.orig).split())[:120]
        print(f"error: {CLASH.format(what=what)}", file=sys.stderr)
        return 1
    except (OperationalError, InterfaceError, PoolTimeout) as exc:
        print(f"error: {not_answering(exc)}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a file or folder the command could not read or write: named, with the reason
        where = f"{exc.filename}: " if exc.filename else ""
        print(
            f"error: {where}{exc.strerror or exc}. Check the path, its permissions and the free space.", file=sys.stderr
        )
        return 1
    except MemoryError:
        print(
            "error: this machine ran out of memory for the command; try a smaller file, or more memory.",
            file=sys.stderr,
        )
        return 1
    except Exception as exc:  # a fault in the toolkit, not the user's mistake: say so, and what to send
        if os.environ.get("TOOLKIT_DEBUG"):
            raise
        why = " ".join(str(exc).split())[:200]
        print(
            f"error: the command stopped on a fault in the toolkit ({type(exc).__name__}: {why}); nothing you gave "
            "it needs changing. Run it again with TOOLKIT_DEBUG=1 and send the details to whoever looks after the "
            "toolkit.",
            file=sys.stderr,
        )
        return 3
    return 0
