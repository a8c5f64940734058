"""Public names that load on first use (PEP 562), for the package ``__init__`` modules.

``import sklstm`` and ``sklstm --help`` stay fast because a package's public
names import their module only when first read: the preprocessing and the
forecasters bring in scikit-learn, the estimators TensorFlow.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

__all__ = ["attach"]


def attach(package: str, names: dict[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package`` for ``names`` (public name -> relative module).

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    names : dict of str to str
        Each public name and the module, relative to ``package``, that defines it (``"._windows"``).

    Returns
    -------
    getattr, dir : callables
        To assign to the package's ``__getattr__`` and ``__dir__``.
    """
    module = importlib.import_module(package)

    def __getattr__(name: str) -> Any:
        if name in names:
            value = getattr(importlib.import_module(names[name], package), name)
            setattr(module, name, value)
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(vars(module)) | set(names))

    return __getattr__, __dir__
