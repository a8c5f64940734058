import pickle
import subprocess
import sys

import numpy as np
import pytest

import sklstm
from sklstm._tf import keras, tf
from sklstm.estimators._layers import (
    MAX_TAPS,
    FusedConvLSTM2D,
    FusedConvLSTMCell,
    IdEmbedding,
    MatmulConv1D,
    ReshapeMaxPooling1D,
    small_conv,
)

X = np.random.default_rng(0).normal(size=(5, 3, 4, 4, 2)).astype(np.float32)


def _channels_first_convolutions_run() -> bool:
    """Whether TensorFlow runs a channels-first convolution here: on the CPU only with oneDNN, which
    TensorFlow leaves off on some CPUs (the layers under test then fail exactly as Keras' own do)."""
    try:
        keras.layers.Conv1D(1, 1, data_format="channels_first")(np.zeros((1, 1, 2), np.float32))
    except tf.errors.UnimplementedError:
        return False
    return True


NEEDS_NCHW = pytest.mark.skipif(not _channels_first_convolutions_run(),
                                reason="TensorFlow has no channels-first convolution on this CPU (oneDNN off)")


@pytest.mark.parametrize(
    ("shape", "kernel", "kwargs"),
    [
        ((4, 7, 3), (2,), {"padding": "valid"}),
        ((4, 7, 3), (3,), {"padding": "same", "strides": 2}),
        ((4, 9, 3), (2,), {"padding": "same", "dilation_rate": 3}),
        ((4, 5, 6, 2), (2, 3), {"padding": "valid", "strides": (2, 1)}),
        ((4, 5, 6, 2), (3, 3), {"padding": "same"}),
        ((4, 1, 1, 2), (1, 2), {"padding": "same"}),
        ((4, 6, 6, 2), (2, 2), {"padding": "valid", "dilation_rate": (2, 2)}),
        ((4, 6, 6, 2), (4, 4), {"padding": "same"}),  # more than MAX_TAPS: keras.ops.conv
    ],
)
def test_small_conv_equals_keras_conv(shape, kernel, kwargs):
    rng = np.random.default_rng(1)
    x = tf.constant(rng.normal(size=shape).astype(np.float32))
    w = tf.Variable(rng.normal(size=(*kernel, shape[-1], 5)).astype(np.float32))
    rank = len(kernel)
    strides, rate = kwargs.get("strides", 1), kwargs.get("dilation_rate", 1)
    results = []
    for conv in (keras.ops.conv, small_conv):
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            if conv is small_conv:
                out = small_conv(x, w, strides, kwargs["padding"], rate, "channels_last")
            else:
                out = keras.ops.conv(x, w, strides=strides, padding=kwargs["padding"], dilation_rate=rate)
            loss = tf.reduce_sum(out**2)
        results.append([out.numpy(), *(g.numpy() for g in tape.gradient(loss, [x, w]))])
    assert results[0][0].shape[1 : 1 + rank] == results[1][0].shape[1 : 1 + rank]
    for keras_value, small_value in zip(*results, strict=True):
        np.testing.assert_allclose(small_value, keras_value, rtol=1e-4, atol=1e-4)
    assert MAX_TAPS == 9


@pytest.mark.parametrize(
    "kwargs",
    [
        {"padding": "valid"},
        {"padding": "same", "strides": 2},
        {"padding": "causal", "dilation_rate": 2},
        {"padding": "same", "groups": 2},  # Keras' own path
        pytest.param({"padding": "valid", "data_format": "channels_first"}, marks=NEEDS_NCHW),
        {"padding": "same", "use_bias": False, "activation": "relu"},
    ],
)
def test_matmul_conv1d_equals_keras_conv1d(kwargs):
    x = np.random.default_rng(2).normal(size=(3, 8, 4)).astype(np.float32)
    keras_layer, layer = keras.layers.Conv1D(6, 2, **kwargs), MatmulConv1D(6, 2, **kwargs)
    keras_layer(x)
    layer(x)
    layer.set_weights(keras_layer.get_weights())
    np.testing.assert_allclose(layer(x).numpy(), keras_layer(x).numpy(), rtol=1e-5, atol=1e-5)


