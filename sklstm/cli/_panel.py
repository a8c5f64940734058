"""``sklstm forecast|backtest --id-col ID``: a long CSV of many series, one global model (:class:`GlobalLSTMForecaster`)."""

from __future__ import annotations

import argparse
from typing import Any

from ._data import (
    CLIError,
    PanelInput,
    as_periods,
    check_folds,
    check_panel_future,
    check_panel_past,
    load_panel,
    say,
    split_names,
)
from ._files import check_outputs, emit_table, save_figure
from ._progress import forecaster_verbosity, progress
from ._startup import import_tensorflow_quietly

__all__ = ["backtest_panel", "forecast_panel"]


def _checked_panel(args: argparse.Namespace, future: bool = True) -> PanelInput:
    """The panel and its plot's series, every option checked before TensorFlow is imported.

    ``future``: the covariates must also cover the forecast steps (not for a backtest, which forecasts the past).
    """
    if args.model != "vanilla":
        raise CLIError(f"--model {args.model} is for a single series; with --id-col the global model trains the "
                       "vanilla network")
    if args.window != "expanding":
        raise CLIError("--window sliding is for a single series; a panel backtest uses expanding windows")
    check_outputs(args)
    data = load_panel(args)
    series = set(data.frame[data.id_col])
    unknown = [key for key in split_names(args.plot_ids) if key not in {str(s) for s in series}]
    if unknown:
        raise CLIError(f"--plot-ids {', '.join(unknown)}: no such series in {args.csv}")
    from ..forecasting._global import MAX_ONE_HOT  # no TensorFlow: checked before it is imported

    if args.series_identity == "one-hot" and len(series) > MAX_ONE_HOT:
        raise CLIError(f"--series-identity one-hot adds one input column per series: {len(series)} are too many (at "
                       f"most {MAX_ONE_HOT}); use --series-identity embedding")
    if data.X is not None and future:
        check_panel_future(data, args.horizon)
    check_panel_past(data)
    covariates = [f"{kind} {', '.join(table.columns[2:])}" for kind, table in
                  (("future-known covariates", data.X), ("past-only covariates", data.X_past)) if table is not None]
    say(f"{len(series)} series in {args.csv} ({data.id_col!r}, dates {data.date_col!r}, values {data.target!r}): "
        "one global model" + "".join(f", {c}" for c in covariates))
    return data


def _forecaster(args: argparse.Namespace, data: PanelInput) -> Any:
    import_tensorflow_quietly()  # before anything imports TensorFlow: the command's stderr is for its own messages
    from sklearn.base import clone

    from ..forecasting._global import GlobalLSTMForecaster, default_network

    network = None if args.epochs is None else clone(default_network()).set_params(epochs=args.epochs)
    budget = {} if args.epochs is None else {"max_steps": None}  # --epochs is trained as given
    return GlobalLSTMForecaster(
        network, n_steps_in="auto" if args.n_steps_in is None else args.n_steps_in, horizon=args.horizon,
        season_length=args.season_length or "auto", n_models=2 if args.n_models is None else args.n_models,
        series_identity=args.series_identity or "none", deseasonalize=args.deseasonalize or "auto",
        id_col=data.id_col, time_col=data.date_col,
        target_col=data.target, random_state=args.random_state,
        verbose=forecaster_verbosity(args.verbose), **budget,
    )


def _plot(args: argparse.Namespace, data: PanelInput, forecast: Any, title: str, by: str | None = None) -> None:
    from ..plotting import plot_panel

    keys = {str(key): key for key in data.frame[data.id_col]}
    ids = [keys[name] for name in split_names(args.plot_ids)] or None
    figure = plot_panel(data.frame, forecast, ids, id_col=data.id_col, time_col=data.date_col, target_col=data.target,
                        by=by, n_last=8 * args.horizon, title=title)
    save_figure(figure, args.plot)


def forecast_panel(args: argparse.Namespace) -> int:
    """Fit one global model on every series of a long CSV; print each series' forecast and interval."""
    data = _checked_panel(args)
    with progress(args.verbose):
        forecaster = _forecaster(args, data).fit(data.frame, data.static, X=data.X, X_past=data.X_past)
        table = forecaster.predict_interval(args.horizon, coverage=args.coverage, X=data.X)
    emit_table(as_periods(table, [data.date_col], _first_dates(data)), args.output, 2, index=False)
    if args.plot:
        _plot(args, data, table, f"{data.target}: {args.horizon}-step forecasts")
    return 0


def backtest_panel(args: argparse.Namespace) -> int:
    """Rolling-origin evaluation of the global model: one row per series and fold."""

    from ..forecasting._backtesting import panel_backtest

    data = _checked_panel(args, future=False)
    lengths = data.frame.groupby(data.id_col, sort=False).size()
    check_folds(args, int(lengths.min()), f"series {lengths.idxmin()!r} has {lengths.min()} steps")
    with progress(args.verbose):
        table = panel_backtest(_forecaster(args, data), data.frame, data.static, X=data.X, X_past=data.X_past,
                               horizon=args.horizon, n_folds=args.folds, season_length=args.season_length or "auto")
    emit_table(as_periods(table, ["test_start"], _first_dates(data)), args.output, 3, index=False,
               summary=f"mean MASE {table.attrs['mean_mase']:.3f} over {table['series'].nunique()} series and "
                       f"{args.folds} folds")
    if args.plot:
        _plot(args, data, _fold_forecasts(table, data, args.horizon), f"{data.target}: backtest", by="fold")
    return 0


def _first_dates(data: PanelInput) -> Any:
    """The dates of the panel's first series (its frequency is every series')."""
    first = data.frame[data.id_col].iloc[0]
    return data.frame.loc[data.frame[data.id_col] == first, data.date_col]


def _fold_forecasts(table: Any, data: PanelInput, horizon: int) -> Any:
    """The backtest's forecasts as a long frame (id, date, value, fold), dated from the panel."""
    import pandas as pd

    dates = {key: rows[data.date_col].reset_index(drop=True) for key, rows in data.frame.groupby(data.id_col, sort=False)}
    frames = []
    for fold, rows in table.groupby("fold", sort=True):
        for i, (key, start) in enumerate(zip(rows["series"], rows["test_start"])):
            series_dates = dates[key]
            first = int((series_dates == start).to_numpy().argmax())
            frames.append(pd.DataFrame({data.id_col: key, data.date_col: series_dates[first : first + horizon],
                                        data.target: table.attrs["forecasts"][fold][i], "fold": fold}))
    return pd.concat(frames, ignore_index=True)
