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
from collections.abc import Callable, Sequence

from ._data import CLIError, SeriesInput, check_folds, check_interval_reach, future_covariates, load_series, say
from ._files import check_outputs, emit_table, save_figure
from ._progress import forecaster_verbosity, progress
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


#: The exit status of a command whose stdout was closed by its reader (128 + SIGPIPE, as the shell reports
#: a Unix tool that the signal ended).
BROKEN_PIPE = 141

MODELS = {
    "vanilla": "VanillaLSTMRegressor",
    "stacked": "StackedLSTMRegressor",
    "bidirectional": "BidirectionalLSTMRegressor",
    "cnn-lstm": "CNNLSTMRegressor",
    "convlstm": "ConvLSTMRegressor",
    "encoder-decoder": "EncoderDecoderLSTMRegressor",
}


#: ``--model pretrained``: the pretrained network, zero-shot; these options have nothing to act on there.
PRETRAINED = "pretrained"
_NOT_PRETRAINED = {"--id-col": "id_col", "--future-cols": "future_cols", "--future": "future", "--past-cols": "past_cols",
                   "--n-steps-in": "n_steps_in", "--epochs": "epochs", "--n-models": "n_models"}


def check_model_options(args: argparse.Namespace) -> None:
    """``--model pretrained`` with an option it cannot use is an error naming them all, before any work."""
    if args.model != PRETRAINED:
        return
    given = [flag for flag, name in _NOT_PRETRAINED.items() if getattr(args, name, None) is not None]
    if given:
        raise CLIError(f"--model pretrained forecasts each series zero-shot: no covariates, no training, one series "
                       f"(or several target columns) at a time; drop {', '.join(given)}")


def _forecaster(args: argparse.Namespace):
    if args.model == PRETRAINED:  # no training, so no TensorFlow
        from ..forecasting._pretrained import PretrainedLSTMForecaster

        return PretrainedLSTMForecaster(horizon=args.horizon, season_length=args.season_length or "auto",
                                        random_state=args.random_state, verbose=forecaster_verbosity(args.verbose))
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
        season_length=args.season_length or "auto",
        n_models=3 if args.n_models is None else args.n_models,
        random_state=args.random_state,
        verbose=forecaster_verbosity(args.verbose),
    )
    if args.epochs is not None:
        forecaster.set_params(estimator__epochs=args.epochs)
    return forecaster


def describe_selection(forecaster) -> str:
    """One line on what a fitted ``LSTMForecaster`` combined and whether its networks were used."""
    if not hasattr(forecaster, "selection_"):  # the pretrained network
        return f"season {forecaster.season_length_}; the pretrained LSTM, zero-shot (no training)"
    chosen = forecaster.selection_
    weights = ", ".join(f"{name} {w:.2f}" for name, w in chosen.member_weights.items())
    return f"season {forecaster.season_length_}; member weights {weights}; networks {chosen.networks}"


def _series(args: argparse.Namespace) -> SeriesInput:
    """The series of a single-series command, checked (with its covariates) before any work."""
    for flag, value in (("--static-cols", args.static_cols), ("--plot-ids", args.plot_ids),
                        ("--series-identity", args.series_identity), ("--deseasonalize", args.deseasonalize)):
        if value is not None:
            raise CLIError(f"{flag} is for a long CSV of many series: name its id column with --id-col")
    check_outputs(args)
    return load_series(args)


def _forecast(args: argparse.Namespace) -> int:
    check_model_options(args)
    if args.id_col is not None:  # a long CSV of many series: one global model
        from ._panel import forecast_panel

        return forecast_panel(args)
    data = _series(args)
    if args.model != PRETRAINED:  # the pretrained model checks its own reach (it calibrates differently)
        check_interval_reach(args.horizon, len(data.y))
    future = future_covariates(data, args.horizon)
    with progress(args.verbose):
        forecaster = _forecaster(args).fit(data.y, data.X, data.X_past)
        table = forecaster.predict_interval(args.horizon, coverage=args.coverage, X=future)
    if args.verbose != 0:
        say(describe_selection(forecaster))
    emit_table(table, args.output, 2)
    if args.plot:
        from ..plotting import plot_forecast

        point = table.iloc[:, 0]
        title = f"{data.y.name}: {args.horizon}-step forecast"
        save_figure(plot_forecast(data.y, point, table, title=title, history=8 * args.horizon), args.plot)
    return 0


