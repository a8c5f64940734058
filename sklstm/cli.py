"""The ``sklstm`` command line.

``sklstm tutorial`` fits the tutorial's eleven setups and prints them as a
table. ``sklstm --help`` is quick: TensorFlow is imported only when a
command trains a model.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

__all__ = ["main"]


def _tutorial(args: argparse.Namespace) -> int:
    from .tutorial import SETUPS, tutorial_table

    known = [s.name for s in SETUPS]
    unknown = [n for n in args.setup or [] if n not in known]
    if unknown:
        print(f"sklstm tutorial: unknown setup(s) {unknown}; choose from {known}.", file=sys.stderr)
        return 2
    tutorial_table(random_state=args.random_state, names=args.setup)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sklstm",
        description="LSTM forecasting models as scikit-learn estimators.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    tut = sub.add_parser(
        "tutorial",
        help="fit the tutorial's eleven setups and print a table",
        description="Fit the tutorial's eleven setups through sklstm and print setup, ideal value, "
        "the tutorial's own printed output, sklstm's prediction, error and fit seconds.",
    )
    tut.add_argument("--random-state", type=int, default=0, help="seed for every fit (default 0)")
    tut.add_argument("--setup", action="append", help="run only this setup (repeatable)")
    tut.set_defaults(func=_tutorial)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
