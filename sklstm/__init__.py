"""sklstm: the LSTM forecasting models of a popular tutorial as scikit-learn estimators.

Every public name loads on first use (PEP 562), so that ``import sklstm`` and
``sklstm --help`` import neither scikit-learn nor TensorFlow: the windows,
reshapers and scalers bring in scikit-learn, the estimators TensorFlow.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover  (for type checkers and IDEs)
    from .backtesting import RollingOriginSplit, backtest, panel_backtest
    from .base_forecaster import SeasonalNaiveForecaster
    from .estimators import (
        BidirectionalLSTMRegressor,
        CNNLSTMRegressor,
        ConvLSTMRegressor,
        EncoderDecoderLSTMRegressor,
        StackedLSTMRegressor,
        VanillaLSTMRegressor,
    )
    from .forecasting import LSTMForecaster
    from .global_forecasting import GlobalLSTMForecaster
    from .reshaping import ConvLSTMReshaper, SequenceReshaper, SubsequenceReshaper
    from .scaling import WindowScaler
    from .series import detect_season
    from .windows import WindowTransformer, make_windows

__version__ = "0.1.0"

_LAZY = {
    "make_windows": "windows",
    "WindowTransformer": "windows",
    "SequenceReshaper": "reshaping",
    "SubsequenceReshaper": "reshaping",
    "ConvLSTMReshaper": "reshaping",
    "WindowScaler": "scaling",
    "VanillaLSTMRegressor": "estimators",
    "StackedLSTMRegressor": "estimators",
    "BidirectionalLSTMRegressor": "estimators",
    "CNNLSTMRegressor": "estimators",
    "ConvLSTMRegressor": "estimators",
    "EncoderDecoderLSTMRegressor": "estimators",
    "LSTMForecaster": "forecasting",
    "GlobalLSTMForecaster": "global_forecasting",
    "panel_backtest": "backtesting",
    "SeasonalNaiveForecaster": "base_forecaster",
    "RollingOriginSplit": "backtesting",
    "backtest": "backtesting",
    "detect_season": "series",
}

__all__ = [
    "make_windows",
    "WindowTransformer",
    "SequenceReshaper",
    "SubsequenceReshaper",
    "ConvLSTMReshaper",
    "WindowScaler",
    "VanillaLSTMRegressor",
    "StackedLSTMRegressor",
    "BidirectionalLSTMRegressor",
    "CNNLSTMRegressor",
    "ConvLSTMRegressor",
    "EncoderDecoderLSTMRegressor",
    "LSTMForecaster",
    "GlobalLSTMForecaster",
    "panel_backtest",
    "SeasonalNaiveForecaster",
    "RollingOriginSplit",
    "backtest",
    "detect_season",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sklstm' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
