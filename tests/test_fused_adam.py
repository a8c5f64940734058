"""Keras' plain Adam applied by one fused kernel per variable (the compiled loop's optimizer step)."""

import numpy as np
import pytest


def _adam_pair(optimizer_class, **config):
    """Two copies of one small set of variables, each with its own built optimizer."""
    from sklstm._tf import keras

    rng = np.random.default_rng(0)
    values = [rng.normal(size=(3, 4)).astype("float32"), rng.normal(size=(4,)).astype("float32")]
    pairs = []
    for _ in range(2):
        weights = [keras.Variable(v, name=f"w{i}") for i, v in enumerate(values)]
        optimizer = optimizer_class(**config)
        optimizer.build(weights)
        pairs.append((optimizer, weights))
    return pairs


@pytest.mark.parametrize("config", [{}, {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-4}])
def test_fused_adam_step_matches_keras_adam(config):
    from sklstm._tf import keras
    from sklstm._training.fused_adam import apply_adam, plain_adam

    (keras_opt, keras_w), (fused_opt, fused_w) = _adam_pair(keras.optimizers.Adam, **config)
    initial = [w.numpy() for w in fused_w]
    assert plain_adam(fused_opt, fused_w)
    rng = np.random.default_rng(1)
    for _ in range(5):
        grads = [rng.normal(size=w.shape).astype("float32") for w in keras_w]
        keras_opt.apply(grads, keras_w)
        apply_adam(fused_opt, grads, fused_w)
    assert int(fused_opt.iterations.numpy()) == int(keras_opt.iterations.numpy()) == 5
    for a, b, start in zip(keras_w, fused_w, initial):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)
        assert not np.allclose(b.numpy(), start)


@pytest.mark.parametrize("extra", [{"amsgrad": True}, {"clipnorm": 1.0}, {"weight_decay": 0.01}, {"use_ema": True}])
def test_adam_with_more_than_the_update_keeps_keras_own_step(extra):
    from sklstm._tf import keras
    from sklstm._training.fused_adam import plain_adam

    (optimizer, weights), _ = _adam_pair(keras.optimizers.Adam, **extra)
    assert not plain_adam(optimizer, weights)
    (sgd, sgd_weights), _ = _adam_pair(keras.optimizers.SGD)
    assert not plain_adam(sgd, sgd_weights)
