"""The case table of the PyTorch parity harness (``tests/test_parity.py``).

Each entry of ``OPS`` is one line: a name, how to call it (one function ``fn(m, *args)`` that runs
unchanged in both frameworks, or a pair ``(tinygrad_lite_fn, torch_fn)``), which dtypes it is tried
with and which argument layouts (a dict of shape kind -> arguments, e.g. ``UNARY``, ``BINARY``;
``binop`` adds every pair of dtypes as kinds ``x<dtype>``). ``m`` is the framework's namespace: ``m.exp``,
``m.F.relu``, ``m.float32``, ``m.dt`` (the case's dtype in that framework) and ``m.dt2`` (the second
dtype of a mixed-dtype case). Every op is run for every (dtype, shape kind) of its entry; the
harness compares values, dtypes, shapes, gradients and exception types with PyTorch.

``KNOWN`` lists the differences found and not yet fixed (issue 15), grouped by cause. The cases an
entry matches are strict xfails: they must fail, and a fix that makes one pass fails the run
("XPASS(strict)") until the entry is removed or narrowed. A new op is one line in ``OPS``; run the
harness and either fix what it finds or add a ``K`` line saying what differs.
"""
import fnmatch
from dataclasses import dataclass, field
from typing import Any, Optional

DTYPES = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64")
FLOATS = ("float16", "float32", "float64")
INTS = ("uint8", "int8", "int16", "int32", "int64")
NUMERIC = INTS + FLOATS


@dataclass(frozen=True)
class A:
    """One tensor argument. ``dtype`` None is the case's dtype, "dt2" the case's second dtype;
    ``values`` is a domain: "any" (floats 0.1 <= |x| <= 3, ints -9..9, 8-bit ints their whole
    range, bools), "extreme" (inf, nan, +-0, the type's min and max, ...), "pos" (0.1..3), "prob"
    (0.05..0.95), "index:N" (int64 in 0..N-1), "mask" (bool); ``layout`` "C", "T" (built transposed then .T) or "strided"
    (every other element of a wider array)."""
    shape: tuple
    dtype: Optional[str] = None
    values: str = "any"
    layout: str = "C"
    grad: bool = True


@dataclass(frozen=True)
class Py:
    """A Python number argument: kind "int", "float" or "bool"."""
    kind: str


# --- argument layouts, by shape kind -------------------------------------------------------------
UNARY = {"0d": (A(()),), "1d": (A((5,)),), "2d": (A((3, 4)),), "empty": (A((0, 3)),),
         "T": (A((3, 4), layout="T"),), "strided": (A((3, 4), layout="strided"),),
         "ext": (A((3, 4), values="extreme"),)}
REDUCE = {**UNARY, "3d": (A((2, 3, 4)),), "empty_last": (A((3, 0)),)}
BINARY = {"0d": (A(()), A(())), "same": (A((3, 4)), A((3, 4))), "bcast": (A((3, 1)), A((4,))),
          "t0d": (A((3, 4)), A(())), "empty": (A((0, 4)), A((4,))),
          "T": (A((3, 4), layout="T"), A((3, 4), layout="strided")),
          "py_int": (A((3, 4)), Py("int")), "py_float": (A((3, 4)), Py("float")),
          "py_bool": (A((3, 4)), Py("bool")), "mismatch": (A((3, 4)), A((2, 4))),
          "ext": (A((3, 4), values="extreme"), A((3, 4), values="extreme"))}
MIXED = (A((3, 4)), A((3, 4), dtype="dt2"))  # binary ops: one case per pair of dtypes (kind "x<dt2>")
TERNARY_WHERE = {"same": (A((3, 4), values="mask"), A((3, 4)), A((3, 4))),
                 "bcast": (A((3, 1), values="mask"), A((4,)), A(())),
                 "0d": (A((), values="mask"), A(()), A(())),
                 "empty": (A((0, 4), values="mask"), A((4,)), A((0, 4))),
                 "T": (A((3, 4), values="mask", layout="T"), A((3, 4), layout="T"), A((3, 4), layout="strided"))}
COND_ONE = {k: v[:2] for k, v in TERNARY_WHERE.items()}  # where(cond, x, scalar)
MATMUL = {"mm": (A((3, 4)), A((4, 5))), "mv": (A((3, 4)), A((4,))), "vm": (A((4,)), A((4, 5))),
          "vv": (A((4,)), A((4,))), "bmm": (A((2, 3, 4)), A((2, 4, 5))), "bcast": (A((2, 3, 4)), A((4, 5))),
          "empty": (A((0, 4)), A((4, 5))), "T": (A((3, 4), layout="T"), A((4, 5), layout="strided")),
          "0d": (A(()), A(())), "mismatch": (A((3, 4)), A((3, 4)))}
INDEXED = {"3d": (A((2, 3, 4)),), "T": (A((2, 3, 4), layout="T"),), "empty": (A((0, 3, 4)),),
           "0d": (A(()),)}
INDEX_T = {"3d": (A((2, 3, 4)), A((3,), values="index:2")), "T": (A((2, 3, 4), layout="T"), A((3,), values="index:2")),
           "0d": (A(()), A((3,), values="index:2")), "empty_idx": (A((2, 3, 4)), A((0,), values="index:2"))}
MASKED = {"3d": (A((2, 3, 4)), A((2, 3, 4), values="mask")), "row": (A((2, 3, 4)), A((2,), values="mask")),
          "T": (A((2, 3, 4), layout="T"), A((2, 3, 4), values="mask", layout="T")),
          "bad": (A((2, 3, 4)), A((3,), values="mask"))}
GATHER = {"2d": (A((3, 4)), A((3, 2), values="index:4")), "T": (A((3, 4), layout="T"), A((3, 2), values="index:4")),
          "empty": (A((3, 4)), A((3, 0), values="index:4")), "bad": (A((3, 4)), A((4, 2), values="index:4"))}
SETVAL = {"tensor": (A((2, 3, 4), grad=False), A((4,), grad=False)),
          "py_int": (A((2, 3, 4), grad=False), Py("int")), "py_float": (A((2, 3, 4), grad=False), Py("float"))}
INPLACE = {"same": (A((3, 4), grad=False), A((3, 4), grad=False)), "bcast": (A((3, 4), grad=False), A((4,), grad=False)),
           "py_int": (A((3, 4), grad=False), Py("int")), "py_float": (A((3, 4), grad=False), Py("float")),
           "grow": (A((4,), grad=False), A((3, 4), grad=False))}
INPLACE1 = {"2d": (A((3, 4), grad=False),), "0d": (A((), grad=False),), "empty": (A((0, 3), grad=False),)}
CAT = {"same": (A((2, 3)), A((2, 3))), "diff": (A((2, 3)), A((4, 3))), "empty": (A((0, 3)), A((2, 3))),
       "T": (A((2, 3), layout="T"), A((2, 3), layout="strided")), "0d": (A(()), A(())),
       "mismatch": (A((2, 3)), A((2, 4)))}
NONE = {"-": ()}
IMAGE = {"4d": (A((2, 3, 6, 6)),), "3d": (A((3, 6, 6)),), "T": (A((2, 3, 6, 6), layout="T"),),
         "small": (A((1, 1, 2, 2)),), "empty": (A((0, 3, 6, 6)),)}
CONV = {"bias": (A((2, 3, 6, 6)), A((4, 3, 3, 3)), A((4,))), "nobias": (A((2, 3, 6, 6)), A((4, 3, 3, 3))),
        "3d": (A((3, 6, 6)), A((4, 3, 3, 3)), A((4,))), "T": (A((2, 3, 6, 6), layout="T"), A((4, 3, 3, 3), layout="strided")),
        "big_kernel": (A((1, 3, 2, 2)), A((4, 3, 3, 3))), "channels": (A((2, 2, 6, 6)), A((4, 3, 3, 3)))}
LINEAR = {"2d": (A((2, 3)), A((4, 3)), A((4,))), "1d": (A((3,)), A((4, 3)), A((4,))),
          "3d": (A((2, 2, 3)), A((4, 3)), A((4,))), "nobias": (A((2, 3)), A((4, 3))),
          "empty": (A((0, 3)), A((4, 3)), A((4,))), "T": (A((2, 3), layout="T"), A((4, 3), layout="T"), A((4,))),
          "mismatch": (A((2, 5)), A((4, 3)))}
LOSS = {"1d": (A((5,)), A((5,))), "2d": (A((3, 4)), A((3, 4))), "0d": (A(()), A(())),
        "empty": (A((0, 4)), A((0, 4))), "T": (A((3, 4), layout="T"), A((3, 4), layout="strided")),
        "bcast": (A((3, 4)), A((4,)))}
PROB = {k: tuple(A(a.shape, a.dtype, "prob", a.layout) for a in v) for k, v in LOSS.items()}
CLASSES = {"2d": (A((4, 5)), A((4,), values="index:5")), "1d": (A((5,)), A((), values="index:5")),
           "4d": (A((2, 5, 2, 3)), A((2, 2, 3), values="index:5")), "T": (A((4, 5), layout="T"), A((4,), values="index:5")),
           "empty": (A((0, 5)), A((0,), values="index:5")), "out_of_range": (A((4, 5)), A((4,), values="index:9")),
           "float_target": (A((4, 5)), A((4, 5), values="prob"))}
NORMED = {"3d": (A((2, 3, 4)), A((4,)), A((4,))), "2d": (A((3, 4)), A((4,)), A((4,))),
          "T": (A((2, 3, 4), layout="T"), A((4,)), A((4,))), "mismatch": (A((2, 3, 5)), A((4,)), A((4,)))}
BATCHED = {"2d": (A((4, 3)), A((3,), grad=False), A((3,), values="pos", grad=False), A((3,)), A((3,))),
           "4d": (A((2, 3, 2, 2)), A((3,), grad=False), A((3,), values="pos", grad=False), A((3,)), A((3,))),
           "T": (A((4, 3), layout="T"), A((3,), grad=False), A((3,), values="pos", grad=False), A((3,)), A((3,)))}
