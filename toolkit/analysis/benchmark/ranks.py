"""Percentile ranks among peer areas and the peers' quartiles, shown only where enough peer areas have a value."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

METHOD = (
    "Percentile rank: the share of peer areas scoring below this area, ties counting half (0-100). Quartiles of the "
    "peers' values (linear interpolation). Peer statistics need at least {min_peer} peer areas with a value; values "
    "over fewer than {min_n} respondents are suppressed. Overall is the mean of the four stage values."
)


def method(min_peer_areas: int, min_group_size: int) -> str:
    """How the benchmark's numbers are made, in words, with its thresholds."""
    return METHOD.format(min_peer=min_peer_areas, min_n=min_group_size)


def enough_peers(n_peers: np.ndarray | int, min_peer_areas: int) -> np.ndarray:
    """The peer-count rule: peer statistics are shown only over at least min_peer_areas peer areas."""
    return np.asarray(n_peers) >= min_peer_areas


@dataclass(frozen=True)
class RankStats:
    """Per measure (one entry per column): peers with a value, percentile rank, peer quartiles, enough peers."""

    n: np.ndarray
    pct: np.ndarray
    q1: np.ndarray
    median: np.ndarray
    q3: np.ndarray
    enough: np.ndarray


def rank_stats(v: np.ndarray, peers: np.ndarray, min_peer_areas: int) -> RankStats:
    """Percentile rank of v among the peer rows (one column per measure), and the peers' quartiles; NaN if too few."""
    have = ~np.isnan(peers)
    n_peer = have.sum(axis=0)
    with np.errstate(invalid="ignore"):
        below = (peers < v).sum(axis=0)
        equal = (peers == v).sum(axis=0)
    enough = enough_peers(n_peer, min_peer_areas)
    pct = np.where(enough & ~np.isnan(v), 100.0 * (below + 0.5 * equal) / np.maximum(n_peer, 1), np.nan)
    q = _quartiles(peers, n_peer)
    q[:, ~enough] = np.nan
    return RankStats(n=n_peer, pct=pct, q1=q[0], median=q[1], q3=q[2], enough=enough)


def _quartiles(m: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Quartiles (linear interpolation, as numpy's default) of each column of m over its n non-NaN values: (3, cols)."""
    out = np.full((3, m.shape[1]), np.nan)
    if m.shape[0] == 0:
        return out
    s = np.sort(m, axis=0)  # NaN sorts last
    cols = np.nonzero(n > 0)[0]
    for k, f in enumerate((0.25, 0.5, 0.75)):
        h = f * (n[cols] - 1)
        lo = np.floor(h).astype(int)
        hi = np.minimum(lo + 1, n[cols] - 1)
        a, b = s[lo, cols], s[hi, cols]
        out[k, cols] = a + (h - lo) * (b - a)
    return out
