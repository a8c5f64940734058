"""The compiled loop against plain model.fit, determinism, divergence and progress output."""

import subprocess
import sys
import warnings

import numpy as np
import pytest

import sklstm
from sklstm import make_windows
from sklstm.tutorial import tutorial_data

X, Y = make_windows(tutorial_data(), 3)


def _vanilla(**kw):
    return sklstm.VanillaLSTMRegressor(**{"units": 8, "epochs": 30, "random_state": 0, **kw})


def test_compiled_loop_matches_model_fit_trajectory():
    fast = _vanilla(fit_loop="compiled").fit(X, Y)
    slow = _vanilla(fit_loop="keras").fit(X, Y)
    assert fast.fit_loop_ == "compiled" and slow.fit_loop_ == "keras"
    np.testing.assert_allclose(fast.history_["loss"], slow.history_["loss"], rtol=1e-3)
    np.testing.assert_allclose(fast.predict(X), slow.predict(X), rtol=1e-4)


@pytest.mark.slow  # 4-7 s: the quick tier stays under 5 minutes
def test_validation_split_matches_model_fit():
    Xl, Yl = make_windows(np.sin(np.arange(60) / 3.0), 5)
    kw = {"validation_split": 0.25, "shuffle": False, "batch_size": 8}
    fast = _vanilla(fit_loop="compiled", **kw).fit(Xl, Yl)
    slow = _vanilla(fit_loop="keras", **kw).fit(Xl, Yl)
    assert len(fast.history_["val_loss"]) == 30
    np.testing.assert_allclose(fast.history_["loss"], slow.history_["loss"], rtol=1e-3)
    np.testing.assert_allclose(fast.history_["val_loss"], slow.history_["val_loss"], rtol=1e-3)


def test_early_stopping_patience_and_restore_best_weights():
    from sklstm._tf import keras

    Xl, Yl = make_windows(np.sin(np.arange(80) / 3.0), 5)
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
    est = _vanilla(epochs=2000, validation_split=0.3, callbacks=[stop], optimizer__learning_rate=0.05)
    est.fit(Xl, Yl)
    assert est.fit_loop_ == "compiled"
    val = est.history_["val_loss"]
    assert len(val) < 2000 and est.stopped_epoch_ == len(val) - 1
    best = int(np.argmin(val))
    assert len(val) - 1 - best == 3  # stopped after `patience` epochs without improvement


def test_other_callbacks_fall_back_to_model_fit():
    from sklstm._tf import keras

    seen = []
    cb = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(epoch))
    est = _vanilla(epochs=4, callbacks=[cb]).fit(X, Y)
    assert est.fit_loop_ == "keras" and seen == [0, 1, 2, 3]


def test_shuffled_minibatches_are_deterministic():
    Xl, Yl = make_windows(np.sin(np.arange(100) / 3.0), 5)
    a = _vanilla(batch_size=16).fit(Xl, Yl)
    b = _vanilla(batch_size=16).fit(Xl, Yl)
    np.testing.assert_array_equal(a.predict(Xl), b.predict(Xl))
    c = _vanilla(batch_size=16, random_state=1).fit(Xl, Yl)
    assert not np.array_equal(a.predict(Xl), c.predict(Xl))


_SCRIPT = """
import numpy as np, sklstm
from sklstm import make_windows
X, y = make_windows(np.sin(np.arange(60) / 3.0), 5)
est = sklstm.StackedLSTMRegressor(units=8, epochs=20, batch_size=8, random_state=3).fit(X, y)
print(repr(est.predict(X[:3]).tolist()))
"""


@pytest.mark.slow
def test_bit_identical_across_processes():
    outs = [
        subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, check=True)
        for _ in range(2)
    ]
    assert outs[0].stdout == outs[1].stdout
    for out in outs:  # verbose=0: no progress and no warning from sklstm (TensorFlow's start-up chatter is its own)
        assert "loss" not in out.stderr and "Warning" not in out.stderr and "sklstm" not in out.stderr


def test_verbose_one_shows_one_progress_bar(capfd):
    _vanilla(epochs=50, verbose=1).fit(X, Y)
    out = capfd.readouterr().out
    assert "50/50" in out and "loss" in out


def _fit_recording(est, X, y):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            est.fit(X, y)
            error = None
        except RuntimeError as exc:
            error = exc
    return [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)], error


