"""Index the five source reports so the framework tests can check citations and copying without the reports.

Run from the repository root when the reports are at ../shared/seeds (or pass their folder):

    python scripts/seed_index.py [SEEDS_DIR]

It writes two files, both committed:
- tests/fixtures/seed_index.json: per report, the labels a citation can name (numbered paragraphs, numbered
  sections, annexes, appendices, tables, figures, the 12 C's recommendations and the Wales themes) and, for
  reports without numbered paragraphs, a hash of each heading and of each paragraph's opening words (a citation
  names such a paragraph as: paragraph beginning "its first words"). No wording of the reports is stored.
- tests/fixtures/seed_shingles.bin: a sorted array of 32-bit hashes of every run of SHINGLE consecutive words of
  every report, so a test can find a text field that repeats a report's wording.
The test module imports the same normalising and hashing functions from here, so both sides agree.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INDEX = ROOT / "tests" / "fixtures" / "seed_index.json"
SHINGLES = ROOT / "tests" / "fixtures" / "seed_shingles.bin"
# ../shared/seeds beside the repository (a git worktree may sit one folder deeper)
SEED_DIRS = [ROOT.parent / "shared" / "seeds", ROOT.parent.parent / "shared" / "seeds"]
SHINGLE = 20  # words: a field may not repeat more than this many consecutive words of a source unless quoted

# Which report a seed file is, by a phrase near its start.
MARKERS = {
    "kantar2021": "KANTAR PUBLIC",
    "wood2021": "Wood Report",
    "wales2022": "Shaping the future of multi-agency safeguarding arrangements in Wales",
    "social_engine2021": "ENGINE",
    "ofsted": "Safeguarding children requires a multi-agency response",
}


def words(text: str) -> list[str]:
    """The words of a text, lower case, letters and digits only (quotes, dashes and markup dropped)."""
    text = text.replace("\u2019", "'").replace("'", "").lower()
    return re.findall(r"[a-z0-9]+", text)


def shingle_hash(ws: list[str]) -> int:
    return int.from_bytes(hashlib.blake2b(" ".join(ws).encode(), digest_size=4).digest(), "big")


def shingles(ws: list[str], n: int = SHINGLE) -> list[int]:
    return [shingle_hash(ws[i : i + n]) for i in range(len(ws) - n + 1)]


def heading_key(text: str) -> str:
    """A heading as a short hash of its words, so a citation's heading can be checked without storing it."""
    return hashlib.blake2b(" ".join(words(text)).encode(), digest_size=6).hexdigest()


OPENING = 5  # words: a paragraph of a report without numbered paragraphs is cited by at least its first five


def opening_key(text: str) -> str:
    """A paragraph's (or a cited opening's) first OPENING words as a short hash, so no wording is stored."""
    return heading_key(" ".join(words(text)[:OPENING]))


def which(text: str) -> str | None:
    head = text[:3000]
    return next((r for r, m in MARKERS.items() if m in head), None)


def _toc(line: str) -> bool:
    return bool(re.search(r"(\t|\.{3,})\s*\d+\s*$", line))  # a contents line: title, then a page number


def _bare(line: str) -> str:
    return re.sub(r"[#*_]", "", line).strip()


