"""Where the command's progress goes while it fits: bars for a terminal, a line every few seconds for a log.

The forecasters print what they fit on stderr and the networks draw Keras
progress bars on stdout. The command keeps stdout for its result, so
:func:`progress` sends the bars to stderr: as they are when stderr is a
terminal (or ``--verbose 1``), condensed to one plain line every few seconds
when it is a file or a pipe (a log, a CI job), and nowhere with
``--verbose 0``.
"""

from __future__ import annotations

import contextlib
import re
import sys
import time
from collections.abc import Iterator
from typing import Any, TextIO

__all__ = ["LineProgress", "forecaster_verbosity", "progress"]

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_COUNT = re.compile(r"(\d+)/(\d+)")


class LineProgress:
    """A write-only text stream that turns progress-bar output into a plain line at most every ``every`` seconds.

    Parameters
    ----------
    stream : text stream
        Where the lines go (stderr).
    every : float, default=5.0
        Seconds between two lines.
    clock : callable, default=time.monotonic
        The time source (a test passes its own).
    """

    def __init__(self, stream: TextIO, every: float = 5.0, clock: Any = time.monotonic):
        self.stream, self.every, self.clock = stream, every, clock
        self.start = self.last = clock()

    def write(self, text: str) -> int:
        now = self.clock()
        counts = _COUNT.findall(_ANSI.sub("", text))
        if counts and now - self.last >= self.every:
            done, total = counts[-1]
            self.stream.write(f"sklstm: training, epoch {done}/{total} ({now - self.start:.0f} s)\n")
            self.stream.flush()
            self.last = now
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return False


def forecaster_verbosity(verbose: int | None) -> int:
    """The ``verbose`` the command gives its forecaster: 0 with ``--verbose 0``, else 1 (progress to report)."""
    return 0 if verbose == 0 else 1


@contextlib.contextmanager
def progress(verbose: int | None) -> Iterator[None]:
    """Send what is printed on stdout meanwhile (progress bars) to stderr, as ``--verbose`` and stderr's kind say."""
    if verbose == 0:
        sink: Any = _Discard()
    elif verbose == 1 or sys.stderr.isatty():
        sink = sys.stderr
    else:
        sink = LineProgress(sys.stderr)
    with contextlib.redirect_stdout(sink):
        yield


class _Discard:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False
