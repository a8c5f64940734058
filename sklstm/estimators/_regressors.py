"""The six tutorial architectures as scikit-learn regressors.

Each class names its builder (:mod:`sklstm.estimators._architectures`), takes its own
hyperparameters (the tutorial's values are the defaults) and, for the
convolutional ones, a window layout; the training parameters that every
estimator shares are :class:`sklstm.estimators._base.LSTMRegressorBase`'s, passed through
``**kwargs``. The shared parameter and attribute documentation is composed
into each class docstring by :func:`sklstm.estimators._base.shared_parameters`.
"""

from __future__ import annotations

import numbers
from typing import Any

from .._compat import Interval, StrOptions
from ..preprocessing._reshaping import ConvLSTMReshaper, SubsequenceReshaper
from . import _architectures as architectures
from ._base import LSTMRegressorBase, shared_parameters

_POSITIVE = [Interval(numbers.Integral, 1, None, closed="left")]
_ACTIVATION = [str, callable]


@shared_parameters
class VanillaLSTMRegressor(LSTMRegressorBase):
    """One LSTM layer and a Dense head: the tutorial's vanilla model.

    Parameters
    ----------
    units : int, default=50
        LSTM units.
    activation : str or callable, default="relu"
        LSTM activation.

    Examples
    --------
    The tutorial's first example: train up to 90, predict 100.

    >>> from sklstm import VanillaLSTMRegressor, make_windows
    >>> X, y = make_windows([10, 20, 30, 40, 50, 60, 70, 80, 90], n_steps_in=3)
    >>> model = VanillaLSTMRegressor(random_state=0).fit(X, y)
    >>> bool(abs(model.predict([[70, 80, 90]])[0] - 100) < 5)
    True
    """

    def __init__(self, *, units: int = 50, activation: Any = "relu", epochs: int = 200, **kwargs: Any):
        super().__init__(epochs=epochs, **kwargs)
        self.units, self.activation = units, activation

    _builder = staticmethod(architectures.build_vanilla)
    _parameter_constraints: dict = {
        **LSTMRegressorBase._parameter_constraints, "units": _POSITIVE, "activation": _ACTIVATION,
    }


@shared_parameters
class StackedLSTMRegressor(LSTMRegressorBase):
    """Several LSTM layers stacked, then a Dense head.

    Parameters
    ----------
    units : int, default=50
        LSTM units per layer.
    n_layers : int, default=2
        Number of stacked LSTM layers.
    activation : str or callable, default="relu"
        LSTM activation.

    Examples
    --------
    Three layers of eight units:

    >>> from sklstm import StackedLSTMRegressor, make_windows
    >>> X, y = make_windows([10, 20, 30, 40, 50, 60, 70, 80, 90], n_steps_in=4)
    >>> model = StackedLSTMRegressor(units=8, n_layers=3, epochs=30, random_state=0).fit(X, y)
    >>> model.predict(X[-2:]).shape, len(model.history_["loss"])
    ((2,), 30)
    """

    def __init__(self, *, units: int = 50, n_layers: int = 2, activation: Any = "relu", epochs: int = 200,
                 **kwargs: Any):
        super().__init__(epochs=epochs, **kwargs)
        self.units, self.n_layers, self.activation = units, n_layers, activation

    _builder = staticmethod(architectures.build_stacked)
    _parameter_constraints: dict = {
        **LSTMRegressorBase._parameter_constraints, "units": _POSITIVE, "n_layers": _POSITIVE,
        "activation": _ACTIVATION,
    }


@shared_parameters
class BidirectionalLSTMRegressor(LSTMRegressorBase):
    """A bidirectional LSTM layer, then a Dense head.

    Parameters
    ----------
    units : int, default=50
        LSTM units in each direction.
    activation : str or callable, default="relu"
        LSTM activation.
    merge_mode : {"concat", "sum", "mul", "ave"}, default="concat"
        How the two directions are combined.

    Examples
    --------
    Both directions, summed:

    >>> from sklstm import BidirectionalLSTMRegressor, make_windows
    >>> X, y = make_windows([10, 20, 30, 40, 50, 60, 70, 80, 90], n_steps_in=4)
    >>> model = BidirectionalLSTMRegressor(units=8, merge_mode="sum", epochs=30, random_state=0).fit(X, y)
    >>> model.predict(X[-2:]).shape, model.model_.layers[1].merge_mode
    ((2,), 'sum')
    """

    def __init__(self, *, units: int = 50, activation: Any = "relu", merge_mode: str = "concat", epochs: int = 500,
                 **kwargs: Any):
        super().__init__(epochs=epochs, **kwargs)
        self.units, self.activation, self.merge_mode = units, activation, merge_mode

    _builder = staticmethod(architectures.build_bidirectional)
    _parameter_constraints: dict = {
        **LSTMRegressorBase._parameter_constraints, "units": _POSITIVE, "activation": _ACTIVATION,
        "merge_mode": [StrOptions({"concat", "sum", "mul", "ave"})],
    }


