"""Small datasets shipped inside the package (no download at run time).

Loaders return pandas objects with a proper time index; they need the
``pandas`` extra (``pip install "sklstm[pandas]"``).
"""

from ._loaders import load_airline, load_energy, load_lung_deaths
from ._synthetic import make_synthetic_series

__all__ = ["load_airline", "load_energy", "load_lung_deaths", "make_synthetic_series"]
