"""One area's comparison as a download: CSV (one table) or XLSX (comparison, peers' values, history)."""

from __future__ import annotations

import io

import pandas as pd

from toolkit.analysis.benchmark.measures import key_label
from toolkit.analysis.benchmark.view import View
from toolkit.core.frameworks import Catalogue
from toolkit.core.tables import safe_frame, table_bytes


def view_table(view: View, cat: Catalogue | None = None) -> pd.DataFrame:
    """The comparison as a table: one row per measure."""
    rows = [
        {
            "area": view.area,
            "cycle": view.cycle,
            "measure": key_label(k, cat),
            "key": k,
            "value": "suppressed" if m.suppressed else m.mean,
            "respondents": m.n,
            "percentile": m.percentile,
            "peer_areas": m.peer.areas if m.peer else None,
            "peer_q1": m.peer.q1 if m.peer else None,
            "peer_median": m.peer.median if m.peer else None,
            "peer_q3": m.peer.q3 if m.peer else None,
            "peers": view.peers_described,
        }
        for k, m in view.measures.items()
    ]
    return pd.DataFrame(rows)


def export_bytes(view: View, fmt: str, cat: Catalogue | None = None, hist: pd.DataFrame | None = None) -> bytes:
    """The comparison as CSV (one table) or XLSX (comparison, peers' values, history); text is formula-neutralised."""
    # Peers appear under the view's labels: anonymised unless it was made for someone who may see names.
    if fmt == "csv":
        return table_bytes(view_table(view, cat), "csv")
    if fmt != "xlsx":
        raise ValueError(f"unknown format {fmt!r}; use csv or xlsx")
    points = view.points.assign(measure=view.points["key"].map(lambda k: key_label(k, cat)))
    peers = points.loc[:, ["label", "measure", "key", "value"]].rename(columns={"label": "peer"})
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        safe_frame(view_table(view, cat)).to_excel(xw, sheet_name="comparison", index=False)
        safe_frame(peers).to_excel(xw, sheet_name="peers", index=False)
        if hist is not None and not hist.empty:
            measure = hist["key"].map(lambda k: key_label(k, cat))
            safe_frame(hist.assign(measure=measure)).to_excel(xw, sheet_name="over cycles", index=False)
    return buf.getvalue()
