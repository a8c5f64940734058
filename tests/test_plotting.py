import matplotlib
import numpy as np
import pytest
from sklearn.linear_model import Ridge

import sklstm
from sklstm import make_windows
from sklstm.datasets import load_airline
from sklstm.forecasting import LSTMForecaster, backtest
from sklstm.plotting import plot_backtest, plot_forecast, plot_history


def _png(fig, path):
    assert isinstance(fig, matplotlib.figure.Figure)
    fig.savefig(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow  # 3-6 s: the quick tier stays under 5 minutes
def test_forecast_interval_backtest_and_history_plots(tmp_path):
    y = load_airline()
    f = LSTMForecaster(Ridge(1.0), n_models=1).fit(y)
    table = f.predict_interval(12)
    _png(plot_forecast(y, table.iloc[:, 0], table), tmp_path / "forecast.png")
    _png(plot_forecast(np.arange(20.0), np.arange(20.0, 23.0)), tmp_path / "plain.png")
    _png(plot_backtest(y, backtest(f, y, horizon=12, season_length=12)), tmp_path / "backtest.png")
    X, t = make_windows(np.arange(30.0), 3)
    est = sklstm.VanillaLSTMRegressor(units=4, epochs=5, validation_split=0.2).fit(X, t)
    fig = plot_history(est)
    assert len(fig.axes[0].lines) == 2
    _png(fig, tmp_path / "history.png")


def test_forecast_plot_shows_the_last_history_values():
    y = load_airline()
    fig = plot_forecast(y, y.iloc[-12:], history=36)
    assert len(fig.axes[0].lines[0].get_xdata()) == 36
    assert len(plot_forecast(np.arange(50.0), np.arange(50.0, 53.0), history=10).axes[0].lines[0].get_xdata()) == 10
    with pytest.raises(ValueError, match="history must be a positive integer"):
        plot_forecast(y, y.iloc[-12:], history=0)
