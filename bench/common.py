"""Helpers shared by the benchmarks in ``bench/``: command line, MNIST loading, timing, the
machine description, RSS readings, PASS/MISS target lines and JSON output.

Importing this module puts the repository root first on ``sys.path``, so ``python bench/NAME.py``
measures this checkout of tinygrad_lite rather than an installed copy. PyTorch is never imported
here unless :func:`import_torch` is called. Memory is in MB = 10**6 bytes; RSS readings are
Linux-only (``/proc/self/statm``, ``ru_maxrss`` in KiB).
"""
import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(BENCH_DIR)
if sys.path[:1] != [REPO_ROOT]:
    sys.path.insert(0, REPO_ROOT)

import numpy as np  # noqa: E402

import tinygrad_lite as tg  # noqa: E402
from tinygrad_lite.allocator import keep_freed_memory  # noqa: E402
from tinygrad_lite import nn as tg_nn, optim as tg_optim  # noqa: E402
from tinygrad_lite.data import DataLoader, TensorDataset, read_idx  # noqa: E402
from tinygrad_lite.nn import functional as tg_functional  # noqa: E402

keep_freed_memory()  # a training process: reuse freed memory (see tinygrad_lite/allocator.py)

MB = 1e6
DEFAULT_DATA_DIR = os.path.normpath(os.path.join(REPO_ROOT, "..", "shared", "data", "mnist"))


# --- command line ----------------------------------------------------------------------------

