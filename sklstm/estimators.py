"""The six tutorial architectures as scikit-learn regressors.

They differ only in their builder (:mod:`sklstm.architectures`), their
hyperparameters (with the tutorial's values as defaults) and, for the
convolutional ones, the window layout. Everything else lives in
:class:`sklstm.base.LSTMRegressorBase`.
"""

from __future__ import annotations

from . import architectures
from .base import LSTMRegressorBase
from .reshaping import ConvLSTMReshaper, SubsequenceReshaper

__all__ = [
    "VanillaLSTMRegressor",
    "StackedLSTMRegressor",
    "BidirectionalLSTMRegressor",
    "CNNLSTMRegressor",
    "ConvLSTMRegressor",
    "EncoderDecoderLSTMRegressor",
]

_COMMON_DOC = """
    n_steps_out : int, default=1
        Future steps per target in ``y``: ``y`` has ``n_steps_out * n_targets``
        columns, flattened step-major (column ``s * n_targets + t``).
    epochs : int, default={epochs}
        Training epochs.
    batch_size : int or None, default=None
        Mini-batch size; ``None`` means 32 (Keras' default).
    optimizer : str or keras optimizer, default="adam"
        Optimizer; its arguments are routed, e.g. ``optimizer__learning_rate``.
    loss : str or callable, default="mse"
        Training loss.
    metrics : list or None, default=None
        Extra Keras metrics.
    scaling : {{"minmax", "standard"}} or None, default="minmax"
        Per-series affine scaling of inputs and targets inside the estimator
        (inverted on predict), so raw numbers of any magnitude train well.
        ``"minmax"`` maps the training range onto ``[0, 1]`` and extrapolates
        linearly beyond it.
    validation_split : float, default=0.0
        Fraction of the last samples held out for ``val_loss``.
    shuffle : bool, default=True
        Shuffle the mini-batches every epoch.
    callbacks : list or None, default=None
        Keras callbacks. A single ``EarlyStopping`` runs inside the compiled
        loop; any other callback switches to plain ``model.fit``.
    fit_loop : {{"auto", "compiled", "keras"}}, default="auto"
        ``"compiled"`` runs all epochs in one TensorFlow graph (much faster on
        small data); ``"keras"`` uses ``model.fit``; ``"auto"`` picks the
        compiled loop unless callbacks need Python every epoch.
    warm_start : bool, default=False
        Continue training the existing model on the next ``fit``.
    random_state : int, RandomState instance or None, default=None
        Seed for weight initialisation and shuffling; an int gives
        bit-identical results on CPU.
    verbose : int, default=0
        ``1`` shows one progress bar for the whole fit; ``0`` prints nothing.
    **kwargs : dict
        Routed parameters: ``model__<arg>`` (builder), ``optimizer__<arg>``,
        ``compile__<arg>``, ``fit__<arg>``, ``loss__<arg>``.

    Attributes
    ----------
    model_ : keras.Model
        The trained network.
    history_ : dict of list
        Per-epoch ``loss`` (and ``val_loss``), in scaled units.
    n_features_in_ : int
        ``X.shape[1]`` during fit (the window's steps).
    n_steps_in_ : int
        Time steps per window.
    n_series_in_ : int
        Series (features) per time step.
    n_targets_ : int
        Targets per step.
    feature_encoder_, target_encoder_ : transformers
        Fitted scaling and reshaping of ``X`` and ``y``.
    fit_loop_ : str
        The training path that was used.
"""


def _doc(summary: str, params: str, example: str, epochs: int) -> str:
    common = _COMMON_DOC.format(epochs=epochs)
    return f"{summary}\n\n    Parameters\n    ----------\n{params}{common}\n    Examples\n    --------\n{example}"


class VanillaLSTMRegressor(LSTMRegressorBase):
    _builder = staticmethod(architectures.build_vanilla)
    _defaults = {"units": 50, "activation": "relu", "epochs": 200}


VanillaLSTMRegressor.__doc__ = _doc(
    "One LSTM layer and a Dense head: the tutorial's vanilla model.",
    """    units : int, default=50
        LSTM units.
    activation : str, default="relu"
        LSTM activation.
""",
    """    >>> from sklstm import VanillaLSTMRegressor, make_windows
    >>> X, y = make_windows([10, 20, 30, 40, 50, 60, 70, 80, 90], n_steps_in=3)
    >>> model = VanillaLSTMRegressor(random_state=0).fit(X, y)
    >>> bool(abs(model.predict([[70, 80, 90]])[0] - 100) < 5)
    True
""",
    200,
)


