"""A small OpenID Connect provider for the tests, on 127.0.0.1 and a free port, in a thread of the test process.

It serves what st.login (Authlib) uses: the discovery document, an authorize endpoint that approves the current test
user without asking (checking the client, its redirect address, state and nonce), a token endpoint (client secret by
Basic or form, single-use codes, PKCE S256) that returns an RS256-signed id_token, and the JSON Web Key Set.
Nothing here reaches outside the machine.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey


@dataclass
class Provider:
    """The provider's state: its client, the user it signs in next, and what it has issued."""

    client_id: str
    client_secret: str
    redirect_uri: str
    issuer: str = ""
    user: dict[str, Any] = field(default_factory=dict)
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "test-key"}))
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    issued: list[dict[str, Any]] = field(default_factory=list)  # the id_tokens' claims, in order
    lock: threading.Lock = field(default_factory=threading.Lock)

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
        }

    def authorize(self, q: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if q.get("client_id") != self.client_id or q.get("redirect_uri") != self.redirect_uri:
            return 400, {}, b"unknown client or redirect address"
        if q.get("response_type") != "code" or "openid" not in q.get("scope", "").split() or not q.get("state"):
            return 400, {}, b"not an OpenID Connect code request"
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = {
                "nonce": q.get("nonce"),
                "challenge": q.get("code_challenge"),
                "redirect_uri": q["redirect_uri"],
                "user": dict(self.user),
                "at": time.time(),
            }
        return 302, {"Location": f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}"}, b""

    def token(self, form: dict[str, str], authorization: str | None) -> tuple[int, dict[str, Any]]:
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if authorization and authorization.startswith("Basic "):
            client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
        if client_id != self.client_id or secret != self.client_secret:
            return 401, {"error": "invalid_client"}
        with self.lock:
            grant = self.codes.pop(form.get("code", ""), None)  # single use
        if form.get("grant_type") != "authorization_code" or grant is None:
            return 400, {"error": "invalid_grant"}
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri differs"}
        if grant["challenge"]:
            digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]:
                return 400, {"error": "invalid_grant", "error_description": "PKCE verifier does not match"}
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + 3600, **grant["user"]}
        if grant["nonce"]:
            claims["nonce"] = grant["nonce"]
        with self.lock:
            self.issued.append(claims)
        id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, self.key)
        return 200, {"access_token": secrets.token_urlsafe(24), "token_type": "Bearer", "expires_in": 3600,
                     "id_token": id_token}  # fmt: skip

    def jwks(self) -> dict[str, Any]:
        public = self.key.as_dict(private=False)
        return {"keys": [public | {"use": "sig", "alg": "RS256", "kid": "test-key"}]}


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet in the test output
            pass

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None, kind: str = "") -> None:
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            if kind:
                self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, doc: dict[str, Any]) -> None:
            self._send(status, json.dumps(doc).encode(), kind="application/json")

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            q = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                self._json(200, provider.discovery())
            elif url.path == "/jwks":
                self._json(200, provider.jwks())
            elif url.path == "/authorize":
                status, headers, body = provider.authorize(q)
                self._send(status, body, headers, kind="text/plain")
            else:
                self._send(404, b"not found", kind="text/plain")

        def do_POST(self) -> None:
            if urlsplit(self.path).path != "/token":
                self._send(404, b"not found", kind="text/plain")
                return
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            status, doc = provider.token(form, self.headers.get("Authorization"))
            self._json(status, doc)

    return Handler


@contextmanager
def oidc_provider(*, client_id: str, client_secret: str, redirect_uri: str) -> Iterator[Provider]:
    """Serve a provider on 127.0.0.1 (a free port) until the block ends; its issuer is its base address."""
    provider = Provider(client_id=client_id, client_secret=client_secret, redirect_uri=redirect_uri)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(provider))
    provider.issuer = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="oidc-provider", daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