def _backtest(args: argparse.Namespace) -> int:
    check_model_options(args)
    if args.id_col is not None:
        from ._panel import backtest_panel

        return backtest_panel(args)
    from ..forecasting._backtesting import backtest

    data = _series(args)
    check_folds(args, len(data.y), f"the series has {len(data.y)} steps")
    with progress(args.verbose):
        table = backtest(_forecaster(args), data.y, data.X, data.X_past, horizon=args.horizon, n_folds=args.folds,
                         window=args.window, season_length=args.season_length or "auto")
    emit_table(table, args.output, 3, index=False,
               summary=f"mean MASE {table['mase'].mean():.3f} (season_length={table.attrs['season_length']})")
    if args.plot:
        from ..plotting import plot_backtest

        save_figure(plot_backtest(data.y, table, title=f"{data.y.name}: backtest"), args.plot)
    return 0


def _add_series_options(p: argparse.ArgumentParser) -> None:
    """The options of both ``forecast`` and ``backtest``: the data, the model, the outputs."""
    data = p.add_argument_group("data")
    data.add_argument("csv", nargs="?", help="CSV file, or - for stdin (default: the bundled monthly airline "
                      "passengers)")
    data.add_argument("--target", help="column to forecast (default: the first column after --date-col)")
    data.add_argument("--date-col", help="column of dates (default: the first column, when it holds dates, "
                      "periods such as 1998 Q1, 1998M01 or 1998 W05, or whole years or other dates and is named like "
                      "a time: year, date, quarter...); whole numbers counting the steps (1, 2, 3...) there are "
                      "read as steps, not as a series")
    data.add_argument("--dayfirst", action="store_true", help="read numeric dates day first: 02/01/2023 is 2 January")
    data.add_argument("--future-cols", metavar="COLS",
                      help="comma-separated future-known covariates (promo,price): their values for the forecast "
                      "come from rows after the target's last value, or from --future")
    data.add_argument("--future", metavar="CSV", help="a CSV with the date column and the --future-cols values of the "
                      "forecast steps")
    data.add_argument("--past-cols", metavar="COLS",
                      help="comma-separated past-only covariates (visits,temperature): observed with the series, "
                      "unknown ahead (a panel's global model reads them lagged by --horizon)")
    data.add_argument("--id-col", help="a long CSV of many series: the column naming each series (one global model)")
    data.add_argument("--static-cols", metavar="COLS",
                      help="with --id-col: comma-separated columns holding one value per series (numbers, or "
                           "text as categories)")
    data.add_argument("--fill", choices=["none", "interpolate", "ffill"], default="none",
                      help="fill empty cells and date gaps: linear interpolation or the last value (default: "
                      "none, an error names the first one); text in a number column stays an error")
    data.add_argument("--season-length", type=_positive_int,
                      help="season in steps, also MASE's (default: from the dates, else detected in the series)")
    model = p.add_argument_group("model")
    model.add_argument("--horizon", type=_positive_int, default=12, help="steps to forecast (default 12)")
    model.add_argument("--model", choices=sorted([*MODELS, PRETRAINED]), default="vanilla",
                       help="architecture (default vanilla); pretrained: the pretrained LSTM, zero-shot, in a second "
                            "(no training, no covariates)")
    model.add_argument("--n-steps-in", type=_positive_int, help="window length (default: chosen on the end of the "
                       "series)")
    model.add_argument("--epochs", type=_positive_int, help="training epochs (default: the model's)")
    model.add_argument("--n-models", type=_positive_int,
                       help="seed ensemble size (default 3; with --id-col 2 per window length)")
    model.add_argument("--random-state", type=_seed, default=0, help="seed (default 0)")
    model.add_argument("--series-identity", choices=["none", "one-hot", "embedding"],
                       help="with --id-col: give the global model each series' identity, one input column per "
                            "series (one-hot, at most 1,000 series) or learned values (embedding); default none")
    model.add_argument("--deseasonalize", choices=["auto", "all", "none"],
                       help="with --id-col: take the season out of each series that shows one before the global "
                            "model's networks see it, and put it back into their forecasts: for every other network, "
                            "averaged with the others that read the series as given (auto, the default), for every "
                            "network (all), or for none (none)")
    output = p.add_argument_group("output")
    output.add_argument("--plot", metavar="PNG", help="write a plot to this PNG file (with --id-col: a grid of series)")
    output.add_argument("--plot-ids", metavar="IDS", help="with --id-col --plot: comma-separated series to draw "
                        "(default: the first six)")
    output.add_argument("--output", metavar="CSV", help="write the table to this CSV file; - writes it to stdout "
                        "as CSV in place of the printed table")
    output.add_argument("--verbose", type=int, choices=[0, 1],
                        help="1: what is fitted and a progress bar per network, on stderr; 0: quiet (default: bars "
                        "on a terminal, else a progress line every few seconds)")


