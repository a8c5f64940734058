"""sklstm's own Keras layers: Keras' convolutional layers, computed faster for small kernels.

The tutorial's convolutional models are tiny (a kernel of one or two taps over
a few time steps), and on CPU TensorFlow's oneDNN convolution kernels spend
most of such a fit in their fixed cost per call. Two changes, the same
arithmetic (tests: equal outputs and gradients for equal weights):

- :func:`small_conv` computes a convolution with at most ``MAX_TAPS`` kernel
  taps as one matrix product of the input's shifted slices (im2col);
- :class:`FusedConvLSTM2D`'s cell computes its four gates with one
  convolution of the input and one of the state, where Keras' runs one
  convolution per gate for each (eight per time step).

Measured on 2 CPU cores (``benchmarks/bench_tutorial.py``, ``benchmarks/README.md``):
the ConvLSTM setup 2.4 times faster with fused gates, and 3 times faster
again with the convolutions as matrix products; the CNN-LSTM setup
(``MatmulConv1D``) about twice as fast.

:class:`ReshapeMaxPooling1D` pools by a reshape and a maximum, which keeps no
per-shape oneDNN primitive (the memory of a process fitting many lengths).

:class:`IdEmbedding` replaces a panel's integer series id (the last input
feature) by a learned embedding.

The layers are registered as ``sklstm>FusedConvLSTM2D``, ``sklstm>IdEmbedding``,
``sklstm>MatmulConv1D`` and ``sklstm>ReshapeMaxPooling1D``: a saved model loads once :mod:`sklstm.estimators._layers` is
imported (unpickling an estimator imports it).
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from .._compat import conv_lstm_cell_class, untrack
from .._tf import keras

ConvLSTMCell = conv_lstm_cell_class()  # Keras exports no ConvLSTM cell (sklstm._compat)

__all__ = ["MAX_TAPS", "FusedConvLSTM2D", "FusedConvLSTMCell", "IdEmbedding", "MatmulConv1D", "ReshapeMaxPooling1D",
           "small_conv"]

MAX_TAPS = 9  # kernels of at most this many taps (3 x 3) become matrix products


def small_conv(x: Any, kernel: Any, strides: Any, padding: str, dilation_rate: Any, data_format: str) -> Any:
    """``keras.ops.conv``, as one matrix product of shifted slices when the kernel is small.

    For channels-last input with known spatial sizes and a kernel of at most
    :data:`MAX_TAPS` taps, each tap's slice of the (padded) input is taken,
    the slices are concatenated along the channels, and the result is
    multiplied by the kernel reshaped to ``(taps * channels, filters)``.
    Otherwise ``keras.ops.conv``.
    """
    ops = keras.ops
    rank = len(kernel.shape) - 2
    sizes, taps = tuple(x.shape[1 : 1 + rank]), tuple(kernel.shape[:rank])
    strides, dilation_rate = _tuple(strides, rank), _tuple(dilation_rate, rank)
    if data_format != "channels_last" or None in sizes or math.prod(taps) > MAX_TAPS:
        return ops.conv(x, kernel, strides=strides, padding=padding, dilation_rate=dilation_rate, data_format=data_format)
    outputs, pads = [], []
    for size, tap, stride, rate in zip(sizes, taps, strides, dilation_rate, strict=True):
        span = (tap - 1) * rate + 1
        if padding == "same":  # TensorFlow's "SAME": the extra padding goes after
            out = -(-size // stride)
            total = max((out - 1) * stride + span - size, 0)
            pads.append((total // 2, total - total // 2))
        else:
            out = (size - span) // stride + 1
            pads.append((0, 0))
        outputs.append(out)
    if any(pads):
        x = ops.pad(x, [(0, 0), *pads, (0, 0)])
    slices = [
        x[(slice(None), *(slice(o * rate, o * rate + (out - 1) * stride + 1, stride)
                          for o, rate, out, stride in zip(offsets, dilation_rate, outputs, strides, strict=True)))]
        for offsets in itertools.product(*(range(tap) for tap in taps))
    ]
    patches = slices[0] if len(slices) == 1 else ops.concatenate(slices, axis=-1)
    return ops.matmul(patches, ops.reshape(kernel, (-1, kernel.shape[-1])))


def _tuple(value: Any, rank: int) -> tuple:
    return tuple(value) if isinstance(value, (list, tuple)) else (value,) * rank


def _add_bias(x: Any, bias: Any, rank: int, data_format: str) -> Any:
    """``x + bias`` along the channels axis of a ``rank``-D convolution's output."""
    shape = [1] * (rank + 2)
    shape[-1 if data_format == "channels_last" else 1] = bias.shape[0]
    return x + keras.ops.reshape(bias, shape)


