import numpy as np
import pytest
from sklearn.base import clone, is_regressor
from sklearn.exceptions import NotFittedError
from sklearn.utils import get_tags

import sklstm
from sklstm import make_windows
from sklstm.tutorial import tutorial_data

ESTIMATORS = [
    sklstm.VanillaLSTMRegressor,
    sklstm.StackedLSTMRegressor,
    sklstm.BidirectionalLSTMRegressor,
    sklstm.CNNLSTMRegressor,
    sklstm.ConvLSTMRegressor,
    sklstm.EncoderDecoderLSTMRegressor,
]
TINY = {"epochs": 3, "random_state": 0}
SMALL_ARCH = {
    "VanillaLSTMRegressor": {"units": 4},
    "StackedLSTMRegressor": {"units": 4},
    "BidirectionalLSTMRegressor": {"units": 4},
    "CNNLSTMRegressor": {"units": 4, "filters": 4},
    "ConvLSTMRegressor": {"filters": 4},
    "EncoderDecoderLSTMRegressor": {"units": 4},
}


def tiny(cls, **kw):
    return cls(**{**TINY, **SMALL_ARCH[cls.__name__], **kw})


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_is_regressor(cls):
    assert is_regressor(cls())
    tags = get_tags(cls())
    assert tags.target_tags.multi_output and tags.target_tags.required and not tags.input_tags.allow_nan


def test_scikeras_is_not_patched():
    from scikeras.wrappers import BaseWrapper

    assert "__sklearn_tags__" not in vars(BaseWrapper)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_explicit_init_stores_its_keywords_and_shares_the_training_parameters(cls):
    import inspect

    assert "def __init__" in inspect.getsource(cls)  # written in the class, not generated
    params = inspect.signature(cls).parameters
    assert {"epochs", "batch_size", "random_state", "n_steps_out"} <= set(params)
    est = cls(epochs=7, batch_size=3, optimizer__learning_rate=0.01)
    assert est.get_params()["epochs"] == 7 and est.get_params()["optimizer__learning_rate"] == 0.01
    assert " ".join(repr(est).split()) == f"{cls.__name__}(batch_size=3, epochs=7, optimizer__learning_rate=0.01)"
    assert "Other Parameters" in cls.__doc__ and "model_ : keras.Model" in cls.__doc__


def test_a_subclass_keeps_its_own_init():
    class Wider(sklstm.VanillaLSTMRegressor):
        def __init__(self, *, units=64, **kwargs):
            super().__init__(units=units, **kwargs)

    assert Wider().units == 64 and Wider(epochs=3).get_params()["epochs"] == 3
    assert clone(Wider(units=8)).units == 8


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_single_multi_target_and_multi_step(cls):
    data = tutorial_data(True)
    X, y = make_windows(data, 4, 2)  # 3 targets x 2 steps
    est = tiny(cls, n_steps_out=2).fit(X, y)
    assert est.predict(X).shape == (len(X), 6)
    steps = est.predict_steps(X)
    assert steps.shape == (len(X), 2, 3)
    np.testing.assert_allclose(steps.reshape(len(X), 6), est.predict(X))
    X1, y1 = make_windows(data[:, 0], 4)
    assert tiny(cls).fit(X1, y1).predict(X1).shape == (len(X1),)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_2d_windows_are_univariate(cls):
    X, y = make_windows(np.arange(10.0, 200.0, 10.0), 4)
    est = tiny(cls).fit(X[:, :, 0], y)
    assert est.n_series_in_ == 1 and est.n_steps_in_ == 4
    np.testing.assert_allclose(est.predict(X[:, :, 0]), est.predict(X))


def test_clone_keeps_routed_params():
    est = sklstm.VanillaLSTMRegressor(units=7, optimizer__learning_rate=0.01)
    copy = clone(est)
    assert copy.get_params()["optimizer__learning_rate"] == 0.01
    assert copy.units == 7


