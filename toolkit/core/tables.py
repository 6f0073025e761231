"""Any table out as CSV or XLSX, with every text cell neutralised against spreadsheet formulas."""

from __future__ import annotations

import io
import zipfile

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


def tables_xlsx(tables: dict[str, pd.DataFrame]) -> bytes:
    """Several tables as one workbook, a sheet each, every text cell neutralised against formulas."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        used: set[str] = set()
        for name, df in tables.items():
            sheet = "".join(ch for ch in name if ch not in "[]:*?/\\")[:31] or "table"
            k = 2
            while sheet in used:
                sheet = f"{sheet[:28]} {k}"
                k += 1
            used.add(sheet)
            safe_frame(df).to_excel(xl, index=False, sheet_name=sheet)
    return buf.getvalue()


def tables_csv_zip(tables: dict[str, pd.DataFrame]) -> bytes:
    """Several tables as a zip of CSV files, every text cell neutralised against formulas."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, df in tables.items():
            stem = "".join(ch if ch.isalnum() else "_" for ch in name).strip("_").lower()
            z.writestr(f"{stem}.csv", table_bytes(df, "csv"))
    return buf.getvalue()