class FusedConvLSTMCell(ConvLSTMCell):
    """Keras' ``ConvLSTMCell`` computing its four gates with two (small) convolutions per step."""

    def call(self, inputs, states, training=False):
        if training and (0.0 < self.dropout < 1.0 or 0.0 < self.recurrent_dropout < 1.0):
            return super().call(inputs, states, training=training)  # one dropout mask per gate
        h_tm1, c_tm1 = states[0], states[1]
        channels = -1 if self.data_format == "channels_last" else 1
        z = self.input_conv(inputs, self.kernel, padding=self.padding) + self.recurrent_conv(
            h_tm1, self.recurrent_kernel
        )
        if self.use_bias:
            z = _add_bias(z, self.bias, self.rank, self.data_format)
        z_i, z_f, z_c, z_o = keras.ops.split(z, 4, axis=channels)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        c = f * c_tm1 + i * self.activation(z_c)
        h = self.recurrent_activation(z_o) * self.activation(c)
        return h, [h, c]

    def input_conv(self, x, w, b=None, padding="valid"):
        out = small_conv(x, w, self.strides, padding, self.dilation_rate, self.data_format)
        return out if b is None else _add_bias(out, b, self.rank, self.data_format)

    def recurrent_conv(self, x, w):
        return small_conv(x, w, 1, "same", 1, self.data_format)


@keras.saving.register_keras_serializable(package="sklstm")
class FusedConvLSTM2D(keras.layers.ConvLSTM2D):
    """``keras.layers.ConvLSTM2D`` with a cell that runs two convolutions per step instead of eight.

    Takes exactly ``keras.layers.ConvLSTM2D``'s arguments and has the same
    weights; only the cell's arithmetic is grouped differently, and small
    kernels are applied by :func:`small_conv`.

    Parameters
    ----------
    filters : int
        Channels of the state and of the output; the cell computes four
        times as many, one group per gate.
    kernel_size : int or tuple of int
        ``(rows, columns)`` of the input's convolution window; the state's
        convolution has the same window with ``"same"`` padding.
    **kwargs : dict
        Any other argument of ``keras.layers.ConvLSTM2D`` (``padding``,
        ``strides``, ``dropout``, ...).

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm.estimators._layers import FusedConvLSTM2D
    >>> layer = FusedConvLSTM2D(4, (1, 2))
    >>> tuple(layer(np.zeros((3, 2, 1, 2, 1), dtype="float32")).shape)
    (3, 1, 1, 4)
    """

    def __init__(self, filters: int, kernel_size: Any, **kwargs: Any):
        super().__init__(filters, kernel_size, **kwargs)
        keras_cell = self.cell
        self.cell = FusedConvLSTMCell(rank=2, **keras_cell.get_config())
        untrack(self, keras_cell)  # or its seed generator would count among the variables


@keras.saving.register_keras_serializable(package="sklstm")
class MatmulConv1D(keras.layers.Conv1D):
    """``keras.layers.Conv1D`` applying small kernels as matrix products (:func:`small_conv`).

    Takes exactly ``keras.layers.Conv1D``'s arguments and has the same
    weights. Grouped convolutions take Keras' own path.

    Parameters
    ----------
    filters : int
        Output channels per time step.
    kernel_size : int or tuple of int
        Taps along the time axis (at most :data:`MAX_TAPS` for the matrix product).
    **kwargs : dict
        Any other argument of ``keras.layers.Conv1D`` (``padding`` including
        ``"causal"``, ``strides``, ``dilation_rate``, ``activation``, ...).

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm.estimators._layers import MatmulConv1D
    >>> layer = MatmulConv1D(4, 2)
    >>> tuple(layer(np.zeros((3, 5, 1), dtype="float32")).shape)
    (3, 4, 4)
    """

    def __init__(self, filters: int, kernel_size: Any, **kwargs: Any):
        super().__init__(filters, kernel_size, **kwargs)

    def call(self, inputs):
        if self.groups != 1:
            return super().call(inputs)
        padding = self.padding
        if padding == "causal":  # all of the padding before the series
            before = self.dilation_rate[0] * (self.kernel_size[0] - 1)
            time_axis = 1 if self.data_format == "channels_last" else 2
            pads = [(0, 0)] * 3
            pads[time_axis] = (before, 0)
            inputs, padding = keras.ops.pad(inputs, pads), "valid"
        outputs = small_conv(inputs, self.kernel, self.strides, padding, self.dilation_rate, self.data_format)
        if self.use_bias:
            outputs = _add_bias(outputs, self.bias, 1, self.data_format)
        return outputs if self.activation is None else self.activation(outputs)


