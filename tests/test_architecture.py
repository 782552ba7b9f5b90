"""The architecture's promises: one gradient rule per op (first derivatives agree with and
without create_graph), grad mode per thread, module hooks, no import cycle or private reach-in
among the package's modules, and no process-wide change at import."""
import ast
import pathlib
import subprocess
import sys
import threading

import numpy as np
import pytest

import tinygrad_lite as tg
from tinygrad_lite import Tensor, nn
from tinygrad_lite.autograd import grad

from helpers import leaf
from test_grad_ops import GRADGRAD as OP_CASES
from test_nn_conv import GRADGRAD as LAYER_CASES

PACKAGE = pathlib.Path(tg.__file__).parent

CASES = ([(name, fn, lambda rng, makers=makers: [m(rng) for m in makers]) for name, fn, makers in OP_CASES]
         + [(name, fn, lambda rng, make=make: list(make(int(rng.integers(100)))))
            for name, fn, make in LAYER_CASES]
         + [("binary_cross_entropy", lambda p, y: tg.nn.functional.binary_cross_entropy(p, y, reduction="none"),
             lambda rng: [rng.uniform(0.1, 0.9, (2, 3)), rng.uniform(0, 1, (2, 3))])])


# ---------------------------------------------------------------------------------------------
# one backward formula per op
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, fn, make", CASES, ids=[c[0] for c in CASES])
def test_first_derivative_is_the_same_with_and_without_create_graph(name, fn, make):
    """Fused primitives have a NumPy backward for first derivatives and are differentiated
    through their composite under create_graph; plain ones run one rule on arrays or Tensors.
    Either way both paths must give the same gradient, or one of the two formulas is wrong."""
    rng = np.random.default_rng(3)
    arrays = make(rng)
    weights = None
    results = []
    for create_graph in (False, True):
        inputs = [leaf(a) for a in arrays]
        out = fn(*inputs)
        if weights is None:
            weights = Tensor(rng.uniform(0.5, 1.5, out.shape))
        grads = grad((out * weights).sum(), inputs, create_graph=create_graph, allow_unused=True)
        results.append([None if g is None else g.numpy() for g in grads])
    for i, (plain, recorded) in enumerate(zip(*results)):
        assert (plain is None) == (recorded is None)
        if plain is not None:
            np.testing.assert_allclose(recorded, plain, rtol=1e-10, atol=1e-12,
                                       err_msg=f"{name}: gradient of input {i}")


def test_fused_primitives_have_a_composite_and_no_tensor_backward():
    """The fused primitives' backward never sees a Tensor: higher derivatives go through the
    composite, so there is no second hand-written formula to drift."""
    fused = [tg.primitives.CrossEntropy, tg.primitives.BatchNorm, tg.primitives.Conv2d,
             tg.primitives.MaxPool2d]
    source = (PACKAGE / "primitives.py").read_text()
    tree = ast.parse(source)
    for cls in fused:
        assert callable(cls.composite), cls.__name__
        node = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls.__name__)
        backward = next(n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == "backward")
        assert "Tensor" not in ast.unparse(backward), f"{cls.__name__}.backward dispatches on Tensor"


# ---------------------------------------------------------------------------------------------
# grad mode per thread
# ---------------------------------------------------------------------------------------------

