"""One short Keras builder per tutorial architecture.

Every builder takes ``meta`` (the fitted estimator's metadata: the encoded
input shape ``input_shape_``, ``n_steps_out_`` and ``n_targets_``) plus its
hyperparameters, and returns an uncompiled ``keras.Model`` whose output is
``(samples, n_steps_out_ * n_targets_)``, flattened step-major.
Keras is imported only when a model is built.

Layers, inputs and models have fixed names: Keras would otherwise number them
(``lstm_41``), every new model's variables would add entries to
TensorFlow's kernel cache that are never freed (measured: about 35 KB per
variable, 0.6 MB per fit; ``benchmarks/bench_leak.py``), and models of one
architecture would not share their traced inference graph
(:mod:`sklstm._training.inference`, keyed by the model's configuration).
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "build_vanilla",
    "build_stacked",
    "build_bidirectional",
    "build_cnn_lstm",
    "build_conv_lstm",
    "build_encoder_decoder",
]


def _io(meta: dict[str, Any]):
    """Keras, the model's input, what the first layer reads, and the number of outputs.

    With ``meta["id_embedding_"] = (n_ids, dim)`` the input's last feature is
    an integer id, which the first layer reads as its learned embedding
    (:class:`~sklstm.estimators._layers.IdEmbedding`).
    """
    from .._tf import keras

    inputs = keras.Input(shape=meta["input_shape_"], name="windows")
    n_outputs = meta["n_steps_out_"] * meta["n_targets_"]
    embedding = meta.get("id_embedding_")
    if embedding is None:
        return keras, inputs, inputs, n_outputs
    from ._layers import IdEmbedding

    return keras, inputs, IdEmbedding(*embedding, name="id_embedding")(inputs), n_outputs


# Measured on 2 CPU cores, LSTM(32), 110 windows, 150 epochs (first fit with tracing, then pooled refits):
# 36 steps unrolled 2.8 s then 1.0 s per fit, as a loop 3.1 s then 3.0 s; 48 steps 3.6/1.3 against
# 2.9/2.2; 64 steps 5.1/1.8 against 3.4/2.9 (tracing grows with the steps unrolled).
_MAX_UNROLL = 48


def _unroll(steps: int) -> bool:
    """Unroll recurrent layers over short sequences: same maths, much faster to train (slower to trace)."""
    return steps <= _MAX_UNROLL


def _model(keras, inputs, outputs, meta):
    return keras.Model(inputs, outputs, name="network")


def _dense(keras, n_out: int, hidden):
    return keras.layers.Dense(n_out, name="output")(hidden)


def build_vanilla(meta: dict[str, Any], units: int = 50, activation: str = "relu"):
    """``LSTM(units) -> Dense``: the tutorial's vanilla model."""
    keras, inputs, features, n_out = _io(meta)
    hidden = keras.layers.LSTM(units, activation=activation, unroll=_unroll(inputs.shape[1]), name="lstm")(features)
    return _model(keras, inputs, _dense(keras, n_out, hidden), meta)


def build_stacked(
    meta: dict[str, Any], units: int = 50, n_layers: int = 2, activation: str = "relu"
):
    """``n_layers`` LSTMs, all but the last returning sequences, then Dense."""
    keras, inputs, features, n_out = _io(meta)
    hidden = features
    for layer in range(n_layers):
        hidden = keras.layers.LSTM(
            units, activation=activation, return_sequences=layer < n_layers - 1, unroll=_unroll(inputs.shape[1]),
            name=f"lstm_{layer + 1}",
        )(hidden)
    return _model(keras, inputs, _dense(keras, n_out, hidden), meta)


def build_bidirectional(
    meta: dict[str, Any], units: int = 50, activation: str = "relu", merge_mode: str = "concat"
):
    """``Bidirectional(LSTM(units)) -> Dense``."""
    keras, inputs, features, n_out = _io(meta)
    layer = keras.layers.LSTM(units, activation=activation, unroll=_unroll(inputs.shape[1]), name="lstm")
    hidden = keras.layers.Bidirectional(layer, merge_mode=merge_mode, name="bidirectional")(features)
    return _model(keras, inputs, _dense(keras, n_out, hidden), meta)


def build_cnn_lstm(
    meta: dict[str, Any],
    units: int = 50,
    filters: int = 64,
    kernel_size: int = 1,
    pool_size: int = 2,
    activation: str = "relu",
):
    """TimeDistributed ``Conv1D -> MaxPooling1D -> Flatten`` over sub-sequences, then LSTM.

    The convolution is :class:`~sklstm.estimators._layers.MatmulConv1D`: Keras' Conv1D with
    small kernels applied as matrix products (the same arithmetic); the pooling
    :class:`~sklstm.estimators._layers.ReshapeMaxPooling1D` (the same outputs, no
    per-shape oneDNN primitive kept).
    """
    from ._layers import MatmulConv1D, ReshapeMaxPooling1D

    keras, inputs, features, n_out = _io(meta)
    td = keras.layers.TimeDistributed
    hidden = td(MatmulConv1D(filters, kernel_size, activation=activation, padding="same", name="conv1d"), name="conv")(
        features
    )
    hidden = td(ReshapeMaxPooling1D(pool_size, padding="same", name="pool"), name="pooling")(hidden)
    hidden = td(keras.layers.Flatten())(hidden)
    hidden = keras.layers.LSTM(units, activation=activation, unroll=_unroll(inputs.shape[1]), name="lstm")(hidden)
    return _model(keras, inputs, _dense(keras, n_out, hidden), meta)


def build_conv_lstm(
    meta: dict[str, Any],
    filters: int = 64,
    kernel_size: tuple[int, int] = (1, 2),
    activation: str = "relu",
):
    """``ConvLSTM2D -> Flatten -> Dense`` over ``(n_seq, 1, steps // n_seq)`` frames.

    The layer is :class:`~sklstm.estimators._layers.FusedConvLSTM2D`: Keras' ConvLSTM2D with
    two convolutions per step instead of eight, small kernels applied as
    matrix products (the same arithmetic).
    """
    from ._layers import FusedConvLSTM2D

    keras, inputs, features, n_out = _io(meta)
    hidden = FusedConvLSTM2D(
        filters, tuple(kernel_size), activation=activation, unroll=_unroll(inputs.shape[1]), name="conv_lstm"
    )(features)
    hidden = keras.layers.Flatten()(hidden)
    return _model(keras, inputs, _dense(keras, n_out, hidden), meta)


def build_encoder_decoder(meta: dict[str, Any], units: int = 100, activation: str = "relu"):
    """Encoder LSTM, ``RepeatVector(n_steps_out)``, decoder LSTM, TimeDistributed Dense."""
    keras, inputs, features, n_out = _io(meta)
    hidden = keras.layers.LSTM(units, activation=activation, unroll=_unroll(inputs.shape[1]), name="encoder")(features)
    hidden = keras.layers.RepeatVector(meta["n_steps_out_"])(hidden)
    hidden = keras.layers.LSTM(
        units, activation=activation, return_sequences=True, unroll=_unroll(meta["n_steps_out_"]), name="decoder"
    )(hidden)
    hidden = keras.layers.TimeDistributed(keras.layers.Dense(meta["n_targets_"], name="dense"), name="output")(hidden)
    return _model(keras, inputs, keras.layers.Reshape((n_out,))(hidden), meta)