def test_routed_learning_rate_reaches_optimizer():
    X, y = make_windows(tutorial_data(), 3)
    est = tiny(sklstm.VanillaLSTMRegressor, optimizer__learning_rate=0.0123).fit(X, y)
    assert float(est.model_.optimizer.learning_rate.numpy()) == pytest.approx(0.0123)


@pytest.mark.parametrize("optimizer", ["adam", "Adam", "class"])
def test_an_optimizer_given_by_name_or_class_gets_no_numbered_name(monkeypatch, optimizer):
    # Every new variable name stays in TensorFlow's kernel cache for good: scikeras made two numbered
    # optimizers per fit (adam_17, adam_18), one only to look the class up.
    from sklstm._tf import keras

    names, init = [], keras.optimizers.Adam.__init__

    def counting_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        names.append(self.name)

    monkeypatch.setattr(keras.optimizers.Adam, "__init__", counting_init)
    X, y = make_windows(tutorial_data(), 3)
    given = keras.optimizers.Adam if optimizer == "class" else optimizer
    est = tiny(sklstm.VanillaLSTMRegressor, optimizer=given, optimizer__learning_rate=0.0123).fit(X, y)
    assert names and set(names) == {"adam"}
    assert float(est.model_.optimizer.learning_rate.numpy()) == pytest.approx(0.0123)


def test_an_unknown_optimizer_name_is_named_in_the_error():
    X, y = make_windows(tutorial_data(), 3)
    with pytest.raises(ValueError, match="invalid optimizer.*'optimizer': 'adamm'"):
        tiny(sklstm.VanillaLSTMRegressor, optimizer="adamm").fit(X, y)
    with pytest.raises(ValueError, match="optimizer__bogus"):
        tiny(sklstm.VanillaLSTMRegressor, optimizer__bogus=1).fit(X, y)


def test_model_params_route_to_builder():
    X, y = make_windows(tutorial_data(), 3)
    est = tiny(sklstm.StackedLSTMRegressor, model__n_layers=3).fit(X, y)
    assert sum("lstm" in layer.name for layer in est.model_.layers) == 3


# ---------------------------------------------------------------- bad input
X_UNI, Y_UNI = make_windows(tutorial_data(), 3)


def test_predict_before_fit():
    with pytest.raises(NotFittedError):
        sklstm.VanillaLSTMRegressor().predict(X_UNI)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_or_inf_in_X(bad):
    X = np.array(X_UNI)
    X[0, 0, 0] = bad
    with pytest.raises(ValueError, match="Input X contains (NaN|infinity)"):
        tiny(sklstm.VanillaLSTMRegressor).fit(X, Y_UNI)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_or_inf_in_y(bad):
    y = np.array(Y_UNI)
    y[1] = bad
    with pytest.raises(ValueError, match="Input y contains (NaN|infinity)"):
        tiny(sklstm.VanillaLSTMRegressor).fit(X_UNI, y)


def test_non_numeric_X():
    X = np.array(X_UNI, dtype=object)
    X[0, 0, 0] = "ten"
    with pytest.raises(ValueError, match=r"X holds text \('ten'\), not numbers"):
        tiny(sklstm.VanillaLSTMRegressor).fit(X, Y_UNI)


@pytest.mark.parametrize("shape", [(6,), (6, 3, 1, 1)])
def test_X_with_wrong_dimensions(shape):
    X = np.ones(shape)
    with pytest.raises(ValueError, match=r"(Expected 2D array|X must be 2-D windows .* got an array of shape \(6, 3, 1, 1\))"):
        tiny(sklstm.VanillaLSTMRegressor).fit(X, Y_UNI)


def test_y_with_three_dimensions():
    with pytest.raises(ValueError, match=r"y must be 1-D or 2-D .* got shape \(6, 1, 1\)"):
        tiny(sklstm.VanillaLSTMRegressor).fit(X_UNI, Y_UNI.reshape(6, 1, 1))


