"""A process for the kill tests to kill: `python -m tests.faults.kill_driver MODE DATABASE_URL WORKDIR [HOOK]`.

Modes:
  import           import WORKDIR/big.csv (all or nothing)
  workshop-bulk    one participant's every answer in one transaction (all or nothing)
  workshop-stream  answers one by one, each its own transaction, appending "framework item score" to WORKDIR/acks
                   once committed

In import mode the process writes WORKDIR/started just before the import begins (after the interpreter's start-up),
so that the tests time the import itself. With HOOK set, the process writes WORKDIR/ready from inside the open
transaction, after rows were written but before the commit, then sleeps: the test kills it exactly there. Without,
the test kills it at a random moment.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from toolkit import workshops as ws
from toolkit.capture import assessment
from toolkit.capture import ratings_import as ratings_io
from toolkit.core.catalogue import catalogue
from toolkit.store.db import engine_for, session_scope


def _pause_here(workdir: Path) -> None:
    (workdir / "ready").write_text(str(os.getpid()))
    time.sleep(600)  # killed long before this ends


def main(mode: str, url: str, workdir: Path, hook: bool) -> None:
    os.environ["DATABASE_URL"] = url  # for anything that reads the settings rather than the engine passed to it
    cat = catalogue()
    engine = engine_for(url)
    if mode == "import":
        if hook:  # after the first batch's rows are inserted, inside the transaction
            real = ratings_io.Writer.write

            def write_then_pause(self, *a, **kw):
                real(self, *a, **kw)
                self.session.flush()
                _pause_here(workdir)

            ratings_io.Writer.write = write_then_pause
        (workdir / "started").write_text(str(os.getpid()))
        with session_scope(engine) as s:
            ratings_io.import_ratings((workdir / "big.csv").read_bytes(), "big.csv", session=s, catalogue=cat)
        return
    code, pseudonym = (workdir / "who").read_text().split()
    with session_scope(engine) as s:
        w = ws.find_workshop(code, session=s)
        me = ws.find_participant(code, pseudonym, session=s)
        assert me is not None, f"no participant {pseudonym} in workshop {code}"
        level = me.level
    answers = [
        (st.framework, it.id, 1 + (k % 5)) for st in ws.steps_for(w, level, cat) for k, it in enumerate(st.items)
    ]
    if mode == "workshop-bulk":
        with session_scope(engine) as s:
            for k, (fw, item, score) in enumerate(answers):
                ws.submit(code, pseudonym, fw, item, score, session=s, cat=cat)
                if hook and k == len(answers) // 2:
                    s.flush()
                    _pause_here(workdir)
        return
    with open(workdir / "acks", "a", encoding="utf-8") as acks:
        for k, (fw, item, score) in enumerate(answers * 50):  # and then change them, over and over
            score = 1 + (score + k // len(answers)) % 5
            if hook and k == 0:  # the first answer writes the respondent row, then the rating: stop in between
                assessment.record_rating = lambda *a, **kw: (kw["session"].flush(), _pause_here(workdir))
            ws.answer(code, pseudonym, fw, item, score, engine=engine, cat=cat)
            acks.write(f"{fw} {item} {score}\n")
            acks.flush()
            os.fsync(acks.fileno())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], Path(sys.argv[3]), len(sys.argv) > 4 and sys.argv[4] == "hook")
