"""The package namespace: every public name resolves, and importing it stays cheap."""

import json
import subprocess
import sys

import sklstm

_PROBE = """
import json, sys
import sklstm{extra}
print(json.dumps({{m: m in sys.modules for m in ("sklearn", "tensorflow", "keras", "scikeras")}}))
"""


def _loaded_after(extra: str = "") -> dict:
    out = subprocess.run([sys.executable, "-c", _PROBE.format(extra=extra)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_every_public_name_resolves():
    assert sorted(sklstm.__all__) == sorted(sklstm._LAZY)
    for name in sklstm.__all__:
        assert getattr(sklstm, name).__name__ == name
    assert set(sklstm.__all__) <= set(dir(sklstm))


def test_import_loads_neither_scikit_learn_nor_tensorflow():
    assert not any(_loaded_after().values())


def test_windows_load_scikit_learn_but_not_tensorflow():
    loaded = _loaded_after("; sklstm.WindowTransformer; sklstm.LSTMForecaster")
    assert loaded["sklearn"] and not loaded["tensorflow"] and not loaded["keras"]


def test_help_does_not_import_tensorflow():
    code = (
        "import sys; from sklstm.cli._main import build_parser; build_parser(); "
        "print('tensorflow' in sys.modules, 'sklearn' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
