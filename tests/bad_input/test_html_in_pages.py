"""HTML, script and Markdown in every free-text field are shown as text, never run, on every page.

Streamlit renders Markdown in st.markdown/st.write/captions/alerts/headings and in widget labels and help: there,
a person's text must be escaped (toolkit.core.text.md_text), or a link or an image (a tracking pixel that reports who
opened the results, and when) would be live. Raw HTML runs only with unsafe_allow_html or st.html: no page may pass
a person's text to either.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.access.hostile import EVIL, seed
from tests.access.scan import open_as, render
from toolkit.access.accounts import Identity, Member
from toolkit.access.invitations import create_invitation
from toolkit.capture.assessment import answer_as, start_respondent
from toolkit.store.areas import resolve_cycle
from toolkit.store.db import session_scope

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*ROOT.glob("app_pages/*.py"), *ROOT.glob("ui/*.py"), ROOT / "app.py"])
LIVE_LINK = re.compile(r"(?<!\\)\]\(https://" + re.escape(EVIL))  # [text](url) or ![alt](url), not escaped


def _constants(tree: ast.Module) -> set[str]:
    """Module-level names bound to a plain string literal (CSS and the like, written by us)."""
    return {
        t.id
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        for t in node.targets
        if isinstance(t, ast.Name)
    }


def _numeric(expr: ast.expr) -> bool:
    """A number, or ui.auth.js_token (url-safe server-made text only, refused otherwise: tested below)."""
    return (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Name)
        and expr.func.id
        in (
            "int",
            "float",
            "len",
            "js_token",
        )
    )


def _raw_html_calls(path: Path) -> list[str]:
    """Calls that render raw HTML (unsafe_allow_html=True, st.html, components.html) with anything but our own literal."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    literal = _constants(tree)
    bad = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = ast.unparse(node.func)
        unsafe = any(
            k.arg == "unsafe_allow_html" and not (isinstance(k.value, ast.Constant) and k.value.value is False)
            for k in node.keywords
        )
        if not (unsafe or name.endswith(("st.html", "components.html", "components.v1.html")) or name == "html"):
            continue
        arg = node.args[0] if node.args else None
        ok = (
            (isinstance(arg, ast.Constant) and isinstance(arg.value, str))
            or (isinstance(arg, ast.Name) and arg.id in literal)
            or (  # an f-string of our own text with only numbers put in
                isinstance(arg, ast.JoinedStr)
                and all(_numeric(v.value) for v in arg.values if isinstance(v, ast.FormattedValue))
            )
        )
        if not ok:
            bad.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)[:100]}")
    return bad


def test_no_page_passes_anything_but_its_own_literal_to_raw_html() -> None:
    assert SOURCES and all(p.exists() for p in SOURCES)
    assert [b for p in SOURCES for b in _raw_html_calls(p)] == []


def test_only_url_safe_server_text_goes_into_a_script() -> None:
    from ui.auth import js_token

    assert js_token("/toolkit-session") == '"/toolkit-session"' and js_token("") == "null"
    for bad in ('"</script><script>alert(1)</script>', "a b", "x'y", "é"):
        with pytest.raises(ValueError):
            js_token(bad)


def test_the_raw_html_check_would_catch_user_text(tmp_path: Path) -> None:
    """The check above is not vacuous: it flags the patterns it is there for."""
    src = tmp_path / "page.py"
    src.write_text(
        "import streamlit as st\nCSS = '<style></style>'\nst.markdown(CSS, unsafe_allow_html=True)\n"
        "st.markdown(f'<b>{name}</b>', unsafe_allow_html=True)\nst.html(comment)\nst.markdown(x, unsafe_allow_html=flag)\n"
        "st.html(f'<i>{int(n)}</i>')\n",
        encoding="utf-8",
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert [b.split(":")[1] for b in _raw_html_calls(src)] == ["4", "5", "6"]
    finally:
        ROOT = saved


@pytest.fixture
def data(engine, catalogue):
    h = seed(engine, catalogue)
    item = catalogue.opm.items[0]
    with session_scope(engine) as s:  # accounts exist, so a respondent comes in through an invitation
        ref = resolve_cycle(h.area, h.cycle, session=s)
        invite = create_invitation(
            Identity("facil", "facilitator", (Member("facilitator"),)), ref, days=7, max_uses=1, session=s
        ).secret
        me = start_respondent("", "", "education", item.level or "frontline", invitation=invite, session=s).secret
        answer_as(me, "opm", item.id, 2, "mine", session=s, cat=catalogue)
    return h, me


PAGES = [
    "start",
    "context",
    "results",
    "theory_of_change",
    "interventions",
    "action_plan",
    "data",
    "frameworks",
    "workshop",
    "benchmark",
    "scrutiny",
    "account",
    "trainer",
]


def _check(r) -> list[str]:
    problems = [f"{r.page}: exception {e[:200]}" for e in r.exceptions]
    for kind, name, text, html in r.markdown():
        if LIVE_LINK.search(text):
            problems.append(f"{r.page}: live Markdown link or image in {kind}.{name}: {text[:160]!r}")
        if html and ("<script" in text or "<img" in text):
            problems.append(f"{r.page}: raw HTML in {kind}.{name}: {text[:160]!r}")
    return problems


def test_hostile_text_is_shown_as_text_on_every_page(data) -> None:
    h, me = data
    problems, shown = [], 0
    state = {"sel_area": h.area, "sel_cycle": h.cycle, "workshop_sel": h.code}
    for page in PAGES:
        r = render(open_as(f"app_pages/{page}.py", token=h.tokens["administrator"], **state), page)
        problems += _check(r)
        shown += sum(EVIL in t.replace("\\", "") for _k, _n, t, _h in r.markdown())
    presented = render(
        open_as("app_pages/workshop.py", token=h.tokens["administrator"], workshop_present=True, **state),
        "workshop (presentation)",
    )
    problems += _check(presented)
    for page, query in (
        ("join", {"w": h.code, "k": h.secret}),
        ("assess", {"k": me}),
    ):
        r = render(open_as(f"app_pages/{page}.py", query=query), page)
        problems += _check(r)
        shown += sum(EVIL in t.replace("\\", "") for _k, _n, t, _h in r.markdown())
    assert not problems, "\n".join(problems)
    assert shown >= 5  # the hostile text is on screen (escaped), not merely absent


def test_markdown_files_show_user_text_as_text(data, engine, catalogue) -> None:
    """The report's and the scrutiny summary's Markdown: a name or note typed as a link, an image or HTML stays text
    in whatever renders the file (a board's wiki, GitHub, an editor's preview)."""
    from toolkit.analysis.area import analyse
    from toolkit.analysis.config import Config
    from toolkit.reports.content import build_report
    from toolkit.reports.markdown import render_markdown
    from toolkit.scrutiny.summary import export_summary
    from toolkit.scrutiny.summary import summary as scrutiny_summary

    h, _ = data
    with session_scope(engine) as s:
        report = build_report(h.area, h.cycle, session=s, cat=catalogue, cfg=Config(min_group_size=3))
        a = analyse(h.area, h.cycle, session=s, cat=catalogue, cfg=Config(min_group_size=3))
        tables = scrutiny_summary(h.area, h.cycle, session=s, cat=catalogue, analysis=a)
    for name, md in (
        ("report.md", render_markdown(report)[0]),
        ("scrutiny.md", export_summary(tables, "md", area=h.area, cycle=h.cycle).decode()),
    ):
        assert EVIL in md.replace("\\", ""), name  # the text is there ...
        assert not LIVE_LINK.search(md), name  # ... but no link or image is live
        assert "<script" not in md and "<img" not in md, name
