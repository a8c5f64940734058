"""The one place that imports TensorFlow and Keras.

Importing this module imports TensorFlow, so the rest of the package imports
it lazily and ``import sklstm`` stays quick. It sets no environment variable
and leaves the process's file descriptors alone: TensorFlow's own start-up
messages are the user's to silence (``TF_CPP_MIN_LOG_LEVEL``). The ``sklstm``
command line, which owns its process, silences them (:mod:`sklstm.cli._startup`).
"""

from __future__ import annotations

import keras
import tensorflow as tf

__all__ = ["keras", "tf"]
