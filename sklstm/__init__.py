"""sklstm: the LSTM forecasting models of a popular tutorial as scikit-learn estimators.

The subpackages, in the direction imports point:

* :mod:`sklstm.preprocessing`: windows, reshaping and scaling (numpy and scikit-learn only);
* :mod:`sklstm.estimators`: the six scikeras-based LSTM regressors, their architectures and layers;
* ``sklstm._training``: the compiled training loop the estimators use (knows Keras models, not estimators);
* :mod:`sklstm.forecasting`: the forecasters, their members, intervals, panels and backtests;
* :mod:`sklstm.cli`: the ``sklstm`` command.

Every public name loads on first use (PEP 562), so that ``import sklstm`` and
``sklstm --help`` import neither scikit-learn nor TensorFlow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import attach

if TYPE_CHECKING:  # pragma: no cover  (for type checkers and IDEs)
    from .estimators import (
        BidirectionalLSTMRegressor,
        CNNLSTMRegressor,
        ConvLSTMRegressor,
        EncoderDecoderLSTMRegressor,
        StackedLSTMRegressor,
        VanillaLSTMRegressor,
    )
    from .forecasting import (
        GlobalLSTMForecaster,
        LSTMForecaster,
        PretrainedLSTMForecaster,
        RollingOriginSplit,
        SeasonalNaiveForecaster,
        backtest,
        detect_season,
        panel_backtest,
    )
    from .preprocessing import (
        ConvLSTMReshaper,
        SequenceReshaper,
        SubsequenceReshaper,
        WindowScaler,
        WindowTransformer,
        make_windows,
    )

__version__ = "0.1.0"

_LAZY = {
    **dict.fromkeys(["make_windows", "WindowTransformer", "SequenceReshaper", "SubsequenceReshaper", "ConvLSTMReshaper",
                     "WindowScaler"], ".preprocessing"),
    **dict.fromkeys(["VanillaLSTMRegressor", "StackedLSTMRegressor", "BidirectionalLSTMRegressor", "CNNLSTMRegressor",
                     "ConvLSTMRegressor", "EncoderDecoderLSTMRegressor"], ".estimators"),
    **dict.fromkeys(["LSTMForecaster", "GlobalLSTMForecaster", "PretrainedLSTMForecaster", "SeasonalNaiveForecaster",
                     "RollingOriginSplit", "backtest", "panel_backtest", "detect_season"], ".forecasting"),
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
    "PretrainedLSTMForecaster",
    "SeasonalNaiveForecaster",
    "RollingOriginSplit",
    "backtest",
    "panel_backtest",
    "detect_season",
]

__getattr__, __dir__ = attach(__name__, _LAZY)
