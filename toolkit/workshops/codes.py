"""Join codes (unguessable, unmistakable), the join page's link for a code, and its QR code."""

from __future__ import annotations

import io
import secrets
import unicodedata
from urllib.parse import urlencode, urlsplit, urlunsplit

import qrcode
from qrcode.constants import ERROR_CORRECT_M

# Join codes: no I, L, O, 0 or 1, so nothing can be misread; 31^8 (about 8.5e11) codes.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LEN = 8


def new_code() -> str:
    """A fresh join code: CODE_LEN characters from ALPHABET, drawn with `secrets`."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LEN))


def normalise_code(text: str) -> str:
    """A typed code as stored: upper case, without spaces, hyphens or dashes, and invisible characters.

    NFKC first, so a phone keyboard's full-width letters count as the letters they show; a code pasted from a
    document keeps its en dash or a zero-width space, which are dropped like the hyphen.
    """
    text = unicodedata.normalize("NFKC", text if isinstance(text, str) else "")
    return "".join(ch for ch in text.upper() if not ch.isspace() and unicodedata.category(ch) not in ("Pd", "Cf"))


def format_code(code: str) -> str:
    """A code as shown to people: two groups of four, e.g. ABCD-EFGH."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def code_problem(code: str) -> str | None:
    """Why a normalised code cannot be right (length, characters), or None if it could be."""
    if not code:
        return "Type the join code your facilitator shows on screen."
    if len(code) != CODE_LEN:
        return f"A join code has {CODE_LEN} characters; that one has {len(code)}. Check it and try again."
    bad = sorted({ch for ch in code if ch not in ALPHABET})
    if bad:
        foreign = (
            " (a letter from another alphabet that looks like a Latin one?)" if any(ord(c) > 127 for c in bad) else ""
        )
        return (
            f"Join codes never contain {', '.join(repr(c) for c in bad)}{foreign}: they use the letters A-Z without "
            "I, L and O, and the digits 2-9. Check the code and try again."
        )
    return None


def public_join_link(public_url: str | None, code: str) -> str | None:
    """The join page's address under the app's public address (TOOLKIT_PUBLIC_URL), or None when it is not set."""
    if not public_url or not public_url.strip():
        return None
    parts = urlsplit(public_url.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, f"{path}/join", urlencode({"w": code}), ""))


def join_link(page_url: str, code: str, secret: str | None = None) -> str:
    """The join page's address for a code (and a participant's own secret), from any page address of the same app."""
    parts = urlsplit(page_url)
    path = parts.path.rstrip("/")
    base = path.rsplit("/", 1)[0] if path.count("/") >= 1 and path else ""
    query = {"w": code} | ({"k": secret} if secret else {})
    return urlunsplit((parts.scheme, parts.netloc, f"{base}/join", urlencode(query), ""))


def qr_png(text: str, *, box_size: int = 10) -> bytes:
    """A QR code of the text as PNG bytes (medium error correction, so a projected code still scans)."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=2)
    qr.add_data(text)
    qr.make(fit=True)
    buf = io.BytesIO()
    image = qr.make_image(fill_color="black", back_color="white")
    image.save(buf, format="PNG")  # pyright: ignore[reportCallIssue]  # qrcode's stub omits the PIL image's format
    return buf.getvalue()
