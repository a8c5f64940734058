"""How much of ``LSTMForecaster``'s lead over the best-of-4 oracle is the luck of one validation design? Tuning data only.

The forecaster weighs its members by their MASE on one held-out stretch at the end of the training series:
``n // 6`` forecast origins (at least the horizon), the members fitted before it. This script changes that
design on bench_real.py's tuning-only sets (the **tuning half**, the **large**, **employment** and **pool**
sets; never the confirmation half) and prints the mean MASE and the geometric-mean ratio to the per-series best
of seasonal naive, ridge, AutoETS and AutoARIMA, all computed in the same run, on bench_real's folds (3
rolling origins). The networks are off (``residual_weight=0``, as the default keeps them in no fit of
these sets), seed 0.

* ``--study span``: the held-out stretch holds ``n // d`` origins, for each ``d`` of ``--divisors``
  (the default is 6); the forecaster's validation plan is replaced for the run.
* ``--study cutoffs``: each member's validation MASE averaged over ``K`` cut-offs (the forecaster refitted on
  the training series cut ``0, n // 6, 2 * (n // 6)`` steps short, each validating on its own end), the
  members of the full fit combined with the shipped inverse rule or other inverse powers. ``--cutoffs 1``
  compares only the powers (no refits).

    python benchmarks/tune_validation.py --study span --half tuning --divisors 3 4 6 8 10
    python benchmarks/tune_validation.py --study cutoffs --half tuning large
    python benchmarks/tune_validation.py --study cutoffs --cutoffs 1 --half pool
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import warnings
from pathlib import Path
from unittest import mock

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

#: Cut-offs of the ``cutoffs`` study and the inverse powers its member scores are combined with (4: the default
#: since 2026-12-07, thirteenth session; 8 before).
CUTOFFS = (1, 2, 3)
POWERS = (4, 8, 12)


def cases(half: str) -> list:
    from bench_real import load_cases, load_employment_cases, load_large_cases, load_pool_cases, split_cases

    loaders = {"employment": load_employment_cases, "large": load_large_cases, "pool": load_pool_cases}
    return loaders[half]() if half in loaders else split_cases(load_cases())[half]


def plan_with(divisor: int):
    """The forecaster's validation plan with ``n // divisor`` origins (its own is ``n // 6``)."""

    def validation_plan(self, n: int):
        steps = min(self.settings.horizon, n // 6)
        if steps < 1:
            return None
        span = max(steps, n // divisor)
        return steps, np.arange(n - steps - span, n - steps + 1)

    return validation_plan


def peers(case, y_train, X_train, X_test) -> dict:
    """The four oracle peers' forecasts of one fold (bench_real's contenders)."""
    from bench_real import oracle_contenders, ridge_lags

    lags, h = ridge_lags(case, len(y_train)), case.horizon
    return {name: np.asarray(fn(case, y_train, X_train, X_test, h, lags), float).reshape(h, -1)
            for name, fn in oracle_contenders().items()}


def run_series(job: tuple) -> tuple:
    """Every fold of one series: the peers' MASE and the study's variants' MASE (or member scores and paths)."""
    study, half, name, divisors, cutoffs = job
    warnings.simplefilter("ignore")
    from bench_real import mase, member_forecasts

    from sklstm.forecasting import LSTMForecaster, RollingOriginSplit
    from sklstm.forecasting._configurations import Configurator

    case = next(c for c in cases(half) if c.name == name)
    y_all = case.y.to_numpy(float)
    X_all = None if case.X is None else case.X.to_numpy(float)
    h = case.horizon

    def fit(stop: int) -> LSTMForecaster:
        X = None if X_all is None else X_all[:stop]
        return LSTMForecaster(horizon=h, random_state=0, residual_weight=0.0).fit(y_all[:stop], X=X)

    folds = []
    for train, test in RollingOriginSplit(3, horizon=h).split(y_all):
        y_train, y_test = y_all[train], y_all[test]
        X_test = None if X_all is None else X_all[test]
        fold = {"train": y_train, "test": y_test, "peers": {
            k: mase(y_test, p, y_train, case.season)
            for k, p in peers(case, y_train, None if X_all is None else X_all[train], X_test).items()}}
        n = len(train)
        if study == "span":
            for d in divisors:
                with mock.patch.object(Configurator, "validation_plan", plan_with(d)):
                    pred = np.asarray(fit(n).predict(h, X=X_test), float).reshape(h, -1)
                fold[d] = mase(y_test, pred, y_train, case.season)
        else:
            full = fit(n)
            fold["paths"] = member_forecasts(full, X_all, h)
            fold["scores"] = [dict(full.selection_.member_scores)]
            for k in CUTOFFS[1:cutoffs]:
                try:
                    fold["scores"].append(dict(fit(n - (k - 1) * (n // 6)).selection_.member_scores))
                except ValueError:  # too short to validate there
                    fold["scores"].append(None)
        folds.append(fold)
    return half, name, case.season, folds


def combined_forecast(fold: dict, cutoffs: int, power: float) -> np.ndarray:
    """The full fit's members weighted by ``score**-power``, each score the mean over the first ``cutoffs`` cut-offs."""
    from tune_members import inverse_power

    held = [s for s in fold["scores"][:cutoffs] if s is not None]
    scores = {name: np.mean([s[name] for s in held if name in s]) for name in fold["paths"]}
    weights = inverse_power({n: v if v > 0 else np.nan for n, v in scores.items()}, power)
    return sum(weights[name] * fold["paths"][name] for name in weights)


def variants(study: str, divisors: list[int], fold: dict, season: int) -> dict:
    """Each variant's MASE on one fold."""
    from bench_real import mase

    if study == "span":
        return {f"n // {d}": fold[d] for d in divisors}
    ran = CUTOFFS[:len(fold["scores"])]  # the cut-offs this run refitted (``--cutoffs``)
    return {f"{k} cut-off{'s' if k > 1 else ''}, inverse^{p}": mase(
        fold["test"], combined_forecast(fold, k, p), fold["train"], season) for k in ran for p in POWERS}


def report(study: str, divisors: list[int], results: list) -> None:
    from bench_real import ORACLE

    for half in dict.fromkeys(r[0] for r in results):
        rows = [r for r in results if r[0] == half]
        table: dict = {}
        for _, _name, season, folds in rows:
            oracle = min(np.mean([f["peers"][p] for f in folds]) for p in ORACLE)
            per_fold = [{**variants(study, divisors, f, season), **{f"peer: {p}": f["peers"][p] for p in ORACLE}}
                        for f in folds]
            for v in per_fold[0]:
                table.setdefault(v, []).append((np.mean([m[v] for m in per_fold]), oracle))
        print(f"\n### {study}: {half} ({len(rows)} series)\n")
        print("| variant | mean MASE | vs best-of-4 |\n|---|---|---|")
        for v, pairs in table.items():
            mean = np.mean([m for m, _ in pairs])
            ratio = np.exp(np.mean([np.log(m / o) for m, o in pairs]))
            print(f"| {v} | {mean:.3f} | {ratio:.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", choices=["span", "cutoffs"], required=True)
    parser.add_argument("--half", nargs="+", choices=["tuning", "large", "employment", "pool"], default=["tuning"])
    parser.add_argument("--cutoffs", type=int, choices=CUTOFFS, default=len(CUTOFFS),
                        help="cutoffs study: up to this many cut-offs (1: the powers alone, no refits)")
    parser.add_argument("--divisors", nargs="+", type=int, default=[4, 6, 8])
    parser.add_argument("--series", nargs="*", help="only these series")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    jobs = [(args.study, half, c.name, args.divisors, args.cutoffs) for half in args.half for c in cases(half)
            if not args.series or c.name in args.series]
    results = []
    with multiprocessing.get_context("spawn").Pool(args.workers, maxtasksperchild=4) as pool:
        for out in pool.imap_unordered(run_series, jobs):
            results.append(out)
            print(f"  {out[0]} {out[1]} done ({len(results)}/{len(jobs)})", file=sys.stderr, flush=True)
    order = {(j[1], j[2]): i for i, j in enumerate(jobs)}
    report(args.study, args.divisors, sorted(results, key=lambda r: order[(r[0], r[1])]))


if __name__ == "__main__":
    main()
