"""The README's Python examples run as written (so the README stays true)."""
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_block_runs(code, tmp_path, monkeypatch):
    if "safetensors.torch" in code:  # the hand-over to PyTorch needs both optional packages
        pytest.importorskip("torch")
        pytest.importorskip("safetensors.torch")
    monkeypatch.chdir(tmp_path)
    exec(compile(code, str(README), "exec"), {})


def test_readme_has_examples():
    assert len(BLOCKS) >= 2
