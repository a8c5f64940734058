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
import contextlib
import sys
from collections.abc import Sequence

import numpy as np

from ..forecasting._series import frequency
from ._startup import import_tensorflow_quietly

__all__ = ["main"]


def _tutorial(args: argparse.Namespace) -> int:
    from ..tutorial import SETUPS, tutorial_table

    known = [s.name for s in SETUPS]
    unknown = [n for n in args.setup or [] if n not in known]
    if unknown:
        print(f"sklstm tutorial: unknown setup(s) {unknown}; choose from {known}.", file=sys.stderr)
        return 2
    import_tensorflow_quietly()
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
        from ..datasets import load_airline

        return load_airline()
    df = _read_csv(args.csv)
    date_col = args.date_col if args.date_col is not None else _find_date_column(df)
    if date_col is not None:
        df = _index_by_dates(df, date_col, args)
    target = args.target or (list(df.columns)[0] if len(df.columns) else None)
    if target is None or target not in df.columns:
        raise CLIError(f"--target {target!r} is not a column of {args.csv}; columns: {list(df.columns)}")
    values = pd.to_numeric(df[target], errors="coerce")
    if args.fill != "none":
        values = values.interpolate(limit_direction="both") if args.fill == "interpolate" else values.ffill().bfill()
    if values.isna().any():
        row = int(np.flatnonzero(values.isna())[0])
        raw = df[target].iloc[row]
        hint = "; fill missing values with --fill interpolate or --fill ffill" if pd.isna(raw) else ""
        if date_col is None and _parses_as_dates(df[target]):
            hint = f"; it looks like a date: pass --date-col {target}"
        raise CLIError(f"column {target!r} has a missing or non-numeric value {str(raw)!r} in data row {row + 1}{hint}")
    series = values.astype(float)
    if date_col is None:
        series.index = pd.RangeIndex(len(series))
    return series


def _read_csv(path: str):
    import pandas as pd

    if "://" in path:
        raise CLIError(f"{path} looks like a URL; sklstm reads local files only (download it first)")
    try:
        df = pd.read_csv(path)  # compressed local files (.gz, .bz2, .zip, .xz, .zst) are read too
    except FileNotFoundError:
        raise CLIError(f"no such file: {path}") from None
    except pd.errors.EmptyDataError:
        raise CLIError(f"{path} is empty: expected a header row and data rows") from None
    except IsADirectoryError:
        raise CLIError(f"{path} is a directory, not a CSV file") from None
    except (pd.errors.ParserError, UnicodeDecodeError, OSError) as exc:
        raise CLIError(f"cannot read {path} as CSV: {exc}") from None
    if len(df) == 0:
        raise CLIError(f"{path} has a header but no data rows")
    return df


def _parses_as_dates(column) -> bool:
    """True when every value of a text column reads as an ISO date (2022-01-31, 2022-01-31 10:00, 2022-01)."""
    import pandas as pd

    if column.dtype.kind not in "OSU":
        return False
    text = column.astype(str).str.strip()
    if not text.str.match(r"^\d{4}-\d{2}(-\d{2})?([ T]\d{2}:\d{2}(:\d{2})?)?$").all():
        return False
    return bool(pd.to_datetime(text, errors="coerce", format="ISO8601").notna().all())


def _find_date_column(df) -> str | None:
    """The first column when it holds ISO dates (used without --date-col, and said on stderr)."""
    first = df.columns[0] if len(df.columns) > 1 else None
    if first is not None and _parses_as_dates(df[first]):
        print(f"sklstm: using column {first!r} as the dates (pass --date-col to choose another)", file=sys.stderr)
        return first
    return None


_PERIODS = ("W", "M", "Q", "A", "Y")  # frequencies printed as periods (2024-05), not timestamps


