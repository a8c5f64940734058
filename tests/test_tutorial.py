"""The tutorial's eleven setups through sklstm: each prediction within 5% of the ideal."""

import numpy as np
import pytest

from sklstm.tutorial import SETUPS, run_setup


@pytest.mark.parametrize("setup", SETUPS, ids=[s.name for s in SETUPS])
def test_setup_within_five_percent_of_ideal(setup):
    row = run_setup(setup, random_state=0)
    np.testing.assert_allclose(row["prediction"], setup.ideal, rtol=0.05)
    assert row["error"] < 0.05
