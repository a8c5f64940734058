"""The pretrained LSTM: shipped weights that load offline, zero-shot and fine-tuned forecasts, intervals, errors."""

import json
import pickle
import subprocess
import sys

import numpy as np
import pytest

from sklstm.datasets import load_airline
from sklstm.forecasting import PretrainedLSTMForecaster
from sklstm.forecasting._pretrained import (
    HORIZON,
    MEMBER_WEIGHTS,
    WEIGHTS,
    keras_network,
    load_pretrained,
    network_inputs,
    network_space,
    read_weights,
    training_windows,
)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def numpy_forecast(history, season):
    """The network's forecast of ``HORIZON`` steps, computed with numpy alone from the shipped ``.npz``."""
    logged = bool(np.all(history > 0))
    history = np.log(history) if logged else history
    weights, meta = read_weights()
    kernel, recurrent, bias, w_hidden, b_hidden, w_out, b_out = weights
    units = meta["units"]
    assert kernel.shape == (4, 4 * units) and w_out.shape[1] == HORIZON
    inputs, level, scale = network_inputs([history], [season])
    h, c = np.zeros(units), np.zeros(units)
    for x in inputs["windows"][0].astype(np.float64):
        z = x @ kernel + h @ recurrent + bias
        i, f, g, o = np.split(z, 4)  # Keras' gate order
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
    joined = np.concatenate([h, inputs["baseline"][0], inputs["extras"][0]])
    out = inputs["baseline"][0] + np.maximum(joined @ w_hidden + b_hidden, 0) @ w_out + b_out
    out = level[0] + scale[0] * out
    return np.exp(out) if logged else out


FRESH = """
import json, socket, sys
def refuse(*args, **kwargs):
    raise OSError("no network in this test")
class NoNetwork(socket.socket):
    connect = connect_ex = refuse
socket.socket = NoNetwork
socket.create_connection = socket.getaddrinfo = refuse
from sklstm.datasets import load_airline
from sklstm.forecasting import PretrainedLSTMForecaster
y = load_airline().to_numpy()[:132]
print(json.dumps(PretrainedLSTMForecaster(horizon=12).fit(y).predict().tolist()))
print("tensorflow" in sys.modules)
"""


@pytest.mark.slow  # a fresh Python process (7 s): the quick tier stays under 5 minutes
def test_the_shipped_weights_load_offline_in_a_fresh_process_and_give_the_networks_forecast():
    out = subprocess.run([sys.executable, "-c", FRESH], capture_output=True, text=True, check=True)
    *_, printed, tensorflow_imported = out.stdout.strip().splitlines()
    assert tensorflow_imported == "False"  # zero-shot runs the numpy forward pass
    forecast = np.array(json.loads(printed))
    y = load_airline().to_numpy()[:132]
    expected = numpy_forecast(y, 12)[:12]
    np.testing.assert_allclose(forecast, expected, rtol=1e-4)
    assert np.mean(np.abs(forecast - load_airline().to_numpy()[132:144])) < np.mean(np.abs(y[-12:] - y[-24:-12])) * 3


def test_the_numpy_forward_pass_matches_the_keras_network_on_a_batch():
    rng = np.random.default_rng(0)
    histories = [rng.normal(size=n).cumsum() + 10 for n in (5, 40, 64, 200)]
    inputs, _, _ = network_inputs(histories, [1, 4, 12, 7])
    network = load_pretrained()
    expected = keras_network(network).predict_on_batch(inputs)
    np.testing.assert_allclose(network.predict_on_batch(inputs), expected, rtol=1e-4, atol=1e-4)
    assert network.predict_on_batch({k: v[:0] for k, v in inputs.items()}).shape == (0, HORIZON)


@pytest.mark.parametrize("name, real_share", [(WEIGHTS, 0.5), (MEMBER_WEIGHTS, 0.0)])
def test_the_shipped_weights_are_small_and_describe_their_training(name, real_share):
    from importlib import resources

    path = resources.files("sklstm.forecasting").joinpath("data", name)
    assert path.stat().st_size <= 5 * 2**20
    weights, meta = read_weights(name)
    assert {"units", "hidden", "n_series", "seed", "curve"} <= set(meta)
    assert meta.get("real_share", 0.0) == real_share  # the standalone's saw real series, the member's did not
    assert [w.shape for w in weights] == [w.shape for w in load_pretrained(name).weights]


def test_the_forecaster_and_the_member_load_different_trainings_once_each():
    standalone, member = load_pretrained(), load_pretrained(MEMBER_WEIGHTS)
    assert load_pretrained(WEIGHTS) is standalone and load_pretrained(MEMBER_WEIGHTS) is member
    assert not np.allclose(standalone.weights[0], member.weights[0])