def _index_by_dates(df, date_col: str, args: argparse.Namespace):
    """``df`` indexed by its regularly spaced dates (gaps filled when ``--fill`` asks for it)."""
    import pandas as pd

    if date_col not in df.columns:
        raise CLIError(f"--date-col {date_col!r} is not a column of {args.csv}; columns: {list(df.columns)}")
    dates = pd.to_datetime(df.pop(date_col), errors="coerce", format="mixed")
    if dates.isna().any():
        row = int(np.flatnonzero(dates.isna())[0])
        raise CLIError(f"--date-col {date_col!r} has a value that is not a date in data row {row + 1}")
    if len(dates) < 3:
        raise CLIError(f"{args.csv} has {len(dates)} data row(s): too short to read a frequency or forecast from")
    if dates.duplicated().any():
        raise CLIError(f"--date-col {date_col!r} repeats the date {dates[dates.duplicated()].iloc[0].date()}; "
                       "aggregate the rows of each date first")
    if not dates.is_monotonic_increasing:
        raise CLIError(f"the dates in {date_col!r} are not in increasing order (newest first?); sort the file by date")
    df.index = pd.DatetimeIndex(dates, name=date_col)
    freq = frequency(df.index)
    if freq is None:
        steps = df.index.to_series().diff().dropna()
        common = steps.mode().iloc[0]
        if args.fill == "none":
            bad = int(np.flatnonzero(steps.to_numpy() != common)[0])
            raise CLIError(
                f"dates in {date_col!r} are not regularly spaced (gap or uneven step after "
                f"{df.index[bad].date()}); fill the gaps with --fill interpolate or --fill ffill"
            )
        full = pd.date_range(df.index[0], df.index[-1], freq=common, name=date_col)
        df = df.reindex(full)
        freq = frequency(df.index)
    df.index = pd.DatetimeIndex(df.index, freq=freq)
    if freq is not None and freq.freqstr.lstrip("0123456789")[:1] in _PERIODS:
        df.index = df.index.to_period()
    return df


def _check_outputs(args: argparse.Namespace) -> None:
    """Refuse, before any fitting, an output or plot path that is the input or cannot be written."""
    import os

    for flag, path in (("--output", args.output), ("--plot", args.plot)):
        if path is None:
            continue
        target = os.path.abspath(path)
        if args.csv is not None and os.path.exists(target) and os.path.exists(args.csv) and os.path.samefile(target, args.csv):
            raise CLIError(f"{flag} {path} is the input CSV; refusing to overwrite it")
        folder = os.path.dirname(target)
        if not os.path.isdir(folder):
            raise CLIError(f"cannot write {flag} {path}: the directory {folder} does not exist")
        if os.path.isdir(target) or not os.access(folder, os.W_OK) or os.path.exists(target) and not os.access(target, os.W_OK):
            raise CLIError(f"cannot write {flag} {path}: not a writable file path")


def _write_table(table, path: str, **to_csv) -> None:
    """Write ``table`` to ``path`` atomically: a temporary file in the same directory, then a rename."""
    import os
    import tempfile

    target = os.path.abspath(path)
    folder = os.path.dirname(target)
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".sklstm-", suffix=".csv")
    except OSError as exc:
        raise CLIError(f"cannot write --output {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w") as handle:
            table.to_csv(handle, **to_csv)
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise


def _forecaster(args: argparse.Namespace):
    import_tensorflow_quietly()  # before anything imports TensorFlow: the command's stderr is for its own messages
    import sklstm

    from ..forecasting._local import LSTMForecaster

    # The vanilla model is the forecaster's own default network; the others fit residuals of its ridge alike.
    network = None if args.model == "vanilla" else getattr(sklstm, MODELS[args.model])(linear_baseline=False)
    strategy = "direct" if args.model == "encoder-decoder" else "recursive"
    forecaster = LSTMForecaster(
        network,
        n_steps_in="auto" if args.n_steps_in is None else args.n_steps_in,
        strategy=strategy,
        horizon=args.horizon,
        n_models=3 if args.n_models is None else args.n_models,
        random_state=args.random_state,
        verbose=_verbosity(args),
    )
    if args.epochs is not None:
        forecaster.set_params(estimator__epochs=args.epochs)
    return forecaster


def describe_selection(forecaster) -> str:
    """One line on what a fitted ``LSTMForecaster`` combined and whether its networks were used."""
    chosen = forecaster.selection_
    weights = ", ".join(f"{name} {w:.2f}" for name, w in chosen.member_weights.items())
    return f"season {forecaster.season_length_}; member weights {weights}; networks {chosen.networks}"


def _verbosity(args: argparse.Namespace) -> int:
    """``--verbose``, or by default 1 when stderr is a terminal (progress for people, silence for pipes and logs)."""
    if args.verbose is not None:
        return int(args.verbose)
    return int(sys.stderr.isatty())


def _forecast(args: argparse.Namespace) -> int:
    _check_outputs(args)
    if args.id_col is not None:  # a long CSV of many series: one global model
        from ._panel import forecast_panel

        return forecast_panel(args, _read_csv, _write_table, verbose=_verbosity(args))
    series = _load_series(args)
    with contextlib.redirect_stdout(sys.stderr):  # progress bars are diagnostics: stdout holds the result only
        forecaster = _forecaster(args).fit(series)
        table = forecaster.predict_interval(args.horizon, coverage=args.coverage)
    if _verbosity(args):
        print(f"sklstm: {describe_selection(forecaster)}", file=sys.stderr)
    print(table.round(2).to_string())
    if args.output:
        _write_table(table, args.output)
    if args.plot:
        from ..plotting import plot_forecast

        point = table.iloc[:, 0]
        title = f"{series.name}: {args.horizon}-step forecast"
        plot_forecast(series, point, table, title=title, history=8 * args.horizon).savefig(args.plot)
    return 0


