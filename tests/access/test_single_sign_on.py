"""Single sign-on (OIDC) identities become accounts only through an administrator's link; each sign-on is a session
that expires, idles out and, once signed out, stays refused; links are audited and only administrators make them."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from toolkit.access.accounts import IDLE_MINUTES, SESSION_HOURS, Identity, create_user, set_password
from toolkit.access.memberships import grant
from toolkit.access.oidc import (
    Claims,
    NotLinked,
    SignInEnded,
    link,
    links,
    sign_in,
    sign_out,
    streamlit_secrets,
    unlink,
)
from toolkit.access.scope import OPERATOR, AccessDenied, areas_visible, load
from toolkit.cli.main import main
from toolkit.core.settings import Settings
from toolkit.store.areas import get_or_create_area
from toolkit.store.audit import entries
from toolkit.store.db import session_scope
from toolkit.store.models import utcnow

PW = "a long enough password"
ISS = "https://login.council.example"
SECRET = "a cookie secret for the tests"


def _claims(sub: str = "u-123", *, email: str | None = None, verified: bool = False, nonce: str = "n1", at=None):
    user = {"is_logged_in": True, "iss": ISS, "sub": sub, "iat": int((at or utcnow()).timestamp()), "nonce": nonce}
    if email:
        user |= {"email": email, "email_verified": verified}
    claims = Claims.of(user)
    assert claims is not None
    return claims


def test_claims_need_a_signed_in_user_with_issuer_subject_and_time() -> None:
    base = {"is_logged_in": True, "iss": ISS, "sub": "u-1", "iat": 1_800_000_000}
    assert Claims.of(base) is not None
    assert Claims.of(base | {"is_logged_in": False}) is None
    assert Claims.of({"email": "test@example.com"}) is None  # AppTest's default user: not signed in
    for missing in ("iss", "sub", "iat"):
        assert Claims.of({k: v for k, v in base.items() if k != missing}) is None
    assert Claims.of(base | {"iat": "yesterday"}) is None


def test_an_unknown_identity_gets_no_access_and_a_linked_one_is_its_account(session) -> None:
    area = get_or_create_area("Ashvale", session=session)
    get_or_create_area("Dunmarsh", session=session)
    create_user("facil", PW, "facilitator", session=session, all_areas=False)
    grant("facil", "facilitator", "Ashvale", actor=OPERATOR, session=session)
    with pytest.raises(NotLinked, match="No account here is linked to u-123"):
        sign_in(_claims(), secret=SECRET, session=session)
    link("facil", issuer=ISS, subject="u-123", actor=OPERATOR, session=session)
    who = sign_in(_claims(), secret=SECRET, session=session)
    assert who.username == "facil"
    # the same memberships as a password sign-in: Ashvale only
    loaded = load(who, session=session)
    assert loaded is not None and areas_visible(loaded, "view_results", session=session) == {"Ashvale": area.id}
    elsewhere = Claims(issuer="https://other-idp.example", subject="u-123", issued_at=utcnow(), nonce="n2")
    with pytest.raises(NotLinked):  # the same subject from another issuer is someone else
        sign_in(elsewhere, secret=SECRET, session=session)


def test_an_email_link_needs_the_provider_to_have_verified_the_email(session) -> None:
    create_user("scrut", PW, "scrutineer", session=session)
    link("scrut", email="Scrut@Council.example", actor=OPERATOR, session=session)
    with pytest.raises(NotLinked):
        sign_in(_claims("x-1", email="scrut@council.example", verified=False), secret=SECRET, session=session)
    who = sign_in(_claims("x-2", email="SCRUT@council.example", verified=True), secret=SECRET, session=session)
    assert who.username == "scrut"


def test_a_sign_on_expires_idles_out_and_stays_ended_after_sign_out(session) -> None:
    create_user("facil", PW, "facilitator", session=session)
    link("facil", issuer=ISS, subject="u-123", actor=OPERATOR, session=session)
    now = utcnow()
    claims = _claims(at=now)
    assert sign_in(claims, secret=SECRET, session=session, now=now).username == "facil"
    for k in range(1, SESSION_HOURS * 2):  # active every half hour, still ends at the hard limit from iat
        sign_in(claims, secret=SECRET, session=session, now=now + timedelta(minutes=30 * k))
    with pytest.raises(SignInEnded):
        sign_in(claims, secret=SECRET, session=session, now=now + timedelta(hours=SESSION_HOURS, minutes=1))
    old = _claims(nonce="n-old", at=now - timedelta(hours=SESSION_HOURS, minutes=1))
    with pytest.raises(SignInEnded):  # an identity cookie older than the hard limit never starts a session
        sign_in(old, secret=SECRET, session=session, now=now)

    idle = _claims(nonce="n-idle", at=now)
    sign_in(idle, secret=SECRET, session=session, now=now)
    with pytest.raises(SignInEnded):
        sign_in(idle, secret=SECRET, session=session, now=now + timedelta(minutes=IDLE_MINUTES + 1))

    fresh = _claims(nonce="n-fresh", at=now)
    sign_in(fresh, secret=SECRET, session=session, now=now)
    sign_out(fresh, secret=SECRET, session=session, now=now)
    for _ in range(2):  # a copy of the identity cookie from before the sign-out: refused, every time
        with pytest.raises(SignInEnded):
            sign_in(fresh, secret=SECRET, session=session, now=now + timedelta(minutes=1))
    again = _claims(nonce="n-again", at=now)  # signing in again is a new sign-on
    assert sign_in(again, secret=SECRET, session=session, now=now).username == "facil"
    set_password("facil", "another long password", session=session)  # ends single sign-ons too, for good
    for _ in range(2):
        with pytest.raises(SignInEnded):
            sign_in(again, secret=SECRET, session=session, now=now + timedelta(minutes=1))


def test_unlinking_stops_a_running_sign_on_at_once(session) -> None:
    create_user("facil", PW, "facilitator", session=session)
    link("facil", issuer=ISS, subject="u-123", actor=OPERATOR, session=session)
    claims = _claims()
    sign_in(claims, secret=SECRET, session=session)
    assert unlink("facil", actor=OPERATOR, session=session) is True
    with pytest.raises(NotLinked):
        sign_in(claims, secret=SECRET, session=session)
    link("facil", issuer=ISS, subject="u-123", actor=OPERATOR, session=session)
    with pytest.raises(SignInEnded):  # the sign-on that was stopped stays ended; a new sign-in is needed
        sign_in(claims, secret=SECRET, session=session)
    assert unlink("facil", actor=OPERATOR, session=session) is True
    assert unlink("facil", actor=OPERATOR, session=session) is False


def test_links_are_for_administrators_unique_and_audited(session) -> None:
    create_user("facil", PW, "facilitator", session=session)
    create_user("other", PW, "facilitator", session=session)
    facil = load(Identity("facil", "facilitator"), session=session)
    with pytest.raises(AccessDenied):
        link("other", issuer=ISS, subject="u-9", actor=facil, session=session)
    with pytest.raises(ValueError, match="either an email address or an issuer and subject"):
        link("facil", issuer=ISS, subject="u-1", email="a@b.example", actor=OPERATOR, session=session)
    with pytest.raises(ValueError, match="both its issuer and its subject"):
        link("facil", subject="u-1", actor=OPERATOR, session=session)
    with pytest.raises(ValueError, match="no account called"):
        link("nobody", email="a@b.example", actor=OPERATOR, session=session)
    assert link("facil", issuer=ISS, subject="u-1", actor=OPERATOR, session=session) == f"subject u-1 at {ISS}"
    with pytest.raises(ValueError, match="already linked to the account 'facil'"):
        link("other", issuer=ISS, subject="u-1", actor=OPERATOR, session=session)
    link("facil", email="facil@council.example", actor=OPERATOR, session=session)  # replaces the subject link
    assert links(session=session) == {"facil": "verified email facil@council.example", "other": "none"}
    unlink("facil", actor=OPERATOR, session=session)
    trail = [
        (e.action, e.target, e.before, e.after) for e in entries(session=session) if e.action.startswith("account.sso")
    ]
    assert sorted(trail, key=str) == sorted(
        [
            ("account.sso_link", "facil", None, {"issuer": ISS, "subject": "u-1"}),
            ("account.sso_link", "facil", {"issuer": ISS, "subject": "u-1"}, {"email": "facil@council.example"}),
            ("account.sso_unlink", "facil", {"email": "facil@council.example"}, None),
        ],
        key=str,
    )


def test_the_streamlit_auth_section_comes_from_the_settings_only_when_complete() -> None:
    assert streamlit_secrets(Settings(oidc_client_id="app")) is None
    full = Settings(
        oidc_server_metadata_url="https://login.council.example/.well-known/openid-configuration",
        oidc_client_id="app",
        oidc_client_secret="s3cret",
        oidc_redirect_uri="https://toolkit.council.example/oauth2callback",
        oidc_cookie_secret="cookie",
    )
    assert streamlit_secrets(full) == {
        "auth": {
            "redirect_uri": "https://toolkit.council.example/oauth2callback",
            "cookie_secret": "cookie",
            "client_id": "app",
            "client_secret": "s3cret",
            "server_metadata_url": "https://login.council.example/.well-known/openid-configuration",
        }
    }


def test_the_command_line_links_lists_and_unlinks(db_url, engine, capsys) -> None:
    with session_scope(engine) as s:
        create_user("facil", PW, "facilitator", session=s)
    assert main(["users", "link", "--username", "facil", "--subject", "u-7"]) == 1
    assert "both its issuer and its subject" in capsys.readouterr().err
    assert main(["users", "link", "--username", "Facil", "--issuer", ISS, "--subject", "u-7"]) == 0
    assert f"facil now signs in with single sign-on as subject u-7 at {ISS}" in capsys.readouterr().out
    assert main(["users", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed[0]["username"] == "facil" and listed[0]["single_sign_on"] == f"subject u-7 at {ISS}"
    with session_scope(engine) as s:
        assert sign_in(_claims("u-7"), secret=SECRET, session=s).username == "facil"
        assert [e.actor for e in entries(session=s) if e.action == "account.sso_link"] == ["cli"]
    assert main(["users", "unlink", "--username", "facil"]) == 0
    assert "facil is no longer linked" in capsys.readouterr().out
    with session_scope(engine) as s, pytest.raises(NotLinked):
        sign_in(_claims("u-7", nonce="n-after"), secret=SECRET, session=s)
