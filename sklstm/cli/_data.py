"""Reading the command's CSV files: one series with its covariates, or a long CSV of many series.

pandas and numpy only (no TensorFlow): every problem in the data is found, and
named by its column, row or date, before any fitting. ``--fill`` fills date
gaps and empty cells; a cell that holds text stays an error.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import re
import sys
import warnings
from typing import Any

import numpy as np

from ..forecasting._series import frequency, future_index

__all__ = ["CLIError", "PanelInput", "SeriesInput", "check_folds", "load_panel", "load_series", "read_csv", "split_names"]


class CLIError(Exception):
    """A user-facing error: printed as one line, exit status 2."""


@dataclasses.dataclass
class SeriesInput:
    """One series: its history ``y``, future-known covariates ``X`` over it, ``X_future`` after it, and
    past-only covariates ``X_past`` over it."""

    y: Any
    X: Any = None
    X_future: Any = None
    X_past: Any = None


@dataclasses.dataclass
class PanelInput:
    """A long panel with parsed dates and filled gaps, its column names, and static covariates per series."""

    frame: Any
    id_col: str
    date_col: str
    target: str
    static: Any = None
    X: Any = None  # future-known covariates, long (id, date, one column each), past and forecast steps
    X_past: Any = None  # past-only covariates, long, at each series' own dates


def say(message: str) -> None:
    """A diagnostic on stderr (the command's stdout holds its result only)."""
    print(f"sklstm: {message}", file=sys.stderr, flush=True)


def split_names(text: str | None) -> list[str]:
    """``"promo, price"`` as ``["promo", "price"]`` (an option naming columns)."""
    return [] if text is None else [name.strip() for name in text.split(",") if name.strip()]


#: The file name that means the standard streams: ``sklstm forecast -`` reads stdin, ``--output -`` writes stdout.
STDIO = "-"


def _pandas() -> Any:
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - only without pandas
        raise CLIError('this command needs pandas: pip install "sklstm[pandas]"') from exc
    return pd


def read_csv(path: str) -> Any:
    """The CSV at ``path`` as a DataFrame of text and numbers; a missing, empty or unreadable file is a CLIError.

    Fields are separated by commas, or by semicolons, tabs or bars when the
    header holds no comma but one of those (a semicolon-separated file's
    numbers may have decimal commas, as spreadsheets in many locales write
    them). A data row with more fields than the header is an error, never a
    shifted table.
    """
    pd = _pandas()
    if "://" in path:
        raise CLIError(f"{path} looks like a URL; sklstm reads local files only (download it first)")
    source: Any = path
    if path == STDIO:  # read once: the header is read twice
        source = io.StringIO(sys.stdin.read())
        path = "stdin"
    try:
        sep = _separator(list(pd.read_csv(source, nrows=0).columns))
        if hasattr(source, "seek"):
            source.seek(0)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            # index_col=False: rows longer than the header must not turn their first field into an index.
            # Compressed local files (.gz, .bz2, .zip, .xz, .zst) are read too.
            df = pd.read_csv(source, sep=sep, decimal="," if sep == ";" else ".", index_col=False)
    except FileNotFoundError:
        raise CLIError(f"no such file: {path}") from None
    except pd.errors.EmptyDataError:
        raise CLIError(f"{path} is empty: expected a header row and data rows") from None
    except IsADirectoryError:
        raise CLIError(f"{path} is a directory, not a CSV file") from None
    except (pd.errors.ParserError, UnicodeDecodeError, OSError) as exc:
        raise CLIError(f"cannot read {path} as CSV: {exc}") from None
    if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
        raise CLIError(f"{path} has data rows with more fields than its header's {len(df.columns)} "
                       f"({', '.join(map(str, df.columns))}); check the separator and the header")
    if len(df) == 0:
        raise CLIError(f"{path} has a header but no data rows")
    return df


def _separator(header: list) -> str:
    """The field separator a CSV's ``header`` (as read with commas) shows: a comma, or ``;``, a tab or ``|`` when
    the header is one field holding one of them."""
    if len(header) == 1:
        for sep in (";", "\t", "|"):
            if sep in str(header[0]):
                return sep
    return ","


# ----------------------------------------------------------------------------- dates
# 2022-01-31, 2022-01-31 10:00, 2022-01, 2022-01-31T10:00:00.5+01:00
_ISO = r"^\d{4}-\d{2}(-\d{2})?([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$"
_OFFSET = r"(Z|[+-]\d{2}:?\d{2})$"  # a time-zone offset at the end of an ISO time
_NUMERIC_DAY = r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})$"  # 02/01/2023, 2.1.23: day or month first
# Periods as R's tsibble and statistical offices write them: 1998 Q1, 1998-Q1, Q1 1998, 1998M01, 1998 W05 (ISO week)
_PERIOD_AFTER = r"^(\d{4})\s*-?\s*([QMW])(\d{1,2})$"
_PERIOD_BEFORE = r"^Q([1-4])\s*-?\s*(\d{4})$"


