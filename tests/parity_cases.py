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
    # --- A. Silent wrong answers: tinygrad_lite returns different values, dtypes or shapes
    K('F.bce_with_logits_pos_weight', 'float16:2d', 'float16 loss computed step by step in float16 (torch computes in float32): 0.0312 vs 0.0283'),
    K('gelu F.gelu', 'float32:ext', 'gelu(inf) and gelu(float32 max) give nan (torch: inf, max)'),
    # --- B. Gradients that differ (or are missing)
    K('F.relu', 'float16,float32,float64:ext', 'gradient at 0, inf or nan differs (abs at nan, ties with inf in maximum, relu at nan)'),
    K('logsumexp logsumexp_dims', 'float16:ext', "float16 gradient at inf/max is nan where torch's is finite (float16 intermediates)"),
    K('relu', 'float32,float64:ext', 'gradient at tiny, inf or nan differs (relu at tiny > 0 gives 0, silu(inf) nan, sqrt at -inf sign)'),
    # --- C. Missing operators, methods and arguments (tinygrad_lite raises TypeError/AttributeError/ValueError, PyTorch answers)
    # --- D. Refused inputs PyTorch accepts (0-d tensors with a dim, integer inputs to conv/pool, empty reductions, ...)
    # tinygrad_lite raises AxisError; torch returns a result
    # tinygrad_lite raises IndexError; torch returns a result
    # tinygrad_lite raises OverflowError; torch returns a result
    # tinygrad_lite raises ShapeError; torch returns a result
    # tinygrad_lite raises TypeError; torch returns a result
    # tinygrad_lite raises UFuncTypeError; torch returns a result
    # tinygrad_lite raises ValueError; torch returns a result
    # --- E. Accepted inputs PyTorch refuses (dtypes the op does not support, scalars where a tensor is needed, ...)
    # torch raises IndexError; tinygrad_lite returns a result
    # torch raises NotImplementedError; tinygrad_lite returns a result
    # torch raises RuntimeError; tinygrad_lite returns a result
    K('view', '*:T', "torch: view size is not compatible with input tensor's size and str"),
    # torch raises TypeError; tinygrad_lite returns a result
    # --- F. Both raise, with a different exception type (tinygrad_lite's is not an instance of PyTorch's)
    # raises IndexError where torch raises RuntimeError
    # raises OverflowError where torch raises RuntimeError
    # raises OverflowError where torch raises TypeError
    # raises ShapeError where torch raises IndexError
    # raises ShapeError where torch raises NotImplementedError
    # raises TypeError where torch raises IndexError
    # raises TypeError where torch raises NotImplementedError
    # raises TypeError where torch raises RuntimeError
    K('F.nll_loss F.nll_loss_none', 'float16,float32,float64:float_target', 'torch: 0D or 1D target tensor expected, multi-target not supported'),
    # raises UFuncTypeError where torch raises NotImplementedError
    # raises UFuncTypeError where torch raises RuntimeError
    # raises ValueError where torch raises IndexError
    # raises ValueError where torch raises NotImplementedError
    # raises ValueError where torch raises RuntimeError
    # raises ValueError where torch raises RuntimeError
    # raises ZeroDivisionError where torch raises RuntimeError
    # torch raises NotImplementedError
    # torch raises RuntimeError
    # raises ZeroDivisionError where torch raises RuntimeError
    # torch raises NotImplementedError
]

# --- one pair of lists per theme: its cases and its known differences ---------------------------

# elementwise math, issue 16 (ops/arithmetic.py)
LERP = {"same": (A((3, 4)), A((3, 4))), "bcast": (A((3, 1)), A((4,))), "0d": (A(()), A(())), "empty": (A((0, 4)), A((4,))),
        "T": (A((3, 4), layout="T"), A((3, 4), layout="strided")), "mismatch": (A((3, 4)), A((2, 4)))}
LERP_W = {"same": (A((3, 4)), A((3, 4)), A((3, 4), values="prob")), "bcast": (A((3, 1)), A((4,)), A((3, 4), values="prob")),
          "w0d": (A((3, 4)), A((3, 4)), A((), values="prob")), "mixed_w": (A((3, 4)), A((3, 4)), A((3, 4), "float64", "prob"))}
