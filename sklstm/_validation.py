"""Small numpy-only validation helpers shared by windows, reshaping and the estimators."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

__all__ = ["check_positive_int", "check_finite_numeric"]


def check_positive_int(value: Any, name: str) -> int:
    """Return ``value`` as an int, or raise a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    return int(value)


def check_finite_numeric(array: Any, name: str) -> np.ndarray:
    """Convert ``array`` to a float array; reject non-numeric data, NaN and inf.

    The message names the argument, the offending value and its position so
    that the user never has to read a Keras stack trace.
    """
    arr = np.asarray(array)
    if arr.dtype.kind == "c":
        raise ValueError(f"{name} must be real numbers; got complex values (dtype {arr.dtype}).")
    if arr.dtype.kind not in "biuf":
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError):
            bad = _first_non_numeric(arr)
            raise ValueError(
                f"{name} must be numeric; found non-numeric value {str(bad)!r} "
                f"(dtype {arr.dtype})."
            ) from None
    if arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    finite = np.isfinite(arr)
    if not finite.all():
        pos = tuple(int(i) for i in np.argwhere(~finite)[0])
        raise ValueError(
            f"{name} contains NaN or infinity: {float(arr[pos])!r} at index {pos}. "
            "Fill or drop missing values before fitting."
        )
    return arr


def _first_non_numeric(arr: np.ndarray) -> Any:
    for value in arr.ravel():
        try:
            float(value)
        except (TypeError, ValueError):
            return value
    return None