def _text(column: Any) -> Any:
    return column.astype(str).str.strip()


def looks_like_dates(column: Any) -> bool:
    """True when every value of a text column reads as an ISO date or a numeric day/month/year date."""
    pd = _pandas()
    if column.dtype.kind not in "OSU":
        return False
    text = _text(column)
    if text.str.match(_ISO).all():
        wall = text.str.replace(_OFFSET, "", regex=True)
        return bool(pd.to_datetime(wall, errors="coerce", format="ISO8601").notna().all())
    return bool(text.str.match(_NUMERIC_DAY).all()) or _period_text(text) is not None


def _period_text(text: Any) -> Any:
    """The first days of the quarters, months or ISO weeks that text like ``1998 Q1`` names (NaT where the
    number is out of range), or None unless every value is such a period, all of one kind."""
    pd = _pandas()
    upper = text.str.upper()
    after = upper.str.extract(_PERIOD_AFTER)
    if after.notna().all(axis=None) and after[1].nunique() == 1:
        year, kind, part = after[0].astype(int), after[1].iloc[0], after[2].astype(int)
    else:
        before = upper.str.extract(_PERIOD_BEFORE)
        if not len(text) or not before.notna().all(axis=None):
            return None
        year, kind, part = before[1].astype(int), "Q", before[0].astype(int)
    if kind == "W":
        valid = (part >= 1) & (part <= 53)
        iso = year.astype(str) + "-W" + part.astype(str).str.zfill(2) + "-1"
        dates = pd.to_datetime(iso, format="%G-W%V-%u", errors="coerce")
        return dates.where(valid & (dates.dt.isocalendar().week.astype(float) == part))  # no week 53 in 52-week years
    month = 3 * (part - 1) + 1 if kind == "Q" else part
    valid = (part >= 1) & (part <= (4 if kind == "Q" else 12))
    return pd.to_datetime(pd.DataFrame({"year": year, "month": month.where(valid), "day": 1}), errors="coerce")


def _year_months(column: Any) -> bool:
    """Whether a column of whole numbers holds years and months written together (199801 for January 1998)."""
    if column.dtype.kind not in "iu" or not len(column):
        return False
    values = column.to_numpy()
    return bool((values >= 100001).all() and (values <= 299912).all() and np.isin(values % 100, range(1, 13)).all())


def _whole_numbers_not_dates(column: Any) -> bool:
    """Whether a column holds whole numbers that read as no years or year-months: time steps, if anything."""
    return column.dtype.kind in "iu" and not _reads_as_dates(column)


def _step_counter(column: Any) -> bool:
    """Whether a column of whole numbers counts time steps (1, 2, 3, ... or any constant positive step) and
    reads as no years or year-months."""
    return len(column) > 1 and _whole_numbers_not_dates(column) and _irregular_step(column.to_numpy()) is None


def _irregular_step(values: np.ndarray) -> int | None:
    """Where whole-number time steps stop increasing by their smallest step (a gap, or a step back), else None."""
    steps = np.diff(values)
    if not len(steps):
        return None
    bad = np.flatnonzero(steps <= 0) if steps.min() <= 0 else np.flatnonzero(steps != steps.min())
    return int(bad[0]) if len(bad) else None


def _numeric_day(text: Any, dayfirst: bool) -> Any:
    """Numeric dates read day first or month first (NaT where that reading is no date)."""
    pd = _pandas()
    parts = text.str.extract(_NUMERIC_DAY)
    first, second, year = parts[0].astype(int), parts[2].astype(int), parts[3]
    year = year.astype(int).where(year.str.len() == 4, 2000 + year.astype(int))
    day, month = (first, second) if dayfirst else (second, first)
    return pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": day}), errors="coerce")


def _regular(dates: Any) -> bool:
    return bool(dates.notna().all() and dates.is_monotonic_increasing and dates.is_unique)


