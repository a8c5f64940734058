"""The command's output files: checked before any work, written atomically, typed by their extension."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import Any

from ._data import STDIO, CLIError, say

__all__ = ["check_outputs", "emit_table", "save_figure", "write_file", "write_table"]


def check_outputs(args: argparse.Namespace) -> None:
    """Refuse, before any fitting, an output or plot path that is an input, the other output or not writable."""
    import importlib.util

    if args.plot is not None:
        if importlib.util.find_spec("matplotlib") is None:
            raise CLIError('--plot needs matplotlib: pip install "sklstm[plot]"')
        from matplotlib.backend_bases import FigureCanvasBase

        kinds = FigureCanvasBase.get_supported_filetypes()
        kind = image_type(args.plot)
        if kind not in kinds:
            raise CLIError(f"--plot {args.plot}: unknown image type {kind!r}; use one of "
                           f"{', '.join(sorted(kinds))}")
    if args.plot is not None and args.output is not None and os.path.realpath(args.plot) == os.path.realpath(args.output):
        raise CLIError(f"--plot and --output are the same file {args.output}; give each its own")
    sources = [path for path in (args.csv, getattr(args, "future", None)) if path is not None]
    if sources.count(STDIO) > 1:
        raise CLIError("the series and --future cannot both be read from stdin (-)")
    if args.plot == STDIO:
        raise CLIError("--plot needs a file name; stdout (-) holds the table")
    inputs = [path for path in sources if path != STDIO and os.path.exists(path)]
    for flag, path in (("--output", args.output), ("--plot", args.plot)):
        if path is None or path == STDIO:
            continue
        target = os.path.realpath(path)  # a symbolic link: write where it points, keep the link
        if os.path.exists(target) and any(os.path.samefile(target, source) for source in inputs):
            raise CLIError(f"{flag} {path} is an input file; refusing to overwrite it")
        folder = os.path.dirname(target)
        if not os.path.isdir(folder):
            raise CLIError(f"cannot write {flag} {path}: the directory {folder} does not exist")
        if os.path.isdir(target) or not os.access(folder, os.W_OK) or os.path.exists(target) and not os.access(target, os.W_OK):
            raise CLIError(f"cannot write {flag} {path}: not a writable file path")


def write_file(path: str, flag: str, write: Callable[[str], None]) -> None:
    """Write ``path`` atomically: ``write`` fills a new file beside it (its name keeps ``path``'s extensions, so
    ``.csv.gz`` is compressed and ``.svg`` is an SVG; created under the user's umask), which then replaces it.
    A symbolic link is kept: the file it points to is replaced."""
    import uuid

    target = os.path.realpath(path)
    tmp = os.path.join(os.path.dirname(target), f".sklstm-{uuid.uuid4().hex[:12]}-{os.path.basename(target)}")
    try:
        write(tmp)
        os.replace(tmp, target)
    except OSError as exc:
        raise CLIError(f"cannot write {flag} {path}: {exc.strerror}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def show_table(table: Any, decimals: int, index: bool = True) -> str:
    """``table`` as text for stdout: numbers to ``decimals`` places, very large or small ones in exponent form.

    ``DataFrame.round`` multiplies by a power of ten, so that values near
    1e308 printed as ``inf``; a formatter never overflows.
    """
    def number(value: float) -> str:
        magnitude = abs(value)
        if magnitude != magnitude or magnitude == float("inf") or magnitude == 0 or 1e-3 <= magnitude < 1e15:
            return f"{value:.{decimals}f}"
        return f"{value:.{decimals + 4}g}"

    return table.to_string(float_format=number, index=index)


def emit_table(table: Any, output: str | None, decimals: int, index: bool = True, summary: str | None = None) -> None:
    """The command's result: ``table`` (and a ``summary`` line) on stdout for reading, and its CSV file ``output``;
    with ``output`` ``-``, the CSV itself on stdout (full precision, for the next program in a pipe) and the
    summary on stderr."""
    if output == STDIO:
        table.to_csv(sys.stdout, index=index)
        if summary:
            say(summary)
        return
    print(show_table(table, decimals, index=index))
    if summary:
        print(summary)
    if output:
        write_table(table, output, index=index)


def write_table(table: Any, path: str, **to_csv: Any) -> None:
    """Write ``table`` to the CSV file ``path`` (compressed as its extension says), atomically."""
    write_file(path, "--output", lambda tmp: table.to_csv(tmp, **to_csv))


def save_figure(figure: Any, path: str) -> None:
    """Save ``figure`` to ``path`` (its type from the extension), atomically."""

    write_file(path, "--plot", lambda tmp: figure.savefig(tmp, format=image_type(path)))


def image_type(path: str) -> str:
    """The image type of ``path`` from its extension: ``png`` without one, as matplotlib does."""
    return os.path.splitext(path)[1].lstrip(".").lower() or "png"