def make_parser(doc, repeats, torch=True):
    """The options every benchmark takes (``--no-torch`` only where a PyTorch column exists);
    scripts may add their own before ``parse_args``."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", metavar="PATH", help="also write the results to this JSON file")
    parser.add_argument("--repeats", type=int, default=repeats,
                        help=f"timed runs per framework; the median is reported (default {repeats})")
    parser.add_argument("--data-dir", default=os.environ.get("TINYGRAD_LITE_MNIST", DEFAULT_DATA_DIR),
                        help="folder with the MNIST IDX files (default: $TINYGRAD_LITE_MNIST, "
                             "else ../shared/data/mnist from the repository root)")
    if torch:
        parser.add_argument("--no-torch", dest="torch", action="store_false",
                            help="skip the PyTorch column even when torch is importable")
    return parser


def import_torch(wanted=True):
    """The ``torch`` module, or None when it is not wanted or not installed."""
    if not wanted:
        return None
    try:
        import torch
    except ImportError:
        return None
    return torch


# --- data ------------------------------------------------------------------------------------

def _idx(data_dir, name):
    for candidate in (name + ".gz", name):
        path = os.path.join(data_dir, candidate)
        if os.path.exists(path):
            return read_idx(path)
    raise FileNotFoundError(f"MNIST file {name}[.gz] not found in {data_dir}; pass --data-dir or "
                            f"set TINYGRAD_LITE_MNIST")


def load_split(data_dir, prefix):
    """Images of split ``prefix`` ('train' or 't10k') as float32 (N, 784) in [0, 1], labels int64.
    The float conversion happens in place: the uint8 array is the only other copy."""
    images = _idx(data_dir, f"{prefix}-images-idx3-ubyte")
    x = images.reshape(len(images), -1).astype(np.float32)
    x /= np.float32(255)
    return x, _idx(data_dir, f"{prefix}-labels-idx1-ubyte").astype(np.int64)


def load_mnist(data_dir):
    """``(x_train, y_train, x_test, y_test)`` as from :func:`load_split`."""
    return load_split(data_dir, "train") + load_split(data_dir, "t10k")


# --- timing ----------------------------------------------------------------------------------

def median(values):
    return statistics.median(values)


def interleave(runners, repeats):
    """Call every runner of the dict ``name -> callable`` once per round, in order, for
    ``repeats`` rounds (a, b, c, a, b, c, ...), so slow drifts of a noisy machine hit all of them
    alike. Returns ``name -> [results]``."""
    results = {name: [] for name in runners}
    for _ in range(repeats):
        for name, run in runners.items():
            results[name].append(run())
    return results


# --- training loops ------------------------------------------------------------------------

class Trainer:
    """One framework's training loop. Subclasses define ``step(xb, yb) -> loss`` and
    ``accuracy(x, y)``; the default batching (NumPy arrays, same order as DataLoader with
    ``shuffle=True, seed=seed``) passes each batch through ``wrap``."""
    batch_size = 128

    def batches(self, x, y, seed):
        order = np.random.default_rng(seed).permutation(len(x))
        for start in range(0, len(x), self.batch_size):
            index = order[start:start + self.batch_size]
            yield self.wrap(x[index], y[index])

    def wrap(self, xb, yb):
        return xb, yb

    def epoch(self, x, y, seed=0, on_step=None, max_steps=None):
        """Train one epoch (or its first ``max_steps`` steps); return the per-step losses.
        ``on_step(step)`` is called after every step."""
        losses = []
        for xb, yb in self.batches(x, y, seed):
            losses.append(self.step(xb, yb))
            if on_step is not None:
                on_step(len(losses))
            if len(losses) == max_steps:
                break
        return losses


def epoch_steps(n):
    """Steps in an epoch over ``n`` samples (the last batch may be short)."""
    return -(-n // Trainer.batch_size)


BLOCKS = 10   # each timed epoch is run in this many blocks of steps, see time_epochs
PAUSE = 0.1   # seconds of rest before each block, not timed: OpenBLAS's idle threads spin for
#               several ms after a call; with 0.02 s PyTorch's epoch came out 20-30% slower


def time_epochs(trainers, params, x, y, x_test, y_test, repeats):
    """Train one epoch with each class of the dict ``name -> Trainer class`` (fresh from
    ``params`` every time), ``repeats`` times after a 20-step warm-up, printing a line per epoch.
    Returns ``(runs, medians)``: ``name -> [{seconds, loss, accuracy}]`` and ``name -> median
    seconds``.

    The frameworks' epochs of one round are interleaved in :data:`BLOCKS` blocks of steps (the
    first tenth of framework A's epoch, then of B's, ..., then the second tenth of A's, ...), and
    an epoch's time is the sum of its blocks. A shared machine's speed drifts by tens of percent
    within seconds; this way the drift hits every framework alike, where whole epochs one after
    the other would each meet a different machine. Each block starts after a short untimed
    pause, so that the previous framework's BLAS or OpenMP threads, which spin for a while after
    their last call, have stopped competing for the cores."""
    steps = epoch_steps(len(x))
    print(f"one epoch = {steps} steps of batch {Trainer.batch_size} over {len(x)} images; "
          f"{repeats} runs per framework, each in {BLOCKS} blocks interleaved across frameworks\n")
    for cls in trainers.values():  # warm-up: first BLAS calls, lazy imports, allocator
        cls(params).epoch(x, y, max_steps=20)
    runs = {name: [] for name in trainers}
    for _ in range(repeats):
        active = {name: cls(params) for name, cls in trainers.items()}
        batches = {name: iter(trainer.batches(x, y, 0)) for name, trainer in active.items()}
        seconds, losses = dict.fromkeys(active, 0.0), {name: [] for name in active}
        for block in range(BLOCKS):
            todo = steps * (block + 1) // BLOCKS - steps * block // BLOCKS
            for name, trainer in active.items():
                time.sleep(PAUSE)
                start = time.perf_counter()
                for _ in range(todo):
                    losses[name].append(trainer.step(*next(batches[name])))
                seconds[name] += time.perf_counter() - start
        for name, trainer in active.items():
            result = {"seconds": seconds[name], "loss": float(np.mean(losses[name])),
                      "accuracy": trainer.accuracy(x_test, y_test)}
            print(f"  {name:14s} {result['seconds']:7.3f} s   mean loss {result['loss']:.4f}   "
                  f"test accuracy {result['accuracy']:.4f}")
            runs[name].append(result)
    return runs, {name: median([r["seconds"] for r in runs[name]]) for name in trainers}


def compare_epochs(trainers, torch, params, data, repeats, baseline=None):
    """:func:`time_epochs` over the dict ``trainers`` (its "torch" entry only when ``torch`` is
    the imported module), ``data`` being ``(x, y, x_test, y_test)``; then print each
    framework's median, as a ratio to ``baseline``'s when one is named, and tinygrad_lite /
    torch. Returns ``(runs, medians)``."""
    names = [n for n in trainers if n != "torch" or torch]
    runs, med = time_epochs({n: trainers[n] for n in names}, params, *data, repeats)
    print(f"\nmedian of {repeats} (seconds per epoch"
          f"{f', ratio to {baseline}' if baseline else ''}):")
    for n in names:
        ratio = f"   x{med[n] / med[baseline]:.2f}" if baseline else ""
        print(f"  {n:14s} {med[n]:7.3f} s{ratio}")
    if "torch" in med:
        print(f"  tinygrad_lite / torch = {med['tinygrad_lite'] / med['torch']:.2f}")
    return runs, med


class _Framework(Trainer):
    """What the tinygrad_lite and PyTorch trainers share: the model from ``network(nn, params)``
    given the framework's ``nn`` module, the weights in ``params`` loaded, SGD with the class's
    ``lr`` and ``momentum``, mean softmax cross-entropy, and accuracy in chunks of 1,000."""
    lr, momentum = 0.1, 0.9

    def __init__(self, params):
        nn, optim = self.modules()
        self.model = self.network(nn, params)
        self.model.load_state_dict({k: self.tensor(v.copy()) for k, v in params.items()})
        self.optimizer = optim.SGD(self.model.parameters(), lr=self.lr, momentum=self.momentum)

    def step(self, x, y):
        self.optimizer.zero_grad()
        loss = self.cross_entropy(self.model(x), y)
        loss.backward()
        self.optimizer.step()
        return loss.item()

    def accuracy(self, x, y):
        with self.no_grad():
            correct = sum(int((self.model(self.tensor(x[i:i + 1000])).argmax(1).numpy()
                               == y[i:i + 1000]).sum()) for i in range(0, len(x), 1000))
        return correct / len(x)

    def state_dict(self):
        return {k: v.detach().numpy() for k, v in self.model.state_dict().items()}


class TinygradTrainer(_Framework):
    """tinygrad_lite through its public API, batches from a DataLoader over a TensorDataset."""
    name = "tinygrad_lite"

    def modules(self):
        self.tensor, self.no_grad = tg.Tensor, tg.no_grad
        self.cross_entropy = tg_functional.cross_entropy
        return tg_nn, tg_optim

    def batches(self, x, y, seed):
        return DataLoader(TensorDataset(x, y), batch_size=self.batch_size, shuffle=True, seed=seed)


class TorchTrainer(_Framework):
    """PyTorch (imported only when used), the same model and loop."""
    name = "torch"

    def modules(self):
        import torch
        self.tensor, self.no_grad = torch.from_numpy, torch.no_grad
        self.cross_entropy = torch.nn.functional.cross_entropy
        return torch.nn, torch.optim

    def wrap(self, xb, yb):
        return self.tensor(xb), self.tensor(yb)


# --- the machine -----------------------------------------------------------------------------

def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def _blas():
    """What NumPy's BLAS is: threadpoolctl's view when it is installed, else NumPy's build info."""
    try:
        from threadpoolctl import threadpool_info
        return [{k: lib.get(k) for k in ("internal_api", "version", "num_threads")}
                for lib in threadpool_info() if lib.get("user_api") == "blas"]
    except ImportError:
        pass
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return {"name": blas.get("name"), "version": blas.get("version")}
    except Exception:  # older NumPy: show_config has no dict mode
        return None


