"""Forecasters: one series (:class:`LSTMForecaster`), many (:class:`GlobalLSTMForecaster`), and their backtests.

Both share :class:`BaseForecaster` (``fit``/``predict``/``predict_interval``
delegating to ``_fit``/``_forecast_from``); the members, their combination,
the intervals and the panels live in private modules beside them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:  # pragma: no cover
    from ._backtesting import RollingOriginSplit, backtest, panel_backtest
    from ._base import BaseForecaster, SeasonalNaiveForecaster
    from ._combination import ForecasterSelection
    from ._global import GlobalLSTMForecaster
    from ._local import LSTMForecaster
    from ._panels import read_panel
    from ._pretrained import PretrainedLSTMForecaster
    from ._series import detect_season

_LAZY = {
    "LSTMForecaster": "._local",
    "GlobalLSTMForecaster": "._global",
    "BaseForecaster": "._base",
    "SeasonalNaiveForecaster": "._base",
    "RollingOriginSplit": "._backtesting",
    "backtest": "._backtesting",
    "panel_backtest": "._backtesting",
    "ForecasterSelection": "._combination",
    "read_panel": "._panels",
    "PretrainedLSTMForecaster": "._pretrained",
    "detect_season": "._series",
}

__all__ = [
    "LSTMForecaster",
    "GlobalLSTMForecaster",
    "BaseForecaster",
    "SeasonalNaiveForecaster",
    "RollingOriginSplit",
    "backtest",
    "panel_backtest",
    "ForecasterSelection",
    "read_panel",
    "PretrainedLSTMForecaster",
    "detect_season",
]

__getattr__, __dir__ = attach(__name__, _LAZY)