def parse_dates(column: Any, name: str, dayfirst: bool) -> Any:
    """The dates of ``column`` (a Series of datetimes); an unreadable value is a CLIError naming its row.

    ISO dates (``2023-01-31``, ``2023-01``) read as such. Numeric dates
    (``02/01/2023``) read month first unless ``dayfirst``; when only the
    day-first reading gives increasing dates, the error says ``--dayfirst``,
    and when both readings do, a note on stderr says which one was used.
    """
    pd = _pandas()
    if column.dtype.kind == "M":
        return column
    text = _text(column)
    if _year_months(column):
        dates = pd.to_datetime(text, format="%Y%m")
    elif (periods := _period_text(text)) is not None:
        dates = periods
    elif text.str.match(_NUMERIC_DAY).all():
        dates = _numeric_day(text, dayfirst)
        other = _numeric_day(text, not dayfirst)
        differ = np.flatnonzero((dates != other).to_numpy())
        example = int(differ[0]) if len(differ) else 0  # a value the two readings tell apart
        if not dayfirst and not _regular(dates) and _regular(other):
            raise CLIError(f"the dates in {name!r} read day first ({text.iloc[example]} is "
                           f"{other.iloc[example]:%-d %B %Y}): pass --dayfirst")
        if not dayfirst and _regular(dates) and _regular(other) and len(differ):
            say(f"the dates in {name!r} read month first ({text.iloc[example]} is {dates.iloc[example]:%-d %B %Y}); "
                "pass --dayfirst if they are day first")
    elif text.str.match(_ISO).all():
        offsets = text.str.extract(_OFFSET)[0].dropna()
        if len(offsets):  # local times as written: a daylight-saving change would otherwise shift the grid
            say(f"the dates in {name!r} carry time-zone offsets ({', '.join(sorted(offsets.unique())[:3])}): read "
                "as the local times written, without the offsets")
        dates = pd.to_datetime(text.str.replace(_OFFSET, "", regex=True), errors="coerce", format="ISO8601")
    else:
        dates = pd.to_datetime(text, errors="coerce", format="mixed", dayfirst=dayfirst)
    if dates.isna().any():
        row = int(np.flatnonzero(dates.isna())[0])
        value = column.iloc[row]
        value = value.item() if isinstance(value, np.generic) else value  # 1, not np.int64(1)
        kind = " (the column holds numbers, not dates)" if column.dtype.kind in "iuf" else ""
        raise CLIError(f"column {name!r} has a value that is not a date, {value!r}, in data row {row + 1}{kind}")
    return dates


_PERIODS = ("W", "M", "Q", "A", "Y")  # frequencies printed as periods (2024-05), not timestamps


def _prints_as_period(freq: Any) -> bool:
    """Whether dates of the pandas offset ``freq`` print as periods (weeks, months, quarters, years)."""
    return freq is not None and freq.freqstr.lstrip("0123456789")[:1] in _PERIODS


def as_periods(table: Any, columns: list, dates: Any) -> Any:
    """``table``'s date ``columns`` as periods (2016Q1, 2016-05) where ``dates`` (one series' own) are monthly,
    quarterly, yearly or weekly, as a single series' forecast prints them; otherwise ``table`` unchanged."""
    pd = _pandas()
    if not pd.api.types.is_datetime64_any_dtype(dates) or len(dates) < 3:
        return table
    index = pd.DatetimeIndex(dates)
    freq = frequency(index)
    if not _prints_as_period(freq):
        return table
    period = pd.DatetimeIndex(index, freq=freq).to_period().freq
    return table.assign(**{c: pd.DatetimeIndex(table[c]).to_period(period) for c in columns if c in table})


def _grid(index: Any) -> Any:
    """The regular dates from ``index[0]`` to ``index[-1]`` that hold every date of ``index`` (month ends and
    starts, quarters, years, weeks, else the greatest common step), or None when only a far denser grid would."""
    pd = _pandas()
    first = index[0]
    calendar = ["MS", "ME", "QS", "QE", "YS", "YE", f"W-{first.day_name()[:3].upper()}"]
    for freq in calendar:
        grid = pd.date_range(first, index[-1], freq=freq)
        if len(grid) and grid[0] == first and grid[-1] == index[-1] and index.isin(grid).all():
            return grid
    step = int(np.gcd.reduce(np.diff(index.asi8)))
    grid = pd.date_range(first, index[-1], freq=pd.Timedelta(step, "ns"))
    return grid if len(grid) <= 10 * len(index) else None


