"""The six LSTM regressors of the tutorial as scikeras-based scikit-learn estimators.

Each wraps one Keras architecture (``_architectures``, layers in ``_layers``)
in :class:`LSTMRegressorBase`, a scikeras ``BaseWrapper``; they import
TensorFlow, lazily, on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:  # pragma: no cover
    from ._base import LSTMRegressorBase
    from ._export import export_model
    from ._regressors import (
        BidirectionalLSTMRegressor,
        CNNLSTMRegressor,
        ConvLSTMRegressor,
        EncoderDecoderLSTMRegressor,
        StackedLSTMRegressor,
        VanillaLSTMRegressor,
    )

_LAZY = {
    **dict.fromkeys(["VanillaLSTMRegressor", "StackedLSTMRegressor", "BidirectionalLSTMRegressor", "CNNLSTMRegressor",
                     "ConvLSTMRegressor", "EncoderDecoderLSTMRegressor"], "._regressors"),
    "LSTMRegressorBase": "._base",
    "export_model": "._export",
}

__all__ = [
    "VanillaLSTMRegressor",
    "StackedLSTMRegressor",
    "BidirectionalLSTMRegressor",
    "CNNLSTMRegressor",
    "ConvLSTMRegressor",
    "EncoderDecoderLSTMRegressor",
    "LSTMRegressorBase",
    "export_model",
]

__getattr__, __dir__ = attach(__name__, _LAZY)