def test_network_inputs_normalise_by_the_last_season_and_the_mean_step():
    y = 100 + np.arange(30.0) * 2  # steps of 2
    inputs, level, scale = network_inputs([y], [4])
    assert level[0] == np.mean(y[-4:]) and scale[0] == 2.0
    assert inputs["windows"].shape == (1, 64, 4)
    assert np.all(inputs["windows"][0, :34, 1] == 0) and np.all(inputs["windows"][0, 34:, 1] == 1)  # padding masked
    assert np.all(inputs["windows"][0, 38:, 3] == 1) and np.all(inputs["windows"][0, :38, 3] == 0)
    # the baseline is the seasonal naive forecast, normalised
    np.testing.assert_allclose(inputs["baseline"][0, :4], (y[-4:] - level[0]) / scale[0])
    np.testing.assert_allclose(inputs["baseline"][0, 4:8], inputs["baseline"][0, :4])


def test_positive_series_are_read_in_logs_and_others_as_they_are():
    assert network_space(np.array([1.0, np.e]))[1] and np.allclose(network_space(np.array([1.0, np.e]))[0], [0, 1])
    values, logged = network_space(np.array([-1.0, 2.0]))
    assert not logged and values.tolist() == [-1.0, 2.0]
    # a value at or below 0 after a positive history is left out of the loss
    series = np.r_[np.linspace(1.0, 5.0, 20), -1.0, 2.0]
    _, targets = training_windows([series], [1], [20])
    assert targets[0, HORIZON:HORIZON + 3].tolist() == [0.0, 1.0, 0.0]


def test_a_constant_series_gets_a_finite_forecast_at_its_level():
    f = PretrainedLSTMForecaster(horizon=5).fit(np.full(40, 7.0))
    forecast = f.predict()
    assert np.all(np.isfinite(forecast)) and np.allclose(forecast, 7.0, atol=0.5)


def test_horizons_beyond_the_networks_are_forecast_recursively_and_continue_the_direct_ones():
    y = load_airline().to_numpy()[:120]
    f = PretrainedLSTMForecaster(season_length=12).fit(y)
    short, long = f.predict(HORIZON), f.predict(HORIZON + 30)
    assert long.shape == (HORIZON + 30,)
    np.testing.assert_allclose(long[:HORIZON], short)


def test_several_targets_are_forecast_column_by_column():
    y = load_airline().to_numpy()[:120]
    both = PretrainedLSTMForecaster(horizon=6, season_length=12).fit(np.column_stack([y, y[::-1]])).predict()
    alone = PretrainedLSTMForecaster(horizon=6, season_length=12).fit(y).predict()
    assert both.shape == (6, 2)
    np.testing.assert_allclose(both[:, 0], alone)


@pytest.mark.slow  # 5 s of training
def test_fine_tuning_trains_a_copy_and_lowers_its_loss():
    shared = load_pretrained().get_weights()
    y = load_airline().to_numpy()[:120]
    f = PretrainedLSTMForecaster(horizon=12, fine_tune=True, fine_tune_epochs=4, random_state=0).fit(y)
    assert f.network_ is not load_pretrained()
    assert all(np.array_equal(a, b) for a, b in zip(shared, load_pretrained().get_weights()))
    assert f.history_["loss"][-1] < f.history_["loss"][0]
    again = PretrainedLSTMForecaster(horizon=12, fine_tune=True, fine_tune_epochs=4, random_state=0).fit(y)
    np.testing.assert_allclose(again.predict(), f.predict(), rtol=1e-5)
    zero_shot = PretrainedLSTMForecaster(horizon=12).fit(y).predict()
    assert not np.allclose(f.predict(), zero_shot)
    alone = PretrainedLSTMForecaster(horizon=12, fine_tune=True, fine_tune_epochs=4, fine_tune_mix=1.0,
                                     random_state=0).fit(y).predict()
    np.testing.assert_allclose(f.predict(), 0.5 * alone + 0.5 * zero_shot, rtol=1e-5)  # the default even mix
    mixed = f.predict_interval(coverage=0.9)
    np.testing.assert_allclose(mixed[:, 0], f.predict())
    # The fitted state holds numpy weights: it pickles (a Keras model with the custom loss did not unpickle).
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(f)).predict(), f.predict())


