"""Arrays the engine can hand to TensorFlow without a copy (numpy only).

TensorFlow copies a numpy array it converts to a tensor (twice over,
transiently, when the array is not 64-byte aligned), so a dense fit would hold
the windows two or three times. Arrays from :func:`aligned_empty` are shared
with TensorFlow through DLPack instead (:func:`sklstm._training.training.as_tensor`):
the encoded windows exist once.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["ALIGNMENT", "aligned_empty", "available_memory", "is_aligned"]

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
