"""The declarative base every table shares, and the small column defaults they use."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import DeclarativeBase

MAX_NAME = 40  # a participant's display name, as shown to the room


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass
