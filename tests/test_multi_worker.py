"""GlobalLSTMForecaster under tf.distribute.MultiWorkerMirroredStrategy: two local worker processes."""

import json
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).with_name("multi_worker_panel.py")
ENV_ONE_THREAD = {"TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1", "OMP_NUM_THREADS": "1"}


def free_ports(n):
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("localhost", 0))
    ports = [str(s.getsockname()[1]) for s in sockets]
    for s in sockets:
        s.close()
    return ports


def run_workers(ports):
    import os

    env = {**os.environ, **ENV_ONE_THREAD}
    procs = [subprocess.Popen([sys.executable, str(SCRIPT), str(i), *ports], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) for i in range(len(ports))]
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err[-3000:]
        *_, checksum, forecast = out.strip().splitlines()
        outs.append((float(checksum), np.array(json.loads(forecast))))
    return outs


@pytest.mark.slow  # three processes that import TensorFlow (about 20 s)
def test_two_workers_train_one_model_and_reach_the_forecast_of_one_process():
    (one_sum, one), = run_workers(free_ports(1))
    (sum0, first), (sum1, second) = run_workers(free_ports(2))
    assert sum0 == sum1  # the workers hold the same weights: their gradients were summed every step
    np.testing.assert_allclose(first, second, rtol=1e-6)
    np.testing.assert_allclose(first, one, rtol=1e-4)
    assert abs(sum0 - one_sum) < 1e-4 * one_sum


UNSUPPORTED = """
import numpy as np, pandas as pd, tensorflow as tf
from sklstm import GlobalLSTMForecaster, VanillaLSTMRegressor
from sklstm.preprocessing import make_windows
X, y = make_windows(np.sin(np.arange(60) / 3.0), 4)
Y = pd.DataFrame(np.sin(np.arange(120) / 3.0).reshape(60, 2), columns=["a", "b"])
with tf.distribute.MultiWorkerMirroredStrategy().scope():
    for make in (lambda: VanillaLSTMRegressor(units=2, epochs=1, fit_loop="compiled").fit(X, y),
                 lambda: VanillaLSTMRegressor(units=2, epochs=1, fit_loop="keras", validation_split=0.2).fit(X, y),
                 lambda: VanillaLSTMRegressor(units=2, epochs=1, metrics=["mae"], fit_loop="keras").fit(X, y),
                 lambda: GlobalLSTMForecaster(VanillaLSTMRegressor(units=2, epochs=1), n_models=1).fit(Y)):
        try:
            make()
            print("no error")
        except ValueError as error:
            print(str(error).splitlines()[0])
    print("fitted", VanillaLSTMRegressor(units=2, epochs=2, fit_loop="keras", random_state=0).fit(X, y).predict(X).shape)
"""


@pytest.mark.slow  # a process that imports TensorFlow
def test_what_the_distributed_loop_cannot_honour_is_named():
    out = subprocess.run([sys.executable, "-c", UNSUPPORTED], capture_output=True, text=True, check=True,
                         env={**__import__("os").environ, **ENV_ONE_THREAD}).stdout.strip().splitlines()
    compiled, validation, metrics, streamed, fitted = out[-5:]
    assert "fit_loop='compiled'" in compiled and "MultiWorkerMirroredStrategy" in compiled
    assert "validation_split=0.2" in validation
    assert "metrics=['mae']" in metrics
    assert "fit_loop='keras'" in streamed and "streamed" in streamed.lower()
    assert fitted == "fitted (56,)"
