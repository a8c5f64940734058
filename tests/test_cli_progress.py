"""Where the command's progress goes (``sklstm/cli/_progress.py``)."""

import io
import sys

import pytest

from sklstm.cli._progress import LineProgress, forecaster_verbosity, progress


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_bars_become_a_plain_line_at_most_every_few_seconds():
    clock, out = Clock(), io.StringIO()
    stream = LineProgress(out, every=5.0, clock=clock)
    for second, text in [(1, "\r\x1b[1m 1/20\x1b[0m ━━━"), (6, "\r 4/20 ━━━━"), (7, "\r 5/20 ━━━━━"),
                         (12, "\r 9/20 ━━━━━━━"), (13, "\n")]:
        clock.now = second
        stream.write(text)
    assert out.getvalue().splitlines() == ["sklstm: training, epoch 4/20 (6 s)", "sklstm: training, epoch 9/20 (12 s)"]


@pytest.mark.parametrize("verbose, forecaster", [(None, 1), (0, 0), (1, 1)])
def test_verbose_zero_silences_the_forecaster(verbose, forecaster):
    assert forecaster_verbosity(verbose) == forecaster


def test_progress_sends_stdout_to_stderr_as_asked(capsys):
    with progress(0):
        print("bar")
    with progress(1):
        print(" 3/9 bar")
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == " 3/9 bar\n"
    with progress(None):  # stderr is not a terminal here: condensed lines
        assert isinstance(sys.stdout, LineProgress)
