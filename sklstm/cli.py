"""The ``sklstm`` command line.

* ``sklstm forecast [CSV]``: forecast a series (the bundled airline data by default);
* ``sklstm backtest [CSV]``: rolling-origin evaluation, one row per fold;
* ``sklstm tutorial``: the tutorial's eleven setups as a table.

``sklstm --help`` is quick: TensorFlow is imported only when a command trains
a model. Bad input ends with a one-line message and exit status 2, never a
traceback.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence

import numpy as np

__all__ = ["main"]


def _tutorial(args: argparse.Namespace) -> int:
    from .tutorial import SETUPS, tutorial_table

    known = [s.name for s in SETUPS]
    unknown = [n for n in args.setup or [] if n not in known]
    if unknown:
        print(f"sklstm tutorial: unknown setup(s) {unknown}; choose from {known}.", file=sys.stderr)
        return 2
    tutorial_table(random_state=args.random_state, names=args.setup)
    return 0


MODELS = {
    "vanilla": "VanillaLSTMRegressor",
    "stacked": "StackedLSTMRegressor",
    "bidirectional": "BidirectionalLSTMRegressor",
    "cnn-lstm": "CNNLSTMRegressor",
    "convlstm": "ConvLSTMRegressor",
    "encoder-decoder": "EncoderDecoderLSTMRegressor",
}


class CLIError(Exception):
    """A user-facing error: printed as one line, exit status 2."""


def _load_series(args: argparse.Namespace):
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover
        raise CLIError('this command needs pandas: pip install "sklstm[pandas]"') from exc
    if args.csv is None:
        from .datasets import load_airline

        return load_airline()
    try:
        df = pd.read_csv(args.csv)
    except FileNotFoundError:
        raise CLIError(f"no such file: {args.csv}") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise CLIError(f"cannot read {args.csv} as CSV: {exc}") from None
    columns = list(df.columns)
    if args.date_col is not None:
        if args.date_col not in columns:
            raise CLIError(f"--date-col {args.date_col!r} is not a column of {args.csv}; columns: {columns}")
        dates = pd.to_datetime(df.pop(args.date_col), errors="coerce")
        if dates.isna().any():
            row = int(np.flatnonzero(dates.isna())[0])
            raise CLIError(f"--date-col {args.date_col!r} has a value that is not a date in data row {row + 1}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            freq = pd.infer_freq(dates) if len(dates) >= 3 else None
        if freq is None:
            steps = dates.diff().dropna()
            common = steps.mode().iloc[0] if len(steps) else None
            bad = int(np.flatnonzero(steps.to_numpy() != common)[0]) + 1 if common is not None else 0
            raise CLIError(
                f"dates in {args.date_col!r} are not regularly spaced (gap or duplicate near "
                f"{dates.iloc[bad].date() if len(dates) > bad else 'the start'}); fill the gaps first"
            )
        df.index = pd.DatetimeIndex(dates, freq=freq, name=args.date_col)
    target = args.target or (list(df.columns)[0] if len(df.columns) else None)
    if target is None or target not in df.columns:
        raise CLIError(f"--target {target!r} is not a column of {args.csv}; columns: {list(df.columns)}")
    values = pd.to_numeric(df[target], errors="coerce")
    if values.isna().any():
        row = int(np.flatnonzero(values.isna())[0])
        raise CLIError(
            f"column {target!r} has a missing or non-numeric value {str(df[target].iloc[row])!r} in data row {row + 1}"
        )
    series = values.astype(float)
    if args.date_col is None:
        series.index = pd.RangeIndex(len(series))
    return series


def _season_length(series) -> int:
    from .forecasting import season_length_from_index

    return season_length_from_index(getattr(series, "index", None))


def _forecaster(args: argparse.Namespace):
    import sklstm

    from .forecasting import LSTMForecaster

    cls = getattr(sklstm, MODELS[args.model])
    params = {"verbose": int(args.verbose), "linear_baseline": False}  # the forecaster fits the linear model
    if args.epochs is not None:
        params["epochs"] = args.epochs
    if args.model == "vanilla":
        params["units"] = 32
    if args.model == "vanilla" and args.epochs is None:
        params["epochs"] = 300
    strategy = "direct" if args.model == "encoder-decoder" else "recursive"
    return LSTMForecaster(
        cls(**params),
        n_steps_in="auto" if args.n_steps_in is None else args.n_steps_in,
        strategy=strategy,
        horizon=args.horizon,
        n_models=args.n_models,
        random_state=args.random_state,
    )


def _forecast(args: argparse.Namespace) -> int:
    series = _load_series(args)
    forecaster = _forecaster(args).fit(series)
    table = forecaster.predict_interval(args.horizon, coverage=args.coverage)
    print(table.round(2).to_string())
    if args.output:
        table.to_csv(args.output)
        print(f"wrote {args.output}")
    if args.plot:
        from .plotting import plot_forecast

        point = table.iloc[:, 0]
        plot_forecast(series, point, table, title=f"{series.name}: {args.horizon}-step forecast").savefig(args.plot)
        print(f"wrote {args.plot}")
    return 0


def _backtest(args: argparse.Namespace) -> int:
    from .forecasting import backtest

    series = _load_series(args)
    season = args.season_length or _season_length(series)
    table = backtest(
        _forecaster(args), series, horizon=args.horizon, n_folds=args.folds, window=args.window,
        season_length=season,
    )
    print(table.round({c: 3 for c in ("mae", "rmse", "mape", "mase")}).to_string(index=False))
    print(f"mean MASE {table['mase'].mean():.3f} (season_length={season})")
    if args.output:
        table.to_csv(args.output, index=False)
        print(f"wrote {args.output}")
    if args.plot:
        from .plotting import plot_backtest

        plot_backtest(series, table, title=f"{series.name}: backtest").savefig(args.plot)
        print(f"wrote {args.plot}")
    return 0


def _add_series_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("csv", nargs="?", help="CSV file (default: the bundled monthly airline passengers)")
    p.add_argument("--target", help="column to forecast (default: the first column after --date-col)")
    p.add_argument("--date-col", help="column of dates; they must be regularly spaced")
    p.add_argument("--horizon", type=int, default=12, help="steps to forecast (default 12)")
    p.add_argument("--model", choices=sorted(MODELS), default="vanilla", help="architecture (default vanilla)")
    p.add_argument("--n-steps-in", type=int, help="window length (default: chosen on the end of the series)")
    p.add_argument("--epochs", type=int, help="training epochs (default: the model's)")
    p.add_argument("--n-models", type=int, default=3, help="seed ensemble size (default 3)")
    p.add_argument("--random-state", type=int, default=0, help="seed (default 0)")
    p.add_argument("--plot", metavar="PNG", help="write a plot to this PNG file")
    p.add_argument("--output", metavar="CSV", help="write the table to this CSV file")
    p.add_argument("--verbose", type=int, default=1, help="1: progress bar while training (default); 0: quiet")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sklstm",
        description="LSTM forecasting models as scikit-learn estimators.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    fc = sub.add_parser("forecast", help="forecast a series from a CSV (or the bundled airline data)",
                        description="Fit an LSTM forecaster and print the next --horizon values with a "
                        "90%% conformal interval.")
    _add_series_options(fc)
    fc.add_argument("--coverage", type=float, default=0.9, help="interval coverage (default 0.9)")
    fc.set_defaults(func=_forecast)
    bt = sub.add_parser("backtest", help="rolling-origin evaluation of the forecaster",
                        description="Evaluate the forecaster over the last --folds x --horizon steps "
                        "(expanding window by default) and print MAE, RMSE, MAPE and MASE per fold.")
    _add_series_options(bt)
    bt.add_argument("--folds", type=int, default=3, help="number of folds (default 3)")
    bt.add_argument("--window", choices=["expanding", "sliding"], default="expanding")
    bt.add_argument("--season-length", type=int, help="MASE seasonality (default: from the dates)")
    bt.set_defaults(func=_backtest)
    tut = sub.add_parser(
        "tutorial",
        help="fit the tutorial's eleven setups and print a table",
        description="Fit the tutorial's eleven setups through sklstm and print setup, ideal value, "
        "the tutorial's own printed output, sklstm's prediction, error and fit seconds.",
    )
    tut.add_argument("--random-state", type=int, default=0, help="seed for every fit (default 0)")
    tut.add_argument("--setup", action="append", help="run only this setup (repeatable)")
    tut.set_defaults(func=_tutorial)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except (CLIError, ValueError) as exc:
        print(f"sklstm {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
