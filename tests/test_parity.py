"""PyTorch parity harness: every case of ``parity_cases.OPS`` runs through tinygrad_lite and PyTorch,
which must agree on values (within a tolerance by dtype), dtypes, shapes, gradients and exception
types. Cases listed in ``parity_cases.KNOWN`` are strict xfails (known differences to fix).

Inputs are generated, not hand-picked: values are drawn per case from a generator seeded by the
case's id (so every run, local or CI, sees the same numbers), in every dtype of the op's entry and
every shape kind (0-d, empty, broadcast, transposed and strided non-contiguous, Python scalars, ...).
A Hypothesis test adds random shapes and dims for the elementwise ops and reductions.
"""
import math
import warnings
import zlib

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_lite as tg
import tinygrad_lite.nn.functional as tgF
from parity_cases import MACHINE_DEPENDENT, BINARY, FLOATS, OPS, REDUCE, UNARY, A, Py, cases, known

torch = pytest.importorskip("torch", reason="PyTorch is not installed: the parity harness compares "
                                            "tinygrad_lite with it (pip install torch, CPU build)")
import torch.nn.functional as torchF  # noqa: E402

# tolerances (rtol, atol) for values and for gradients, by dtype name
TOL = {"float16": (2e-3, 2e-3), "float32": (1e-5, 1e-5), "float64": (1e-10, 1e-12)}
GRAD_TOL = {"float16": (1e-2, 1e-2), "float32": (1e-4, 1e-5), "float64": (1e-8, 1e-10)}


class Namespace:
    """One framework's names for the case functions: ``m.exp``, ``m.F.relu``, ``m.float32``, plus
    the case's dtypes ``m.dt`` and ``m.dt2`` in that framework."""

    def __init__(self, lib, F, dt, dt2):
        self._lib, self.F = lib, F
        self.dt = None if dt is None else getattr(lib, dt)
        self.dt2 = None if dt2 is None else getattr(lib, dt2)

    def __getattr__(self, name):
        return getattr(self._lib, name)


def dtype_name(dtype):
    """'float32' for tg.float32 (a NumPy dtype) and for torch.float32."""
    return str(dtype).replace("torch.", "")


# --- inputs ----------------------------------------------------------------------------------

def values_of(arg, dtype, rng):
    """A C-contiguous NumPy array of ``arg.shape`` in ``dtype`` drawn from ``arg.values``."""
    return np.asarray(_draw(arg.shape, arg.values, dtype, rng))


def _draw(shape, kind, dtype, rng):
    if kind.startswith("index:"):
        return rng.integers(0, int(kind[6:]), shape).astype(np.int64)
    if kind == "mask" or dtype == "bool":
        return rng.random(shape) < 0.5
    if kind == "prob":
        return rng.uniform(0.05, 0.95, shape).astype(dtype)
    if kind == "pos":
        return rng.uniform(0.1, 3.0, shape).astype(dtype)
    if kind == "extreme":  # the edges of the type, and zeros
        if dtype in FLOATS:
            edges = [np.inf, -np.inf, np.nan, 0.0, -0.0, np.finfo(dtype).max, np.finfo(dtype).tiny, 1.0]
        else:
            info = np.iinfo(dtype)
            edges = [info.min, info.max, 0, 1, info.max - 1] + ([-1, info.min + 1] if info.min else [])
        return rng.choice(np.array(edges, dtype=dtype), shape)
    if dtype in FLOATS:  # 0.1 <= |x| <= 3: no division by nearly zero (ill-conditioned in float16)
        return (rng.uniform(0.1, 3.0, shape) * rng.choice([-1, 1], shape)).astype(dtype)
    info = np.iinfo(dtype)
    if info.bits <= 8:  # the whole range: signs, wrap-around, the top bit of uint8
        return rng.integers(info.min, info.max, shape, endpoint=True).astype(dtype)
    return rng.integers(max(info.min, -9), 10, shape).astype(dtype)