def _dated(df: Any, dates: Any, name: str, fill: str, source: str, of: str = "") -> Any:
    """``df`` indexed by its regularly spaced ``dates``, date gaps as empty rows when ``fill`` asks for it.

    ``source`` names the data in messages (the file, or a series); ``of`` follows the column's name in them.
    """
    pd = _pandas()
    if len(dates) < 3:
        raise CLIError(f"{source} has {len(dates)} data row(s): too short to read a frequency or forecast from")
    if dates.duplicated().any():
        raise CLIError(f"--date-col {name!r} repeats the date {dates[dates.duplicated()].iloc[0].date()}{of}; "
                       "aggregate the rows of each date first")
    if not dates.is_monotonic_increasing:
        raise CLIError(f"the dates in {name!r}{of} are not in increasing order (newest first?); "
                       "sort the file by date")
    df = df.set_axis(pd.DatetimeIndex(dates, name=name), axis=0)
    freq = frequency(df.index)
    if freq is None:
        grid = _grid(df.index)
        if fill == "none" or grid is None:
            if grid is None:  # the first step unlike the most common one
                steps = np.diff(df.index.asi8)
                values, counts = np.unique(steps, return_counts=True)
                bad = int(np.flatnonzero(steps != values[counts.argmax()])[0])
            else:  # the date before the first one missing from the grid
                bad = int(np.flatnonzero(grid[: len(df)] != df.index)[0]) - 1
            raise CLIError(f"dates in {name!r}{of} are not regularly spaced (gap or uneven step after "
                           f"{df.index[max(bad, 0)].date()}); "
                           + ("fill the gaps with --fill interpolate or --fill ffill" if grid is not None else
                              "no regular frequency holds them all"))
        df = df.reindex(grid.rename(name))
        freq = frequency(df.index)
    df.index = pd.DatetimeIndex(df.index, freq=freq)
    if _prints_as_period(freq):
        df.index = df.index.to_period()
    return df


# ----------------------------------------------------------------------------- values
def numbers(column: Any, name: str, where: Any = None) -> Any:
    """``column`` as floats, empty cells NaN; a cell of text is a CLIError naming the column, row and value."""
    pd = _pandas()
    values = pd.to_numeric(column, errors="coerce")
    text = column.notna() & values.isna() & (_text(column) != "")
    if text.any():
        row = int(np.flatnonzero(text)[0])
        raw = str(column.iloc[row]).strip()
        hint = ""
        if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?", raw):
            hint = "; remove the thousands separators"
        elif looks_like_dates(column.iloc[row : row + 1].astype(str)):
            hint = f"; it looks like a date: pass --date-col {name}"
        at = f"in data row {row + 1}" if where is None else f"at {where[row]}"
        raise CLIError(f"column {name!r} has a non-numeric value {raw!r} {at}{hint}")
    return values.astype(float)


def filled(values: Any, name: str, fill: str, where: Any = None) -> Any:
    """``values`` with empty cells filled as ``--fill`` says; without it, an empty cell is a CLIError naming it."""
    if fill == "interpolate":
        values = values.interpolate(limit_direction="both")
    elif fill == "ffill":
        values = values.ffill().bfill()
    if values.isna().any():
        row = int(np.flatnonzero(values.isna())[0])
        at = f"in data row {row + 1}" if where is None else f"at {where[row]}"
        raise CLIError(f"column {name!r} has a missing value {at}; fill missing values with --fill interpolate or "
                       "--fill ffill")
    return values


# ----------------------------------------------------------------------------- one series
def _columns_exist(columns: list, flags: list[tuple[str, Any]], path: str) -> None:
    for flag, names in flags:
        for name in [names] if isinstance(names, str) else names or []:
            if name not in columns:
                raise CLIError(f"{flag} {name!r} is not a column of {path}; columns: {columns}")


#: Names of a first column that holds time stamps in another form than ISO or day/month/year dates.
_TIME_NAMES = {"date", "ds", "time", "timestamp", "datetime", "period", "year", "month", "quarter", "week", "day"}


def _counts_steps(column: Any, ids: Any) -> bool:
    """Whether a long CSV's time column counts each series' steps in whole numbers (every series in constant
    positive steps: no gaps); a column that reads as years or year-months is dates."""
    if not _whole_numbers_not_dates(column):
        return False
    for key, part in column.groupby(ids, sort=False):
        where = _irregular_step(part.to_numpy())
        if where is not None:
            raise CLIError(f"the time steps in {column.name!r} (series {key!r}) are not increasing in one constant "
                           f"step: {part.iloc[where]}, then {part.iloc[where + 1]}; sort the file and fill the "
                           "missing steps")
    return True


