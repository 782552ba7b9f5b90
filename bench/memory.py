"""memory: peak and steady-state resident memory of MNIST MLP training in tinygrad_lite.

Workload: mlp_epoch's tinygrad_lite run (784-256-10 MLP, batch 128, SGD with momentum, data in
memory as float32) in a fresh subprocess, so that nothing else (PyTorch above all) inflates it:
load MNIST, train one epoch (469 steps), keep training to step 1,000, then evaluate on the test
set. Reported, in MB = 10**6 bytes:

* peak RSS (``ru_maxrss``) after the first epoch, and at the end (the target's reading);
* current RSS (/proc/self/statm) after step 100 and after step 1,000, and their difference,
  which must be flat (no memory growing with steps). The test evaluation comes after step
  1,000 because the allocator keeps the heap it grows for it (~10-20 MB) after it is freed.

Targets: peak <= 2 x the float32 training set (60000 x 784 x 4 bytes = 188 MB) + 150 MB, and
|RSS(step 1000) - RSS(step 100)| <= 5 MB. ``--repeats N`` runs N subprocesses and reports the
median. PASS/MISS lines are informational; the exit status is 0 regardless.

    python bench/memory.py [--json out.json] [--repeats N] [--data-dir DIR]
"""
import json
import subprocess
import sys

import common  # first: puts this checkout of tinygrad_lite on sys.path

from mlp_epoch import TinygradMLP, init_params

CHECKPOINTS = (100, 1000)
FLAT_MB = 5.0


def measure(data_dir):
    """The training run itself; returns the readings as a dict (runs in the subprocess)."""
    x, y, x_test, y_test = common.load_mnist(data_dir)
    readings = {"train_set_mb": x.nbytes / common.MB, "rss_after_load_mb": common.current_rss_mb()}
    trainer = TinygradMLP(init_params(features=x.shape[1]))
    step = 0

    def on_step(_):
        nonlocal step
        step += 1
        if step in CHECKPOINTS:
            readings[f"rss_step_{step}_mb"] = common.current_rss_mb()

    trainer.epoch(x, y, on_step=on_step)
    readings["peak_rss_epoch_mb"] = common.peak_rss_mb()
    epoch = 1
    while step < CHECKPOINTS[-1]:
        trainer.epoch(x, y, seed=epoch, on_step=on_step, max_steps=CHECKPOINTS[-1] - step)
        epoch += 1
    readings["test_accuracy"] = trainer.accuracy(x_test, y_test)
    readings["peak_rss_mb"] = common.peak_rss_mb()
    return readings


def main():
    parser = common.make_parser(__doc__, repeats=1, torch=False)
    parser.add_argument("--child", action="store_true", help="internal: run one measurement")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.data_dir)))
        return
    info = common.machine_info()
    common.print_machine(info, uses_torch=False)
    runs = []
    for i in range(args.repeats):
        out = subprocess.run([sys.executable, __file__, "--child", "--data-dir", args.data_dir],
                             stdout=subprocess.PIPE, text=True, check=True)
        runs.append(json.loads(out.stdout.splitlines()[-1]))
        r = runs[-1]
        print(f"  run {i + 1}: peak {r['peak_rss_mb']:.1f} MB (test accuracy "
              f"{r['test_accuracy']:.4f}), RSS at steps 100 / 1000: "
              f"{r['rss_step_100_mb']:.1f} / {r['rss_step_1000_mb']:.1f} MB")
    med = {k: common.median([r[k] for r in runs]) for k in runs[0]}
    delta = med["rss_step_1000_mb"] - med["rss_step_100_mb"]
    limit = 2 * med["train_set_mb"] + 150
    print(f"\nmedian of {args.repeats} fresh subprocess(es), MB = 10**6 bytes:")
    print(f"  float32 training set       {med['train_set_mb']:8.1f}")
    print(f"  RSS after loading MNIST    {med['rss_after_load_mb']:8.1f}")
    print(f"  peak RSS after one epoch   {med['peak_rss_epoch_mb']:8.1f}")
    print(f"  peak RSS at the end        {med['peak_rss_mb']:8.1f}")
    print(f"  RSS step 100 -> 1000       {med['rss_step_100_mb']:8.1f} -> "
          f"{med['rss_step_1000_mb']:.1f}  (delta {delta:+.1f})")
    results = {"benchmark": "memory", "machine": info, "repeats": args.repeats, "runs": runs,
               "median": med, "rss_delta_mb": delta}
    common.check_target(results, "peak RSS (MB)", med["peak_rss_mb"], limit)
    common.check_target(results, "|RSS delta| step 100 -> 1000 (MB)", abs(delta), FLAT_MB)
    common.write_json(args.json, results)


if __name__ == "__main__":
    main()
