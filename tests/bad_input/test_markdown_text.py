"""Text that reaches Markdown (pages, the Markdown report) cannot add a heading, a list, a link, an autolink or an
image: one escaping function (toolkit.core.text.md_text) for every person's and every framework's text.

Checked with GitHub's own Markdown (cmark-gfm) and, for bare URLs, with the autolink rules of the renderer
Streamlit uses (mdast-util-gfm-autolink-literal finds them in the text after escapes are resolved, so a backslash
does not stop them).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.access import hostile
from tests.access.scan import open_as, render
from tests.test_frameworks import USER_FRAMEWORK
from toolkit.core.text import md_cell, md_text
from toolkit.reports.blocks import Bullets, Paragraph, Report, Section, Table
from toolkit.reports.markdown import render_markdown

EVIL = "evil.example"
INJECT = (
    f"Ashby\n# Injected heading\n\nTitle\n===\n- injected item\n> quoted\n    code\n"
    f"see https://{EVIL}/bare and www.{EVIL} and me@{EVIL} <https://{EVIL}/angle> "
    f"[link](https://{EVIL}/l) ![x](https://{EVIL}/x.png) <img src=x> **bold** `code` ~~gone~~ $x^2$ "
    f":red[red] :material/home: a|b"
)
# Streamlit's renderer links these in text nodes (after escapes): the regexes of mdast-util-gfm-autolink-literal.
STREAMLIT_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)", re.IGNORECASE)
STREAMLIT_EMAIL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)")
HEADING = re.compile(r"<h[1-6]>")


def to_html(md: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(md, options=Options.CMARK_OPT_UNSAFE)


def text_nodes(fragment: str) -> str:
    """The text a renderer's autolinker searches: the HTML without tags, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def shown_text(fragment: str) -> str:
    """What a reader sees: the text without the invisible word joiner."""
    return text_nodes(fragment).replace("\u2060", "")


def problems(md: str) -> list[str]:
    """Everything the text made live: headings, block structure, links, images, HTML, formatting, autolinks."""
    out = to_html(md)
    found = []
    if HEADING.search(out):
        found.append("a heading")
    for tag in ("<ul", "<ol", "<li", "<blockquote", "<pre", "<hr", "<table", "<code", "<em", "<strong", "<del"):
        if tag in out:
            found.append(f"{tag}>")
    for tag in ("<a ", "<img", "<script"):
        if tag in out:
            found.append(f"{tag}>")
    text = text_nodes(out)
    if STREAMLIT_URL.search(text) or STREAMLIT_EMAIL.search(text):
        found.append("a bare URL or address Streamlit would link")
    if re.search(r"(?<!\\):[a-z]", md) or re.search(r"(?<!\\)\$", md):
        found.append("Streamlit directive or maths")
    return found


def collapse(s: str) -> str:
    return " ".join(s.split())


@pytest.mark.parametrize("place", ["{}", "- {}", "## {}", "Prefix {} suffix", "> {}", "1. {}"])
def test_hostile_text_stays_text_wherever_it_sits(place: str) -> None:
    md = place.format(md_text(INJECT))
    own = problems(place.format("x"))  # the place's own structure (a list item, a heading) is ours
    assert set(problems(md)) <= set(own), (problems(md), md)
    assert collapse(INJECT) in shown_text(to_html(md)), "the text is shown as typed (line breaks as spaces)"


def test_a_table_cell_keeps_its_row() -> None:
    md = f"| a | b |\n|---|---|\n| {md_cell(INJECT)} | x |\n"
    out = to_html(md)
    assert out.count("<tr>") == 2 and "<a " not in out and "<img" not in out and not HEADING.search(out)


@example("-\n#")  # a person's own leading dash stays (found by hypothesis)
@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from([*"#=-+*_>`[]()!<>:/.@&|~$\\\n 1aw", "http", "www.", "x.com", "&amp;"])).map("".join))
def test_any_text_is_shown_as_typed_and_nothing_else(s: str) -> None:
    md = md_text(s)
    assert "\n" not in md and "\r" not in md
    for place in ("{}", "Said: {}", "- {}"):
        line = place.format(md)
        if not collapse(place.format(s)).strip("- "):
            continue
        out = to_html(line)
        assert out.count("<p>") + out.count("<li>") == 1 and "<a " not in out and "<img" not in out, out
        assert not problems(line) or set(problems(line)) <= {"<ul>", "<li>"}, (problems(line), line)
        typed = collapse(place.format(s))
        typed = typed.removeprefix("- ") if place.startswith("- ") else typed  # only the list's own marker goes
        assert shown_text(out).strip() == typed.strip(), out


