"""The layout shows the architecture: subpackages, imports that point one way, no mixins, private APIs fenced."""

from __future__ import annotations

import ast
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1] / "sklstm"


def module_name(path: pathlib.Path) -> str:
    parts = ["sklstm", *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in ROOT.rglob("*.py")}


def lazy_targets(package: str) -> dict:
    """A package ``__init__``'s lazy names (``_LAZY``) as absolute module names."""
    tree = ast.parse(MODULES[package].read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "_LAZY":
            mapping = {}
            for key, value in zip(node.value.keys, node.value.values):
                if key is None:  # **dict.fromkeys([...], ".module")
                    names, target = value.args[0], value.args[1]
                    mapping.update({ast.literal_eval(n): ast.literal_eval(target) for n in names.elts})
                else:
                    mapping[ast.literal_eval(key)] = ast.literal_eval(value)
            return {k: package + v for k, v in mapping.items()}
    return {}


def imports_of(name: str) -> set:
    """The sklstm modules that ``name`` imports, anywhere in it (inside functions too; not TYPE_CHECKING blocks)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    tree = ast.parse(path.read_text())
    skip = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for n in ast.walk(node)}
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("sklstm")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.startswith("sklstm"):
                source = node.module
            else:
                continue
            for alias in node.names:
                if f"{source}.{alias.name}" in MODULES:
                    found.add(f"{source}.{alias.name}")
                elif alias.name in lazy_targets(source):
                    found.add(lazy_targets(source)[alias.name])
                else:
                    found.add(source)
    return {m for m in found if m in MODULES and m != name}


def find_cycle(graph: dict) -> list | None:
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_subpackages_and_few_top_level_modules():
    top = sorted(p.name for p in ROOT.glob("*.py"))
    packages = sorted(p.parent.name for p in ROOT.glob("*/__init__.py"))
    assert len(top) <= 8, top
    assert {"preprocessing", "estimators", "forecasting", "cli", "_training"} <= set(packages), packages


def test_no_import_circle():
    graph = {name: imports_of(name) for name in MODULES}
    assert graph["sklstm.forecasting._local"], "the import scan found nothing: fix the test"
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph))


def test_find_cycle_finds_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("lower, higher", [
    ("sklstm.preprocessing", "sklstm.estimators"), ("sklstm.preprocessing", "sklstm.forecasting"),
    ("sklstm._training", "sklstm.estimators"), ("sklstm.estimators", "sklstm.forecasting"),
    ("sklstm.forecasting", "sklstm.cli"), ("sklstm.estimators", "sklstm.cli"),
])
def test_imports_point_one_way(lower, higher):
    wrong = {(m, i) for m in MODULES if m.startswith(lower) for i in imports_of(m) if i.startswith(higher)}
    assert not wrong, wrong


def test_no_mixin_classes():
    mixins = [f"{name}.{node.name}" for name, path in MODULES.items() for node in ast.walk(ast.parse(path.read_text()))
              if isinstance(node, ast.ClassDef) and node.name.endswith("Mixin")]
    assert not mixins, mixins


PRIVATE = re.compile(r"keras\.src|tensorflow\.python|_call_flat|raw_ops|scikeras\._|from scikeras import _")


def test_private_third_party_apis_only_in_compat():
    users = sorted(name for name, path in MODULES.items() if name != "sklstm._compat" and PRIVATE.search(path.read_text()))
    assert not users, users
