"""What a ratings file can get wrong across its batches (a file is checked a batch at a time, so the validator's
table rules see one batch): a rating given twice, a respondent whose agency or level differs between rows.

Memory: a respondent is held once (their agency, level and first row); a rating as two 64-bit numbers (its key
and its row), 16 bytes, so a 1,000,000-row file needs 16 MB here, not the file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.capture.validate import RowError, Rules

# Where a row is, as one number: its sheet's index in the high bits, its row number in the low 32.
SHEET_SHIFT = 32


class Across:
    """The state of a file's earlier batches, and the check of the next batch against it."""

    def __init__(self, rules: Rules):
        pairs = [(fw, item) for fw, items in rules.items.items() for item in sorted(items)]
        self.item_index = {p: i for i, p in enumerate(pairs)}
        self.n_items = max(len(pairs), 1)
        # area-cycle -> respondent -> (index, agency, level, where)
        self.people: dict[tuple[str, str], dict[str, tuple[int, str, str, int]]] = {}
        self.first_row: dict[tuple[str, str], int] = {}  # area-cycle -> where its first row is
        self.sheets: list[str] = []
        self._count = 0
        self._keys = np.empty(0, dtype=np.int64)  # sorted
        self._wheres = np.empty(0, dtype=np.int64)

    def where(self, sheet: str, row: int) -> int:
        if sheet not in self.sheets:
            self.sheets.append(sheet)
        return (self.sheets.index(sheet) << SHEET_SHIFT) | row

    def place(self, where: int, sheet: str) -> str:
        """A row as a message names it (its sheet too, when it is on another sheet)."""
        name, row = self.sheets[where >> SHEET_SHIFT], where & ((1 << SHEET_SHIFT) - 1)
        return f"row {row}" if name == sheet else f"sheet {name!r} row {row}"

    def check(self, df: pd.DataFrame, sheet: str, bad_rows: set[int]) -> list[RowError]:
        """Errors of this batch against the earlier ones, then the batch joins them. `df` is the validator's typed
        table (names in NFC); rows in `bad_rows` already have an error of their own and are not keys."""
        errors: list[RowError] = []
        base = self.where(sheet, 0)
        rows = df.index.to_numpy(dtype=np.int64)
        who = ["area", "cycle", "respondent"]
        codes = df.groupby(who, sort=False).ngroup().to_numpy()  # each row's respondent, numbered in this batch
        firsts = df.reset_index(drop=True).drop_duplicates(who)  # (in the same order as the numbers)
        n = len(firsts)
        index = np.full(n, -1, dtype=np.int64)
        earlier = np.zeros(n, dtype=bool)  # first seen in an earlier batch (within a batch, the validator compares)
        known_agency, known_level, known_where = [""] * n, [""] * n, [0] * n
        start = self._count
        for g, (pos, a, c, p, agency, level) in enumerate(
            zip(
                firsts.index,
                firsts["area"],
                firsts["cycle"],
                firsts["respondent"],
                firsts["agency"],
                firsts["level"],
                strict=True,
            )
        ):
            group = self.people.get((a, c))
            if group is None:
                group = self.people[(a, c)] = {}
                self.first_row[(a, c)] = base | int(rows[pos])
            known = group.get(p)
            if known is None:
                if int(rows[pos]) in bad_rows:
                    continue
                known = group[p] = (self._count, agency, level, base | int(rows[pos]))
                self._count += 1
            index[g] = known[0]
            earlier[g] = known[0] < start
            known_agency[g], known_level[g], known_where[g] = known[1], known[2], known[3]
        if earlier.any():
            for col, known_values in (("agency", known_agency), ("level", known_level)):
                values = df[col].to_numpy(dtype=object)
                differs = earlier[codes] & (values != np.array(known_values, dtype=object)[codes])
                for i in np.flatnonzero(differs).tolist():
                    g = int(codes[i])
                    reason = f"differs from this respondent's {col} {known_values[g]!r} at {self.place(known_where[g], sheet)}"
                    errors.append(RowError(int(rows[i]), col, str(values[i]), reason, sheet))
        index = index[codes]
        items = np.fromiter(
            (self.item_index.get(k, -1) for k in zip(df["framework"].tolist(), df["item"].tolist(), strict=True)),
            dtype=np.int64,
            count=len(df),
        )
        ok = (index >= 0) & (items >= 0)
        if bad_rows:
            ok &= ~np.isin(rows, np.fromiter(bad_rows, dtype=np.int64, count=len(bad_rows)))
        keys, wheres = index[ok] * self.n_items + items[ok], base | rows[ok]
        if len(self._keys):
            at = np.searchsorted(self._keys, keys).clip(max=len(self._keys) - 1)
            seen = self._keys[at] == keys
            for row, first in zip(rows[ok][seen].tolist(), self._wheres[at][seen].tolist(), strict=True):
                item = str(df.at[row, "item"])
                reason = f"is rated twice by this respondent (first at {self.place(first, sheet)})"
                errors.append(RowError(row, "item", item, reason, sheet))
            keys, wheres = keys[~seen], wheres[~seen]
        keys, first = np.unique(keys, return_index=True)  # (a twice-rated pair within a batch: the validator's)
        merged = np.concatenate([self._keys, keys])
        order = np.argsort(merged, kind="stable")  # two sorted runs: merged in linear time
        self._keys, self._wheres = merged[order], np.concatenate([self._wheres, wheres[first]])[order]
        return errors
