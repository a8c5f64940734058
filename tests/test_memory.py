"""A dense fit holds its windows once: encoded chunk by chunk into an aligned array TensorFlow shares."""

import tracemalloc

import numpy as np
import pytest

from sklstm import VanillaLSTMRegressor, make_windows
from sklstm._training.memory import aligned_empty, is_aligned
from sklstm.estimators._inputs import encode_windows, prepare_dense


def test_aligned_arrays_start_on_the_boundary_tensorflow_needs():
    for shape in [(1,), (3, 5), (7, 3, 2)]:
        a = aligned_empty(shape)
        assert a.shape == shape and a.ctypes.data % 64 == 0 and is_aligned(a)
    assert not is_aligned(np.arange(10.0)[1:]) and not is_aligned([1.0, 2.0])


def test_an_aligned_float32_array_is_shared_with_tensorflow_and_others_are_copied():
    from sklstm._training.training import as_tensor

    shared = aligned_empty((4, 3))
    shared[...] = 1.0
    tensor = as_tensor(shared)
    shared[0, 0] = 7.0
    assert float(tensor[0, 0]) == 7.0  # one buffer
    plain = np.ones((4, 3), np.float32)[1:]
    copied = as_tensor(plain)
    plain[0, 0] = 7.0
    assert float(copied[0, 0]) == 1.0


@pytest.mark.parametrize("estimator", [VanillaLSTMRegressor(), VanillaLSTMRegressor(scaling=None)])
def test_dense_encoding_makes_one_float32_copy_of_the_windows(monkeypatch, estimator):
    from sklstm.estimators import _baseline
    from sklstm.preprocessing import _scaling

    # Chunks of a few hundred windows, so that at this test's size, as at real sizes, they are a small share.
    for module, name, value in [(_scaling, "_CHUNK_VALUES", 2**14), (_baseline, "_CHUNK", 2**7)]:
        monkeypatch.setattr(module, name, value)
    series = np.random.default_rng(0).normal(size=(20_000, 4)).astype(np.float32)
    X, y = make_windows(series, 32, targets=[0])
    windows = X.shape[0] * X.shape[1] * X.shape[2] * 4
    seq, y2, _ = estimator._validate_Xy(X, y)
    tracemalloc.start()
    try:
        inputs = prepare_dense(seq, y2, None, encoding=estimator._encoding(), n_targets=1, fitted=None)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert is_aligned(inputs.features) and inputs.features.dtype == np.float32
    assert peak <= 1.25 * windows, f"peak {peak / windows:.2f} times the float32 windows"
    expected = inputs.fitted["feature_encoder_"].transform(seq)
    np.testing.assert_allclose(inputs.features, expected, rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(encode_windows(inputs.fitted["feature_encoder_"], seq), inputs.features)


def test_a_streamed_fit_shares_the_scaled_series_and_keeps_float32_targets(monkeypatch):
    from sklstm._training import training
    from sklstm.estimators._streaming import prepare_streamed

    shared = []
    real = training.as_tensor
    monkeypatch.setattr(training, "as_tensor", lambda array: shared.append(is_aligned(array)) or real(array))
    series = np.random.default_rng(0).normal(size=(3_000, 2)).astype(np.float32)
    X, y = make_windows(series, 16, targets=[0], stream=True)
    assert y.dtype == np.float32
    estimator = VanillaLSTMRegressor()
    inputs = prepare_streamed(X, y, None, encoding=estimator._encoding(), n_steps_out=1, fitted=None,
                              owner="VanillaLSTMRegressor")
    assert shared == [True, True]  # the scaled series and the residual targets, handed over without a copy
    assert inputs.features.shape[1] == 2 and inputs.features.shape[0] >= len(y) + 15  # rows of every window
    assert tuple(inputs.residuals.shape) == (len(y), 1)


def _low_memory(monkeypatch, available):
    from sklstm._training import memory

    monkeypatch.setattr(memory, "available_memory", lambda: available)


def test_windows_too_large_for_memory_are_fitted_streamed(monkeypatch):
    series = np.random.default_rng(0).normal(size=(300, 2)).astype(np.float32)
    X, y = make_windows(series, 8, targets=[0])
    params = {"units": 3, "epochs": 2, "random_state": 0}
    streamed = VanillaLSTMRegressor(**params).fit(*make_windows(series, 8, targets=[0], stream=True))
    dense = VanillaLSTMRegressor(**params).fit(X, y)
    _low_memory(monkeypatch, 4 * X.size)  # the windows would take all of it
    auto = VanillaLSTMRegressor(**params).fit(X, y)
    assert auto.streamed_ and not dense.streamed_
    np.testing.assert_allclose(auto.predict(X), streamed.predict(X), rtol=1e-6)
    copied = VanillaLSTMRegressor(**params).fit(np.ascontiguousarray(X[:, ::-1]), y)  # not a view
    assert not copied.streamed_


def test_copied_windows_too_large_for_memory_are_refused_naming_stream(monkeypatch):
    X, y = make_windows(np.random.default_rng(0).normal(size=300), 8)
    _low_memory(monkeypatch, 100)
    with pytest.raises(MemoryError, match=r"make_windows\(\.\.\., stream=True\)"):
        VanillaLSTMRegressor(units=3, epochs=1).fit(np.ascontiguousarray(X), y)


def test_the_garbage_budget_collects_within_its_share_of_training_time():
    from sklstm._training.memory import GarbageBudget

    budget = GarbageBudget(share=0.1)
    assert budget.spent(0.0)  # the first call learns the cost
    budget.cost = 0.2
    assert not budget.spent(1.0)  # 10% of 1 s is below 0.2 s
    assert budget.spent(1.5)  # 10% of 2.5 s is above it
    assert budget.collections == 2
    off = GarbageBudget(share=0.0)
    assert not off.spent(100.0) and off.collections == 0


@pytest.mark.slow  # 3-5 s: the quick tier stays under 5 minutes
def test_a_discarded_network_is_freed_by_a_later_fit_without_a_collection_by_the_user(monkeypatch):
    import gc
    import weakref

    from sklstm._training import memory

    budget = memory.GarbageBudget(share=0.1)
    monkeypatch.setattr(memory, "GARBAGE", budget)
    X, y = make_windows(np.sin(np.arange(60) / 3.0), 4)
    # the keras loop: the pool of traced compiled loops keeps the model each loop was traced on
    first = VanillaLSTMRegressor(units=3, epochs=2, random_state=0, fit_loop="keras").fit(X, y)
    network = weakref.ref(first.model_)
    del first
    budget.cost = 0.0  # let the next training collect
    gc.disable()  # only the budget may collect
    try:
        VanillaLSTMRegressor(units=3, epochs=2, random_state=1).fit(X, y)
        assert network() is None and budget.collections >= 2
    finally:
        gc.enable()
