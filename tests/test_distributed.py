"""Hyper-parameter search on a dask.distributed cluster through joblib's Dask backend."""

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

import sklstm
from sklstm import make_windows

distributed = pytest.importorskip("distributed")  # the "dask" extra, installed by the test extra

SERIES = 50 + 10 * np.sin(np.arange(120) / 4.0) + np.arange(120) * 0.5
# One TensorFlow thread per worker process, so two workers do not oversubscribe two cores.
WORKER_ENV = {"TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1", "OMP_NUM_THREADS": "1"}


@pytest.mark.slow
def test_grid_search_on_local_dask_cluster_matches_local_run():
    import joblib

    X, y = make_windows(SERIES, 4)
    grid = {"units": [2, 4], "optimizer__learning_rate": [0.001, 0.05]}
    est = sklstm.VanillaLSTMRegressor(epochs=5, random_state=0)
    local = GridSearchCV(est, grid, cv=TimeSeriesSplit(2)).fit(X, y)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, env=WORKER_ENV,
                                  dashboard_address=None) as cluster, distributed.Client(cluster):
        with joblib.parallel_backend("dask"):
            remote = GridSearchCV(est, grid, cv=TimeSeriesSplit(2), n_jobs=-1).fit(X, y)
    assert remote.best_params_ == local.best_params_
    np.testing.assert_allclose(remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"], rtol=1e-4)
