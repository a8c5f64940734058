"""Every public callable has a numpydoc ``Parameters`` section (when it takes arguments) and ``Returns`` (when it
returns something): the classes, functions and public methods that ``sklstm`` and its subpackages export."""

from __future__ import annotations

import importlib
import inspect

import pytest

PACKAGES = ["sklstm", "sklstm.preprocessing", "sklstm.estimators", "sklstm.forecasting", "sklstm.datasets",
            "sklstm.plotting"]


def public_callables():
    seen = {}
    for package in PACKAGES:
        module = importlib.import_module(package)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.isclass(obj):
                seen.setdefault(f"{obj.__module__}.{obj.__qualname__}", obj)
                for attr, member in vars(obj).items():
                    if not attr.startswith("_") and inspect.isfunction(member):
                        seen.setdefault(f"{obj.__module__}.{obj.__qualname__}.{attr}", member)
            elif inspect.isfunction(obj):
                seen.setdefault(f"{obj.__module__}.{obj.__qualname__}", obj)
    return sorted(seen.items())


def arguments(obj) -> list[str]:
    if inspect.isclass(obj) and obj.__init__ is object.__init__:
        return []
    target = obj.__init__ if inspect.isclass(obj) else obj
    try:
        params = inspect.signature(target).parameters
    except (TypeError, ValueError):
        return []
    return [n for n, p in params.items() if n not in ("self", "cls")]


def returns_something(obj) -> bool:
    if inspect.isclass(obj):
        return False
    annotation = inspect.signature(obj).return_annotation
    return annotation not in (None, "None", inspect.Signature.empty) or obj.__name__ in ("fit", "predict")


CALLABLES = public_callables()


def test_the_walk_finds_the_api():
    names = [name for name, _ in CALLABLES]
    assert any(n.endswith("LSTMForecaster.predict_interval") for n in names)
    assert any(n.endswith("make_windows") for n in names) and len(names) > 40


@pytest.mark.parametrize("name, obj", CALLABLES, ids=[name for name, _ in CALLABLES])
def test_numpydoc_sections(name, obj):
    doc = inspect.getdoc(obj) or ""
    missing = []
    if arguments(obj) and "Parameters\n----------" not in doc and "Other Parameters\n----------------" not in doc:
        missing.append("Parameters")
    if returns_something(obj) and "Returns\n-------" not in doc and "Yields\n------" not in doc:
        missing.append("Returns")
    assert not missing, f"{name}: no {' or '.join(missing)} section"