@shared_parameters
class CNNLSTMRegressor(LSTMRegressorBase):
    """A TimeDistributed Conv1D over ``n_seq`` sub-sequences of each window, then an LSTM.

    Parameters
    ----------
    n_seq : int, default=2
        Sub-sequences per window; must divide the window's steps.
    filters : int, default=64
        Conv1D filters.
    kernel_size : int, default=1
        Conv1D kernel size ("same" padding).
    pool_size : int, default=2
        MaxPooling1D size ("same" padding).
    units : int, default=50
        LSTM units.
    activation : str or callable, default="relu"
        Activation of the convolution and the LSTM.

    Examples
    --------
    Each 4-step window as two sub-sequences of two steps, convolved, then read by the LSTM:

    >>> from sklstm import CNNLSTMRegressor, make_windows
    >>> X, y = make_windows([10, 20, 30, 40, 50, 60, 70, 80, 90], n_steps_in=4)
    >>> model = CNNLSTMRegressor(n_seq=2, filters=4, units=8, epochs=30, random_state=0).fit(X, y)
    >>> model.predict(X[-2:]).shape, model.input_shape_
    ((2,), (2, 2, 1))
    """

    def __init__(self, *, n_seq: int = 2, filters: int = 64, kernel_size: int = 1, pool_size: int = 2,
                 units: int = 50, activation: Any = "relu", epochs: int = 1000, **kwargs: Any):
        super().__init__(epochs=epochs, **kwargs)
        self.n_seq, self.filters, self.kernel_size, self.pool_size = n_seq, filters, kernel_size, pool_size
        self.units, self.activation = units, activation

    _builder = staticmethod(architectures.build_cnn_lstm)
    _reshaper = SubsequenceReshaper
    _parameter_constraints: dict = {
        **LSTMRegressorBase._parameter_constraints, "n_seq": _POSITIVE, "filters": _POSITIVE,
        "kernel_size": _POSITIVE, "pool_size": _POSITIVE, "units": _POSITIVE, "activation": _ACTIVATION,
    }


@shared_parameters
class ConvLSTMRegressor(LSTMRegressorBase):
    """A ConvLSTM2D over ``n_seq`` one-row frames of each window, then a Dense head.

    Parameters
    ----------
    n_seq : int, default=2
        Frames per window; must divide the window's steps.
    filters : int, default=64
        ConvLSTM2D filters.
    kernel_size : tuple of int, default=(1, 2)
        ConvLSTM2D kernel ("valid" padding): its width must not exceed
        ``steps // n_seq``.
    activation : str or callable, default="relu"
        ConvLSTM2D activation.

    Examples
    --------
    Each 4-step window as two frames of one row and two columns:

    >>> from sklstm import ConvLSTMRegressor, make_windows
    >>> X, y = make_windows([10, 20, 30, 40, 50, 60, 70, 80, 90], n_steps_in=4)
    >>> model = ConvLSTMRegressor(filters=4, epochs=30, random_state=0).fit(X, y)
    >>> model.predict(X[-2:]).shape, model.input_shape_
    ((2,), (2, 1, 2, 1))
    """

    def __init__(self, *, n_seq: int = 2, filters: int = 64, kernel_size: tuple = (1, 2), activation: Any = "relu",
                 epochs: int = 1000, **kwargs: Any):
        super().__init__(epochs=epochs, **kwargs)
        self.n_seq, self.filters, self.kernel_size, self.activation = n_seq, filters, kernel_size, activation

    _builder = staticmethod(architectures.build_conv_lstm)
    _reshaper = ConvLSTMReshaper
    _parameter_constraints: dict = {
        **LSTMRegressorBase._parameter_constraints, "n_seq": _POSITIVE, "filters": _POSITIVE,
        "kernel_size": [tuple], "activation": _ACTIVATION,
    }


@shared_parameters
class EncoderDecoderLSTMRegressor(LSTMRegressorBase):
    """An encoder LSTM, ``RepeatVector(n_steps_out)``, a decoder LSTM and a TimeDistributed Dense.

    Parameters
    ----------
    units : int, default=100
        Units of the encoder and the decoder LSTM.
    activation : str or callable, default="relu"
        LSTM activation.

    Examples
    --------
    Two steps ahead, decoded one at a time:

    >>> from sklstm import EncoderDecoderLSTMRegressor, make_windows
    >>> X2, y2 = make_windows([10, 20, 30, 40, 50, 60, 70, 80, 90], n_steps_in=3, n_steps_out=2)
    >>> model = EncoderDecoderLSTMRegressor(units=8, n_steps_out=2, epochs=30, random_state=0).fit(X2, y2)
    >>> model.predict(X2[-1:]).shape, model.predict_steps(X2[-1:]).shape
    ((1, 2), (1, 2, 1))
    """

    def __init__(self, *, units: int = 100, activation: Any = "relu", epochs: int = 300, **kwargs: Any):
        super().__init__(epochs=epochs, **kwargs)
        self.units, self.activation = units, activation

    _builder = staticmethod(architectures.build_encoder_decoder)
    _parameter_constraints: dict = {
        **LSTMRegressorBase._parameter_constraints, "units": _POSITIVE, "activation": _ACTIVATION,
    }
