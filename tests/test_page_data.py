"""AppTest: the Data page imports a file (or lists every problem) and offers exports."""

from __future__ import annotations

from tests.pages import open_page, texts
from toolkit.store.areas import list_areas
from toolkit.store.db import session_scope


def _csv(catalogue, score: str) -> bytes:
    item = catalogue.opm.items[0].id
    return f"area,cycle,respondent,agency,level,framework,item,score,comment\nNorthshire,2026,r1,police,frontline,opm,{item},{score},\n".encode()


def test_a_good_file_imports_and_says_what_was_written(db_url, catalogue) -> None:
    at = open_page("app_pages/data.py")
    at.file_uploader(key="data_upload").set_value(("ok.csv", _csv(catalogue, "4"), "text/csv")).run()
    at.button(key="data_import").click().run()
    assert not at.exception
    assert "1 new ratings" in texts(at)
    with session_scope() as s:
        assert [a.area for a in list_areas(session=s)] == ["Northshire"]


def test_a_bad_file_lists_the_problem_and_writes_nothing(db_url, catalogue) -> None:
    at = open_page("app_pages/data.py")
    at.file_uploader(key="data_upload").set_value(("bad.csv", _csv(catalogue, "9"), "text/csv")).run()
    at.button(key="data_import").click().run()
    assert not at.exception
    assert "nothing was imported" in texts(at)
    table = at.dataframe[0].value
    assert list(table["row"]) == [2] and list(table["column"]) == ["score"]
    with session_scope() as s:
        assert list_areas(session=s) == []


def test_exports_are_offered_for_the_selected_area(db_url, catalogue) -> None:
    from toolkit.training.demo import load_demo

    load_demo(areas=1, catalogue=catalogue)
    at = open_page("app_pages/data.py", sel_area="Ashvale (fictional)", sel_cycle="2026")
    assert not at.exception
    assert "built when you click" in texts(at)
    assert len(at.get("download_button")) >= 3


def test_the_report_is_generated_with_a_progress_bar_and_offered(db_url, catalogue) -> None:
    from toolkit.training.demo import load_demo

    load_demo(areas=1, catalogue=catalogue)
    at = open_page("app_pages/data.py", timeout=120, sel_area="Ashvale (fictional)", sel_cycle="2026")
    at.button(key="data_report_go").click().run()
    assert not at.exception
    assert any("Ready to download" in str(p.proto.text) for p in at.get("progress"))
    keys = {b.proto.id for b in at.get("download_button")}
    assert any("data_dl_report" in k for k in keys) and any("data_dl_tables_xlsx" in k for k in keys)
    assert any("data_dl_bundle" in k for k in keys) and any("data_dl_graphml" in k for k in keys)
