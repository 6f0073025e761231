"""Reporting commands of the command line (analyse, suggest, benchmark, report)."""

from __future__ import annotations

from collections.abc import Callable


def register(add: Callable) -> None:
    """Add the reporting commands to the parser (filled in as the analysis lands)."""
