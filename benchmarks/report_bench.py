"""Time the report of a demo area in each format on a fresh SQLite database (target: under 10 s each)."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from toolkit.analysis.config import Config
from toolkit.core.frameworks import load_catalogue
from toolkit.reports.content import build_report
from toolkit.reports.render import write_report
from toolkit.reports.statement import build_statement
from toolkit.store.db import engine_for, session_scope
from toolkit.training.demo import load_demo

AREA, CYCLE = "Ashvale (fictional)", "2026"


def main() -> None:
    """Load the demo, then build and write each format, printing the seconds each took."""
    cat = load_catalogue()
    with tempfile.TemporaryDirectory() as d:
        engine = engine_for(f"sqlite:///{Path(d) / 'bench.db'}")
        with session_scope(engine) as s:
            load_demo(areas=1, session=s, catalogue=cat)
        for fmt in ("pdf", "docx", "md"):
            start = time.perf_counter()
            with session_scope(engine) as s:
                report = build_report(AREA, CYCLE, session=s, cat=cat, cfg=Config())
            write_report(report, fmt, Path(d) / f"report.{fmt}")
            total = time.perf_counter() - start
            parts = ", ".join(f"{k} {v:.1f} s" for k, v in report.timings.items())
            print(f"{fmt:5} {total:5.1f} s  ({parts})")
        for fmt in ("pdf", "docx", "md"):  # the independent scrutineer's statement for the yearly report
            start = time.perf_counter()
            with session_scope(engine) as s:
                statement = build_statement(AREA, CYCLE, session=s, cat=cat, cfg=Config())
            write_report(statement, fmt, Path(d) / f"statement.{fmt}")
            print(f"statement {fmt:5} {time.perf_counter() - start:5.1f} s")
        engine.dispose()


if __name__ == "__main__":
    main()
