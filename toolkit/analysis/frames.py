"""Typed selections of pandas tables: the stubs type a masked frame or a grouped column's mean loosely."""

from __future__ import annotations

from typing import Any, cast

import pandas as pd


def rows(df: pd.DataFrame, mask: Any) -> pd.DataFrame:
    """The rows of df where mask (a boolean Series or array) holds."""
    return cast(pd.DataFrame, df[mask])


def col(df: pd.DataFrame, name: str) -> pd.Series:
    """One column of df as a Series."""
    return cast(pd.Series, df[name])


def series(x: Any) -> pd.Series:
    """A grouped aggregate that is a Series (the stubs allow a scalar too)."""
    return cast(pd.Series, x)


def frame(x: Any) -> pd.DataFrame:
    """A grouped aggregate or reset index that is a DataFrame."""
    return cast(pd.DataFrame, x)
