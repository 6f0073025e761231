"""A participant's own answers, step by step, as their device lists them, each labelled on its statement's own scale."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from toolkit.core.frameworks import Catalogue
from toolkit.workshops.participants import steps_for
from toolkit.workshops.rooms import WorkshopInfo


@dataclass(frozen=True)
class MyAnswer:
    statement: str
    answer: str  # the scale point with its label, or the scale's don't-know label
    comment: str | None


@dataclass(frozen=True)
class MyStep:
    title: str
    answers: tuple[MyAnswer, ...]


def my_answers(
    w: WorkshopInfo, level: str, saved: Mapping[tuple[str, str], tuple[int | None, str | None]], cat: Catalogue
) -> list[MyStep]:
    """The steps with at least one saved answer, in the order they are rated; raw text (the page escapes it)."""
    out = []
    for step in steps_for(w, level, cat):
        rows = []
        for item in step.items:
            if (got := saved.get((step.framework, item.id))) is None:
                continue
            score, comment = got
            scale = cat.item_scale(step.framework, item.id)  # a 12 C's statement may have its own scale
            labels = {p.value: f"{p.value} {p.label}" for p in scale.points}
            answer = scale.dont_know_label if score is None else labels.get(score, str(score))
            rows.append(MyAnswer(item.text, answer, comment or None))
        if rows:
            out.append(MyStep(step.title, tuple(rows)))
    return out
