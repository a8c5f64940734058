"""Keras' plain Adam update as one fused TensorFlow kernel per variable, for the compiled training loop.

:func:`plain_adam` says whether an optimizer is Keras' ``Adam`` with nothing
around its update; :func:`apply_adam` then applies Keras' arithmetic by one
``ResourceApplyAdam`` per variable inside the traced loop, a cheaper trace and
fewer operations per step than Keras' own dozen small operations.
"""

from __future__ import annotations

from typing import Any

from .._compat import adam_slots, resource_apply_adam
from .._tf import keras, tf

__all__ = ["apply_adam", "plain_adam"]


def plain_adam(optimizer: Any, weights: list) -> bool:
    """Whether ``optimizer`` is Keras' ``Adam`` with nothing around its update (one fused kernel can apply it).

    That is: Keras' own class, float32 variables without constraints, and no
    AMSGrad, weight decay, gradient clipping, moving average, loss scaling or
    gradient accumulation. A learning-rate schedule is fine (it is read each step).
    """
    adam = keras.optimizers.Adam
    if type(optimizer) is not adam or not hasattr(optimizer, "_momentums") or not hasattr(optimizer, "_velocities"):
        return False
    extras = ("amsgrad", "weight_decay", "clipnorm", "clipvalue", "global_clipnorm", "use_ema", "loss_scale_factor",
              "gradient_accumulation_steps")
    return not any(getattr(optimizer, name, None) for name in extras) and all(
        w.dtype == "float32" and w.constraint is None and not getattr(w, "overwrite_with_gradient", False)
        for w in weights
    )


def apply_adam(optimizer: Any, grads: list, weights: list) -> Any:
    """Keras' Adam update, one ``ResourceApplyAdam`` kernel per variable; returns the step counter's update.

    The same arithmetic as ``keras.optimizers.Adam.update_step`` (moments
    ``m += (g - m)(1 - beta_1)``, ``v += (g^2 - v)(1 - beta_2)``, then
    ``w -= lr sqrt(1 - beta_2^t) / (1 - beta_1^t) m / (sqrt(v) + epsilon)``),
    in one kernel instead of about a dozen small operations: a cheaper trace
    of the training loop (Keras' update was about a third of it for a small
    LSTM), and fewer operations per step.
    Only for an optimizer :func:`plain_adam` accepts.
    """
    step = tf.cast(optimizer.iterations + 1, tf.float32)
    beta_1 = tf.constant(optimizer.beta_1, tf.float32)
    beta_2 = tf.constant(optimizer.beta_2, tf.float32)
    common = {
        "beta1_power": tf.pow(beta_1, step),
        "beta2_power": tf.pow(beta_2, step),
        "lr": tf.cast(optimizer.learning_rate, tf.float32),
        "beta1": beta_1,
        "beta2": beta_2,
        "epsilon": tf.constant(optimizer.epsilon, tf.float32),
    }
    updates = []
    for grad, weight in zip(grads, weights, strict=True):
        if grad is None:
            continue
        m, v = adam_slots(optimizer, weight)
        grad = tf.cast(tf.convert_to_tensor(grad), tf.float32)
        updates.append(resource_apply_adam(
            var=weight.value.handle, m=m.value.handle, v=v.value.handle, grad=grad, **common
        ))
    with tf.control_dependencies(updates):
        return optimizer.iterations.assign_add(1)