def test_divergence_retries_then_raises_clear_error():
    est = _vanilla(epochs=20, optimizer="sgd", optimizer__learning_rate=1e6)
    messages, error = _fit_recording(est, X, Y)
    assert sum("retrying with learning rate" in m for m in messages) == 2
    assert error is not None and "training diverged (the loss became NaN or inf, or exploded) 3 times" in str(error)
    assert not hasattr(est, "history_")


def test_divergence_recovers_when_retry_helps():
    est = _vanilla(epochs=20, optimizer="sgd", optimizer__learning_rate=30.0)
    messages, error = _fit_recording(est, X, Y)
    assert error is None
    assert any("loss became non-finite or exploded" in m for m in messages)
    assert np.isfinite(est.predict(X)).all()


def test_a_finite_but_exploded_loss_is_divergence_too():
    # adam's steps are bounded by the learning rate: a huge one moves the weights far, with a finite loss
    est = _vanilla(epochs=20, batch_size=64, optimizer__learning_rate=1e4)  # full batch: epoch 1 is the start
    messages, error = _fit_recording(est, X, Y)
    assert sum("exploded" in m for m in messages) == 2
    assert error is not None and "3 times, last with learning rate 100" in str(error)


def test_an_exploded_loss_with_mini_batches_is_divergence_too():
    # With mini-batches the first epoch's mean loss already includes the blow-up; the last loss is still
    # far above that of predicting zero, so the fit is retried and then refused instead of returning
    # predictions of the order of 1e5 for data between 40 and 90 (what it did before).
    series = 40 + 25 * (np.sin(np.arange(300) / 5.0) + 1)
    Xm, ym = make_windows(series, 6)
    est = _vanilla(units=8, epochs=20, batch_size=32, optimizer__learning_rate=100.0)
    messages, error = _fit_recording(est, Xm, ym)
    assert sum("exploded" in m for m in messages) == 2
    assert error is not None and "3 times, last with learning rate 1." in str(error)


def test_integer_learning_rate_gets_clear_error():
    with pytest.raises(ValueError, match="invalid optimizer, loss or compile parameters .*optimizer__learning_rate"):
        _vanilla(optimizer__learning_rate=1).fit(X, Y)


@pytest.mark.parametrize("scale, shift", [(1000.0, 0.0), (1.0, -5000.0), (1e-3, 0.0)])
def test_raw_data_of_any_magnitude(scale, shift):
    data = tutorial_data() * scale + shift
    Xs, Ys = make_windows(data, 3)
    est = sklstm.VanillaLSTMRegressor(random_state=0).fit(Xs, Ys)
    pred = est.predict(np.array([[70.0, 80.0, 90.0]]) * scale + shift)[0]
    assert abs(pred - (100 * scale + shift)) < 0.02 * abs(100 * scale)


@pytest.fixture
def empty_pool(monkeypatch):
    """A fresh pool of traced loops, so that traces made by other tests do not count."""
    from sklstm._training import training

    pool = training.TrainingPool()
    monkeypatch.setattr(training, "POOL", pool)
    return pool


def test_one_trace_serves_every_data_length(empty_pool):
    for n in (30, 45, 70):
        Xn, Yn = make_windows(np.sin(np.arange(n) / 3.0), 5)
        _vanilla(epochs=3, batch_size=8).fit(Xn, Yn)
    assert len(empty_pool) == 1
    assert [loop.traces for loop in empty_pool.loops().values()] == [1]


def test_a_pooled_loop_trains_each_fits_own_model_and_leaves_the_first_alone(empty_pool):
    X, y = make_windows(np.sin(np.arange(60) / 3.0), 5)
    first = _vanilla(epochs=5, random_state=0).fit(X, y)
    before = [w.copy() for w in first.model_.get_weights()]
    prediction = first.predict(X)
    pooled = _vanilla(epochs=5, random_state=1).fit(X, y)  # runs the loop traced on first.model_
    assert [(loop.traces, loop.model) for loop in empty_pool.loops().values()] == [(1, first.model_)]
    for old, now in zip(before, first.model_.get_weights(), strict=True):
        np.testing.assert_array_equal(now, old)
    np.testing.assert_array_equal(first.predict(X), prediction)
    assert int(pooled.model_.optimizer.iterations.numpy()) == 5 * int(np.ceil(len(X) / 32))
    empty_pool.size = 0  # the same fit with a loop traced on its own model
    fresh = _vanilla(epochs=5, random_state=1).fit(X, y)
    np.testing.assert_allclose(pooled.predict(X), fresh.predict(X), rtol=1e-5, atol=1e-6)
    for a, b in zip(pooled.model_.optimizer.variables, fresh.model_.optimizer.variables, strict=True):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-7)


