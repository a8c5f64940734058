"""Long series: windows from make_windows are streamed from the series, never materialised."""

import subprocess
import sys

import numpy as np
import pytest

import sklstm
import sklstm.base
from sklstm import make_windows

T = np.arange(3000)
DATA = np.column_stack([np.sin(T / 7) + 0.01 * T, np.cos(T / 5)])


@pytest.fixture
def stream_everything(monkeypatch):
    monkeypatch.setattr(sklstm.base, "STREAM_MIN_VALUES", 1)


@pytest.mark.parametrize(
    "cls, kw",
    [
        (sklstm.VanillaLSTMRegressor, {"units": 8}),
        (sklstm.CNNLSTMRegressor, {"n_seq": 2, "filters": 4, "units": 4}),
        (sklstm.ConvLSTMRegressor, {"n_seq": 4, "filters": 4}),
    ],
)
def test_streamed_fit_matches_materialised_fit(cls, kw, monkeypatch):
    X, y = make_windows(DATA, 8, targets=[0])
    params = {"epochs": 3, "batch_size": 64, "random_state": 0, "validation_split": 0.2, **kw}
    dense = cls(**params).fit(np.ascontiguousarray(X), y)
    monkeypatch.setattr(sklstm.base, "STREAM_MIN_VALUES", 1)
    streamed = cls(**params).fit(X, y)
    assert streamed.streamed_ and not dense.streamed_
    np.testing.assert_allclose(streamed.history_["loss"], dense.history_["loss"], rtol=0.05)
    np.testing.assert_allclose(streamed.predict(X), dense.predict(np.ascontiguousarray(X)), atol=0.05)


def test_only_sliding_views_are_streamed(stream_everything):
    X, _ = make_windows(DATA, 8)
    assert sklstm.base._streamable_series(X) is not None
    assert sklstm.base._streamable_series(np.ascontiguousarray(X)) is None
    np.testing.assert_array_equal(sklstm.base._streamable_series(X), DATA[:-1])  # the rows the windows cover


def test_streamed_fit_rejects_nan_and_keras_loop(stream_everything):
    X, y = make_windows(DATA, 8, targets=[0])
    with pytest.raises(ValueError, match="need the compiled loop"):
        sklstm.VanillaLSTMRegressor(units=4, epochs=1, fit_loop="keras").fit(X, y)
    data = DATA.copy()
    data[100, 1] = np.nan
    view = np.lib.stride_tricks.sliding_window_view(data[:-1], 8, axis=0).transpose(0, 2, 1)
    with pytest.raises(ValueError, match="Input X contains NaN or infinity"):
        sklstm.VanillaLSTMRegressor(units=4, epochs=1).fit(view, y)


_MEMORY_SCRIPT = """
import resource, sys, numpy as np, sklstm, sklstm.base
from sklstm import make_windows
series = np.random.default_rng(0).normal(size=(1_000_000, 2))
X, y = make_windows(series, 64, targets=[0])
est = sklstm.VanillaLSTMRegressor(units=4, epochs=1, batch_size=2048, random_state=0)
est.fit(np.ascontiguousarray(X[:20000]), y[:20000])        # TensorFlow imported, model traced
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
sklstm.base.STREAM_MIN_VALUES = 1
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
