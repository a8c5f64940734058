import numpy as np
import pytest

from sklstm import WindowScaler, make_windows
from sklstm.preprocessing._scaling import TargetScaler
from sklstm.tutorial import tutorial_data


def test_standard_scaling_per_feature_across_steps():
    X, _ = make_windows(tutorial_data(True), 3)
    Xs = WindowScaler().fit_transform(X)
    flat = Xs.reshape(-1, 3)
    np.testing.assert_allclose(flat.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(flat.std(axis=0), 1)


def test_inverse_round_trip_and_2d():
    X = np.random.default_rng(0).normal(5, 3, size=(10, 4))
    s = WindowScaler(method="minmax").fit(X)
    assert s.transform(X).min() == 0 and s.transform(X).max() == 1
    np.testing.assert_allclose(s.inverse_transform(s.transform(X)), X)


def test_constant_feature_does_not_divide_by_zero():
    X = np.ones((4, 3, 2))
    assert np.isfinite(WindowScaler().fit_transform(X)).all()


def test_rejects_4d():
    with pytest.raises(ValueError, match="X must be 2-D windows"):
        WindowScaler().fit(np.zeros((2, 2, 2, 2)))


def test_target_scaler_shares_stats_across_steps():
    y = np.array([[1.0, 10.0, 2.0, 20.0], [3.0, 30.0, 4.0, 40.0]])  # 2 steps x 2 targets
    t = TargetScaler("minmax", 2).fit(y)
    np.testing.assert_allclose(t.offset_, [1, 10])
    np.testing.assert_allclose(t.inverse_transform(t.transform(y)), y)


def test_pandas_output_setting_keeps_3d_windows_as_arrays_and_wraps_2d():
    from sklearn import config_context

    X3 = np.arange(24.0).reshape(4, 3, 2)
    with config_context(transform_output="pandas"):
        out = WindowScaler().fit_transform(X3)
        assert isinstance(out, np.ndarray) and out.shape == X3.shape
        flat = WindowScaler().fit_transform(X3[:, :, 0])
    assert list(flat.columns) == ["x0", "x1", "x2"]


@pytest.mark.parametrize("method", ["standard", "minmax"])
def test_stats_and_scaling_chunk_by_chunk_match_numpy_and_keep_float32(monkeypatch, method):
    from sklstm.preprocessing import _scaling

    monkeypatch.setattr(_scaling, "_CHUNK_VALUES", 50)  # many chunks of a few windows
    series = np.random.default_rng(0).normal(loc=5.0, scale=3.0, size=(400, 2)).astype(np.float32)
    X, _ = make_windows(series, 8)  # a strided float32 view, as make_windows returns
    scaler = WindowScaler(method=method).fit(X)
    flat = X.reshape(-1, 2).astype(np.float64)
    if method == "standard":
        np.testing.assert_allclose(scaler.offset_, flat.mean(axis=0), rtol=1e-12)
        np.testing.assert_allclose(scaler.scale_, flat.std(axis=0), rtol=1e-12)
    else:
        np.testing.assert_array_equal(scaler.offset_, flat.min(axis=0))
    out = scaler.transform(X)
    assert out.dtype == np.float32 and out.flags.c_contiguous
    np.testing.assert_allclose(out, (X - scaler.offset_) / scaler.scale_, rtol=1e-6, atol=1e-6)
    assert scaler.transform(X.astype(np.float64)).dtype == np.float64