class StackedLSTMRegressor(LSTMRegressorBase):
    _builder = staticmethod(architectures.build_stacked)
    _defaults = {"units": 50, "n_layers": 2, "activation": "relu", "epochs": 200}


StackedLSTMRegressor.__doc__ = _doc(
    "Several LSTM layers stacked, then a Dense head.",
    """    units : int, default=50
        LSTM units per layer.
    n_layers : int, default=2
        Number of stacked LSTM layers.
    activation : str, default="relu"
        LSTM activation.
""",
    """    >>> from sklstm import StackedLSTMRegressor
    >>> StackedLSTMRegressor(n_layers=3).get_params()["n_layers"]
    3
""",
    200,
)


class BidirectionalLSTMRegressor(LSTMRegressorBase):
    _builder = staticmethod(architectures.build_bidirectional)
    _defaults = {"units": 50, "activation": "relu", "merge_mode": "concat", "epochs": 500}


BidirectionalLSTMRegressor.__doc__ = _doc(
    "A bidirectional LSTM layer, then a Dense head.",
    """    units : int, default=50
        LSTM units in each direction.
    activation : str, default="relu"
        LSTM activation.
    merge_mode : {"concat", "sum", "mul", "ave"}, default="concat"
        How the two directions are combined.
""",
    """    >>> from sklstm import BidirectionalLSTMRegressor
    >>> BidirectionalLSTMRegressor().epochs
    500
""",
    500,
)


class CNNLSTMRegressor(LSTMRegressorBase):
    _builder = staticmethod(architectures.build_cnn_lstm)
    _reshaper = SubsequenceReshaper
    _defaults = {
        "n_seq": 2,
        "filters": 64,
        "kernel_size": 1,
        "pool_size": 2,
        "units": 50,
        "activation": "relu",
        "epochs": 1000,
    }


CNNLSTMRegressor.__doc__ = _doc(
    "A TimeDistributed Conv1D over ``n_seq`` sub-sequences of each window, then an LSTM.",
    """    n_seq : int, default=2
        Sub-sequences per window; must divide the window's steps.
    filters : int, default=64
        Conv1D filters.
    kernel_size : int, default=1
        Conv1D kernel size ("same" padding).
    pool_size : int, default=2
        MaxPooling1D size ("same" padding).
    units : int, default=50
        LSTM units.
    activation : str, default="relu"
        Activation of the convolution and the LSTM.
""",
    """    >>> from sklstm import CNNLSTMRegressor
    >>> CNNLSTMRegressor(n_seq=4).n_seq
    4
""",
    1000,
)


class ConvLSTMRegressor(LSTMRegressorBase):
    _builder = staticmethod(architectures.build_conv_lstm)
    _reshaper = ConvLSTMReshaper
    _defaults = {
        "n_seq": 2,
        "filters": 64,
        "kernel_size": (1, 2),
        "activation": "relu",
        "epochs": 1000,
    }


ConvLSTMRegressor.__doc__ = _doc(
    "A ConvLSTM2D over ``n_seq`` one-row frames of each window, then a Dense head.",
    """    n_seq : int, default=2
        Frames per window; must divide the window's steps.
    filters : int, default=64
        ConvLSTM2D filters.
    kernel_size : tuple of int, default=(1, 2)
        ConvLSTM2D kernel ("valid" padding): its width must not exceed
        ``steps // n_seq``.
    activation : str, default="relu"
        ConvLSTM2D activation.
""",
    """    >>> from sklstm import ConvLSTMRegressor
    >>> ConvLSTMRegressor().kernel_size
    (1, 2)
""",
    1000,
)


class EncoderDecoderLSTMRegressor(LSTMRegressorBase):
    _builder = staticmethod(architectures.build_encoder_decoder)
    _defaults = {"units": 100, "activation": "relu", "epochs": 300}


EncoderDecoderLSTMRegressor.__doc__ = _doc(
    "An encoder LSTM, ``RepeatVector(n_steps_out)``, a decoder LSTM and a TimeDistributed Dense.",
    """    units : int, default=100
        Units of the encoder and the decoder LSTM.
    activation : str, default="relu"
        LSTM activation.
""",
    """    >>> from sklstm import EncoderDecoderLSTMRegressor
    >>> EncoderDecoderLSTMRegressor(n_steps_out=2).n_steps_out
    2
""",
    300,
)
