"""Evaluation of an intervention: a treatment group against a comparison group, in the two designs of issue 17.

1. After only, as Social Engine evaluated its DSL training for Warwickshire (REFERENCE): the groups compared after
   the intervention, with an interval, and balance checks on what is known of both groups.
2. Where a cycle before exists, difference in differences (toolkit.analysis.did), with a pre-trend check (the
   same comparison between the two cycles before) when a third cycle exists.
`evaluate --json` prints an `Evaluation`.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from toolkit.analysis.area import published_ratings
from toolkit.analysis.config import Config
from toolkit.analysis.did import difference_in_differences, group_selector, measure_scores
from toolkit.analysis.frames import col, rows, series
from toolkit.analysis.results import Did
from toolkit.analysis.scores import round2
from toolkit.analysis.stats import cluster_t_diff, welch_diff
from toolkit.core import ids
from toolkit.core.frameworks import Catalogue
from toolkit.core.schema import Citation
from toolkit.store.areas import find_area, previous_cycle, resolve_cycle

By = Literal["area", "agency", "level"]
# A standardised difference in a group's make-up beyond this is flagged: a common convention, not a cited figure.
BALANCE_FLAG = 0.1


class _M(BaseModel):
    model_config = ConfigDict(frozen=True)


class GroupSpec(_M):
    """A group chosen by area, agency or level: `area:Northshire,Westvale`, `agency:education`, `level:frontline`."""

    by: By
    values: list[str]

    @classmethod
    def parse(cls, text: str) -> GroupSpec:
        by, sep, rest = text.partition(":")
        values = [v.strip() for v in rest.split(",") if v.strip()]
        if not sep or by.strip() not in ("area", "agency", "level") or not values:
            raise ValueError(
                f"a group is 'area:NAME[,NAME...]', 'agency:ID[,ID...]' or 'level:ID[,ID...]', not {text!r}"
            )
        return cls(by=by.strip(), values=values)  # type: ignore[arg-type]  # checked just above

    def label(self) -> str:
        return f"{self.by} {', '.join(self.values)}"


class Reference(_M):
    """Social Engine's own figures for the after-only design, as their report gives them."""

    outcome: str
    n_treatment: int
    n_comparison: int
    mean_treatment: float
    mean_comparison: float
    difference: float
    ci_low: float
    ci_high: float
    test: str
    source: Citation


REFERENCE = Reference(
    outcome="average contacts to the MASH per school DSL (fewer is better)",
    n_treatment=165,
    n_comparison=984,
    mean_treatment=0.2,
    mean_comparison=0.57,
    difference=0.37,
    ci_low=0.18,
    ci_high=0.57,
    test="t test of the two groups after the training; balance tests on school size and free school meals",
    source=Citation(report="social_engine2021", section="Findings"),
)


class PostComparison(_M):
    """After only: the treatment group's mean less the comparison group's, with its 95% interval."""

    cycle: str
    n_treatment: int | None
    n_comparison: int | None
    mean_treatment: float | None
    mean_comparison: float | None
    difference: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    significant: bool = False
    unit: Literal["area", "respondent"] = "respondent"
    interval: str = ""
    reliable: bool = True
    note: str = ""


class BalanceRow(_M):
    """One thing known of both groups: a share of the group (level, agency) or its mean before (score_before)."""

    characteristic: Literal["level", "agency", "score_before"]
    value: str
    treatment: float | None
    comparison: float | None
    std_difference: float | None
    flagged: bool


class Evaluation(_M):
    """What `evaluate` returns: both designs where the cycles allow, balance, pre-trend and the caveats."""

    treatment: GroupSpec
    comparison: GroupSpec
    kind: str
    measure: str | None
    measure_label: str
    after: str
    before: str | None = None
    pre: str | None = None
    min_group_size: int
    post: PostComparison
    balance: list[BalanceRow]
    did: Did | None = None
    pre_trend: Did | None = None
    pre_trend_verdict: str = ""
    caveats: list[str]
    reference: Reference = REFERENCE


def measure_of(name: str | None) -> tuple[str, str | None, str]:
    """(kind, measure, label) for 'overall' (or None), a stage id or a C id."""
    if name in (None, "", "overall"):
        return "stage", None, "every answer (each respondent's mean)"
    if name in ids.STAGES:
        return "stage", name, ids.STAGE_NAMES[name]
    if name in ids.C_IDS:
        return "c", name, name
    raise ValueError(f"a measure is 'overall', a stage ({', '.join(ids.STAGES)}) or a C id, not {name!r}")


