"""scikit-learn's own estimator checks over every public estimator and transformer."""

from sklearn.utils.estimator_checks import parametrize_with_checks

import sklstm

SMALL = {"epochs": 5, "random_state": 0, "units": 4}
ESTIMATORS = [
    sklstm.VanillaLSTMRegressor(**SMALL),
    sklstm.StackedLSTMRegressor(**SMALL),
    sklstm.BidirectionalLSTMRegressor(**SMALL),
    sklstm.CNNLSTMRegressor(n_seq=1, filters=4, **SMALL),
    sklstm.ConvLSTMRegressor(n_seq=1, filters=4, kernel_size=(1, 1), epochs=5, random_state=0),
    sklstm.EncoderDecoderLSTMRegressor(**SMALL),
]
TRANSFORMERS = [
    sklstm.WindowTransformer(n_steps_in=1),
    sklstm.SequenceReshaper(),
    sklstm.SubsequenceReshaper(n_seq=1),
    sklstm.ConvLSTMReshaper(n_seq=1),
    sklstm.WindowScaler(),
]


def expected_failed_checks(estimator):
    return getattr(estimator, "_expected_failed_checks", {})


@parametrize_with_checks(ESTIMATORS + TRANSFORMERS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    check(estimator)