EMBED = {"1d": (A((4,), values="index:5"), A((5, 3))), "2d": (A((2, 3), values="index:5"), A((5, 3))),
         "0d": (A((), values="index:5"), A((5, 3))), "out_of_range": (A((4,), values="index:9"), A((5, 3)))}
INDICES = {"1d": (A((4,), values="index:5"),), "2d": (A((2, 3), values="index:5"),), "0d": (A((), values="index:5"),),
           "empty": (A((0,), values="index:5"),)}


@dataclass(frozen=True)
class Op:
    name: str
    fn: Any                           # fn(m, *args), or (tinygrad_lite_fn, torch_fn)
    shapes: dict = field(default_factory=lambda: UNARY)
    dtypes: tuple = DTYPES            # (None,) for ops that take no dtype
    mixed: Optional[tuple] = None     # args for every pair of dtypes (kinds "x<dt2>", m.dt2 set)
    values: bool = True               # False: compare shapes and dtypes only (random results)


def op(name, fn, shapes=UNARY, dtypes=DTYPES, mixed=None, values=True):
    return Op(name, fn, shapes, tuple(dtypes), mixed, values)


def setitem(x, index, value):
    x[index] = value
    return x


def binop(name, fn):  # an operator or binary function: all shape kinds and all dtype pairs
    return op(name, fn, BINARY, mixed=MIXED)


def fbinop(name, fn):  # another spelling of a binary op, or a rarer one: fewer shape kinds
    return op(name, fn, {k: BINARY[k] for k in ("same", "bcast", "empty", "py_int", "py_float")})


def rbinop(name, fn):  # a reflected operator: mostly Python numbers on the left
    return op(name, fn, {k: BINARY[k] for k in ("same", "py_int", "py_float", "py_bool")})


