"""Look-alike names: zero-width, bidirectional and control characters and line breaks in names and ids are refused
with the row and field (naming the character); names are stored in Unicode NFC, so "Zoë" typed two ways is one
name. The rules live in the one validator (capture.validate) and hold for files, forms and bundles alike.
"""

from __future__ import annotations

import json
import unicodedata

import pytest

from tests.bad_input.helpers import FIRST_BAD, db_state, good_rows, opm_items, row, to_csv
from toolkit.capture.ratings_import import RatingsFileError, import_ratings
from toolkit.reports.bundle_doc import BundleError
from toolkit.reports.bundle_in import import_bundle
from toolkit.reports.bundle_out import bundle_bytes
from toolkit.store.areas import check_name, delete_area, list_areas
from toolkit.store.db import session_scope
from toolkit.store.models import Respondent

ZWSP, ZWJ, RLO, LRI, BOM = "\u200b", "\u200d", "\u202e", "\u2066", "\ufeff"

CASES = [
    ("zero-width-in-area", {"area": f"North{ZWSP}shire"}, "area", "invisible character (U+200B ZERO WIDTH SPACE)"),
    ("joiner-in-cycle", {"cycle": f"20{ZWJ}26"}, "cycle", "invisible character (U+200D ZERO WIDTH JOINER)"),
    ("bom-in-respondent", {"respondent": f"n{BOM}9"}, "respondent", "invisible character (U+FEFF"),
    ("override-in-respondent", {"respondent": f"n{RLO}9"}, "respondent", "bidirectional control (U+202E"),
    ("isolate-in-area", {"area": f"Ash{LRI}by"}, "area", "bidirectional control (U+2066"),
    ("line-break-in-area", {"area": "Ashby\n# Injected"}, "area", "line break or tab (U+000A"),
    ("tab-in-cycle", {"cycle": "2026\tQ1"}, "cycle", "line break or tab (U+0009"),
    ("c1-control-in-area", {"area": "Ash\x85by"}, "area", "U+0085"),
    ("delete-in-respondent", {"respondent": "n\x7f9"}, "respondent", "control character (U+007F"),
    ("zero-width-in-agency-id", {"agency": f"police{ZWSP}"}, "agency", "invisible character (U+200B"),
    ("bidi-in-item-id", {"item": None}, "item", "bidirectional control (U+202E"),
]


@pytest.mark.parametrize(("change", "column", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_look_alike_name_or_id_is_refused_with_row_and_field(engine, catalogue, change, column, reason) -> None:
    item = opm_items(catalogue)[3]
    values = {"respondent": "n9", **change}
    if "item" in values:
        item = values.pop("item") or f"{item}{RLO}"
    bad = row(item, "3", **values)
    before = db_state(engine)
    with session_scope(engine) as s, pytest.raises(RatingsFileError) as caught:
        import_ratings(to_csv([*good_rows(catalogue), bad]), "names.csv", session=s, catalogue=catalogue)
    errors = caught.value.errors
    assert [(e.row, e.column) for e in errors] == [(FIRST_BAD, column)], [str(e) for e in errors]  # one, not two
    assert (reason in errors[0].reason and "remove it" in errors[0].reason) or "one line" in errors[0].reason
    assert f"row {FIRST_BAD}, column {column}" in str(caught.value)
    assert db_state(engine) == before


def test_names_are_stored_in_nfc_so_one_name_typed_two_ways_is_one_name(engine, catalogue) -> None:
    o = opm_items(catalogue)
    decomposed, composed = "Ynys Mo\u0302n", "Ynys M\u00f4n"
    assert decomposed != composed and unicodedata.normalize("NFC", decomposed) == composed
    rows = [
        row(o[0], "3", area=decomposed, respondent="Zoe\u0308"),
        row(o[1], "4", area=composed, respondent="Zo\u00eb"),
    ]
    with session_scope(engine) as s:
        result = import_ratings(to_csv(rows), "nfc.csv", session=s, catalogue=catalogue)
    assert "1 new respondents in 1 area-cycle" in result.summary()
    with session_scope(engine) as s:
        assert [a.area for a in list_areas(session=s)] == [composed]
        assert [r.pseudonym for r in s.query(Respondent)] == ["Zo\u00eb"]


def test_a_form_refuses_a_look_alike_name_and_stores_nfc() -> None:
    with pytest.raises(ValueError, match=r"the area name contains an invisible character \(U\+200B"):
        check_name(f"North{ZWSP}shire", "area")
    with pytest.raises(ValueError, match=r"the respondent name contains a bidirectional control \(U\+202E"):
        check_name(f"n{RLO}1", "respondent")
    assert check_name("Ynys Mo\u0302n", "area") == "Ynys M\u00f4n"


def test_a_bundle_refuses_a_look_alike_name_and_stores_nfc(engine, catalogue) -> None:
    with session_scope(engine) as s:
        import_ratings(to_csv(good_rows(catalogue)), "a.csv", session=s, catalogue=catalogue)
    with session_scope(engine) as s:
        doc = json.loads(bundle_bytes("Northshire", session=s))
        delete_area("Northshire", session=s)
    bad = json.loads(json.dumps(doc))
    bad["cycles"][0]["respondents"][0]["pseudonym"] = f"n{RLO}1"
    before = db_state(engine)
    with session_scope(engine) as s, pytest.raises(BundleError, match=r"respondent 'n\\u202e1' contains a bidir"):
        import_bundle(bad, session=s, catalogue=catalogue)
    assert db_state(engine) == before
    doc["area"]["name"] = "Ynys Mo\u0302n"
    with session_scope(engine) as s:
        import_bundle(doc, session=s, catalogue=catalogue)
    with session_scope(engine) as s:
        assert [a.area for a in list_areas(session=s)] == ["Ynys M\u00f4n"]
