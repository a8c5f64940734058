"""Keras layers of sklstm's own: a ConvLSTM whose cell runs two convolutions per step instead of eight.

Keras' ``ConvLSTMCell`` splits its kernels into the four gates and runs one
convolution per gate, for the input and for the state: eight small
convolutions per time step, and twice as many in the backward pass. On the
tutorial's ConvLSTM (64 filters over 2 x 1 x 2 frames) a fit spent most of its
time in the fixed cost of those kernels. :class:`FusedConvLSTM2D` keeps Keras'
layer, weights, initialisers and configuration, and computes the four gates
with one convolution of the input and one of the state, then splits the
result: the same arithmetic (test: equal outputs for equal weights), 2.4
times faster to train there (``benchmarks/bench_tutorial.py``). With dropout
in training, the cell takes Keras' own path.

The layer is registered as ``sklstm>FusedConvLSTM2D``: a saved model loads
once :mod:`sklstm.layers` is imported (unpickling an estimator imports it).
"""

from __future__ import annotations

from typing import Any

# Keras exports no ConvLSTM cell; its class is private API (keras is pinned below 3.16 in pyproject.toml).
from keras.src.layers.rnn.conv_lstm import ConvLSTMCell

from ._tf import keras

__all__ = ["FusedConvLSTM2D", "FusedConvLSTMCell"]


class FusedConvLSTMCell(ConvLSTMCell):
    """Keras' ``ConvLSTMCell`` computing its four gates with two convolutions per step."""

    def call(self, inputs, states, training=False):
        if training and (0.0 < self.dropout < 1.0 or 0.0 < self.recurrent_dropout < 1.0):
            return super().call(inputs, states, training=training)  # one dropout mask per gate
        ops = keras.ops
        h_tm1, c_tm1 = states[0], states[1]
        channels = -1 if self.data_format == "channels_last" else 1
        z = self.input_conv(inputs, self.kernel, padding=self.padding) + self.recurrent_conv(
            h_tm1, self.recurrent_kernel
        )
        if self.use_bias:
            shape = [1] * (self.rank + 2)
            shape[channels] = 4 * self.filters
            z = z + ops.reshape(self.bias, shape)
        z_i, z_f, z_c, z_o = ops.split(z, 4, axis=channels)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        c = f * c_tm1 + i * self.activation(z_c)
        h = self.recurrent_activation(z_o) * self.activation(c)
        return h, [h, c]


@keras.saving.register_keras_serializable(package="sklstm")
class FusedConvLSTM2D(keras.layers.ConvLSTM2D):
    """``keras.layers.ConvLSTM2D`` with a cell that runs two convolutions per step instead of eight.

    Takes exactly ``keras.layers.ConvLSTM2D``'s arguments and has the same
    weights; only the cell's arithmetic is grouped differently.

    Parameters
    ----------
    filters : int
        Number of output filters (the state's channels).
    kernel_size : int or tuple of int
        Size of the convolution window.
    **kwargs : dict
        Any other argument of ``keras.layers.ConvLSTM2D``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm.layers import FusedConvLSTM2D
    >>> layer = FusedConvLSTM2D(4, (1, 2))
    >>> tuple(layer(np.zeros((3, 2, 1, 2, 1), dtype="float32")).shape)
    (3, 1, 1, 4)
    """

    def __init__(self, filters: int, kernel_size: Any, **kwargs: Any):
        super().__init__(filters, kernel_size, **kwargs)
        keras_cell = self.cell
        self.cell = FusedConvLSTMCell(rank=2, **keras_cell.get_config())
        self._tracker.untrack(keras_cell)  # (private) or its seed generator would count among the variables