def test_feature_count_differs_at_predict():
    X, y = make_windows(tutorial_data(True), 3, features=[0, 1], targets=[2], lead=0)
    est = tiny(sklstm.VanillaLSTMRegressor).fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features per time step, but VanillaLSTMRegressor was fitted with 2"):
        est.predict(np.ones((1, 3, 3)))
    with pytest.raises(ValueError, match="X has 4 features, but VanillaLSTMRegressor is expecting 3 features"):
        est.predict(np.ones((1, 4, 2)))


def test_y_columns_not_multiple_of_n_steps_out():
    X, y = make_windows(tutorial_data(True), 3)
    with pytest.raises(ValueError, match="y has 3 columns, which is not n_steps_out=2 steps"):
        tiny(sklstm.VanillaLSTMRegressor, n_steps_out=2).fit(X, y)


@pytest.mark.parametrize("param", ["n_steps_out", "epochs", "units"])
def test_non_positive_parameters(param):
    with pytest.raises(ValueError, match=f"The '{param}' parameter of VanillaLSTMRegressor must be"):
        tiny(sklstm.VanillaLSTMRegressor, **{param: 0}).fit(X_UNI, Y_UNI)


@pytest.mark.parametrize("cls", [sklstm.CNNLSTMRegressor, sklstm.ConvLSTMRegressor])
def test_n_seq_must_divide_steps(cls):
    X, y = make_windows(tutorial_data(), 4)
    with pytest.raises(ValueError, match=r"n_seq=3 does not divide the window's 4 time steps"):
        tiny(cls, n_seq=3).fit(X, y)
    with pytest.raises(ValueError, match="The 'n_seq' parameter"):
        tiny(cls, n_seq=0).fit(X, y)


def test_convlstm_kernel_wider_than_frame():
    X, y = make_windows(tutorial_data(), 4)
    with pytest.raises(ValueError, match=r"ConvLSTMRegressor cannot build its model for windows of shape \(4, 1, 1, 1\)"):
        tiny(sklstm.ConvLSTMRegressor, n_seq=4).fit(X, y)


def test_every_bad_parameter_listed_with_hint():
    est = sklstm.VanillaLSTMRegressor(epochs=-1, optimizer_learning_rate=0.1, unitz=3)
    with pytest.raises(ValueError) as info:
        est.fit(X_UNI, Y_UNI)
    msg = str(info.value)
    assert "got 3 invalid parameter(s)" in msg
    assert "'epochs' parameter" in msg
    assert "Did you mean 'optimizer__learning_rate'?" in msg
    assert "Unknown parameter 'unitz'" in msg and "Did you mean 'units'?" in msg


def test_short_series_message():
    with pytest.raises(ValueError, match="data has 3 time steps, but n_steps_in=3"):
        make_windows([1, 2, 3], 3)


# ------------------------------------------------- routed and per-call settings
def _windows():
    return make_windows(np.sin(np.arange(60) / 3.0), 5)


@pytest.mark.slow  # 3-5 s: the quick tier stays under 5 minutes
def test_routed_fit_settings_are_honoured():
    X, y = _windows()
    est = sklstm.VanillaLSTMRegressor(units=4, epochs=20, random_state=0, fit__epochs=3, fit__validation_split=0.2)
    est.fit(X, y)
    assert len(est.history_["loss"]) == 3 and len(est.history_["val_loss"]) == 3
    est.fit(X, y, epochs=2, validation_split=0.0)  # fit() keywords win for this call
    assert len(est.history_["loss"]) == 2 and "val_loss" not in est.history_
    # batch size and shuffling reach the training loop: a different trajectory
    full = sklstm.VanillaLSTMRegressor(units=4, epochs=5, random_state=0, shuffle=False).fit(X, y)
    small = sklstm.VanillaLSTMRegressor(units=4, epochs=5, random_state=0, shuffle=False, fit__batch_size=8).fit(X, y)
    assert not np.allclose(full.history_["loss"], small.history_["loss"])
    unshuffled = sklstm.VanillaLSTMRegressor(units=4, epochs=5, random_state=0, batch_size=8, fit__shuffle=False)
    np.testing.assert_allclose(unshuffled.fit(X, y).history_["loss"], small.history_["loss"], rtol=1e-6)


