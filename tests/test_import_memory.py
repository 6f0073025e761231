"""Issue 15: an import streams, so its memory does not grow with the file. A 200,000-row CSV (about 18 MiB; held
whole it took 24 times its size) is imported in a child process, and the child's peak resident memory, read by a
launcher with resource.getrusage(RUSAGE_CHILDREN), stays under the bound a 1,000,000-row file must keep (300 MiB,
of which the toolkit's own imports take about 160). Memory only: how long it takes is benchmarks/import_bench.py's."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from toolkit.capture.validate import COLUMNS
from toolkit.core.ids import AGENCIES, LEVELS

ROOT = Path(__file__).resolve().parent.parent
ROWS, BOUND_MIB = 200_000, 300

IMPORT = """
import json, sys
from pathlib import Path
from sqlalchemy import func, select
from toolkit.capture.ratings_import import import_ratings
from toolkit.core.frameworks import load_catalogue
from toolkit.store.db import make_engine, session_scope, upgrade
from toolkit.store.models import Rating
engine = make_engine(sys.argv[1])
upgrade(engine)
path = Path(sys.argv[2])
with session_scope(engine) as s:
    result = import_ratings(path, path.name, session=s, catalogue=load_catalogue())
with session_scope(engine) as s:
    print(json.dumps({"inserted": result.inserted, "stored": s.scalar(select(func.count()).select_from(Rating))}))
"""

# Runs the import as its own child, so RUSAGE_CHILDREN holds that one process's peak and nothing of pytest's.
LAUNCH = """
import resource, subprocess, sys
out = subprocess.run([sys.executable, "-c", sys.argv[1], *sys.argv[2:]], check=True, capture_output=True, text=True)
print(out.stdout.strip().splitlines()[-1])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def write_ratings_csv(path: Path, catalogue, rows: int) -> None:
    items = [(fw.id, it.id) for fw in catalogue.rated for it in fw.items]
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        for i in range(rows):
            who, (fw, item) = i // len(items), items[i % len(items)]
            area, agency, level = f"Fictional {who // 40}", AGENCIES[who % 6], LEVELS[who % 3]
            w.writerow([area, "2026", f"r{who}", agency, level, fw, item, (i % 6) or "", "" if i % 50 else "example"])


def test_a_large_import_stays_within_its_memory_bound(tmp_path, catalogue) -> None:
    path = tmp_path / "large.csv"
    write_ratings_csv(path, catalogue, ROWS)
    url = f"sqlite:///{tmp_path / 'memory.db'}"
    out = subprocess.run(
        [sys.executable, "-c", LAUNCH, IMPORT, url, str(path)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)},
        timeout=1200,
    )
    result, peak_kib = out.stdout.strip().splitlines()
    assert json.loads(result) == {"inserted": ROWS, "stored": ROWS}
    peak = int(peak_kib) / 1024  # Linux reports KiB
    assert peak < BOUND_MIB, f"the import of {ROWS:,} rows peaked at {peak:.0f} MiB (bound {BOUND_MIB} MiB)"