def test_matmul_conv1d_saves_and_loads(tmp_path):
    x = np.random.default_rng(3).normal(size=(3, 8, 4)).astype(np.float32)
    model = keras.Sequential([keras.Input(x.shape[1:]), MatmulConv1D(6, 2, name="conv")])
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    assert isinstance(loaded.get_layer("conv"), MatmulConv1D)
    np.testing.assert_array_equal(loaded(x).numpy(), model(x).numpy())


@pytest.mark.parametrize(
    ("steps", "pool", "padding"),
    [(steps, pool, padding) for steps in (1, 2, 3, 5, 8) for pool in (1, 2, 3) for padding in ("same", "valid")
     if padding == "same" or steps >= pool],  # "valid" needs one whole window
)
def test_reshape_max_pooling_equals_keras_max_pooling(steps, pool, padding):
    x = tf.constant(np.random.default_rng(steps).normal(size=(3, steps, 2)).astype(np.float32))
    np.testing.assert_array_equal(ReshapeMaxPooling1D(pool, padding=padding)(x).numpy(),
                                  keras.layers.MaxPooling1D(pool, padding=padding)(x).numpy())
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        ours = ReshapeMaxPooling1D(pool, padding=padding)(x)
        theirs = keras.layers.MaxPooling1D(pool, padding=padding)(x)
    np.testing.assert_allclose(tape.gradient(ours, x).numpy(), tape.gradient(theirs, x).numpy())


def test_reshape_max_pooling_with_other_strides_takes_keras_path():
    x = np.random.default_rng(0).normal(size=(2, 7, 3)).astype(np.float32)
    ours, theirs = ReshapeMaxPooling1D(3, strides=1), keras.layers.MaxPooling1D(3, strides=1)
    np.testing.assert_array_equal(ours(x).numpy(), theirs(x).numpy())


def test_reshape_max_pooling_saves_and_loads(tmp_path):
    x = np.random.default_rng(3).normal(size=(3, 8, 4)).astype(np.float32)
    model = keras.Sequential([keras.Input(x.shape[1:]), ReshapeMaxPooling1D(2, padding="same", name="pool")])
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    assert isinstance(loaded.get_layer("pool"), ReshapeMaxPooling1D)
    np.testing.assert_array_equal(loaded(x).numpy(), model(x).numpy())


def _pair(**kwargs):
    """Keras' ConvLSTM2D and the fused one, built with the same weights."""
    keras_layer = keras.layers.ConvLSTM2D(3, (2, 2), **kwargs)
    fused = FusedConvLSTM2D(3, (2, 2), **kwargs)
    keras_layer(X)
    fused(X)
    fused.set_weights(keras_layer.get_weights())
    return keras_layer, fused


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"padding": "same", "return_sequences": True},
        {"strides": (2, 1)},
        pytest.param({"data_format": "channels_first"}, marks=NEEDS_NCHW),
        {"use_bias": False, "activation": "relu"},
        {"dilation_rate": (2, 1), "padding": "same"},
    ],
)
def test_fused_conv_lstm_equals_keras(kwargs):
    keras_layer, fused = _pair(**kwargs)
    assert isinstance(fused.cell, FusedConvLSTMCell)
    np.testing.assert_allclose(fused(X).numpy(), keras_layer(X).numpy(), rtol=1e-5, atol=1e-6)


def test_fused_conv_lstm_gradients_equal_keras():
    keras_layer, fused = _pair(padding="same")
    grads = []
    for layer in (keras_layer, fused):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(layer(X) ** 2)
        grads.append([g.numpy() for g in tape.gradient(loss, layer.trainable_variables)])
    for keras_grad, fused_grad in zip(*grads, strict=True):
        np.testing.assert_allclose(fused_grad, keras_grad, rtol=1e-4, atol=1e-5)


