"""Matplotlib figures for forecasts, backtests and training histories (the ``plot`` extra).

Every function builds a :class:`matplotlib.figure.Figure` directly (no pyplot
state, so it works headless) and returns it; save it with ``fig.savefig``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["plot_forecast", "plot_backtest", "plot_history"]


def _figure(title: str):
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:  # pragma: no cover - only without matplotlib
        raise ImportError('Plotting needs matplotlib: pip install "sklstm[plot]".') from exc
    fig = Figure(figsize=(9, 4.5), layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(title)
    ax.grid(alpha=0.3)
    return fig, ax


def _x(obj: Any, n: int, start: int = 0):
    if hasattr(obj, "index"):
        index = obj.index
        return index.to_timestamp() if hasattr(index, "to_timestamp") else index
    return np.arange(start, start + n)


def plot_forecast(y: Any, forecast: Any, interval: Any = None, title: str = "Forecast",
                  history: int | None = None) -> Any:
    """History, forecast and (optionally) the interval from ``predict_interval``.

    ``history``: plot only the last ``history`` values of ``y`` (default: all), so
    that a short forecast of a long series stays readable.

    Parameters
    ----------
    y : array-like or pandas Series
        The history.
    forecast : array-like or pandas Series
        ``predict``'s forecast.
    interval : DataFrame or ndarray, default=None
        ``predict_interval``'s result.
    title : str, default="Forecast"
    history : int, default=None

    Returns
    -------
    matplotlib.figure.Figure
    """
    if history is not None:
        if isinstance(history, bool) or not isinstance(history, (int, np.integer)) or history < 1:
            raise ValueError(f"history must be a positive integer or None, got {history!r}.")
        y = y.iloc[-history:] if hasattr(y, "iloc") else np.asarray(y)[-history:]
    fig, ax = _figure(title)
    values = np.asarray(y, dtype=float)
    ax.plot(_x(y, len(values)), values, color="0.2", label="history")
    fc = np.asarray(forecast, dtype=float)
    fx = _x(forecast, len(fc), start=len(values))
    ax.plot(fx, fc, color="tab:blue", marker=".", label="forecast")
    if interval is not None:
        cols = list(getattr(interval, "columns", []))
        lower = interval[[c for c in cols if c.endswith("_lower")][0]] if cols else np.asarray(interval)[:, 1]
        upper = interval[[c for c in cols if c.endswith("_upper")][0]] if cols else np.asarray(interval)[:, 2]
        ax.fill_between(fx, np.asarray(lower, float), np.asarray(upper, float), color="tab:blue", alpha=0.2,
                        label="interval")
    ax.legend()
    return fig


def plot_backtest(y: Any, table: Any, title: str = "Backtest") -> Any:
    """The series with each fold's forecast (from :func:`sklstm.forecasting.backtest`).

    Parameters
    ----------
    y : array-like or pandas Series
        The series that was backtested.
    table : DataFrame
        :func:`~sklstm.backtest`'s result.
    title : str, default="Backtest"

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = _figure(title)
    values = np.asarray(y, dtype=float)
    ax.plot(_x(y, len(values)), values, color="0.2", label="actual")
    for k, fold in enumerate(table.attrs["forecasts"]):
        tx = fold.test.to_timestamp() if hasattr(fold.test, "to_timestamp") else fold.test
        ax.plot(tx, np.asarray(fold.forecast)[:, 0], marker=".", label=f"fold {k} (MASE {table['mase'][k]:.2f})")
    ax.legend()
    return fig


def plot_history(estimator: Any, title: str = "Training loss") -> Any:
    """Loss (and validation loss) per epoch of a fitted sklstm estimator.

    Parameters
    ----------
    estimator : fitted sklstm estimator
    title : str, default="Training loss"

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = _figure(title)
    for key, values in estimator.history_.items():
        ax.plot(np.arange(1, len(values) + 1), values, label=key)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss (scaled units)")
    ax.set_yscale("log")
    ax.legend()
    return fig