OPS = [
    # --- elementwise, one tensor ---------------------------------------------------------------
    op("neg", lambda m, x: -x), op("neg_fn", lambda m, x: m.neg(x)), op("pos", lambda m, x: +x),
    op("abs", lambda m, x: m.abs(x)), op("abs_builtin", lambda m, x: abs(x)),
    op("exp", lambda m, x: m.exp(x)), op("log", lambda m, x: m.log(x)), op("sqrt", lambda m, x: m.sqrt(x)),
    op("sin", lambda m, x: m.sin(x)), op("cos", lambda m, x: m.cos(x)), op("erf", lambda m, x: m.erf(x)),
    op("sign", lambda m, x: m.sign(x)), op("relu", lambda m, x: m.relu(x)), op("sigmoid", lambda m, x: m.sigmoid(x)),
    op("tanh", lambda m, x: m.tanh(x)), op("invert", lambda m, x: ~x),
    op("leaky_relu", (lambda m, x: x.leaky_relu(0.2), lambda m, x: m.F.leaky_relu(x, 0.2))),
    op("gelu", (lambda m, x: x.gelu(), lambda m, x: m.F.gelu(x))),
    op("gelu_tanh", (lambda m, x: x.gelu(approximate="tanh"), lambda m, x: m.F.gelu(x, approximate="tanh"))),
    op("silu", (lambda m, x: x.silu(), lambda m, x: m.F.silu(x))),
    op("clamp", lambda m, x: m.clamp(x, -1, 1)), op("clamp_float", lambda m, x: x.clamp(-1.5, 0.5)),
    op("clamp_min", lambda m, x: x.clamp(min=0)), op("clamp_max", lambda m, x: x.clamp(max=0.5)),
    op("clamp_none", lambda m, x: x.clamp()), op("clip", lambda m, x: m.clip(x, -1, 1)),
    op("pow_2", lambda m, x: x ** 2), op("pow_half", lambda m, x: x ** 0.5), op("pow_neg1", lambda m, x: x ** -1),
    op("pow_0", lambda m, x: x ** 0), op("rpow_float", lambda m, x: 2.5 ** x), op("rpow_int", lambda m, x: 2 ** x),
    op("clone", lambda m, x: x.clone()), op("detach", lambda m, x: x.detach()),
    op("contiguous", lambda m, x: x.contiguous()),
    # --- conversions -----------------------------------------------------------------------------
    op("to", lambda m, x: x.to(m.dt2), {}, mixed=(A((3, 4), layout="T"),)),
    op("float", lambda m, x: x.float()), op("double", lambda m, x: x.double()), op("long", lambda m, x: x.long()),
    op("int", lambda m, x: x.int()), op("bool", lambda m, x: x.bool()), op("half", lambda m, x: x.half()),
    op("item", lambda m, x: x.item(), {"0d": (A(()),), "1elem": (A((1, 1)),), "2d": (A((3, 4)),)}),
    op("tolist", lambda m, x: x.tolist()), op("numel", lambda m, x: x.numel()), op("dim", lambda m, x: x.dim()),
    op("size", lambda m, x: tuple(x.size())), op("size_dim", lambda m, x: x.size(-1)),
    op("shape", lambda m, x: tuple(x.shape)), op("len", lambda m, x: len(x)),
    op("py_bool", lambda m, x: bool(x), {"0d": (A(()),), "2d": (A((3, 4)),)}),
    op("py_float", lambda m, x: float(x), {"0d": (A(()),), "2d": (A((3, 4)),)}),
    op("py_int", lambda m, x: int(x), {"0d": (A(()),), "2d": (A((3, 4)),)}),
    # --- operators and binary functions ------------------------------------------------------------
    binop("add", lambda m, x, y: x + y), rbinop("radd", lambda m, x, y: y + x), fbinop("add_fn", lambda m, x, y: m.add(x, y)),
    binop("sub", lambda m, x, y: x - y), rbinop("rsub", lambda m, x, y: y - x), fbinop("sub_fn", lambda m, x, y: m.sub(x, y)),
    binop("mul", lambda m, x, y: x * y), rbinop("rmul", lambda m, x, y: y * x), fbinop("mul_fn", lambda m, x, y: m.mul(x, y)),
    binop("div", lambda m, x, y: x / y), rbinop("rdiv", lambda m, x, y: y / x), fbinop("div_fn", lambda m, x, y: m.div(x, y)),
    binop("pow", lambda m, x, y: x ** y), rbinop("rpow", lambda m, x, y: y ** x), fbinop("pow_fn", lambda m, x, y: m.pow(x, y)),
    fbinop("floordiv", lambda m, x, y: x // y), fbinop("mod", lambda m, x, y: x % y),
    binop("and", lambda m, x, y: x & y), rbinop("rev_and", lambda m, x, y: y & x), binop("or", lambda m, x, y: x | y),
    rbinop("rev_or", lambda m, x, y: y | x), binop("xor", lambda m, x, y: x ^ y), rbinop("rev_xor", lambda m, x, y: y ^ x),
    fbinop("lshift", lambda m, x, y: x << y), fbinop("rshift", lambda m, x, y: x >> y),
    fbinop("bitwise_and", lambda m, x, y: m.bitwise_and(x, y)), fbinop("bitwise_or", lambda m, x, y: m.bitwise_or(x, y)),
    fbinop("bitwise_xor", lambda m, x, y: m.bitwise_xor(x, y)),
    fbinop("bitwise_left_shift", lambda m, x, y: m.bitwise_left_shift(x, y)),
    fbinop("bitwise_right_shift", lambda m, x, y: m.bitwise_right_shift(x, y)),
    op("bitwise_not", lambda m, x: m.bitwise_not(x)), op("logical_not", lambda m, x: m.logical_not(x)),
    fbinop("logical_and", lambda m, x, y: m.logical_and(x, y)), fbinop("logical_or", lambda m, x, y: m.logical_or(x, y)),
    fbinop("logical_xor", lambda m, x, y: m.logical_xor(x, y)),
    binop("eq", lambda m, x, y: x == y), fbinop("ne", lambda m, x, y: x != y), binop("lt", lambda m, x, y: x < y),
    fbinop("le", lambda m, x, y: x <= y), fbinop("gt", lambda m, x, y: x > y), fbinop("ge", lambda m, x, y: x >= y),
    fbinop("eq_method", lambda m, x, y: x.eq(y)), fbinop("ne_method", lambda m, x, y: x.ne(y)),
    fbinop("lt_method", lambda m, x, y: x.lt(y)), fbinop("le_method", lambda m, x, y: x.le(y)),
    fbinop("gt_method", lambda m, x, y: x.gt(y)), fbinop("ge_method", lambda m, x, y: x.ge(y)),
    binop("maximum", lambda m, x, y: m.maximum(x, y)), fbinop("minimum", lambda m, x, y: m.minimum(x, y)),
    fbinop("max_binary", lambda m, x, y: x.max(y)), fbinop("min_binary", lambda m, x, y: x.min(y)),
    fbinop("clamp_tensor_min", lambda m, x, y: x.clamp(min=y)),
    fbinop("add_alpha", lambda m, x, y: x.add(y, alpha=2)), fbinop("sub_alpha", lambda m, x, y: x.sub(y, alpha=2)),
    op("matmul", lambda m, x, y: x @ y, MATMUL), op("matmul_fn", lambda m, x, y: m.matmul(x, y), MATMUL),
    op("where", lambda m, c, x, y: m.where(c, x, y), TERNARY_WHERE),
    op("where_scalar", lambda m, c, x: m.where(c, x, 0.5), COND_ONE),
    op("where_method", lambda m, c, x, y: x.where(c, y), TERNARY_WHERE),
    # --- reductions ----------------------------------------------------------------------------
    op("sum", lambda m, x: x.sum(), REDUCE), op("sum_dim", lambda m, x: m.sum(x, -1), REDUCE),
    op("sum_keepdim", lambda m, x: x.sum(0, keepdim=True), REDUCE), op("sum_dims", lambda m, x: x.sum((0, -1)), REDUCE),
    op("sum_dtype", lambda m, x: x.sum(dtype=m.float64), REDUCE),
    op("mean", lambda m, x: x.mean(), REDUCE), op("mean_dim", lambda m, x: m.mean(x, -1), REDUCE),
    op("mean_keepdim", lambda m, x: x.mean(0, keepdim=True), REDUCE),
    op("var", lambda m, x: x.var(), REDUCE), op("var_dim", lambda m, x: m.var(x, -1), REDUCE),
    op("var_biased", lambda m, x: x.var(0, correction=0), REDUCE),
    op("std", lambda m, x: x.std(), REDUCE), op("std_dim", lambda m, x: m.std(x, -1, keepdim=True), REDUCE),
    op("amax", lambda m, x: x.amax(), REDUCE), op("amax_dim", lambda m, x: m.amax(x, -1), REDUCE),
    op("amin", lambda m, x: x.amin(), REDUCE), op("amin_dim", lambda m, x: m.amin(x, (0, -1), keepdim=True), REDUCE),
    op("max", lambda m, x: x.max(), REDUCE), op("max_dim", lambda m, x: tuple(m.max(x, -1)), REDUCE),
    op("max_keepdim", lambda m, x: tuple(x.max(0, keepdim=True)), REDUCE),
    op("min", lambda m, x: x.min(), REDUCE), op("min_dim", lambda m, x: tuple(m.min(x, -1)), REDUCE),
    op("argmax", lambda m, x: x.argmax(), REDUCE), op("argmax_dim", lambda m, x: m.argmax(x, -1), REDUCE),
    op("argmin", lambda m, x: m.argmin(x), REDUCE), op("argmin_keepdim", lambda m, x: x.argmin(0, keepdim=True), REDUCE),
    op("logsumexp", lambda m, x: m.logsumexp(x, -1), REDUCE), op("logsumexp_dims", lambda m, x: x.logsumexp((0, -1)), REDUCE),
    op("softmax", lambda m, x: m.softmax(x, -1), REDUCE), op("softmax_0", lambda m, x: x.softmax(0), REDUCE),
    op("log_softmax", lambda m, x: m.log_softmax(x, -1), REDUCE), op("log_softmax_0", lambda m, x: x.log_softmax(0), REDUCE),
    # --- shape ---------------------------------------------------------------------------------
    op("reshape", lambda m, x: m.reshape(x, (-1,)), REDUCE), op("reshape_2", lambda m, x: x.reshape(2, -1), REDUCE),
    op("view", lambda m, x: x.view(-1), REDUCE), op("flatten", lambda m, x: m.flatten(x), REDUCE),
    op("flatten_1", lambda m, x: x.flatten(1), REDUCE),
    op("transpose", lambda m, x: m.transpose(x, 0, -1), REDUCE), op("swapaxes", lambda m, x: x.swapaxes(0, -1), REDUCE),
    op("permute_rev", lambda m, x: x.permute(*reversed(range(x.ndim))), REDUCE),
    op("permute_10", lambda m, x: m.permute(x, (1, 0)), REDUCE), op("permute_dup", lambda m, x: x.permute(0, 0), REDUCE),
    op("T", lambda m, x: x.T, REDUCE),
    op("squeeze", lambda m, x: m.squeeze(x), REDUCE), op("squeeze_0", lambda m, x: x.squeeze(0), REDUCE),
    op("unsqueeze", lambda m, x: m.unsqueeze(x, 0), REDUCE), op("unsqueeze_last", lambda m, x: x.unsqueeze(-1), REDUCE),
    op("expand", lambda m, x: x.expand(2, *x.shape), REDUCE), op("expand_m1", lambda m, x: x.unsqueeze(0).expand(3, *[-1] * x.ndim), REDUCE),
    op("expand_as", lambda m, x, y: x.expand_as(y), {"bcast": (A((3, 1)), A((2, 3, 4))), "bad": (A((3, 2)), A((3, 4)))}),
    op("cat", lambda m, x, y: m.cat([x, y]), CAT), op("cat_last", lambda m, x, y: m.cat((x, y), dim=-1), CAT),
    op("concatenate", lambda m, x, y: m.concatenate([x, y]), CAT),
    op("stack", lambda m, x, y: m.stack([x, y]), CAT), op("stack_last", lambda m, x, y: m.stack([x, y], -1), CAT),
    op("gather", lambda m, x, i: m.gather(x, 1, i), GATHER), op("gather_0", lambda m, x, i: x.gather(0, i), GATHER),
    op("pad", (lambda m, x: m.pad(x, (1, 2)), lambda m, x: m.F.pad(x, (1, 2))), REDUCE),
    op("pad_method", (lambda m, x: x.pad((0, 1, 2, 0), value=1.5), lambda m, x: m.F.pad(x, (0, 1, 2, 0), value=1.5)), REDUCE),
    # --- indexing ------------------------------------------------------------------------------
    op("getitem_int", lambda m, x: x[1], INDEXED), op("getitem_neg", lambda m, x: x[-1], INDEXED),
    op("getitem_out_of_range", lambda m, x: x[5], INDEXED),
    op("getitem_slice", lambda m, x: x[1:], INDEXED), op("getitem_step", lambda m, x: x[..., ::2], INDEXED),
    op("getitem_tuple", lambda m, x: x[0, 1:, -1], INDEXED), op("getitem_none", lambda m, x: x[None, ..., 1], INDEXED),
    op("getitem_ellipsis", lambda m, x: x[...], INDEXED), op("getitem_list", lambda m, x: x[[0, 1]], INDEXED),
    op("getitem_tensor", lambda m, x, i: x[i], INDEX_T), op("getitem_mixed", lambda m, x, i: x[0, :, i], INDEX_T),
    op("getitem_mixed_split", lambda m, x, i: x[i, :, i], INDEX_T), op("getitem_mixed_slice", lambda m, x, i: x[:, i, 1:], INDEX_T),
    op("getitem_mask", lambda m, x, b: x[b], MASKED),
    op("setitem_int", lambda m, x, v: setitem(x, 0, v), SETVAL), op("setitem_slice", lambda m, x, v: setitem(x, (slice(None), 1), v), SETVAL),
    op("setitem_mask", lambda m, x, v: setitem(x, x > 0, v), {k: v for k, v in SETVAL.items() if k != "tensor"}),
    op("setitem_tensor_index", lambda m, x, i, v: setitem(x, (0, i), v),
       {"py_int": (A((2, 3, 4), grad=False), A((2,), values="index:3"), Py("int"))}),
    # --- in place --------------------------------------------------------------------------------
    op("add_", lambda m, x, y: x.add_(y), INPLACE), op("sub_", lambda m, x, y: x.sub_(y), INPLACE),
    op("mul_", lambda m, x, y: x.mul_(y), INPLACE), op("div_", lambda m, x, y: x.div_(y), INPLACE),
    op("iadd", lambda m, x, y: x.__iadd__(y), INPLACE), op("copy_", lambda m, x, y: x.copy_(y), INPLACE),
    op("add_alpha_", lambda m, x, y: x.add_(y, alpha=2), INPLACE),
    op("clamp_", lambda m, x: x.clamp_(-1, 1), INPLACE1), op("zero_", lambda m, x: x.zero_(), INPLACE1),
    op("fill_", lambda m, x: x.fill_(2.5), INPLACE1),
    op("uniform_", lambda m, x: x.uniform_(), INPLACE1, values=False), op("normal_", lambda m, x: x.normal_(), INPLACE1, values=False),
    # --- creation --------------------------------------------------------------------------------
    op("tensor_floats", lambda m: m.tensor([1.5, -2.0]), NONE, (None,)), op("tensor_ints", lambda m: m.tensor([[1, 2], [3, 4]]), NONE, (None,)),
    op("tensor_bools", lambda m: m.tensor([True, False]), NONE, (None,)), op("tensor_scalar", lambda m: m.tensor(3), NONE, (None,)),
    op("tensor_empty", lambda m: m.tensor([]), NONE, (None,)), op("tensor_mixed", lambda m: m.tensor([1, 2.5, True]), NONE, (None,)),
    op("tensor_dtype", lambda m: m.tensor([1.7, -2.7, 0.0], dtype=m.dt), NONE),
    op("tensor_of_tensor", lambda m, x: m.tensor(x), UNARY),
    op("from_numpy", (lambda m, x: m.from_numpy(x.numpy()), lambda m, x: m.from_numpy(x.detach().numpy())), UNARY),
    op("zeros", lambda m: m.zeros(2, 3, dtype=m.dt), NONE), op("ones", lambda m: m.ones((2, 3), dtype=m.dt), NONE),
    op("zeros_default", lambda m: m.zeros(2, 0), NONE, (None,)), op("ones_0d", lambda m: m.ones(()), NONE, (None,)),
    op("full", lambda m: m.full((2, 3), 7, dtype=m.dt), NONE),
    op("full_int", lambda m: m.full((2,), 7), NONE, (None,)), op("full_float", lambda m: m.full((2,), 7.5), NONE, (None,)),
    op("full_bool", lambda m: m.full((2,), True), NONE, (None,)),
    op("empty", lambda m: m.empty(2, 3, dtype=m.dt), NONE, values=False),
    op("randn", lambda m: m.randn(2, 3, dtype=m.dt), NONE, FLOATS, values=False),
    op("rand", lambda m: m.rand(2, 3, dtype=m.dt), NONE, FLOATS, values=False),
    op("randn_default", lambda m: m.randn(2, 3), NONE, (None,), values=False),
    op("randint", lambda m: m.randint(0, 5, (2, 3)), NONE, (None,), values=False),
    op("randint_dtype", lambda m: m.randint(0, 5, (2, 3), dtype=m.dt), NONE, NUMERIC, values=False),
    op("arange", lambda m: m.arange(5), NONE, (None,)), op("arange_step", lambda m: m.arange(1, 8, 3), NONE, (None,)),
    op("arange_float", lambda m: m.arange(0, 1, 0.25), NONE, (None,)), op("arange_neg", lambda m: m.arange(5, -5, -3), NONE, (None,)),
    op("arange_dtype", lambda m: m.arange(0, 10, 3, dtype=m.dt), NONE, NUMERIC),
    op("arange_empty", lambda m: m.arange(3, 1), NONE, (None,)), op("arange_zero_step", lambda m: m.arange(0, 3, 0), NONE, (None,)),
    op("linspace", lambda m: m.linspace(0, 1, 5), NONE, (None,)), op("linspace_dtype", lambda m: m.linspace(5, -5, 20, dtype=m.dt), NONE, NUMERIC),
    op("linspace_1", lambda m: m.linspace(2, 3, 1), NONE, (None,)),
    op("eye", lambda m: m.eye(3, dtype=m.dt), NONE), op("eye_rect", lambda m: m.eye(2, 4), NONE, (None,)),
    op("zeros_like", lambda m, x: m.zeros_like(x), UNARY), op("ones_like", lambda m, x: m.ones_like(x), UNARY),
    op("full_like", lambda m, x: m.full_like(x, 3), UNARY), op("empty_like", lambda m, x: m.empty_like(x), UNARY, values=False),
    op("randn_like", lambda m, x: m.randn_like(x), UNARY, FLOATS, values=False),
    op("rand_like", lambda m, x: m.rand_like(x), UNARY, FLOATS, values=False),
    op("zeros_like_dtype", lambda m, x: m.zeros_like(x, dtype=m.float64), UNARY),
    # --- nn.functional -------------------------------------------------------------------------
    op("F.relu", lambda m, x: m.F.relu(x)), op("F.leaky_relu", lambda m, x: m.F.leaky_relu(x, 0.1)),
    op("F.sigmoid", lambda m, x: m.F.sigmoid(x)), op("F.tanh", lambda m, x: m.F.tanh(x)),
    op("F.softmax", lambda m, x: m.F.softmax(x, dim=-1), REDUCE), op("F.log_softmax", lambda m, x: m.F.log_softmax(x, 0), REDUCE),
    op("F.gelu", lambda m, x: m.F.gelu(x)), op("F.gelu_tanh", lambda m, x: m.F.gelu(x, approximate="tanh")),
    op("F.silu", lambda m, x: m.F.silu(x)),
    op("F.linear", lambda m, x, w, b=None: m.F.linear(x, w, b), LINEAR),
    op("F.pad", lambda m, x: m.F.pad(x, (1, 1, 0, 2)), REDUCE), op("F.pad_value", lambda m, x: m.F.pad(x, (2, 0), value=-1), REDUCE),
    op("F.pad_reflect", lambda m, x: m.F.pad(x, (1, 1), mode="reflect"), {"3d": (A((2, 3, 4)),)}),
    op("F.pad_typo", lambda m, x: m.F.pad(x, (1, 1), mode="typo"), {"3d": (A((2, 3, 4)),)}),
    op("F.one_hot", lambda m, i: m.F.one_hot(i, 6), INDICES), op("F.one_hot_infer", lambda m, i: m.F.one_hot(i), INDICES),
    op("F.one_hot_dtype", lambda m, x: m.F.one_hot(x, 3), {"1d": (A((4,)),)}),
    op("F.dropout_eval", lambda m, x: m.F.dropout(x, 0.5, training=False)), op("F.dropout_p0", lambda m, x: m.F.dropout(x, 0.0)),
    op("F.dropout_p1", lambda m, x: m.F.dropout(x, 1.0)), op("F.dropout", lambda m, x: m.F.dropout(x, 0.5), values=False),
    op("F.dropout_bad_p", lambda m, x: m.F.dropout(x, 1.5)),
    op("F.dropout2d_eval", lambda m, x: m.F.dropout2d(x, 0.3, training=False), IMAGE),
    op("F.dropout2d", lambda m, x: m.F.dropout2d(x, 0.3), IMAGE, values=False),
    op("F.layer_norm", lambda m, x, w, b: m.F.layer_norm(x, (x.shape[-1],), w, b), NORMED),
    op("F.layer_norm_plain", lambda m, x, w, b: m.F.layer_norm(x, (x.shape[-1],)), NORMED),
    op("F.batch_norm_eval", lambda m, x, rm, rv, w, b: m.F.batch_norm(x, rm, rv, w, b, training=False), BATCHED),
    op("F.batch_norm_train", lambda m, x, rm, rv, w, b: m.F.batch_norm(x, rm, rv, w, b, training=True), BATCHED),
    op("F.embedding", lambda m, i, w: m.F.embedding(i, w), EMBED),
    op("F.embedding_pad", lambda m, i, w: m.F.embedding(i, w, padding_idx=1), EMBED),
    op("F.conv2d", lambda m, x, w, b=None: m.F.conv2d(x, w, b), CONV),
    op("F.conv2d_stride_pad", lambda m, x, w, b=None: m.F.conv2d(x, w, b, stride=2, padding=1), CONV),
    op("F.conv2d_same", lambda m, x, w, b=None: m.F.conv2d(x, w, b, padding="same", dilation=(1, 2)), CONV),
    op("F.max_pool2d", lambda m, x: m.F.max_pool2d(x, 2), IMAGE),
    op("F.max_pool2d_pad", lambda m, x: m.F.max_pool2d(x, 3, stride=2, padding=1), IMAGE),
    op("F.avg_pool2d", lambda m, x: m.F.avg_pool2d(x, 2), IMAGE),
    op("F.avg_pool2d_pad", lambda m, x: m.F.avg_pool2d(x, 3, 2, 1, count_include_pad=False), IMAGE),
    op("F.adaptive_avg_pool2d", lambda m, x: m.F.adaptive_avg_pool2d(x, (2, 4)), IMAGE),
    op("F.adaptive_avg_pool2d_none", lambda m, x: m.F.adaptive_avg_pool2d(x, (None, 1)), IMAGE),
    op("F.mse_loss", lambda m, x, y: m.F.mse_loss(x, y), LOSS), op("F.mse_loss_none", lambda m, x, y: m.F.mse_loss(x, y, reduction="none"), LOSS),
    op("F.l1_loss", lambda m, x, y: m.F.l1_loss(x, y), LOSS), op("F.l1_loss_sum", lambda m, x, y: m.F.l1_loss(x, y, reduction="sum"), LOSS),
    op("F.cross_entropy", lambda m, x, t: m.F.cross_entropy(x, t), CLASSES),
    op("F.cross_entropy_none", lambda m, x, t: m.F.cross_entropy(x, t, reduction="none"), CLASSES),
    op("F.cross_entropy_smooth", lambda m, x, t: m.F.cross_entropy(x, t, label_smoothing=0.2, reduction="sum"), CLASSES),
    op("F.nll_loss", lambda m, x, t: m.F.nll_loss(x, t), CLASSES),
    op("F.nll_loss_none", lambda m, x, t: m.F.nll_loss(x, t, reduction="none"), CLASSES),
    op("F.binary_cross_entropy", lambda m, x, y: m.F.binary_cross_entropy(x, y), PROB),
    op("F.binary_cross_entropy_weight", lambda m, x, y: m.F.binary_cross_entropy(x, y, weight=y.detach(), reduction="sum"), PROB),
    op("F.binary_cross_entropy_with_logits", lambda m, x, y: m.F.binary_cross_entropy_with_logits(x, y), LOSS),
    op("F.bce_with_logits_pos_weight", lambda m, x, y: m.F.binary_cross_entropy_with_logits(x, y, pos_weight=y.detach().abs(), reduction="none"), LOSS),
]


# --- known differences (issue 15): what to fix in tinygrad_lite ----------------------------------
ALIASES = {"*": DTYPES + ("None",), "ints": INTS, "floats": FLOATS, "numeric": NUMERIC}


@dataclass(frozen=True)
class K:
    """Known difference: ``ops`` (space-separated names) fail on the cases ``where`` describes:
    ``dtypes:kinds`` parts joined by ``;``. dtypes is a comma list of names or aliases (``*``,
    ``ints``, ``floats``, ``numeric``); kinds is ``*``, a comma list of shape kinds (fnmatch
    patterns: ``x*`` is every mixed-dtype case), or ``-a,b`` for every kind but a and b."""
    ops: str
    where: str
    why: str

    def covers(self, name, dtype, kind):
        if name not in self.ops.split():
            return False
        for part in self.where.split(";"):
            dtypes, kinds = part.strip().split(":")
            names = {n for d in dtypes.split(",") for n in ALIASES.get(d, (d,))}
            if str(dtype) not in names:
                continue
            if kinds == "*":
                return True
            negate = kinds.startswith("-")
            hit = any(fnmatch.fnmatchcase(kind, p) for p in kinds.lstrip("-").split(","))
            if hit != negate:
                return True
        return False


KNOWN = [
    K('bitwise_and bitwise_or bitwise_left_shift', 'uint8:py_int', 'uint8 with a negative Python int raises OverflowError (torch wraps)'),
    K('bitwise_left_shift bitwise_right_shift', 'bool:py_int', 'bool shifted by an int: torch promotes to int64, ours refuses bools'),
    # --- A. Silent wrong answers: tinygrad_lite returns different values, dtypes or shapes
    K('or', 'uint8:py_int', '& | on ints are logical: bool result and wrong values (torch: bitwise, int64)'),
    K('clamp_float clamp_max', 'ints,bool:*', 'clamp of an int tensor by a float bound gives float64 (torch: float32)'),
    K('clamp_tensor_min', 'ints,bool:py_float', 'clamp of an int tensor by a float bound gives float64 (torch: float32)'),
    K('pow', 'bool:py_bool', 'int8 instead of bool'),
    K('pow_2', 'bool:*', 'int8 instead of int64'),
    K('softmax log_softmax F.softmax', 'ints,bool:empty', 'softmax of an empty int/bool tensor answers float32 (torch raises for int/bool)'),
    K('softmax_0 log_softmax_0 F.log_softmax', 'ints,bool:empty_last', 'softmax of an empty int/bool tensor answers float32 (torch raises for int/bool)'),
    K('F.bce_with_logits_pos_weight', 'float16:2d', 'float16 loss computed step by step in float16 (torch computes in float32): 0.0312 vs 0.0283'),
    K('clamp clip', 'uint8:ext', "uint8 clamp(-1, 1) leaves 0 at 0 (torch gives 1: its -1 bound wraps to 255)"),
    K('gelu F.gelu', 'float32:ext', 'gelu(inf) and gelu(float32 max) give nan (torch: inf, max)'),
    K('lt le gt lt_method ge_method', 'uint8:py_int', 'uint8 tensor compared with a negative Python int: the int wraps, e.g. x < -2 is False for all x'),
    K('pow_half', 'float16:ext', 'float16 x ** 0.5 at inf/-inf/max differs from torch'),
    # --- B. Gradients that differ (or are missing)
    K('abs maximum var_dim var_biased max min F.relu', 'floats:ext', 'gradient at 0, inf or nan differs (abs at nan, ties with inf in max/maximum, var of inf, relu at nan)'),
    K('gelu_tanh logsumexp logsumexp_dims', 'float16:ext', "float16 gradient at inf/max is nan where torch's is finite (float16 intermediates)"),
    K('pow', 'uint8,int8:xfloat16; float16:xfloat32,xfloat64; float32:xfloat64', 'pow gradient at 0/negative/inf bases (nan where torch gives 0/inf), and mixed float dtypes differentiated in the lower precision'),
    K('relu silu pow_half F.silu', 'float32,float64:ext', 'gradient at tiny, inf or nan differs (relu at tiny > 0 gives 0, silu(inf) nan, sqrt at -inf sign)'),
    # --- C. Missing operators, methods and arguments (tinygrad_lite raises TypeError/AttributeError/ValueError, PyTorch answers)
    K('F.cross_entropy F.cross_entropy_none F.cross_entropy_smooth', 'floats:float_target', 'ours: cross_entropy: target class indices must be integers (int64)'),
    K('abs_builtin', 'float16,float64:ext', "ours: bad operand type for abs(): 'Tensor'"),
    K('add_alpha', 'bool:bcast,empty,same', "ours: Tensor.__add__() got an unexpected keyword argument 'alpha'"),
    K('floordiv', 'floats,uint8,int8,int16,int32:*; bool:py_float,py_int; int64:-same', "ours: unsupported operand type(s) for //: 'Tensor' and 'Tensor'"),
    K('lshift', 'bool:py_int', "ours: unsupported operand type(s) for <<: 'Tensor' and 'Tensor'"),
    K('mod', 'floats,int8,int32,int64:*; bool:py_float,py_int; uint8:-bcast; int16:-bcast,same', "ours: unsupported operand type(s) for %: 'Tensor' and 'Tensor'"),
    K('rshift', 'bool:py_int', "ours: unsupported operand type(s) for >>: 'Tensor' and 'Tensor'"),
    K('sub_alpha', 'uint8:py_int', "ours: Tensor.__sub__() got an unexpected keyword argument 'alpha'"),
    K('F.l1_loss', 'floats:bcast', 'ours: l1_loss: target shape (4,) does not match input shape (3, 4)'),
    K('F.l1_loss_sum', 'numeric:bcast', 'ours: l1_loss: target shape (4,) does not match input shape (3, 4)'),
    K('F.mse_loss F.mse_loss_none', 'floats:bcast', 'ours: mse_loss: target shape (4,) does not match input shape (3, 4'),
    K('F.pad_reflect', 'numeric:*', "ours: pad: only mode='constant' is supported, got 'reflect'"),
    # --- D. Refused inputs PyTorch accepts (0-d tensors with a dim, integer inputs to conv/pool, empty reductions, ...)
    # tinygrad_lite raises AxisError; torch returns a result
    # tinygrad_lite raises IndexError; torch returns a result
    K('transpose swapaxes', '*:0d', 'ours: list assignment index out of range'),
    # tinygrad_lite raises OverflowError; torch returns a result
    K('add sub mul_fn rpow setitem_mask add_ sub_ mul_', 'uint8:py_int', 'ours: Python integer -2 out of bounds for uint8'),
    K('add_alpha_', 'uint8:py_int', 'ours: Python integer -4 out of bounds for uint8'),
    K('add_fn sub_fn mul iadd', 'uint8:py_int', 'ours: Python integer -3 out of bounds for uint8'),
    K('rsub', 'uint8:py_int', 'ours: Python integer -1 out of bounds for uint8'),
    # tinygrad_lite raises ShapeError; torch returns a result
    K('flatten_1', '*:empty', 'ours: reshape: cannot apply to shape (0, 3): cannot reshape array '),
    K('log_softmax', 'bool,uint8,int8,int16,int32,int64,float16,float32,float64:empty_last', 'ours: logsoftmax: cannot apply to shape (3, 0): zero-size array to'),
    K('log_softmax_0', 'bool,uint8,int8,int16,int32,int64,float16,float32,float64:empty', 'ours: logsoftmax: cannot apply to shape (0, 3): zero-size array to'),
    K('F.log_softmax', 'bool,uint8,int8,int16,int32,int64,float16,float32,float64:empty', 'ours: logsoftmax: cannot apply to shape (0, 3): zero-size array to'),
    K('pow', 'bool,uint8:xint16,xint32,xint64,xint8; int8:0d,T,bcast,ext,same,t0d,xint16,xint32,xint64; int16:0d,T,bcast,ext,same,xint32,xint64,xint8; int32:T,bcast,ext,same,xint16,xint64,xint8; int64:0d,T,bcast,ext,same,t0d,xint16,xint32,xint8', 'ours: pow: cannot apply to shape (3, 4) and shape (3, 4): Integers'),
    K('pow_fn', 'int8,int16,int32,int64:bcast,same', 'ours: pow: cannot apply to shape (3, 4) and shape (3, 4): Integers'),
    K('rpow', 'int8,int16,int32,int64:-py_float', 'ours: pow: cannot apply to shape () and shape (3, 4): Integers to '),
    K('rpow_int', 'int8,int32:-0d,empty; int16,int64:-empty', 'ours: pow: cannot apply to shape () and shape (3, 4): Integers to '),
    K('softmax', 'bool,uint8,int8,int16,int32,int64,float16,float32,float64:empty_last', 'ours: softmax: cannot apply to shape (3, 0): zero-size array to re'),
    K('F.softmax', 'bool,uint8,int8,int16,int32,int64,float16,float32,float64:empty_last', 'ours: softmax: cannot apply to shape (3, 0): zero-size array to re'),
    K('softmax_0', 'bool,uint8,int8,int16,int32,int64,float16,float32,float64:empty', 'ours: softmax: cannot apply to shape (0, 3): zero-size array to re'),
    # tinygrad_lite raises TypeError; torch returns a result
    K('F.adaptive_avg_pool2d F.adaptive_avg_pool2d_none', 'ints,bool:empty', 'ours: adaptive_avg_pool2d: expected a floating-point input, got in'),
    K('F.avg_pool2d F.avg_pool2d_pad', 'int64:*', 'ours: avg_pool2d: expected a floating-point input, got int64'),
    K('F.conv2d', 'ints:-big_kernel,channels', 'ours: conv2d: expected a floating-point input, got uint8'),
    K('F.conv2d_same', 'int64:-channels', 'ours: conv2d: expected a floating-point input, got int64'),
    K('F.conv2d_stride_pad', 'ints:-channels', 'ours: conv2d: expected a floating-point input, got uint8'),
    K('F.max_pool2d F.max_pool2d_pad', 'ints:*', 'ours: max_pool2d: expected a floating-point input, got uint8'),
    K('clamp_tensor_min', '*:-py_float,py_int', "ours: clamp: cannot apply to dtypes bool: operand 'Tensor' does no"),
    # tinygrad_lite raises UFuncTypeError; torch returns a result
    K('add_alpha_', 'bool:bcast,same', "ours: Cannot cast ufunc 'add' output from dtype('int64') to dtype("),
    K('sign', 'bool:*', "ours: ufunc 'sign' did not contain a loop with signature matching "),
    # tinygrad_lite raises ValueError; torch returns a result
    K('logsumexp', '*:empty_last', 'ours: zero-size array to reduction operation maximum which has no '),
    K('logsumexp_dims', '*:empty,empty_last', 'ours: zero-size array to reduction operation maximum which has no '),
    # --- E. Accepted inputs PyTorch refuses (dtypes the op does not support, scalars where a tensor is needed, ...)
    # torch raises IndexError; tinygrad_lite returns a result
    K('flatten_1', '*:0d', 'torch: Dimension out of range (expected to be in range of [-1, 0], '),
    # torch raises NotImplementedError; tinygrad_lite returns a result
    K('F.batch_norm_eval', 'ints:*', 'torch: "batch_norm" not implemented for \'Byte\''),
    K('F.binary_cross_entropy F.binary_cross_entropy_weight', 'ints,bool:-bcast', 'torch: "binary_cross_entropy" not implemented for \'Bool\''),
    K('F.binary_cross_entropy_with_logits F.bce_with_logits_pos_weight', 'ints:-bcast', 'torch: "log_sigmoid_cpu" not implemented for \'Byte\''),
    K('F.linear', 'bool:-empty,mismatch', 'torch: "addmm_impl_cpu_" not implemented for \'Bool\''),
    K('F.mse_loss_none', 'ints:-bcast', 'torch: "mse_cpu" not implemented for \'Byte\''),
    K('F.nll_loss_none', 'uint8,int8,int32,int64:-float_target,out_of_range; int16:-float_target', 'torch: "nll_loss_out_frame" not implemented for \'Short\''),
    K('abs', 'bool:*', 'torch: "abs_cpu" not implemented for \'Bool\''),
    K('gelu gelu_tanh F.gelu F.gelu_tanh', 'ints,bool:*', 'torch: "GeluKernelImpl" not implemented for \'Bool\''),
    K('leaky_relu F.leaky_relu', 'ints,bool:*', 'torch: "leaky_relu_cpu" not implemented for \'Bool\''),
    K('log_softmax', 'ints,bool:-0d,empty,empty_last', 'torch: "log_softmax_lastdim_kernel_impl" not implemented for \'Bool\''),
    K('log_softmax_0 F.log_softmax', 'ints,bool:-0d,empty,empty_last', 'torch: "log_softmax_kernel_impl" not implemented for \'Bool\''),
    K('matmul matmul_fn', 'bool:-0d,empty,mismatch', 'torch: "addmm_impl_cpu_" not implemented for \'Bool\''),
    K('pow', 'bool:-mismatch,py_bool,py_float,py_int,x*', 'torch: "pow" not implemented for \'Bool\''),
    K('pow_fn', 'bool:-py_float,py_int', 'torch: "pow" not implemented for \'Bool\''),
    K('rpow', 'bool:py_bool,same', 'torch: "pow" not implemented for \'Bool\''),
    K('silu F.silu', 'ints,bool:*', 'torch: "silu_cpu" not implemented for \'Bool\''),
    K('softmax F.softmax', 'ints,bool:-0d,empty,empty_last', 'torch: "softmax_lastdim_kernel_impl" not implemented for \'Bool\''),
    K('softmax_0', 'ints,bool:-0d,empty,empty_last', 'torch: "softmax_kernel_impl" not implemented for \'Bool\''),
    # torch raises RuntimeError; tinygrad_lite returns a result
    K('F.dropout F.dropout2d', 'ints,bool:-empty', "torch: result type Float can't be cast to the desired output type B"),
    K('F.one_hot_infer', '*:empty', 'torch: Can not infer total number of classes from empty tensor.'),
    K('F.pad_value', 'uint8:-0d', 'torch: value cannot be converted to type uint8_t without overflow'),
    K('argmax', 'bool:-empty,empty_last', 'torch: argmax(): does not support bool input'),
    K('argmax_dim', 'bool:-empty_last', 'torch: argmax(): does not support bool input'),
    K('argmin', 'bool:-empty,empty_last', 'torch: argmin(): does not support bool input'),
    K('argmin_keepdim', 'bool:-empty', 'torch: argmin(): does not support bool input'),
    K('pos', 'bool:*', 'torch: The `+` operator, on a bool tensor is not supported.'),
    K('pow_neg1', 'bool,int8,int16,int32,int64:empty', 'torch: Integers to negative integer powers are not allowed.'),
    K('rsub', 'numeric:py_bool; bool:py_float,py_int', 'torch: Subtraction, the `-` operator, with a bool tensor is not sup'),
    K('sub', 'numeric:py_bool,xbool; bool:py_float,py_int,x*', 'torch: Subtraction, the `-` operator, with a bool tensor is not sup'),
    K('sub_fn', 'bool:py_float,py_int', 'torch: Subtraction, the `-` operator, with a bool tensor is not sup'),
    K('view', '*:T', "torch: view size is not compatible with input tensor's size and str"),
    # torch raises TypeError; tinygrad_lite returns a result
    K('maximum', 'floats,bool,int8,int16,int32,int64:py_bool,py_float,py_int; uint8:py_bool,py_float', "torch: maximum(): argument 'other' (position 2) must be Tensor, not"),
    K('minimum', '*:py_float,py_int', "torch: minimum(): argument 'other' (position 2) must be Tensor, not"),
    K('permute_rev', '*:0d', 'torch: permute() missing 1 required positional arguments: "dims"'),
    # --- F. Both raise, with a different exception type (tinygrad_lite's is not an instance of PyTorch's)
    # raises IndexError where torch raises RuntimeError
    K('gather_0', 'bool,int8,int16,int32,float16:-empty; int64,float64:2d,T; uint8:2d,bad; float32:T', 'torch: index 3 is out of bounds for dimension 0 with size 3'),
    K('var_dim var_biased std_dim', 'ints,bool:0d', 'torch: std and var only support floating point and complex dtypes'),
    # raises OverflowError where torch raises RuntimeError
    K('pow pow_fn', 'uint8:py_int', 'torch: Integers to negative integer powers are not allowed.'),
    K('pow_neg1', 'uint8:*', 'torch: Integers to negative integer powers are not allowed.'),
    K('setitem_int setitem_mask', 'uint8:py_float', 'torch: value cannot be converted to type uint8_t without overflow'),
    # raises OverflowError where torch raises TypeError
    K('maximum', 'uint8:py_int', "torch: maximum(): argument 'other' (position 2) must be Tensor, not"),
    # raises ShapeError where torch raises IndexError
    K('amax_dim', '*:empty_last', 'torch: amax(): Expected reduction dim -1 to have non-zero size.'),
    K('amin_dim', 'numeric:empty,empty_last', 'torch: amin(): Expected reduction dim 0 to have non-zero size.'),
    # raises ShapeError where torch raises NotImplementedError
    K('F.cross_entropy', 'bool,uint8,int8,int64:out_of_range', 'torch: "log_softmax_lastdim_kernel_impl" not implemented for \'Bool\''),
    K('F.cross_entropy_none', 'ints,bool:out_of_range', 'torch: "log_softmax_lastdim_kernel_impl" not implemented for \'Bool\''),
    K('F.cross_entropy_smooth', 'bool,uint8,int16,int32,int64:out_of_range', 'torch: "log_softmax_lastdim_kernel_impl" not implemented for \'Bool\''),
    K('log_softmax log_softmax_0 F.log_softmax', 'ints,bool:0d', 'torch: "log_softmax_lastdim_kernel_impl" not implemented for \'Bool\''),
    K('softmax softmax_0 F.softmax', 'ints,bool:0d', 'torch: "softmax_lastdim_kernel_impl" not implemented for \'Bool\''),
    # raises TypeError where torch raises IndexError
    K('amin_dim', 'bool:empty,empty_last', 'torch: amin(): Expected reduction dim 0 to have non-zero size.'),
    # raises TypeError where torch raises NotImplementedError
    K('F.adaptive_avg_pool2d F.adaptive_avg_pool2d_none', 'ints,bool:-empty', 'torch: "adaptive_avg_pool2d" not implemented for \'Bool\''),
    K('F.avg_pool2d F.avg_pool2d_pad', 'bool,uint8,int8,int16,int32:*', 'torch: "avg_pool2d" not implemented for \'Bool\''),
    K('F.bce_with_logits_pos_weight', 'bool:-bcast', 'torch: "abs_cpu" not implemented for \'Bool\''),
    K('F.binary_cross_entropy_with_logits', 'bool:-bcast', 'torch: "log_sigmoid_cpu" not implemented for \'Bool\''),
    K('F.conv2d', 'bool:-big_kernel,channels', 'torch: "slow_conv2d_cpu" not implemented for \'Bool\''),
    K('F.conv2d_same', 'bool,uint8,int8,int16,int32:-channels', 'torch: "slow_conv_dilated<>" not implemented for \'Bool\''),
    K('F.conv2d_stride_pad', 'bool:-channels', 'torch: "slow_conv2d_cpu" not implemented for \'Bool\''),
    K('F.cross_entropy', 'uint8,int8,int64:-float_target,out_of_range; int16,int32:-float_target', 'torch: "log_softmax_lastdim_kernel_impl" not implemented for \'Short'),
    K('F.cross_entropy_none', 'ints:-float_target,out_of_range', 'torch: "log_softmax_lastdim_kernel_impl" not implemented for \'Byte\''),
    K('F.cross_entropy_smooth', 'uint8,int16,int32,int64:-float_target,out_of_range; int8:-float_target', 'torch: "log_softmax_lastdim_kernel_impl" not implemented for \'Char\''),
    K('F.layer_norm', 'ints,bool:-mismatch', 'torch: "LayerNormKernelImpl" not implemented for \'Bool\''),
    K('F.layer_norm_plain', 'ints,bool:*', 'torch: "LayerNormKernelImpl" not implemented for \'Bool\''),
    K('F.max_pool2d F.max_pool2d_pad', 'bool:*', 'torch: "max_pool2d" not implemented for \'Bool\''),
    K('F.mse_loss', 'ints:-bcast', 'torch: "mse_cpu" not implemented for \'Byte\''),
    K('F.nll_loss', 'uint8,int8,int32,int64:-float_target,out_of_range; bool:-4d,float_target,out_of_range; int16:-float_target', 'torch: "nll_loss_out_frame" not implemented for \'Short\''),
    K('F.nll_loss_none', 'bool:-4d,float_target', 'torch: "nll_loss_out_frame" not implemented for \'Bool\''),
    K('abs_builtin', 'bool:*', 'torch: "abs_cpu" not implemented for \'Bool\''),
    K('floordiv', 'bool:-py_float,py_int', 'torch: "div_floor_cpu" not implemented for \'Bool\''),
    K('mod', 'bool:-py_float,py_int', 'torch: "remainder_cpu" not implemented for \'Bool\''),
    # raises TypeError where torch raises RuntimeError
    K('F.conv2d', 'ints,bool:big_kernel,channels', 'torch: Calculated padded input size per channel: (2 x 2). Kernel si'),
    K('F.conv2d_stride_pad F.conv2d_same', 'ints,bool:channels', 'torch: Given groups=1, weight of size [4, 3, 3, 3], expected input['),
    K('F.cross_entropy F.cross_entropy_none F.cross_entropy_smooth', 'bool:float_target', 'torch: Expected floating point type for target with class probabili'),
    K('F.l1_loss', 'ints:-bcast', 'torch: mean(): could not infer output dtype. Input dtype must be ei'),
    K('F.layer_norm', 'ints,bool:mismatch', 'torch: Expected weight to be of same shape as normalized_shape, but'),
    K('F.nll_loss F.nll_loss_none', 'floats,bool:float_target', 'torch: 0D or 1D target tensor expected, multi-target not supported'),
    K('F.one_hot_dtype', 'floats,bool:*', 'torch: one_hot is only applicable to index tensor of type LongTenso'),
    K('floordiv', 'int64:same', 'torch: ZeroDivisionError'),
    K('mean mean_dim mean_keepdim', 'ints,bool:*', 'torch: mean(): could not infer output dtype. Input dtype must be ei'),
    K('mod', 'uint8:bcast; int16:bcast,same', 'torch: ZeroDivisionError'),
    K('relu F.relu', 'bool:*', 'torch: Boolean inputs not supported for relu'),
    K('sub_alpha', 'bool:*', 'torch: Subtraction, the `-` operator, with two bool tensors is not '),
    K('var std', 'ints,bool:*', 'torch: std and var only support floating point and complex dtypes'),
    K('var_dim var_biased std_dim', 'ints,bool:-0d', 'torch: std and var only support floating point and complex dtypes'),
    # raises UFuncTypeError where torch raises NotImplementedError
    K('F.batch_norm_train', 'ints,bool:-T', 'torch: "batch_norm" not implemented for \'Bool\''),
    # raises UFuncTypeError where torch raises RuntimeError
    K('add_ mul_ iadd', 'ints:py_float; bool:py_float,py_int', "torch: result type Float can't be cast to the desired output type B"),
    K('add_alpha_', 'ints:py_float; bool:-bcast,same', "torch: result type Float can't be cast to the desired output type B"),
    K('clamp_', 'bool:*', "torch: result type Long can't be cast to the desired output type bo"),
    K('div_', 'ints,bool:*', "torch: result type Float can't be cast to the desired output type B"),
    K('sub_', 'ints:py_float', "torch: result type Float can't be cast to the desired output type B"),
    # raises ValueError where torch raises IndexError
    # raises ValueError where torch raises NotImplementedError
    K('F.bce_with_logits_pos_weight', 'bool:bcast', 'torch: "abs_cpu" not implemented for \'Bool\''),
    K('F.mse_loss F.mse_loss_none', 'ints,bool:bcast', 'torch: "mse_cpu" not implemented for \'Bool\''),
    K('F.nll_loss', 'bool,uint8,int8,int32,int64:out_of_range', 'torch: "nll_loss_out_frame" not implemented for \'Bool\''),
    K('F.nll_loss_none', 'uint8,int8,int32,int64:out_of_range', 'torch: "nll_loss_out_frame" not implemented for \'Byte\''),
    # raises ValueError where torch raises RuntimeError
    K('F.conv2d F.conv2d_stride_pad F.conv2d_same', 'floats:channels', 'torch: Given groups=1, weight of size [4, 3, 3, 3], expected input['),
    K('F.cross_entropy F.cross_entropy_none F.cross_entropy_smooth', 'ints:float_target', 'torch: Expected floating point type for target with class probabili'),
    K('F.l1_loss', 'ints:bcast', 'torch: mean(): could not infer output dtype. Input dtype must be ei'),
    K('F.nll_loss F.nll_loss_none', 'ints:float_target', 'torch: 0D or 1D target tensor expected, multi-target not supported'),
    K('F.one_hot_dtype', 'ints:*', 'torch: one_hot is only applicable to index tensor of type LongTenso'),
    K('argmax', 'bool:empty,empty_last', 'torch: argmax(): does not support bool input'),
    K('argmax_dim', 'bool:empty_last', 'torch: argmax(): does not support bool input'),
    K('argmin', 'bool:empty,empty_last', 'torch: argmin(): does not support bool input'),
    K('argmin_keepdim', 'bool:empty', 'torch: argmin(): does not support bool input'),
    # raises ZeroDivisionError where torch raises RuntimeError
    # torch raises NotImplementedError
    K('F.batch_norm_eval', 'bool:*', 'torch: "batch_norm" not implemented for \'Bool\''),
    K('F.cross_entropy F.cross_entropy_none F.cross_entropy_smooth', 'bool:1d,2d,T', 'torch: "log_softmax_lastdim_kernel_impl" not implemented for \'Bool\''),
    K('F.cross_entropy F.cross_entropy_none F.cross_entropy_smooth', 'bool:4d', 'torch: "log_softmax_kernel_impl" not implemented for \'Bool\''),
    K('F.cross_entropy F.cross_entropy_none F.cross_entropy_smooth', 'bool:empty', 'torch: "nll_loss_out_frame" not implemented for \'Bool\''),
    K('F.mse_loss F.mse_loss_none', 'bool:-bcast', 'torch: "mse_cpu" not implemented for \'Bool\''),
    K('F.nll_loss F.nll_loss_none', 'bool:4d', 'torch: "nll_loss2d_forward_out_frame" not implemented for \'Bool\''),
    # torch raises RuntimeError
    K('F.batch_norm_train', 'ints,bool:T', 'torch: mean(): could not infer output dtype. Input dtype must be ei'),
    K('F.l1_loss F.l1_loss_sum', 'bool:*', 'torch: Subtraction, the `-` operator, with two bool tensors is not '),
    K('neg neg_fn', 'bool:*', 'torch: Negation, the `-` operator, on a bool tensor is not supporte'),
    K('permute_10', '*:0d,1d', 'torch: permute(sparse_coo): number of dimensions in the tensor inpu'),
    K('rsub', 'bool:py_bool,same', 'torch: Subtraction, the `-` operator, with two bool tensors is not '),
    K('sub', 'bool:-py_float,py_int,x*', 'torch: Subtraction, the `-` operator, with two bool tensors is not '),
    K('sub_', 'bool:py_float,py_int', 'torch: Subtraction, the `-` operator, with a bool tensor is not sup'),
    K('sub_fn sub_', 'bool:-py_float,py_int', 'torch: Subtraction, the `-` operator, with two bool tensors is not '),
]

# --- one pair of lists per theme: its cases and its known differences ---------------------------

# elementwise math, issue 16 (ops/arithmetic.py)
OPS_MATH = [
]
KNOWN_MATH = [
]

# reductions, scans, sorting and selection, issue 16 (ops/reduction.py, ops/sorting.py)
OPS_REDUCE = [
]
KNOWN_REDUCE = [
]

# shape and layout, issue 16 (ops/shape.py)
OPS_SHAPE = [
]
KNOWN_SHAPE = [
]

# indexing and scatter, in-place ops in the graph, issue 16 (ops/indexing.py)
OPS_INDEX = [
]
KNOWN_INDEX = [
]

# products and torch.linalg, issue 16 (ops/linalg.py)
OPS_LINALG = [
]
KNOWN_LINALG = [
]

# devices, dtypes, randomness and conveniences, issue 16
def with_default_dtype(m, set_default, get_default, make):
    """``make(m)`` with the default float dtype set to the case's dtype, restored afterwards."""
    previous = get_default()
    try:
        set_default(m.dt)
        return make(m)
    finally:
        set_default(previous)


PROBS = {"1d": (A((5,), values="prob"),), "2d": (A((3, 4), values="prob"),), "0d": (A(()),),
         "3d": (A((2, 3, 4), values="prob"),), "T": (A((3, 4), values="prob", layout="T"),)}
INDEX0 = {"0d": (A((), values="index:5"),), "1d": (A((3,), values="index:5"),)}
CREATED = (lambda m: (m.tensor([1.5, 2.0]), m.tensor(2.5), m.zeros(2), m.ones(1), m.full((2,), 1.5),
                      m.arange(0, 1, 0.5), m.linspace(0, 1, 3), m.eye(2), m.empty(2).shape,
                      m.rand(2).dtype == m.dt, m.randn(2).dtype == m.dt, m.tensor([1, 2]).dtype == m.int64))
OPS_CORE = [
    # --- devices ---------------------------------------------------------------------------------
    op("device_str", lambda m: (str(m.device("cpu")), repr(m.device("cpu:0")), repr(m.device("cpu", 0)),
                                m.device(m.device("cpu")).type, m.device("cpu:1").index), NONE, (None,)),
    op("device_eq", lambda m: (m.device("cpu") == m.device("cpu"), m.device("cpu:0") == m.device("cpu", 0),
                               m.device("cpu") == m.device("cpu", 0)), NONE, (None,)),
    op("device_bad", lambda m: m.device("gpu"), NONE, (None,)),
    op("device_bad_index", lambda m: m.device("cpu:x"), NONE, (None,)),
    op("device_attr", lambda m, x: (str(x.device), x.device.type, x.is_cpu, x.is_cuda), UNARY, (None,)),
    op("cpu", lambda m, x: x.cpu(), UNARY), op("cuda", lambda m, x: x.cuda(), {"2d": UNARY["2d"]}, (None,)),
    op("to_device", lambda m, x: x.to("cpu"), UNARY), op("to_device_obj", lambda m, x: x.to(m.device("cpu", 0)), UNARY, (None,)),
    op("to_device_dtype", lambda m, x: x.to("cpu", m.float16), UNARY),
    op("to_dtype_kw", lambda m, x: x.to(device="cpu", dtype=m.float64, copy=True), UNARY),
    op("to_other", lambda m, x: x.to(m.zeros(1, dtype=m.int32)), UNARY),
    op("to_cuda", lambda m, x: x.to("cuda"), {"2d": UNARY["2d"]}, (None,)),
    op("zeros_cpu", lambda m: (m.zeros(2, device="cpu"), m.ones(2, device=m.device("cpu")),
                               m.tensor([1, 2], device="cpu:0"), m.arange(3, device="cpu"),
                               m.full((2,), 2, device="cpu"), m.eye(2, device="cpu")), NONE, (None,)),
    op("zeros_cuda", lambda m: m.zeros(2, device="cuda"), NONE, (None,)),
    op("size_keyword", lambda m: (m.zeros(size=(2, 3)), m.ones(size=[1]), m.empty(size=(0,)).shape,
                                  m.rand(size=(2,)).shape, m.randn(size=(3,)).shape), NONE, (None,)),
    op("cuda_module", lambda m: (m.cuda.is_available(), m.cuda.device_count(), m.backends.mps.is_available(),
                                 m.backends.cudnn.deterministic, m.backends.cudnn.benchmark), NONE, (None,)),
    # --- dtypes ------------------------------------------------------------------------------------
    op("finfo", lambda m: tuple(getattr(m.finfo(m.dt), k) for k in
                                ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype")), NONE),
    op("finfo_default", lambda m: (m.finfo().eps, repr(m.finfo(m.float16))), NONE, (None,)),
    op("iinfo", lambda m: (m.iinfo(m.dt).bits, m.iinfo(m.dt).min, m.iinfo(m.dt).max, m.iinfo(m.dt).dtype,
                           repr(m.iinfo(m.dt))), NONE),
    op("default_dtype", lambda m: with_default_dtype(m, m.set_default_dtype, m.get_default_dtype, CREATED), NONE),
    op("default_dtype_is_float32", lambda m: m.get_default_dtype() == m.float32, NONE, (None,)),
    op("is_floating_point", lambda m, x: (m.is_floating_point(x), x.is_floating_point()), UNARY),
    op("is_complex", lambda m, x: (m.is_complex(x), x.is_complex()), UNARY),
    op("element_size", lambda m, x: (x.element_size(), x.itemsize, x.nbytes), UNARY),
    op("type", lambda m, x: x.type(), UNARY), op("type_dtype", lambda m, x: x.type(m.float64), UNARY),
    op("type_name", lambda m, x: x.type("torch.IntTensor"), UNARY),
    op("view_dtype_same", lambda m, x: x.view(m.dt), UNARY),
    op("view_int32", lambda m, x: x.view(m.int32), {**UNARY}), op("view_int8", lambda m, x: x.view(m.int8), {**UNARY}),
    op("view_float64", lambda m, x: x.view(m.float64), {"2d": (A((3, 8)),), "T": (A((8, 3), layout="T"),)}),
    op("bfloat16", lambda m, x: x.to(m.bfloat16).dtype == m.bfloat16, {"2d": UNARY["2d"]}, FLOATS),
    op("complex64", lambda m: m.zeros(2, dtype=m.complex64).dtype == m.complex64, NONE, (None,)),
    # --- randomness (values differ from PyTorch's generator: shapes and dtypes only) ---------------
    op("generator", lambda m: (m.rand(2, 3, generator=m.Generator().manual_seed(1)),
                               m.randn(2, generator=m.Generator().manual_seed(2)),
                               m.Generator().initial_seed(), m.Generator().manual_seed(5).initial_seed()),
       NONE, (None,), values=False),
    op("generator_state", lambda m: (m.set_rng_state(m.get_rng_state()), m.get_rng_state().dtype == m.uint8,
                                     m.initial_seed() >= 0, m.seed() >= 0, m.default_generator.initial_seed() >= 0),
       NONE, (None,), values=False),
    op("randint_high", lambda m: m.randint(5, (2, 3)), NONE, (None,), values=False),
    op("randint_kw", lambda m: m.randint(2, 5, size=(4,), dtype=m.dt), NONE, NUMERIC, values=False),
    op("randint_empty_range", lambda m: m.randint(5, 5, (2,)), NONE, (None,)),
    op("randint_like", lambda m, x: m.randint_like(x, 5), UNARY, NUMERIC, values=False),
    op("randint_like_low", lambda m, x: m.randint_like(x, 1, 3), UNARY, NUMERIC, values=False),
    op("randperm", lambda m: m.randperm(6, dtype=m.dt), NONE, NUMERIC, values=False),
    op("randperm_sum", lambda m: m.randperm(6).sum(), NONE, (None,)),
    op("rand_like_gen", lambda m, x: m.rand_like(x, generator=m.Generator()), UNARY, values=False),
    op("randn_like_gen", lambda m, x: m.randn_like(x, dtype=m.float64), UNARY, values=False),
    op("rand_int_dtype", lambda m: m.rand(2, dtype=m.dt), NONE, INTS + ("bool",)),
    op("bernoulli", lambda m, p: m.bernoulli(p), PROBS, values=False),
    op("bernoulli_method", lambda m, p: p.bernoulli(generator=m.Generator()), PROBS, values=False),
    op("bernoulli_p", lambda m, x: m.bernoulli(x, 0.3), UNARY, values=False),
    op("bernoulli_certain", lambda m, x: (m.bernoulli(x * 0), m.bernoulli(x * 0 + 1)), PROBS, FLOATS),
    op("multinomial", lambda m, p: m.multinomial(p, 2), PROBS, values=False),
    op("multinomial_replacement", lambda m, p: p.multinomial(6, replacement=True), PROBS, values=False),
    op("multinomial_too_many", lambda m, p: m.multinomial(p, 9), PROBS, FLOATS),
    op("multinomial_one_hot", lambda m: m.multinomial(m.tensor([[0.0, 2.0, 0.0], [0.0, 0.0, 1.0]]), 3, True), NONE, (None,)),
    op("poisson", lambda m, x: m.poisson(x), {k: v for k, v in PROBS.items() if k != "0d"}, values=False),
    op("poisson_negative", lambda m, x: m.poisson(x - 1), {"2d": PROBS["2d"]}, FLOATS),
    op("normal_tensors", lambda m, mean, std: m.normal(mean, std.abs()), {k: BINARY[k] for k in ("same", "bcast", "0d")},
       values=False),
    op("normal_float_mean", lambda m, std: m.normal(0.5, std), PROBS, values=False),
    op("normal_float_std", lambda m, mean: m.normal(mean, 2.0), UNARY, values=False),
    op("normal_size", lambda m: m.normal(1.0, 2.0, (2, 3), generator=m.Generator()), NONE, (None,), values=False),
    op("normal_negative_std", lambda m, x: m.normal(x, -1.0), {"2d": UNARY["2d"]}, FLOATS),
    op("bernoulli_", lambda m, x: x.bernoulli_(0.5), INPLACE1, values=False),
    op("bernoulli_tensor_", lambda m, x, p: x.bernoulli_(p), {"2d": (A((3, 4), grad=False), A((3, 4), "float32", "prob", grad=False))},
       values=False),
    op("exponential_", lambda m, x: x.exponential_(2.0), INPLACE1, values=False),
    op("geometric_", lambda m, x: x.geometric_(0.3), INPLACE1, values=False),
    op("log_normal_", lambda m, x: x.log_normal_(), INPLACE1, values=False),
    op("cauchy_", lambda m, x: x.cauchy_(), INPLACE1, values=False),
    op("random_", lambda m, x: x.random_(), INPLACE1, values=False),
    op("random_to", lambda m, x: x.random_(2), INPLACE1, values=False),
    op("random_range", lambda m, x: x.random_(3, 7), INPLACE1, values=False),
    op("normal_args", lambda m, x: x.normal_(2.0, 0.5, generator=m.Generator()), INPLACE1, FLOATS, values=False),
    op("uniform_args", lambda m, x: x.uniform_(-2, 2), INPLACE1, FLOATS, values=False),
    op("uniform_bad", lambda m, x: x.uniform_(2, -2), INPLACE1, FLOATS),
    # --- conveniences ------------------------------------------------------------------------------
    op("format", lambda m, x: f"{x:.3f}", UNARY), op("format_empty_spec", lambda m, x: f"{x:}", {"0d": UNARY["0d"]}),
    op("nelement", lambda m, x: (x.nelement(), m.numel(x), m.is_tensor(x), m.is_tensor(1.0)), UNARY),
    op("is_contiguous", lambda m, x: (x.is_contiguous(), x.contiguous().is_contiguous()), UNARY),
    op("iter", lambda m, x: list(x), UNARY), op("index", lambda m, i: list(range(10))[i], INDEX0),
    op("index_dtype", lambda m, x: list(range(300))[x], {"0d": (A((), values="pos", grad=False),)}),
    op("size_type", lambda m, x: (repr(x.shape), str(x.size()), x.shape.numel(), repr(x.shape[1:]), repr(m.Size([2, 3]))), UNARY),
    op("new_zeros", lambda m, x: (x.new_zeros(2, 3), x.new_ones((2,)), x.new_zeros((1,), dtype=m.int8)), UNARY),
    op("new_full", lambda m, x: x.new_full((2,), 3), UNARY), op("new_empty", lambda m, x: x.new_empty(2, 1), UNARY, values=False),
    op("new_tensor", lambda m, x: x.new_tensor([1, 2]), UNARY),
    op("grad_fn_name", lambda m, x, y: ((x * y).sum().grad_fn.name(), (x + y).grad_fn.name(),
                                        tuple(n and n.name() for n, _ in (x * 2).grad_fn.next_functions)),
       {"same": BINARY["same"]}, FLOATS),
]
KNOWN_CORE = [
    K('bfloat16 complex64', 'floats,None:*', 'deliberate: bfloat16 and complex dtypes raise a TypeError naming them (NumPy has no kernels)'),
]

# autograd extensions, Module extras and utils.data, issue 17
OPS_AUTOGRAD = [
]
KNOWN_AUTOGRAD = [
]

# layers and activations in nn.functional, issue 17
OPS_LAYERS = [
]
KNOWN_LAYERS = [
]

# recurrent layers and attention, issue 17
OPS_SEQ = [
]
KNOWN_SEQ = [
]

# losses, nn.init and optimizers, issue 17
OPS_LOSSES = [
]
KNOWN_LOSSES = [
]

OPS += (OPS_MATH + OPS_REDUCE + OPS_SHAPE + OPS_INDEX + OPS_LINALG + OPS_CORE
        + OPS_AUTOGRAD + OPS_LAYERS + OPS_SEQ + OPS_LOSSES)
KNOWN += (KNOWN_MATH + KNOWN_REDUCE + KNOWN_SHAPE + KNOWN_INDEX + KNOWN_LINALG + KNOWN_CORE
          + KNOWN_AUTOGRAD + KNOWN_LAYERS + KNOWN_SEQ + KNOWN_LOSSES)


# Cases where PyTorch's own answer depends on the CPU it runs on: skipped, not compared.
MACHINE_DEPENDENT = {
    ("gelu", "float16", "ext"): "torch's float16 gelu(inf) is nan with AVX-512 kernels, inf without",
}


def known(name, dtype, kind):
    """The ``K`` entry that covers this case, or None."""
    if not _BY_OP:
        for k in KNOWN:
            for n in k.ops.split():
                _BY_OP.setdefault(n, []).append(k)
    for k in _BY_OP.get(name, ()):
        if k.covers(name, dtype, kind):
            return k
    return None


_BY_OP = {}


def cases():
    """Every (op, dtype, kind, args) of the table."""
    for o in OPS:
        for dtype in o.dtypes:
            for kind, args in o.shapes.items():
                yield o, dtype, kind, args, None
            if o.mixed:
                for dt2 in DTYPES:
                    if dt2 != dtype or not o.shapes:
                        yield o, dtype, "x" + dt2, o.mixed, dt2
