"""The pretraining loop: a synthetic corpus, fresh windows every epoch, a fixed validation set, a cosine schedule."""

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


def pretrain(*, n_series: int, windows_per_epoch: int, epochs: int, max_minutes: float, units: int, hidden: int,
             batch_size: int, learning_rate: float, seed: int, out: str, log: IO | None = None,
             n_validation: int = 2000) -> dict:
    """Train the pretrained network on ``n_series`` synthetic series and write its weights to ``out``.

    Every epoch draws ``windows_per_epoch`` new windows from the corpus; a
    fixed set of ``n_validation`` windows from a separate corpus (seed
    ``seed + 1``) measures the loss (masked MAE in units of the context's mean
    step). Stops after ``epochs`` epochs or the first epoch that ends past
    ``max_minutes``. Prints the training curve to ``log``.

    Returns
    -------
    dict
        The metadata written beside the weights (sizes, corpus, curve).
    """
    from .._tf import keras
    from .._training.seeding import global_seed

    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    corpus = make_synthetic_series(n_series, random_state=seed)
    held_out = make_synthetic_series(max(1, n_validation // 4), random_state=seed + 1)
    seasons, held_seasons = _seasons(corpus), _seasons(held_out)
    validation = draw_windows(held_out, held_seasons, n_validation, np.random.default_rng(seed + 1))
    _say(log, f"corpus: {n_series} series ({sum(map(len, corpus))} values) in {time.perf_counter() - start:.0f} s")
    steps = epochs * -(-windows_per_epoch // batch_size)
    with global_seed(seed):
        model = build_pretrained_network(units, hidden)
        schedule = keras.optimizers.schedules.CosineDecay(learning_rate, steps, alpha=0.02)
        model.compile(optimizer=keras.optimizers.Adam(schedule, clipnorm=1.0), loss=masked_mae)
        curve = []
        for epoch in range(epochs):
            inputs, targets = draw_windows(corpus, seasons, windows_per_epoch, rng)
            fitted = model.fit(inputs, targets, batch_size=batch_size, epochs=1, verbose=0,
                               validation_data=validation, shuffle=True)
            loss, val = float(fitted.history["loss"][-1]), float(fitted.history["val_loss"][-1])
            minutes = (time.perf_counter() - start) / 60
            curve.append({"epoch": epoch + 1, "loss": loss, "val_loss": val, "minutes": round(minutes, 2)})
            _say(log, f"epoch {epoch + 1:3d}  loss {loss:.4f}  val_loss {val:.4f}  {minutes:.1f} min")
            if minutes >= max_minutes:
                break
    meta = {"units": units, "hidden": hidden, "n_series": n_series, "windows_per_epoch": windows_per_epoch,
            "batch_size": batch_size, "learning_rate": learning_rate, "seed": seed, "curve": curve}
    save_pretrained(model, out, meta)
    _say(log, f"wrote {out}")
    return meta


def _say(log: Any, message: str) -> None:
    if log is not None:
        print(message, file=log, flush=True)
