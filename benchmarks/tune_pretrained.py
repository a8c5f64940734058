"""Would other pretrained weights make a better ``"pretrained"`` member? Tried offline on tuning data only.

``bench_real.py --dump`` saves every member's forecasts from the held-out origins and of the test
stretch. This script recomputes the pretrained member's (zero-shot, per target column, the season the
member used) with other weights, combines them with the other members' saved forecasts by the default's
rule (inverse 4th power of the validation MASE), and prints, per set, the geometric-mean ratio to the
per-series best of seasonal naive, AutoETS, AutoARIMA and ridge, for the default and for the member
alone: with the shipped network, with each weights file given, and with all of them averaged (their
normalised outputs, as one network).

    python -m sklstm.pretrain --series 30000 --windows 150000 --epochs 30 --minutes 50 --seed 1 --out /tmp/s1.npz
    python benchmarks/bench_real.py --half tuning --skip rnn nf dated default --dump /tmp/v-tuning
    python benchmarks/tune_pretrained.py /tmp/v-tuning-tuning.pkl /tmp/v-large-large.pkl ... --weights /tmp/s1.npz
    python benchmarks/tune_pretrained.py ... --weights /tmp/s1.npz --extra   # as a second member instead

"shipped" is the member's network (``MEMBER_WEIGHTS``). With it the default's column reproduces the dump's
``no networks`` forecasts exactly.
Choose on tuning-only dumps only; a reported set's dump may only check a choice written down before it was run
(with several dumps the last column pools their series).
"""

from __future__ import annotations

import argparse
import pickle
import sys

import numpy as np

sys.path.insert(0, "benchmarks")
from tune_members import fold_mase, inverse_power  # noqa: E402

from sklstm.forecasting._pretrained import MEMBER_WEIGHTS, NumpyNetwork, forecast_from, load_pretrained, read_weights  # noqa: E402
from sklstm.forecasting._series import model_season, resolve_season  # noqa: E402


class Averaged:
    """Several networks as one: the mean of their normalised outputs."""

    def __init__(self, networks: list) -> None:
        self.networks = networks

    def predict_on_batch(self, inputs: dict) -> np.ndarray:
        return np.mean([n.predict_on_batch(inputs) for n in self.networks], axis=0)


def member_paths(network, y: np.ndarray, origins: np.ndarray, steps: int) -> np.ndarray:
    """The member's forecasts ``(len(origins), steps, n_targets)`` from each origin, as ``PretrainedMember`` makes them."""
    season = model_season(resolve_season("auto", None, y), "auto", None)
    season = season if season < len(y) else 1
    return np.stack([forecast_from(network, [y[:o, j] for o in origins], [season] * len(origins), steps)
                     for j in range(y.shape[1])], axis=-1)


def scores(runs: dict, network, seasons: dict, oracle_names: list, extra: bool = False) -> tuple[float, float, int]:
    """(default's ratio, member-alone ratio, number of series) to best-of-4 over one set, with ``network`` as the member (with
    ``extra``: as a second pretrained member beside the dump's, weighed like the others)."""
    name = "pretrained extra" if extra else "pretrained"
    default, alone = [], []
    for series, r in runs.items():
        oracle = min(np.mean(r[m]) for m in oracle_names if m in r)
        d, a = [], []
        for v, members, weights, (train, test) in zip(r["validation"], r["members"], r["member weights"], r["actual"]):
            train, test = train.reshape(len(train), -1), test.reshape(len(test), -1)
            tests = {n: np.asarray(t[2], dtype=float).reshape(len(test), -1) for n, t in members.items()}
            if "pretrained" in tests:
                tests[name] = member_paths(network, train, np.array([len(train)]), len(test))[0]
                a.append(fold_mase(test, tests[name], train, seasons[series]))
            if v is None:  # too short to hold anything out: the forecaster's own weights (the ridges alone)
                pred = sum(w * tests[n] for n, w in weights.items() if n in tests)
            else:
                paths = dict(v["paths"])
                steps, count = v["actual"].shape[1], v["actual"].shape[0]
                last = len(train) - steps
                if "pretrained" in paths:
                    paths[name] = member_paths(network, train, np.arange(last - count + 1, last + 1), steps)
                # a member that failed on the held-out origins has no path there and no weight (as in the forecaster)
                w = inverse_power({n: float(np.mean(np.abs(paths[n] - v["actual"]) / v["scale"]))
                                   for n in tests if n in paths}, 4)
                pred = sum(w[n] * tests[n] for n in w)
            d.append(fold_mase(test, pred, train, seasons[series]))
        default.append(np.log(np.mean(d) / oracle))
        if a:
            alone.append(np.log(np.mean(a) / oracle))
    return float(np.exp(np.mean(default))), float(np.exp(np.mean(alone))) if alone else float("nan"), len(default)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dump", nargs="+", help="tuning-only pickles of bench_real.py --dump (one set each)")
    parser.add_argument("--weights", nargs="*", default=[], help=".npz files written by python -m sklstm.pretrain")
    parser.add_argument("--extra", action="store_true",
                        help="add each network as a second pretrained member instead of replacing the member")
    args = parser.parse_args()
    import bench_real

    seasons = {c.name: c.season for loader in (bench_real.load_cases, *bench_real.OTHER_SETS.values())
               for c in loader()}
    networks = {"shipped": load_pretrained(MEMBER_WEIGHTS)}
    networks.update({path: NumpyNetwork(read_weights(path)[0]) for path in args.weights})
    if len(networks) > 1:
        networks["all averaged"] = Averaged(list(networks.values()))
    sets = {}
    for path in args.dump:
        with open(path, "rb") as fh:
            sets[path] = pickle.load(fh)
    print("ratio to best-of-4 (geometric mean) per set: the default / the pretrained member alone")
    print(f"{'network':28} " + " ".join(f"{p.rsplit('/', 1)[-1][:22]:>24}" for p in sets)
          + ("   all series pooled (default)" if len(sets) > 1 else ""))
    for label, network in networks.items():
        cells = [scores(runs, network, seasons, bench_real.ORACLE, extra=args.extra and label != "shipped")
                 for runs in sets.values()]
        pooled = np.exp(sum(n * np.log(d) for d, _, n in cells) / sum(n for _, _, n in cells))
        print(f"{label[-28:]:28} " + " ".join(f"{d:>13.4f} / {a:<8.4f}" for d, a, _ in cells)
              + (f"   {pooled:.4f} ({sum(n for _, _, n in cells)} series)" if len(sets) > 1 else ""), flush=True)


if __name__ == "__main__":
    main()