def laid_out(values, layout):
    """``values`` in a fresh array with the same contents and the given memory layout."""
    if layout == "T" and values.ndim >= 2:
        return np.ascontiguousarray(values.T).T
    if layout in ("T", "strided") and values.ndim >= 1:
        wide = np.zeros(values.shape[:-1] + (2 * values.shape[-1],), values.dtype)
        wide[..., ::2] = values
        return wide[..., ::2]
    return values.copy()


def python_value(kind, rng):
    return {"int": int(rng.integers(-3, 4)) or 2, "float": float(rng.uniform(-3, 3)), "bool": True}[kind]


def draw_inputs(args, dtype, dt2, rng):
    """The case's inputs, framework-free: (spec, values) pairs."""
    out = []
    for a in args:
        if isinstance(a, Py):
            out.append((a, python_value(a.kind, rng)))
        else:
            d = a.dtype or dtype or "float32"
            d = dt2 if d == "dt2" else d
            out.append((a, values_of(a, d, rng)))
    return out


def make_inputs(framework, drawn, grad):
    """The inputs as ``framework``'s tensors (float tensors require grad when ``grad``)."""
    made = []
    for spec, v in drawn:
        if isinstance(spec, Py):
            made.append(v)
            continue
        arr = laid_out(v, spec.layout)
        t = tg.Tensor(arr) if framework == "tg" else torch.from_numpy(arr)
        if grad and spec.grad and arr.dtype.kind == "f":
            t.requires_grad_(True)
        made.append(t)
    return made


# --- running ---------------------------------------------------------------------------------

def call(fn, m, inputs):
    """(result, None) or (None, exception)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return fn(m, *inputs), None
        except Exception as e:  # noqa: BLE001 (any exception type is compared below)
            return None, e


def builtin_base(exc_type):
    """The most derived builtin exception class of ``exc_type`` (RuntimeError for torch's errors)."""
    for cls in exc_type.__mro__:
        if cls.__module__ == "builtins":
            return cls
    return Exception


def describe_exc(e):
    return f"{type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''}"


def leaves(out):
    """The tensors and Python values of a result, in order (tuples and lists flattened)."""
    if isinstance(out, (tuple, list)) and not isinstance(out, (str, bytes)):
        return [leaf for item in out for leaf in leaves(item)]
    return [out]


def as_numpy(t):
    return t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t.numpy())


def assert_tensor_close(mine, theirs, what, tol=TOL, compare_values=True):
    __tracebackhide__ = True  # a failure's report is its message (keeps 10,000 cases fast)
    assert isinstance(mine, tg.Tensor), f"{what}: tinygrad_lite gave {type(mine).__name__}, torch a tensor"
    assert dtype_name(mine.dtype) == dtype_name(theirs.dtype), \
        f"{what}: dtype {dtype_name(mine.dtype)}, torch {dtype_name(theirs.dtype)}"
    assert tuple(mine.shape) == tuple(theirs.shape), f"{what}: shape {tuple(mine.shape)}, torch {tuple(theirs.shape)}"
    if not compare_values:
        return
    a, b = as_numpy(mine), as_numpy(theirs)
    name = dtype_name(theirs.dtype)
    if name in tol:
        rtol, atol = tol[name]
        np.testing.assert_allclose(a.astype(np.float64), b.astype(np.float64), rtol=rtol, atol=atol,
                                   equal_nan=True, err_msg=f"{what}: values differ")
    else:
        np.testing.assert_array_equal(a, b, err_msg=f"{what}: values differ")


def assert_same_result(mine, theirs, compare_values):
    __tracebackhide__ = True  # a failure's report is its message (keeps 10,000 cases fast)
    ms, ts = leaves(mine), leaves(theirs)
    assert len(ms) == len(ts), f"result has {len(ms)} parts, torch's {len(ts)}"
    for i, (a, b) in enumerate(zip(ms, ts)):
        what = f"result[{i}]" if len(ms) > 1 else "result"
        if isinstance(b, torch.Tensor):
            assert_tensor_close(a, b, what, compare_values=compare_values)
        else:
            assert type(a) is type(b), f"{what}: {type(a).__name__} {a!r}, torch {type(b).__name__} {b!r}"
            if compare_values:
                assert a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b)) \
                    or (isinstance(a, float) and math.isclose(a, b, rel_tol=1e-5)), f"{what}: {a!r}, torch {b!r}"


