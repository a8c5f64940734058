"""``python -m sklstm.cli``."""

from . import run

run()
