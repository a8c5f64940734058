"""Ctrl-C latency of the ``sklstm`` command: seconds from SIGINT to exit, at several phases of a forecast.

Compares the console script's ``run()`` (the command in a worker thread, the main thread waiting
for the interrupt) with the same command run in the main thread, as before (Python takes Ctrl-C
only between its own steps, so a TensorFlow call running a training loop held it). Each run is a
fresh process sent SIGINT after the given delay; goal (issue 26): at most 1 s at any phase::

    python benchmarks/bench_interrupt.py --delays 0.3 1 3 8 15
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time

COMMAND = ["forecast", "--epochs", "1000000", "--verbose", "0"]
MAIN_THREAD = "import sys; from sklstm.cli._main import main; sys.exit(main(sys.argv[1:]))"


def latency(argv: list[str], delay: float) -> tuple[float, int]:
    """Seconds from SIGINT (sent ``delay`` s after the start) to the process's exit, and its exit code."""
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        time.sleep(delay)
        sent = time.perf_counter()
        process.send_signal(signal.SIGINT)
        process.wait(timeout=120)
        return time.perf_counter() - sent, process.returncode
    finally:
        process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delays", type=float, nargs="+", default=[0.3, 1.0, 3.0, 8.0, 15.0])
    args = parser.parse_args()
    print(f"{'delay s':>8} {'run() s':>8} {'exit':>5} {'main thread s':>14} {'exit':>5} {'ratio':>6}")
    for delay in args.delays:
        ours, code = latency([sys.executable, "-m", "sklstm.cli", *COMMAND], delay)
        before, before_code = latency([sys.executable, "-c", MAIN_THREAD, *COMMAND], delay)
        print(f"{delay:8.1f} {ours:8.2f} {code:5d} {before:14.2f} {before_code:5d} {before / max(ours, 1e-3):6.1f}",
              flush=True)


if __name__ == "__main__":
    main()
