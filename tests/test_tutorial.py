"""The tutorial's eleven setups through sklstm: each prediction within 5% of the ideal."""

import numpy as np
import pytest

from sklstm.tutorial import SETUPS, run_setup


@pytest.mark.parametrize("setup", SETUPS, ids=[s.name for s in SETUPS])
def test_setup_within_five_percent_of_ideal(setup):
    row = run_setup(setup, random_state=0)
    np.testing.assert_allclose(row["prediction"], setup.ideal, rtol=0.05)
    assert row["error"] < 0.05


RELIABILITY_SETUPS = [s for s in SETUPS if s.name in ("vanilla", "stacked", "vector-output", "encoder-decoder")]


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("setup", RELIABILITY_SETUPS, ids=[s.name for s in RELIABILITY_SETUPS])
def test_default_settings_within_two_percent_across_seeds(setup, seed):
    """A sample of the 20-seed reliability run (benchmarks/bench_tutorial.py) on the setups the
    tutorial's own code misses most often."""
    assert run_setup(setup, random_state=seed)["error"] < 0.02
