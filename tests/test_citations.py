"""Every citation resolves to a label of its report, Figure 2 is Kantar's, and no field copies a report unquoted.

The reports are not in the repository: scripts/seed_index.py indexes them (labels, heading hashes, 20-word
shingle hashes) into tests/fixtures, so these tests run anywhere. Where the reports are at ../shared/seeds, a
test checks that the committed index is the one the script builds from them.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from toolkit.core.schema import Citation

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("seed_index", ROOT / "scripts" / "seed_index.py")
assert _spec and _spec.loader
seed_index = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(seed_index)

INDEX = json.loads(seed_index.INDEX.read_text(encoding="utf-8"))
REPORTS = INDEX["reports"]
_raw = seed_index.SHINGLES.read_bytes()
SHINGLES = {int.from_bytes(_raw[i : i + 4], "big") for i in range(0, len(_raw), 4)}


def citations(catalogue) -> list[tuple[str, Citation]]:
    """(where, citation) for every source in every bundled framework, nested ones included."""
    out: list[tuple[str, Citation]] = []

    def walk(o, where: str) -> None:
        if isinstance(o, Citation):
            out.append((where, o))
        elif isinstance(o, BaseModel):
            for k in type(o).model_fields:
                walk(getattr(o, k), f"{where}/{o.id}.{k}" if isinstance(getattr(o, "id", None), str) else where)
        elif isinstance(o, (list, tuple)):
            for x in o:
                walk(x, where)
        elif isinstance(o, dict):
            for x in o.values():
                walk(x, where)

    for fw in catalogue.frameworks.values():
        walk(fw, fw.id)
    return out


def _numbers(spec: str) -> list[int]:
    """'27, 33-34' or '110, 112, 113 and 116' as the numbers they name."""
    out: list[int] = []
    for a, b in re.findall(r"(\d+)(?:\s*[-\u2013]\s*(\d+))?", spec):
        out += list(range(int(a), int(b or a) + 1))
    return out


UNNUMBERED = ("ofsted", "social_engine2021")  # the reports that number neither their paragraphs nor their sections
OPENINGS = re.compile(r',?\s*paragraphs? beginning "[^"]+"(?:(?:,| and) "[^"]+")*')


def locate(report: str, section: str) -> tuple[list[str], list[str]]:
    """(labels the citation names, those its report does not have). A label is a paragraph, section, table, ..."""
    idx = REPORTS[report]
    named: list[str] = []
    missing: list[str] = []

    def need(label: str, ok: bool) -> None:
        named.append(label)
        if not ok:
            missing.append(label)

    for n in re.findall(r"Table (\d+)", section):
        need(f"Table {n}", int(n) in idx["tables"])
    for n in re.findall(r"Figure (\d+)", section):
        need(f"Figure {n}", int(n) in idx["figures"])
    if report == "wood2021":
        for spec in re.findall(r"\bparas?(?:graphs?)? ([\d ,\-\u2013and]+)", section):
            for n in _numbers(spec):
                need(f"paragraph {n}", n in idx["paragraphs"])
        for n in re.findall(r"recommendation (\d+)", section):
            need(f"recommendation {n}", int(n) <= idx["recommendations"])
        for n in re.findall(r"Appendix (\d+)", section):
            need(f"Appendix {n}", int(n) in idx["appendices"])
    if report == "kantar2021":
        for part in re.split(r";|\band\b(?= Annex)", section):
            annex = re.search(r"Annex (\d+)", part)
            nums = re.findall(
                r"(?<![\w.])(\d+(?:\.\d+)+)(?![\w.])", part.replace("Annex " + annex.group(1), "") if annex else part
            )
            if annex:
                a = annex.group(1)
                need(f"Annex {a}", a in idx["annexes"])
                for n in nums:
                    need(f"Annex {a}, {n}", n in idx["annexes"].get(a, []))
            else:
                for n in nums:
                    need(f"section {n}", n in idx["sections"])
    if report == "wales2022":
        for part in section.split(";"):
            for n in re.findall(r"(?<![\w.])(\d+\.\d+)(?![\w.])", part.split("theme")[0]):
                need(f"section {n}", n in idx["sections"])
            for n in re.findall(r"theme (\d+\.\d+)", part):
                need(f"section 3, theme {n}", n in idx["themes"])
            cs = re.findall(r"\bC(\d+)\b", part)
            for c in cs:
                need(f"C{c}", f"C{c}" in idx["cs"])
            for spec in re.findall(r"recommendations? ([\d ,and]+)", part):
                for n in _numbers(spec):
                    c = f"C{cs[-1]}" if cs else "?"
                    need(f"{c} recommendation {n}", n <= idx["cs"].get(c, {}).get("recommendation_points", 0))
    if report in UNNUMBERED:
        # no numbered paragraphs or sections: the citation names headings (and, in Social Engine, figures), and the
        # paragraphs under them by their opening words: 'Heading, paragraphs beginning "First words" and "Other"'
        for run in OPENINGS.findall(section):
            for q in re.findall(r'"([^"]+)"', run):
                ok = len(seed_index.words(q)) >= seed_index.OPENING and seed_index.opening_key(q) in idx["openings"]
                need(f'paragraph beginning "{q}"', ok)
        headings = re.sub(r"Figure \d+ \(.*?\)(?=;|$)", "", OPENINGS.sub("", section))
        for h in re.split(r"[:;()]", headings):
            h = h.strip()
            if seed_index.words(h) and h not in ("Lincolnshire", "'At a glance' poster"):  # a place, a figure's name
                need(h, seed_index.heading_key(h) in idx["headings"])
    return named, missing


# A finer label than a heading: a paragraph, a numbered section, an annex, a table, a figure, a recommendation.
FINE = re.compile(r"^(paragraph|section|Annex|Table|Figure|recommendation|Appendix|C\d+ recommendation)")
PARAGRAPH = re.compile(r"^(paragraph beginning|Figure|Table)")


def test_every_citation_names_labels_its_report_has(catalogue) -> None:
    problems = []
    for where, c in citations(catalogue):
        if c.report not in REPORTS:
            continue
        named, missing = locate(c.report, c.section)
        if not named:
            problems.append(f"{where}: {c.report} '{c.section}' names nothing this test can find")
        elif missing:
            problems.append(f"{where}: {c.report} '{c.section}' has no {missing}")
    assert not problems, "\n".join(sorted(set(problems)))


NUMBERED = ("kantar2021", "wood2021", "wales2022")  # the reports that number their paragraphs or sections


def coarse(catalogue, reports: tuple[str, ...], fine: re.Pattern[str]) -> list[str]:
    """The citations of these reports that name no label finer than a heading (as `fine` tells)."""
    out = []
    for where, c in citations(catalogue):
        if c.report in reports and not any(fine.match(label) for label in locate(c.report, c.section)[0]):
            out.append(f"{where}: {c.report} '{c.section}'")
    return sorted(set(out))


def test_citations_of_numbered_reports_name_a_paragraph_section_table_or_figure(catalogue) -> None:
    """Not only a heading: where the report numbers its parts, the citation names one."""
    assert not (found := coarse(catalogue, NUMBERED, FINE)), "\n".join(found)


def test_citations_of_unnumbered_reports_name_a_paragraph_by_its_opening_or_a_figure(catalogue) -> None:
    """Ofsted's commentary and the Social Engine report number nothing: not only a heading, but the paragraph."""
    assert not (found := coarse(catalogue, UNNUMBERED, PARAGRAPH)), "\n".join(found)


