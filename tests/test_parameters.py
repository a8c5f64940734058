"""Parameters: per-class constraints, routed callbacks in every scikeras form, verbose levels."""

import numpy as np
import pytest
from sklearn.utils.estimator_checks import check_param_validation

import sklstm
import sklstm.estimators
from sklstm import make_windows
from sklstm._tf import keras
from sklstm.estimators._base import LSTMRegressorBase

X, Y = make_windows(np.sin(np.arange(60) / 3.0), 5)
# Every estimator class the package defines.
ESTIMATORS = [
    cls for cls in map(sklstm.estimators.__getattr__, sklstm.estimators.__all__)
    if isinstance(cls, type) and issubclass(cls, LSTMRegressorBase) and cls is not LSTMRegressorBase
]


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_constraints_name_exactly_the_class_parameters(cls):
    assert len(ESTIMATORS) == 6
    est = cls()
    assert set(est._parameter_constraints) == set(est.get_params())
    check_param_validation(cls.__name__, est)  # scikit-learn's own check, called directly


def _tiny(**kw):
    return sklstm.VanillaLSTMRegressor(**{"units": 4, "epochs": 30, "random_state": 0, "validation_split": 0.2, **kw})


def test_a_callback_class_is_built_with_its_routed_arguments():
    est = _tiny(callbacks=keras.callbacks.EarlyStopping, callbacks__patience=0, callbacks__monitor="val_loss",
                callbacks__min_delta=10.0)
    est.fit(X, Y)
    assert est.fit_loop_ == "compiled" and len(est.history_["loss"]) == 2  # no epoch after the first improves by 10


@pytest.mark.slow  # 4-7 s: the quick tier stays under 5 minutes
def test_a_dict_and_a_single_callback_are_accepted():
    seen = []

    class Record(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(epoch)

    _tiny(epochs=3, callbacks={"record": Record()}).fit(X, Y)
    _tiny(epochs=2, callbacks=Record()).fit(X, Y)
    assert seen == [0, 1, 2, 0, 1]
    dict_of_classes = _tiny(epochs=5, callbacks={"stop": keras.callbacks.EarlyStopping},
                            callbacks__stop__patience=0, callbacks__stop__min_delta=10.0)
    assert len(dict_of_classes.fit(X, Y).history_["loss"]) == 2


def test_something_else_as_a_callback_is_a_clear_error():
    with pytest.raises(ValueError, match="callbacks must be Keras callbacks"):
        _tiny(callbacks=["stop early"]).fit(X, Y)


@pytest.mark.parametrize("fit_loop", ["compiled", "keras"])
def test_verbose_two_prints_one_line_per_epoch(fit_loop, capfd):
    _tiny(epochs=3, verbose=2, fit_loop=fit_loop).fit(X, Y)
    lines = [line for line in capfd.readouterr().out.splitlines() if "loss" in line]
    assert len(lines) == 3 and all("val_loss" in line for line in lines)


def test_scikeras_only_parameters_and_fit_keywords_are_clear_errors():
    with pytest.raises(ValueError, match="Unknown parameter 'run_eagerly'"):
        _tiny(run_eagerly=True).fit(X, Y)
    with pytest.raises(ValueError, match="For validation_data, set validation_split"):
        _tiny().fit(X, Y, validation_data=(X, Y))


@pytest.mark.parametrize("params, message", [
    ({"units": True}, "The 'units' parameter of VanillaLSTMRegressor must be a number, got True (a bool)."),
    ({"epochs": False}, "The 'epochs' parameter of VanillaLSTMRegressor must be a number, got False (a bool)."),
    ({"optimizer": None}, "'optimizer' parameter of VanillaLSTMRegressor must be an instance of 'str', an instance "
                          "of 'type' or an object implementing 'apply_gradients'. Got None"),
    ({"optimizer": 42}, "object implementing 'apply_gradients'. Got 42"),
    ({"loss": 3}, "'loss' parameter of VanillaLSTMRegressor must be an instance of 'str' or a callable. Got 3"),
])
def test_bools_and_wrong_kinds_of_optimizer_or_loss_are_named_before_any_fit(params, message):
    from sklstm import VanillaLSTMRegressor
    from sklstm._compat import InvalidParameterError

    with pytest.raises(InvalidParameterError) as info:
        VanillaLSTMRegressor(**params).fit([[1.0, 2.0], [2.0, 3.0]], [3.0, 4.0])
    assert message in str(info.value)


def test_optimizer_classes_instances_and_loss_callables_are_accepted():
    from sklstm import VanillaLSTMRegressor
    from sklstm._tf import keras

    for params in ({"optimizer": keras.optimizers.SGD}, {"optimizer": keras.optimizers.Adam(1e-3)},
                   {"loss": keras.losses.Huber()}, {"loss": "mae"}):
        VanillaLSTMRegressor(**params)._validate_params()


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [("beta_1", 2.0, r"optimizer__beta_1 must be in \[0, 1\), got 2.0"),
     ("beta_2", -0.1, r"optimizer__beta_2 must be in \[0, 1\)"),
     ("epsilon", 0.0, "optimizer__epsilon must be a positive finite number"),
     ("learning_rate", float("nan"), "optimizer__learning_rate must be a positive finite number"),
     ("momentum", True, "optimizer__momentum must be a number, got True")],
)
def test_optimizer_hyperparameters_out_of_range_are_refused_before_training(name, value, message):
    with pytest.raises(ValueError, match=message):
        _tiny(**{f"optimizer__{name}": value}).fit(X, Y)