def test_fused_conv_lstm_has_keras_variables_only():
    keras_layer, fused = _pair()
    assert [v.path.split("/")[-1] for v in fused.variables] == [v.path.split("/")[-1] for v in keras_layer.variables]
    assert fused.get_config()["filters"] == 3


def test_fused_conv_lstm_dropout_takes_keras_path():
    layer = FusedConvLSTM2D(3, (2, 2), dropout=0.5, recurrent_dropout=0.5, seed=0)
    plain = layer(X).numpy()
    dropped = layer(X, training=True).numpy()
    assert dropped.shape == plain.shape and not np.allclose(dropped, plain)
    np.testing.assert_array_equal(layer(X, training=False).numpy(), plain)
    keras_layer = keras.layers.ConvLSTM2D(3, (2, 2), dropout=0.5, recurrent_dropout=0.5, seed=0)
    keras_layer(X)
    keras_layer.set_weights(layer.get_weights())
    np.testing.assert_allclose(keras_layer(X).numpy(), plain, rtol=1e-5, atol=1e-6)


def test_fused_conv_lstm_saves_and_loads(tmp_path):
    model = keras.Sequential([keras.Input(X.shape[1:]), FusedConvLSTM2D(3, (2, 2), name="conv_lstm")])
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    assert isinstance(loaded.get_layer("conv_lstm"), FusedConvLSTM2D)
    np.testing.assert_array_equal(loaded(X).numpy(), model(X).numpy())


def test_convolutional_regressors_use_sklstm_layers():
    from sklstm.preprocessing._windows import make_windows

    Xw, y = make_windows(np.arange(40, dtype=float), 4)
    est = sklstm.ConvLSTMRegressor(filters=4, epochs=2, random_state=0).fit(Xw, y)
    assert isinstance(est.model_.get_layer("conv_lstm"), FusedConvLSTM2D)
    est = sklstm.CNNLSTMRegressor(filters=4, units=3, epochs=2, random_state=0).fit(Xw, y)
    assert isinstance(est.model_.get_layer("conv").layer, MatmulConv1D)
    assert isinstance(est.model_.get_layer("pooling").layer, ReshapeMaxPooling1D)


@pytest.mark.slow
@pytest.mark.parametrize("cls", [sklstm.ConvLSTMRegressor, sklstm.CNNLSTMRegressor])
def test_pickled_convolutional_regressor_loads_in_a_fresh_process(tmp_path, cls):
    from sklstm.preprocessing._windows import make_windows

    Xw, y = make_windows(np.arange(40, dtype=float), 4)
    est = cls(filters=4, epochs=2, random_state=0).fit(Xw, y)
    (tmp_path / "est.pkl").write_bytes(pickle.dumps(est))
    np.save(tmp_path / "X.npy", Xw)
    code = (
        "import pickle, sys, numpy as np; "
        f"est = pickle.loads(open({str(tmp_path / 'est.pkl')!r}, 'rb').read()); "
        f"np.save({str(tmp_path / 'pred.npy')!r}, est.predict(np.load({str(tmp_path / 'X.npy')!r})))"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    np.testing.assert_allclose(np.load(tmp_path / "pred.npy"), est.predict(Xw), rtol=1e-6)


def test_id_embedding_replaces_the_last_feature_by_its_row_of_the_table(tmp_path):
    x = np.array([[[0.5, 2.0], [0.7, 2.0]], [[0.1, 0.0], [0.2, 0.0]]], dtype=np.float32)
    model = keras.Sequential([keras.Input(x.shape[1:]), IdEmbedding(3, 4, name="ids")])
    out = model(x).numpy()
    table = model.get_layer("ids").table.embeddings.numpy()
    assert out.shape == (2, 2, 1 + 4)
    np.testing.assert_array_equal(out[..., 0], x[..., 0])
    np.testing.assert_array_equal(out[0, 1, 1:], table[2])
    np.testing.assert_array_equal(out[1, 0, 1:], table[0])
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    assert isinstance(loaded.get_layer("ids"), IdEmbedding)
    np.testing.assert_array_equal(loaded(x).numpy(), out)
