"""Everything a page rendered under AppTest: every string of every element (with whether Streamlit reads it as
Markdown or HTML) and every table or chart dataset (Arrow), so a test can search all of it."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa
from streamlit.testing.v1 import AppTest

from tests.pages import APP

# Element fields Streamlit renders as Markdown (a link or image in them is live); st.text, st.code, dataframes,
# inputs' values and options are shown as plain text.
MARKDOWN_FIELDS = {"body", "label", "help", "caption"}
PLAIN_PROTOS = {"Text", "Code", "Exception", "Json"}


@dataclass
class Rendered:
    """One page run: its strings as (proto type, field, text, allow_html) and its tables."""

    page: str
    strings: list[tuple[str, str, str, bool]] = field(default_factory=list)
    tables: list[pd.DataFrame] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)

    def text(self) -> str:
        """Every string and every table cell, joined for searching."""
        cells = [t.astype(str).to_csv(index=False) for t in self.tables]
        return "\n".join([s[2] for s in self.strings] + cells)

    def markdown(self) -> list[tuple[str, str, str, bool]]:
        """The strings Streamlit renders as Markdown (or HTML, where allow_html is set)."""
        out = []
        for kind, name, text, html in self.strings:
            if kind == "Html":
                out.append((kind, name, text, True))
            elif kind not in PLAIN_PROTOS and name in MARKDOWN_FIELDS:
                out.append((kind, name, text, html))
        return out


def _arrow(blob: bytes) -> pd.DataFrame | None:
    try:
        return pa.ipc.open_stream(io.BytesIO(blob)).read_all().to_pandas()
    except Exception:  # not an Arrow stream (an image, say)
        return None


def _walk(msg, out: Rendered) -> None:
    kind = type(msg).__name__
    html = bool(getattr(msg, "allow_html", False)) if hasattr(msg, "allow_html") else False
    for fd, value in msg.ListFields():
        values = value if fd.is_repeated else [value]
        for v in values:
            if fd.type == fd.TYPE_STRING:
                out.strings.append((kind, fd.name, v, html))
            elif fd.type == fd.TYPE_BYTES:
                if (df := _arrow(v)) is not None:
                    out.tables.append(df)
            elif fd.type == fd.TYPE_MESSAGE:
                if fd.message_type.GetOptions().map_entry:
                    continue
                _walk(v, out)


def render(at: AppTest, page: str = "") -> Rendered:
    """What the AppTest's last run put on screen."""
    out = Rendered(page)
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            _walk(proto, out)
    out.exceptions = [e.value for e in at.exception]
    return out


def open_as(page: str, *, token: str | None = None, query: dict[str, str] | None = None, **state) -> AppTest:
    """Run app.py, then `page` as a signed-in identity (session token) or anonymously, with state and a query."""
    at = AppTest.from_file(APP, default_timeout=120)
    if token:
        at.session_state["auth_token"] = token
    for k, v in state.items():
        at.session_state[k] = v
    at.run()
    at.switch_page(page)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    return at
