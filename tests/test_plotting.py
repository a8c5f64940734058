import matplotlib
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge

import sklstm
from sklstm import make_windows
from sklstm.datasets import load_airline
from sklstm.forecasting import LSTMForecaster, backtest
from sklstm.plotting import plot_backtest, plot_forecast, plot_history, plot_panel


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


def test_plots_of_the_wrong_things_name_what_they_need():
    from sklstm import SeasonalNaiveForecaster

    y = load_airline()
    f = SeasonalNaiveForecaster().fit(y)
    forecast, interval = f.predict(12), f.predict_interval(12)
    with pytest.raises(ValueError, match="interval has 5 rows, but the forecast has 12"):
        plot_forecast(y, forecast, interval.iloc[:5])
    with pytest.raises(ValueError, match=r"interval must be predict_interval's result: columns point, lower, upper; "
                                         r"got shape \(12, 2\)"):
        plot_forecast(y, forecast, interval.to_numpy()[:, :2])
    with pytest.raises(ValueError, match="with '<target>_lower' and '<target>_upper' columns; got columns"):
        plot_forecast(y, forecast, interval.rename(columns=str.upper))
    with pytest.raises(ValueError, match=r"table must be backtest\(\)'s result"):
        plot_backtest(y, interval)
    with pytest.raises(ValueError, match="SeasonalNaiveForecaster has no training history"):
        plot_history(f)
    panel = pd.DataFrame({"unique_id": ["a"] * 3, "ds": [1, 2, 3], "y": [1.0, 2.0, 3.0]})
    ahead = pd.DataFrame({"unique_id": ["a"], "ds": [4], "y": [4.0]})
    with pytest.raises(ValueError, match=r"history must be a long DataFrame with columns \['unique_id', 'ds', 'y'\] "
                                         r"\(id_col, time_col, target_col\); it lacks \['unique_id'\]"):
        plot_panel(panel.drop(columns="unique_id"), ahead)
    with pytest.raises(ValueError, match=r"forecast must be .* it lacks \['fold'\]"):
        plot_panel(panel, ahead, by="fold")
