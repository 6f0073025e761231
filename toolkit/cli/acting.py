"""Who a command acts as: `--as USERNAME` once accounts exist, checked with toolkit.access.scope like the pages.

On an installation without accounts (a single user's own device) the command line acts as the operator, as the pages
act as the local user. Once any account exists, every command that reads or writes an area's record says whose
account it acts for, with that account's password (TOOLKIT_PASSWORD, --password-stdin, or asked for on a terminal),
throttled exactly like the sign-in page. It then sees and changes only what that account's memberships allow, and the
audit log names that account.

The one command that stays the operator's is `users`: whoever runs the console with the database's own credentials
(DATABASE_URL) could read and change the database directly anyway, so that command is the way to create the first
administrator and to reset a forgotten password, audited as the command line. `--as` is therefore not a wall against
the server's operator: it keeps a facilitator or scrutineer at the console within their own areas, and keeps anyone
from acting in another account's name.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from toolkit.access.accounts import Identity, authenticate, count_users
from toolkit.access.scope import OPERATOR, load
from toolkit.access.throttle import AuthError
from toolkit.cli.errors import UserError
from toolkit.store.db import session_scope

PASSWORD_ENV = "TOOLKIT_PASSWORD"
HOW = (
    f"give the account's password in {PASSWORD_ENV}, pipe it in with --password-stdin, or type it when asked on a "
    "terminal"
)


def add_arguments(sp: argparse.ArgumentParser) -> None:
    """The options of a command that acts for an account."""
    sp.add_argument(
        "--as",
        dest="as_user",
        metavar="USERNAME",
        default="",
        help="the account to act as (needed once accounts exist); its memberships decide what the command may do",
    )
    sp.add_argument(
        "--password-stdin",
        dest="as_password_stdin",
        action="store_true",
        help=f"read that account's password from standard input (or set {PASSWORD_ENV})",
    )


def _password(args: argparse.Namespace) -> str:
    if args.as_password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if (env := os.environ.get(PASSWORD_ENV)) is not None:
        return env
    if not sys.stdin.isatty():
        raise UserError(f"--as {args.as_user} needs the account's password: {HOW}")
    return getpass.getpass(f"Password for {args.as_user}: ")


def identity(args: argparse.Namespace) -> Identity:
    """The account the command acts for, with its memberships (the operator on an installation without accounts).

    Raises UserError when accounts exist and no account is named, or the password is wrong (the same message for an
    unknown name, as on the sign-in page).
    """
    name = (getattr(args, "as_user", "") or "").strip()
    with session_scope() as s:
        if count_users(session=s) == 0:
            if name:
                raise UserError(
                    "this database has no accounts yet, so commands run as its operator: leave out --as (create "
                    "accounts with `python -m toolkit users add`)"
                )
            return OPERATOR
        if not name:
            raise UserError(
                "this database has accounts, so say whose account this command acts for: --as USERNAME, and " + HOW
            )
        try:
            who = authenticate(name, _password(args), session=s)
        except AuthError as exc:
            raise UserError(f"not signed in as {name}: {exc}") from None
        loaded = load(who, session=s)
    if loaded is None:  # the account went between the check and the read
        raise UserError(f"not signed in as {name}: Wrong username or password.")
    return loaded
