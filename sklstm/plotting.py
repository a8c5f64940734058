"""Matplotlib figures for forecasts, backtests and training histories (the ``plot`` extra).

Every function builds a :class:`matplotlib.figure.Figure` directly (no pyplot
state, so it works headless) and returns it; save it with ``fig.savefig``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["plot_forecast", "plot_backtest", "plot_history", "plot_panel"]


def _figure_class():
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:  # pragma: no cover - only without matplotlib
        raise ImportError('Plotting needs matplotlib: pip install "sklstm[plot]".') from exc
    return Figure


def _figure(title: str):
    fig = _figure_class()(figsize=(9, 4.5), layout="constrained")
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
        lower, upper = _bounds(interval, len(fc))
        ax.fill_between(fx, lower, upper, color="tab:blue", alpha=0.2, label="interval")
    ax.legend()
    return fig


def _bounds(interval: Any, rows: int) -> tuple[np.ndarray, np.ndarray]:
    """The lower and upper bounds of ``predict_interval``'s result, checked against the forecast's ``rows``."""
    cols = [str(c) for c in getattr(interval, "columns", [])]
    if cols:
        lower, upper = ([c for c in cols if c.endswith(end)] for end in ("_lower", "_upper"))
        if not lower or not upper:
            raise ValueError(f"interval must be predict_interval's result, with '<target>_lower' and "
                             f"'<target>_upper' columns; got columns {cols}.")
        bounds = np.asarray(interval[lower[0]], float), np.asarray(interval[upper[0]], float)
    else:
        values = np.asarray(interval, dtype=float)
        if values.ndim != 2 or values.shape[1] < 3:
            raise ValueError(f"interval must be predict_interval's result: columns point, lower, upper; got shape "
                             f"{values.shape}.")
        bounds = values[:, 1], values[:, 2]
    if len(bounds[0]) != rows:
        raise ValueError(f"interval has {len(bounds[0])} rows, but the forecast has {rows}: pass the interval of the "
                         "same forecast.")
    return bounds


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
    forecasts = getattr(table, "attrs", {}).get("forecasts")
    if forecasts is None:
        raise ValueError("table must be backtest()'s result, which keeps each fold's forecast in table.attrs"
                         "['forecasts']; this table has none.")
    fig, ax = _figure(title)
    values = np.asarray(y, dtype=float)
    ax.plot(_x(y, len(values)), values, color="0.2", label="actual")
    for k, fold in enumerate(forecasts):
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
    history = getattr(estimator, "history_", None)
    if not history:
        raise ValueError(f"{type(estimator).__name__} has no training history (history_) to plot: pass a fitted "
                         "sklstm regressor, or a PretrainedLSTMForecaster fitted with fine_tune=True.")
    fig, ax = _figure(title)
    for key, values in history.items():
        ax.plot(np.arange(1, len(values) + 1), values, label=key)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss (scaled units)")
    ax.set_yscale("log")
    ax.legend()
    return fig


def plot_panel(history: Any, forecast: Any, ids: Any = None, *, id_col: str = "unique_id", time_col: str = "ds",
               target_col: str = "y", by: str | None = None, n_last: int | None = None,
               title: str = "Forecasts") -> Any:
    """A grid of series of a long panel, each with its forecast (and interval, if ``forecast`` has one).

    Parameters
    ----------
    history : DataFrame
        The long panel: columns ``id_col``, ``time_col`` and ``target_col``.
    forecast : DataFrame
        Long forecasts with the same columns, and ``lower``/``upper`` from
        ``predict_interval`` (drawn as a band) when present.
    ids : list, default=None
        The series to draw (default: the first six).
    id_col, time_col, target_col : str
        The column names.
    by : str, default=None
        A column of ``forecast`` that splits a series' forecasts into
        separate lines (``"fold"`` for a backtest).
    n_last : int, default=None
        Draw only the last ``n_last`` values of each history.
    title : str, default="Forecasts"

    Returns
    -------
    matplotlib.figure.Figure
    """
    for name, frame, needed in (("history", history, [id_col, time_col, target_col]),
                                ("forecast", forecast, [id_col, time_col, target_col, *([by] if by else [])])):
        missing = [c for c in needed if c not in getattr(frame, "columns", [])]
        if missing:
            raise ValueError(f"{name} must be a long DataFrame with columns {needed} (id_col, time_col, target_col"
                             f"{', by' if by and name == 'forecast' else ''}); it lacks {missing}.")
    known = list(dict.fromkeys(history[id_col]))
    ids = known[:6] if ids is None else list(ids)
    unknown = [key for key in ids if key not in known]
    if unknown or not ids:
        raise ValueError(f"ids {unknown or ids!r} are not series of the panel; its series are {known[:10]}"
                         f"{' ...' if len(known) > 10 else ''}.")
    n_cols = min(3, len(ids))
    n_rows = -(-len(ids) // n_cols)
    fig = _figure_class()(figsize=(4 * n_cols, 2.8 * n_rows), layout="constrained")
    fig.suptitle(title)
    axes = fig.subplots(n_rows, n_cols, squeeze=False).ravel()
    for ax, key in zip(axes, ids):
        past = history[history[id_col] == key]
        past = past.iloc[-n_last:] if n_last else past
        ax.plot(past[time_col], past[target_col].to_numpy(float), color="0.2")
        ahead = forecast[forecast[id_col] == key]
        groups = ahead.groupby(by, sort=False) if by else [(None, ahead)]
        for label, part in groups:
            line = ax.plot(part[time_col], part[target_col].to_numpy(float), marker=".",
                           label=None if label is None else f"{by} {label}")
            if "lower" in part.columns and "upper" in part.columns:
                ax.fill_between(part[time_col], part["lower"].to_numpy(float), part["upper"].to_numpy(float),
                                color=line[0].get_color(), alpha=0.2)
        ax.set_title(str(key))
        ax.grid(alpha=0.3)
        ax.tick_params(axis="x", labelrotation=30, labelsize=7)
        if by:
            ax.legend(fontsize=7)
    for ax in axes[len(ids):]:
        ax.set_visible(False)
    return fig
