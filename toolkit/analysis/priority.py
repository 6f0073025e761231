"""The journey priority: the first stage of the partnership journey where it stalls, with a reason to read."""

from __future__ import annotations

from toolkit.analysis.config import Config
from toolkit.analysis.results import Cell, ItemStat, PriorityDetail
from toolkit.core import ids


def _lows(cells: dict[str, Cell], t: float) -> list[tuple[str, float, int | None]]:
    """The levels shown below the threshold, weakest first."""
    return sorted(
        ((lv, c.mean, c.n) for lv, c in cells.items() if c.mean is not None and c.mean < t), key=lambda x: x[1]
    )


def journey_priority(
    by_stage: dict[str, Cell], by_stage_level: dict[str, dict[str, Cell]], items: list[ItemStat], cfg: Config
) -> tuple[str | None, str, PriorityDetail | None]:
    """The earliest stage below the threshold overall or at any level, else the weakest; with a reason to read."""
    means = {s: m for s in ids.STAGES if s in by_stage and (m := by_stage[s].mean) is not None}
    scored = list(means)
    if not scored:
        return None, "Not enough ratings of the four stages yet to name a priority.", None
    t = cfg.priority_threshold
    chosen, why = None, ""
    for stage in scored:
        if means[stage] < t or _lows(by_stage_level.get(stage, {}), t):
            chosen = stage
            break
    if chosen is None:
        chosen = min(scored, key=lambda s: means[s])
        why = f"No stage is below {t:g} overall or at any level, so the weakest stage comes first. "
    name = ids.STAGE_NAMES[chosen]
    cells = by_stage_level.get(chosen, {})
    shown = [(lv, c.mean, c.n) for lv, c in cells.items() if c.mean is not None]
    low = _lows(cells, t)
    if low:
        worst = low[0]
        best = max(shown, key=lambda x: x[1])
        head = f"{name}: {worst[0]} {worst[1]:.1f} (n={worst[2]})"
        if best[0] != worst[0]:
            head += f" against {best[0]} {best[1]:.1f} (n={best[2]})"
    else:
        head = f"{name}: {means[chosen]:.1f} overall (n={by_stage[chosen].n})"
    rated = [(i, i.mean) for i in items if i.stage == chosen and i.mean is not None]
    weakest = [i for i, _ in sorted(rated, key=lambda x: x[1])[:3]]
    if weakest:
        head += "; weakest items: " + "; ".join(f"'{i.text}' {i.mean:.1f}" for i in weakest)
    earlier = list(ids.STAGES[: ids.STAGES.index(chosen)])
    if earlier and not why:
        sound = [ids.STAGE_NAMES[s] for s in earlier if s in scored]
        why = (
            (
                f"{' and '.join(sound)} {'is' if len(sound) == 1 else 'are'} at or above {t:g} at every level, so "
                f"{name} is the first stage where the journey stalls. "
            )
            if sound
            else ""
        )
    elif not earlier and not why:
        why = f"{name} is the first stage of the journey: work after it rests on it. "
    detail = PriorityDetail(stage=chosen, threshold=t, weakest_items=[i.item for i in weakest])
    return chosen, f"{head}. {why}".strip(), detail
