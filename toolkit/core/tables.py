"""Any table out as CSV or XLSX, with every text cell neutralised against spreadsheet formulas."""

from __future__ import annotations

import io

import pandas as pd

from toolkit.core.text import neutralise


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot run as formulas in a spreadsheet."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: neutralise(v) if isinstance(v, str) else v)
    return out


def table_bytes(df: pd.DataFrame, fmt: str) -> bytes:
    """The table as CSV (UTF-8, CRLF like every CSV the toolkit writes) or XLSX bytes, neutralised."""
    safe = safe_frame(df)
    if fmt == "csv":
        return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8")
    if fmt == "xlsx":
        buf = io.BytesIO()
        with pd.ExcelWriter(buf, engine="openpyxl") as xl:
            safe.to_excel(xl, index=False)
        return buf.getvalue()
    raise ValueError(f"tables export as csv or xlsx, not {fmt!r}")
