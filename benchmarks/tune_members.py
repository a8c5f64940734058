"""Choose how ``LSTMForecaster`` combines its members, on the tuning half of ``bench_real.py`` only.

Reads the per-fold member forecasts that ``bench_real.py --dump`` saved (each member's validation MASE
from ``fit`` and its test forecast) and scores every combination rule and member set on the same folds,
without refitting anything:

    python benchmarks/bench_real.py --half tuning --skip rnn dated default --dump /tmp/tune
    python benchmarks/tune_members.py /tmp/tune-tuning.pkl
    python benchmarks/tune_members.py /tmp/tune-tuning.pkl /tmp/covariates-tuning.pkl  # a rerun of some series
    python benchmarks/tune_members.py --sets /tmp/t-tuning.pkl /tmp/l-large.pkl /tmp/e-employment.pkl /tmp/p-pool.pkl

Prints, per rule and member set, the mean MASE over the tuning series and the geometric-mean ratio to
the per-series best of the peers (seasonal naive, AutoETS, AutoARIMA, ridge) in the same run. With
``--sets`` each dump is one tuning-only set: the rows are ranked by the ratio over all their series, with
each set's own ratio beside it (a rule should hold on every set, not only on the largest).
"""

from __future__ import annotations

import argparse
import itertools
import pickle

import numpy as np

from sklstm.forecasting._combination import COMBINATIONS, family_weights


def fold_mase(actual: np.ndarray, forecast: np.ndarray, train: np.ndarray, season: int) -> float:
    scale = np.mean(np.abs(train[season:] - train[:-season]), axis=0)
    return float(np.mean(np.mean(np.abs(actual - forecast), axis=0) / scale))


def inverse_power(scores: dict, power: float) -> dict:
    """Weights proportional to ``score**-power`` (``family_weights``' "inverse" rule at other powers)."""
    raw = {n: 1.0 / v**power for n, v in scores.items() if np.isfinite(v)}
    total = sum(raw.values())
    return {n: raw.get(n, 0.0) / total for n in scores}


def weights_for(scores: dict, rule: str) -> dict:
    if rule.startswith("inverse^"):
        return inverse_power(scores, float(rule.split("^")[1]))
    if rule == "top2":  # the "inverse" rule among the two best-validated members (tried 2026-12-07, not confirmed)
        best = sorted((n for n in scores if np.isfinite(scores[n])), key=scores.get)[:2]
        kept = family_weights({n: scores[n] for n in best}, "inverse")
        return {n: kept.get(n, 0.0) for n in scores}
    return family_weights(scores, rule)


def combined(results: dict, season: int, rule: str, names: tuple) -> float:
    scores = []
    for members, (train, test) in zip(results["members"], results["actual"]):
        use = {n: members[n] for n in names if n in members} or {"ridge": members["ridge"]}
        if rule == "median":  # the per-step median of the members (SCUM's rule, Petropoulos & Svetunkov 2020)
            forecast = np.median([use[n][2] for n in use], axis=0)
        else:
            weights = weights_for({n: v[0] for n, v in use.items()}, rule)
            forecast = sum(weights[n] * use[n][2] for n in use)
        scores.append(fold_mase(test, forecast, train, season))
    return float(np.mean(scores))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dump", nargs="+", help="the tuning half's pickles from bench_real.py --dump (a series in a "
                                               "later one replaces the same series in an earlier one)")
    parser.add_argument("--sets", action="store_true", help="each dump is one set: rank by the ratio over all "
                                                                "series, with each set's ratio beside it")
    args = parser.parse_args()
    runs, set_of = {}, {}
    for path in args.dump:
        with open(path, "rb") as fh:
            dumped = pickle.load(fh)
        runs.update(dumped)
        set_of.update(dict.fromkeys(dumped, path))
    import sys

    sys.path.insert(0, "benchmarks")
    from bench_real import ORACLE, load_cases, load_employment_cases, load_large_cases, load_pool_cases

    seasons = {c.name: c.season for c in load_cases()}
    if not set(runs) <= set(seasons):  # a dump of --half large, employment or pool
        seasons.update({c.name: c.season for c in load_large_cases() + load_employment_cases() + load_pool_cases()})
    # Every member the dump holds (``--members`` of the bench_real run), "pretrained" included when it ran.
    held = {n for r in runs.values() for folds in r["members"] for n in folds}
    all_members = tuple(n for n in ("ridge", "ets", "theta", "arima", "ces", "snaive", "pretrained") if n in held)
    sets = [s for k in range(1, len(all_members) + 1) for s in itertools.combinations(all_members, k)]
    rows = []
    oracle = {name: min(np.mean(r[m]) for m in ORACLE if m in r) for name, r in runs.items()}

    def ratio_of(per: dict, names: list) -> float:
        return float(np.exp(np.mean([np.log(per[n] / oracle[n]) for n in names])))

    groups = {path: [n for n in runs if set_of[n] == path] for path in args.dump} if args.sets else {}
    # The shipped rules ("inverse" is the 4th power since 2026-12-07, thirteenth session), the inverse rule among
    # the two best, and at other powers.
    for rule in [*COMBINATIONS, "top2", "median", "inverse^1", "inverse^2", "inverse^8"]:
        for names in sets:
            per = {name: combined(r, seasons[name], rule, names) for name, r in runs.items()}
            by_set = " ".join(f"{ratio_of(per, group):.3f}" for group in groups.values() if group)
            rows.append((float(np.mean(list(per.values()))), ratio_of(per, list(per)), rule, "+".join(names), by_set))
    peers = {m: float(np.mean([np.mean(r[m]) for r in runs.values()])) for m in ORACLE}
    print(f"tuning data: {len(runs)} series; peers' mean MASE: " + ", ".join(f"{k} {v:.3f}" for k, v in peers.items()))
    if args.sets:
        print("per set, in the order given: " + ", ".join(f"{p} ({len(g)})" for p, g in groups.items()))
        rows.sort(key=lambda row: row[1])
    else:
        rows.sort()
    print(f"{'mean MASE':>10} {'vs best-of-4':>13}  {'rule':10} {'members':32} {'per set' if args.sets else ''}")
    shipped = [row for row in rows if row[2] == "inverse" and row[3] == "+".join(all_members)]
    for mean, ratio, rule, names, by_set in rows[:25] + [row for row in shipped if row not in rows[:25]]:
        print(f"{mean:10.3f} {ratio:13.3f}  {rule:10} {names:32} {by_set}")
    if shipped:
        print(f"(the shipped rule and members, every member the dumps hold: rank {rows.index(shipped[0]) + 1} of {len(rows)})")


if __name__ == "__main__":
    main()
