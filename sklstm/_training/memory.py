"""Arrays the engine can hand to TensorFlow without a copy (numpy only).

TensorFlow copies a numpy array it converts to a tensor (twice over,
transiently, when the array is not 64-byte aligned), so a dense fit would hold
the windows two or three times. Arrays from :func:`aligned_empty` are shared
with TensorFlow through DLPack instead (:func:`sklstm._training.training.as_tensor`):
the encoded windows exist once.
"""

from __future__ import annotations

import gc
import threading
import time
from typing import Any

import numpy as np

__all__ = ["ALIGNMENT", "GARBAGE", "GarbageBudget", "aligned_empty", "available_memory", "is_aligned"]

#: The byte alignment TensorFlow's CPU tensors require to share a buffer.
ALIGNMENT = 64


def aligned_empty(shape: tuple, dtype: Any = np.float32) -> np.ndarray:
    """An uninitialised C-contiguous array whose data starts on an ``ALIGNMENT``-byte boundary.

    Examples
    --------
    >>> from sklstm._training.memory import aligned_empty, is_aligned
    >>> a = aligned_empty((3, 4))
    >>> a.shape, a.dtype.name, is_aligned(a)
    ((3, 4), 'float32', True)
    """
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape)) * dtype.itemsize
    buffer = np.empty(nbytes + ALIGNMENT, dtype=np.uint8)
    start = (-buffer.ctypes.data) % ALIGNMENT
    return buffer[start : start + nbytes].view(dtype).reshape(shape)


def is_aligned(array: Any) -> bool:
    """Whether ``array`` is a C-contiguous numpy array starting on an ``ALIGNMENT``-byte boundary."""
    return isinstance(array, np.ndarray) and array.flags.c_contiguous and array.ctypes.data % ALIGNMENT == 0


def available_memory() -> int | None:
    """Bytes of memory the system can give without swapping (``MemAvailable``), or None where unknown."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        import os

        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


class GarbageBudget:
    """Collects the cyclic garbage that discarded Keras models leave, within a share of the training time.

    A Keras model is a web of reference cycles (layers, nodes, trackers,
    variables), so a model nobody holds is freed only by Python's cyclic
    collector, whose full collections are rare in a process holding
    TensorFlow's millions of objects: a backtest or a grid search leaves
    hundreds of dead models behind before one runs, and the memory they held
    stays fragmented afterwards (issue 26: 0.4 MB per fit). A full
    collection costs about 0.2 s there, so :meth:`spent` runs one only once
    the training time since the last one is ``1 / share`` times the last
    collection's cost: at most ``share`` of the time goes to collecting.

    Parameters
    ----------
    share : float, default=0.1
        The largest share of training time spent collecting; 0 switches
        collection off.

    Examples
    --------
    >>> from sklstm._training.memory import GarbageBudget
    >>> budget = GarbageBudget(share=0.1)
    >>> budget.spent(0.5)  # the first call collects, to learn the cost
    True
    >>> budget.spent(budget.cost * 2)  # twice the cost is under ten times it
    False
    """

    def __init__(self, share: float = 0.1) -> None:
        self.share = share
        self.cost: float | None = None
        self.collections = 0
        self._work = 0.0
        self._lock = threading.Lock()

    def spent(self, seconds: float) -> bool:
        """Count ``seconds`` of training; collect when the budget allows. Whether it collected."""
        with self._lock:
            self._work += seconds
            if self.share <= 0 or (self.cost is not None and self._work * self.share < self.cost):
                return False
            start = time.perf_counter()
            gc.collect()
            self.cost = time.perf_counter() - start
            self._work = 0.0
            self.collections += 1
            return True


#: The package's budget, shared by every fit in the process.
GARBAGE = GarbageBudget()
