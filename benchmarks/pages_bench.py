"""Each page's rerun time with AppTest on the national-scale demo, beside a minimal Streamlit page in the same run.

Run: .venv/bin/python benchmarks/pages_bench.py [--areas 160] [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.national import national_db  # noqa: E402

PAGES = {
    "start": ("app_pages/start.py", {}),
    "context": ("app_pages/context.py", {}),
    "self-assessment": ("app_pages/assess.py", {}),
    "results": ("app_pages/results.py", {}),
    "theory of change": ("app_pages/theory_of_change.py", {"toc_node": "int_information_sharing"}),
    "interventions": ("app_pages/interventions.py", {}),
    "action plan": ("app_pages/action_plan.py", {}),
    "import and export": ("app_pages/data.py", {}),
    "frameworks": ("app_pages/frameworks.py", {}),
}
MINIMAL = 'import streamlit as st\nst.title("Minimal")\nst.write("hello")\n'


def rerun_times(at, runs: int) -> list[float]:
    """Seconds per rerun after the first (warm caches, as a user clicking around sees)."""
    at.run()
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        at.run()
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--areas", type=int, default=160)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    os.environ["DATABASE_URL"] = national_db(areas=args.areas)
    from streamlit.testing.v1 import AppTest

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "minimal.py"
        path.write_text(MINIMAL)
        base = statistics.median(rerun_times(AppTest.from_file(str(path), default_timeout=120), args.runs))
    print(f"{'page':20} {'median ms':>10} {'max ms':>8} {'x minimal':>10} {'elements':>9}")
    print(f"{'(minimal page)':20} {base * 1000:10.1f} {'':>8} {1.0:10.1f}")
    area = "Ashvale (fictional)"
    for name, (page, extra) in PAGES.items():
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.session_state["sel_area"] = area
        at.session_state["sel_cycle"] = "2026"
        for k, v in extra.items():
            at.session_state[k] = v
        at.run()
        at.switch_page(page)
        at.run()
        if at.exception:
            raise SystemExit(f"{name}: the page raised {at.exception[0].value}")
        elements = len(list(at.main))
        times = rerun_times(at, args.runs)
        med = statistics.median(times)
        print(f"{name:20} {med * 1000:10.1f} {max(times) * 1000:8.1f} {med / base:10.1f} {elements:9d}")


if __name__ == "__main__":
    main()
