"""The tutorial's eleven setups, reproduced through sklstm.

Each :class:`Setup` records the tutorial's data, window, architecture,
epochs, the input it forecasts from, the ideal answer and what the
tutorial's own code printed. :func:`run_setup` fits the sklstm estimator and
:func:`tutorial_table` prints all eleven (``sklstm tutorial``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .preprocessing._windows import make_windows

__all__ = ["Setup", "SETUPS", "tutorial_data", "run_setup", "tutorial_table"]


def tutorial_data(multivariate: bool = False) -> np.ndarray:
    """``[10, 20, ..., 90]``, or the three columns ``in1, in2, in1 + in2``."""
    in1 = np.arange(10, 100, 10, dtype=float)
    if not multivariate:
        return in1
    in2 = in1 + 5
    return np.column_stack([in1, in2, in1 + in2])


@dataclass(frozen=True)
class Setup:
    """One of the tutorial's examples."""

    name: str
    estimator: str
    params: dict[str, Any]
    multivariate: bool
    window: dict[str, Any]
    x_input: list
    ideal: list
    tutorial_output: list
    extra: dict[str, Any] = field(default_factory=dict)

    def data(self) -> np.ndarray:
        return tutorial_data(self.multivariate)

    def windows(self) -> tuple[np.ndarray, np.ndarray]:
        return make_windows(self.data(), **self.window)

    def make_estimator(self, random_state: int | None = 0, **overrides: Any):
        import sklstm

        params = {**self.params, "random_state": random_state, **overrides}
        return getattr(sklstm, self.estimator)(**params)


_UNI3 = {"n_steps_in": 3}
_UNI4 = {"n_steps_in": 4}

SETUPS: list[Setup] = [
    Setup("vanilla", "VanillaLSTMRegressor", {"units": 50, "epochs": 200}, False, _UNI3,
          [70, 80, 90], [100], [101.66596]),
    Setup("stacked", "StackedLSTMRegressor", {"units": 50, "epochs": 200}, False, _UNI3,
          [70, 80, 90], [100], [101.47101]),
    Setup("bidirectional", "BidirectionalLSTMRegressor", {"units": 50, "epochs": 500}, False, _UNI3,
          [70, 80, 90], [100], [100.44518]),
    Setup("cnn-lstm", "CNNLSTMRegressor", {"n_seq": 2, "epochs": 1000}, False, _UNI4,
          [60, 70, 80, 90], [100], [100.353325]),
    Setup("convlstm", "ConvLSTMRegressor", {"n_seq": 2, "epochs": 1000}, False, _UNI4,
          [60, 70, 80, 90], [100], [103.23106]),
    Setup("multiple-input", "VanillaLSTMRegressor", {"units": 50, "epochs": 1000}, True,
          {"n_steps_in": 3, "features": [0, 1], "targets": [2], "lead": 0},
          [[80, 85], [90, 95], [100, 105]], [205], [205.72319]),
    Setup("parallel", "StackedLSTMRegressor", {"units": 100, "epochs": 1000}, True,
          {"n_steps_in": 3}, [[70, 75, 145], [80, 85, 165], [90, 95, 185]],
          [100, 105, 205], [100.508255, 105.650116, 205.78018]),
    Setup("vector-output", "StackedLSTMRegressor", {"units": 100, "epochs": 5000, "n_steps_out": 2},
          False, {"n_steps_in": 3, "n_steps_out": 2}, [70, 80, 90], [100, 110],
          [101.4844, 111.92061]),
    Setup("encoder-decoder", "EncoderDecoderLSTMRegressor",
          {"units": 100, "epochs": 100, "n_steps_out": 2}, False,
          {"n_steps_in": 3, "n_steps_out": 2}, [70, 80, 90], [100, 110], [102.016335, 114.85793]),
    Setup("multi-input-multi-step", "StackedLSTMRegressor",
          {"units": 100, "epochs": 200, "n_steps_out": 2}, True,
          {"n_steps_in": 3, "n_steps_out": 2, "features": [0, 1], "targets": [2], "lead": 0},
          [[70, 75], [80, 85], [90, 95]], [185, 205], [183.40097, 205.77441]),
    Setup("parallel-multi-step", "EncoderDecoderLSTMRegressor",
          {"units": 200, "epochs": 300, "n_steps_out": 2}, True, {"n_steps_in": 3, "n_steps_out": 2},
          [[60, 65, 125], [70, 75, 145], [80, 85, 165]], [90, 95, 185, 100, 105, 205],
          [90.59101, 95.89372, 185.98097, 100.69182, 105.41041, 206.77353]),
]


def _x_input(setup: Setup) -> np.ndarray:
    x = np.asarray(setup.x_input, dtype=float)
    return x.reshape(1, x.shape[0], -1)


def run_setup(setup: Setup, random_state: int | None = 0, **overrides: Any) -> dict[str, Any]:
    """Fit one setup and return its prediction, worst relative error and fit seconds."""
    X, y = setup.windows()
    model = setup.make_estimator(random_state, **overrides)
    start = time.perf_counter()
    model.fit(X, y)
    seconds = time.perf_counter() - start
    pred = np.ravel(model.predict(_x_input(setup)))
    ideal = np.asarray(setup.ideal, dtype=float)
    error = float(np.max(np.abs(pred - ideal) / np.abs(ideal)))
    return {"setup": setup.name, "prediction": pred, "error": error, "seconds": seconds}


def _fmt(values: Any) -> str:
    return "[" + ", ".join(f"{v:.2f}" for v in np.ravel(values)) + "]"


def tutorial_table(random_state: int = 0, names: list[str] | None = None, out: Any = None) -> list[dict]:
    """Fit every setup and print setup, ideal, the tutorial's output, sklstm's prediction, seconds."""
    import sys

    out = out or sys.stdout
    rows = []
    header = f"{'setup':<24}{'ideal':<48}{'tutorial printed':<48}{'sklstm':<48}{'error %':>8}{'fit s':>8}"
    print(header, file=out)
    print("-" * len(header), file=out)
    for setup in SETUPS:
        if names and setup.name not in names:
            continue
        row = run_setup(setup, random_state)
        rows.append(row)
        print(
            f"{setup.name:<24}{_fmt(setup.ideal):<48}{_fmt(setup.tutorial_output):<48}"
            f"{_fmt(row['prediction']):<48}{100 * row['error']:>8.2f}{row['seconds']:>8.2f}",
            file=out,
            flush=True,
        )
    return rows
