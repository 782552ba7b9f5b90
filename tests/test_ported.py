"""The corpus of ported programs (``tests/ported/``): PyTorch programs that run under
tinygrad_lite with only their import lines changed.

Each program defines ``build()`` (a model or a list of parameters), ``parameters(state)`` and
``train(state, steps)`` (the loss of every step). Without PyTorch, each trains a few steps under
tinygrad_lite. With PyTorch, each runs under both frameworks in float64 from the same initial
weights (PyTorch's, copied) and the losses, final weights and last gradients must agree.
"""
import math
import re
import types
from pathlib import Path

import numpy as np
import pytest

import tinygrad_lite as tg

PORTED = Path(__file__).resolve().parent / "ported"
PROGRAMS = sorted(p.stem for p in PORTED.glob("*.py"))
STEPS = {"mnist_cnn": 3, "lstm_classifier": 5}  # the rest: 8 steps


def port(source):
    """The program with ``torch`` replaced by ``tinygrad_lite`` in its import lines only."""
    out = []
    for line in source.splitlines():
        if line == "import torch":
            line = "import tinygrad_lite as torch"
        elif re.match(r"(import|from) torch\b", line):
            line = re.sub(r"\btorch\b", "tinygrad_lite", line, count=1)
        out.append(line)
    return "\n".join(out) + "\n"


def load(name, ported):
    path = PORTED / f"{name}.py"
    source = path.read_text()
    module = types.ModuleType(f"ported_{name}_{'tg' if ported else 'torch'}")
    exec(compile(port(source) if ported else source, str(path), "exec"), module.__dict__)
    return module


def build(program, lib):
    state = program.build()
    for module in (state.modules() if hasattr(state, "modules") else ()):
        if type(module).__name__.startswith("Dropout"):  # the same numbers in both frameworks
            module.p = 0.0
    return state


def test_port_changes_only_import_lines():
    source = "import torch\nimport torch.nn as nn\nfrom torch.utils.data import DataLoader\nx = torch.ones(2)\n"
    assert port(source) == ("import tinygrad_lite as torch\nimport tinygrad_lite.nn as nn\n"
                            "from tinygrad_lite.utils.data import DataLoader\nx = torch.ones(2)\n")


@pytest.mark.parametrize("name", PROGRAMS)
def test_program_trains_under_tinygrad_lite(name):
    program = load(name, ported=True)
    losses = program.train(program.build(), 3)
    assert len(losses) >= 3 and all(math.isfinite(v) for v in losses)


@pytest.fixture
def float64():
    torch = pytest.importorskip("torch", reason="PyTorch is not installed: nothing to compare with")
    before = (torch.get_default_dtype(), tg.get_default_dtype())
    torch.set_default_dtype(torch.float64)
    tg.set_default_dtype(tg.float64)
    yield torch
    torch.set_default_dtype(before[0])
    tg.set_default_dtype(before[1])


@pytest.mark.parametrize("name", PROGRAMS)
def test_program_matches_pytorch(name, float64):
    torch = float64
    theirs, mine = load(name, ported=False), load(name, ported=True)
    t_state, m_state = build(theirs, torch), build(mine, tg)
    t_params, m_params = theirs.parameters(t_state), mine.parameters(m_state)
    assert [tuple(p.shape) for p in m_params] == [tuple(p.shape) for p in t_params]
    if hasattr(t_state, "state_dict"):
        assert list(m_state.state_dict()) == list(t_state.state_dict())
    for m, t in zip(m_params, t_params):
        m.data = tg.tensor(t.detach().numpy().copy())
    steps = STEPS.get(name, 8)
    np.testing.assert_allclose(mine.train(m_state, steps), theirs.train(t_state, steps), rtol=1e-8)
    for i, (m, t) in enumerate(zip(m_params, t_params)):
        np.testing.assert_allclose(m.detach().numpy(), t.detach().numpy(), rtol=1e-7, atol=1e-10,
                                   err_msg=f"parameter {i} after training")
        if t.grad is not None:
            np.testing.assert_allclose(m.grad.numpy(), t.grad.numpy(), rtol=1e-7, atol=1e-10,
                                       err_msg=f"gradient of parameter {i}")
