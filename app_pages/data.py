"""Data: import a ratings file with a clear report of what was wrong, and export an area's ratings."""

import pandas as pd
import streamlit as st

from toolkit.analysis.config import Config
from toolkit.capture.validate import COLUMNS
from toolkit.core.tables import tables_csv_zip, tables_xlsx
from toolkit.core.text import md_text
from toolkit.reports.blocks import report_tables
from toolkit.reports.content import build_report
from toolkit.reports.errors import ReportError
from toolkit.reports.render import MIME, render, slug
from toolkit.reports.toc_files import toc_graphml, toc_mermaid, toc_png, toc_svg
from ui import data_actions as actions
from ui.auth import gate, may
from ui.cached import analysis
from ui.resources import catalogue, db
from ui.scope import may_in
from ui.widgets import area_cycle_picker, keep_offered

st.title("Import and export")
gate("view_results", what="import and export")
can_import, can_export_raw = may("import_ratings"), may("export_raw")  # raw data holds every comment
st.subheader("Import ratings")
if not can_import:
    st.caption("Your account cannot import ratings: facilitators and administrators can.")
st.write(
    "A CSV or Excel file in long format, one row per rating, with the columns "
    + ", ".join(f"`{c}`" for c in COLUMNS)
    + ". A blank score means don't know. If any row is wrong nothing is imported, and every problem is listed."
)
st.file_uploader("Ratings file", type=["csv", "xlsx"], key="data_upload", disabled=not can_import)
st.button("Import", on_click=actions.import_upload, type="primary", key="data_import", disabled=not can_import)
if res := st.session_state.pop("data_result", None):
    if res[0] == "ok":
        st.success(md_text(res[1]))
    elif res[0] == "denied":
        st.error(md_text(res[1]))
    else:
        exc = res[1]
        st.error(f"{md_text(exc.file)}: nothing was imported. {len(exc.errors)} problem(s) to fix:")
        st.dataframe(
            pd.DataFrame(
                [{"row": e.row or "", "column": e.column, "value": e.value, "problem": e.reason} for e in exc.errors]
            ),
            hide_index=True,
            width="stretch",
        )

st.subheader("Export ratings")
area, cycle = area_cycle_picker(action="view_results")
can_export_raw = can_export_raw and may_in("export_raw", area)  # only the areas the account is a member of
if area and not can_export_raw:
    st.caption(
        "Your account cannot export the raw ratings (they hold every comment); the report below has the results."
    )
if area and can_export_raw:
    whole = st.checkbox("Every cycle of this area", key="data_all_cycles")
    chosen = None if whole else cycle

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
            lambda fmt=fmt, a=area, c=chosen: actions.export_ratings(a, c, fmt),
            file_name=f"{stem}.{fmt}",
            mime=mime,
            key=f"data_dl_{fmt}",
            on_click="ignore",
        )

MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
st.subheader("Report")
st.write(
    "The partnership's report of one cycle: summary, method and respondents, the journey priority, charts, the "
    "Theory of Change, assumptions, interventions and their appraisal, the action plan, change and sources. "
    "Word files can be edited; Markdown comes as a zip with its figures."
)
if area and cycle:
    labels = {"pdf": "PDF", "docx": "Word (.docx)", "md": "Markdown (.zip)"}
    fmt = st.segmented_control(
        "Format",
        keep_offered("data_report_fmt", list(labels), "pdf"),
        format_func=lambda f: labels[f],
        key="data_report_fmt",
        required=True,
    )
    fmt = fmt or "pdf"  # required=True: never None, though the stubs allow it
    if st.button("Generate the report", key="data_report_go", type="primary", icon=":material/description:"):
        bar = st.progress(0.0, text="Starting")
        try:
            with db() as s:
                built = build_report(
                    area,
                    cycle,
                    session=s,
                    cat=catalogue(),
                    cfg=Config.from_settings(),
                    progress=lambda f, text: bar.progress(f, text=text),
                )
            st.session_state["data_report"] = {
                "area": area,
                "cycle": cycle,
                "fmt": fmt,
                "data": render(built, fmt),
                "tables": report_tables(built),
            }
            bar.progress(1.0, text="Ready to download")
        except ReportError as exc:
            bar.empty()
            st.error(f"The report could not be made: {md_text(exc)}", icon=":material/error:")
    made = st.session_state["data_report"]
    if made and (made["area"], made["cycle"]) == (area, cycle):
        name = f"{slug(area)}_{slug(cycle)}"
        c1, c2, c3 = st.columns(3)
        c1.download_button(
            f"Download the report ({labels[made['fmt']]})",
            made["data"],
            key="data_dl_report",
            file_name=f"{name}.{'zip' if made['fmt'] == 'md' else made['fmt']}",
            mime=MIME[made["fmt"]],
            on_click="ignore",
        )
        c2.download_button(
            "Every table (XLSX)",
            lambda t=made["tables"]: tables_xlsx(t),
            file_name=f"{name}_tables.xlsx",
            mime=MIME_XLSX,
            key="data_dl_tables_xlsx",
            on_click="ignore",
        )
        c3.download_button(
            "Every table (CSV, zipped)",
            lambda t=made["tables"]: tables_csv_zip(t),
            file_name=f"{name}_tables.zip",
            mime="application/zip",
            key="data_dl_tables_csv",
            on_click="ignore",
        )

st.subheader("Whole area and Theory of Change")
if area and cycle:
    st.caption(
        "The bundle holds everything stored about the area, every cycle, and imports into another database "
        "(use Import above, or `python -m toolkit import FILE`)."
    )

    toc = analysis(area, cycle).toc
    stem = f"{slug(area)}_{slug(cycle)}_theory_of_change"
    c1, c2, c3, c4, c5 = st.columns(5)
    c1.download_button(
        "Area bundle (JSON)",
        (lambda a=area: actions.export_bundle(a)) if can_export_raw else b"",
        file_name=f"{slug(area)}_bundle.json",
        mime="application/json",
        key="data_dl_bundle",
        disabled=not can_export_raw,
        on_click="ignore",
    )
    c2.download_button(
        "ToC GraphML",
        lambda: toc_graphml(toc),
        file_name=f"{stem}.graphml",
        mime="application/xml",
        key="data_dl_graphml",
        on_click="ignore",
    )
    c3.download_button(
        "ToC Mermaid",
        lambda: toc_mermaid(toc),
        file_name=f"{stem}.mmd",
        mime="text/plain",
        key="data_dl_mermaid",
        on_click="ignore",
    )
    c4.download_button(
        "ToC SVG",
        lambda: toc_svg(toc),
        file_name=f"{stem}.svg",
        mime="image/svg+xml",
        key="data_dl_svg",
        on_click="ignore",
    )
    c5.download_button(
        "ToC PNG", lambda: toc_png(toc), file_name=f"{stem}.png", mime="image/png", key="data_dl_png", on_click="ignore"
    )
