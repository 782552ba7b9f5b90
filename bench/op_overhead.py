"""op_overhead: the fixed cost of one recorded op, in microseconds.

Workload: a leaf x of shape (4,) (requires grad) and a chain of 1,000 elementwise ops,
alternating ``y = y * 1.0001`` and ``y = y + x``, then ``y.sum().backward()``. Tensors this small
make the arithmetic free, so the time is the framework's per-op overhead: building the graph in
the forward, walking it in the backward. Reported per op (forward, backward, total) as the median
of ``--repeats`` chains (default 31), tinygrad_lite and PyTorch interleaved in one process.

Target: tinygrad_lite <= 1.0 x PyTorch per op (total). The PASS/MISS line is informational; the
exit status is 0 regardless.

    python bench/op_overhead.py [--json out.json] [--repeats N] [--no-torch]
"""
import time

import common  # first: puts this checkout of tinygrad_lite on sys.path

import numpy as np

import tinygrad_lite as tg

LENGTH = 1000


def run_chain(x, length=LENGTH):
    """Forward ``length`` ops from the leaf ``x`` (any framework with PyTorch's names), then
    backward. Returns (forward seconds, backward seconds)."""
    start = time.perf_counter()
    y = x
    for _ in range(length // 2):
        y = y * 1.0001
        y = y + x
    middle = time.perf_counter()
    y.sum().backward()
    return middle - start, time.perf_counter() - middle


def main():
    args = common.make_parser(__doc__, repeats=31).parse_args()
    torch = common.import_torch(args.torch)
    info = common.machine_info(torch)
    common.print_machine(info)
    leaves = {"tinygrad_lite": lambda: tg.Tensor(np.ones(4, np.float32), requires_grad=True)}
    if torch:
        leaves["torch"] = lambda: torch.ones(4, requires_grad=True)
    runners = {name: (lambda leaf=leaf: run_chain(leaf())) for name, leaf in leaves.items()}
    common.interleave(runners, 3)  # warm-up
    runs = common.interleave(runners, args.repeats)

    us = 1e6 / LENGTH
    per_op = {name: {"forward": common.median([f for f, _ in r]) * us,
                     "backward": common.median([b for _, b in r]) * us,
                     "total": common.median([f + b for f, b in r]) * us} for name, r in runs.items()}
    print(f"\nchain of {LENGTH} ops on shape (4,), median of {args.repeats}, microseconds per op:")
    print(f"  {'':14s} {'forward':>8s} {'backward':>9s} {'total':>8s}")
    for name, t in per_op.items():
        print(f"  {name:14s} {t['forward']:8.2f} {t['backward']:9.2f} {t['total']:8.2f}")
    tg_total, torch_total = per_op["tinygrad_lite"]["total"], per_op.get("torch", {}).get("total")
    results = {"benchmark": "op_overhead", "machine": info, "repeats": args.repeats,
               "length": LENGTH, "runs_seconds": runs, "us_per_op": per_op,
               "ratios": {"tinygrad_lite/torch": common.ratio(tg_total, torch_total)}}
    print()
    common.check_target(results, "tinygrad_lite/torch per op", common.ratio(tg_total, torch_total),
                        1.0, "x")
    common.write_json(args.json, results)


if __name__ == "__main__":
    main()
