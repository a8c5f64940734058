"""The whole fitted predictor of an sklstm estimator as one Keras model.

``model_`` is only the network, which learns the scaled residuals of the
linear baseline. :func:`export_model` wraps it with the rest of ``predict``
as Keras layers (the input scaling, the reshaping for the architecture, the
ridge baseline and the inverse target scaling), so that the result can be
saved, served or converted with Keras' own tools and gives ``predict``'s
numbers. Keras is imported only when it is called.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.utils.validation import check_is_fitted

__all__ = ["export_model"]


def export_model(estimator: Any) -> Any:
    """A Keras model from windows ``(samples, n_steps_in_, n_series_in_)`` to ``predict``'s outputs.

    The input is 3-D windows in time order (oldest step first), the output
    ``(samples, n_steps_out * n_targets_)``, flattened step-major as ``y``.
    2-D column layouts (lag names, ``lag_order``) are read by ``predict``
    before this point: give the exported model 3-D windows.

    Parameters
    ----------
    estimator : fitted sklstm estimator

    Returns
    -------
    model : keras.Model
    """
    check_is_fitted(estimator, "model_")
    from .._tf import keras

    inputs = keras.Input((estimator.n_steps_in_, estimator.n_series_in_))
    scaler = estimator.feature_encoder_.named_steps["scale"]
    scaled = inputs if scaler == "passthrough" else _affine(keras, 1.0 / scaler.scale_, -scaler.offset_ / scaler.scale_)(inputs)
    encoded = keras.layers.Reshape(estimator.input_shape_)(scaled)
    out = estimator.model_(encoded)
    baseline = getattr(estimator, "baseline_", None)
    if baseline is not None:
        linear = keras.layers.Dense(baseline.coef_.shape[0], trainable=False, name="linear_baseline")
        flat = keras.layers.Flatten()(encoded[..., :-1] if getattr(baseline, "exclude_last", False) else encoded)
        linear.build(flat.shape)
        linear.set_weights([baseline.coef_.T.astype(np.float32), np.asarray(baseline.intercept_, np.float32)])
        out = keras.layers.Add()([out, linear(flat)])
    target = estimator.target_encoder_
    steps = estimator.n_steps_out
    out = _affine(keras, np.tile(target.scale_, steps), np.tile(target.offset_, steps))(out)
    return keras.Model(inputs, out, name=f"{type(estimator).__name__}_predictor")


def _affine(keras: Any, scale: np.ndarray, offset: np.ndarray) -> Any:
    """``x * scale + offset`` on the last axis (a Keras ``Rescaling`` layer)."""
    return keras.layers.Rescaling(np.asarray(scale, np.float32).tolist(), offset=np.asarray(offset, np.float32).tolist())