def test_a_pooled_loop_whose_variables_do_not_match_is_traced_anew(empty_pool):
    from sklstm._training.training import Schedule, fit_compiled

    X, y = make_windows(np.sin(np.arange(60) / 3.0), 5)
    empty_pool.size = 0  # the estimators' own fits leave nothing in the pool
    small = _vanilla(units=3, epochs=1).fit(X, y).model_
    large = _vanilla(units=4, epochs=1).fit(X, y).model_
    empty_pool.size = 8
    Xe, ye = X[:, :, None].astype(np.float32), y[:, None].astype(np.float32)
    fit_compiled(small, Xe, ye, Schedule(epochs=1), cache_key="same key")  # a key that lies
    loop = next(iter(empty_pool.loops().values()))
    assert loop.compatible(small) and not loop.compatible(large)
    result = fit_compiled(large, Xe, ye, Schedule(epochs=2), cache_key="same key")
    assert len(result.history["loss"]) == 2
    assert next(iter(empty_pool.loops().values())).model is large


def _live_training_graphs() -> int:
    import gc

    from tensorflow.python.framework.func_graph import FuncGraph

    gc.collect()
    return sum(isinstance(obj, FuncGraph) and obj.name == "_run" for obj in gc.get_objects())


@pytest.mark.slow  # 4-7 s: the quick tier stays under 5 minutes
def test_fits_without_the_pool_leave_no_traced_training_loop_alive(empty_pool):
    # Each fit traces its own loop; TensorFlow's all-reduce of the gradients registered a custom
    # gradient per trace that kept the whole graph alive (about 5 MB per fit, never freed).
    empty_pool.size = 0
    X, y = make_windows(np.sin(np.arange(60) / 3.0), 5)
    _vanilla(epochs=2).fit(X, y)
    before = _live_training_graphs()
    for seed in range(3):
        _vanilla(epochs=2, random_state=seed).fit(X, y).predict(X[:3])
    assert _live_training_graphs() <= before


@pytest.mark.parametrize("cls", [sklstm.VanillaLSTMRegressor, sklstm.StackedLSTMRegressor,
                                 sklstm.EncoderDecoderLSTMRegressor])
def test_every_new_model_reuses_the_same_variable_names(cls):
    # Numbered names (lstm_41/..., adam_7/...) each add entries to TensorFlow's kernel cache that are never
    # freed (about 0.6 MB per fit); fixed layer and optimizer names keep that cache from growing.
    X, y = make_windows(np.sin(np.arange(60) / 3.0), 5)

    def names():
        model = cls(units=3, epochs=1).fit(X, y).model_
        return [v.path for v in model.weights + model.optimizer.variables if "seed_generator" not in v.path]

    assert names() == names()


def test_a_named_optimizer_keeps_its_name():
    X, y = make_windows(np.sin(np.arange(60) / 3.0), 5)
    est = _vanilla(epochs=1, optimizer__name="mine").fit(X, y)
    assert est.model_.optimizer.name == "mine"


@pytest.mark.slow
def test_backtest_of_a_forecaster_traces_its_training_loop_once_per_architecture(empty_pool):
    from sklstm.datasets import load_airline
    from sklstm.forecasting import LSTMForecaster, backtest

    nets = [sklstm.VanillaLSTMRegressor(units=4, epochs=5, linear_baseline=False),
            sklstm.StackedLSTMRegressor(units=4, epochs=5, linear_baseline=False)]
    for net in nets:
        f = LSTMForecaster(net, n_steps_in=12, transform="log", residual_weight=0.5, n_models=2)
        table = backtest(f, load_airline(), horizon=12, n_folds=3, season_length=12)
        assert len(table) == 3 and table["mase"].notna().all()
    assert sorted(key[0][0] for key in empty_pool.loops()) == ["StackedLSTMRegressor", "VanillaLSTMRegressor"]
    assert [loop.traces for loop in empty_pool.loops().values()] == [1, 1]


