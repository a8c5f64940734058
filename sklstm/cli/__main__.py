"""``python -m sklstm.cli``."""

from ._main import main

raise SystemExit(main())
