"""Ratings files out (contracts section 4): an area's ratings as CSV, XLSX or JSON that import back to the same data."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.capture.validate import COLUMNS, TEXT_COLUMNS
from toolkit.core.text import neutralise
from toolkit.store.areas import find_area, resolve_cycle
from toolkit.store.models import Cycle, Rating, Respondent


def export_frame(area: str, cycle: str | None, *, session: Session) -> pd.DataFrame:
    """The area's ratings (one cycle or all) in the ratings-file columns, ordered for reading."""
    a = find_area(area, session=session)
    q = (
        select(
            Cycle.name,
            Respondent.pseudonym,
            Respondent.agency,
            Respondent.level,
            Rating.framework,
            Rating.item,
            Rating.score,
            Rating.comment,
        )
        .join(Respondent, Respondent.cycle_id == Cycle.id)
        .join(Rating, Rating.respondent_id == Respondent.id)
        .where(Cycle.area_id == a.id)
        .order_by(Cycle.name, Respondent.pseudonym, Rating.framework, Rating.id)
    )
    if cycle is not None:
        q = q.where(Cycle.id == resolve_cycle(area, cycle, session=session).cycle_id)
    df = pd.DataFrame(session.execute(q).all(), columns=COLUMNS[1:])
    df.insert(0, "area", a.name)
    df["score"] = df["score"].astype("Int64")
    return df


def write_export(df: pd.DataFrame, fmt: str, path: Path) -> None:
    """Write an export as CSV, XLSX or JSON; text cells are neutralised against formula injection."""
    safe = df.copy()
    for col in TEXT_COLUMNS:
        safe[col] = safe[col].map(neutralise)
    tmp = path.with_name(path.name + ".part")
    if fmt == "csv":
        # \r\n: the csv module quotes a cell holding a line terminator's character, so a bare \r is quoted too.
        safe.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\r\n")
    elif fmt == "xlsx":
        _write_xlsx(safe, tmp)
    elif fmt == "json":
        records = [{**r, "score": None if pd.isna(r["score"]) else int(r["score"])} for r in df.to_dict("records")]
        tmp.write_text(
            json.dumps({"columns": COLUMNS, "ratings": records}, ensure_ascii=False, indent=1), encoding="utf-8"
        )
    else:
        raise ValueError(f"unknown export format {fmt!r}; use csv, xlsx or json")
    tmp.replace(path)  # never leave a half-written export behind


def _write_xlsx(df: pd.DataFrame, path: Path) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("ratings")
    ws.append(COLUMNS)
    for row in df.itertuples(index=False):
        ws.append(
            [
                None
                if (isinstance(v, type(pd.NA)) or (isinstance(v, float) and pd.isna(v)))
                else (int(v) if c == "score" else v)
                for c, v in zip(COLUMNS, row, strict=True)
            ]
        )
    wb.save(path)


def export_bytes(df: pd.DataFrame, fmt: str) -> bytes:
    """An export as bytes, for downloads (same content as write_export)."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"export.{fmt}"
        write_export(df, fmt, path)
        return path.read_bytes()