def test_early_stopping_that_could_never_act_is_refused():
    with pytest.raises(ValueError, match=r"EarlyStopping\(patience=-1\) must be at least 0"):
        _tiny(callbacks=[keras.callbacks.EarlyStopping(monitor="loss", patience=-1)]).fit(X, Y)
    with pytest.raises(ValueError, match=r"monitor='val_bogus'\) watches a quantity .* Did you mean 'val_loss'"):
        _tiny(callbacks=[keras.callbacks.EarlyStopping(monitor="val_bogus")]).fit(X, Y)
    with pytest.raises(ValueError, match=r"monitor='bogus'"):  # Keras only warned at every epoch
        _tiny(callbacks=[keras.callbacks.EarlyStopping(monitor="bogus", mode="min")]).fit(X, Y)


def test_early_stopping_may_monitor_a_metric_by_its_logged_name():
    with pytest.raises(ValueError, match=r"monitor='val_mae'\).* Did you mean 'val_mean_absolute_error'"):
        _tiny(epochs=3, metrics=["mae"], callbacks=[keras.callbacks.EarlyStopping(monitor="val_mae")]).fit(X, Y)
    stop = keras.callbacks.EarlyStopping(monitor="val_mean_absolute_error")
    est = _tiny(epochs=3, metrics=["mae"], callbacks=[stop]).fit(X, Y)
    assert "val_mean_absolute_error" in est.history_


@pytest.mark.parametrize(
    ("name", "hint"),
    [("run_eagerly", "Did you mean 'compile__run_eagerly'"), ("validation_batch_size", "Did you mean 'batch_size'?"),
     ("class_weight", "Did you mean fit(X, y, sample_weight=...)?"), ("validation_data", "'validation_split'")],
)
def test_keras_arguments_given_as_parameters_get_a_hint(name, hint):
    with pytest.raises(ValueError, match=f"Unknown parameter '{name}' .*" + hint.replace("(", r"\(").replace(")", r"\)")
                       .replace("?", r"\?").replace(".", r"\.")):
        _tiny(**{name: 1}).fit(X, Y)


def test_run_eagerly_trains_in_keras_loop():
    est = _tiny(epochs=2, compile__run_eagerly=True).fit(X, Y)
    assert est.fit_loop_ == "keras" and est.model_.run_eagerly
    with pytest.raises(ValueError, match=r"fit_loop='compiled' cannot honour compile__run_eagerly=True"):
        _tiny(epochs=2, compile__run_eagerly=True, fit_loop="compiled").fit(X, Y)


def test_an_unknown_compile_argument_is_named_with_a_hint():
    with pytest.raises(ValueError, match=r"compile__bogus is not an argument of keras.Model.compile"):
        _tiny(compile__bogus=1).fit(X, Y)
    with pytest.raises(ValueError, match=r"Did you mean 'compile__jit_compile'"):
        _tiny(compile__jit_compil=False).fit(X, Y)
