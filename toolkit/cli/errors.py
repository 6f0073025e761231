"""The one exception a command raises for a mistake the user can fix."""

from __future__ import annotations


class UserError(Exception):
    """A mistake the user can fix; printed without a traceback."""
