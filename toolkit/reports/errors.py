"""The one exception a report raises when it cannot be made: which part failed and why, in words (light to import)."""

from __future__ import annotations

REPORT_A_FAULT = (
    "Nothing in your data needs changing: send the area, the cycle and this message to whoever looks after the "
    "toolkit (set TOOLKIT_DEBUG=1 at the command line for the details they need)."
)


class ReportError(Exception):
    """A report (or one of its figures or formats) could not be made; the message names the part and the reason."""
