"""Data: import a ratings file with a clear report of what was wrong, and export an area's ratings."""

import pandas as pd
import streamlit as st

from toolkit.ratings_io import COLUMNS, RatingsFileError, export_bytes, export_frame, import_ratings
from ui.resources import catalogue, db
from ui.widgets import area_cycle_picker


def _import() -> None:
    up = st.session_state.get("data_upload")
    if up is None:
        return
    try:
        with db() as s:
            result = import_ratings(up.getvalue(), up.name, session=s, catalogue=catalogue())
        st.session_state["data_result"] = ("ok", result.summary())
    except RatingsFileError as exc:
        st.session_state["data_result"] = ("error", exc)


st.title("Import and export")
st.subheader("Import ratings")
st.write("A CSV or Excel file in long format, one row per rating, with the columns " + ", ".join(f"`{c}`" for c in COLUMNS) +
         ". A blank score means don't know. If any row is wrong nothing is imported, and every problem is listed.")  # fmt: skip
st.file_uploader("Ratings file", type=["csv", "xlsx"], key="data_upload")
st.button("Import", on_click=_import, type="primary", key="data_import")
if res := st.session_state.pop("data_result", None):
    if res[0] == "ok":
        st.success(res[1])
    else:
        exc = res[1]
        st.error(f"{exc.file}: nothing was imported. {len(exc.errors)} problem(s) to fix:")
        st.dataframe(pd.DataFrame([{"row": e.row or "", "column": e.column, "value": e.value, "problem": e.reason} for e in exc.errors]),
                     hide_index=True, width="stretch")  # fmt: skip

st.subheader("Export ratings")
area, cycle = area_cycle_picker()
if area:
    whole = st.checkbox("Every cycle of this area", key="data_all_cycles")
    chosen = None if whole else cycle

    def _export(fmt: str, area: str = area, chosen: str | None = chosen) -> bytes:
        with db() as s:
            return export_bytes(export_frame(area, chosen, session=s), fmt)

    st.caption(
        "Text that a spreadsheet would run as a formula is prefixed with an apostrophe. The file is built when you click."
    )
    stem = f"{area}-{'all' if whole else cycle}".replace(" ", "_").replace("(", "").replace(")", "")
    c1, c2, c3 = st.columns(3)
    for col, fmt, mime in (
        (c1, "csv", "text/csv"),
        (c2, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (c3, "json", "application/json"),
    ):
        col.download_button(
            f"Download {fmt.upper()}",
            lambda fmt=fmt: _export(fmt),
            file_name=f"{stem}.{fmt}",
            mime=mime,
            key=f"data_dl_{fmt}",
        )
