"""The ``sklstm`` command line (``sklstm --help``)."""

from __future__ import annotations

import sys

from .._lazy import attach

__all__ = ["main", "run"]

__getattr__, __dir__ = attach(__name__, {"main": "._main"})


def run() -> None:
    """The ``sklstm`` console script: :func:`main` with Ctrl-C at any phase, start-up included, ending in exit 130."""
    try:
        from ._main import main

        code = main()
    except KeyboardInterrupt:
        print("sklstm: interrupted", file=sys.stderr)
        code = 130
    raise SystemExit(code)