@keras.saving.register_keras_serializable(package="sklstm")
class ReshapeMaxPooling1D(keras.layers.MaxPooling1D):
    """``keras.layers.MaxPooling1D`` as a reshape and a maximum, where the windows do not overlap.

    Takes exactly ``keras.layers.MaxPooling1D``'s arguments. With ``strides``
    equal to ``pool_size`` (the default) and channels last, the series is
    padded as Keras pads it (``-inf`` cells, which never win), cut into
    ``pool_size`` rows and reduced by their maximum: the same outputs. On
    CPUs TensorFlow's oneDNN pooling kernels keep a compiled primitive for
    every batch shape they meet, never freed below their cache's capacity
    (measured about 85 KB per shape: a process fitting CNN-LSTMs on many
    lengths, as a backtest does, grew by it at every fit). Other strides take
    Keras' own path. Gradients are equal except at exact ties of the maximum,
    which the reduction shares and pooling gives to the first cell.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm.estimators._layers import ReshapeMaxPooling1D
    >>> x = np.array([[[1.0], [3.0], [2.0], [0.0], [5.0]]], dtype="float32")
    >>> np.ravel(ReshapeMaxPooling1D(2, padding="same")(x))
    array([3., 2., 5.], dtype=float32)
    """

    def call(self, inputs):
        size = self.pool_size[0]
        if self.strides[0] != size or self.data_format != "channels_last" or inputs.shape[1] is None:
            return super().call(inputs)
        steps = inputs.shape[1]
        out = math.ceil(steps / size) if self.padding == "same" else steps // size
        extra = out * size - steps  # > 0: padding ("same"); < 0: trailing steps that no window covers ("valid")
        if extra < 0:
            inputs = inputs[:, : out * size]
        elif extra > 0:
            before = extra // 2
            inputs = keras.ops.pad(inputs, [(0, 0), (before, extra - before), (0, 0)], constant_values=-math.inf)
        return keras.ops.max(keras.ops.reshape(inputs, (-1, out, size, inputs.shape[-1])), axis=2)


@keras.saving.register_keras_serializable(package="sklstm")
class IdEmbedding(keras.layers.Layer):
    """The last input feature read as an integer id and replaced by its learned embedding.

    Inputs ``(..., features)`` whose last feature holds ids ``0 .. n_ids - 1``
    (as floats: exact up to 2**24); outputs ``(..., features - 1 + dim)``: the
    other features, then the id's ``dim`` trained values. A series' identity in
    a panel of any size takes ``dim`` inputs per step, where one-hot takes one
    per series.

    Parameters
    ----------
    n_ids : int
        Number of distinct ids.
    dim : int
        Values per id.
    **kwargs : dict
        Other ``keras.layers.Layer`` arguments (``name``, ...).

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm.estimators._layers import IdEmbedding
    >>> x = np.array([[[0.5, 2.0], [0.7, 2.0]]], dtype="float32")  # one window, id 2 at every step
    >>> tuple(IdEmbedding(3, 4)(x).shape)
    (1, 2, 5)
    """

    def __init__(self, n_ids: int, dim: int, **kwargs: Any):
        super().__init__(**kwargs)
        self.n_ids, self.dim = int(n_ids), int(dim)
        self.table = keras.layers.Embedding(self.n_ids, self.dim, name="table")

    def build(self, input_shape: Any) -> None:
        self.table.build(tuple(input_shape[:-1]))

    def call(self, inputs: Any) -> Any:
        ids = keras.ops.cast(keras.ops.round(inputs[..., -1]), "int32")
        return keras.ops.concatenate([inputs[..., :-1], keras.ops.cast(self.table(ids), inputs.dtype)], axis=-1)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return (*input_shape[:-1], input_shape[-1] - 1 + self.dim)

    def get_config(self) -> dict:
        return {**super().get_config(), "n_ids": self.n_ids, "dim": self.dim}
