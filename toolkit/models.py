"""Every module that defines tables, imported so migrations and tests see the whole schema."""

from toolkit import auth, scrutiny, store, workshop  # noqa: F401
from toolkit.store import Base

metadata = Base.metadata