@pytest.mark.slow  # 3-6 s: the quick tier stays under 5 minutes
def test_routed_fit_callbacks_combine_with_the_parameter():
    from sklstm._tf import keras

    X, y = _windows()
    seen = []
    log = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(epoch))
    est = sklstm.VanillaLSTMRegressor(units=4, epochs=3, random_state=0, fit__callbacks=[log]).fit(X, y)
    assert est.fit_loop_ == "keras" and seen == [0, 1, 2]
    sklstm.VanillaLSTMRegressor(units=4, epochs=2, random_state=0).fit(X, y, callbacks=log)
    assert seen == [0, 1, 2, 0, 1]


@pytest.mark.parametrize(
    "params, fit_kwargs, match",
    [
        ({"fit__class_weight": {0: 1}}, {}, r"unsupported training setting\(s\) fit__'class_weight'"),
        ({}, {"steps_per_epoch": 3}, r"fit\(\) keyword 'steps_per_epoch'"),
        ({"fit__epochs": 0}, {}, "'epochs' parameter of VanillaLSTMRegressor.fit must be an int in the range"),
        ({}, {"batch_size": -4}, "'batch_size' parameter of VanillaLSTMRegressor.fit must be"),
    ],
)
def test_bad_training_settings_raise_clear_errors(params, fit_kwargs, match):
    X, y = _windows()
    with pytest.raises(ValueError, match=match):
        sklstm.VanillaLSTMRegressor(units=4, epochs=2, **params).fit(X, y, **fit_kwargs)


def test_predict_batch_size_routed_or_per_call():
    X, y = _windows()
    est = sklstm.VanillaLSTMRegressor(units=4, epochs=2, random_state=0).fit(X, y)
    whole = est.predict(X)
    np.testing.assert_allclose(est.predict(X, batch_size=7), whole, rtol=1e-6)
    est.set_params(predict__batch_size=5)
    np.testing.assert_allclose(est.predict(X), whole, rtol=1e-6)
    with pytest.raises(ValueError, match="unsupported prediction setting"):
        est.predict(X, verbose=2)
    with pytest.raises(ValueError, match="'batch_size' parameter of VanillaLSTMRegressor.predict"):
        est.predict(X, batch_size=0)


def test_global_pandas_output_setting_does_not_break_fit_or_predict():
    from sklearn import config_context

    X, y = _windows()
    before = sklstm.VanillaLSTMRegressor(units=4, epochs=2, random_state=0).fit(X, y)
    expected = before.predict(X)
    with config_context(transform_output="pandas"):
        np.testing.assert_allclose(before.predict(X), expected)  # fitted before the setting
        during = sklstm.VanillaLSTMRegressor(units=4, epochs=2, random_state=0).fit(X, y)
        np.testing.assert_allclose(during.predict(X), expected, rtol=1e-6)


@pytest.mark.parametrize("rate", [-0.1, 0.0, float("inf")])
def test_learning_rate_must_be_positive(rate):
    X, y = _windows()
    with pytest.raises(ValueError, match="optimizer__learning_rate must be a positive finite number"):
        sklstm.VanillaLSTMRegressor(units=4, epochs=2, optimizer__learning_rate=rate).fit(X, y)


def test_negative_sample_weights_are_refused():
    X, y = _windows()
    with pytest.raises(ValueError, match="Negative values in data passed to `sample_weight`"):
        sklstm.VanillaLSTMRegressor(units=4, epochs=2).fit(X, y, sample_weight=-np.ones(len(y)))


def test_two_threads_cannot_fit_one_instance_at_once():
    import threading
    import time

    X, y = _windows()
    est = sklstm.VanillaLSTMRegressor(units=4, epochs=3000, random_state=0)
    first = threading.Thread(target=est.fit, args=(X, y))
    first.start()
    while "_fit_lock" not in vars(est) and first.is_alive():
        time.sleep(0.01)
    with pytest.raises(RuntimeError, match="already being fitted in another thread"):
        est.fit(X, y)
    first.join()
    assert len(est.history_["loss"]) == 3000 and "_fit_lock" not in vars(est)
    est.fit(X, y, epochs=2)  # free again once the first fit is done
    assert len(est.history_["loss"]) == 2


