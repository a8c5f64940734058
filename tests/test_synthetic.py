"""The synthetic corpus: reproducible for a seed, every component present and recognisable, bad arguments named."""

import numpy as np
import pytest

from sklstm.datasets import make_synthetic_series
from sklstm.datasets._synthetic import COMPONENTS, PERIODS
from sklstm.forecasting import detect_season


def roughness(y):
    """Mean absolute second difference relative to the spread: near 0 for smooth shapes, about 2 for white noise."""
    return float(np.mean(np.abs(np.diff(y, 2))) / np.std(y))


def test_the_same_seed_gives_the_same_series_and_another_seed_others():
    a = make_synthetic_series(20, random_state=3)
    b = make_synthetic_series(20, random_state=3)
    c = make_synthetic_series(20, random_state=4)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not all(len(x) == len(y) and np.allclose(x, y) for x, y in zip(a, c))


def test_lengths_stay_in_range_and_values_are_finite():
    series, specs = make_synthetic_series(300, min_length=20, max_length=1000, random_state=0, return_specs=True)
    lengths = np.array([len(s) for s in series])
    assert lengths.min() >= 20 and lengths.max() <= 1000 and lengths.max() > 500 and lengths.min() < 40
    assert all(np.all(np.isfinite(s)) and np.std(s) > 0 for s in series)
    seen = {c for spec in specs for c in spec["components"]}
    assert seen == set(COMPONENTS)
    assert {spec["period"] for spec in specs if spec["period"]} >= {4, 7, 12, 24, 52}


@pytest.mark.parametrize("seed", range(4))
def test_a_season_alone_is_found_at_its_period(seed):
    series, specs = make_synthetic_series(5, min_length=400, max_length=400, components=["season"],
                                          random_state=seed, return_specs=True)
    for s, spec in zip(series, specs):
        assert spec["period"] in PERIODS
        assert detect_season(s) == spec["period"], spec


def test_each_component_has_its_shape():
    def draw(name):
        return make_synthetic_series(20, min_length=300, max_length=300, components=[name], random_state=1)

    assert np.median([roughness(s) for s in draw("trend")]) < 0.01  # smooth
    assert np.median([roughness(s) for s in draw("cycle")]) < 0.3
    for s in draw("level_shift"):  # flat but for one to three jumps
        assert 1 <= np.count_nonzero(np.abs(np.diff(s)) > 1e-9 * np.abs(s).max()) <= 3
    assert np.median([roughness(s) for s in draw("ar_noise")]) > 0.1  # rough
    gp = draw("gp")
    assert all(np.std(s) > 0 and np.all(np.isfinite(s)) for s in gp)
    assert len({round(roughness(s), 3) for s in gp}) > 10  # kernels of many shapes


@pytest.mark.parametrize("kwargs, message", [
    ({"n_series": 0}, "n_series"),
    ({"min_length": 50, "max_length": 20}, "min_length"),
    ({"min_length": 2}, "min_length"),
    ({"components": ["trend", "spikes"]}, "spikes"),
    ({"components": []}, "components"),
])
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_synthetic_series(**kwargs)
