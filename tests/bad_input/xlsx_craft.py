"""Workbooks written part by part (the XML a spreadsheet program writes), so a test can hold what openpyxl never
writes: shared strings, a formula with its cached value, an error cell, a zip that decompresses to far more."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

# A cell: a str (a shared string), an int or float, None (empty), or ("f", formula, cached value or None),
# ("e", "#N/A") an error cell, ("raw", xml) exactly as given.
Cell = object

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "{sheets}"
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _cell(ref: str, value: Cell, strings: list[str]) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple) and value[0] == "f":
        cached = "" if value[2] is None else f"<v>{value[2]}</v>"
        return f'<c r="{ref}"><f>{escape(value[1])}</f>{cached}</c>'
    if isinstance(value, tuple) and value[0] == "e":
        return f'<c r="{ref}" t="e"><v>{value[1]}</v></c>'
    if isinstance(value, tuple) and value[0] == "raw":
        return str(value[1])
    if isinstance(value, str):
        strings.append(value)
        return f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def workbook(sheets: dict[str, list[list[Cell]]], *, extra: dict[str, bytes] | None = None) -> bytes:
    """An .xlsx with these sheets (name -> rows), every text a shared string; `extra` parts added as given."""
    strings: list[str] = []
    xml_sheets = []
    for rows in sheets.values():
        body = "".join(
            f'<row r="{r}">'
            + "".join(_cell(f"{get_column_letter(c)}{r}", v, strings) for c, v in enumerate(row, 1))
            + "</row>"
            for r, row in enumerate(rows, 1)
        )
        xml_sheets.append(
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>{body}</sheetData></worksheet>'
        )
    shared = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in strings)
        + "</sst>"
    )
    names = list(sheets)
    wb = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook {NS} xmlns:r="{REL}"><sheets>'
        + "".join(f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, 1))
        + "</sheets></workbook>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(names) + 1)
        )
        + f'<Relationship Id="rId{len(names) + 1}" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    )
    root = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    types = CONTENT_TYPES.format(
        sheets="".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{SHEET_TYPE}"/>'
            for i in range(1, len(names) + 1)
        )
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", root)
        z.writestr("xl/workbook.xml", wb)
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        z.writestr("xl/sharedStrings.xml", shared)
        for i, xml in enumerate(xml_sheets, 1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", xml)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()