def labels(report: str, text: str) -> dict:
    lines = [ln for ln in text.split("\n") if not _toc(ln)]
    bare = [_bare(ln) for ln in lines]
    out: dict = {
        "tables": sorted({int(m) for b in bare for m in re.findall(r"^Table (\d+)\b", b)}),
        "figures": sorted({int(m) for b in bare for m in re.findall(r"^Figure (\d+)\b", b)}),
    }
    if report == "wood2021":
        out["paragraphs"] = sorted({int(m.group(1)) for b in bare if (m := re.match(r"^(\d{1,3})\. \S", b))})
        out["appendices"] = sorted({int(m.group(1)) for b in bare if (m := re.match(r"^Appendix (\d+)", b))})
        start = next(i for i, b in enumerate(bare) if b == "RECOMMENDATIONS")
        recs = [int(m.group(1)) for b in bare[start:] if (m := re.match(r"^(\d{1,2})\. \S", b))]
        out["recommendations"] = max(n for i, n in enumerate(recs) if n == i + 1)  # the numbered run 1..N
    if report == "kantar2021":
        annex, main, annexed = 0, set(), {}
        for b in bare:
            if m := re.match(r"^annex (\d+)\b", b, re.I):
                annex = int(m.group(1))
                annexed.setdefault(str(annex), [])
            elif m := re.match(r"^(\d+(?:\.\d+)+)\.? +[A-Z]", b):
                if annex:
                    annexed[str(annex)].append(m.group(1))
                else:
                    main.add(m.group(1))
            elif (m := re.match(r"^(\d+)\. +[A-Z]", b)) and not annex:
                main.add(m.group(1))
        out["sections"] = sorted(main)
        out["annexes"] = {k: sorted(set(v)) for k, v in annexed.items()}
        out["figure_2"] = figure_2(text)
    if report == "wales2022":
        secs, themes, cs, part, c, in_recs = set(), set(), {}, 0, None, False
        parts = ("Introduction", "Methodology", "Main Analysis", "Key findings", "References")
        for b in bare:
            if (m := re.match(r"^(\d)\. +([A-Z].*)$", b)) and m.group(2).startswith(parts):
                part = int(m.group(1))
                secs.add(m.group(1))
                c = None
                continue
            if part == 4 and (m := re.match(r"^(\d{1,2})\. +([A-Z][a-z].*)$", b)) and not b.endswith("?"):
                c = f"C{int(m.group(1))}"
                cs[c] = {"recommendation_points": 0}
                in_recs = False
            if m := re.match(r"^(\d+\.\d+)\.? +[A-Z]", b):
                (themes.add(m.group(1)) if part == 3 else secs.add(m.group(1)))
            if c and b.startswith("Recommendations"):
                in_recs = True
            elif c and in_recs and re.match(r"^(-|\d+\.|•)\s", b):
                # every point, sub-points too: the file numbers a C's recommendations by its own reading of the
                # list, so its numbers are bounded by the points, not equal to the top-level ones
                cs[c]["recommendation_points"] += 1
        out["sections"] = sorted(secs)
        out["themes"] = sorted(themes)
        out["cs"] = cs
    if report in ("ofsted", "social_engine2021"):
        # headings: short lines that are not sentences (a heading may end in a full stop), and the contents list
        toc = [re.sub(r"(\t|\.{3,})\s*\d+\s*$", "", _bare(ln)) for ln in text.split("\n") if _toc(ln)]
        short = [b for b in bare if b and len(b) < 120 and not b.endswith((":", ",")) and b.count(". ") == 0]
        out["headings"] = sorted({heading_key(b.rstrip(".")) for b in short + toc if words(b)})
        # paragraphs: a citation names one by its opening words (the report numbers none), kept as a hash of them
        out["openings"] = sorted({opening_key(b) for b in bare if len(words(b)) >= OPENING})
    return out


FIGURE_2_TIERS = {
    "inputs": "INPUTS",
    "outputs": "OUTPUTS",
    "intermediate_outcomes": "Intermediate",
    "ultimate_outcomes": "Ultimate",
}


def figure_2(text: str) -> dict[str, list[str]]:
    """Kantar's Figure 2, tier by tier, as the hashes of every run of up to 20 words in it (a box is one run)."""
    fig = text.split("Figure 2: Theory of Change", 1)[1].split("Annex 2: Methodology", 1)[0].replace("&", "and")
    cuts = [(fig.index(m), tier) for tier, m in FIGURE_2_TIERS.items()]
    out = {}
    for (start, tier), (end, _) in zip(sorted(cuts), [*sorted(cuts)[1:], (len(fig), "")], strict=True):
        ws = words(fig[start:end])
        out[tier] = sorted(
            {heading_key(" ".join(ws[i:j])) for i in range(len(ws)) for j in range(i + 1, min(i + 21, len(ws) + 1))}
        )
    return out


def build(seeds: Path) -> tuple[dict, list[int]]:
    index: dict = {"generated_by": "scripts/seed_index.py", "shingle_words": SHINGLE, "reports": {}}
    hashes: set[int] = set()
    for f in sorted(seeds.glob("*.txt")):
        text = f.read_text(encoding="utf-8")
        report = which(text)
        if report is None:
            continue
        index["reports"][report] = {"seed": f.name, **labels(report, text)}
        hashes |= set(shingles(words(text)))
    return index, sorted(hashes)


def main(argv: list[str]) -> int:
    seeds = Path(argv[1]) if len(argv) > 1 else next((d for d in SEED_DIRS if d.is_dir()), SEED_DIRS[0])
    if not seeds.is_dir():
        print(f"no reports at {seeds}: pass the folder that holds them", file=sys.stderr)
        return 2
    index, hashes = build(seeds)
    missing = set(MARKERS) - set(index["reports"])
    if missing:
        print(f"not found among the reports: {', '.join(sorted(missing))}", file=sys.stderr)
        return 2
    INDEX.parent.mkdir(parents=True, exist_ok=True)
    INDEX.write_text(json.dumps(index, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    SHINGLES.write_bytes(b"".join(h.to_bytes(4, "big") for h in hashes))
    print(f"wrote {INDEX.relative_to(ROOT)} ({len(index['reports'])} reports) and {len(hashes)} shingle hashes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
