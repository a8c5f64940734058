"""The whole predictor exported as one Keras model gives predict's numbers."""

import numpy as np
import pytest

import sklstm
from sklstm import make_windows

SERIES = np.column_stack([50 + 10 * np.sin(np.arange(120) / 4.0), 20 + np.cos(np.arange(120) / 5.0)])


@pytest.mark.parametrize("cls, params", [
    (sklstm.VanillaLSTMRegressor, {"units": 4}),
    (sklstm.CNNLSTMRegressor, {"units": 4, "filters": 4, "n_seq": 2}),
    (sklstm.ConvLSTMRegressor, {"filters": 4, "n_seq": 3}),
    (sklstm.VanillaLSTMRegressor, {"units": 4, "scaling": None, "linear_baseline": False}),
])
def test_exported_model_predicts_as_the_estimator(cls, params):
    X, y = make_windows(SERIES, 6, targets=[0, 1], n_steps_out=2)
    y = y.reshape(len(y), -1)
    est = cls(epochs=3, n_steps_out=2, random_state=0, **params).fit(X, y)
    exported = est.export_model()
    assert exported.input_shape == (None, 6, 2) and exported.output_shape == (None, 4)
    np.testing.assert_allclose(exported(X.astype(np.float32)).numpy(), est.predict(X), rtol=1e-5, atol=1e-4)


def test_exported_model_saves_and_loads(tmp_path):
    from sklstm._tf import keras

    X, y = make_windows(SERIES[:, 0], 5)
    est = sklstm.VanillaLSTMRegressor(units=4, epochs=3, random_state=0).fit(X, y)
    # model_ alone is the network on the scaled residuals of the baseline, not the predictor
    assert not np.allclose(est.model_(X.astype(np.float32)).numpy()[:, 0], est.predict(X), atol=1.0)
    est.export_model().save(tmp_path / "predictor.keras")
    loaded = keras.saving.load_model(tmp_path / "predictor.keras")
    np.testing.assert_allclose(loaded(X.astype(np.float32)).numpy()[:, 0], est.predict(X), rtol=1e-5, atol=1e-4)


def test_export_needs_a_fitted_estimator():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        sklstm.VanillaLSTMRegressor().export_model()