def _git_commit():
    try:
        out = subprocess.run(["git", "-C", REPO_ROOT, "describe", "--always", "--dirty"],
                             capture_output=True, text=True, timeout=10)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def machine_info(torch=None):
    """A dict describing the machine and software, printed by :func:`print_machine`."""
    threads = {k: os.environ[k] for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                          "MKL_NUM_THREADS") if k in os.environ}
    return {
        "commit": _git_commit(),
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": _blas(),
        "thread_env": threads,
        "torch": torch.__version__ if torch else None,
        "torch_threads": torch.get_num_threads() if torch else None,
    }


def print_machine(info, uses_torch=True):
    print(f"machine: {info['cpu']}, {info['cores']} cores ({info['usable_cores']} usable), "
          f"Python {info['python']}, commit {info['commit']}")
    print(f"numpy {info['numpy']}, BLAS {info['blas']}, thread env {info['thread_env'] or 'unset'}")
    if info["torch"]:
        print(f"torch {info['torch']} with torch.get_num_threads() = {info['torch_threads']}")
    elif uses_torch:
        print("torch: not importable (or --no-torch): PyTorch column skipped")


# --- memory ----------------------------------------------------------------------------------

def current_rss_mb():
    """Resident set size now, from /proc/self/statm."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / MB


def peak_rss_mb():
    """Peak resident set size of this process so far (ru_maxrss, KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MB


# --- results ---------------------------------------------------------------------------------

def check_target(results, name, value, limit, unit=""):
    """Print a PASS/MISS line for ``value <= limit`` (SKIP when value is None) and record it in
    ``results['targets']``. Informational only: nothing exits non-zero."""
    if value is None:
        verdict = "SKIP"
        print(f"SKIP  {name} (target <= {limit:.3g}{unit}): not measured")
    else:
        verdict = "PASS" if value <= limit else "MISS"
        print(f"{verdict}  {name} = {value:.3g}{unit} (target <= {limit:.3g}{unit})")
    results.setdefault("targets", {})[name] = {"value": value, "limit": limit, "verdict": verdict}


def ratio(a, b):
    return None if a is None or b is None else a / b


def write_json(path, results):
    if path:
        with open(path, "w") as f:
            json.dump(results, f, indent=2, default=float)
            f.write("\n")
        print(f"results written to {path}")
