"""How should ``LSTMForecaster`` score its members on the held-out end? Tried offline on tuning data only.

The default weighs each member by the inverse 4th power of its validation MASE: the mean absolute scaled
error over every forecast origin and step of the held-out end. This script re-scores the members' own
validation forecasts (``bench_real.py --dump`` saves them since 2026-12-07) with other rules, combines
the members' test forecasts with the weights each rule gives, and prints the mean MASE and the
geometric-mean ratio to the per-series best of seasonal naive, AutoETS, AutoARIMA and ridge, per set:

    python benchmarks/bench_real.py --half tuning --skip rnn nf dated default --dump /tmp/v-tuning
    python benchmarks/tune_scoring.py /tmp/v-tuning-tuning.pkl /tmp/v-large-large.pkl ...

Rules (each gives a score per member; weights are inverse powers of it unless said):
  ``mean^p``       the default's score (mean MASE), inverse p-th power;
  ``median^p``     the median over origins of each origin's MASE (robust to one bad origin);
  ``recent^p``     origins weighted by a half-life of a third of the stretch (recent ones count more);
  ``rmsse^p``      root mean squared scaled error (inverse squares of it: Bates and Granger's weights);
  ``step^p``       one score per step ahead (test step j weighted by validation step j, the last for later ones);
  ``wins``         the share of origins each member forecasts best (plus one win for each, smoothing);
  ``stack-a``      non-negative least squares weights on the validation forecasts, summing to 1, shrunk
                   by ``a`` toward the default's weights.
Nothing here is chosen on a reported set: the confirmation, fresh and unseen halves are not read.
"""

from __future__ import annotations

import argparse
import pickle
import sys

import numpy as np

sys.path.insert(0, "benchmarks")
from tune_members import fold_mase, inverse_power  # noqa: E402


def _normalise(raw: dict) -> dict:
    total = sum(raw.values())
    return {n: v / total for n, v in raw.items()}


def origin_errors(v: dict) -> dict:
    """Per member, the scaled absolute errors ``(n_origins, steps, n_targets)``."""
    return {n: np.abs(p - v["actual"]) / v["scale"] for n, p in v["paths"].items()}


def stack_weights(v: dict, names: list) -> dict:
    """Non-negative least squares weights summing to 1 on the validation forecasts (scaled)."""
    from scipy.optimize import nnls

    target = (v["actual"] / v["scale"]).ravel()
    design = np.stack([(v["paths"][n] / v["scale"]).ravel() for n in names], axis=1)
    # Sum-to-one through a heavily weighted extra row.
    big = 1e3 * max(1.0, float(np.abs(design).max()))
    w, _ = nnls(np.vstack([design, big * np.ones(len(names))]), np.append(target, big))
    w = np.maximum(w, 0)
    return _normalise(dict(zip(names, w if w.sum() > 0 else np.ones(len(names)))))


def forecast(rule: str, v: dict, tests: dict, horizon: int) -> np.ndarray:
    """The combined test forecast ``(horizon, n_targets)`` under ``rule``."""
    names = [n for n in v["paths"] if n in tests]
    errors = {n: e for n, e in origin_errors(v).items() if n in names}
    kind, _, arg = rule.partition("^") if "^" in rule else rule.partition("-")
    if kind == "step":
        power = float(arg)
        steps = errors[names[0]].shape[1]
        out = np.zeros_like(tests[names[0]])
        for j in range(horizon):
            k = min(j, steps - 1)
            w = inverse_power({n: float(np.mean(errors[n][:, k])) for n in names}, power)
            out[j] = sum(w[n] * tests[n][j] for n in names)
        return out
    if kind == "mean":
        w = inverse_power({n: float(np.mean(errors[n])) for n in names}, float(arg))
    elif kind == "median":
        w = inverse_power({n: float(np.median(np.mean(errors[n], axis=(1, 2)))) for n in names}, float(arg))
    elif kind == "recent":
        o = errors[names[0]].shape[0]
        decay = 0.5 ** ((o - 1 - np.arange(o)) / max(1.0, o / 3))
        w = inverse_power({n: float(np.average(np.mean(errors[n], axis=(1, 2)), weights=decay)) for n in names}, float(arg))
    elif kind == "rmsse":
        w = inverse_power({n: float(np.sqrt(np.mean(errors[n] ** 2))) for n in names}, float(arg))
    elif kind == "wins":
        per = np.stack([np.mean(errors[n], axis=(1, 2)) for n in names])  # (members, origins)
        best = np.argmin(per, axis=0)
        w = _normalise({n: 1.0 + float(np.sum(best == i)) for i, n in enumerate(names)})
    elif kind == "stack":
        a = float(arg)
        s, d = stack_weights(v, names), inverse_power({n: float(np.mean(errors[n])) for n in names}, 4)
        w = {n: (1 - a) * s[n] + a * d[n] for n in names}
    else:
        raise ValueError(rule)
    return sum(w[n] * tests[n] for n in names)


RULES = ["mean^4", "mean^2", "mean^8", "median^4", "median^8", "recent^4", "recent^8", "rmsse^2", "rmsse^4",
         "rmsse^8", "step^4", "step^8", "wins", "stack-0", "stack-0.5", "stack-0.8"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dump", nargs="+", help="tuning-only pickles of bench_real.py --dump (one set each)")
    parser.add_argument("--rules", nargs="*", default=RULES)
    args = parser.parse_args()
    from bench_real import ORACLE, load_cases, load_employment_cases, load_large_cases, load_pool_cases

    cases = load_cases() + load_large_cases() + load_employment_cases() + load_pool_cases()
    seasons = {c.name: c.season for c in cases}
    sets = {}
    for path in args.dump:
        with open(path, "rb") as fh:
            sets[path] = pickle.load(fh)
    table = {}
    for path, runs in sets.items():
        oracle = {name: min(np.mean(r[m]) for m in ORACLE if m in r) for name, r in runs.items()}
        for rule in args.rules:
            per = {}
            for name, r in runs.items():
                scores = []
                for v, members, weights, (train, test) in zip(r["validation"], r["members"], r["member weights"],
                                                              r["actual"]):
                    tests = {n: np.asarray(t[2], dtype=float).reshape(len(test), -1) for n, t in members.items()}
                    if v is None:  # too short to hold anything out: the forecaster's own weights (the ridges alone)
                        pred = sum(w * tests[n] for n, w in weights.items() if n in tests)
                    else:
                        pred = forecast(rule, v, tests, len(test))
                    scores.append(fold_mase(test.reshape(len(test), -1), pred, train.reshape(len(train), -1),
                                            seasons[name]))
                per[name] = float(np.mean(scores))
            logs = [np.log(per[n] / oracle[n]) for n in per]
            table[(rule, path)] = (float(np.mean(list(per.values()))), float(np.exp(np.mean(logs))), logs)
    print("ratio to best-of-4 (geometric mean) per set, then over every series; mean MASE in brackets")
    print(f"{'rule':12} " + " ".join(f"{p.rsplit('/', 1)[-1][:18]:>24}" for p in sets) + f" {'all':>8}")
    for rule in args.rules:
        cells = [table[(rule, p)] for p in sets]
        every = float(np.exp(np.mean([x for c in cells for x in c[2]])))
        print(f"{rule:12} " + " ".join(f"{c[1]:>14.3f} ({c[0]:7.3f})" for c in cells) + f" {every:8.3f}")


if __name__ == "__main__":
    main()
