"""Backup commands of the command line: `backup -o FILE` and `restore FILE` (see toolkit/store/backup.py)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import make_url

from toolkit.access.scope import authorise
from toolkit.cli import acting
from toolkit.cli.errors import UserError
from toolkit.core.settings import get_settings
from toolkit.store.backup import BackupError, backup, restore
from toolkit.store.db import get_engine


def _where() -> str:
    """The database in words, without its password."""
    return make_url(get_settings().database_url).render_as_string(hide_password=True)


def cmd_backup(args: argparse.Namespace) -> None:
    out = Path(args.output)
    if not out.parent.is_dir():
        raise UserError(f"{out.parent}: no such folder for the backup")
    authorise(acting.identity(args), "backup", None)  # every area's record: an administrator's task
    start = time.perf_counter()
    try:
        summary = backup(get_engine(), out)
    except BackupError as exc:
        raise UserError(str(exc)) from None
    _report(args, f"Backed up {summary} from {_where()} to {out}", summary, out, start)


def cmd_restore(args: argparse.Namespace) -> None:
    path = Path(args.file)
    if not path.is_file():  # said before asking who is acting
        raise UserError(f"nothing was restored: {path}: no such file")
    who = acting.identity(args)  # the operator: a restore goes into an empty database, without accounts
    authorise(who, "backup", None)
    start = time.perf_counter()
    try:
        summary = restore(get_engine(), path, by=who.username)
    except BackupError as exc:
        raise UserError(f"nothing was restored: {exc}") from None
    _report(args, f"Restored {summary} from {path} into {_where()}", summary, path, start)


def _report(args: argparse.Namespace, line: str, summary, path: Path, start: float) -> None:
    if args.json:
        doc = {
            "file": str(path),
            "tables": summary.tables,
            "rows": summary.rows,
            "seconds": round(time.perf_counter() - start, 2),
        }
        json.dump(doc, sys.stdout)
        sys.stdout.write("\n")
    else:
        print(line)


def register(add: Callable) -> None:
    """Add the backup and restore commands to the parser."""
    sp = add("backup", cmd_backup, "write every table of the database to one portable file (gzipped JSON lines)")
    sp.add_argument("-o", "--output", required=True, help="the file to write, e.g. toolkit-backup.jsonl.gz")
    sp.add_argument("--json", action="store_true", help="print one JSON document about what was written")
    acting.add_arguments(sp)
    sp = add("restore", cmd_restore, "load a backup into an EMPTY database (DATABASE_URL); refuses one with data")
    sp.add_argument("file")
    sp.add_argument("--json", action="store_true", help="print one JSON document about what was restored")
    acting.add_arguments(sp)