def _post(after: pd.DataFrame, cat: Catalogue, cfg: Config, t: GroupSpec, c: GroupSpec, kind: str, measure) -> dict:
    s = measure_scores(after, cat, kind, measure)
    st, sc = rows(s, group_selector(t.by, t.values)(s)), rows(s, group_selector(c.by, c.values)(s))
    nt, nc, min_n = len(st), len(sc), cfg.min_group_size
    out: dict = {
        "n_treatment": nt if nt >= min_n or nt == 0 else None,
        "n_comparison": nc if nc >= min_n or nc == 0 else None,
        "mean_treatment": round2(col(st, "score").mean()) if nt >= min_n else None,
        "mean_comparison": round2(col(sc, "score").mean()) if nc >= min_n else None,
    }
    if min(nt, nc) < min_n:
        return out | {"note": f"Each group needs at least {min_n} respondents in the cycle after."}
    if "area" in s and len(set(st["area"]) | set(sc["area"])) > 1:
        # areas are the units, as in difference in differences: each area's mean counts once
        mt, mc = series(st.groupby("area")["score"].mean()), series(sc.groupby("area")["score"].mean())
        d, lo, hi, df = cluster_t_diff(mt.to_numpy(), mc.to_numpy())
        g = len(mt) + len(mc)
        out |= {"unit": "area", "interval": f"t interval over areas ({df} degrees of freedom)"}
        if np.isnan(d):
            return out | {"reliable": False, "note": "An interval over areas needs at least three areas in all."}
        few = g < 10
        note = f"Only {g} areas in all: the interval is wide and indicative, not a verdict." if few else ""
        return out | {
            "difference": round2(d),
            "ci_low": round2(lo),
            "ci_high": round2(hi),
            "significant": bool(lo > 0 or hi < 0),
            "reliable": not few,
            "note": note,
        }
    d, lo, hi = welch_diff(col(st, "score").to_numpy(), col(sc, "score").to_numpy())
    return out | {
        "difference": round2(d),
        "ci_low": round2(lo),
        "ci_high": round2(hi),
        "significant": bool(lo > 0 or hi < 0),
        "interval": "Welch t interval over respondents (as Social Engine's t test)",
    }


def _std_diff(p: float, q: float) -> float:
    """Standardised difference of two shares."""
    v = (p * (1 - p) + q * (1 - q)) / 2
    return 0.0 if v == 0 else (p - q) / float(np.sqrt(v))


def balance(ratings: pd.DataFrame, cfg: Config, t: GroupSpec, c: GroupSpec) -> list[BalanceRow]:
    """The groups' make-up by level and by agency; a share over fewer than min_group_size people is not shown."""
    people = ratings.drop_duplicates(["area", "respondent"] if "area" in ratings else ["respondent"])
    gt = rows(people, group_selector(t.by, t.values)(people))
    gc = rows(people, group_selector(c.by, c.values)(people))
    out: list[BalanceRow] = []
    for by, values in (("level", ids.LEVELS), ("agency", ids.AGENCIES)):
        if by in (t.by, c.by):  # a group chosen by level differs by level by design
            continue
        for v in values:
            kt, kc = int((col(gt, by) == v).to_numpy().sum()), int((col(gc, by) == v).to_numpy().sum())
            if kt == 0 and kc == 0:
                continue
            # a share is shown only over enough people: a share of 1 of 20 is a count of one
            ok_t = len(gt) > 0 and (kt == 0 or kt >= cfg.min_group_size)
            ok_c = len(gc) > 0 and (kc == 0 or kc >= cfg.min_group_size)
            pt = kt / len(gt) if ok_t else None
            pc = kc / len(gc) if ok_c else None
            sd = _std_diff(pt, pc) if pt is not None and pc is not None else None
            out.append(
                BalanceRow(
                    characteristic=by,  # type: ignore[arg-type]  # "level" or "agency"
                    value=v,
                    treatment=round2(pt),
                    comparison=round2(pc),
                    std_difference=round2(sd),
                    flagged=sd is not None and abs(sd) > BALANCE_FLAG,
                )
            )
    return out


def _pre_verdict(p: Did | None, pre: str | None, before: str | None) -> str:
    if pre is None or p is None:
        return "No third cycle: the groups' trends before the intervention cannot be checked."
    if p.did is None:
        return f"The trends between {pre} and {before} could not be compared: {p.note}"
    if p.significant:
        return (
            f"The groups were already moving apart between {pre} and {before} ({p.did:+.2f}, 95% interval "
            f"{p.ci_low:.2f} to {p.ci_high:.2f}): the difference in differences may show that, not the intervention."
        )
    return (
        f"No clear difference in the groups' trends between {pre} and {before} ({p.did:+.2f}, interval "
        f"{p.ci_low:.2f} to {p.ci_high:.2f}, including zero); with few areas or people that is weak reassurance."
    )