def test_grad_mode_is_per_thread_trainer_and_no_grad_evaluator():
    tg.manual_seed(0)
    model = nn.Linear(4, 3)
    x = tg.randn(8, 4)
    errors, missing, evaluator_modes = [], [], []
    start = threading.Barrier(2)

    def train():
        start.wait()
        try:
            for _ in range(300):
                model.zero_grad()
                loss = model(x).pow(2).mean()
                loss.backward()
                if model.weight.grad is None or not tg.is_grad_enabled():
                    missing.append(1)
        except Exception as e:  # noqa: BLE001 (reported below)
            errors.append(repr(e))

    def evaluate():
        start.wait()
        for i in range(300):
            with tg.no_grad():
                out = model(x)
                evaluator_modes.append((tg.is_grad_enabled(), out.requires_grad))
            if i % 2:
                with tg.inference_mode():
                    model(x)
        evaluator_modes.append(("after", tg.is_grad_enabled()))

    threads = [threading.Thread(target=train), threading.Thread(target=evaluate)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and not missing
    assert all(m == (False, False) for m in evaluator_modes[:-1])
    assert evaluator_modes[-1] == ("after", True)
    assert tg.is_grad_enabled()


def test_a_new_thread_starts_with_grad_enabled_whatever_the_creating_thread_has():
    seen = []
    with tg.no_grad():
        t = threading.Thread(target=lambda: seen.append(tg.is_grad_enabled()))
        t.start()
        t.join()
        assert not tg.is_grad_enabled()
    assert seen == [True]


def test_decorated_function_switches_only_while_it_runs_in_each_thread():
    @tg.no_grad()
    def inner():
        return tg.is_grad_enabled()

    results = []
    threads = [threading.Thread(target=lambda: results.append((inner(), tg.is_grad_enabled())))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [(False, True)] * 4


def test_inference_mode_as_context_decorator_and_switched_off():
    x = Tensor([1.0], requires_grad=True)
    with tg.inference_mode():
        assert tg.is_inference_mode_enabled() and not (x * 2).requires_grad
    assert not tg.is_inference_mode_enabled()
    with tg.inference_mode(False):
        assert (x * 2).requires_grad and not tg.is_inference_mode_enabled()

    @tg.inference_mode
    def f():
        return (x * 2).requires_grad
    assert f() is False and tg.is_grad_enabled()


# ---------------------------------------------------------------------------------------------
# module hooks
# ---------------------------------------------------------------------------------------------

def test_forward_pre_hooks_and_hooks_run_in_order_and_are_removable():
    lin = nn.Linear(2, 2)
    calls = []
    h1 = lin.register_forward_pre_hook(lambda m, args: calls.append(("pre", m is lin, len(args))))
    h2 = lin.register_forward_pre_hook(lambda m, args: (args[0] * 0,))  # replaces the input
    h3 = lin.register_forward_hook(lambda m, args, out: calls.append(("post", out.shape)))
    h4 = lin.register_forward_hook(lambda m, args, out: out + 1)  # replaces the output
    out = lin(tg.ones(3, 2))
    np.testing.assert_allclose(out.numpy(), np.broadcast_to(lin.bias.numpy() + 1, (3, 2)))
    assert calls == [("pre", True, 1), ("post", (3, 2))]
    for h in (h2, h4):
        h.remove()
    np.testing.assert_allclose(lin(tg.ones(1, 2)).numpy(), (tg.ones(1, 2) @ lin.weight.T + lin.bias).numpy())
    h1.remove()
    h3.remove()
    calls.clear()
    lin(tg.ones(1, 2))
    assert calls == [] and not lin._forward_hooks and not lin._forward_pre_hooks


def test_hooks_with_kwargs_prepend_and_handle_as_context_manager():
    class Scale(nn.Module):
        def forward(self, x, factor=1.0):
            return x * factor

    m = Scale()
    order = []
    m.register_forward_hook(lambda mod, args, out: order.append("second"))
    m.register_forward_hook(lambda mod, args, out: order.append("first"), prepend=True)
    with m.register_forward_pre_hook(lambda mod, args, kwargs: (args, {"factor": 3.0}),
                                     with_kwargs=True):
        assert m(Tensor([2.0]), factor=5.0).item() == 6.0
    assert m(Tensor([2.0]), factor=5.0).item() == 10.0
    assert order == ["first", "second"] * 2
    seen = []
    m.register_forward_hook(lambda mod, args, kwargs, out: seen.append(kwargs), with_kwargs=True)
    m(Tensor([1.0]), factor=2.0)
    assert seen == [{"factor": 2.0}]


# ---------------------------------------------------------------------------------------------
# module layout
# ---------------------------------------------------------------------------------------------

def _module_name(path):
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _imports(path):
    """(module imported, names imported) for each module-level relative import of ``path``."""
    tree = ast.parse(path.read_text())
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".")
            base = base[:len(base) - node.level + 1]
            target = ".".join(base + ([node.module] if node.module else []))
            yield target, [a.name for a in node.names]


def test_core_modules_import_each_other_without_cycles():
    core = ["tensor", "engine", "grad_mode", "kernels", "primitives", "arguments", "autograd",
            "creation", "rng", "ops"]
    graph = {}
    for name in core:
        path = PACKAGE / (f"{name}/__init__.py" if (PACKAGE / name).is_dir() else f"{name}.py")
        deps = set()
        for target, names in _imports(path):
            for n in names:  # "from . import x" imports the module x
                deps.add(f"{target}.{n}" if target == "tinygrad_lite" else target)
        graph[f"tinygrad_lite.{name}"] = {d for d in deps if d.split(".")[1] in core}
    for ops_file in (PACKAGE / "ops").glob("*.py"):
        graph.setdefault("tinygrad_lite.ops", set()).update(
            t for t, _ in _imports(ops_file) if not t.startswith("tinygrad_lite.ops"))

    def deps_of(module):
        return {".".join(d.split(".")[:2]) for d in graph.get(module, ())} - {module}

    state = {}

    def visit(module, stack):
        if state.get(module) == "done":
            return
        assert state.get(module) != "open", f"import cycle: {' -> '.join(stack + [module])}"
        state[module] = "open"
        for dep in sorted(deps_of(module)):
            visit(dep, stack + [module])
        state[module] = "done"

    for module in sorted(graph):
        visit(module, [])


def test_no_private_name_is_imported_from_another_module():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for target, names in _imports(path):
            offenders += [f"{_module_name(path)}: from {target} import {n}" for n in names
                          if n.startswith("_") and not n.startswith("__")]
    assert offenders == []


def test_importing_the_package_changes_no_process_wide_allocator_setting():
    """Importing must not call glibc's mallopt (training scripts call keep_freed_memory)."""
    probe = (
        "import ctypes\n"
        "loaded = []\n"
        "real = ctypes.CDLL\n"
        "class Spy(real):\n"
        "    def __init__(self, name, *a, **k):\n"
        "        loaded.append(name)\n"
        "        super().__init__(name, *a, **k)\n"
        "ctypes.CDLL = Spy\n"
        "import tinygrad_lite\n"
        "print(loaded)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                         cwd=PACKAGE.parent)
    assert out.stdout.strip() == "[]"