def test_initialize_builds_without_training_and_records_scikeras_attributes():
    X, y = _windows()
    est = sklstm.VanillaLSTMRegressor(units=4, random_state=0).initialize(X, y)
    assert est.history_ == {"loss": []} and est.model_.built
    assert est.X_shape_ == X.shape and est.X_dtype_ == np.float64 and est.y_dtype_ == np.float64
    assert est.target_type_ == "continuous" and est.n_outputs_expected_ == 1
    assert np.isfinite(est.predict(X)).all()
    multi = sklstm.VanillaLSTMRegressor(units=4, epochs=1).fit(X, np.column_stack([y, 2 * y]))
    assert multi.target_type_ == "continuous-multioutput"
    with pytest.raises(ValueError, match="initialize takes windows as an array"):
        sklstm.VanillaLSTMRegressor().initialize(make_windows(np.arange(30.0), 3, stream=True)[0], y)


def test_text_windows_are_refused_even_when_they_read_as_numbers():
    X, y = make_windows(tutorial_data(), 3)
    with pytest.raises(ValueError, match=r"X holds text \('10.0'\), not numbers"):
        tiny(sklstm.VanillaLSTMRegressor).fit(X.astype(str), y)
    with pytest.raises(ValueError, match="y holds text"):
        tiny(sklstm.VanillaLSTMRegressor).fit(X, y.astype(str).astype(object))
    fitted = tiny(sklstm.VanillaLSTMRegressor).fit(X, y)
    with pytest.raises(ValueError, match="X holds text"):
        fitted.predict(X.astype(str))


def test_windows_without_features_are_refused_with_their_shape():
    with pytest.raises(ValueError, match=r"3 steps and 0 features per step, shape \(10, 3, 0\)"):
        tiny(sklstm.VanillaLSTMRegressor).fit(np.zeros((10, 3, 0)), np.zeros(10))


def test_a_network_too_large_for_memory_is_refused_before_it_is_built():
    X, y = make_windows(tutorial_data(), 3)
    with pytest.raises(MemoryError, match=r"units=1099511627776 makes a network of about .* lower units"):
        tiny(sklstm.VanillaLSTMRegressor, units=2**40).fit(X, y)


def test_nan_is_named_even_when_scikit_learn_is_told_to_assume_finite():
    import sklearn

    X, y = make_windows(tutorial_data(), 3)
    X = X.copy()
    X[2, 1, 0] = np.nan
    with sklearn.config_context(assume_finite=True):
        with pytest.raises(ValueError, match=r"X contains NaN or infinity: nan at index \(2, 1, 0\)"):
            tiny(sklstm.VanillaLSTMRegressor).fit(X, y)
        fitted = tiny(sklstm.VanillaLSTMRegressor).fit(np.nan_to_num(X), y)
        with pytest.raises(ValueError, match=r"X contains NaN or infinity: nan at index \(2, 1, 0\)"):
            fitted.predict(X)
        with pytest.raises(ValueError, match=r"y contains NaN or infinity: inf at index \(0,\)"):
            tiny(sklstm.VanillaLSTMRegressor).fit(np.nan_to_num(X), np.r_[np.inf, y[1:]])


def _with_ids(n=240, n_ids=4, seed=0):
    """Windows of noise with an id column, and targets offset by 3 per id: a number the windows do not show."""
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, n_ids, n)
    X = np.concatenate([rng.normal(size=(n, 3, 1)), np.repeat(ids[:, None, None], 3, axis=1).astype(float)], axis=2)
    return X, X[:, -1, 0] + 3.0 * (ids - 1.5) ** 2, ids