def _positive_int(text: str) -> int:
    """An argparse type: a positive integer (checked before any work; argparse exits 2 naming the option)."""
    return _int_at_least(text, 1, "a positive integer")


def _seed(text: str) -> int:
    """An argparse type: a seed, an integer from 0 (what NumPy and scikit-learn accept)."""
    return _int_at_least(text, 0, "an integer of 0 or more")


def _int_at_least(text: str, smallest: int, what: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be {what}, got {text!r}") from None
    if value < smallest:
        raise argparse.ArgumentTypeError(f"must be {what}, got {value}")
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
    fc.add_argument("--coverage", type=_coverage, default=0.9, help="interval coverage (default 0.9, a 90%% interval)")
    fc.set_defaults(func=_forecast, window="expanding")
    bt = sub.add_parser("backtest", help="rolling-origin evaluation of the forecaster",
                        description="Evaluate the forecaster over the last --folds x --horizon steps "
                        "(expanding window by default) and print MAE, RMSE, MAPE and MASE per fold.")
    _add_series_options(bt)
    bt.add_argument("--folds", type=_positive_int, default=3, help="number of folds (default 3)")
    bt.add_argument("--window", choices=["expanding", "sliding"], default="expanding")
    bt.set_defaults(func=_backtest)
    tut = sub.add_parser(
        "tutorial",
        help="fit the tutorial's eleven setups and print a table",
        description="Fit the tutorial's eleven setups through sklstm and print setup, ideal value, "
        "the tutorial's own printed output, sklstm's prediction, error and fit seconds.",
    )
    tut.add_argument("--random-state", type=_seed, default=0, help="seed for every fit (default 0)")
    tut.add_argument("--setup", action="append", help="run only this setup (repeatable)")
    tut.set_defaults(func=_tutorial)
    return parser


def _warning_line(command: str) -> Callable[..., None]:
    """Print a warning as one diagnostic line on stderr, not Python's file, line number and source line."""

    def show(message, category, filename, lineno, file=None, line=None) -> None:
        print(f"sklstm {command}: warning: {message}", file=sys.stderr, flush=True)

    return show


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        with warnings.catch_warnings():  # restored on return: only this command's warnings are reworded
            warnings.showwarning = _warning_line(args.command)
            return args.func(args)
    except (CLIError, ValueError) as exc:
        print(f"sklstm {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"sklstm {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # stdout's reader has gone (`sklstm forecast | head -3`): stop quietly, as Unix tools do
        return BROKEN_PIPE


