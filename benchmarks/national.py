"""Build (once) the national-scale demo database that the benchmarks share: 160 areas, 3 cycles, 40 respondents."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from toolkit.core.catalogue import catalogue
from toolkit.store.db import make_engine, session_scope, upgrade
from toolkit.training.demo import load_demo

DEFAULT = Path("/tmp/toolkit-national.db")


def national_db(
    path: Path = DEFAULT, *, areas: int = 160, cycles: tuple[str, ...] = ("2024", "2025", "2026"), respondents: int = 40
) -> str:
    """The URL of a migrated SQLite database holding the national-scale demo (built if missing)."""
    url = f"sqlite:///{path}"
    marker = path.with_suffix(f".{areas}x{len(cycles)}x{respondents}.done")
    if marker.exists() and path.exists():
        return url
    for p in path.parent.glob(path.name + "*"):
        p.unlink()
    engine = make_engine(url)
    upgrade(engine)
    t = time.perf_counter()
    with session_scope(engine) as s:
        result = load_demo(areas=areas, cycles=cycles, respondents=respondents, session=s, catalogue=catalogue())
    print(f"built {path}: {result.rows:,} ratings in {time.perf_counter() - t:.1f} s")
    marker.touch()
    engine.dispose()
    return url


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--areas", type=int, default=160)
    print(national_db(areas=ap.parse_args().areas))