def check_gradients(mine_in, theirs_in, mine_out, theirs_out, rng):
    """Backward of a random weighted sum of the float outputs; compare every float input's .grad."""
    __tracebackhide__ = True  # a failure's report is its message (keeps 10,000 cases fast)
    pairs = [(a, b) for a, b in zip(leaves(mine_out), leaves(theirs_out))
             if isinstance(b, torch.Tensor) and b.requires_grad]
    if not pairs:
        return
    t_loss, g_loss = 0, 0
    for a, b in pairs:
        assert isinstance(a, tg.Tensor) and a.requires_grad, "output does not require grad; torch's does"
        w = rng.standard_normal(tuple(b.shape))
        t_loss = t_loss + (b * torch.from_numpy(w.astype(dtype_name(b.dtype)))).sum()
        g_loss = g_loss + (a * tg.Tensor(w.astype(dtype_name(b.dtype)))).sum()
    _, t_exc = call(lambda m: t_loss.backward(), None, ())
    _, g_exc = call(lambda m: g_loss.backward(), None, ())
    if t_exc is not None:  # torch's own backward bugs (e.g. bool exponents of pow): nothing to compare
        return
    assert g_exc is None, f"backward raised {describe_exc(g_exc)}; torch's did not"
    for i, (a, b) in enumerate(zip(mine_in, theirs_in)):
        if not (isinstance(b, torch.Tensor) and b.requires_grad):
            continue
        tb = b.grad if b.grad is not None else torch.zeros_like(b)
        ta = a.grad if a.grad is not None else tg.zeros_like(a)
        assert_tensor_close(ta, tb, f"grad of input {i}", tol=GRAD_TOL)


def run_case(o, dtype, kind, args, dt2, grad=True, seed=None):
    __tracebackhide__ = True  # a failure's report is its message (keeps 10,000 cases fast)
    case_id = f"{o.name}-{dtype}-{kind}"
    rng = np.random.default_rng(zlib.crc32(case_id.encode()) if seed is None else seed)
    drawn = draw_inputs(args, dtype, dt2, rng)
    mine_fn, their_fn = o.fn if isinstance(o.fn, tuple) else (o.fn, o.fn)
    mine_in, theirs_in = make_inputs("tg", drawn, grad), make_inputs("torch", drawn, grad)
    tg.manual_seed(0)
    theirs, t_exc = call(their_fn, Namespace(torch, torchF, dtype, dt2), theirs_in)
    mine, g_exc = call(mine_fn, Namespace(tg, tgF, dtype, dt2), mine_in)
    if t_exc is not None:
        base = builtin_base(type(t_exc))
        assert g_exc is not None, f"torch raises {describe_exc(t_exc)}; tinygrad_lite returns {mine!r}"
        assert isinstance(g_exc, base), f"torch raises {describe_exc(t_exc)}; tinygrad_lite raises " \
                                        f"{describe_exc(g_exc)}, not a {base.__name__}"
        return
    if g_exc is not None:
        raise AssertionError(f"tinygrad_lite raises {describe_exc(g_exc)}; torch returns {theirs!r}") from None
    assert_same_result(mine, theirs, o.values)
    if grad and o.values:  # random results (dropout) have random gradients
        check_gradients(mine_in, theirs_in, mine, theirs, rng)


# --- the generated cases ---------------------------------------------------------------------

def _params():
    for o, dtype, kind, args, dt2 in cases():
        yield pytest.param(o, dtype, kind, args, dt2, id=f"{o.name}-{dtype}-{kind}")