_INTERRUPTED = """
import os, signal, threading, time
signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with SIGINT ignored
import numpy as np
from sklstm import VanillaLSTMRegressor, make_windows
X, y = make_windows(np.sin(np.arange(200) / 3.0), 5)
VanillaLSTMRegressor(units=4, epochs=2, random_state=0).fit(X, y)  # TensorFlow loaded and traced
est = VanillaLSTMRegressor(units=4, epochs=10**7, random_state=0)
sent = []
def interrupt():
    sent.append(time.perf_counter())
    os.kill(os.getpid(), signal.SIGINT)
threading.Timer(1.0, interrupt).start()
try:
    est.fit(X, y)
except KeyboardInterrupt:
    print(f"{time.perf_counter() - sent[0]:.3f}", hasattr(est, "model_"), hasattr(est, "history_"))
"""


@pytest.mark.slow
def test_ctrl_c_stops_a_compiled_fit_promptly_and_leaves_it_unfitted():
    out = subprocess.run([sys.executable, "-c", _INTERRUPTED], capture_output=True, text=True, timeout=300)
    latency, has_model, has_history = out.stdout.split()
    assert float(latency) < 2.0 and has_model == "False" and has_history == "False"


@pytest.mark.slow  # 4-7 s: the quick tier stays under 5 minutes
def test_metrics_and_early_stopping_variants_use_the_keras_loop():
    from sklstm._tf import keras

    Xl, Yl = make_windows(np.sin(np.arange(80) / 3.0), 5)
    est = _vanilla(epochs=3, metrics=["mae"]).fit(Xl, Yl)
    assert est.fit_loop_ == "keras" and len(est.history_["mean_absolute_error"]) == 3
    stop = keras.callbacks.EarlyStopping(monitor="val_mean_absolute_error", patience=1)
    est = _vanilla(epochs=20, metrics=["mae"], validation_split=0.25, callbacks=[stop]).fit(Xl, Yl)
    assert est.fit_loop_ == "keras" and "val_mean_absolute_error" in est.history_
    late = keras.callbacks.EarlyStopping(monitor="loss", patience=0, start_from_epoch=6, min_delta=1e9)
    est = _vanilla(epochs=40, callbacks=[late]).fit(Xl, Yl)
    assert est.fit_loop_ == "keras" and len(est.history_["loss"]) == 8  # ignores epochs 0-5, stops after 7
    with pytest.raises(ValueError, match="fit_loop='compiled' cannot honour metrics"):
        _vanilla(epochs=2, metrics=["mae"], fit_loop="compiled").fit(Xl, Yl)


def test_fits_with_fused_and_keras_adam_agree():
    fused = _vanilla().fit(X, Y)
    clipped = _vanilla(optimizer__clipnorm=1e9).fit(X, Y)  # no clipping in effect, but Keras' own update
    np.testing.assert_allclose(fused.history_["loss"], clipped.history_["loss"], rtol=1e-4)
    np.testing.assert_allclose(fused.predict(X), clipped.predict(X), rtol=1e-4)


def _rewrite_options(options):
    from tensorflow.core.protobuf import config_pb2

    config = config_pb2.ConfigProto()
    config.ParseFromString(options.config_proto_serialized)
    return config.graph_options.rewrite_options


def test_lean_call_options_lighten_grappler_and_keep_the_users_choices():
    from tensorflow.core.protobuf import config_pb2, rewriter_config_pb2
    from tensorflow.python.eager import context

    from sklstm._training.compiled_loop import lean_call_options

    rewriter = rewriter_config_pb2.RewriterConfig
    lean = _rewrite_options(lean_call_options(context.context().function_call_options))
    assert (lean.meta_optimizer_iterations, lean.memory_optimization, lean.remapping) == (
        rewriter.ONE, rewriter.NO_MEM_OPT, rewriter.OFF
    )
    config = config_pb2.ConfigProto()
    config.graph_options.rewrite_options.remapping = rewriter.ON
    config.graph_options.rewrite_options.meta_optimizer_iterations = rewriter.TWO
    mine = _rewrite_options(lean_call_options(context.FunctionCallOptions(config_proto=config)))
    assert (mine.remapping, mine.meta_optimizer_iterations, mine.memory_optimization) == (
        rewriter.ON, rewriter.TWO, rewriter.NO_MEM_OPT
    )


def test_a_fit_leaves_the_threads_function_call_options_alone():
    from tensorflow.python.eager import context

    before = context.context().function_call_options
    X, y = make_windows(np.sin(np.arange(40) / 3.0), 4)
    _vanilla(epochs=2).fit(X, y)
    assert context.context().function_call_options is before