def _backtest(args: argparse.Namespace) -> int:
    from ..forecasting._local import backtest

    _check_outputs(args)
    series = _load_series(args)
    with contextlib.redirect_stdout(sys.stderr):  # progress bars are diagnostics: stdout holds the result only
        table = backtest(
            _forecaster(args), series, horizon=args.horizon, n_folds=args.folds, window=args.window,
            season_length=args.season_length or "auto",
        )
    print(table.round({c: 3 for c in ("mae", "rmse", "mape", "mase")}).to_string(index=False))
    print(f"mean MASE {table['mase'].mean():.3f} (season_length={table.attrs['season_length']})")
    if args.output:
        _write_table(table, args.output, index=False)
    if args.plot:
        from ..plotting import plot_backtest

        plot_backtest(series, table, title=f"{series.name}: backtest").savefig(args.plot)
    return 0


def _add_series_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("csv", nargs="?", help="CSV file (default: the bundled monthly airline passengers)")
    p.add_argument("--target", help="column to forecast (default: the first column after --date-col)")
    p.add_argument("--date-col", help="column of dates; they must be regularly spaced")
    p.add_argument("--horizon", type=_positive_int, default=12, help="steps to forecast (default 12)")
    p.add_argument("--model", choices=sorted(MODELS), default="vanilla", help="architecture (default vanilla)")
    p.add_argument("--n-steps-in", type=_positive_int, help="window length (default: chosen on the end of the series)")
    p.add_argument("--epochs", type=_positive_int, help="training epochs (default: the model's)")
    p.add_argument("--n-models", type=_positive_int, help="seed ensemble size (default 3; with --id-col 2 per window length)")
    p.add_argument("--random-state", type=int, default=0, help="seed (default 0)")
    p.add_argument("--plot", metavar="PNG", help="write a plot to this PNG file")
    p.add_argument("--output", metavar="CSV", help="write the table to this CSV file")
    p.add_argument("--fill", choices=["none", "interpolate", "ffill"], default="none",
                   help="fill missing values and date gaps: linear interpolation or the last value (default: "
                   "none, an error names the first one)")
    p.add_argument("--verbose", type=int, choices=[0, 1],
                   help="1: what is fitted and a progress bar per network, on stderr; 0: quiet "
                   "(default: 1 when stderr is a terminal)")


def _positive_int(text: str) -> int:
    """An argparse type: a positive integer (checked before any work; argparse exits 2 naming the option)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {value}")
    return value


def _coverage(text: str) -> float:
    """An argparse type: a coverage strictly between 0 and 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number between 0 and 1, got {text!r}") from None
    if not 0 < value < 1:
        hint = f" ({value / 100:g} for {value:g}%)" if 1 < value < 100 else ""
        raise argparse.ArgumentTypeError(f"must be between 0 and 1{hint}, got {value:g}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sklstm",
        description="LSTM forecasting models as scikit-learn estimators.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    fc = sub.add_parser("forecast", help="forecast a series from a CSV (or the bundled airline data)",
                        description="Fit an LSTM forecaster and print the next --horizon values with a "
                        "conformal interval (--coverage, default 0.9).")
    _add_series_options(fc)
    fc.add_argument("--coverage", type=_coverage, default=0.9, help="interval coverage (default 0.9)")
    fc.add_argument("--id-col", help="a long CSV of many series: the column naming each series (one global model)")
    fc.set_defaults(func=_forecast)
    bt = sub.add_parser("backtest", help="rolling-origin evaluation of the forecaster",
                        description="Evaluate the forecaster over the last --folds x --horizon steps "
                        "(expanding window by default) and print MAE, RMSE, MAPE and MASE per fold.")
    _add_series_options(bt)
    bt.add_argument("--folds", type=_positive_int, default=3, help="number of folds (default 3)")
    bt.add_argument("--window", choices=["expanding", "sliding"], default="expanding")
    bt.add_argument("--season-length", type=_positive_int,
                    help="MASE seasonality (default: from the dates, else detected in the series)")
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
    except KeyboardInterrupt:
        print(f"sklstm {args.command}: interrupted", file=sys.stderr)
        return 130


