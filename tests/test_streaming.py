"""Long series: windows from make_windows(..., stream=True) are streamed from the series, never materialised."""

import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn.linear_model import RidgeCV

import sklstm
from sklstm import make_windows
from sklstm.estimators._baseline import WindowRidge
from sklstm.preprocessing._windows import SeriesWindows

T = np.arange(3000)
DATA = np.column_stack([np.sin(T / 7) + 0.01 * T, np.cos(T / 5)])


@pytest.mark.parametrize(
    "cls, kw",
    [
        (sklstm.VanillaLSTMRegressor, {"units": 8}),
        (sklstm.CNNLSTMRegressor, {"n_seq": 2, "filters": 4, "units": 4}),
        pytest.param(sklstm.ConvLSTMRegressor, {"n_seq": 4, "filters": 4}, marks=pytest.mark.slow),  # 4 s
    ],
)
def test_streamed_fit_matches_materialised_fit(cls, kw):
    X, y = make_windows(DATA, 8, targets=[0])
    Xs, ys = make_windows(DATA, 8, targets=[0], stream=True)
    assert isinstance(Xs, SeriesWindows) and Xs.shape == X.shape and np.array_equal(ys, y)
    # Without shuffling both paths see the same batches (streamed windows are shuffled by their own permutation).
    params = {"epochs": 3, "batch_size": 64, "random_state": 0, "validation_split": 0.2, "shuffle": False, **kw}
    dense = cls(**params).fit(X, y)
    streamed = cls(**params).fit(Xs, ys)
    assert streamed.streamed_ and not dense.streamed_
    # One baseline, one seed, one loop: the two paths differ only in float32 rounding.
    np.testing.assert_allclose(streamed.baseline_.coef_, dense.baseline_.coef_, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(streamed.history_["loss"], dense.history_["loss"], rtol=1e-4)
    np.testing.assert_allclose(streamed.predict(Xs), dense.predict(X), rtol=1e-4, atol=1e-5)


def test_only_series_windows_are_streamed():
    X, y = make_windows(DATA, 8, targets=[0])  # a strided view: materialised, as any array
    assert not sklstm.VanillaLSTMRegressor(units=4, epochs=1).fit(X, y).streamed_


def test_warm_start_and_partial_fit_keep_streaming():
    Xs, ys = make_windows(DATA, 8, targets=[0], stream=True)
    est = sklstm.VanillaLSTMRegressor(units=4, epochs=2, warm_start=True, random_state=0).fit(Xs, ys)
    baseline = est.baseline_
    est.fit(Xs, ys)
    assert est.streamed_ and est.baseline_ is baseline and len(est.history_["loss"]) == 4
    est.partial_fit(Xs, ys)
    assert est.streamed_ and len(est.history_["loss"]) == 5
    with pytest.raises(ValueError, match="was fitted on 8 x 2"):
        est.partial_fit(*make_windows(DATA, 6, targets=[0], stream=True))


def test_the_baseline_is_ridge_cv_computed_chunk_by_chunk():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 6, 2))
    y = X[:, -1, :] @ [1.0, -2.0] + 0.1 * rng.normal(size=300)
    weights = rng.uniform(0.5, 2.0, 300)
    ours = WindowRidge().fit(X, y[:, None], sample_weight=weights)
    theirs = RidgeCV(alphas=np.logspace(-6, 2, 9)).fit(X.reshape(300, -1), y, sample_weight=weights)
    assert ours.alpha_ == theirs.alpha_
    np.testing.assert_allclose(ours.coef_[0], theirs.coef_, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(ours.intercept_[0], theirs.intercept_, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("n", [1, 2])
def test_the_baseline_fits_one_or_two_windows_without_a_warning(n):
    # Leave-one-out errors are undefined where a window's leverage is 1: never a divide-by-zero warning.
    X, y = np.random.default_rng(0).random((n, 3)), np.arange(n, dtype=float)[:, None]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = WindowRidge().fit(X, y)
    assert np.all(np.isfinite(model.predict(X))) and np.isfinite(model.alpha_)
    if n == 1:  # every error undefined: the first alpha is kept
        assert model.alpha_ == min(model.alphas)


def test_streamed_fit_rejects_nan_and_keras_loop():
    X, y = make_windows(DATA, 8, targets=[0], stream=True)
    with pytest.raises(ValueError, match="need the compiled loop"):
        sklstm.VanillaLSTMRegressor(units=4, epochs=1, fit_loop="keras").fit(X, y)
    data = DATA.copy()
    data[100, 1] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN or infinity"):
        sklstm.VanillaLSTMRegressor(units=4, epochs=1).fit(SeriesWindows(data[:-1], 8), y)


def test_series_windows_read_like_an_array():
    windows = SeriesWindows(DATA, 5)
    assert len(windows) == 2996 and windows.ndim == 3
    np.testing.assert_array_equal(windows[3], DATA[3:8])
    np.testing.assert_array_equal(np.asarray(windows)[-1], DATA[-5:])
    with pytest.raises(ValueError, match="at least n_steps=5 rows"):
        SeriesWindows(DATA[:3], 5)


_MEMORY_SCRIPT = """
import resource, sys, numpy as np, sklstm
from sklstm import make_windows
series = np.random.default_rng(0).normal(size=(1_000_000, 2))
X, y = make_windows(series, 64, targets=[0], stream=True)
est = sklstm.VanillaLSTMRegressor(units=4, epochs=1, batch_size=2048, random_state=0)
est.fit(X[:20000], y[:20000])        # TensorFlow imported, model traced
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
est.fit(X, y)
growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before
print(est.streamed_, growth, series.nbytes, X.size * 4)
"""


@pytest.mark.slow
def test_peak_memory_growth_is_a_fraction_of_the_windows():
    out = subprocess.run([sys.executable, "-c", _MEMORY_SCRIPT], capture_output=True, text=True, check=True)
    streamed, growth, series_bytes, windows_bytes = out.stdout.split()
    assert streamed == "True"
    # materialised float32 windows alone would be 32x the float64 series here (512 MB)
    assert int(growth) < int(windows_bytes) / 8


def _panel_windows(level=2):
    """Three series end to end (lengths 40, 9 and 60) and the windows of 8 steps with a value after them."""
    rng = np.random.default_rng(0)
    parts = [np.cumsum(rng.normal(size=n)) + 10 * i for i, n in enumerate((40, 9, 60))]
    series = np.concatenate(parts)[:, np.newaxis]
    segments, targets, row = [], [], 0
    for part in parts:
        segments.append((row, len(part) - 8))
        for t in range(8, len(part)):
            targets.append(part[t] - part[t - level : t].mean())
        row += len(part)
    return SeriesWindows(series, 8, segments, level=level), np.array(targets), parts


def test_segmented_windows_never_cross_series_and_are_relative_to_their_level():
    X, y, parts = _panel_windows()
    assert X.shape == (32 + 1 + 52, 8, 1) and len(y) == len(X)
    dense = np.asarray(X)
    np.testing.assert_allclose(dense[32, :, 0], parts[1][:8] - parts[1][6:8].mean())  # the short series' one window
    np.testing.assert_allclose(dense[33, :, 0], parts[2][:8] - parts[2][6:8].mean())
    np.testing.assert_allclose(dense[-1, :, 0], parts[2][-9:-1] - parts[2][-3:-1].mean())
    np.testing.assert_allclose(dense[:, -2:, 0].mean(axis=1), 0.0, atol=1e-12)
    np.testing.assert_array_equal(X[5], dense[5])
    np.testing.assert_array_equal(X[3:7, :, 0], dense[3:7, :, 0])
    with pytest.raises(ValueError, match="segment 1 .* runs past the series"):
        SeriesWindows(X.series, 8, [(0, 1), (100, 5)])
    with pytest.raises(ValueError, match="level=9 exceeds the window length"):
        SeriesWindows(X.series, 8, level=9)
    with pytest.raises(ValueError, match="no view of the series"):
        X.view()


def test_streamed_panel_fit_matches_materialised_fit():
    X, y, _ = _panel_windows()
    params = {"units": 4, "epochs": 3, "batch_size": 16, "random_state": 0, "scaling": None, "shuffle": False}
    streamed = sklstm.VanillaLSTMRegressor(**params).fit(X, y)
    dense = sklstm.VanillaLSTMRegressor(**params).fit(np.asarray(X), y)
    assert streamed.streamed_ and not dense.streamed_
    np.testing.assert_allclose(streamed.history_["loss"], dense.history_["loss"], rtol=1e-4)
    np.testing.assert_allclose(streamed.predict(X), dense.predict(np.asarray(X)), rtol=1e-4, atol=1e-5)


def test_relative_windows_are_scaled_from_their_own_values_without_a_shift():
    X, y, _ = _panel_windows()
    est = sklstm.VanillaLSTMRegressor(units=4, epochs=2, random_state=0, scaling="minmax").fit(X, y)
    scaler = est.feature_encoder_.named_steps["scale"]
    values = np.asarray(X).reshape(-1, 1)
    assert scaler.offset_[0] == 0.0
    np.testing.assert_allclose(scaler.scale_, values.max(axis=0) - values.min(axis=0))


def test_streamed_windows_are_shuffled_by_a_seeded_permutation_of_every_window():
    from sklstm._tf import tf

    order = tf.raw_ops.RandomIndexShuffle(index=tf.range(1000), seed=tf.constant([3, 1, 0]), max_index=999).numpy()
    assert sorted(order.tolist()) == list(range(1000)) and not np.array_equal(order, np.arange(1000))
    Xs, ys = make_windows(DATA, 8, targets=[0], stream=True)
    params = {"units": 4, "epochs": 3, "batch_size": 64}
    a = sklstm.VanillaLSTMRegressor(random_state=0, **params).fit(Xs, ys)
    b = sklstm.VanillaLSTMRegressor(random_state=0, **params).fit(Xs, ys)
    c = sklstm.VanillaLSTMRegressor(random_state=0, shuffle=False, **params).fit(Xs, ys)
    assert a.history_["loss"] == b.history_["loss"] != c.history_["loss"]