def caveats(post: PostComparison, did: Did | None, *, fictional: bool) -> list[str]:
    """The limits of the comparison in plain words, Social Engine's own among them."""
    out = [
        "Self-selection: the treatment group took part (or was picked) for reasons that may also shape its "
        "answers, so it can differ from the comparison group in ways no balance check sees. Social Engine named "
        "this as the limit of its own comparison of trained and untrained DSLs.",
        "Other changes at the same time: anything else that reached one group in between is mixed into the result. "
        "Social Engine's example was a new county-wide DSL helpline during its trial; a change that reaches both "
        "groups alike cancels out in the difference in differences, one that reaches only one group does not.",
        "These are people's ratings of their partnership, not records of what they did (Social Engine counted "
        "calls to the MASH).",
    ]
    if did is None:
        out.insert(
            0,
            "After only: without a cycle before, a difference found after cannot be told from one that was there "
            "all along.",
        )
    note = did.note if did is not None else post.note  # the design that carries the result says its own limit
    if note:
        out.append(note)
    if fictional:
        out.append("The data are synthetic demo data: these figures show how the evaluation reads, nothing more.")
    return out


def evaluate_frames(
    after: pd.DataFrame,
    cat: Catalogue,
    cfg: Config,
    *,
    treatment: GroupSpec,
    comparison: GroupSpec,
    measure: str | None = None,
    cycles: tuple[str, str | None, str | None] = ("after", None, None),
    before: pd.DataFrame | None = None,
    pre: pd.DataFrame | None = None,
    fictional: bool = False,
) -> Evaluation:
    """Both designs from ratings tables (with `area` when they span areas); cycles names (after, before, pre)."""
    kind, m, label = measure_of(measure)
    everyone = pd.concat([x for x in (after, before, pre) if x is not None], ignore_index=True)
    key = ["area", "respondent"] if "area" in everyone else ["respondent"]
    people = everyone.drop_duplicates(key)
    both = group_selector(treatment.by, treatment.values)(people) & group_selector(comparison.by, comparison.values)(
        people
    )
    if bool(both.any()):
        raise ValueError(
            f"the groups overlap: {int(both.sum())} respondents are in both {treatment.label()} and "
            f"{comparison.label()}; choose groups that do not share people"
        )
    post = PostComparison(cycle=cycles[0], **_post(after, cat, cfg, treatment, comparison, kind, m))
    bal = balance(after, cfg, treatment, comparison)
    did = pre_trend = None
    ts, cs = group_selector(treatment.by, treatment.values), group_selector(comparison.by, comparison.values)
    if before is not None:
        did = difference_in_differences(before, after, cat, cfg, treated=ts, comparison=cs, kind=kind, measure=m)
        bt, bc = did.means["treat_before"], did.means["comp_before"]
        bal.append(
            BalanceRow(
                characteristic="score_before",
                value=cycles[1] or "before",
                treatment=bt,
                comparison=bc,
                std_difference=None,
                flagged=False,
            )
        )
        if pre is not None:
            pre_trend = difference_in_differences(
                pre, before, cat, cfg, treated=ts, comparison=cs, kind=kind, measure=m
            )
    return Evaluation(
        treatment=treatment,
        comparison=comparison,
        kind=kind,
        measure=m,
        measure_label=label,
        after=cycles[0],
        before=cycles[1] if before is not None else None,
        pre=cycles[2] if pre is not None else None,
        min_group_size=cfg.min_group_size,
        post=post,
        balance=bal,
        did=did,
        pre_trend=pre_trend,
        pre_trend_verdict=_pre_verdict(pre_trend, cycles[2], cycles[1]) if did is not None else "",
        caveats=caveats(post, did, fictional=fictional),
    )


def evaluate(
    *,
    areas: list[str],
    treatment: GroupSpec,
    comparison: GroupSpec,
    after: str,
    before: str | None,
    pre: str | None = None,
    measure: str | None = None,
    session: Session,
    cat: Catalogue,
    cfg: Config | None = None,
) -> Evaluation:
    """Load the named areas' cycles from the store (as their figures may count them) and evaluate.

    The caller authorises the signed-in account for every area in `areas` first. `pre` None: the cycle before
    `before` in every area, where each area has one.
    """
    cfg = cfg or Config.from_settings()
    if not areas:
        raise ValueError("name the areas the groups are in (groups by agency or level need --area)")

    def load(cycle: str) -> pd.DataFrame:
        frames = []
        for a in areas:
            ref = resolve_cycle(a, cycle, session=session)
            frames.append(published_ratings(ref, session=session, min_n=cfg.min_group_size).assign(area=a))
        return pd.concat(frames, ignore_index=True)

    if before is not None and pre is None:
        prevs = [previous_cycle(resolve_cycle(a, before, session=session), session=session) for a in areas]
        names = {p.cycle for p in prevs if p is not None}
        pre = names.pop() if len(names) == 1 and all(prevs) else None
    fictional = all(find_area(a, session=session).fictional for a in areas)
    return evaluate_frames(
        load(after),
        cat,
        cfg,
        treatment=treatment,
        comparison=comparison,
        measure=measure,
        cycles=(after, before, pre),
        before=load(before) if before is not None else None,
        pre=load(pre) if before is not None and pre is not None else None,
        fictional=fictional,
    )
