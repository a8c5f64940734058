"""The ``sklstm`` command line (``sklstm --help``)."""

from __future__ import annotations

import os
import sys
import threading

from .._lazy import attach

__all__ = ["main", "run"]

__getattr__, __dir__ = attach(__name__, {"main": "._main"})


def run() -> None:
    """The ``sklstm`` console script: :func:`main`, ended by Ctrl-C at any phase within a fraction of a second.

    Python delivers Ctrl-C to the main thread only between two of its own
    steps, so that a training loop running for seconds inside one TensorFlow
    call would hold it that long. The command runs in a worker thread; the
    main thread only waits, takes the interrupt at once, and ends the process
    with exit 130 (outputs are written to temporary files and renamed, so an
    interrupted write leaves the old file as it was).
    """
    outcome: dict = {}
    stderr = _own_stderr()  # the terminal's stderr, also while TensorFlow's import mutes the C-level one

    def work() -> None:
        try:
            from ._main import main

            outcome["code"] = main()
        except SystemExit as exit_info:  # argparse's exit 2 and --help's exit 0
            outcome["code"] = exit_info.code
        except KeyboardInterrupt:
            outcome["code"] = 130
        except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread, with its traceback
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="sklstm", daemon=True)
    try:
        worker.start()
        while worker.is_alive():
            worker.join(0.05)
    except KeyboardInterrupt:
        _interrupted(stderr)
    if "error" in outcome:
        raise outcome["error"]
    if outcome.get("code") == 130:
        _interrupted(stderr)
    if outcome.get("code") == 141:  # _main.BROKEN_PIPE: stdout's reader has gone; the exit's flush must not fail again
        _stdout_to_devnull()
    raise SystemExit(outcome.get("code", 0))


def _stdout_to_devnull() -> None:
    """Point the process' stdout at the null device (what Python's documentation advises after a broken pipe)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):
        pass


def _own_stderr() -> int | None:
    """A duplicate of stderr's file descriptor, or None where stderr has none (a test's capture)."""
    try:
        return os.dup(sys.stderr.fileno())
    except (AttributeError, OSError, ValueError):
        return None


def _interrupted(stderr: int | None) -> None:
    """Say so on stderr and end the process now: the worker thread may be inside a TensorFlow call."""
    message = "sklstm: interrupted\n"
    if stderr is None:
        print(message, end="", file=sys.stderr, flush=True)
    else:
        os.write(stderr, message.encode())
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    os._exit(130)
