"""Synthetic series for pretraining (numpy only): random compositions of trend, season, cycle, shifts and noise.

No real series is in the corpus, so that every real benchmark stays out of
sample. The components follow what forecasting competitions' series show, and
Gaussian-process draws from random kernel compositions add shapes no
hand-written component covers (Chronos' KernelSynth).
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

__all__ = ["COMPONENTS", "PERIODS", "make_synthetic_series"]

#: The components a series is composed of.
COMPONENTS = ("trend", "season", "cycle", "level_shift", "ar_noise", "gp")

#: Seasonal periods drawn (weights: the common calendar periods most often).
PERIODS = (2, 3, 4, 5, 6, 7, 10, 12, 13, 24, 26, 52)
_PERIOD_WEIGHTS = np.array([1, 1, 6, 1, 1, 5, 1, 8, 1, 3, 1, 3], dtype=float)

# The chance each component is part of a series (at least one always is).
_CHANCE = {"trend": 0.6, "season": 0.6, "cycle": 0.2, "level_shift": 0.2, "ar_noise": 0.9, "gp": 0.3}


def _trend(rng: np.random.Generator, t: np.ndarray) -> np.ndarray:
    u = t / max(len(t) - 1, 1)
    slope = rng.normal(0.0, 1.0) * 10 ** rng.uniform(0.0, 1.5)  # trends from gentle to dominant
    kind = rng.choice(["linear", "damped", "piecewise", "exponential"], p=[0.4, 0.2, 0.25, 0.15])
    if kind == "linear":
        return slope * u
    if kind == "damped":
        return slope * (1 - np.exp(-rng.uniform(1.0, 6.0) * u)) / 2
    if kind == "exponential":
        return slope / 3 * (np.exp(rng.uniform(0.5, 2.5) * u) - 1)
    out = slope * u
    for knot in rng.uniform(0.1, 0.9, size=rng.integers(1, 4)):
        out += rng.normal(0.0, 3.0) * np.maximum(u - knot, 0.0)
    return out


def _season(rng: np.random.Generator, t: np.ndarray, period: int) -> np.ndarray:
    harmonics = rng.integers(1, max(1, min(4, period // 2)) + 1)
    shape = np.zeros(len(t))
    for k in range(1, harmonics + 1):
        shape += rng.normal(0.0, 1.0 / k) * np.sin(2 * np.pi * k * t / period + rng.uniform(0, 2 * np.pi))
    shape /= max(np.std(shape), 1e-9)
    drift = 1 + rng.normal(0.0, 0.3) * t / max(len(t), 1)  # the amplitude changes slowly
    return rng.uniform(0.5, 3.0) * shape * np.clip(drift, 0.2, None)


def _cycle(rng: np.random.Generator, t: np.ndarray) -> np.ndarray:
    period = rng.uniform(15.0, max(30.0, len(t) / 2))
    phase = np.cumsum(1 + rng.normal(0.0, 0.15, size=len(t)))  # an irregular cycle length
    return rng.uniform(0.5, 2.5) * np.sin(2 * np.pi * phase / period + rng.uniform(0, 2 * np.pi))


def _level_shifts(rng: np.random.Generator, t: np.ndarray) -> np.ndarray:
    out = np.zeros(len(t))
    for at in rng.integers(1, max(2, len(t)), size=rng.integers(1, 4)):
        out[at:] += rng.normal(0.0, 2.0)
    return out


def _ar_noise(rng: np.random.Generator, t: np.ndarray) -> np.ndarray:
    phi1 = rng.uniform(-0.5, 0.95)
    phi2 = rng.uniform(-0.3, 0.3) if rng.random() < 0.3 else 0.0
    if abs(phi1) + abs(phi2) >= 0.98:
        phi2 = 0.0
    e = rng.normal(0.0, 10 ** rng.uniform(-2.0, 0.0), size=len(t) + 50)
    x = np.zeros_like(e)
    for i in range(2, len(e)):
        x[i] = phi1 * x[i - 1] + phi2 * x[i - 2] + e[i]
    return x[50:]


def _kernel(rng: np.random.Generator, grid: np.ndarray) -> np.ndarray:
    d = grid[:, None] - grid[None, :]
    kind = rng.choice(["rbf", "periodic", "linear", "rq", "white"], p=[0.3, 0.3, 0.15, 0.2, 0.05])
    if kind == "rbf":
        return np.exp(-0.5 * (d / rng.uniform(0.02, 0.5)) ** 2)
    if kind == "periodic":
        period = rng.choice([1 / 24, 1 / 12, 1 / 7, 1 / 4, 1 / 2, 0.25, 0.1, 0.05])
        return np.exp(-2 * np.sin(np.pi * np.abs(d) / period) ** 2 / rng.uniform(0.5, 2.0) ** 2)
    if kind == "linear":
        c = rng.uniform(-1, 1)
        return (grid[:, None] - c) * (grid[None, :] - c) + 0.1
    if kind == "rq":
        alpha = rng.uniform(0.5, 2.0)
        return (1 + d**2 / (2 * alpha * rng.uniform(0.05, 0.5) ** 2)) ** -alpha
    return np.eye(len(grid)) * 0.1


def _gaussian_process(rng: np.random.Generator, t: np.ndarray) -> np.ndarray:
    points = min(len(t), 256)
    grid = np.linspace(0.0, 1.0, points)
    cov = _kernel(rng, grid)
    for _ in range(rng.integers(0, 3)):  # KernelSynth: combine kernels by sum or product
        cov = cov + _kernel(rng, grid) if rng.random() < 0.5 else cov * _kernel(rng, grid)
    cov += 1e-6 * np.eye(points)
    sample = np.linalg.cholesky(cov + 1e-4 * np.trace(cov) / points * np.eye(points)) @ rng.normal(size=points)
    out = np.interp(np.linspace(0.0, 1.0, len(t)), grid, sample)
    return 2.0 * out / max(np.std(out), 1e-9)


def _series(rng: np.random.Generator, length: int, components: tuple) -> tuple[np.ndarray, dict]:
    t = np.arange(length, dtype=float)
    spec: dict = {"length": length, "components": list(components), "period": None, "multiplicative": False}
    additive = np.zeros(length)
    seasonal = np.zeros(length)
    for name in components:
        if name == "trend":
            additive += _trend(rng, t)
        elif name == "season":
            period = int(rng.choice(PERIODS, p=_PERIOD_WEIGHTS / _PERIOD_WEIGHTS.sum()))
            spec["period"] = period
            seasonal = _season(rng, t, period)
        elif name == "cycle":
            additive += _cycle(rng, t)
        elif name == "level_shift":
            additive += _level_shifts(rng, t)
        elif name == "ar_noise":
            additive += _ar_noise(rng, t)
        else:
            additive += _gaussian_process(rng, t)
    if "season" in components and rng.random() < 0.35:  # a season whose size follows the level
        spec["multiplicative"] = True
        base = additive - additive.min() + rng.uniform(2.0, 10.0)
        y = base * (1 + 0.08 * seasonal)
    else:
        y = additive + seasonal
    if rng.random() < 0.2:  # a positive series with multiplicative effects throughout
        y = np.exp(0.25 * (y - y.mean()) / max(np.std(y), 1e-9))
    level = rng.normal(0.0, 5.0) if rng.random() < 0.5 else rng.uniform(0.0, 50.0)
    return (y + level) * 10.0 ** rng.uniform(-1.0, 3.0), spec


def make_synthetic_series(
    n_series: int = 100,
    *,
    min_length: int = 20,
    max_length: int = 1000,
    components: Any = None,
    random_state: int | None = None,
    return_specs: bool = False,
) -> Any:
    """Draw synthetic series from random compositions of trend, season, cycle, shifts, noise and GP kernels.

    Each series has a length drawn log-uniformly from ``[min_length, max_length]``
    and a random subset of :data:`COMPONENTS` (each with a fixed chance, at
    least one):

    - ``"trend"``: linear, damped, piecewise linear (1-3 changes of slope) or exponential;
    - ``"season"``: a period from :data:`PERIODS`, 1-4 harmonics, slowly
      changing amplitude, additive or (35%) multiplicative;
    - ``"cycle"``: a sinusoid of irregular length, 15 steps to half the series;
    - ``"level_shift"``: 1-3 permanent jumps;
    - ``"ar_noise"``: AR(1) or AR(2) noise;
    - ``"gp"``: a Gaussian-process draw whose kernel is a random sum or
      product of RBF, periodic, linear, rational-quadratic and white kernels.

    A fifth of the series are exponentiated (positive, with multiplicative
    effects); each is shifted to a random level and scaled by a random power
    of ten. The same ``random_state`` gives the same series.

    Parameters
    ----------
    n_series : int, default=100
    min_length, max_length : int, default=20, 1000
        The range of lengths (log-uniform).
    components : sequence of str, default=None
        Compose every series of exactly these components instead of a random
        subset.
    random_state : int, default=None
        Seed of the draw.
    return_specs : bool, default=False
        Also return, per series, a dict of its ``length``, ``components``,
        seasonal ``period`` (or None) and whether the season is ``multiplicative``.

    Returns
    -------
    series : list of ndarray of shape (length,)
    specs : list of dict
        Only with ``return_specs=True``.

    Examples
    --------
    >>> from sklstm.datasets import make_synthetic_series
    >>> series, specs = make_synthetic_series(3, random_state=0, return_specs=True)
    >>> [len(s) for s in series] == [spec["length"] for spec in specs]
    True
    >>> make_synthetic_series(1, components=["season"], random_state=1, return_specs=True)[1][0]["period"] in PERIODS
    True
    """
    if not isinstance(n_series, numbers.Integral) or n_series < 1:
        raise ValueError(f"n_series must be a positive integer, got {n_series!r}.")
    if not (isinstance(min_length, numbers.Integral) and isinstance(max_length, numbers.Integral)
            and 3 <= min_length <= max_length):
        raise ValueError(f"Need integers 3 <= min_length <= max_length, got min_length={min_length!r}, "
                         f"max_length={max_length!r}.")
    if components is not None:
        components = tuple(components)
        unknown = [c for c in components if c not in COMPONENTS]
        if unknown or not components:
            raise ValueError(f"components must be a non-empty subset of {list(COMPONENTS)}; unknown: {unknown}.")
    rng = np.random.default_rng(random_state)
    series, specs = [], []
    for _ in range(int(n_series)):
        length = int(np.exp(rng.uniform(np.log(min_length), np.log(max_length + 1))))
        length = min(max(length, min_length), max_length)
        chosen = components
        if chosen is None:
            chosen = tuple(c for c in COMPONENTS if rng.random() < _CHANCE[c]) or (str(rng.choice(COMPONENTS)),)
        y, spec = _series(rng, length, chosen)
        series.append(y)
        specs.append(spec)
    return (series, specs) if return_specs else series