def _steps_column(df: Any, date_col: str | None) -> str | None:
    """The column of whole numbers that counts the time steps (``--date-col``, or a first column named like a
    time), said on stderr; None when there is none."""
    name = date_col
    if name is None and len(df.columns) > 1 and str(df.columns[0]).strip().lower() in _TIME_NAMES:
        name = df.columns[0]
    if name is None or not _step_counter(df[name]):
        return None
    choose = "" if date_col else "; pass --date-col to choose another"
    say(f"using column {name!r} as the time steps (whole numbers, not dates{choose})")
    return name


def find_date_column(df: Any) -> str | None:
    """The first column when it holds dates (used without --date-col, and said on stderr): ISO or numeric
    day/month/year dates, or, when the column is named like a time (``year``, ``date``, ``quarter``...), any
    text pandas reads as dates (``2000Q1``, ``Jan 2015``) or whole years (``1950``)."""
    first = df.columns[0] if len(df.columns) > 1 else None
    if first is not None and holds_dates(first, df[first]):
        say(f"using column {first!r} as the dates (pass --date-col to choose another)")
        return first
    return None


def holds_dates(name: Any, column: Any) -> bool:
    """Whether a column found without --date-col holds the dates: ISO or numeric day/month/year dates, or, when
    it is named like a time, text pandas reads as dates or whole years."""
    return looks_like_dates(column) or str(name).strip().lower() in _TIME_NAMES and _reads_as_dates(column)


def _reads_as_dates(column: Any) -> bool:
    """Whether every value of ``column`` reads as a date: text pandas parses, or whole years (1000 to 2999)."""
    pd = _pandas()
    if column.dtype.kind in "iu":
        years = column.to_numpy()  # their order is checked with the dates (per series in a panel)
        return bool(len(years) and years.min() >= 1000 and years.max() <= 2999) or _year_months(column)
    if column.dtype.kind not in "OSU":
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas' "could not infer format" notes: a check, not the reading
        return bool(pd.to_datetime(_text(column), errors="coerce", format="mixed").notna().all())


def _ignored(columns: list, used: set, hint: str) -> None:
    ignored = [str(c) for c in columns if c not in used]
    if ignored:
        say(f"ignored columns: {', '.join(ignored)} ({hint})")


def load_series(args: argparse.Namespace) -> SeriesInput:
    """The series of ``args.csv`` (or the bundled airline data), its covariates and their future values."""
    pd = _pandas()
    covariates = split_names(args.future_cols)
    past_cols = split_names(args.past_cols)
    if args.csv is None:
        if covariates or args.future or past_cols:
            raise CLIError("--future-cols, --future and --past-cols need a CSV file holding the series and its "
                           "covariates")
        from ..datasets import load_airline

        return SeriesInput(load_airline())
    if args.future and not covariates:
        raise CLIError("--future gives the future values of covariates: name them with --future-cols")
    df = read_csv(args.csv)
    _columns_exist(list(df.columns), [("--date-col", args.date_col), ("--target", args.target),
                                      ("--future-cols", covariates), ("--past-cols", past_cols)], args.csv)
    _disjoint(covariates, past_cols)
    steps_col = _steps_column(df, args.date_col)
    date_col = None
    if steps_col is None:
        date_col = args.date_col if args.date_col is not None else find_date_column(df)
    time_col = steps_col if steps_col is not None else date_col
    target = args.target or next((c for c in df.columns if c != time_col and c not in covariates + past_cols), None)
    if target is None:
        raise CLIError(f"{args.csv} has no column to forecast besides the dates and covariates")
    if target in covariates + past_cols or target == time_col:
        raise CLIError(f"--target {target!r} is also named as {'the dates' if target == time_col else 'a covariate'}")
    _ignored(list(df.columns), {time_col, target, *covariates, *past_cols},
             "name future-known covariates with --future-cols, past-only ones with --past-cols")
    table = df[[target, *covariates, *past_cols]]
    if date_col is not None:
        table = _dated(table, parse_dates(df[date_col], date_col, args.dayfirst), date_col, args.fill, args.csv)
    elif steps_col is not None:  # 1, 2, 3, ...: the forecast's steps continue them
        first, step = int(df[steps_col].iloc[0]), int(df[steps_col].iloc[1] - df[steps_col].iloc[0])
        table = table.set_axis(pd.RangeIndex(first, first + step * len(table), step, name=steps_col), axis=0)
    else:
        table = table.set_axis(pd.RangeIndex(len(table)), axis=0)
    where = None if date_col is None else table.index
    y = numbers(table[target], target, where)
    seen = np.flatnonzero(y.notna().to_numpy())  # rows after the last value hold the covariates of the forecast
    n_history = int(seen[-1]) + 1 if len(seen) else 0
    if n_history == 0:
        raise CLIError(f"column {target!r} has no values")
    if n_history < len(y) and not covariates:
        say(f"the {len(y) - n_history} row(s) after the last value of {target!r} ({y.index[n_history]} on) are not "
            "used: they can give future-known covariates named with --future-cols")
    series = filled(y.iloc[:n_history], target, args.fill, where).rename(target)

    def over_history(columns: list[str]) -> Any:  # covariates' values up to the series' last one, checked and filled
        return pd.DataFrame({c: filled(numbers(table[c].iloc[:n_history], c, where), c, args.fill, where)
                             for c in columns})

    X_past = over_history(past_cols) if past_cols else None
    if not covariates:
        return SeriesInput(series, X_past=X_past)
    X = over_history(covariates)
    later = table[covariates].iloc[n_history:]
    if args.future:
        if len(later):
            raise CLIError(f"{args.csv} has {len(later)} row(s) after the last value of {target!r} and --future "
                           "gives the future covariates too: use one or the other")
        later = _future_file(args, covariates, date_col, series.index)
    return SeriesInput(series, X, later, X_past)


