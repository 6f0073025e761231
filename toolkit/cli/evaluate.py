"""`evaluate`: a treatment group against a comparison group, after only and (with a cycle before) difference in differences."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from toolkit.access.scope import authorise_named
from toolkit.cli import acting
from toolkit.cli.errors import UserError
from toolkit.core.catalogue import catalogue
from toolkit.store.db import session_scope


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def _areas(args: argparse.Namespace, specs: list) -> list[str]:
    """Every area the command reads: the groups' own areas and those named with --area, in the order given."""
    named = [a for s in specs if s.by == "area" for a in s.values] + list(args.area or [])
    return list(dict.fromkeys(named))


def cmd_evaluate(args: argparse.Namespace) -> None:
    # Heavy (scipy, through the statistics): imported by the command that uses it, so every other command starts fast.
    from toolkit.analysis.evaluation import GroupSpec, evaluate

    try:
        t, c = GroupSpec.parse(args.treatment), GroupSpec.parse(args.comparison)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    areas = _areas(args, [t, c])
    who = acting.identity(args)
    with session_scope() as s:
        for a in areas:
            authorise_named(who, "view_results", a, session=s)
        try:
            result = evaluate(
                areas=areas,
                treatment=t,
                comparison=c,
                after=args.after,
                before=args.before,
                pre=args.pre,
                measure=args.measure,
                session=s,
                cat=catalogue(),
            )
        except ValueError as exc:
            raise UserError(str(exc)) from None
    if args.json:
        json.dump(result.model_dump(mode="json"), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    p = result.post
    print(f"Treatment: {t.label()}; comparison: {c.label()}; measure: {result.measure_label}")
    print(
        f"\nAfter only ({p.cycle}): treatment {_f(p.mean_treatment)} (n={p.n_treatment if p.n_treatment is not None else '-'})"
    )
    print(f"  comparison {_f(p.mean_comparison)} (n={p.n_comparison if p.n_comparison is not None else '-'})")
    print(f"  difference {_f(p.difference)}, 95% interval {_f(p.ci_low)} to {_f(p.ci_high)}; {p.interval}")
    if result.did is not None:
        d = result.did
        print(
            f"\nDifference in differences ({result.before} -> {result.after}): {_f(d.did)}, 95% interval "
            f"{_f(d.ci_low)} to {_f(d.ci_high)}; {d.interval}"
        )
        print(f"  {result.pre_trend_verdict}")
    print("\nBalance (share of each group; flagged where the standardised difference exceeds 0.1):")
    for b in result.balance:
        flag = "  <- differs" if b.flagged else ""
        print(f"  {b.characteristic:12} {b.value:22} {_f(b.treatment):>6} {_f(b.comparison):>6}{flag}")
    print("\nCaveats:")
    for note in result.caveats:
        print(f"  - {note}")
    r = result.reference
    print(
        f"\nFor comparison, Social Engine's after-only evaluation: {r.n_treatment} treated against "
        f"{r.n_comparison}, {r.mean_treatment} against {r.mean_comparison} {r.outcome}, difference "
        f"{r.difference} (95% interval {r.ci_low} to {r.ci_high})."
    )


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    sp = add("evaluate", cmd_evaluate, "a treatment group against a comparison group, with intervals and balance")
    sp.add_argument("--treatment", required=True, help="area:NAME[,NAME], agency:ID[,ID] or level:ID[,ID]")
    sp.add_argument("--comparison", required=True, help="as --treatment; the groups must not share people")
    sp.add_argument("--after", required=True, help="the cycle after the intervention")
    sp.add_argument("--before", help="the cycle before it: adds difference in differences")
    sp.add_argument("--pre", help="the cycle before --before, for the pre-trend check (default: each area's previous)")
    sp.add_argument(
        "--area", action="append", help="an area the groups are in (repeat; needed for agency or level groups)"
    )
    sp.add_argument("--measure", default="overall", help="overall (default), a stage id or a C id")
    sp.add_argument("--json", action="store_true", help="print one JSON document")
    acting.add_arguments(sp)
