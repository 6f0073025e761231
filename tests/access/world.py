"""A partnership world for access tests: seven areas with ratings, accounts with memberships, two workshops.

Northshire is area X and Southmoor area Y; five more areas make enough benchmark peers. A facilitator and a
scrutineer hold memberships for Northshire only, another facilitator for Southmoor only, a regional scrutineer
and an administrator for every area.
"""

from __future__ import annotations

from dataclasses import dataclass

from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1.element_tree import ButtonGroup

from tests.bad_input.helpers import opm_items, row, tcs_items, to_csv
from toolkit import workshops as ws
from toolkit.access.accounts import Identity, authenticate, create_user, start_session
from toolkit.access.memberships import grant
from toolkit.access.scope import OPERATOR, load
from toolkit.capture.ratings_import import import_ratings
from toolkit.store.db import session_scope

PW = "a long enough password"
X, Y = "Northshire", "Southmoor"
AREAS = [X, Y, "Eastcombe", "Westleigh", "Highfold", "Lowmarsh", "Ridgeway"]
# account -> (role, area or None for every area)
ACCOUNTS = {
    "facx": ("facilitator", X),
    "facy": ("facilitator", Y),
    "scrx": ("scrutineer", X),
    "regional": ("scrutineer", None),
    "admin": ("administrator", None),
}


@dataclass
class World:
    tokens: dict[str, str]
    workshops: dict[str, str]  # account -> the code of the workshop it runs

    def identity(self, name: str, *, engine) -> Identity:
        with session_scope(engine) as s:
            who = load(Identity(name, ACCOUNTS[name][0]), session=s)
        assert who is not None
        return who


def build(engine, cat) -> World:
    o, t = opm_items(cat), tcs_items(cat)
    items = [("opm", x) for x in o[:12]] + [("twelve_cs", x) for x in t[:6]]
    rows = [
        row(
            i,
            str(1 + (p + k + a) % 5),
            area=area,
            respondent=f"p{p}",
            agency=("police", "health", "local_authority")[p % 3],
            level=("strategic", "managerial", "frontline")[p // 3],
            framework=fw,
        )
        for a, area in enumerate(AREAS)
        for p in range(9)
        for k, (fw, i) in enumerate(items)
    ]
    tokens: dict[str, str] = {}
    with session_scope(engine) as s:
        import_ratings(to_csv(rows), "world.csv", session=s, catalogue=cat)
        for name, (role, area) in ACCOUNTS.items():
            create_user(name, PW, role, session=s, all_areas=area is None)
            if area is not None:
                grant(name, role, area, actor=OPERATOR, session=s)
            tokens[name] = start_session(authenticate(name, PW, session=s), session=s)
        codes = {
            name: ws.create_workshop(area, "2026", created_by=name, session=s, title=f"{name}'s room").code
            for name, area in (("facx", X), ("facy", Y))
        }
    return World(tokens, codes)


def forge(widget, value: str) -> None:
    """Make the next run send `value` for this selectbox, radio or segmented control whatever its options, as a
    crafted client can (a segmented control sends its choice as a list of option labels)."""
    as_list = isinstance(widget, ButtonGroup)

    class Forged(type(widget)):
        @property
        def _widget_state(self) -> WidgetState:
            state = WidgetState()
            state.id = self.id
            if as_list:
                state.string_array_value.data[:] = [value]
            else:
                state.string_value = value
            return state

    widget.__class__ = Forged
