"""The one HTTP route Streamlit cannot provide: it sets and clears the HttpOnly session cookie (served by serve.py).

POST with a one-time hand-over code (from ui/auth.py, right after a password was accepted) sets the cookie; DELETE
ends the cookie's session and clears it. Both refuse a request from another origin, so another site cannot sign a
visitor in or out. No Streamlit here: this runs in the web server, outside any script run.
"""

from __future__ import annotations

import sys
import threading
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from toolkit.access.accounts import count_users, end_session, redeem_handoff, session_seconds_left, setup_code
from toolkit.store.db import session_scope

COOKIE = "toolkit_session"
PATH = "/toolkit-session"


def _same_origin(request: Request) -> bool:
    """The request comes from a page of this server (browsers always send Origin with a POST or DELETE fetch)."""
    origin = request.headers.get("origin")
    host = request.headers.get("host")
    return bool(origin and host) and urlsplit(origin).netloc == host


async def session_cookie(request: Request) -> Response:
    """POST: set the session cookie for a fresh hand-over code. DELETE: end the cookie's session and clear it."""
    if not _same_origin(request):
        return Response("Refused: not from this server's own pages.", status_code=403)
    response = Response(status_code=204)
    if request.method == "DELETE":
        await run_in_threadpool(_end, request.cookies.get(COOKIE))
        response.delete_cookie(COOKIE, path="/", secure=True, httponly=True, samesite="strict")
        return response
    code = (await request.body()).decode("ascii", "replace").strip()[:100]
    cookie, seconds = await run_in_threadpool(_redeem, code)
    if cookie is None:
        return Response("That sign-in hand-over code is unknown, used or expired.", status_code=403)
    # Secure: browsers keep it only over HTTPS (and on localhost), so a real deployment sits behind HTTPS.
    response.set_cookie(COOKIE, cookie, max_age=seconds, path="/", secure=True, httponly=True, samesite="strict")
    return response


def _redeem(code: str) -> tuple[str | None, int]:
    with session_scope() as s:
        cookie = redeem_handoff(code, session=s)
        return cookie, session_seconds_left(cookie, session=s) if cookie else 0


def _end(cookie: str | None) -> None:
    with session_scope() as s:
        end_session(cookie, session=s)


ROUTES = [Route(PATH, session_cookie, methods=["POST", "DELETE"])]

_announced = threading.Event()


def announce_setup_code() -> None:
    """Print the one-time setup code on the server's console (once per process) while no account exists."""
    if _announced.is_set():
        return
    with session_scope() as s:
        if count_users(session=s) > 0:
            return
    _announced.set()
    code = setup_code()
    print(
        f"\nNo account exists yet. To create the first administrator on the Account page, give this setup code: "
        f"{code[:4]}-{code[4:8]}-{code[8:]}\n(or run: python -m toolkit users add --username NAME --role "
        "administrator --password-stdin)\n",
        file=sys.stderr,
        flush=True,
    )