def test_the_markdown_report_shows_names_and_notes_as_text() -> None:
    """An area or cycle name with line breaks, a goal, a comment or a title: nothing becomes a heading or link."""
    report = Report(
        title=f"Report for {INJECT}",
        subtitle=f"cycle {INJECT}",
        notice=INJECT,
        sections=[
            Section(
                INJECT,
                [
                    Paragraph(INJECT),
                    Paragraph(INJECT, style="callout"),
                    Paragraph(INJECT, style="note"),
                    Bullets([INJECT, f"goal {INJECT}"]),
                    Table(["agency", INJECT], [[INJECT, 3]], caption=INJECT),
                ],
            )
        ],
        area=INJECT,
        cycle=INJECT,
        generated="2026-01-01",
    )
    md, _ = render_markdown(report)
    out = to_html(md)
    assert "Injected heading" in out
    headings = re.findall(r"<h([1-6])>(.*?)</h\1>", out, re.S)
    assert [lvl for lvl, _ in headings] == ["1", "2"], headings  # the title and the one section, no more
    assert "<a " not in out and "<img" not in out and "<blockquote>\n<p>&gt; quoted" not in out
    assert not STREAMLIT_URL.search(text_nodes(out)) and not STREAMLIT_EMAIL.search(text_nodes(out))
    assert out.count("<li>") == 2 and out.count("<tr>") == 2  # our two bullets and the table's two rows


@pytest.fixture
def injected(engine, catalogue, monkeypatch):
    """The hostile data set, with line breaks, a heading, bare URLs and addresses in every free-text field."""
    monkeypatch.setattr(hostile, "PAYLOAD", hostile.PAYLOAD + " " + INJECT)
    return hostile.seed(engine, catalogue)


PAGES = ["start", "context", "results", "theory_of_change", "interventions", "action_plan", "data", "workshop"]
PAGES += ["benchmark", "scrutiny", "account", "trainer"]


def _live(r) -> list[str]:
    found = [f"{r.page}: exception {e[:200]}" for e in r.exceptions]
    for kind, name, text, _html in r.markdown():
        if "Injected" not in text and EVIL not in text:
            continue
        out = to_html(text)
        if re.search(r"<h[1-6]>\s*Injected", out):  # the line after a break became a heading
            found.append(f"{r.page}: heading injected in {kind}.{name}: {text[:160]!r}")
        if re.search(r"<(a|img) [^>]*" + re.escape(EVIL), out):
            found.append(f"{r.page}: live link or image in {kind}.{name}: {text[:160]!r}")
        if re.search(r"(https?://|www\.)" + re.escape(EVIL), text_nodes(out)):
            found.append(f"{r.page}: bare URL Streamlit links in {kind}.{name}: {text[:160]!r}")
    return found


def test_line_breaks_and_bare_urls_in_user_text_stay_text_on_every_page(injected) -> None:
    h = injected
    state = {"sel_area": h.area, "sel_cycle": h.cycle, "workshop_sel": h.code}
    found, shown = [], 0
    for page in PAGES:
        r = render(open_as(f"app_pages/{page}.py", token=h.tokens["administrator"], **state), page)
        found += _live(r)
        shown += sum("Injected heading" in t for _k, _n, t, _h in r.markdown())
    r = render(open_as("app_pages/join.py", query={"w": h.code, "k": h.secret}), "join")
    found += _live(r)
    assert not found, "\n".join(found)
    assert shown >= 2  # the text is on screen, as text (the goal and its step)


def test_framework_text_is_shown_as_text_on_the_frameworks_page(tmp_path: Path, db_url, monkeypatch) -> None:
    """An administrator's framework file with a link and an external image in its description and title."""
    from tests.pages import open_page
    from toolkit.core.catalogue import catalogue as cached
    from toolkit.core.settings import get_settings

    text = USER_FRAMEWORK.replace(
        "description: A partnership's own statements drawn from Ofsted's commentary.",
        "description: 'Ours ![x](http://evil/x.png) and [link](http://evil) and http://evil.example/bare'",
    ).replace("title: Components of successful partnerships", "title: 'Components [t](http://evil/t)'")
    (tmp_path / "mine.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("TOOLKIT_FRAMEWORKS_DIR", str(tmp_path))
    get_settings.cache_clear()
    cached.cache_clear()
    try:
        at = open_page("app_pages/frameworks.py", data_browse="ofsted_components")
        assert not at.exception, [e.value for e in at.exception]
        r = render(at, "frameworks")
        md = [t for _k, _n, t, _h in r.markdown() if "evil" in t]
        assert md, "the description is on the page"
        for t in md:
            out = to_html(t)
            assert "<a " not in out and "<img" not in out, t
            assert not re.search(r"https?://evil", text_nodes(out)), t
        assert "![x](http://evil/x.png)" in shown_text(to_html("\n".join(md)))  # shown as written
    finally:
        get_settings.cache_clear()
        cached.cache_clear()
