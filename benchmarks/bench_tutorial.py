"""Tutorial's own Keras code (ported to Keras 3) against sklstm, interleaved in one process.

For each of the eleven setups: fit time of the tutorial's script (build, compile, ``model.fit`` at the
tutorial's epochs) and of the sklstm estimator with default settings, over several runs, and the
relative error of both predictions. Prints the median ratio raw Keras / sklstm, and each side's
convergence rate (within 2% of the ideal) over the seeds. sklstm keeps traced training loops in a
small pool, so repeated fits of one architecture skip tracing; the "cold" columns show the first fit
of each setup in the process (with tracing) against the same Keras median.

    python benchmarks/bench_tutorial.py --repeats 3            # all eleven
    python benchmarks/bench_tutorial.py --setup vanilla --repeats 5
"""

from __future__ import annotations

import argparse
import gc
import time

import numpy as np

from sklstm._tf import keras
from sklstm.tutorial import SETUPS, Setup, run_setup

L = keras.layers


def tutorial_model(setup: Setup, X: np.ndarray, y: np.ndarray) -> tuple[keras.Model, np.ndarray, np.ndarray]:
    """The tutorial's Sequential model and its reshaped X, y, for one setup."""
    n, steps, feats = X.shape
    out = 1 if y.ndim == 1 else y.shape[1]
    name = setup.name
    if name == "cnn-lstm":
        X = X.reshape(n, 2, steps // 2, feats)
        layers = [L.TimeDistributed(L.Conv1D(64, 1, activation="relu")), L.TimeDistributed(L.MaxPooling1D(2)),
                  L.TimeDistributed(L.Flatten()), L.LSTM(50, activation="relu"), L.Dense(1)]
    elif name == "convlstm":
        X = X.reshape(n, 2, 1, steps // 2, feats)
        layers = [L.ConvLSTM2D(64, (1, 2), activation="relu"), L.Flatten(), L.Dense(1)]
    elif name in ("encoder-decoder", "parallel-multi-step"):
        units = setup.params["units"]
        n_targets = out // 2
        y = y.reshape(n, 2, n_targets)
        layers = [L.LSTM(units, activation="relu"), L.RepeatVector(2),
                  L.LSTM(units, activation="relu", return_sequences=True), L.TimeDistributed(L.Dense(n_targets))]
    elif name == "bidirectional":
        layers = [L.Bidirectional(L.LSTM(50, activation="relu")), L.Dense(1)]
    elif setup.estimator == "StackedLSTMRegressor":
        units = setup.params["units"]
        layers = [L.LSTM(units, activation="relu", return_sequences=True), L.LSTM(units, activation="relu"), L.Dense(out)]
    else:
        layers = [L.LSTM(setup.params["units"], activation="relu"), L.Dense(out)]
    model = keras.Sequential([keras.Input(X.shape[1:]), *layers])
    model.compile(optimizer="adam", loss="mse")
    return model, X, y


def run_tutorial(setup: Setup, seed: int) -> dict:
    X, y = setup.windows()
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    keras.utils.set_random_seed(seed)
    start = time.perf_counter()
    model, Xr, yr = tutorial_model(setup, X, y)
    model.fit(Xr, yr, epochs=setup.params["epochs"], verbose=0)
    seconds = time.perf_counter() - start
    x = np.asarray(setup.x_input, dtype=float).reshape(1, *X.shape[1:])
    if Xr.ndim > 3:
        x = x.reshape(1, *Xr.shape[1:])
    pred = np.ravel(model.predict(x, verbose=0))
    ideal = np.asarray(setup.ideal, dtype=float)
    return {"prediction": pred, "error": float(np.max(np.abs(pred - ideal) / np.abs(ideal))), "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3, help="runs (seeds 0..N-1) per setup and side")
    parser.add_argument("--setup", action="append", help="only this setup (repeatable)")
    parser.add_argument("--convergence-seeds", type=int, default=0,
                        help="instead: sklstm alone over this many seeds, within-2%% counts per setup")
    args = parser.parse_args()
    if args.convergence_seeds:
        for setup in SETUPS:
            if args.setup and setup.name not in args.setup:
                continue
            errors = np.array([run_setup(setup, seed)["error"] for seed in range(args.convergence_seeds)])
            print(f"{setup.name:<24} within 2%: {(errors < 0.02).sum()}/{len(errors)}  "
                  f"median {100 * np.median(errors):.2f}%  max {100 * errors.max():.2f}%", flush=True)
        return
    print(f"{'setup':<24}{'epochs':>7}{'keras s':>9}{'sklstm s':>10}{'ratio':>8}{'cold s':>8}{'cold ratio':>11}"
          f"{'keras err%':>12}{'sklstm err%':>12}{'keras ok':>10}{'sklstm ok':>10}", flush=True)
    ratios, cold_ratios = [], []
    for setup in SETUPS:
        if args.setup and setup.name not in args.setup:
            continue
        k_runs, s_runs = [], []
        for seed in range(args.repeats):  # interleaved: keras, sklstm, keras, sklstm, ...
            gc.collect()  # both sides start from a collected heap (as timeit does)
            k_runs.append(run_tutorial(setup, seed))
            gc.collect()
            s_runs.append(run_setup(setup, random_state=seed))
        k_t = float(np.median([r["seconds"] for r in k_runs]))
        s_t = float(np.median([r["seconds"] for r in s_runs]))
        ratios.append(k_t / s_t)
        cold = s_runs[0]["seconds"]  # first fit of this architecture in the process: includes tracing
        cold_ratios.append(k_t / cold)
        k_err = [r["error"] for r in k_runs]
        s_err = [r["error"] for r in s_runs]
        print(f"{setup.name:<24}{setup.params['epochs']:>7}{k_t:>9.2f}{s_t:>10.2f}{k_t / s_t:>8.1f}"
              f"{cold:>8.2f}{k_t / cold:>11.1f}"
              f"{100 * np.median(k_err):>12.2f}{100 * np.median(s_err):>12.2f}"
              f"{sum(e < 0.02 for e in k_err):>7}/{len(k_err):<2}{sum(e < 0.02 for e in s_err):>7}/{len(s_err):<2}",
              flush=True)
    print(f"median ratio over setups: {np.median(ratios):.1f} (min {min(ratios):.1f}); "
          f"cold (first fit, with tracing): {np.median(cold_ratios):.1f} (min {min(cold_ratios):.1f})")


if __name__ == "__main__":
    main()
