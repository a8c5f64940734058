"""One fit at a time per estimator or forecaster instance."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

__all__ = ["one_fit_at_a_time"]


@contextlib.contextmanager
def one_fit_at_a_time(obj: Any, kind: str = "estimator") -> Iterator[None]:
    """Hold ``obj``'s fit lock for the block; raise at once if another thread holds it.

    Two threads fitting one instance at once would mix their state (scalers
    from one fit, the network from the other). The lock lives on the instance
    for the length of the fit only, so that clones and pickles never carry it.
    """
    lock = obj.__dict__.setdefault("_fit_lock", threading.Lock())
    if not lock.acquire(blocking=False):
        raise RuntimeError(
            f"{type(obj).__name__} is already being fitted in another thread; give each thread its own "
            f"{kind} (sklearn.base.clone)."
        )
    try:
        yield
    finally:
        obj.__dict__.pop("_fit_lock", None)
        lock.release()
