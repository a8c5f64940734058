"""Windows, reshaping and scaling: numpy and scikit-learn only (no TensorFlow).

:func:`make_windows` and :class:`WindowTransformer` cut a series into
supervised windows; the reshapers give each architecture its input layout;
:class:`WindowScaler` scales windows per feature.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:  # pragma: no cover
    from ._reshaping import ConvLSTMReshaper, SequenceReshaper, SubsequenceReshaper
    from ._scaling import WindowScaler
    from ._windows import SeriesWindows, WindowTransformer, make_windows

_LAZY = {
    "make_windows": "._windows", "WindowTransformer": "._windows", "SeriesWindows": "._windows",
    "SequenceReshaper": "._reshaping", "SubsequenceReshaper": "._reshaping", "ConvLSTMReshaper": "._reshaping",
    "WindowScaler": "._scaling",
}

__all__ = [
    "make_windows",
    "WindowTransformer",
    "SeriesWindows",
    "SequenceReshaper",
    "SubsequenceReshaper",
    "ConvLSTMReshaper",
    "WindowScaler",
]

__getattr__, __dir__ = attach(__name__, _LAZY)
