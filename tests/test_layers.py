import pickle
import subprocess
import sys

import numpy as np
import pytest

import sklstm
from sklstm._tf import keras, tf
from sklstm.layers import FusedConvLSTM2D, FusedConvLSTMCell

X = np.random.default_rng(0).normal(size=(5, 3, 4, 4, 2)).astype(np.float32)


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
        {"data_format": "channels_first"},
        {"use_bias": False, "activation": "relu"},
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


def test_fused_conv_lstm_saves_and_loads(tmp_path):
    model = keras.Sequential([keras.Input(X.shape[1:]), FusedConvLSTM2D(3, (2, 2), name="conv_lstm")])
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    assert isinstance(loaded.get_layer("conv_lstm"), FusedConvLSTM2D)
    np.testing.assert_array_equal(loaded(X).numpy(), model(X).numpy())


def test_conv_lstm_regressor_uses_the_fused_layer():
    from sklstm.windows import make_windows

    Xw, y = make_windows(np.arange(40, dtype=float), 4)
    est = sklstm.ConvLSTMRegressor(filters=4, epochs=2, random_state=0).fit(Xw, y)
    assert isinstance(est.model_.get_layer("conv_lstm"), FusedConvLSTM2D)


@pytest.mark.slow
def test_pickled_conv_lstm_loads_in_a_fresh_process(tmp_path):
    from sklstm.windows import make_windows

    Xw, y = make_windows(np.arange(40, dtype=float), 4)
    est = sklstm.ConvLSTMRegressor(filters=4, epochs=2, random_state=0).fit(Xw, y)
    (tmp_path / "est.pkl").write_bytes(pickle.dumps(est))
    np.save(tmp_path / "X.npy", Xw)
    code = (
        "import pickle, sys, numpy as np; "
        f"est = pickle.loads(open({str(tmp_path / 'est.pkl')!r}, 'rb').read()); "
        f"np.save({str(tmp_path / 'pred.npy')!r}, est.predict(np.load({str(tmp_path / 'X.npy')!r})))"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    np.testing.assert_allclose(np.load(tmp_path / "pred.npy"), est.predict(Xw), rtol=1e-6)
