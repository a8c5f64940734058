"""A pool of traced training loops, reused across fits of the same architecture.

Tracing a training loop costs 0.2-0.5 s. A pooled :class:`~sklstm._training.compiled_loop.CompiledLoop`
keeps the graph traced on the first model of its key; each later fit with the
same key runs that graph on its own model's variables.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from .compiled_loop import CompiledLoop

__all__ = ["POOL", "TrainingPool"]


class TrainingPool:
    """Traced training loops kept for reuse, keyed by architecture and loop settings.

    Tracing a training loop costs 0.2-0.5 s; a pooled loop keeps the graph
    traced on the first model of its key (and so that model), and each later
    fit with the same key runs it on its own model's weights and optimizer
    state, without copying them. The least recently
    used loop goes first once more than ``size`` are kept; ``size=0`` keeps
    none (every fit traces its own loop). The package's pool is
    :data:`sklstm._training.training.POOL`, which lives as long as the process: set its
    ``size`` or call :meth:`clear` to release the traced graphs' memory.
    """

    def __init__(self, size: int = 8):
        self.size = size
        self._loops: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._loops)

    def loops(self) -> dict:
        """The pooled loops by key, least recently used first (a copy)."""
        with self._lock:
            return dict(self._loops)

    def clear(self) -> None:
        """Drop every pooled loop."""
        with self._lock:
            self._loops.clear()

    def checkout(self, key: Any) -> CompiledLoop | None:
        """A pooled loop for ``key``, locked for this fit, or None."""
        if key is None or self.size <= 0:
            return None
        with self._lock:
            loop = self._loops.get(key)
            if loop is None or not loop.busy.acquire(blocking=False):
                return None
            self._loops.move_to_end(key)
            return loop

    def loop_for(self, key: Any, model: Any, spec: Any) -> CompiledLoop:
        """A loop bound to ``model`` and locked for one fit: the pooled one for ``key``, or a new one.

        A pooled loop whose variables do not match ``model``'s (a key that
        promised more than it held) is replaced by a new trace.
        """
        if not model.optimizer.built:  # its variables exist before a loop compares and binds them
            model.optimizer.build(model.trainable_variables)
        loop = self.checkout(key)
        if loop is not None and not loop.compatible(model):
            loop.busy.release()
            loop = None
        if loop is None:
            loop = CompiledLoop(model, spec)
            loop.busy.acquire()
        loop.start(model)
        return loop

    def checkin(self, key: Any, loop: CompiledLoop) -> None:
        """Keep ``loop`` (released by the caller) for the next fit with ``key``."""
        if key is None or self.size <= 0:
            return
        with self._lock:
            self._loops[key] = loop
            self._loops.move_to_end(key)
            while len(self._loops) > self.size:
                self._loops.popitem(last=False)


POOL = TrainingPool()