def test_an_id_embedding_learns_what_each_id_adds():
    X, y, _ = _with_ids()
    est = sklstm.VanillaLSTMRegressor(units=8, epochs=60, random_state=0, id_embedding=(4, 2)).fit(X, y)
    plain = sklstm.VanillaLSTMRegressor(units=8, epochs=60, random_state=0).fit(X[..., :1], y)
    scaler = est.feature_encoder_.named_steps["scale"]
    assert scaler.offset_[-1] == 0.0 and scaler.scale_[-1] == 1.0  # the ids are read as they are
    assert est.baseline_.coef_.shape == (1, 3)  # the baseline sees the three values, not the ids
    assert est.model_.get_layer("id_embedding").table.embeddings.shape == (4, 2)
    error, without = np.mean(np.abs(est.predict(X) - y)), np.mean(np.abs(plain.predict(X[..., :1]) - y))
    assert error < 0.2 * without


@pytest.mark.slow  # six fits
@pytest.mark.parametrize("cls", ESTIMATORS)
def test_every_architecture_embeds_ids_and_exports_them(cls):
    X, y, _ = _with_ids(n=96)
    est = tiny(cls, n_seq=1, id_embedding=(4, 2)) if "n_seq" in cls().get_params() else tiny(cls, id_embedding=(4, 2))
    est.fit(X, y)
    assert est.model_.get_layer("id_embedding").table.embeddings.shape == (4, 2)
    exported = est.export_model()
    np.testing.assert_allclose(np.ravel(exported(X.astype(np.float32)).numpy()), est.predict(X), rtol=1e-5, atol=1e-4)


def test_a_streamed_fit_embeds_the_ids_of_the_series():
    rng = np.random.default_rng(1)
    series = np.column_stack([rng.normal(size=60), np.repeat([0.0, 1.0, 2.0], 20)])
    X, y = make_windows(series, 4, targets=[0], stream=True)
    est = tiny(sklstm.VanillaLSTMRegressor, id_embedding=(3, 2)).fit(X, y)
    assert est.streamed_ and est.baseline_.coef_.shape == (1, 4)
    assert est.feature_encoder_.named_steps["scale"].scale_[-1] == 1.0
    bad = series.copy()
    bad[5, 1] = 3.0
    with pytest.raises(ValueError, match=r"integer from 0 to 2; X has 3.0 there \(index \(5,\)\)"):
        tiny(sklstm.VanillaLSTMRegressor, id_embedding=(3, 2)).fit(make_windows(bad, 4, targets=[0], stream=True)[0], y)


@pytest.mark.parametrize("bad, value, match", [
    ("id_embedding", (4, 0), r"id_embedding must be \(n_ids, dim\), two positive integers; got \(4, 0\)"),
    ("id_embedding", (4,), r"id_embedding must be \(n_ids, dim\)"),
    ("id_embedding", (4.0, 2), r"id_embedding must be \(n_ids, dim\)"),
    ("id_embedding", "ids", r"id_embedding"),
    ("ids", 4, r"integer from 0 to 3; X has 4.0 there \(index \(0, 0\)\)"),
    ("ids", -1, r"integer from 0 to 3; X has -1.0 there"),
    ("ids", 0.5, r"integer from 0 to 3; X has 0.5 there"),
])
def test_bad_ids_or_embedding_shapes_are_named_before_training(bad, value, match):
    X, y, _ = _with_ids(n=20)
    if bad == "ids":
        X[0, :, -1] = value
    est = tiny(sklstm.VanillaLSTMRegressor, id_embedding=value if bad == "id_embedding" else (4, 2))
    with pytest.raises(ValueError, match=match):
        est.fit(X, y)
    assert not hasattr(est, "model_")


def test_ids_need_another_feature_and_are_checked_at_predict_time():
    X, y, _ = _with_ids(n=40)
    with pytest.raises(ValueError, match="at least one more feature per step; it has 1"):
        tiny(sklstm.VanillaLSTMRegressor, id_embedding=(4, 2)).fit(X[..., 1:], y)
    est = tiny(sklstm.VanillaLSTMRegressor, id_embedding=(4, 2)).fit(X, y)
    X[3, :, -1] = 9
    with pytest.raises(ValueError, match=r"X has 9.0 there \(index \(3, 0\)\)"):
        est.predict(X)
