"""The one place that imports TensorFlow/Keras, quietly.

TensorFlow prints start-up chatter (oneDNN notices, absl and CUDA-stub
messages) when it is imported. Unless the user has set them already, the
two environment variables that silence most of it are set before the import,
and the C-level stderr is muted for the duration of the import itself (the
absl messages ignore ``TF_CPP_MIN_LOG_LEVEL``). Python exceptions raised by
the import are unaffected. Importing this module imports TensorFlow, so the
rest of the package imports it lazily.
"""

from __future__ import annotations

import contextlib
import os
import sys

for _name, _value in (("TF_CPP_MIN_LOG_LEVEL", "3"), ("TF_ENABLE_ONEDNN_OPTS", "0")):
    os.environ.setdefault(_name, _value)


@contextlib.contextmanager
def _muted_c_stderr(enabled: bool):
    if not enabled or "tensorflow" in sys.modules:
        yield
        return
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


with _muted_c_stderr(os.environ.get("TF_CPP_MIN_LOG_LEVEL") in ("2", "3")):
    import keras
    import tensorflow as tf

    tf.constant(0.0)  # initialise the eager context (and its CUDA probing) while muted

__all__ = ["keras", "tf"]