def _disjoint(future_cols: list[str], past_cols: list[str]) -> None:
    both = [c for c in past_cols if c in future_cols]
    if both:
        raise CLIError(f"{both[0]!r} is named by both --future-cols and --past-cols: a covariate is either known "
                       "ahead or only observed")


def _future_file(args: argparse.Namespace, covariates: list[str], date_col: str | None, index: Any) -> Any:
    """The covariates' future values from ``--future FILE``, indexed like the series."""
    pd = _pandas()
    df = read_csv(args.future)
    _columns_exist(list(df.columns), [("--future-cols", covariates)], args.future)
    if date_col is None:
        return df[covariates].set_axis(pd.RangeIndex(index.stop, index.stop + index.step * len(df), index.step), axis=0)
    name = date_col if date_col in df.columns else find_date_column(df)
    if name is None:
        raise CLIError(f"--future {args.future} has no date column {date_col!r}")
    dates = parse_dates(df[name], name, args.dayfirst)
    table = df[covariates].set_axis(pd.DatetimeIndex(dates, name=date_col), axis=0)
    if isinstance(index, pd.PeriodIndex):
        table.index = table.index.to_period(index.freq)
    return table


def future_covariates(data: SeriesInput, horizon: int) -> Any:
    """The covariates of the ``horizon`` forecast steps; a missing one is a CLIError naming the column and date."""
    pd = _pandas()
    if data.X is None:
        return None
    expected = future_index(data.y.index, horizon)
    later = data.X_future
    if later is None or expected is None:  # pragma: no cover - load_series always sets both
        raise CLIError("no future values of the covariates")
    first = later.index[0] if len(later) else None
    if len(later) and later.index[0] <= data.y.index[-1]:
        raise CLIError(f"the future covariates start at {first}, not after the series' last date "
                       f"{data.y.index[-1]}")
    later = later[~later.index.duplicated()].reindex(expected)
    for name in later.columns:
        values = pd.to_numeric(later[name], errors="coerce")
        if values.isna().any():
            when = expected[int(np.flatnonzero(values.isna())[0])]
            raise CLIError(f"covariate {name!r} has no future value for {when}: a {horizon}-step forecast needs "
                           f"its values for {expected[0]} to {expected[-1]} (rows after the last value of "
                           f"{data.y.name!r}, or --future FILE)")
        later[name] = values.astype(float)
    return later


# ----------------------------------------------------------------------------- panels
def _panel_columns(df: Any, args: argparse.Namespace) -> tuple[str, str, str]:
    """The id, date and value columns of a long CSV: as given, else ``ds``/``y`` or the first that fit."""
    columns = list(df.columns)
    _columns_exist(columns, [("--id-col", args.id_col), ("--date-col", args.date_col), ("--target", args.target)],
                   args.csv)
    others = [c for c in columns if c != args.id_col]
    date_col = args.date_col or ("ds" if "ds" in others else next(
        (c for c in others if holds_dates(c, df[c])), None))
    if date_col is None:
        raise CLIError(f"no column of {args.csv} reads as dates; name it with --date-col (columns: {columns})")
    rest = [c for c in others if c != date_col]
    target = args.target or ("y" if "y" in rest else next(iter(rest), None))
    if target is None:
        raise CLIError(f"no column to forecast in {args.csv} besides the ids and dates (columns: {columns})")
    return args.id_col, date_col, target