OUT = {"2d": (A((3, 4), grad=False),), "grad": (A((3, 4)),)}
INPLACE2 = {k: INPLACE[k] for k in ("same", "bcast", "grow")}
OPS_MATH = [
    op("floor", lambda m, x: m.floor(x)), op("ceil", lambda m, x: x.ceil()), op("trunc", lambda m, x: m.trunc(x)),
    op("round", lambda m, x: m.round(x)), op("round_decimals", lambda m, x: x.round(decimals=1)),
    op("round_neg_decimals", lambda m, x: m.round(x, decimals=-1)), op("frac", lambda m, x: m.frac(x)),
    op("rsqrt", lambda m, x: m.rsqrt(x)), op("reciprocal", lambda m, x: x.reciprocal()), op("square", lambda m, x: m.square(x)),
    op("tan", lambda m, x: m.tan(x)), op("asin", lambda m, x: m.asin(x)), op("acos", lambda m, x: x.acos()),
    op("atan", lambda m, x: m.atan(x)), op("sinh", lambda m, x: m.sinh(x)), op("cosh", lambda m, x: x.cosh()),
    op("asinh", lambda m, x: m.asinh(x)), op("acosh", lambda m, x: m.acosh(x)), op("atanh", lambda m, x: x.atanh()),
    op("log2", lambda m, x: m.log2(x)), op("log10", lambda m, x: x.log10()), op("log1p", lambda m, x: m.log1p(x)),
    op("exp2", lambda m, x: m.exp2(x)), op("expm1", lambda m, x: x.expm1()), op("erfinv", lambda m, x: m.erfinv(x)),
    op("erfinv_prob", lambda m, x: m.erfinv(x * 0.3)),
    op("logit", lambda m, x: m.logit(x)), op("logit_eps", lambda m, x: x.logit(eps=0.2)),
    op("logit_prob", lambda m, x: m.logit(x), {"prob": (A((3, 4), values="prob"),)}),
    op("sgn", lambda m, x: m.sgn(x.detach())),  # detached: torch's gradient is a ZeroTensor, unreadable here
    op("positive", lambda m, x: m.positive(x)),
    op("isnan", lambda m, x: m.isnan(x)), op("isinf", lambda m, x: x.isinf()), op("isfinite", lambda m, x: m.isfinite(x)),
    op("nan_to_num", lambda m, x: m.nan_to_num(x)), op("nan_to_num_args", lambda m, x: x.nan_to_num(1.5, posinf=2.0, neginf=-2.0)),
    op("clamp_min_fn", lambda m, x: m.clamp_min(x, 0.5)), op("clamp_max_fn", lambda m, x: x.clamp_max(-0.5)),
    op("clamp_tensors", lambda m, x, lo, hi: m.clamp(x, lo, hi),
       {"2d": (A((3, 4)), A((3, 4), values="prob"), A((4,), values="pos")), "0d": (A(()), A(()), A((), values="pos"))}),
    binop("atan2", lambda m, x, y: m.atan2(x, y)), fbinop("arctan2", lambda m, x, y: m.arctan2(x, y)),
    fbinop("hypot", lambda m, x, y: m.hypot(x, y)), binop("copysign", lambda m, x, y: m.copysign(x, y)),
    fbinop("logaddexp", lambda m, x, y: m.logaddexp(x, y)), binop("xlogy", lambda m, x, y: m.xlogy(x, y)),
    op("xlogy_number", lambda m, x: m.xlogy(2.5, x)),
    binop("fmod", lambda m, x, y: m.fmod(x, y)), binop("remainder", lambda m, x, y: m.remainder(x, y)),
    op("rmod", lambda m, x: 5 % x), op("rfloordiv", lambda m, x: 7 // x),
    fbinop("floor_divide", lambda m, x, y: m.floor_divide(x, y)), fbinop("true_divide", lambda m, x, y: m.true_divide(x, y)),
    binop("div_trunc", lambda m, x, y: m.div(x, y, rounding_mode="trunc")),
    binop("div_floor", lambda m, x, y: x.div(y, rounding_mode="floor")),
    op("div_bad_mode", lambda m, x: x.div(2, rounding_mode="round"), {"2d": (A((3, 4)),)}),
    fbinop("isclose", lambda m, x, y: m.isclose(x, y)), fbinop("isclose_self", lambda m, x, y: x.isclose(x + 1e-6 * y, equal_nan=True)),
    fbinop("allclose", lambda m, x, y: m.allclose(x, y)), fbinop("allclose_self", lambda m, x, y: x.allclose(x)),
    fbinop("equal", lambda m, x, y: m.equal(x, y)), fbinop("equal_self", lambda m, x, y: x.equal(x)),
    op("lerp", lambda m, x, y: m.lerp(x, y, 0.3), LERP), op("lerp_end", lambda m, x, y: x.lerp(y, 0.75), LERP),
    op("lerp_tensor", lambda m, x, y, w: m.lerp(x, y, w), LERP_W),
    # out=
    op("exp_out", lambda m, x: m.exp(x, out=m.zeros(3, 4)), OUT), op("floor_out", lambda m, x: m.floor(x, out=m.zeros(2, dtype=m.dt)), OUT),
    op("add_out", lambda m, x: m.add(x, 1, out=m.zeros(3, 4, dtype=m.int64)), OUT),
    op("atan2_out", lambda m, x: m.atan2(x, x, out=m.zeros(3, 4, dtype=m.float16)), OUT),
    # in place
    op("exp_", lambda m, x: x.exp_(), INPLACE1), op("log_", lambda m, x: x.log_(), INPLACE1), op("sqrt_", lambda m, x: x.sqrt_(), INPLACE1),
    op("abs_", lambda m, x: x.abs_(), INPLACE1), op("sin_", lambda m, x: x.sin_(), INPLACE1), op("cos_", lambda m, x: x.cos_(), INPLACE1),
    op("erf_", lambda m, x: x.erf_(), INPLACE1), op("sign_", lambda m, x: x.sign_(), INPLACE1), op("neg_", lambda m, x: x.neg_(), INPLACE1),
    op("relu_", lambda m, x: x.relu_(), INPLACE1), op("sigmoid_", lambda m, x: x.sigmoid_(), INPLACE1), op("tanh_", lambda m, x: x.tanh_(), INPLACE1),
    op("clip_", lambda m, x: x.clip_(-1, 1), INPLACE1), op("floor_", lambda m, x: x.floor_(), INPLACE1), op("ceil_", lambda m, x: x.ceil_(), INPLACE1),
    op("round_", lambda m, x: x.round_(), INPLACE1), op("trunc_", lambda m, x: x.trunc_(), INPLACE1), op("frac_", lambda m, x: x.frac_(), INPLACE1),
    op("rsqrt_", lambda m, x: x.rsqrt_(), INPLACE1), op("reciprocal_", lambda m, x: x.reciprocal_(), INPLACE1),
    op("square_", lambda m, x: x.square_(), INPLACE1), op("tan_", lambda m, x: x.tan_(), INPLACE1), op("asin_", lambda m, x: x.asin_(), INPLACE1),
    op("acos_", lambda m, x: x.acos_(), INPLACE1), op("atan_", lambda m, x: x.atan_(), INPLACE1), op("sinh_", lambda m, x: x.sinh_(), INPLACE1),
    op("cosh_", lambda m, x: x.cosh_(), INPLACE1), op("asinh_", lambda m, x: x.asinh_(), INPLACE1), op("acosh_", lambda m, x: x.acosh_(), INPLACE1),
    op("atanh_", lambda m, x: x.atanh_(), INPLACE1), op("log2_", lambda m, x: x.log2_(), INPLACE1), op("log10_", lambda m, x: x.log10_(), INPLACE1),
    op("log1p_", lambda m, x: x.log1p_(), INPLACE1), op("exp2_", lambda m, x: x.exp2_(), INPLACE1), op("expm1_", lambda m, x: x.expm1_(), INPLACE1),
    op("erfinv_", lambda m, x: x.erfinv_(), INPLACE1), op("logit_", lambda m, x: x.logit_(), INPLACE1), op("sgn_", lambda m, x: x.sgn_(), INPLACE1),
    op("nan_to_num_", lambda m, x: x.nan_to_num_(), INPLACE1), op("clamp_min_", lambda m, x: x.clamp_min_(0.5), INPLACE1),
    op("clamp_max_", lambda m, x: x.clamp_max_(-1), INPLACE1), op("logical_not_", lambda m, x: x.logical_not_(), INPLACE1),
    op("bitwise_not_", lambda m, x: x.bitwise_not_(), INPLACE1),
    op("pow_", lambda m, x, y: x.pow_(y), INPLACE), op("floor_divide_", lambda m, x, y: x.floor_divide_(y), INPLACE),
    op("remainder_", lambda m, x, y: x.remainder_(y), INPLACE), op("fmod_", lambda m, x, y: x.fmod_(y), INPLACE),
    op("true_divide_", lambda m, x, y: x.true_divide_(y), INPLACE), op("div_floor_", lambda m, x, y: x.div_(y, rounding_mode="floor"), INPLACE),
    op("atan2_", lambda m, x, y: x.atan2_(y), INPLACE2), op("arctan2_", lambda m, x, y: x.arctan2_(y), INPLACE2),
    op("hypot_", lambda m, x, y: x.hypot_(y), INPLACE2), op("copysign_", lambda m, x, y: x.copysign_(y), INPLACE),
    op("xlogy_", lambda m, x, y: x.xlogy_(y), INPLACE), op("lerp_", lambda m, x, y: x.lerp_(y, 0.5), INPLACE2),
    op("logical_and_", lambda m, x, y: x.logical_and_(y), INPLACE2), op("logical_or_", lambda m, x, y: x.logical_or_(y), INPLACE2),
    op("logical_xor_", lambda m, x, y: x.logical_xor_(y), INPLACE2), op("bitwise_and_", lambda m, x, y: x.bitwise_and_(y), INPLACE),
    op("bitwise_or_", lambda m, x, y: x.bitwise_or_(y), INPLACE), op("bitwise_xor_", lambda m, x, y: x.bitwise_xor_(y), INPLACE),
    op("bitwise_left_shift_", lambda m, x, y: x.bitwise_left_shift_(y), INPLACE2),
    op("bitwise_right_shift_", lambda m, x, y: x.bitwise_right_shift_(y), INPLACE2),
]
KNOWN_MATH = [
    K('relu', 'float32,float64:ext', "relu's gradient at NaN: PyTorch passes it (its mask is not out <= 0), ours is 0 "
      "(the MNIST fast path's out > 0 mask; the extra pass costs about a third of relu's backward)"),
    K('F.relu', 'floats:ext', "relu's gradient at NaN, as relu"),
    K('gelu F.gelu', 'float32:ext', "torch's vectorized float32 gelu kernel overflows at the float32 max (inf) and "
      "gives NaN at inf; its float64 kernel and ours give max and inf (machine dependent, see MACHINE_DEPENDENT)"),
    K('pow', 'float32:xfloat16; float64:xfloat16,xfloat32', "torch's pow backward computes exponent - 1 in the "
      "exponent's own lower precision (float16/float32) before promoting; ours in the result dtype"),
    K('atan2', 'uint8,int8:xfloat16,xfloat32,xfloat64; floats:ext,xuint8,xint8,xfloat16,xfloat32,xfloat64',
      "torch's atan2 backward squares each input in its own dtype (uint8/int8 wrap around, float16/float32 lose "
      "precision or overflow) and multiplies grad·other before the reciprocal (NaN or 0 at subnormal inputs); "
      "ours works in the result dtype"),
]

# reductions, scans, sorting and selection, issue 16 (ops/reduction.py, ops/sorting.py)
NO_EXT = {k: v for k, v in REDUCE.items() if k != "ext"}  # no ties: which index wins is not compared
NOT_FLOAT = ("bool",) + INTS
SEARCH = {"1d": (A((5,)), A((3, 4))), "nd": (A((3, 5)), A((3, 4))), "0d": (A((5,)), A(())),
          "py": (A((5,)), Py("float")), "empty": (A((0,)), A((3,))), "bad": (A((2, 5)), A((3, 4)))}
BUCKETS = {"2d": (A((3, 4)), A((5,))), "0d": (A(()), A((5,))), "empty": (A((0, 2)), A((3,))),
           "nd_boundaries": (A((3, 4)), A((2, 5)))}


def out_of(fn, *args, **kwargs):
    """``fn(*args, out=...)`` into fresh tensors of the right dtypes (inputs detached); returns
    the out tensors."""
    args = [a.detach() if hasattr(a, "detach") else a for a in args]
    model = fn(*args, **kwargs)
    outs = tuple(map(_empty_like, model)) if isinstance(model, tuple) else _empty_like(model)
    fn(*args, **kwargs, out=outs)
    return outs


def _empty_like(t):
    return t[..., :0] if t.ndim else t.clone()


OPS_REDUCE = [
    op("prod", lambda m, x: x.prod(), REDUCE), op("prod_dim", lambda m, x: m.prod(x, -1), REDUCE),
    op("prod_keepdim", lambda m, x: x.prod(0, keepdim=True), REDUCE), op("prod_dtype", lambda m, x: m.prod(x, dtype=m.float64), REDUCE),
    op("any", lambda m, x: x.any(), REDUCE), op("any_dim", lambda m, x: m.any(x, -1), REDUCE),
    op("all", lambda m, x: m.all(x), REDUCE), op("all_keepdim", lambda m, x: x.all(0, keepdim=True), REDUCE),
    op("count_nonzero", lambda m, x: m.count_nonzero(x), REDUCE), op("count_nonzero_dims", lambda m, x: x.count_nonzero((0, -1)), REDUCE),
    op("nansum", lambda m, x: m.nansum(x), REDUCE), op("nansum_dim", lambda m, x: x.nansum(-1, keepdim=True), REDUCE),
    op("nanmean", lambda m, x: x.nanmean(), REDUCE), op("nanmean_dim", lambda m, x: m.nanmean(x, 0), REDUCE),
    op("aminmax", lambda m, x: tuple(x.aminmax()), REDUCE), op("aminmax_dim", lambda m, x: tuple(m.aminmax(x, dim=-1, keepdim=True)), REDUCE),
    op("std_mean", lambda m, x: m.std_mean(x), REDUCE), op("var_mean", lambda m, x: m.var_mean(x, -1, correction=0), REDUCE),
    op("std_correction", lambda m, x: x.std(0, correction=2), REDUCE), op("var_unbiased", lambda m, x: x.var(-1, False), REDUCE),
    op("mean_dtype", lambda m, x: x.mean(dtype=m.float64), REDUCE), op("sum_keepdims", lambda m, x: m.sum(x, -1, keepdims=True), REDUCE),
    op("max_keepdims", lambda m, x: tuple(x.max(0, keepdims=True)), REDUCE),
    op("median", lambda m, x: x.median(), REDUCE), op("median_dim", lambda m, x: tuple(m.median(x, -1)), NO_EXT, FLOATS),
    op("median_values", lambda m, x: x.median(0, keepdim=True).values, REDUCE, NOT_FLOAT),
    op("cumsum", lambda m, x: x.cumsum(0), REDUCE), op("cumsum_last", lambda m, x: m.cumsum(x, -1), REDUCE),
    op("cumsum_dtype", lambda m, x: x.cumsum(-1, dtype=m.float64), REDUCE),
    op("cumprod", lambda m, x: m.cumprod(x, -1), REDUCE), op("cumprod_0", lambda m, x: x.cumprod(0), REDUCE),
    op("logcumsumexp", lambda m, x: m.logcumsumexp(x, -1), REDUCE), op("logcumsumexp_0", lambda m, x: x.logcumsumexp(0), REDUCE),
    op("cummax", lambda m, x: tuple(m.cummax(x, -1)), REDUCE), op("cummin", lambda m, x: tuple(x.cummin(0)), REDUCE),
    op("sort", lambda m, x: tuple(x.sort()), NO_EXT), op("sort_stable", lambda m, x: tuple(m.sort(x, dim=0, descending=True, stable=True)), REDUCE),
    op("argsort", lambda m, x: m.argsort(x, stable=True), REDUCE), op("argsort_desc", lambda m, x: x.argsort(dim=0, descending=True, stable=True), REDUCE),
    op("msort", lambda m, x: m.msort(x), REDUCE),
    op("topk", lambda m, x: tuple(x.topk(2)), NO_EXT, FLOATS), op("topk_values", lambda m, x: m.topk(x, 1, 0, largest=False).values, REDUCE, NOT_FLOAT),
    op("kthvalue", lambda m, x: tuple(x.kthvalue(2, 0, keepdim=True)), NO_EXT, FLOATS),
    op("kthvalue_values", lambda m, x: m.kthvalue(x, 3).values, REDUCE, NOT_FLOAT),
    # unique's results are not differentiable: torch's require grad (and their backward raises), ours do not
    op("unique", lambda m, x: m.unique(x.detach()), REDUCE),
    op("unique_all", lambda m, x: x.detach().unique(return_inverse=True, return_counts=True), REDUCE),
    op("unique_dim", lambda m, x: m.unique(x.detach(), dim=0, return_inverse=True, return_counts=True), REDUCE),
    op("unique_consecutive", lambda m, x: m.unique_consecutive(x.detach(), return_inverse=True, return_counts=True), REDUCE),
    op("unique_consecutive_dim", lambda m, x: x.detach().unique_consecutive(dim=-1), REDUCE),
    op("searchsorted", lambda m, s, x: m.searchsorted(s.sort().values, x), SEARCH),
    op("searchsorted_right", lambda m, s, x: m.searchsorted(s.sort().values, x, right=True, out_int32=True), SEARCH),
    op("searchsorted_sorter", lambda m, s, x: m.searchsorted(s, x, side="right", sorter=s.argsort(stable=True)), SEARCH),
    op("bucketize", lambda m, x, b: m.bucketize(x, b.sort().values), BUCKETS),
    op("bucketize_right", lambda m, x, b: m.bucketize(x, b.sort().values, right=True), BUCKETS),
    op("histc", lambda m, x: m.histc(x, 5), REDUCE), op("histc_range", lambda m, x: x.histc(4, min=-1, max=1), REDUCE),
    op("sum_out", lambda m, x: out_of(m.sum, x, -1), REDUCE), op("cumsum_out", lambda m, x: out_of(m.cumsum, x, 0), REDUCE),
    op("sort_out", lambda m, x: out_of(m.sort, x, stable=True), REDUCE),
]
KNOWN_REDUCE = [
    K('prod cumprod cumprod_0', 'floats:ext', 'gradient where zeros meet inf or nan: NaN (0 * inf) where torch, which special-cases zeros, gives 0'),
    K('prod_dim', 'float16,float32:ext', 'gradient where zeros meet inf or nan: NaN (0 * inf) where torch, which special-cases zeros, gives 0'),
    K('prod_dtype', 'float16,float64:ext', 'gradient where zeros meet inf or nan: NaN (0 * inf) where torch, which special-cases zeros, gives 0'),
    K('logcumsumexp', 'float64:ext', 'gradient at inf or nan inputs differs (NaN where torch gives 0 or 1)'),
    K('logcumsumexp_0', 'floats:ext', 'gradient at inf or nan inputs differs (NaN where torch gives 0 or 1)'),
    K('nanmean', 'float32:ext', 'sum of +-inf and float32 max in another order: nan where torch has -inf'),
    K('std_correction', 'float16:ext', "float16 std's gradient at large values (computed in float32, torch's in float16)"),
    K('std_correction', 'float32:ext', 'float32 variance of values near float32 max overflows to inf (torch accumulates in double)'),
    K('unique_dim', 'float16:ext', 'unique rows holding NaN are ordered differently'),
]

# shape and layout, issue 16 (ops/shape.py)
PAIR_SHAPES = {k: BINARY[k] for k in ("same", "bcast", "0d", "t0d", "empty", "T", "mismatch")}
AS_SHAPES = {"same": (A((3, 4)), A((4, 3), grad=False)), "T": (A((3, 4), layout="T"), A((12,), grad=False)),
             "0d": (A(()), A((1, 1), grad=False)), "bad": (A((3, 4)), A((5,), grad=False))}
GRIDS = {"1d": (A((3,)), A((2,))), "0d": (A(()), A((2,))), "empty": (A((0,)), A((2,))), "2d": (A((3, 4)), A((2,)))}
REPEATS = {"1d": (A((3,)), A((3,), values="index:3")), "2d": (A((3, 4)), A((3,), values="index:3")),
           "one": (A((3, 4)), A((1,), values="index:3")), "bad": (A((3, 4)), A((2,), values="index:3"))}
COUNTS = {"1d": (A((4,), values="index:3"),), "0d": (A((), values="index:3"),), "empty": (A((0,), values="index:3"),)}
OPS_SHAPE = [
    op("flatten_mid", lambda m, x: m.flatten(x, 0, 1), REDUCE), op("flatten_range", lambda m, x: x.flatten(1, 0), REDUCE),
    op("view_contiguous", lambda m, x: x.contiguous().view(-1), REDUCE),
    op("view_as", lambda m, x, y: x.view_as(y), AS_SHAPES), op("reshape_as", lambda m, x, y: x.reshape_as(y), AS_SHAPES),
    op("permute_tuple", lambda m, x: x.permute(tuple(range(x.ndim))[::-1]), REDUCE),
    op("squeeze_dims", lambda m, x: x.squeeze((0, -1)), REDUCE), op("unsqueeze_fn", lambda m, x: m.unsqueeze(x, -2), REDUCE),
    op("t", lambda m, x: x.t(), REDUCE), op("t_fn", lambda m, x: m.t(x), REDUCE),
    op("mT", lambda m, x: x.mT, REDUCE), op("mH", lambda m, x: x.mH, REDUCE), op("H", lambda m, x: x.H, REDUCE),
    op("swapdims", lambda m, x: m.swapdims(x, 0, -1), REDUCE), op("swapdims_method", lambda m, x: x.swapdims(-1, 0), REDUCE),
    op("movedim", lambda m, x: m.movedim(x, 0, -1), REDUCE), op("movedim_tuple", lambda m, x: x.movedim((0, -1), (-1, 0)), REDUCE),
    op("moveaxis", lambda m, x: m.moveaxis(x, -1, 0), REDUCE), op("moveaxis_method", lambda m, x: x.moveaxis(0, -1), REDUCE),
    op("unflatten", lambda m, x: m.unflatten(x, -1, (2, -1)), REDUCE), op("unflatten_method", lambda m, x: x.unflatten(0, (1, 3, -1)), REDUCE),
    op("broadcast_to", lambda m, x: m.broadcast_to(x, (2,) + tuple(x.shape)), REDUCE),
    op("broadcast_to_method", lambda m, x: x.broadcast_to((3, 1, 4)), REDUCE),
    op("broadcast_tensors", lambda m, x, y: m.broadcast_tensors(x, y), PAIR_SHAPES),
    op("flip", lambda m, x: m.flip(x, (0,)), REDUCE), op("flip_method", lambda m, x: x.flip(0, -1), REDUCE),
    op("flip_list", lambda m, x: x.flip([-1]), REDUCE),
    op("fliplr", lambda m, x: m.fliplr(x), REDUCE), op("flipud", lambda m, x: x.flipud(), REDUCE),
    op("roll", lambda m, x: m.roll(x, 1), REDUCE), op("roll_dims", lambda m, x: x.roll((1, -5), (0, -1)), REDUCE),
    op("roll_dim", lambda m, x: x.roll(-2, 0), REDUCE),
    op("repeat", lambda m, x: x.repeat(2, 1, 3), REDUCE), op("repeat_tuple", lambda m, x: x.repeat((2,) * (x.ndim + 1)), REDUCE),
    op("tile", lambda m, x: m.tile(x, (2,)), REDUCE), op("tile_method", lambda m, x: x.tile((2, 1, 3)), REDUCE),
    op("repeat_interleave", lambda m, x: m.repeat_interleave(x, 2), REDUCE),
    op("repeat_interleave_dim", lambda m, x: x.repeat_interleave(3, dim=-1, output_size=3 * x.shape[-1] if x.ndim else 3), REDUCE),
    op("repeat_interleave_tensor", lambda m, x, r: x.repeat_interleave(r, 0), REPEATS),
    op("repeat_interleave_flat", lambda m, x, r: m.repeat_interleave(x, r), {"1d": REPEATS["1d"], "one": REPEATS["one"]}),
    op("repeat_interleave_counts", lambda m, r: m.repeat_interleave(r), COUNTS, (None,)),
    op("repeat_interleave_counts_dtypes", lambda m, r: m.repeat_interleave(r), {"1d": (A((4,), grad=False),)}),
    op("split", lambda m, x: m.split(x, 2), REDUCE), op("split_sizes", lambda m, x: x.split([1, 3], -1), REDUCE),
    op("split_dim", lambda m, x: x.split(3, dim=-1), REDUCE),
    op("chunk", lambda m, x: m.chunk(x, 2), REDUCE), op("chunk_last", lambda m, x: x.chunk(3, -1), REDUCE),
    op("tensor_split", lambda m, x: m.tensor_split(x, 3), REDUCE),
    op("tensor_split_indices", lambda m, x: x.tensor_split([1, 5, 2, -1], -1), REDUCE),
    op("tensor_split_tensor", lambda m, x: x.tensor_split(m.tensor([1, 2]), dim=0), REDUCE),
    op("tensor_split_sections", lambda m, x: x.tensor_split(m.tensor(2)), REDUCE),
    op("unbind", lambda m, x: m.unbind(x), REDUCE), op("unbind_last", lambda m, x: x.unbind(-1), REDUCE),
    op("narrow", lambda m, x: m.narrow(x, -1, 1, 2), REDUCE), op("narrow_tensor", lambda m, x: x.narrow(0, m.tensor(-1), 1), REDUCE),
    op("unfold", lambda m, x: x.unfold(-1, 2, 1), REDUCE), op("unfold_step", lambda m, x: x.unfold(0, 2, 2), REDUCE),
    op("diagonal", lambda m, x: m.diagonal(x), REDUCE), op("diagonal_dims", lambda m, x: x.diagonal(-1, -1, 0), REDUCE),
    op("diagonal_offset", lambda m, x: x.diagonal(offset=2), REDUCE),
    op("diag_embed", lambda m, x: m.diag_embed(x), REDUCE), op("diag_embed_dims", lambda m, x: x.diag_embed(1, 0, 2), REDUCE),
    op("diag_embed_neg", lambda m, x: x.diag_embed(-2), REDUCE),
    op("diag", lambda m, x: m.diag(x), REDUCE), op("diag_offset", lambda m, x: x.diag(-1), REDUCE),
    op("diag_far", lambda m, x: x.diag(5), REDUCE),
    op("tril", lambda m, x: m.tril(x), REDUCE), op("tril_neg", lambda m, x: x.tril(-1), REDUCE),
    op("triu", lambda m, x: m.triu(x), REDUCE), op("triu_offset", lambda m, x: x.triu(diagonal=1), REDUCE),
    op("meshgrid", lambda m, x, y: m.meshgrid(x, y, indexing="ij"), GRIDS),
    op("meshgrid_xy", lambda m, x, y: m.meshgrid([x, y, x], indexing="xy"), GRIDS),
    op("meshgrid_default", lambda m, x, y: m.meshgrid(x, y), GRIDS),
    op("atleast_1d", lambda m, x: m.atleast_1d(x), REDUCE), op("atleast_2d", lambda m, x: m.atleast_2d(x), REDUCE),
    op("atleast_3d", lambda m, x: m.atleast_3d(x), REDUCE),
    op("atleast_3d_many", lambda m, x, y: m.atleast_3d(x, y), PAIR_SHAPES),
    op("atleast_2d_list", lambda m, x, y: m.atleast_2d([x, y]), PAIR_SHAPES),
    op("hstack", lambda m, x, y: m.hstack([x, y]), CAT), op("vstack", lambda m, x, y: m.vstack((x, y)), CAT),
    op("row_stack", lambda m, x, y: m.row_stack([x, y]), CAT), op("dstack", lambda m, x, y: m.dstack([x, y]), CAT),
    op("column_stack", lambda m, x, y: m.column_stack([x, y]), CAT),
]
KNOWN_SHAPE = [
    K('view_as', '*:T', "torch: view size is not compatible with input tensor's size and stride (view copies here)"),
]

# indexing and scatter, in-place ops in the graph, issue 16 (ops/indexing.py)
MASK_FILL = {"3d": (A((2, 3, 4)), A((2, 3, 4), values="mask")), "row": (A((2, 3, 4)), A((4,), values="mask")),
             "T": (A((2, 3, 4), layout="T"), A((2, 3, 4), values="mask", layout="T")),
             "grow": (A((4,)), A((3, 4), values="mask")), "0d": (A(()), A((), values="mask")),
             "empty": (A((0, 4)), A((4,), values="mask")), "int_mask": (A((3, 4)), A((3, 4), dtype="int64"))}
MASK_VALUE = {k: v + (A(()),) for k, v in MASK_FILL.items() if k in ("3d", "row", "0d")}
MASK_VALUE["value_1d"] = (A((3, 4)), A((3, 4), values="mask"), A((1,)))
MASK_SCATTER = {k: v + (A((30,)),) for k, v in MASK_FILL.items() if k != "int_mask"}
MASK_SCATTER["short"], MASK_SCATTER["float_src"] = (A((3, 4)), A((4,), values="mask"), A((2,))), \
    (A((3, 4)), A((4,), values="mask"), A((12,), dtype="float64"))
ALONG = {"3d": (A((2, 3, 4)), A((5,), values="index:3")), "T": (A((2, 3, 4), layout="T"), A((5,), values="index:3")),
         "0d": (A(()), A((1,), values="index:1")), "empty": (A((2, 3, 4)), A((0,), values="index:3")),
         "oob": (A((2, 3, 4)), A((2,), values="index:9")), "2d_index": (A((2, 3, 4)), A((2, 2), values="index:3")),
         "float_index": (A((2, 3, 4)), A((2,), dtype="float32"))}
ALONG_SRC = {"3d": (A((2, 3, 4)), A((5,), values="index:3"), A((2, 5, 4))),
             "T": (A((2, 3, 4), layout="T"), A((5,), values="index:3"), A((2, 5, 4), layout="strided")),
             "0d": (A(()), A((1,), values="index:1"), A(())), "empty": (A((2, 3, 4)), A((0,), values="index:3"), A((2, 0, 4))),
             "oob": (A((2, 3, 4)), A((2,), values="index:9"), A((2, 2, 4))),
             "bad_src": (A((2, 3, 4)), A((2,), values="index:3"), A((2, 3, 4))),
             "src_dtype": (A((2, 3, 4)), A((2,), values="index:3"), A((2, 2, 4), dtype="float64"))}
COPY_SRC = {"3d": (A((2, 3, 4)), A((2, 2, 4))), "T": (A((2, 3, 4), layout="T"), A((2, 2, 4), layout="strided")),
            "bad_src": (A((2, 3, 4)), A((2, 3, 4))), "src_dtype": (A((2, 3, 4)), A((2, 2, 4), dtype="float64"))}
SCATTER = {"2d": (A((3, 4)), A((2, 4), values="index:3"), A((2, 5))),
           "T": (A((3, 4), layout="T"), A((2, 4), values="index:3"), A((2, 5), layout="strided")),
           "small_index": (A((3, 4)), A((2, 2), values="index:3"), A((2, 4))),
           "empty": (A((3, 4)), A((0, 4), values="index:3"), A((2, 4))), "oob": (A((3, 4)), A((2, 4), values="index:7"), A((2, 4))),
           "big_index": (A((3, 4)), A((2, 5), values="index:3"), A((2, 5))), "0d": (A(()), A((), values="index:1"), A(())),
           "src_dtype": (A((3, 4)), A((2, 4), values="index:3"), A((2, 4), dtype="float64"))}
SCATTER_VALUE = {k: v[:2] for k, v in SCATTER.items() if k != "src_dtype"}
TAKE = {"2d": (A((3, 4)), A((2, 3), values="index:12")), "T": (A((3, 4), layout="T"), A((5,), values="index:12")),
        "0d": (A(()), A((2,), values="index:1")), "oob": (A((3, 4)), A((2,), values="index:20")),
        "float_index": (A((3, 4)), A((2,), dtype="float32"))}
ALONG_DIM = {"2d": (A((3, 4)), A((3, 2), values="index:4")), "T": (A((3, 4), layout="T"), A((3, 5), values="index:4")),
             "bcast": (A((1, 4)), A((3, 2), values="index:4")), "bcast_index": (A((3, 4)), A((1, 2), values="index:4")),
             "ndim": (A((3, 4)), A((2,), values="index:4"))}  # no out of range: torch reads outside the tensor
PUT = {"2d": (A((3, 4)), A((5,), values="index:3"), A((5, 4))), "bcast": (A((3, 4)), A((5,), values="index:3"), A((4,))),
       "T": (A((3, 4), layout="T"), A((2,), values="index:3"), A((2, 4), layout="strided")),
       "bad": (A((3, 4)), A((2,), values="index:3"), A((3,))), "dtype": (A((3, 4)), A((2,), values="index:3"), A((4,), dtype="float64"))}
SET_GRAPH = {"2d": (A((3, 4)), A((2,))), "T": (A((3, 4), layout="T"), A((2,), layout="strided")), "0d_value": (A((3, 4)), A(())),
             "bad": (A((3, 4)), A((3,)))}
IN_GRAPH = {"same": (A((3, 4)), A((3, 4))), "bcast": (A((3, 4)), A((4,))), "T": (A((3, 4), layout="T"), A((3, 4), layout="strided")),
            "grow": (A((4,)), A((3, 4)))}


def fixed_index(m):  # a scatter index with no repeated position along dim 0 (repeats are nondeterministic in torch)
    return m.tensor([[1, 2, 0, 1], [0, 1, 2, 2]])


def iadd_twice(x):
    c = x * 1
    c += c + 1
    return c


def setitem_view(m, x, v):
    c = x * 1
    c[1][1:3] = v  # through a view: the base is updated and recorded
    return c


OPS_INDEX = [  # (torch's take_along_dim without dim refuses a transposed input: it uses view)
    op("masked_fill", lambda m, x, b: x.masked_fill(b, 0.5), MASK_FILL),
    op("masked_fill_fn", lambda m, x, b: m.masked_fill(x, b, -2), MASK_FILL),
    op("masked_fill_tensor", lambda m, x, b, v: x.masked_fill(b, v), MASK_VALUE),
    op("masked_fill_", lambda m, x, b: x.clone().masked_fill_(b, 1.5), MASK_FILL),
    op("masked_fill_leaf", lambda m, x, b: x.masked_fill_(b, 1.5), {"3d": MASK_FILL["3d"]}, FLOATS),
    op("masked_select", lambda m, x, b: x.masked_select(b), MASK_FILL),
    op("masked_select_fn", lambda m, x, b: m.masked_select(x, b), MASKED),
    op("masked_scatter", lambda m, x, b, s: x.masked_scatter(b, s), MASK_SCATTER),
    op("masked_scatter_", lambda m, x, b, s: x.clone().masked_scatter_(b, s), MASK_SCATTER),
    op("index_select", lambda m, x, i: x.index_select(-1 if x.ndim == 0 else 1, i), ALONG),
    op("index_select_fn", lambda m, x, i: m.index_select(x, 0, i), ALONG),
    op("index_add", lambda m, x, i, s: x.index_add(-1 if x.ndim == 0 else 1, i, s), ALONG_SRC),
    op("index_add_alpha", lambda m, x, i, s: m.index_add(x, 0 if x.ndim == 0 else 1, i, s, alpha=2), ALONG_SRC),
    op("index_add_", lambda m, x, i, s: x.clone().index_add_(0 if x.ndim == 0 else 1, i, s), ALONG_SRC),
    op("index_copy", lambda m, x, s: x.index_copy(1, m.tensor([2, 0]), s), COPY_SRC),
    op("index_copy_fn", lambda m, x, i: m.index_copy(x, 0, i, x[:1].expand(len(i), *x.shape[1:]).clone()),
       {"3d": (A((2, 3, 4)), A((1,), values="index:2")), "oob": (A((2, 3, 4)), A((1,), values="index:9"))}),
    op("index_copy_", lambda m, x, s: x.clone().index_copy_(1, m.tensor([2, 0]), s), COPY_SRC),
    op("index_fill", lambda m, x, i: x.index_fill(0 if x.ndim == 0 else 1, i, -1), ALONG),
    op("index_fill_tensor", lambda m, x, i, v: m.index_fill(x, -1, i, v),
       {"3d": (A((2, 3, 4)), A((3,), values="index:4"), A(())), "1d_value": (A((2, 3, 4)), A((3,), values="index:4"), A((1,)))}),
    op("index_fill_", lambda m, x, i: x.clone().index_fill_(0 if x.ndim == 0 else 1, i, 2), ALONG),
    op("scatter", lambda m, x, i, s: x.scatter(0, i, s), SCATTER, values=False),
    op("scatter_fixed", lambda m, x, s: m.scatter(x, 0, fixed_index(m), s), {"2d": (A((3, 4)), A((2, 5))), "T": (A((3, 4), layout="T"), A((3, 4)))}),
    op("scatter_value", lambda m, x, i: x.scatter(0, i, 1.5), SCATTER_VALUE, values=False),
    op("scatter_value_fixed", lambda m, x: x.scatter(0, fixed_index(m), value=2), {"2d": (A((3, 4)),)}),
    op("scatter_add_reduce", lambda m, x, i, s: x.scatter(0, i, s, reduce="add"), SCATTER),
    op("scatter_multiply", lambda m, x, i, s: x.scatter(0, i, s, reduce="multiply"), SCATTER),
    op("scatter_multiply_value", lambda m, x, i: x.scatter(0, i, 2, reduce="multiply"), SCATTER_VALUE),
    op("scatter_bad_reduce", lambda m, x, i, s: x.scatter(0, i, s, reduce="mean"), {"2d": SCATTER["2d"]}),
    op("scatter_", lambda m, x, s: x.clone().scatter_(0, fixed_index(m), s), {"2d": (A((3, 4)), A((2, 5)))}),
    op("scatter_add", lambda m, x, i, s: x.scatter_add(0, i, s), SCATTER),
    op("scatter_add_fn", lambda m, x, i, s: m.scatter_add(x, -1, i.T, s.T), SCATTER),
    op("scatter_add_", lambda m, x, i, s: x.clone().scatter_add_(0, i, s), SCATTER),
    *[op(f"scatter_reduce_{r}{'' if s else '_noself'}",
         lambda m, x, i, v, r=r, s=s: x.scatter_reduce(0, i, v, r, include_self=s), SCATTER)
      for r in ("sum", "prod", "mean", "amax", "amin") for s in (True, False)],
    op("scatter_reduce_fn", lambda m, x, i, s: m.scatter_reduce(x, 0, i, s, reduce="amax"), SCATTER),
    op("scatter_reduce_", lambda m, x, i, s: x.clone().scatter_reduce_(0, i, s, "prod", include_self=False), SCATTER),
    op("scatter_reduce_bad", lambda m, x, i, s: x.scatter_reduce(0, i, s, "median"), {"2d": SCATTER["2d"]}),
    op("take", lambda m, x, i: x.take(i), TAKE), op("take_fn", lambda m, x, i: m.take(x, i), TAKE),
    op("take_along_dim", lambda m, x, i: m.take_along_dim(x, i, 1), ALONG_DIM),
    op("take_along_dim_none", lambda m, x, i: x.take_along_dim(i), {k: v for k, v in ALONG_DIM.items() if k != "T"}),
    op("take_along_dim_neg", lambda m, x, i: m.take_along_dim(x, i - 4, dim=-1), {"2d": ALONG_DIM["2d"]}),
    op("gather_neg", lambda m, x, i: x.gather(1, i - 4), GATHER),
    op("nonzero", lambda m, x: x.nonzero(), REDUCE), op("nonzero_fn", lambda m, x: m.nonzero(x), REDUCE),
    op("nonzero_tuple", lambda m, x: m.nonzero(x, as_tuple=True), REDUCE),
    op("argwhere", lambda m, x: m.argwhere(x), REDUCE), op("argwhere_method", lambda m, x: x.argwhere(), REDUCE),
    op("where_cond", lambda m, x: m.where(x), REDUCE),
    op("index_put", lambda m, x, i, v: m.index_put(x, (i,), v, accumulate=True), PUT),
    op("index_put_method", lambda m, x, i, v: x.index_put((None, i % 4), v[..., :1], accumulate=True), PUT),
    op("index_put_", lambda m, x, i, v: x.clone().index_put_((i,), v, True), PUT),
    op("index_put_fixed", lambda m, x, v: x.index_put((m.tensor([2, 0]),), v), {"2d": (A((3, 4)), A((2, 4))), "bcast": (A((3, 4)), A((4,)))}),
    op("index_put_number", lambda m, x, i: m.index_put(x, (i,), 1.0), {"2d": PUT["2d"][:2]}),
    op("setitem_graph", lambda m, x, v: setitem(x * 1, (0, slice(1, 3)), v), SET_GRAPH, FLOATS),
    op("setitem_graph_index", lambda m, x, v: setitem(x * 1, (m.tensor([2, 0]), 1), v), SET_GRAPH, FLOATS),
    op("setitem_graph_mask", lambda m, x, v: setitem(x * 1, x > 0, v.sum()), SET_GRAPH, FLOATS),
    op("setitem_graph_view", setitem_view, SET_GRAPH, FLOATS),
    op("setitem_leaf", lambda m, x, v: setitem(x, 0, v), {"2d": SET_GRAPH["2d"]}, FLOATS),
    op("setitem_into_constant", lambda m, x, v: setitem(x.detach().clone(), (0, slice(1, 3)), v), SET_GRAPH, FLOATS),
    op("mul_graph", lambda m, x, y: (x * 1).mul_(y), IN_GRAPH, FLOATS),
    op("add_graph", lambda m, x, y: (x * 1).add_(y, alpha=-2), IN_GRAPH, FLOATS),
    op("sub_graph", lambda m, x, y: (x * 1).sub_(y), IN_GRAPH, FLOATS),
    op("div_graph", lambda m, x, y: (x * 1).div_(y), IN_GRAPH, FLOATS),
    op("iadd_graph", lambda m, x: iadd_twice(x), UNARY, FLOATS),
    op("relu_graph", lambda m, x: (x * 1).relu_(), UNARY, FLOATS),
    op("clamp_graph", lambda m, x: (x * 1).clamp_(-1, 1), UNARY, FLOATS),
    op("copy_graph", lambda m, x, y: (x * 1).copy_(y), IN_GRAPH, FLOATS),
    op("fill_graph", lambda m, x, y: (x * 1).fill_(y.sum()), IN_GRAPH, FLOATS),
    op("zero_graph", lambda m, x: (x * 1).zero_() + x, UNARY, FLOATS),
    op("inplace_into_constant", lambda m, x, y: x.detach().clone().mul_(y), IN_GRAPH, FLOATS),
    op("inplace_leaf", lambda m, x, y: x.add_(y), IN_GRAPH, FLOATS),
    op("inplace_view_of_leaf", lambda m, x, y: x[0].add_(y[0]), IN_GRAPH, FLOATS),
    op("inplace_view", lambda m, x, y: (x * 1).T.mul_(y.T).T, IN_GRAPH, FLOATS),
    op("inplace_expanded", lambda m, x, y: (y[0] * 1).expand(3, 4).add_(x), IN_GRAPH, FLOATS),
]
KNOWN_INDEX = [
    K('relu_graph', 'floats:ext', 'gradient at tiny, inf or nan differs (as relu)'),
]

# products and torch.linalg, issue 16 (ops/linalg.py)
MM2 = {"2d": (A((3, 4)), A((4, 5))), "T": (A((3, 4), layout="T"), A((4, 5), layout="strided")),
       "empty": (A((0, 4)), A((4, 5))), "inner0": (A((3, 0)), A((0, 5))), "mismatch": (A((3, 4)), A((3, 4))),
       "1d": (A((4,)), A((4, 5)))}
BMM = {"3d": (A((2, 3, 4)), A((2, 4, 5))), "T": (A((2, 3, 4), layout="T"), A((2, 4, 5), layout="strided")),
       "empty": (A((0, 3, 4)), A((0, 4, 5))), "batches": (A((2, 3, 4)), A((3, 4, 5))), "2d": (A((3, 4)), A((4, 5)))}
MV = {"2d": (A((3, 4)), A((4,))), "T": (A((3, 4), layout="T"), A((4,), layout="strided")),
      "empty": (A((0, 4)), A((4,))), "mismatch": (A((3, 4)), A((3,))), "2d2d": (A((3, 4)), A((4, 2)))}
VV = {"1d": (A((4,)), A((4,))), "strided": (A((4,), layout="strided"), A((4,))), "empty": (A((0,)), A((0,))),
      "mismatch": (A((4,)), A((3,))), "2d": (A((2, 2)), A((2, 2)))}
OUTER = {"1d": (A((3,)), A((4,))), "strided": (A((3,), layout="strided"), A((4,))), "empty": (A((0,)), A((4,))),
         "0d": (A(()), A((4,))), "2d": (A((2, 2)), A((2,)))}
INNER = {"2d": (A((2, 3)), A((4, 3))), "1d": (A((3,)), A((3,))), "0d": (A(()), A((2, 3))),
         "T": (A((3, 3), layout="T"), A((2, 3), layout="strided")), "mismatch": (A((2, 3)), A((2, 4)))}
TENSORDOT = {"3d": (A((2, 3, 4)), A((3, 4, 5))), "T": (A((2, 3, 4), layout="T"), A((3, 4, 5), layout="strided")),
             "empty": (A((0, 3, 4)), A((3, 4, 5))), "mismatch": (A((2, 3, 4)), A((4, 3, 5)))}
KRON = {"2d": (A((2, 3)), A((3, 2))), "nd": (A((2, 3)), A((4,))), "0d": (A(()), A((2,))),
        "T": (A((2, 3), layout="T"), A((2, 2), layout="strided")), "empty": (A((0, 2)), A((2, 2)))}
ADDMM = {"bcast": (A((5,)), A((3, 4)), A((4, 5))), "full": (A((3, 5)), A((3, 4)), A((4, 5))),
         "T": (A((3, 5), layout="T"), A((3, 4), layout="T"), A((4, 5), layout="strided")),
         "bad": (A((4,)), A((3, 4)), A((4, 5)))}
ADDMV = {"1d": (A((3,)), A((3, 4)), A((4,))), "0d": (A(()), A((3, 4)), A((4,))), "bad": (A((2,)), A((3, 4)), A((4,)))}
BADDBMM = {"bcast": (A((3, 5)), A((2, 3, 4)), A((2, 4, 5))), "full": (A((2, 3, 5)), A((2, 3, 4)), A((2, 4, 5))),
           "T": (A((3, 5), layout="T"), A((2, 3, 4), layout="T"), A((2, 4, 5)))}
CROSS = {"2d": (A((4, 3)), A((4, 3))), "bcast": (A((4, 3)), A((1, 3))), "T": (A((3, 3), layout="T"), A((3, 3), layout="strided")),
         "no3": (A((4, 4)), A((4, 4))), "ndim": (A((4, 3)), A((3,))), "empty": (A((0, 3)), A((0, 3)))}
MULTI = {"2d": (A((2, 3)), A((3, 4)), A((4, 2))), "vectors": (A((3,)), A((3, 4)), A((4,))),
         "T": (A((2, 3), layout="T"), A((3, 4), layout="strided"), A((4, 2))), "mismatch": (A((2, 3)), A((4, 4)), A((4, 2)))}
SQUARE = {"2d": (A((3, 3)),), "3d": (A((2, 3, 3)),), "T": (A((3, 3), layout="T"),), "empty": (A((0, 0)),),
          "1x1": (A((1, 1)),), "nonsquare": (A((3, 4)),), "1d": (A((3,)),)}
MATRIX = {"tall": (A((4, 3)),), "wide": (A((3, 5)),), "3d": (A((2, 4, 3)),), "T": (A((3, 4), layout="T"),),
          "square": (A((3, 3)),), "1d": (A((3,)),)}
SOLVE = {"mat": (A((3, 3)), A((3, 2))), "vec": (A((3, 3)), A((3,))), "batch_vec": (A((2, 3, 3)), A((2, 3))),
         "bcast": (A((2, 3, 3)), A((3, 4))), "T": (A((3, 3), layout="T"), A((3, 2), layout="strided")),
         "mismatch": (A((3, 3)), A((4, 2))), "mixed": (A((3, 3)), A((3, 2), dtype="float64"))}
LSTSQ = {"tall": (A((5, 3)), A((5, 2))), "wide": (A((3, 5)), A((3, 2))), "3d": (A((2, 5, 3)), A((2, 5, 2))),
         "mismatch": (A((5, 3)), A((4, 2)))}
MNORM = {"2d": (A((3, 4)),), "3d": (A((2, 3, 4)),), "T": (A((3, 4), layout="T"),), "1d": (A((4,)),)}


# norms and factorizations accept float32 and float64 only: one int dtype stands for all
LINALG_DTYPES = ("bool", "int64", "float16", "float32", "float64")


def lop(name, fn, shapes):
    return op(name, fn, shapes, LINALG_DTYPES)


def _spd(m, x):  # a symmetric positive-definite matrix (batch) made from x
    return x @ x.transpose(-2, -1) + 3 * m.eye(x.shape[-1], dtype=x.dtype)


def _sym(x):
    return x + x.transpose(-2, -1)


OPS_LINALG = [
    # --- products ----------------------------------------------------------------------------------
    op("mm", lambda m, x, y: m.mm(x, y), MM2, mixed=(A((3, 4)), A((4, 5), dtype="dt2"))),
    op("mm_method", lambda m, x, y: x.mm(y), {k: MM2[k] for k in ("2d", "mismatch")}),
    op("bmm", lambda m, x, y: m.bmm(x, y), BMM), op("bmm_method", lambda m, x, y: x.bmm(y), {k: BMM[k] for k in ("3d", "batches")}),
    op("mv", lambda m, x, y: m.mv(x, y), MV), op("mv_method", lambda m, x, y: x.mv(y), {k: MV[k] for k in ("2d", "mismatch")}),
    op("dot", lambda m, x, y: m.dot(x, y), VV, mixed=(A((4,)), A((4,), dtype="dt2"))),
    op("vdot", lambda m, x, y: x.vdot(y), VV),
    op("outer", lambda m, x, y: m.outer(x, y), OUTER, mixed=(A((3,)), A((4,), dtype="dt2"))),
    op("ger", lambda m, x, y: x.ger(y), OUTER),
    op("inner", lambda m, x, y: m.inner(x, y), INNER), op("inner_method", lambda m, x, y: x.inner(y), {k: INNER[k] for k in ("2d", "0d")}),
    op("tensordot", lambda m, x, y: m.tensordot(x, y), TENSORDOT),
    op("tensordot_lists", lambda m, x, y: m.tensordot(x, y, ([1, 2], [0, 1])), TENSORDOT),
    op("tensordot_1", lambda m, x, y: m.tensordot(x, y, dims=1), {"3d": (A((2, 3, 4)), A((4, 5)))}),
    op("kron", lambda m, x, y: m.kron(x, y), KRON, mixed=(A((2, 3)), A((2,), dtype="dt2"))),
    op("kron_method", lambda m, x, y: x.kron(y), {k: KRON[k] for k in ("nd", "T")}),
    op("addmm", lambda m, c, x, y: m.addmm(c, x, y), ADDMM),
    op("addmm_scaled", lambda m, c, x, y: c.addmm(x, y, beta=2, alpha=3), ADDMM),
    op("addmm_beta0", lambda m, c, x, y: m.addmm(c, x, y, beta=0, alpha=0.5), {"bcast": ADDMM["bcast"]}, FLOATS),
    op("addmv", lambda m, c, x, y: m.addmv(c, x, y, alpha=2), ADDMV),
    op("addmv_method", lambda m, c, x, y: c.addmv(x, y, beta=2), {"1d": ADDMV["1d"]}),
    op("baddbmm", lambda m, c, x, y: m.baddbmm(c, x, y, beta=2), BADDBMM),
    op("baddbmm_method", lambda m, c, x, y: c.baddbmm(x, y, alpha=2), {"full": BADDBMM["full"]}),
    op("addbmm", lambda m, c, x, y: m.addbmm(c, x, y), {k: v for k, v in BADDBMM.items() if k != "full"}),
    op("addbmm_method", lambda m, c, x, y: c.addbmm(x, y, beta=3, alpha=2), {"bcast": BADDBMM["bcast"]}),
    op("matrix_power", lambda m, x: m.matrix_power(x, 3), SQUARE),
    op("matrix_power_0", lambda m, x: x.matrix_power(0), SQUARE),
    op("matrix_power_neg", lambda m, x: x.matrix_power(-2), SQUARE),
    op("linalg.matrix_power", lambda m, x: m.linalg.matrix_power(x, 2), SQUARE),
    op("chain_matmul", lambda m, x, y, z: m.chain_matmul(x, y, z), {k: MULTI[k] for k in ("2d", "T", "mismatch")}),
    op("linalg.multi_dot", lambda m, x, y, z: m.linalg.multi_dot([x, y, z]), MULTI),
    op("linalg.matmul", lambda m, x, y: m.linalg.matmul(x, y), MATMUL),
    op("cross", lambda m, x, y: m.cross(x, y, dim=-1), CROSS),
    op("cross_default", lambda m, x, y: x.cross(y), {k: CROSS[k] for k in ("2d", "no3", "T")}),
    op("linalg.cross", lambda m, x, y: m.linalg.cross(x, y), CROSS, mixed=(A((4, 3)), A((4, 3), dtype="dt2"))),
    op("einsum_mm", lambda m, x, y: m.einsum("ij,jk->ik", x, y), MM2),
    op("einsum_implicit", lambda m, x, y: m.einsum("bij,bjk", x, y), BMM),
    op("einsum_list", lambda m, x, y: m.einsum("...ij,...jk", [x, y]), MATMUL),
    op("einsum_outer", lambda m, x, y: m.einsum("i,j->ij", x, y), OUTER, mixed=(A((3,)), A((4,), dtype="dt2"))),
    op("einsum_diag", lambda m, x: m.einsum("ii->i", x), SQUARE), op("einsum_trace", lambda m, x: m.einsum("ii", x), SQUARE),
    op("einsum_sum", lambda m, x: m.einsum("ij->j", x), {"2d": (A((3, 4)),), "T": (A((3, 4), layout="T"),)}),
    op("einsum_permute", lambda m, x: m.einsum("...ij->ji...", x), {"3d": (A((2, 3, 4)),), "T": (A((2, 3, 4), layout="T"),)}),
    op("einsum_three", lambda m, x, y, z: m.einsum("ij,jk,kl->il", x, y, z), {k: MULTI[k] for k in ("2d", "T", "mismatch")}),
    op("einsum_sublist", lambda m, x, y: m.einsum(x, [0, 1], y, [1, 2], [0, 2]), MM2),
    # --- norms ---------------------------------------------------------------------------------------
    lop("norm", lambda m, x: x.norm(), REDUCE), lop("norm_fn", lambda m, x: m.norm(x, dim=-1), REDUCE),
    lop("norm_p1", lambda m, x: x.norm(1, dim=0, keepdim=True), REDUCE), lop("norm_p3", lambda m, x: m.norm(x, 3), REDUCE),
    lop("norm_inf", lambda m, x: x.norm(float("inf")), REDUCE), lop("norm_nuc", lambda m, x: m.norm(x, "nuc"), MNORM),
    lop("norm_fro_dims", lambda m, x: m.norm(x, "fro", dim=(0, -1)), MNORM),
    lop("linalg.vector_norm", lambda m, x: m.linalg.vector_norm(x), REDUCE),
    lop("linalg.vector_norm_dim", lambda m, x: m.linalg.vector_norm(x, dim=-1, keepdim=True), REDUCE),
    lop("linalg.vector_norm_inf", lambda m, x: m.linalg.vector_norm(x, float("inf"), dim=-1), REDUCE),
    lop("linalg.vector_norm_neginf", lambda m, x: m.linalg.vector_norm(x, -float("inf")), REDUCE),
    lop("linalg.vector_norm_0", lambda m, x: m.linalg.vector_norm(x, 0), REDUCE),
    lop("linalg.vector_norm_half", lambda m, x: m.linalg.vector_norm(x, 0.5, dim=0), REDUCE),
    lop("linalg.vector_norm_neg", lambda m, x: m.linalg.vector_norm(x, -1.5), REDUCE),
    lop("linalg.vector_norm_dtype", lambda m, x: m.linalg.vector_norm(x, dtype=m.float64), REDUCE),
    lop("linalg.matrix_norm", lambda m, x: m.linalg.matrix_norm(x), MNORM),
    lop("linalg.matrix_norm_nuc", lambda m, x: m.linalg.matrix_norm(x, "nuc"), MNORM),
    lop("linalg.matrix_norm_2", lambda m, x: m.linalg.matrix_norm(x, 2, keepdim=True), MNORM),
    lop("linalg.matrix_norm_-2", lambda m, x: m.linalg.matrix_norm(x, -2), MNORM),
    lop("linalg.matrix_norm_1", lambda m, x: m.linalg.matrix_norm(x, 1, dim=(-1, 0)), MNORM),
    lop("linalg.matrix_norm_-1", lambda m, x: m.linalg.matrix_norm(x, -1), MNORM),
    lop("linalg.matrix_norm_inf", lambda m, x: m.linalg.matrix_norm(x, float("inf"), keepdim=True), MNORM),
    lop("linalg.matrix_norm_-inf", lambda m, x: m.linalg.matrix_norm(x, -float("inf")), MNORM),
    lop("linalg.matrix_norm_3", lambda m, x: m.linalg.matrix_norm(x, 3), MNORM),
    lop("linalg.norm", lambda m, x: m.linalg.norm(x), REDUCE), lop("linalg.norm_ord", lambda m, x: m.linalg.norm(x, 2), MNORM),
    lop("linalg.norm_dim", lambda m, x: m.linalg.norm(x, 1, dim=-1), MNORM),
    lop("linalg.norm_dims", lambda m, x: m.linalg.norm(x, "nuc", dim=(0, -1)), MNORM),
    # --- torch.linalg ----------------------------------------------------------------------------------
    lop("linalg.inv", lambda m, x: m.linalg.inv(x), SQUARE), lop("inverse", lambda m, x: x.inverse(), SQUARE),
    lop("linalg.inv_singular", lambda m, x: m.linalg.inv(x * 0), SQUARE),
    lop("linalg.det", lambda m, x: m.linalg.det(x), SQUARE), lop("det", lambda m, x: x.det(), SQUARE),
    lop("det_singular", lambda m, x: m.det(x[..., :1].expand(x.shape)), {k: SQUARE[k] for k in ("2d", "3d", "T")}),
    lop("linalg.slogdet", lambda m, x: tuple(m.linalg.slogdet(x)), SQUARE),
    lop("slogdet", lambda m, x: tuple(x.slogdet()), SQUARE), lop("logdet", lambda m, x: x.logdet(), SQUARE),
    lop("logdet_fn", lambda m, x: m.logdet(_spd(m, x)), SQUARE),
    lop("linalg.solve", lambda m, a, b: m.linalg.solve(a, b), SOLVE),
    lop("linalg.solve_right", lambda m, a, b: m.linalg.solve(a, b, left=False), {"mat": (A((3, 3)), A((2, 3)))}),
    lop("linalg.solve_singular", lambda m, a, b: m.linalg.solve(a * 0, b), {"vec": SOLVE["vec"]}),
    lop("linalg.cholesky", lambda m, x: m.linalg.cholesky(_spd(m, x)), SQUARE),
    lop("linalg.cholesky_upper", lambda m, x: m.linalg.cholesky(_spd(m, x), upper=True), SQUARE),
    lop("linalg.cholesky_not_pd", lambda m, x: m.linalg.cholesky(-_spd(m, x)), SQUARE),
    lop("linalg.qr", lambda m, x: tuple(m.linalg.qr(x)), MATRIX),
    lop("linalg.qr_complete", lambda m, x: tuple(m.linalg.qr(x, mode="complete")), {k: MATRIX[k] for k in ("wide", "square")}),
    lop("linalg.qr_r", lambda m, x: m.linalg.qr(x, mode="r").R, MATRIX),
    lop("linalg.qr_named", lambda m, x: m.linalg.qr(x).Q, MATRIX),
    lop("linalg.svd", lambda m, x: (lambda u, s, vh: (u * u, s, vh * vh))(*m.linalg.svd(x, full_matrices=False)), MATRIX),
    lop("linalg.svd_full", lambda m, x: (lambda r: (r.U @ r.Vh[..., :r.U.shape[-1]] if x.shape[-1] >= x.shape[-2] else r.U[..., :r.Vh.shape[-1]] @ r.Vh, r.S))(m.linalg.svd(x)), MATRIX),
    lop("linalg.svdvals", lambda m, x: m.linalg.svdvals(x), MATRIX),
    lop("linalg.eigh", lambda m, x: (lambda w, v: (w, v * v))(*m.linalg.eigh(_sym(x))), SQUARE),
    lop("linalg.eigh_upper", lambda m, x: m.linalg.eigh(x, UPLO="U").eigenvalues, SQUARE),
    lop("linalg.eigvalsh", lambda m, x: m.linalg.eigvalsh(_sym(x)), SQUARE),
    lop("linalg.pinv", lambda m, x: m.linalg.pinv(x), MATRIX),
    lop("linalg.pinv_atol", lambda m, x: m.linalg.pinv(x, atol=0.5), MATRIX),
    lop("pinverse", lambda m, x: x.pinverse(), MATRIX),
    lop("linalg.matrix_rank", lambda m, x: m.linalg.matrix_rank(x), MATRIX),
    lop("linalg.matrix_rank_low", lambda m, x: m.linalg.matrix_rank(x[..., :1] * x[..., :1, :]), MATRIX),
    lop("linalg.lstsq", lambda m, a, b: tuple(m.linalg.lstsq(a, b)), LSTSQ),
    lop("linalg.lstsq_gelsd", lambda m, a, b: tuple(m.linalg.lstsq(a, b, driver="gelsd")), LSTSQ),
]
KNOWN_LINALG = [
    K('kron kron_method', '*:T', "torch refuses a transposed input (view size is not compatible with input tensor's size and stride); ours answers"),
    K('matrix_power', 'float16:3d,T', 'float16 A³ with cancelling sums: rounding differs from torch by 2% in one element (products taken in another order)'),
    K('norm_p3 norm_inf', 'floats:ext', 'gradient at nan/inf inputs: torch gives 0 at nan for abs and max, and nan at every element (zeros too) when the norm is nan or inf'),
    K('linalg.vector_norm_inf', 'float16:ext', 'gradient at nan/inf inputs: torch gives 0 at nan for max, ours nan'),
    K('linalg.vector_norm_neginf linalg.vector_norm_half', 'floats:ext', 'gradient at nan/inf inputs: torch gives 0 at nan for min, and nan at every element (zeros too) when the norm is nan or inf'),
    K('linalg.vector_norm_neg', 'float16,float64:ext', 'gradient at nan/inf inputs: torch gives nan at every element (zeros too) when the norm is nan'),
    K('linalg.pinv_atol', '*:1d', 'torch raises IndexError for a 1-D input when atol is given (RuntimeError without); ours ShapeError (ValueError, RuntimeError)'),
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
def _cube_function(m):
    """The same custom autograd.Function in either framework (backward in tensor ops)."""
    class Cube(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x ** 2
    return Cube


def _grad_of_custom(m, x):  # first derivative with create_graph: the harness differentiates it again
    return m.autograd.grad(_cube_function(m).apply(x).sum(), x, create_graph=True)[0]


def _clip(m, x, norm_type):
    x.grad = (x.detach() * 2).sin()
    return m.nn.utils.clip_grad_norm_([x], 1.5, norm_type), x.grad


def _clip_value(m, x):
    x.grad = x.detach() * 2
    return m.nn.utils.clip_grad_value_(x, 1.0), x.grad


SEQUENCES = {"2d": (A((3, 2)), A((1, 2))), "1d": (A((3,)), A((2,))), "empty": (A((0, 2)), A((2, 2))),
             "T": (A((2, 3), layout="T"), A((4, 3), layout="strided"))}
VECTOR_PAIR = {"1d": (A((3,)), A((3,))), "2d": (A((2, 3)), A((2, 3))), "0d": (A(()), A(()))}
OPS_AUTOGRAD = [
    op("pad_sequence", lambda m, x, y: m.nn.utils.rnn.pad_sequence([x, y]), SEQUENCES,
       mixed=(A((3,)), A((2,), dtype="dt2"))),
    op("pad_sequence_left", lambda m, x, y: m.nn.utils.rnn.pad_sequence(
        (x, y), batch_first=True, padding_value=-2.5, padding_side="left"), SEQUENCES),
    op("unpad_sequence", lambda m, x, y: m.nn.utils.rnn.unpad_sequence(
        m.nn.utils.rnn.pad_sequence([x, y]), m.tensor([x.shape[0], y.shape[0]])), SEQUENCES),
    op("parameters_to_vector", lambda m, x, y: m.nn.utils.parameters_to_vector([x, y]), VECTOR_PAIR),
    op("clip_grad_norm_", lambda m, x: _clip(m, x, 2.0), REDUCE, FLOATS),
    op("clip_grad_norm_inf", lambda m, x: _clip(m, x, "inf"), REDUCE, FLOATS),
    op("clip_grad_norm_1", lambda m, x: _clip(m, x, 1), REDUCE, FLOATS),
    op("clip_grad_value_", _clip_value, REDUCE, FLOATS),
    op("custom_function", lambda m, x: _cube_function(m).apply(x)),
    op("custom_function_grad", _grad_of_custom, UNARY, FLOATS),
    op("autograd.backward", lambda m, x: (m.autograd.backward([(x * x).sum()], inputs=[x]), x.grad)[1],
       UNARY, FLOATS),
    op("jacobian", lambda m, x: m.autograd.functional.jacobian(lambda t: (t * t).sin(), x)),
    op("jacobian_create_graph", lambda m, x: m.autograd.functional.jacobian(
        lambda t: (t * t).sin(), x, create_graph=True), UNARY, FLOATS),
    op("jacobian_two_inputs", lambda m, x, y: m.autograd.functional.jacobian(
        lambda a, b: (a * b.exp(), a - b), (x, y)), VECTOR_PAIR, FLOATS),
    op("hessian", lambda m, x: m.autograd.functional.hessian(lambda t: (t ** 3).sum() * t.sum(), x),
       UNARY, FLOATS),
    op("hessian_create_graph", lambda m, x: m.autograd.functional.hessian(
        lambda t: (t.sin() * t).sum(), x, create_graph=True), UNARY, FLOATS),
    op("vjp", lambda m, x, v: m.autograd.functional.vjp(lambda t: t.exp() * t, x, v), VECTOR_PAIR, FLOATS),
    op("jvp", lambda m, x, v: m.autograd.functional.jvp(lambda t: t.exp() * t, x, v), VECTOR_PAIR, FLOATS),
    op("vhp", lambda m, x, v: m.autograd.functional.vhp(lambda t: (t.exp() * t).sum(), x, v), VECTOR_PAIR, FLOATS),
    op("hvp", lambda m, x, v: m.autograd.functional.hvp(lambda t: (t.exp() * t).sum(), x, v), VECTOR_PAIR, FLOATS),
]
KNOWN_AUTOGRAD = [
]

# layers and activations in nn.functional, issue 17
_SIGNAL = {"3d": (A((2, 4, 7)),), "2d": (A((4, 7)),), "T": (A((2, 4, 7), layout="T"),),
           "strided": (A((2, 4, 7), layout="strided"),), "empty": (A((0, 4, 7)),)}
_VOLUME = {"5d": (A((2, 2, 4, 5, 4)),), "4d": (A((2, 4, 5, 4)),), "T": (A((2, 2, 4, 5, 4), layout="T"),)}
_CONV1D = {"bias": (A((2, 4, 7)), A((6, 2, 3)), A((6,))), "nobias": (A((2, 4, 7)), A((6, 2, 3))),
           "2d": (A((4, 7)), A((6, 2, 3)), A((6,))), "T": (A((2, 4, 7), layout="T"), A((6, 2, 3), layout="strided")),
           "channels": (A((2, 3, 7)), A((6, 2, 3))), "empty": (A((0, 4, 7)), A((6, 2, 3)))}
_CONV2D_G = {"bias": (A((2, 4, 6, 5)), A((6, 2, 3, 2)), A((6,))), "3d": (A((4, 6, 5)), A((6, 2, 3, 2)), A((6,))),
             "T": (A((2, 4, 6, 5), layout="T"), A((6, 2, 3, 2), layout="strided")),
             "channels": (A((2, 3, 6, 5)), A((6, 2, 3, 2)))}
_DEPTHWISE = {"bias": (A((2, 3, 5, 5)), A((6, 1, 3, 3)), A((6,))), "T": (A((2, 3, 5, 5), layout="T"), A((6, 1, 3, 3)))}
_CONV3D = {"bias": (A((2, 2, 4, 5, 4)), A((3, 2, 2, 3, 2)), A((3,))), "4d": (A((2, 4, 5, 4)), A((3, 2, 2, 3, 2))),
           "T": (A((2, 2, 4, 5, 4), layout="T"), A((3, 2, 2, 3, 2), layout="strided"))}
_CONVT1D = {"bias": (A((2, 4, 5)), A((4, 3, 3)), A((6,))), "nobias": (A((2, 4, 5)), A((4, 3, 3))),
            "2d": (A((4, 5)), A((4, 3, 3)), A((6,))), "T": (A((2, 4, 5), layout="T"), A((4, 3, 3), layout="strided"))}
_CONVT2D = {"bias": (A((2, 4, 4, 3)), A((4, 3, 3, 2)), A((6,))), "3d": (A((4, 4, 3)), A((4, 3, 3, 2))),
            "T": (A((2, 4, 4, 3), layout="T"), A((4, 3, 3, 2), layout="strided")),
            "channels": (A((2, 3, 4, 3)), A((4, 3, 3, 2)))}
_CONVT3D = {"bias": (A((1, 2, 3, 2, 3)), A((2, 2, 2, 2, 2)), A((4,)))}
_PAIR = {"same": (A((3, 4)), A((3, 4))), "bcast": (A((3, 4)), A((4,))), "T": (A((3, 4), layout="T"), A((3, 4), layout="strided")),
         "3d": (A((2, 3, 4)), A((2, 3, 4))), "empty": (A((0, 4)), A((0, 4)))}
_CDIST = {"2d": (A((3, 4)), A((5, 4))), "batch": (A((2, 3, 4)), A((2, 5, 4))), "T": (A((4, 3), layout="T"), A((5, 4), layout="strided")),
          "bcast": (A((2, 3, 4)), A((5, 4))), "mismatch": (A((3, 4)), A((5, 3))), "1d": (A((4,)), A((4,)))}
_PRELU = {"scalar": (A((3, 4)), A((1,))), "channels": (A((2, 4, 3)), A((4,))), "1d": (A((5,)), A((5,))),
          "T": (A((3, 4), layout="T"), A((4,))), "bad": (A((3, 4)), A((3,)))}
_GROUPED = {"3d": (A((2, 6, 5)), A((6,)), A((6,))), "4d": (A((2, 6, 3, 2)), A((6,)), A((6,))),
            "T": (A((2, 6, 5), layout="T"), A((6,)), A((6,))), "2d": (A((3, 6)), A((6,)), A((6,)))}
_INSTANCE = {"3d": (A((2, 3, 5)), A((3,)), A((3,))), "4d": (A((2, 3, 4, 3)), A((3,)), A((3,))),
             "T": (A((2, 3, 5), layout="T"), A((3,)), A((3,)))}
_RUNNING = {"3d": (A((2, 3, 5)), A((3,), grad=False), A((3,), values="pos", grad=False))}
_SHUFFLE = {"4d": (A((2, 8, 2, 3)),), "3d": (A((8, 2, 3)),), "5d": (A((2, 2, 4, 3, 2)),), "T": (A((2, 8, 2, 3), layout="T"),),
            "bad": (A((2, 6, 2, 3)),)}
_BILINEAR = {"2d": (A((3, 4)), A((3, 5)), A((2, 4, 5)), A((2,))), "3d": (A((2, 3, 4)), A((2, 3, 5)), A((2, 4, 5))),
             "T": (A((4, 3), layout="T"), A((3, 5), layout="strided"), A((2, 4, 5)), A((2,)))}
_UNPOOL = {"4d": (A((2, 3, 6, 6)),), "3d": (A((3, 6, 6)),)}
OPS_LAYERS = [
    # convolutions: groups, depthwise, padding strings, dilation, transposed
    op("F.conv1d", lambda m, x, w, b=None: m.F.conv1d(x, w, b, stride=2, padding=1, groups=2), _CONV1D),
    op("F.conv1d_same", lambda m, x, w, b=None: m.F.conv1d(x, w, b, padding="same", dilation=2, groups=2), _CONV1D),
    op("F.conv1d_valid", lambda m, x, w, b=None: m.F.conv1d(x, w, b, padding="valid", groups=2), _CONV1D),
    op("F.conv2d_groups", lambda m, x, w, b=None: m.F.conv2d(x, w, b, stride=(2, 1), padding=(1, 0), groups=2), _CONV2D_G),
    op("F.conv2d_depthwise", lambda m, x, w, b=None: m.F.conv2d(x, w, b, padding=1, groups=3), _DEPTHWISE),
    op("F.conv3d", lambda m, x, w, b=None: m.F.conv3d(x, w, b, stride=(1, 2, 1), padding=1), _CONV3D),
    op("F.conv_transpose1d", lambda m, x, w, b=None: m.F.conv_transpose1d(x, w, b, stride=2, padding=1, output_padding=1, groups=2), _CONVT1D),
    op("F.conv_transpose1d_dilated", lambda m, x, w, b=None: m.F.conv_transpose1d(x, w, b, stride=3, padding=2, groups=2, dilation=2), _CONVT1D),
    op("F.conv_transpose2d", lambda m, x, w, b=None: m.F.conv_transpose2d(x, w, b, stride=(2, 3), padding=(1, 0), output_padding=(1, 2)), _CONVT2D),
    op("F.conv_transpose3d", lambda m, x, w, b=None: m.F.conv_transpose3d(x, w, b, stride=2, groups=2, padding=1), _CONVT3D, FLOATS),
    # pooling
    op("F.max_pool1d", lambda m, x: m.F.max_pool1d(x, 3, 2, 1, ceil_mode=True), _SIGNAL),
    op("F.max_pool1d_indices", lambda m, x: m.F.max_pool1d(x, 2, return_indices=True, dilation=2), _SIGNAL),
    op("F.max_pool2d_ceil", lambda m, x: m.F.max_pool2d(x, 3, 2, ceil_mode=True), IMAGE),
    op("F.max_pool2d_indices", lambda m, x: m.F.max_pool2d(x, (2, 3), (2, 2), (1, 1), return_indices=True), IMAGE),
    op("F.max_pool3d", lambda m, x: m.F.max_pool3d(x, 2, padding=1, return_indices=True), _VOLUME),
    op("F.avg_pool1d", lambda m, x: m.F.avg_pool1d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False), _SIGNAL),
    op("F.avg_pool1d_plain", lambda m, x: m.F.avg_pool1d(x, 2), _SIGNAL),
    op("F.avg_pool2d_ceil", lambda m, x: m.F.avg_pool2d(x, 3, 2, 1, ceil_mode=True), IMAGE),
    op("F.avg_pool2d_divisor", lambda m, x: m.F.avg_pool2d(x, 2, divisor_override=3), IMAGE),
    op("F.avg_pool3d", lambda m, x: m.F.avg_pool3d(x, 2, 1, 1, count_include_pad=False), _VOLUME),
    op("F.adaptive_avg_pool1d", lambda m, x: m.F.adaptive_avg_pool1d(x, 3), _SIGNAL),
    op("F.adaptive_max_pool1d", lambda m, x: m.F.adaptive_max_pool1d(x, 3, return_indices=True), _SIGNAL),
    op("F.adaptive_max_pool2d", lambda m, x: m.F.adaptive_max_pool2d(x, (4, 3)), IMAGE),
    op("F.adaptive_max_pool2d_indices", lambda m, x: m.F.adaptive_max_pool2d(x, (4, None), return_indices=True), IMAGE),
    op("F.max_unpool2d", lambda m, x: m.F.max_unpool2d(*m.F.max_pool2d(x, 2, return_indices=True), 2), _UNPOOL, FLOATS),
    op("F.max_unpool2d_size", lambda m, x: m.F.max_unpool2d(*m.F.max_pool2d(x[..., :5, :5], 2, return_indices=True), 2, output_size=(5, 5)), _UNPOOL, FLOATS),
    op("F.max_unpool1d", lambda m, x: m.F.max_unpool1d(*m.F.max_pool1d(x, 2, return_indices=True), 2), {"3d": (A((2, 4, 7)),)}, FLOATS),
    # padding, resampling
    op("F.pad_replicate", lambda m, x: m.F.pad(x, (2, 1, 1, 0), mode="replicate"), {"3d": (A((2, 3, 4)),), "4d": (A((2, 2, 3, 4)),), "2d": (A((3, 4)),)}),
    op("F.pad_circular", lambda m, x: m.F.pad(x, (-1, 3), mode="circular"), {"3d": (A((2, 3, 4)),), "2d": (A((3, 4)),), "1d": (A((4,)),)}),
    op("F.pad_reflect_2d", lambda m, x: m.F.pad(x, (3, 1, 2, 2), mode="reflect"), {"4d": (A((1, 2, 3, 4)),), "T": (A((2, 3, 4), layout="T"),), "big": (A((2, 3, 3)),)}),
    op("F.pad_reflect_3d", lambda m, x: m.F.pad(x, (1, 1, 1, 0, 0, 1), mode="reflect"), {"5d": (A((1, 1, 2, 3, 4)),)}),
    op("F.pad_negative", lambda m, x: m.F.pad(x, (-1, 2, 1, -2)), REDUCE),
    op("F.interpolate", lambda m, x: m.F.interpolate(x, scale_factor=2), IMAGE),
    op("F.interpolate_size", lambda m, x: m.F.interpolate(x, size=(4, 9), mode="nearest-exact"), IMAGE),
    op("F.interpolate_bilinear", lambda m, x: m.F.interpolate(x, scale_factor=(1.5, 0.7), mode="bilinear"), IMAGE),
    op("F.interpolate_corners", lambda m, x: m.F.interpolate(x, size=(8, 5), mode="bilinear", align_corners=True), IMAGE),
    op("F.interpolate_linear", lambda m, x: m.F.interpolate(x, size=10, mode="linear"), _SIGNAL),
    op("F.interpolate_trilinear", lambda m, x: m.F.interpolate(x, scale_factor=1.5, mode="trilinear", align_corners=True), _VOLUME),
    op("F.interpolate_area", lambda m, x: m.F.interpolate(x, size=(4, 3), mode="area"), IMAGE),
    op("F.upsample", lambda m, x: m.F.upsample(x, scale_factor=2, mode="linear"), _SIGNAL),
    op("F.upsample_nearest", lambda m, x: m.F.upsample_nearest(x, size=(7, 3)), IMAGE),
    op("F.upsample_bilinear", lambda m, x: m.F.upsample_bilinear(x, scale_factor=2), IMAGE),
    op("F.pixel_shuffle", lambda m, x: m.F.pixel_shuffle(x, 2), _SHUFFLE),
    op("F.pixel_unshuffle", lambda m, x: m.F.pixel_unshuffle(x, 2), {"4d": (A((2, 2, 4, 6)),), "T": (A((2, 2, 4, 6), layout="T"),), "bad": (A((2, 2, 3, 6)),)}),
    # normalisation
    op("F.group_norm", lambda m, x, w, b: m.F.group_norm(x, 3, w, b), _GROUPED),
    op("F.group_norm_plain", lambda m, x, w, b: m.F.group_norm(x, 2, eps=1e-3), _GROUPED),
    op("F.instance_norm", lambda m, x, w, b: m.F.instance_norm(x, weight=w, bias=b), _INSTANCE),
    op("F.instance_norm_running", lambda m, x, rm, rv: (m.F.instance_norm(x, rm, rv), rm, rv), _RUNNING, FLOATS),
    op("F.instance_norm_eval", lambda m, x, rm, rv: m.F.instance_norm(x, rm, rv, use_input_stats=False), _RUNNING, FLOATS),
    op("F.rms_norm", lambda m, x, w, b: m.F.rms_norm(x, (4,), w), NORMED),
    op("F.rms_norm_eps", lambda m, x, w, b: m.F.rms_norm(x, x.shape[-2:], eps=1e-3), NORMED),
    op("F.layer_norm_nobias", lambda m, x, w, b: m.F.layer_norm(x, (4,), w), NORMED),
    # dropout
    op("F.dropout1d", lambda m, x: m.F.dropout1d(x, 0.4), _SIGNAL, values=False),
    op("F.dropout1d_eval", lambda m, x: m.F.dropout1d(x, 0.4, training=False), _SIGNAL),
    op("F.dropout3d", lambda m, x: m.F.dropout3d(x, 0.4), _VOLUME, values=False),
    op("F.alpha_dropout", lambda m, x: m.F.alpha_dropout(x, 0.2, training=True), values=False),
    op("F.alpha_dropout_eval", lambda m, x: m.F.alpha_dropout(x, 0.2)),
    # embedding, bilinear, distances
    op("F.embedding_max_norm", lambda m, i, w: (m.F.embedding(i, w.detach().clone(), max_norm=1.0)), EMBED, FLOATS),
    op("F.bilinear", lambda m, x, y, w, b=None: m.F.bilinear(x, y, w, b), _BILINEAR),
    op("F.normalize", lambda m, x: m.F.normalize(x, dim=-1)), op("F.normalize_p1", lambda m, x: m.F.normalize(x, p=1, dim=0), REDUCE),
    op("F.cosine_similarity", lambda m, x, y: m.F.cosine_similarity(x, y, dim=-1), _PAIR),
    op("F.pairwise_distance", lambda m, x, y: m.F.pairwise_distance(x, y), _PAIR),
    op("F.pairwise_distance_p3", lambda m, x, y: m.F.pairwise_distance(x, y, p=3, keepdim=True), _PAIR),
    op("cdist", lambda m, x, y: m.cdist(x, y), _CDIST), op("cdist_p1", lambda m, x, y: m.cdist(x, y, p=1.0), _CDIST),
    op("cdist_inf", lambda m, x, y: m.cdist(x, y, p=float("inf"), compute_mode="donot_use_mm_for_euclid_dist"), _CDIST),
    # activations
    op("F.elu", lambda m, x: m.F.elu(x, alpha=0.7)), op("F.selu", lambda m, x: m.F.selu(x)),
    op("F.celu", lambda m, x: m.F.celu(x, alpha=2.0)), op("F.relu6", lambda m, x: m.F.relu6(x)),
    op("F.hardtanh", lambda m, x: m.F.hardtanh(x, -0.5, 2.0)), op("F.hardsigmoid", lambda m, x: m.F.hardsigmoid(x)),
    op("F.hardswish", lambda m, x: m.F.hardswish(x)), op("F.mish", lambda m, x: m.F.mish(x)),
    op("F.softplus", lambda m, x: m.F.softplus(x)), op("F.softplus_beta", lambda m, x: m.F.softplus(x, beta=2.0, threshold=3.0)),
    op("F.softsign", lambda m, x: m.F.softsign(x)), op("F.logsigmoid", lambda m, x: m.F.logsigmoid(x)),
    op("F.softmin", lambda m, x: m.F.softmin(x, dim=-1), REDUCE), op("F.glu", lambda m, x: m.F.glu(x)),
    op("F.glu_0", lambda m, x: m.F.glu(x, 0), {"2d": (A((4, 3)),), "T": (A((4, 3), layout="T"),)}),
    op("F.prelu", lambda m, x, w: m.F.prelu(x, w), _PRELU), op("F.tanhshrink", lambda m, x: m.F.tanhshrink(x)),
    op("F.softshrink", lambda m, x: m.F.softshrink(x, 1.0)), op("F.hardshrink", lambda m, x: m.F.hardshrink(x, 1.0)),
    op("F.threshold", lambda m, x: m.F.threshold(x, 1.0, -2.0)),
    op("F.relu_inplace", lambda m, x: m.F.relu(x * 1, inplace=True)),
    op("F.leaky_relu_inplace", lambda m, x: m.F.leaky_relu(x * 1, 0.2, inplace=True), dtypes=FLOATS),
    op("F.silu_inplace", lambda m, x: m.F.silu(x * 1, inplace=True), dtypes=FLOATS),
    op("F.elu_inplace", lambda m, x: m.F.elu(x.detach().clone(), inplace=True), dtypes=FLOATS),
]
KNOWN_LAYERS = [
    K('F.instance_norm', 'float16:T', 'float16 rounding: one element 0.004 off (torch accumulates the transposed '
      'input in another order)'),
    K('F.interpolate_bilinear F.interpolate_corners F.upsample_bilinear', 'uint8:-3d', "ours: uint8 bilinear raises NotImplementedError (torch answers with its own fixed-point uint8 kernel)"),
    K('F.bilinear', 'float16:2d', 'float16 sums rounded differently (torch keeps some intermediates in float16): -0.3965 vs -0.3936'),
    K('F.relu6 F.softshrink F.hardshrink', 'float64:ext', "gradient at nan: torch's float64 kernels give 0, its float32 ones (and ours) 1"),
    K('F.mish', 'float64:ext', 'gradient at -inf: nan (torch: 0)'),
    K('F.relu_inplace', 'float16,float64:ext', 'gradient at tiny, inf or nan differs (as relu)'),
]

# recurrent layers and attention, issue 17 (module-level comparisons: tests/test_nn_sequence.py)
ATTENTION = {"4d": (A((2, 2, 3, 4)), A((2, 2, 5, 4)), A((2, 2, 5, 6))), "2d": (A((3, 4)), A((5, 4)), A((5, 4))),
             "bcast": (A((2, 1, 3, 4)), A((2, 5, 4)), A((1, 5, 4))),
             "T": (A((2, 3, 4), layout="T"), A((2, 5, 4), layout="strided"), A((2, 5, 4))),
             "empty": (A((0, 3, 4)), A((0, 5, 4)), A((0, 5, 4))), "mismatch": (A((3, 4)), A((5, 3)), A((5, 4)))}
MASKED_ATTENTION = {k: v + (A((3, 5), values="mask", grad=False),) for k, v in ATTENTION.items() if k != "mismatch"}
ADDED_ATTENTION = {k: v + (A((3, 5)),) for k, v in ATTENTION.items() if k != "mismatch"}
OPS_SEQ = [
    op("F.scaled_dot_product_attention", lambda m, q, k, v: m.F.scaled_dot_product_attention(q, k, v), ATTENTION, FLOATS),
    op("F.sdpa_causal", lambda m, q, k, v: m.F.scaled_dot_product_attention(q, k, v, is_causal=True, scale=0.3),
       ATTENTION, FLOATS),
    op("F.sdpa_bool_mask", lambda m, q, k, v, mask: m.F.scaled_dot_product_attention(q, k, v, attn_mask=mask),
       MASKED_ATTENTION, FLOATS),
    op("F.sdpa_float_mask", lambda m, q, k, v, mask: m.F.scaled_dot_product_attention(q, k, v, attn_mask=mask),
       ADDED_ATTENTION, FLOATS),
    op("F.sdpa_mask_and_causal", lambda m, q, k, v, mask: m.F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=True),
       {"2d": ADDED_ATTENTION["2d"]}, FLOATS),
]
KNOWN_SEQ = [
]

# losses, nn.init and optimizers, issue 17
WEIGHTED_CLASSES = {k: v + (A((5,), values="pos", grad=False),) for k, v in CLASSES.items() if k != "float_target"}
PROB_TARGETS = {"2d": (A((4, 5)), A((4, 5), values="prob", grad=False)),
                "4d": (A((2, 5, 2, 3)), A((2, 5, 2, 3), values="prob", grad=False)),
                "1d": (A((5,)), A((5,), values="prob", grad=False)), "empty": (A((0, 5)), A((0, 5), values="prob"))}
RANKED = {"1d": (A((5,)), A((5,)), A((5,), values="mask", grad=False)),
          "0d": (A(()), A(()), A((), values="mask", grad=False)),
          "T": (A((3, 4), layout="T"), A((3, 4)), A((3, 4), values="mask", grad=False)),
          "empty": (A((0,)), A((0,)), A((0,), values="mask", grad=False))}
EMBEDDED = {"2d": (A((4, 3)), A((4, 3)), A((4,), values="mask", grad=False)),
            "1d": (A((3,)), A((3,)), A((), values="mask", grad=False)),
            "T": (A((3, 4), layout="T"), A((3, 4), layout="strided"), A((3,), values="mask", grad=False))}
TRIPLETS = {"2d": (A((4, 3)), A((4, 3)), A((4, 3))), "1d": (A((3,)), A((3,)), A((3,))),
            "T": (A((3, 4), layout="T"), A((3, 4)), A((3, 4), layout="strided"))}
LABELS = {"2d": (A((4, 3)), A((4, 3), values="mask", grad=False)), "1d": (A((3,)), A((3,), values="mask", grad=False)),
          "T": (A((3, 4), layout="T"), A((3, 4), values="mask", grad=False))}
VARIANCES = {"same": (A((3, 4)), A((3, 4)), A((3, 4), values="pos")), "short": (A((3, 4)), A((3, 4)), A((3,), values="pos")),
             "one": (A((3, 4)), A((3, 4)), A((3, 1), values="pos")), "T": (A((3, 4), layout="T"), A((3, 4)), A((3, 4), values="pos"))}
FRAMES = {"3d": (A((6, 2, 4)),), "2d": (A((6, 4)),), "T": (A((6, 2, 4), layout="T"),)}
FINITE_PARAMS = {k: UNARY[k] for k in ("0d", "1d", "2d", "strided")}  # torch's LBFGS: no empty or .T
NONE_LIKE = {"-": (A((2,), dtype="float64", grad=False),)}
POSITIVE_TARGET = {k: (x, A(y.shape, y.dtype, "pos", y.layout, grad=False)) for k, (x, y) in LOSS.items()}
WEIGHTED_LOSS = {k: (x, y, A(x.shape, values="pos", grad=False)) for k, (x, y) in LOSS.items()}


def _sign(m, mask, like):
    return mask.to(like.dtype) * 2 - 1


def _trajectory(name, steps=5, **options):
    """An optimizer's parity case: ``steps`` updates of a copy of ``x`` on a fixed quartic loss;
    the result is the final parameters (LBFGS runs its closure)."""
    def fn(m, x):
        p = x.detach().clone().requires_grad_(True)
        opt = getattr(m.optim, name)([p], **options)

        def closure():
            opt.zero_grad()
            loss = ((p - 0.5) ** 4).sum() + (p * p).sum()
            loss.backward()
            return loss
        for _ in range(steps):
            opt.step(closure) if name == "LBFGS" else (closure(), opt.step())
        return p.detach()
    return fn


def _schedule(make, steps=12):
    """A scheduler's parity case: its learning rates over ``steps`` epochs, as a tensor."""
    def fn(m, x):
        opt = m.optim.SGD([x.detach().clone().requires_grad_(True)], lr=1.0, momentum=0.9)
        scheduler = make(m.optim.lr_scheduler, opt)
        lrs = []
        for i in range(steps):
            opt.step()
            scheduler.step(1.0 / (i % 4 + 1)) if isinstance(scheduler, m.optim.lr_scheduler.ReduceLROnPlateau) \
                else scheduler.step()
            lrs.append(scheduler.get_last_lr()[0])
        return m.tensor(lrs, dtype=m.float64)
    return fn


def _ctc(m, x):
    batched = x.dim() == 3
    lp = x.log_softmax(-1)
    targets = m.tensor([[1, 2, 2], [3, 1, 0]]) if batched else m.tensor([1, 2, 2])
    lengths = ([6, 5], [3, 2]) if batched else ([6], [3])
    return m.F.ctc_loss(lp, targets, m.tensor(lengths[0]), m.tensor(lengths[1]), reduction="sum")


OPS_LOSSES = [
    op("F.cross_entropy_weight", lambda m, x, t, w: m.F.cross_entropy(x, t, weight=w), WEIGHTED_CLASSES),
    op("F.cross_entropy_ignore", lambda m, x, t: m.F.cross_entropy(x, t, ignore_index=1, label_smoothing=0.1), CLASSES),
    op("F.cross_entropy_all_options", lambda m, x, t, w: m.F.cross_entropy(x, t, w, ignore_index=2, label_smoothing=0.3, reduction="none"),
       WEIGHTED_CLASSES),
    op("F.cross_entropy_probs", lambda m, x, y: m.F.cross_entropy(x, y, label_smoothing=0.1), PROB_TARGETS),
    op("F.nll_loss_weight", lambda m, x, t, w: m.F.nll_loss(x, t, w, ignore_index=0), WEIGHTED_CLASSES),
    op("F.mse_loss_weight", lambda m, x, y, w: m.F.mse_loss(x, y, weight=w), WEIGHTED_LOSS),
    op("F.l1_loss_weight", lambda m, x, y, w: m.F.l1_loss(x, y, weight=w, reduction="sum"), WEIGHTED_LOSS),
    op("F.smooth_l1_loss", lambda m, x, y: m.F.smooth_l1_loss(x, y, beta=0.5), LOSS),
    op("F.huber_loss", lambda m, x, y: m.F.huber_loss(x, y, delta=0.7, reduction="none"), LOSS),
    op("F.kl_div", lambda m, x, y: m.F.kl_div(x, y, reduction="batchmean"), PROB),
    op("F.kl_div_log_target", lambda m, x, y: m.F.kl_div(x, y, log_target=True, reduction="sum"), LOSS),
    op("F.margin_ranking_loss", lambda m, a, b, s: m.F.margin_ranking_loss(a, b, _sign(m, s, a), margin=0.2), RANKED),
    op("F.cosine_embedding_loss", lambda m, a, b, s: m.F.cosine_embedding_loss(a, b, _sign(m, s, a), margin=0.1), EMBEDDED),
    op("F.triplet_margin_loss", lambda m, a, p, n: m.F.triplet_margin_loss(a, p, n, margin=2.0, swap=True), TRIPLETS),
    op("F.multilabel_soft_margin_loss", lambda m, x, y: m.F.multilabel_soft_margin_loss(x, y.to(x.dtype)), LABELS),
    op("F.poisson_nll_loss", lambda m, x, y: m.F.poisson_nll_loss(x, y, full=True), POSITIVE_TARGET),
    op("F.gaussian_nll_loss", lambda m, x, y, v: m.F.gaussian_nll_loss(x, y, v, full=True), VARIANCES),
    op("F.ctc_loss", _ctc, FRAMES, FLOATS),
    op("optim.Adadelta", _trajectory("Adadelta", lr=0.5, weight_decay=0.1), UNARY, ("float64",)),
    op("optim.Adagrad", _trajectory("Adagrad", lr=0.1, lr_decay=0.1, initial_accumulator_value=0.2), UNARY, ("float64",)),
    op("optim.Adamax", _trajectory("Adamax", lr=0.1, weight_decay=0.1), UNARY, ("float64",)),
    op("optim.NAdam", _trajectory("NAdam", lr=0.1, momentum_decay=0.01), UNARY, ("float64",)),
    op("optim.RAdam", _trajectory("RAdam", lr=0.1, betas=(0.9, 0.9), steps=8), UNARY, ("float64",)),
    op("optim.ASGD", _trajectory("ASGD", lr=0.1, t0=2, lambd=0.01), UNARY, ("float64",)),
    op("optim.Adam_amsgrad", _trajectory("Adam", lr=0.1, amsgrad=True, maximize=False, foreach=False), UNARY, ("float64",)),
    op("optim.LBFGS", _trajectory("LBFGS", steps=2, line_search_fn="strong_wolfe"), FINITE_PARAMS, ("float64",)),
    op("optim.LBFGS_fixed_step", _trajectory("LBFGS", steps=2, lr=0.3, history_size=3), FINITE_PARAMS, ("float64",)),
    op("lr_scheduler.LinearLR", _schedule(lambda L, o: L.LinearLR(o, start_factor=0.2, total_iters=4)), NONE_LIKE, (None,)),
    op("lr_scheduler.ConstantLR", _schedule(lambda L, o: L.ConstantLR(o, factor=0.3, total_iters=3)), NONE_LIKE, (None,)),
    op("lr_scheduler.PolynomialLR", _schedule(lambda L, o: L.PolynomialLR(o, total_iters=8, power=2.0)), NONE_LIKE, (None,)),
    op("lr_scheduler.CosineAnnealingWarmRestarts",
       _schedule(lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=2, eta_min=0.1)), NONE_LIKE, (None,)),
    op("lr_scheduler.CyclicLR", _schedule(lambda L, o: L.CyclicLR(o, 0.1, 1.0, step_size_up=2, mode="triangular2")),
       NONE_LIKE, (None,)),
    op("lr_scheduler.ReduceLROnPlateau", _schedule(lambda L, o: L.ReduceLROnPlateau(o, patience=1, cooldown=1)),
       NONE_LIKE, (None,)),
    op("lr_scheduler.SequentialLR", _schedule(lambda L, o: L.SequentialLR(
        o, [L.LinearLR(o, start_factor=0.1, total_iters=3), L.ExponentialLR(o, gamma=0.8)], milestones=[3])),
       NONE_LIKE, (None,)),
    op("lr_scheduler.ChainedScheduler", _schedule(lambda L, o: L.ChainedScheduler(
        [L.ConstantLR(o, factor=0.5, total_iters=2), L.ExponentialLR(o, gamma=0.9)])), NONE_LIKE, (None,)),
]
KNOWN_LOSSES = [
    K('optim.NAdam', 'float64:-empty,0d', "torch computes NAdam's step-dependent scalars (mu, bias corrections) in the "
      "default dtype, float32 here: 1e-10 relative differences in float64"),
    K('F.cosine_embedding_loss', 'ints,bool:*', 'deliberate: integer inputs are refused (PyTorch squares them in the '
      'integer type, which overflows)'),
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
