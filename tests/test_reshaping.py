import numpy as np
import pytest

from sklstm import ConvLSTMReshaper, SequenceReshaper, SubsequenceReshaper, make_windows


def test_sequence_reshaper_2d_and_3d():
    X2 = np.arange(12.0).reshape(2, 6)
    assert SequenceReshaper().fit_transform(X2).shape == (2, 6, 1)
    out = SequenceReshaper(n_features=2).fit_transform(X2)
    assert out.shape == (2, 3, 2) and out[0, 1].tolist() == [2, 3]
    X3, _ = make_windows(np.arange(20.0), 4)
    np.testing.assert_array_equal(SequenceReshaper().fit_transform(X3), X3)


def test_subsequence_reshaper_matches_tutorial_reshape():
    X, _ = make_windows([10, 20, 30, 40, 50, 60, 70, 80, 90], 4)
    out = SubsequenceReshaper(n_seq=2).fit_transform(X)
    np.testing.assert_array_equal(out, X.reshape(X.shape[0], 2, 2, 1))


def test_convlstm_reshaper_matches_tutorial_reshape():
    X, _ = make_windows([10, 20, 30, 40, 50, 60, 70, 80, 90], 4)
    out = ConvLSTMReshaper(n_seq=2).fit_transform(X)
    np.testing.assert_array_equal(out, X.reshape(X.shape[0], 2, 1, 2, 1))


def test_n_seq_must_divide_steps():
    with pytest.raises(ValueError, match=r"n_seq=3 does not divide the window's 4 time steps; choose n_seq among \[1, 2, 4\]"):
        SubsequenceReshaper(n_seq=3).fit(np.zeros((2, 4)))


@pytest.mark.parametrize("cls", [SubsequenceReshaper, ConvLSTMReshaper])
def test_n_seq_must_be_positive(cls):
    with pytest.raises(ValueError, match="'n_seq' parameter"):
        cls(n_seq=0).fit(np.zeros((2, 4)))


def test_columns_must_be_whole_steps():
    with pytest.raises(ValueError, match="X has 5 columns, which is not a whole number of steps of n_features=2"):
        SequenceReshaper(n_features=2).fit(np.zeros((2, 5)))


def test_feature_count_checked_at_transform():
    r = SequenceReshaper().fit(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="X has 3 features, but SequenceReshaper is expecting 4"):
        r.transform(np.zeros((2, 3)))