def _static(df: Any, id_col: str, names: list[str]) -> Any:
    """The columns ``names`` of a long CSV as one row per series; a value that changes within a series is a CLIError.

    Numbers are used as numbers; a column with text is a category (one 0/1
    input per level, as ``GlobalLSTMForecaster.fit(static=...)`` encodes it).
    """
    if not names:
        return None
    table = df[[id_col, *names]]
    for name in names:
        missing = table[name].isna()
        if missing.any():
            raise CLIError(f"--static-cols {name!r} has no value in data row {int(missing.to_numpy().argmax()) + 1} "
                           f"(series {table[id_col].iloc[int(missing.to_numpy().argmax())]!r})")
        changing = table.groupby(id_col, sort=False)[name].nunique(dropna=False) > 1
        if changing.any():
            raise CLIError(f"--static-cols {name!r} changes within series {changing.index[changing.argmax()]!r}: "
                           "a static covariate holds one value per series")
    return table.groupby(id_col, sort=False).first()


def load_panel(args: argparse.Namespace) -> PanelInput:
    """The long CSV of ``args.csv``: dates parsed, each series regular (gaps filled with ``--fill``), values checked."""
    pd = _pandas()
    if args.csv is None:
        raise CLIError("--id-col needs a CSV file of many series in long format (id, date, value columns)")
    covariates = split_names(args.future_cols)
    past_cols = split_names(args.past_cols)
    if args.future and not covariates:
        raise CLIError("--future gives the future values of covariates: name them with --future-cols")
    _disjoint(covariates, past_cols)
    df = read_csv(args.csv)
    id_col, date_col, target = _panel_columns(df, args)
    if df[id_col].isna().any():
        row = int(np.flatnonzero(df[id_col].isna())[0])
        raise CLIError(f"--id-col {id_col!r} is empty in data row {row + 1} ({int(df[id_col].isna().sum())} row(s) in "
                       "all): every row needs its series' id")
    if len(df) > 1 and df[id_col].nunique() == len(df):
        raise CLIError(f"--id-col {id_col!r} holds a different value on every one of the {len(df)} rows, so each "
                       "series would have one row: name the column that says which series a row belongs to")
    static_cols = split_names(args.static_cols)
    _columns_exist(list(df.columns), [("--static-cols", static_cols), ("--future-cols", covariates),
                                      ("--past-cols", past_cols)], args.csv)
    _ignored(list(df.columns), {id_col, date_col, target, *static_cols, *covariates, *past_cols},
             "name per-series constants with --static-cols, covariates with --future-cols or --past-cols")
    steps = _counts_steps(df[date_col], df[id_col])
    dates = df[date_col] if steps else parse_dates(df[date_col], date_col, args.dayfirst)
    values = numbers(df[target], target)
    X = X_past = None
    keep = _up_to_last_value(values, df[id_col])  # each series' rows after its last value hold only covariates
    with_values = set(df[id_col][keep])  # once: a panel may hold thousands of series
    empty = [key for key in dict.fromkeys(df[id_col]) if key not in with_values]
    if empty:
        raise CLIError(f"series {empty[0]!r} has no values of {target!r}" + (f" ({len(empty)} series in all)"
                                                                                if len(empty) > 1 else ""))
    if covariates:  # the covariates of each series' forecast steps
        X = pd.DataFrame({id_col: df[id_col], date_col: dates, **{c: numbers(df[c], c) for c in covariates}})
        if args.future:
            X = pd.concat([X[keep], _panel_future_file(args, covariates, id_col, date_col)], ignore_index=True)
    elif not keep.all():
        say(f"the {int((~keep).sum())} row(s) after each series' last value of {target!r} are not used: they can "
            "give future-known covariates named with --future-cols")
    df, dates, values = df[keep], dates[keep], values[keep]
    if past_cols:  # observed with the series, at its own dates
        X_past = pd.DataFrame({id_col: df[id_col], date_col: dates, **{c: numbers(df[c], c) for c in past_cols}})
    parts, periods = [], None
    if steps:
        say(f"using column {date_col!r} as the time steps of each series (whole numbers, not dates)")
    for key, rows in pd.DataFrame({date_col: dates, target: values}).groupby(df[id_col], sort=False):
        if steps:  # each series' own 1, 2, 3, ...
            series = rows[[target]].set_axis(pd.Index(rows[date_col].to_numpy(), name=date_col), axis=0)
        else:
            series = _dated(rows[[target]], rows[date_col], date_col, args.fill, f"series {key!r}", f" (series {key!r})")
        series[target] = filled(series[target], target, args.fill, [f"{key!r} {d}" for d in series.index])
        if isinstance(series.index, pd.PeriodIndex):
            periods = series.index.freq
        index = series.index.to_timestamp() if isinstance(series.index, pd.PeriodIndex) else series.index
        parts.append(pd.DataFrame({id_col: key, date_col: index, target: series[target].to_numpy()}))
    frame = pd.concat(parts, ignore_index=True)
    for table in (X, X_past):
        if table is not None and periods is not None:  # dated as the series are: each period by its start
            table[date_col] = table[date_col].dt.to_period(periods).dt.to_timestamp()
    return PanelInput(frame, id_col, date_col, target, _static(df, id_col, static_cols), X, X_past)


