"""One worker of a MultiWorkerMirroredStrategy fit of GlobalLSTMForecaster (run by tests/test_multi_worker.py).

    python tests/multi_worker_panel.py INDEX PORT [PORT ...]    # this worker's index, every worker's port

With one port, the same fit runs in one process (still under the strategy). Prints the forecast as
JSON on the last line of stdout, and a checksum of the first network's weights above it.
"""

import json
import os
import sys

import numpy as np
import pandas as pd


def main(index: int, ports: list) -> None:
    if len(ports) > 1:  # set before TensorFlow starts: the cluster and this process's place in it
        os.environ["TF_CONFIG"] = json.dumps({"cluster": {"worker": [f"localhost:{p}" for p in ports]},
                                              "task": {"type": "worker", "index": index}})
    import tensorflow as tf

    from sklstm import GlobalLSTMForecaster, VanillaLSTMRegressor

    rng = np.random.default_rng(0)
    t = np.arange(80)
    Y = pd.DataFrame({f"s{k}": 10 + k + 3 * np.sin(2 * np.pi * t / 12 + k) + rng.normal(0, 0.3, 80) for k in range(6)},
                     index=pd.period_range("2000-01", periods=80, freq="M"))
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    with strategy.scope():
        network = VanillaLSTMRegressor(units=8, epochs=5, batch_size=64, fit_loop="keras", random_state=0)
        forecaster = GlobalLSTMForecaster(network, n_steps_in=12, n_models=1, horizon=6).fit(Y)
    weights = forecaster.estimators_[0][0].model_.get_weights()
    print(sum(float(np.abs(w).sum()) for w in weights))
    print(json.dumps(forecaster.predict().to_numpy().tolist()))


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2:])
