"""Every code block of the README runs on its own, in a fresh interpreter, as a reader would paste it."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_has_python_blocks():
    assert len(BLOCKS) >= 8


@pytest.mark.slow
@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_block_runs_on_its_own(block, tmp_path):
    if block.lstrip().startswith(">>>"):
        path = tmp_path / "block.txt"
        path.write_text(block)
        command = [sys.executable, "-m", "doctest", "-o", "ELLIPSIS", "-o", "NORMALIZE_WHITESPACE", str(path)]
    else:
        path = tmp_path / "block.py"
        path.write_text(block)
        command = [sys.executable, str(path)]
    out = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]


SHELL_BLOCKS = [b for b in re.findall(r"```bash\n(.*?)```", README.read_text(), flags=re.S)  # the CLI's examples
                if "sklstm " in b and "pip install" not in b]


def test_readme_has_shell_examples_with_covariates_and_panels():
    commands = "\n".join(SHELL_BLOCKS)
    assert "--future-cols" in commands and "--id-col" in commands


@pytest.mark.slow
@pytest.mark.parametrize("block", SHELL_BLOCKS, ids=[f"shell{i}" for i in range(len(SHELL_BLOCKS))])
def test_shell_block_runs_as_written(block, tmp_path):
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    out = subprocess.run(["bash", "-e", "-c", block], capture_output=True, text=True, cwd=tmp_path, env=env,
                         timeout=900)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert out.stdout.strip() and "Traceback" not in out.stderr
