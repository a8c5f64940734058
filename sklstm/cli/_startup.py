"""A quiet TensorFlow start-up for the ``sklstm`` command, which owns its process.

TensorFlow prints start-up chatter (oneDNN notices, absl and CUDA-stub
messages) when it is imported. The library leaves that to the user; the
command line, whose stderr is for its own diagnostics, sets
``TF_CPP_MIN_LOG_LEVEL`` (unless the user has) and mutes the C-level stderr
while TensorFlow is imported (the absl messages ignore the variable). Python
exceptions raised by the import are unaffected.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

__all__ = ["import_tensorflow_quietly"]


@contextlib.contextmanager
def _muted_c_stderr() -> Iterator[None]:
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stderr.flush()
    saved = os.dup(fd)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    try:
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)


def import_tensorflow_quietly() -> None:
    """Import TensorFlow (through :mod:`sklstm._tf`) without its start-up chatter; a no-op once imported."""
    if "sklstm._tf" in sys.modules:
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if os.environ["TF_CPP_MIN_LOG_LEVEL"] not in ("2", "3"):
        from .. import _tf  # noqa: F401  (the user asked for TensorFlow's messages)

        return
    with _muted_c_stderr():
        from .._tf import tf

        tf.constant(0.0)  # initialise the eager context (and its CUDA probing) while muted
