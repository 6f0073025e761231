"""AppTest: the framework browser shows every framework's entries with their sources."""

from __future__ import annotations

import pytest

from tests.pages import open_page


@pytest.mark.parametrize(
    "fid", ["opm", "twelve_cs", "theory_of_change", "interventions", "apease", "implementation_guidance"]
)
def test_every_framework_browses_with_sources(fid) -> None:
    at = open_page("app_pages/frameworks.py", data_browse=fid)
    assert not at.exception
    assert at.dataframe, fid
    for df in (d.value for d in at.dataframe):
        assert "source" in df.columns or "why" in df.columns
        if "source" in df.columns:
            assert df["source"].str.len().min() > 5
