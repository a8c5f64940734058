"""``sklstm forecast --id-col ID``: a long CSV of many series, one global model (:class:`GlobalLSTMForecaster`)."""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import Any

__all__ = ["forecast_panel"]


def _panel_columns(df: Any, args: argparse.Namespace) -> tuple[str, str, str]:
    """The id, date and value columns of a long CSV: as given, else ``ds``/``y`` or the first that fit."""
    import pandas as pd

    columns = list(df.columns)
    for flag, name in (("--id-col", args.id_col), ("--date-col", args.date_col), ("--target", args.target)):
        if name is not None and name not in columns:
            raise ValueError(f"{flag} {name!r} is not a column of {args.csv}; columns: {columns}")
    others = [c for c in columns if c != args.id_col]
    date_col = args.date_col or ("ds" if "ds" in others else next(
        (c for c in others if pd.to_datetime(df[c].astype(str), errors="coerce", format="mixed").notna().all()
         and df[c].dtype.kind in "OSU"), None))
    if date_col is None:
        raise ValueError(f"no column of {args.csv} reads as dates; name it with --date-col (columns: {columns})")
    rest = [c for c in others if c != date_col]
    target = args.target or ("y" if "y" in rest else next((c for c in rest if df[c].dtype.kind in "fiu"), None))
    if target is None:
        raise ValueError(f"no numeric column to forecast in {args.csv}; name it with --target (columns: {columns})")
    return args.id_col, date_col, target


def read_long_csv(args: argparse.Namespace, read_csv: Any) -> tuple[Any, tuple[str, str, str]]:
    """The long panel of ``args.csv`` with parsed dates, and its id, date and value column names."""
    import pandas as pd

    df = read_csv(args.csv)
    id_col, date_col, target = _panel_columns(df, args)
    if df[date_col].dtype.kind in "OSU":
        dates = pd.to_datetime(df[date_col].astype(str), errors="coerce", format="mixed")
        if dates.isna().any():
            row = int(dates.isna().to_numpy().argmax())
            raise ValueError(f"column {date_col!r} has a value that is not a date, {df[date_col].iloc[row]!r}, "
                             f"in data row {row + 1}")
        df[date_col] = dates
    return df, (id_col, date_col, target)


def forecast_panel(args: argparse.Namespace, read_csv: Any, write_table: Any, verbose: int) -> int:
    """Fit one global model on every series of a long CSV; print each series' forecast and interval."""
    from sklearn.base import clone

    from ..forecasting._global import GlobalLSTMForecaster, default_network

    if args.csv is None:
        raise ValueError("--id-col needs a CSV file of many series in long format (id, date, value columns)")
    if args.model != "vanilla":
        raise ValueError(f"--model {args.model} is for a single series; with --id-col the global model trains the "
                         "vanilla network")
    frame, (id_col, date_col, target) = read_long_csv(args, read_csv)
    network = None if args.epochs is None else clone(default_network()).set_params(epochs=args.epochs)
    forecaster = GlobalLSTMForecaster(
        network, n_steps_in="auto" if args.n_steps_in is None else args.n_steps_in, horizon=args.horizon,
        n_models=2 if args.n_models is None else args.n_models,
        id_col=id_col, time_col=date_col, target_col=target, random_state=args.random_state, verbose=verbose,
    )
    print(f"sklstm: {frame[id_col].nunique()} series in {args.csv} ({id_col!r}, dates {date_col!r}, values "
          f"{target!r}): one global model", file=sys.stderr)
    with contextlib.redirect_stdout(sys.stderr):  # progress bars are diagnostics: stdout holds the result only
        table = forecaster.fit(frame).predict_interval(args.horizon, coverage=args.coverage)
    print(table.round(2).to_string(index=False))
    if args.output:
        write_table(table, args.output, index=False)
    return 0
