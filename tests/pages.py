"""Helpers for AppTest page tests: open a page of app.py with seeded session state."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")

ASHVALE = "Ashvale (fictional)"


def open_page(page: str, timeout: float = 180, **state: object) -> AppTest:
    """Run app.py, switch to `page` with the given session state, and return the AppTest after the rerun."""
    # The timeout only stops a hung run: a busy machine may take minutes over a run that takes a second here.
    at = AppTest.from_file(APP, default_timeout=timeout)
    for k, v in state.items():
        at.session_state[k] = v
    at.run()
    at.switch_page(page)
    at.run()
    return at


def texts(at: AppTest) -> str:
    """Every piece of text the page shows (markdown, captions, alerts, titles), joined for searching."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success", "error", "warning"):
        parts += [str(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)


def chart_titles(at: AppTest) -> str:
    """The Vega-Lite specs of every chart on the page (titles and encodings; data travels separately)."""
    return "\n".join(c.proto.spec for c in at.get("vega_lite_chart"))
