"""What every scrutiny record checks and says alike: the error, text limits, author names, counts in words."""

from __future__ import annotations

from toolkit.store.areas import clean_text

MAX_TEXT = 4000


class ScrutinyError(ValueError):
    """A scrutiny record that cannot be saved; the message says what to fix."""


def note_text(value: str, what: str, *, required: bool = True) -> str:
    """A note's text, cleaned and checked: not empty (when required) and at most MAX_TEXT characters."""
    value = clean_text(value).strip()  # no control characters: PostgreSQL refuses a NUL
    if required and not value:
        raise ScrutinyError(f"{what} is empty: write something.")
    if len(value) > MAX_TEXT:
        raise ScrutinyError(f"{what} is {len(value)} characters long; keep it to {MAX_TEXT}.")
    return value


def author(name: str) -> str:
    """Who wrote or signed a record, cleaned and cut to 100 characters."""
    return clean_text(name).strip()[:100]


def counted(k: int, word: str) -> str:
    """'1 note', '3 notes'."""
    return f"{k} {word}{'' if k == 1 else 's'}"