def test_intervals_hold_the_point_forecast_and_widen_with_coverage():
    y = load_airline()[:120]
    f = PretrainedLSTMForecaster(horizon=12).fit(y)
    narrow, wide = f.predict_interval(coverage=0.5), f.predict_interval(coverage=0.95)
    assert list(wide.columns) == ["passengers", "passengers_lower", "passengers_upper"]
    assert np.all(wide["passengers_lower"] <= wide["passengers"]) and np.all(wide["passengers"] <= wide["passengers_upper"])
    assert np.all(wide["passengers_upper"] - wide["passengers_lower"] >= narrow["passengers_upper"] - narrow["passengers_lower"])
    np.testing.assert_allclose(wide["passengers"], f.predict())


def test_a_horizon_longer_than_the_last_half_calibrates_on_earlier_origins():
    y = load_airline()
    f = PretrainedLSTMForecaster().fit(y)
    long = f.predict_interval(100)  # 100 steps: beyond the last 72 values' origins
    assert long.shape == (100, 3) and np.all(long.iloc[:, 1] <= long.iloc[:, 0])
    assert np.all(long.iloc[:, 0] <= long.iloc[:, 2])
    np.testing.assert_allclose(long.iloc[:, 0], f.predict(100))
    short = f.predict_interval(12)  # within the last half: its origins, as before
    np.testing.assert_allclose(short.iloc[:, 0], long.iloc[:12, 0])


@pytest.mark.parametrize("n, horizon", [(4, 2), (144, 142)])
def test_a_horizon_no_earlier_forecast_reached_is_named_with_the_longest_one(n, horizon):
    f = PretrainedLSTMForecaster(season_length=1).fit(np.arange(1.0, n + 1))
    with pytest.raises(ValueError, match=rf"horizon={horizon} is longer than the \d+ steps .* Ask for at most"):
        f.predict_interval(horizon)
    assert f.predict(horizon).shape == (horizon,)  # points need no calibration


@pytest.mark.parametrize("params, y, message", [
    ({}, [1.0, 2.0], "at least 3"),
    ({}, [1.0, np.nan, 2.0, 3.0], "NaN"),
    ({"fine_tune_epochs": 0}, np.arange(30.0), "fine_tune_epochs"),
    ({"season_length": 40}, np.arange(30.0), "season"),
    ({"fine_tune": "yes"}, np.arange(30.0), "fine_tune"),
    ({"fine_tune_mix": 0.0}, np.arange(30.0), "fine_tune_mix"),
    ({"fine_tune_mix": 1.5}, np.arange(30.0), "fine_tune_mix"),
])
def test_bad_input_is_named(params, y, message):
    with pytest.raises(ValueError, match=message):
        PretrainedLSTMForecaster(**params).fit(y)


def test_covariates_are_ignored_with_a_warning_that_says_so():
    y = np.arange(30.0) + 1
    with pytest.warns(UserWarning, match=r"PretrainedLSTMForecaster reads no covariates: X is ignored"):
        f = PretrainedLSTMForecaster(horizon=3).fit(y, X=np.zeros((30, 2)))
    np.testing.assert_allclose(f.predict(), PretrainedLSTMForecaster(horizon=3).fit(y).predict())


def test_bad_coverage_and_horizon_are_named():
    f = PretrainedLSTMForecaster().fit(np.arange(30.0))
    with pytest.raises(ValueError, match="horizon"):
        f.predict()
    with pytest.raises(ValueError, match="coverage"):
        f.predict_interval(5, coverage=1.5)


@pytest.mark.slow
def test_the_pretraining_script_runs_end_to_end_on_a_tiny_corpus(tmp_path):
    out = tmp_path / "tiny.npz"
    run = subprocess.run([sys.executable, "-m", "sklstm.pretrain", "--series", "40", "--windows", "600", "--epochs", "2",
                          "--units", "8", "--hidden", "16", "--out", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    curve = [line for line in run.stderr.splitlines() if line.startswith("epoch")]
    assert len(curve) == 2 and "val_loss" in curve[0]
    weights, meta = read_weights(str(out))
    assert meta["units"] == 8 and meta["n_series"] == 40 and len(meta["curve"]) == 2
    assert weights[0].shape == (4, 32)


@pytest.mark.parametrize("args, message", [
    (["--series", "0", "--out", "w.npz"], "--series"),
    (["--out", "weights.h5"], ".npz"),
    (["--real-share", "1.5", "--out", "w.npz"], "--real-share"),
    ([], "--out"),
])
def test_the_pretraining_script_refuses_bad_arguments_before_any_work(args, message):
    run = subprocess.run([sys.executable, "-m", "sklstm.pretrain", *args], capture_output=True, text=True)
    assert run.returncode == 2 and message in run.stderr and "Traceback" not in run.stderr
