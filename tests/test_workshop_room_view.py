"""The room's view in the library: the appraisal table Arrow can draw, and a participant's honest progress."""

from __future__ import annotations

import pyarrow as pa

from toolkit import workshops as ws
from toolkit.store.plans import shortlist_add


def test_the_appraisal_table_has_one_type_per_column_when_a_count_is_hidden(session, catalogue) -> None:
    """Numbers beside 'fewer than 3' in one column made Arrow refuse the table on every dashboard refresh."""
    w = ws.create_workshop("Northshire", "2026", created_by="facil", session=session)
    people = [ws.join(w.code, "police", "strategic", session=session) for _ in range(4)]
    many, few = catalogue.interventions[0].id, catalogue.interventions[1].id
    for iv in (many, few):
        shortlist_add(w.ref, iv, session=session, cat=catalogue)
    ws.open_appraisal(w.code, True, session=session)
    for p in people:
        ws.submit_appraisal(w.code, p.pseudonym, many, "equity", 4, session=session, cat=catalogue)
    ws.submit_appraisal(w.code, people[0].pseudonym, few, "equity", 2, session=session, cat=catalogue)
    room = ws.room_appraisal(ws.find_workshop(w.code, session=session), session=session, min_n=3)
    table = ws.appraisal_table(room, catalogue, 3)
    assert table["Raters"].tolist() == ["4", "fewer than 3"]
    pa.Table.from_pandas(table)  # what st.dataframe does; raised ArrowTypeError on the 'Raters' column


def test_progress_counts_the_stored_answers_and_resumes_at_the_first_gap(session, catalogue) -> None:
    w = ws.create_workshop("Northshire", "2026", created_by="facil", session=session)
    p = ws.join(w.code, "health", "frontline", session=session)
    walk = ws.statements_for(w, p.level, catalogue)
    assert [s.index for s in walk] == list(range(len(walk)))
    for s in walk[:3] + walk[4:6]:  # the fourth skipped
        ws.submit(
            w.code, p.pseudonym, s.framework, s.item.id, None if s.index == 0 else 2, session=session, cat=catalogue
        )
    now = ws.answering(w, p.pseudonym, p.level, session=session, cat=catalogue)
    assert (now.progress.answered, now.progress.total) == (5, len(walk))  # don't know counts as answered
    assert now.progress.first_unanswered == 3
    assert now.progress.skipped[0].item.id == walk[3].item.id
    assert now.progress.line == f"5 of {len(walk)} statements answered"
