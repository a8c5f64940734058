"""Cold-start cost of the command line against importing TensorFlow, in one run.

Each command runs in a fresh process, ``--repeats`` times, interleaved (one of each, then again):

- ``python -c "import tensorflow"``: the floor any TensorFlow program pays;
- ``python -c "import sklstm"`` and ``sklstm --help``: should import neither TensorFlow nor scikit-learn;
- ``sklstm forecast``: the main job, on the bundled airline series, with its 90% interval;
- ``sklstm forecast --model pretrained``: the same with the pretrained LSTM, zero-shot (no TensorFlow);
- ``sklstm forecast daily.csv --date-col day``: a generated 3-year daily series (1,096 rows,
  weekly and yearly seasonality plus noise).

Prints the median wall time of each and its ratio to the TensorFlow import::

    python benchmarks/bench_cli.py --repeats 3
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def daily_csv(path: Path) -> Path:
    """Three years of daily sales: trend, weekly and yearly seasonality, noise (seed 0)."""
    rng = np.random.default_rng(0)
    days = pd.date_range("2022-01-01", periods=1096, freq="D")
    t = np.arange(len(days))
    sales = (200 + 0.05 * t + 25 * np.sin(2 * np.pi * t / 7) + 40 * np.sin(2 * np.pi * t / 365.25)
             + rng.normal(0, 8, len(t)))
    pd.DataFrame({"day": days.strftime("%Y-%m-%d"), "sales": sales.round(1)}).to_csv(path, index=False)
    return path


def sklstm_command() -> list[str]:
    script = Path(sys.executable).with_name("sklstm")
    found = script if script.exists() else shutil.which("sklstm")
    return [str(found)] if found else [sys.executable, "-m", "sklstm.cli"]


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    cli = sklstm_command()
    with tempfile.TemporaryDirectory() as tmp:
        csv = daily_csv(Path(tmp) / "daily.csv")
        commands = {
            "import tensorflow": [sys.executable, "-c", "import tensorflow"],
            "import sklstm": [sys.executable, "-c", "import sklstm"],
            "sklstm --help": [*cli, "--help"],
            "sklstm forecast": [*cli, "forecast", "--verbose", "0"],
            "sklstm forecast --model pre": [*cli, "forecast", "--model", "pretrained", "--verbose", "0"],
            "sklstm forecast daily.csv": [*cli, "forecast", str(csv), "--date-col", "day", "--verbose", "0"],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.repeats):
            for name, command in commands.items():
                times[name].append(wall(command))
                print(f"{name:28s} {times[name][-1]:7.2f} s", file=sys.stderr)
    floor = statistics.median(times["import tensorflow"])
    print(f"{'command':28s} {'runs (s)':>26s} {'median s':>9s} {'/ TF import':>11s}")
    for name, values in times.items():
        runs = ", ".join(f"{v:.2f}" for v in values)
        median = statistics.median(values)
        print(f"{name:28s} {runs:>26s} {median:9.2f} {median / floor:11.2f}")
    forecast = statistics.median(times["sklstm forecast"]) / floor
    daily = statistics.median(times["sklstm forecast daily.csv"]) / floor
    print(f"\nsklstm forecast / import tensorflow: {forecast:.2f} (goal <= 3)")
    print(f"sklstm forecast daily.csv / import tensorflow: {daily:.2f} (goal <= 10)")
    print(f"import sklstm: {statistics.median(times['import sklstm']):.2f} s (goal <= 0.5 s)")


if __name__ == "__main__":
    main()
