"""Shared by the bad-input catalogue: a snapshot of every table, ratings-file builders and hostile text."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from toolkit.capture.validate import COLUMNS
from toolkit.store.models import metadata

AREA = "Northshire"

# Free text that must be shown as typed and never run: HTML and script, Markdown links and images (an image loads
# from anywhere: a tracking pixel), a spreadsheet formula, SQL.
SCRIPT = "<script>alert('x')</script>"
IMG_TAG = '<img src=x onerror="alert(1)">'
MD_LINK = "[click me](https://evil.example/phish)"
MD_IMAGE = "![t](https://evil.example/pixel.png)"
FORMULA = '=HYPERLINK("https://evil.example","open")'
SQL = "x'); DROP TABLE ratings; --"


def db_state(engine) -> dict[str, list[str]]:
    """Every row of every table (by a fresh connection), as text: equal before and after means nothing was written."""
    with engine.connect() as c:
        return {t.name: sorted(repr(tuple(r)) for r in c.execute(t.select())) for t in metadata.sorted_tables}


def row(
    item: str,
    score: str = "3",
    *,
    area: str = AREA,
    cycle: str = "2026",
    respondent: str = "n1",
    agency: str = "police",
    level: str = "frontline",
    framework: str = "opm",
    comment: str = "",
) -> list[str]:
    return [area, cycle, respondent, agency, level, framework, item, score, comment]


def to_csv(rows: list[list[str]], header: list[str] = COLUMNS, *, encoding: str = "utf-8", sep: str = ",") -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n", delimiter=sep)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


def to_xlsx(rows: list[list[object]], header: list[str] = COLUMNS, *, first_sheet_empty: bool = False) -> bytes:
    wb = Workbook()
    ws = wb.active
    if first_sheet_empty:
        ws.title = "notes"
        ws = wb.create_sheet("ratings")
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def opm_items(cat) -> list[str]:
    return [it.id for it in cat.get("opm").items]


def tcs_items(cat) -> list[str]:
    return [it.id for it in cat.get("twelve_cs").items]


def good_rows(cat) -> list[list[str]]:
    """Valid rows (file rows 2-4) a bad file carries too: they must not be written either."""
    o = opm_items(cat)
    return [
        row(o[0], "4", respondent="n1"),
        row(o[1], "", respondent="n1", comment="don't know"),
        row(tcs_items(cat)[0], "2", respondent="n2", framework="twelve_cs", agency="health", level="strategic"),
    ]


FIRST_BAD = 5  # header row 1, three good rows: the first bad row is row 5