def test_the_resolver_refuses_labels_a_report_does_not_have() -> None:
    assert locate("wood2021", "paragraphs 106 and 250")[1] == ["paragraph 250"]
    assert locate("kantar2021", "2.6.1; Annex 1, Table 9")[1] == ["Table 9", "section 2.6.1"]
    assert locate("wales2022", "4.1, C2 Confidence, recommendation 30")[1] == ["C2 recommendation 30"]
    assert locate("ofsted", "Components of successful partnerships: Seeing into the future")[1] == [
        "Seeing into the future"
    ]
    assert locate(
        "ofsted",
        'Ensuring a joined-up approach, paragraphs beginning "We saw this working well in" and '
        '"We saw this failing badly in"',
    )[1] == ['paragraph beginning "We saw this failing badly in"']
    assert locate("social_engine2021", 'Findings: Trial Results, paragraph beginning "Trial"')[1] == [
        'paragraph beginning "Trial"'  # fewer than five words: too short to tell one paragraph from another
    ]


def test_figure_2_node_list_matches_the_report(catalogue) -> None:
    """Every box is a box of Kantar's Figure 2, in its tier, and the tiers hold 12, 12, 10 and 7 boxes."""
    fig = {tier: set(hashes) for tier, hashes in REPORTS["kantar2021"]["figure_2"].items()}
    counts: dict[str, int] = {}
    for n in catalogue.toc.nodes:
        label = n.label.replace("&", "and")
        assert seed_index.heading_key(label) in fig[n.tier], f"{n.id}: '{n.label}' is not a {n.tier} box of Figure 2"
        counts[n.tier] = counts.get(n.tier, 0) + 1
    assert counts == {"inputs": 12, "outputs": 12, "intermediate_outcomes": 10, "ultimate_outcomes": 7}