def _up_to_last_value(values: Any, ids: Any) -> Any:
    """Rows up to each series' last value (a boolean mask): the rows after it hold only future covariates."""
    pd = _pandas()
    present = pd.Series(values.notna().to_numpy(), index=values.index)
    after_last = present[::-1].groupby(ids[::-1], sort=False).cummax()[::-1]
    return after_last.reindex(values.index).fillna(False).to_numpy(dtype=bool)


def _panel_future_file(args: argparse.Namespace, covariates: list[str], id_col: str, date_col: str) -> Any:
    """The covariates' future values per series from ``--future FILE`` (id, date and covariate columns)."""
    pd = _pandas()
    df = read_csv(args.future)
    _columns_exist(list(df.columns), [("--future-cols", covariates)], args.future)
    for name, flag in ((id_col, "--id-col"), (date_col, "--date-col")):
        if name not in df.columns:
            raise CLIError(f"--future {args.future} has no {flag.removeprefix('--')} column {name!r}")
    dates = df[date_col] if _whole_numbers_not_dates(df[date_col]) else parse_dates(df[date_col], date_col, args.dayfirst)
    return pd.DataFrame({id_col: df[id_col], date_col: dates, **{c: numbers(df[c], c) for c in covariates}})


def check_panel_future(data: PanelInput, horizon: int) -> None:
    """Every series' covariates have values at its ``horizon`` forecast steps (a CLIError naming the first gap)."""
    if data.X is None:
        return
    from ..forecasting._panels import covariate_table, read_panel

    panel = read_panel(data.frame, data.id_col, data.date_col, data.target)
    try:
        covariate_table(data.X, panel, list(range(len(panel.ids))), data.id_col, data.date_col, horizon)
    except ValueError as exc:
        raise CLIError(f"{exc} Give them in rows after each series' last value, or in --future FILE.") from None


def check_panel_past(data: PanelInput) -> None:
    """Every series' past-only covariates have a value at each of its dates (a CLIError naming the first gap)."""
    if data.X_past is None:
        return
    from ..forecasting._panels import covariate_table, read_panel

    panel = read_panel(data.frame, data.id_col, data.date_col, data.target)
    try:
        covariate_table(data.X_past, panel, list(range(len(panel.ids))), data.id_col, data.date_col,
                        argument="--past-cols")
    except ValueError as exc:
        raise CLIError(f"{exc} Fill the gaps (--fill) or drop the column.") from None


def check_interval_reach(horizon: int, length: int) -> None:
    """Refuse a horizon whose interval no earlier forecast could calibrate, before TensorFlow is imported.

    The interval is calibrated on forecasts of ``horizon`` steps from earlier cut-offs, each fitted on what
    comes before it: at least 3 steps must come before the first (a necessary condition; a series just
    above it can still be too short for the windows the fit chooses, and then fails after the fit)."""
    if length - horizon < 3:
        most = (f"ask for at most {length - 3} step{'s' if length > 4 else ''}" if length > 3
                else "a series needs at least 4 steps")
        raise CLIError(f"--horizon {horizon} is too long for an interval on the {length} steps of the series: it is "
                       f"calibrated on earlier {horizon}-step forecasts, which need {horizon + 3} steps or more; {most}")


def check_folds(args: argparse.Namespace, length: int, what: str) -> None:
    """Refuse folds that leave too little to train on, before TensorFlow is imported."""
    tested = args.folds * args.horizon
    if tested > length - 3:
        raise CLIError(f"--folds {args.folds} x --horizon {args.horizon} test the last {tested} steps, but {what}: "
                       "fewer folds or a shorter horizon")
