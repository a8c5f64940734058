"""Each private API in ``sklstm._compat`` still does what sklstm relies on; a failure names the API that changed."""

from __future__ import annotations

import numbers

import numpy as np
import pytest

from sklstm import _compat


def test_sklearn_parameter_validation():
    constraints = {"units": [_compat.Interval(numbers.Integral, 1, None, closed="left")],
                   "mode": [_compat.StrOptions({"a", "b"})]}
    _compat.validate_parameter_constraints(constraints, {"units": 2, "mode": "a"}, caller_name="T")
    with pytest.raises(_compat.InvalidParameterError, match="'units' parameter of T"):
        _compat.validate_parameter_constraints(constraints, {"units": 0, "mode": "a"}, caller_name="T")


def test_sklearn_check_sample_weight():
    weights = _compat.check_sample_weight(None, np.zeros((3, 2)))
    assert weights.dtype == np.float64 and weights.tolist() == [1.0, 1.0, 1.0]
    with pytest.raises(ValueError, match="[Nn]egative"):
        _compat.check_sample_weight([1.0, -1.0, 1.0], np.zeros((3, 2)))


def test_scikeras_route_params():
    params = {"model__units": 3, "optimizer__learning_rate": 0.1, "epochs": 2}
    assert _compat.route_params(params, destination="model", pass_filter=set(), strict=True) == {"units": 3}, \
        "scikeras._utils.route_params changed: sklstm routes model__ parameters with it"


def test_scikeras_unflatten_params():
    from sklstm._tf import keras

    built = _compat.unflatten_params(items=keras.callbacks.EarlyStopping, params={"patience": 3})
    assert isinstance(built, keras.callbacks.EarlyStopping) and built.patience == 3, \
        "scikeras._utils.unflatten_params changed: sklstm builds callbacks with it"


def test_scikeras_compile_keywords_from_given_params():
    import sklstm
    from sklstm._tf import keras

    est = sklstm.VanillaLSTMRegressor()
    adam = keras.optimizers.Adam(name="adam")
    kwargs = _compat.compile_keywords(est, {**est.get_params(), "optimizer": adam, "loss": "mae"})
    assert kwargs["optimizer"] is adam and kwargs["loss"] is keras.losses.get("mae"), \
        "scikeras.wrappers.BaseWrapper._get_compile_kwargs changed: sklstm hands it a ready optimizer"


def test_scikeras_pack_and_unpack_keras_model():
    from sklstm._tf import keras

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    data = _compat.pack_keras_model(model)
    assert isinstance(data, np.ndarray) and data.dtype == np.uint8, "scikeras._saving_utils.pack_keras_model changed"
    back = _compat.unpack_keras_model(data)
    x = np.ones((1, 2), dtype="float32")
    np.testing.assert_allclose(back(x), model(x), err_msg="scikeras._saving_utils.unpack_keras_model changed")


def test_keras_conv_lstm_cell():
    from sklstm._tf import keras

    cell_class = _compat.conv_lstm_cell_class()
    assert issubclass(cell_class, keras.layers.Layer), "keras.src.layers.rnn.conv_lstm.ConvLSTMCell moved or changed"
    cell = cell_class(rank=2, filters=2, kernel_size=(1, 1))
    assert cell.get_config()["filters"] == 2


def test_keras_untrack():
    from sklstm._tf import keras

    class Holder(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.child = keras.layers.Dense(1)
            self.child.build((None, 2))

    holder = Holder()
    assert len(holder.weights) == 2
    _compat.untrack(holder, holder.child)
    assert holder.weights == [], "keras Layer._tracker.untrack changed: a replaced ConvLSTM cell would keep its variables"


def test_keras_adam_slots():
    from sklstm._tf import keras

    weight = keras.Variable(np.zeros((3, 2), dtype="float32"))
    optimizer = keras.optimizers.Adam()
    optimizer.build([weight])
    m, v = _compat.adam_slots(optimizer, weight)
    assert tuple(m.shape) == tuple(v.shape) == (3, 2), "Keras Adam's _momentums/_velocities changed"


def test_tensorflow_call_graph_with_other_captures():
    from sklstm._tf import tf

    a, b = tf.Variable(1.0), tf.Variable(5.0)
    concrete = tf.function(lambda x: x * a).get_concrete_function(tf.TensorSpec([], tf.float32))
    captures = [b.handle if c is a.handle else c for c in concrete.captured_inputs]
    out = _compat.call_graph(concrete, [tf.constant(2.0)], captures)
    assert float(out) == 10.0, "ConcreteFunction._call_flat changed: pooled training loops run on other variables"


def test_tensorflow_eager_context_call_options():
    context = _compat.eager_context()
    options = context.function_call_options
    assert hasattr(options, "config_proto_serialized"), "tensorflow.python.eager.context changed"
    context.function_call_options = options  # settable, per thread


def test_tensorflow_resource_apply_adam():
    from sklstm._tf import tf

    var, m, v = tf.Variable([1.0]), tf.Variable([0.0]), tf.Variable([0.0])
    _compat.resource_apply_adam(var=var.handle, m=m.handle, v=v.handle, beta1_power=0.9, beta2_power=0.999, lr=0.1,
                                beta1=0.9, beta2=0.999, epsilon=1e-7, grad=tf.constant([1.0]))
    assert float(var[0]) < 1.0, "tf.raw_ops.ResourceApplyAdam changed"


def test_sklearn_has_methods_constraint():
    constraints = {"optimizer": [str, _compat.HasMethods(["apply_gradients"])]}

    class Optimizer:
        def apply_gradients(self):
            pass

    _compat.validate_parameter_constraints(constraints, {"optimizer": Optimizer()}, caller_name="T")
    with pytest.raises(_compat.InvalidParameterError, match="object implementing 'apply_gradients'"):
        _compat.validate_parameter_constraints(constraints, {"optimizer": 42}, caller_name="T")


def test_keras_nested_layers():
    from sklstm._tf import keras

    inner = keras.layers.Dense(2, name="inner")
    model = keras.Sequential([keras.Input((5, 1)), keras.layers.TimeDistributed(inner), keras.layers.LSTM(3)])
    assert inner in _compat.nested_layers(model), "keras Layer._flatten_layers changed: sklstm lists nested layers with it"