# ---- copying ----------------------------------------------------------------------------------------------------

QUOTED = re.compile(r"\"[^\"]*\"|\u201c[^\u201d]*\u201d|\u2018[^\u2019]*\u2019|(?<!\w)'[^']*'(?!\w)")


def text_fields(catalogue) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []

    def walk(o, where: str) -> None:
        if isinstance(o, Citation):
            return
        if isinstance(o, BaseModel):
            for k in type(o).model_fields:
                walk(getattr(o, k), f"{where}/{o.id}.{k}" if isinstance(getattr(o, "id", None), str) else where)
        elif isinstance(o, (list, tuple)):
            for x in o:
                walk(x, where)
        elif isinstance(o, dict):
            for x in o.values():
                walk(x, where)
        elif isinstance(o, str) and len(o.split()) > seed_index.SHINGLE:
            out.append((where, o))

    for fw in catalogue.frameworks.values():
        walk(fw, fw.id)
    return out


def copied_runs(text: str) -> list[str]:
    """Runs of more than SHINGLE consecutive words, outside quotation marks, that a report also has."""
    runs = []
    n = seed_index.SHINGLE
    for part in QUOTED.split(text):
        ws = seed_index.words(part)
        hits = [h in SHINGLES for h in seed_index.shingles(ws)]
        # more than n words: two overlapping n-word shingles in a row (also keeps chance collisions out)
        for i in range(len(hits) - 1):
            if hits[i] and hits[i + 1]:
                runs.append(" ".join(ws[i : i + n + 1]))
    return runs


def test_no_text_field_repeats_more_than_20_words_of_a_source_unless_quoted(catalogue) -> None:
    problems = [f"{where}: '{run}'" for where, text in text_fields(catalogue) for run in copied_runs(text)[:1]]
    assert not problems, "\n".join(problems)


def test_the_copy_check_finds_a_copied_run_and_spares_it_in_quotes() -> None:
    wood_106 = (
        "a record of decisions and actions taken by the partners in the report's period to implement the "
        "recommendations of any local and national child safeguarding practice reviews"
    )
    assert copied_runs(f"The report should hold {wood_106}.")
    assert not copied_runs(f'The report should hold "{wood_106}".')
    assert not copied_runs("The partners agree what the report holds and say how they will judge it in a year.")


SEEDS = next((d for d in seed_index.SEED_DIRS if d.is_dir()), None)


@pytest.mark.skipif(SEEDS is None, reason="the source reports are not at ../shared/seeds; the committed index is used")
def test_the_committed_index_is_the_one_the_reports_give() -> None:
    assert SEEDS is not None
    index, hashes = seed_index.build(SEEDS)
    assert index == INDEX, "run: python scripts/seed_index.py"
    assert set(hashes) == SHINGLES, "run: python scripts/seed_index.py"
