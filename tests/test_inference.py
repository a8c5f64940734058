"""The pool of traced inference graphs (``sklstm._training.inference``): one trace per architecture."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

import sklstm
from sklstm import make_windows
from sklstm._training import inference

X, Y = make_windows(np.sin(np.arange(60) / 3.0), 5)


@pytest.fixture
def pool(monkeypatch):
    """A fresh inference pool in place of the package's, so that other tests' graphs do not count."""
    from sklstm.estimators import _base

    fresh = inference.InferencePool()
    monkeypatch.setattr(_base, "INFERENCE", fresh)
    return fresh


def test_models_of_one_architecture_share_one_trace_and_predict_with_their_own_weights(pool):
    first = sklstm.VanillaLSTMRegressor(units=4, epochs=2, random_state=0).fit(X, Y)
    second = sklstm.VanillaLSTMRegressor(units=4, epochs=2, random_state=1).fit(X, Y)
    a, b = first.predict(X), second.predict(X)
    assert len(pool) == 1  # Keras numbers no name that the key keeps
    assert not np.allclose(a, b)
    pool.size = 0  # each model traced on its own: the same predictions
    pool.clear()
    np.testing.assert_allclose(first.predict(X), a, rtol=1e-6)
    np.testing.assert_allclose(second.predict(X), b, rtol=1e-6)


def test_other_architectures_and_sizes_get_their_own_graph_within_the_pool_size(pool):
    pool.size = 2
    for units in (3, 4, 5):
        sklstm.VanillaLSTMRegressor(units=units, epochs=1, random_state=0).fit(X, Y).predict(X[:2])
    assert len(pool) == 2


def _model(seed):
    from sklstm._tf import keras

    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((5, 1)), keras.layers.LSTM(3), keras.layers.Dense(1)])


def test_a_shared_graph_runs_on_another_models_variables():
    traced_on, other = _model(0), _model(1)
    shared = inference.SharedInference(traced_on, (5, 1))
    x = np.random.default_rng(0).normal(size=(4, 5, 1)).astype("float32")
    np.testing.assert_allclose(np.asarray(shared.bind(other)(x)), np.asarray(other(x)), rtol=1e-5)
    np.testing.assert_allclose(np.asarray(shared.bind(traced_on)(x)), np.asarray(traced_on(x)), rtol=1e-5)
    assert inference._architecture(traced_on) == inference._architecture(other)  # numbered names aside


def test_a_pooled_graph_does_not_keep_the_model_it_was_traced_on():
    pool = inference.InferencePool()
    model = _model(0)
    pool.function(model, (5, 1))(np.zeros((2, 5, 1), dtype="float32"))
    ref = weakref.ref(model)
    del model
    gc.collect()
    assert len(pool) == 1 and ref() is None


def test_models_with_layers_of_other_libraries_are_never_shared():
    from sklstm._tf import keras

    class Scale(keras.layers.Layer):  # its factor is not in its configuration
        def __init__(self, factor, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor

    def model(factor):
        return keras.Sequential([keras.Input((5, 1)), keras.layers.LSTM(3), Scale(factor), keras.layers.Dense(1)])

    pool = inference.InferencePool()
    x = np.ones((2, 5, 1), dtype="float32")
    two, three = model(2.0), model(3.0)
    three.set_weights(two.get_weights())
    assert inference._architecture(two) is None
    np.testing.assert_allclose(np.asarray(pool.function(three, (5, 1))(x)), np.asarray(three(x)), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(pool.function(two, (5, 1))(x)), np.asarray(two(x)), rtol=1e-6)
    assert len(pool) == 0
