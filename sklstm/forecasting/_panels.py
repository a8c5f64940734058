"""A panel of series in the two layouts people keep them in, and back.

*Long*: one row per series and time step, with an id column, a time column
and a value column (neuralforecast's ``unique_id, ds, y``). *Wide*: one
column per series, time stamps as the index; a series may start late or end
early (missing values before its first and after its last observation).
:func:`read_panel` turns either into a :class:`Panel`, one float array and one
time index per series; :func:`panel_frame` writes values per series (a
forecast) in the layout the panel came in. pandas is required here.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ._series import check_time_index, frequency, future_index, text_reads_as_dates

__all__ = [
    "Panel", "cut_panel", "panel_history", "read_panel", "panel_frame", "next_labels", "relative_windows",
    "series_scale", "static_table", "with_constants",
]


@dataclasses.dataclass
class Panel:
    """The series of a panel: ids, values and time indexes, and the layout they were read from."""

    ids: list
    values: list[np.ndarray]
    indexes: list[Any]
    layout: str  # "long" or "wide"
    columns: tuple[str, str, str]  # id, time and value column names (long layout)

    def position(self, ids: Any, name: str = "ids") -> list[int]:
        """Positions of ``ids`` (all when None); a clear error for one the panel does not hold."""
        if ids is None:
            return list(range(len(self.ids)))
        ids = [ids] if np.isscalar(ids) else list(ids)
        where = {key: i for i, key in enumerate(self.ids)}
        unknown = [key for key in ids if key not in where]
        if unknown:
            shown = ", ".join(repr(k) for k in self.ids[:5]) + (", ..." if len(self.ids) > 5 else "")
            raise ValueError(f"{name}: series {', '.join(repr(k) for k in unknown)} not in the fitted panel "
                             f"({len(self.ids)} series: {shown}).")
        return [where[key] for key in ids]


def cut_panel(panel: Panel, positions: list[int], n_last: int) -> Panel:
    """The series at ``positions`` without their last ``n_last`` values."""
    return Panel([panel.ids[i] for i in positions], [panel.values[i][:-n_last] for i in positions],
                 [panel.indexes[i][:-n_last] for i in positions], panel.layout, panel.columns)


def panel_history(panel: Panel) -> Any:
    """``panel`` as a DataFrame in its layout (long: id, time and value columns; wide: one column per series),
    which :func:`read_panel` reads back as ``panel``."""
    import pandas as pd

    id_col, time_col, target_col = panel.columns
    if panel.layout == "long":
        return pd.DataFrame({
            id_col: np.repeat(np.array(panel.ids, dtype=object), [len(v) for v in panel.values]),
            time_col: np.concatenate([np.asarray(index) for index in panel.indexes]),
            target_col: np.concatenate(panel.values),
        })
    return pd.DataFrame({key: pd.Series(v, index=index) for key, v, index in zip(panel.ids, panel.values, panel.indexes)})


def read_panel(data: Any, id_col: str = "unique_id", time_col: str = "ds", target_col: str = "y") -> Panel:
    """A :class:`Panel` from a long DataFrame (with ``id_col``) or a wide one (one column per series).

    Long rows are sorted by time within each series; series keep the order of
    their first appearance. Wide columns are cut to the stretch between their
    first and last observation. A missing value inside a series, a duplicate
    time stamp or an irregular step is a clear error that names the series.

    Parameters
    ----------
    data : DataFrame
    id_col, time_col, target_col : str
        Column names of a long panel.

    Returns
    -------
    Panel
    """
    import pandas as pd

    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"A panel must be a pandas DataFrame, long (columns {id_col!r}, {time_col!r}, {target_col!r}) "
                        f"or wide (one column per series); got {type(data).__name__}.")
    if id_col in data.columns:
        missing = [c for c in (time_col, target_col) if c not in data.columns]
        if missing:
            raise ValueError(f"The long panel has an id column {id_col!r} but no column {missing[0]!r}; name the "
                             f"columns with time_col= and target_col= (columns: {list(data.columns)}).")
        if data[id_col].isna().any():
            row = int(np.flatnonzero(data[id_col].isna().to_numpy())[0])
            raise ValueError(f"The id column {id_col!r} is missing in {int(data[id_col].isna().sum())} row(s) (first at "
                             f"position {row}); every row needs its series' id.")
        _refuse_date_text(data[time_col], f"The time column {time_col!r}", f"df[{time_col!r}]")
        parts = [(key, group.sort_values(time_col)) for key, group in data.groupby(id_col, sort=False)]
        series = [(key, group[target_col], _time_index(group[time_col])) for key, group in parts]
        layout = "long"
    else:
        _refuse_date_text(data.index, "The wide panel's index", "df.index")
        series = list(_wide_columns(data))
        layout = "wide"
    if not series:
        raise ValueError("The panel holds no series.")
    values, indexes = [], []
    for key, column, index in series:
        name = f"series {key!r}"
        try:
            y = column if isinstance(column, np.ndarray) and column.dtype == float else np.asarray(column, dtype=float)
        except (TypeError, ValueError) as exc:
            if layout == "wide":
                raise ValueError(
                    f"Column {key!r} is not numeric. A wide panel has one numeric column per series; a long one has "
                    f"an id column {id_col!r}, a time column {time_col!r} and a value column {target_col!r}: name "
                    f"yours with id_col=, time_col= and target_col= (columns: {list(data.columns)})."
                ) from exc
            raise ValueError(f"{name} has non-numeric values: {exc}") from exc
        if not np.all(np.isfinite(y)):
            raise ValueError(f"{name} has a missing or infinite value at {index[int(np.flatnonzero(~np.isfinite(y))[0])]}"
                             "; fill or drop it first.")
        check_time_index(index, name)
        values.append(y)
        indexes.append(index)
    return Panel([key for key, _, _ in series], values, indexes, layout, (id_col, time_col, target_col))


def _refuse_date_text(labels: Any, what: str, where: str) -> None:
    if text_reads_as_dates(labels):
        raise ValueError(f"{what} holds text that reads as dates ({list(labels[:1])[0]!r}, ...): convert it first "
                         f"({where} = pd.to_datetime({where})), so that the forecasts are dated and the season comes "
                         "from the dates.")


def _wide_columns(data: Any):
    """``(key, values, index)`` of each column, cut to its observed stretch (views of one array where pandas allows)."""
    try:
        table = data.to_numpy(dtype=float)  # one block of floats: a view, each column a contiguous stretch
    except (TypeError, ValueError):  # a non-numeric column: read column by column for a message naming it
        table = None
    for j, key in enumerate(data.columns):
        column = data.iloc[:, j].to_numpy() if table is None else table[:, j]
        seen = np.flatnonzero(~_missing(column))
        if not len(seen):
            raise ValueError(f"Series {key!r} of the wide panel has no observed value.")
        whole = seen[0] == 0 and seen[-1] == len(column) - 1
        yield key, column[seen[0] : seen[-1] + 1], data.index if whole else data.index[seen[0] : seen[-1] + 1]


def _missing(values: np.ndarray) -> np.ndarray:
    import pandas as pd

    return np.isnan(values) if values.dtype.kind == "f" else pd.isna(values)


def _time_index(column: Any) -> Any:
    """The time column of one series as a pandas index (a frequency inferred for dates)."""
    import pandas as pd

    index = pd.Index(column.to_numpy(), name=column.name)
    if isinstance(index, pd.DatetimeIndex):
        freq = frequency(index)
        if freq is not None:
            index = pd.DatetimeIndex(index, freq=freq)
    return index


def next_labels(index: Any, horizon: int) -> Any:
    """The ``horizon`` time labels after ``index``: dates, periods, or integers continuing its step."""
    import pandas as pd

    labels = future_index(index, horizon)
    if labels is not None:
        return labels
    if pd.api.types.is_integer_dtype(index) and len(index) >= 2:
        step = int(index[-1] - index[-2])
        return pd.Index(index[-1] + step * np.arange(1, horizon + 1), name=index.name)
    raise ValueError(f"Cannot tell the time stamps after {index[-1]!r}: give the series dates with a regular "
                     "frequency, periods or integers.")


def panel_frame(panel: Panel, positions: list[int], blocks: dict[str, np.ndarray], horizon: int) -> Any:
    """Values per series and step (``blocks[name]`` is ``(n_series, horizon)``) in the panel's layout.

    Long: columns id, time and one per block; wide: the future time stamps as
    the index and one column per series (one block), or a column MultiIndex
    ``(block, series)`` for several blocks.
    """
    import pandas as pd

    id_col, time_col, _ = panel.columns
    labels = [next_labels(panel.indexes[p], horizon) for p in positions]
    if panel.layout == "long":
        frame = {
            id_col: np.repeat(np.array([panel.ids[p] for p in positions], dtype=object), horizon),
            time_col: np.concatenate([np.asarray(lab) for lab in labels]) if labels else [],
        }
        frame.update({name: block.reshape(-1) for name, block in blocks.items()})
        return pd.DataFrame(frame)
    columns = {}
    for name, block in blocks.items():
        for row, (p, lab) in enumerate(zip(positions, labels)):
            columns[(name, panel.ids[p]) if len(blocks) > 1 else panel.ids[p]] = pd.Series(block[row], index=lab)
    return pd.DataFrame(columns)


def series_scale(y: np.ndarray, season: int) -> float:
    """Mean absolute seasonal difference (lag 1 when the series is not longer than a season); never 0."""
    lag = season if len(y) > season else 1
    for scale in (np.mean(np.abs(y[lag:] - y[:-lag])) if len(y) > lag else 0.0, np.mean(np.abs(y))):
        if scale > 0 and np.isfinite(scale):
            return float(scale)
    return 1.0


def relative_windows(y: np.ndarray, n_steps: int, level: int, scale: float, extras: np.ndarray | None = None,
                     rows: np.ndarray | None = None, identity: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """Every window of ``n_steps`` values of ``y`` and the value after it, relative to the window's level.

    The level is the mean of the window's last ``level`` values; windows and
    targets are divided by ``scale``. ``extras`` (constants of the series:
    static covariates, identity) are appended to every step as more columns,
    then ``rows`` ``(len(y), k)``, one row per time step (the next step's
    future-known covariates, :func:`next_step_rows`), then ``identity`` (the
    series' id for an embedding) when given.
    Returns float32 ``(n, n_steps, 1 + n_extras + k [+ 1])`` and ``(n,)``.
    """
    windows = np.lib.stride_tricks.sliding_window_view(y[:-1], n_steps)
    offset = windows[:, -level:].mean(axis=1, keepdims=True)
    extras = np.zeros((len(windows), 0)) if extras is None else np.broadcast_to(extras, (len(windows), len(extras)))
    steps = None if rows is None else np.lib.stride_tricks.sliding_window_view(rows[:-1], n_steps, axis=0).transpose(0, 2, 1)
    ids = None if identity is None else np.full(len(windows), float(identity))
    return (with_constants((windows - offset) / scale, extras, steps, ids),
            ((y[n_steps:] - offset[:, 0]) / scale).astype(np.float32))


def with_constants(windows: np.ndarray, constants: np.ndarray, steps: np.ndarray | None = None,
                   ids: np.ndarray | None = None) -> np.ndarray:
    """Univariate windows ``(n, steps)`` with each row's constants ``(n, k)`` at every step, then ``steps``
    ``(n, steps, m)`` (values per step), then each row's id ``(n,)`` when given: float32 ``(n, steps, 1 + k + m
    [+ 1])``."""
    n_steps = windows.shape[1]
    repeated = np.broadcast_to(constants[:, np.newaxis, :], (len(constants), n_steps, constants.shape[1]))
    blocks = [windows[..., np.newaxis], repeated] + ([] if steps is None else [steps])
    if ids is not None:
        blocks.append(np.broadcast_to(np.asarray(ids, dtype=np.float64)[:, np.newaxis, np.newaxis], (len(ids), n_steps, 1)))
    return np.concatenate(blocks, axis=2).astype(np.float32)


def next_step_rows(covariates: np.ndarray, after: np.ndarray | None = None) -> np.ndarray:
    """Row ``t`` holds the covariates of step ``t + 1``: what a window ending at ``t`` reads of the step it forecasts.

    ``covariates`` ``(n, k)``; the last row takes ``after`` (the first future step's values), else zeros
    (no training window ends there).
    """
    last = np.zeros((1, covariates.shape[1])) if after is None else np.asarray(after).reshape(1, -1)
    return np.vstack([covariates[1:], last])


def lagged_rows(table: np.ndarray, lag: int, ahead: int = 0) -> np.ndarray:
    """Row ``t`` holds ``table``'s row ``t - lag`` (its first row before that): a past-only covariate as a known one.

    A past-only covariate lagged by the forecast horizon is known at every
    step forecast: the value ``lag`` steps before it has been observed.
    ``ahead`` more rows follow, for the steps after the table's end (at most
    ``lag`` of them read observed rows).

    Examples
    --------
    >>> import numpy as np
    >>> lagged_rows(np.arange(5.0)[:, None], 2).ravel().tolist()
    [0.0, 0.0, 0.0, 1.0, 2.0]
    >>> lagged_rows(np.arange(5.0)[:, None], 2, ahead=2)[-2:].ravel().tolist()
    [3.0, 4.0]
    """
    index = np.maximum(np.arange(len(table) + ahead) - lag, 0)
    return table[index]


def covariate_table(X: Any, panel: Panel, positions: list[int], id_col: str, time_col: str,
                    horizon: int = 0, names: list[str] | None = None,
                    argument: str = "X") -> tuple[list[np.ndarray], list[str]]:
    """Future-known covariates per series from a long DataFrame (``id_col``, ``time_col``, one column each).

    With ``horizon=0`` the values at each series' own time stamps (for
    ``fit``), else at its next ``horizon`` time stamps (for ``predict``).
    Rows at other times are ignored, so one frame covering the past and the
    future serves both. A series, time stamp or column without a value is an
    error naming it (and ``argument``, the parameter ``X`` was passed as).
    Returns float64 arrays ``(n, k)`` in the order of ``positions``, and the
    column names.
    """
    import pandas as pd

    if not isinstance(X, pd.DataFrame) or id_col not in X.columns or time_col not in X.columns:
        got = list(X.columns) if isinstance(X, pd.DataFrame) else type(X).__name__
        raise ValueError(f"{argument} must be a long DataFrame with columns {id_col!r}, {time_col!r} and one per covariate; "
                         f"got {got}.")
    columns = [c for c in X.columns if c not in (id_col, time_col)] if names is None else list(names)
    missing_columns = [c for c in columns if c not in X.columns]
    if not columns or missing_columns:
        raise ValueError(f"{argument} has no covariate column {missing_columns[0]!r} (the fit had {columns})." if missing_columns
                         else f"{argument} has no covariate column besides {id_col!r} and {time_col!r}.")
    for name in columns:
        if not (pd.api.types.is_numeric_dtype(X[name]) or pd.api.types.is_bool_dtype(X[name])):
            raise ValueError(f"{argument} column {name!r} is not numeric; encode categories as numbers (one 0/1 column each).")
    groups = {key: group for key, group in X.groupby(id_col, sort=False)}
    tables = []
    for p in positions:
        key = panel.ids[p]
        wanted = panel.indexes[p] if horizon == 0 else next_labels(panel.indexes[p], horizon)
        if key not in groups:
            raise ValueError(f"{argument} has no rows for series {key!r}.")
        group = groups[key]
        times = _time_index(group[time_col])
        if times.has_duplicates:
            raise ValueError(f"{argument} repeats the time {times[times.duplicated()][0]} for series {key!r}.")
        table = pd.DataFrame(group[columns].to_numpy(dtype=float), index=times, columns=columns).reindex(wanted)
        gaps = table.isna().to_numpy()
        if gaps.any():
            row, column = np.argwhere(gaps)[0]
            what = "its time stamps" if horizon == 0 else f"the {horizon} forecast steps"
            raise ValueError(f"{argument} has no value of {columns[column]!r} for series {key!r} at {wanted[row]} (it needs "
                             f"one at each of {what}).")
        tables.append(table.to_numpy())
    return tables, [str(c) for c in columns]


def static_table(static: Any, ids: list, id_col: str = "unique_id") -> tuple[np.ndarray, list[str]]:
    """Static covariates ``(len(ids), n_columns)`` of the series ``ids``, standardised across series, and their names.

    ``static`` is a DataFrame with one row per series: indexed by the series
    ids, or with an ``id_col`` column. Every series needs a row. Numeric
    columns are standardised; text, categorical and boolean columns become
    one 0/1 column per level (``"region=north"``). No value may be missing.
    """
    import pandas as pd

    if not isinstance(static, pd.DataFrame):
        raise TypeError(f"static must be a pandas DataFrame with one row per series; got {type(static).__name__}.")
    if id_col in static.columns:
        static = static.set_index(id_col)
    if not static.index.is_unique:
        raise ValueError(f"static has several rows for series {static.index[static.index.duplicated()][0]!r}.")
    missing = [key for key in ids if key not in static.index]
    if missing:
        raise ValueError(f"static has no row for series {', '.join(repr(k) for k in missing[:5])}"
                         f"{' ...' if len(missing) > 5 else ''}.")
    rows = static.loc[ids]
    blocks, names = [], []
    for name in rows.columns:
        column = rows[name]
        if _is_category(column):  # text, categories, booleans: one 0/1 column per level
            if column.isna().any():
                raise ValueError(f"static column {name!r} has a missing value for series "
                                 f"{ids[int(np.flatnonzero(column.isna().to_numpy())[0])]!r}.")
            levels = sorted(column.unique(), key=str)
            blocks += [(column == level).to_numpy(dtype=float) for level in levels]
            names += [f"{name}={level}" for level in levels]
            continue
        numbers = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(numbers)
        if bad.any():
            raise ValueError(f"static column {name!r} has a missing or infinite value for series "
                             f"{ids[int(np.flatnonzero(bad)[0])]!r}.")
        spread = numbers.std()
        blocks.append((numbers - numbers.mean()) / (spread if spread > 0 else 1.0))
        names.append(str(name))
    values = np.column_stack(blocks) if blocks else np.empty((len(ids), 0))
    return values, names


def _is_category(column: Any) -> bool:
    """Whether a static column holds levels rather than numbers: text, categorical or boolean."""
    import pandas as pd

    if isinstance(column.dtype, pd.CategoricalDtype) or column.dtype == bool:
        return True
    if column.dtype.kind in "biuf":
        return False
    return bool(pd.to_numeric(column.dropna(), errors="coerce").isna().any())