@pytest.mark.parametrize("o, dtype, kind, args, dt2", list(_params()))
def test_parity(o, dtype, kind, args, dt2):
    """A case covered by a KNOWN entry is a strict xfail, written out rather than as a marker:
    pytest formats a full traceback for every failing case, xfail or not, which would take minutes
    over thousands of known cases; ``pytest.xfail`` reports one line."""
    if (o.name, dtype, kind) in MACHINE_DEPENDENT:
        pytest.skip(MACHINE_DEPENDENT[o.name, dtype, kind])
    k = known(o.name, dtype, kind)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):  # inf and nan inputs are meant
            warnings.simplefilter("ignore")
            run_case(o, dtype, kind, args, dt2)
    except AssertionError as e:
        if k is None:
            raise
        message = f"known difference: {k.why} ({str(e).splitlines()[0][:200]})"
        raise pytest.xfail.Exception(message, pytrace=False) from None  # pytest.xfail, no traceback
    if k is not None:
        pytest.fail(f"XPASS(strict): this case now agrees with PyTorch; remove or narrow its entry in "
                    f"parity_cases.KNOWN: K({k.ops!r}, {k.where!r}, {k.why!r})", pytrace=False)


def test_op_names_are_unique():
    names = [o.name for o in OPS]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


# --- random shapes (Hypothesis) for the ops and dtypes with no known difference -------------------

def _clean(o, dtype):
    return all(known(o.name, dtype, kind) is None for kind in o.shapes)


ONE_TENSOR = [(o, d) for o in OPS if o.shapes is UNARY or o.shapes is REDUCE for d in o.dtypes
              if o.values and _clean(o, d)]
TWO_TENSORS = [(o, d) for o in OPS if o.shapes.get("bcast") == BINARY["bcast"] for d in o.dtypes
               if _clean(o, d)]
layouts = st.sampled_from(["C", "T", "strided"])


@given(case=st.sampled_from(ONE_TENSOR), seed=st.integers(0, 2 ** 32 - 1), layout=layouts,
       shape=hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4))
def test_parity_random_shapes(case, seed, layout, shape):
    """Elementwise ops, reductions and shape ops on random shapes (with zero-size dims) and layouts."""
    o, dtype = case
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        run_case(o, dtype, "hypothesis", (A(shape, layout=layout),), None, seed=seed)


@given(case=st.sampled_from(TWO_TENSORS), seed=st.integers(0, 2 ** 32 - 1), layout=layouts,
       shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, min_side=0, max_side=3))
def test_parity_random_broadcasts(case, seed, layout, shapes):
    """Binary ops on random mutually broadcastable shapes."""
    o, dtype = case
    args = tuple(A(s, layout=layout) for s in shapes.input_shapes)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        run_case(o, dtype, "hypothesis", args, None, seed=seed)


def _names_used(fn):
    """Attribute names a case function uses (``F.x`` for nn.functional's)."""
    names = set(fn.__code__.co_names)
    return names | {"F." + n for n in names} if "F" in names else names


NOT_OPS = {"Tensor", "ShapeError", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled",
           "inference_mode", "is_inference_mode_enabled", "primitives",
           "manual_seed", "gradcheck", "gradgradcheck", "GradcheckError", "autograd", "ops", "save",
           "load", "nn", "optim", "data",  # the module's non-op names
           "grad", "requires_grad", "requires_grad_", "retain_grad", "is_leaf", "grad_fn", "backward",
           "ndim", "dtype",  # autograd (tests/test_autograd.py); dtype is compared in every case
           "is_anomaly_enabled", "is_anomaly_check_nan_enabled"}  # tests/test_autograd_function.py


def test_table_covers_the_public_api():
    """Every op in tinygrad_lite.__all__, nn.functional.__all__ and every public Tensor method is
    used by some case of the table: a new op without a case fails here."""
    used = set()
    for o in OPS:
        for fn in o.fn if isinstance(o.fn, tuple) else (o.fn,):
            used |= _names_used(fn)
    public = [n for n in tg.__all__] + ["F." + n for n in tgF.__all__]
    public += [n for n in dir(tg.Tensor) if not n.startswith("_")]
    missing = sorted({n for n in public if n not in NOT_OPS and n not in used})
    assert not missing, f"public ops with no parity case: {missing}"
