"""sklstm: the LSTM forecasting models of a popular tutorial as scikit-learn estimators.

Windows, reshapers and scalers are numpy-only and import at once. The
estimators (and TensorFlow behind them) load on first use, so that
``import sklstm`` and ``sklstm --help`` stay quick.
"""

from __future__ import annotations

import importlib
from typing import Any

from .reshaping import ConvLSTMReshaper, SequenceReshaper, SubsequenceReshaper
from .scaling import WindowScaler
from .windows import WindowTransformer, make_windows

__version__ = "0.1.0"

_LAZY = {
    "VanillaLSTMRegressor": "estimators",
    "StackedLSTMRegressor": "estimators",
    "BidirectionalLSTMRegressor": "estimators",
    "CNNLSTMRegressor": "estimators",
    "ConvLSTMRegressor": "estimators",
    "EncoderDecoderLSTMRegressor": "estimators",
    "LSTMForecaster": "forecasting",
    "SeasonalNaiveForecaster": "forecasting",
    "RollingOriginSplit": "forecasting",
    "backtest": "forecasting",
}

__all__ = [
    "make_windows",
    "WindowTransformer",
    "SequenceReshaper",
    "SubsequenceReshaper",
    "ConvLSTMReshaper",
    "WindowScaler",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sklstm' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
