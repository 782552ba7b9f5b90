"""mlp_epoch: seconds for one MNIST training epoch of a 784-256-10 ReLU MLP.

Workload: 60,000 training images already in memory as float32 in [0, 1], batch 128 (469 steps,
the last one of 96), SGD(lr=0.1, momentum=0.9), mean softmax cross-entropy, float32 throughout.
Three implementations start every run from the same initial weights (PyTorch's default
nn.Linear scheme, drawn once with NumPy) and visit the batches in the same order:

* numpy:         forward and backward written out by hand, in-place momentum update;
* tinygrad_lite: its public API: nn.Sequential of nn.Linear/nn.ReLU, F.cross_entropy,
                 optim.SGD and a DataLoader over a TensorDataset (shuffle=True, seed=SEED);
* torch:         the same in PyTorch, when importable (torch.set_num_threads left at default).

All runs happen in one process. In each round the three epochs are interleaved in ten blocks of
steps (numpy's first tenth, tinygrad_lite's, torch's, numpy's second tenth, ...; see
common.time_epochs), so the machine's drifts hit all three alike; the median over ``--repeats``
rounds (default 3) is reported, in seconds and as ratios. Building a model, the pauses between
blocks and the test-set accuracy measured after each epoch (about 0.96 for all three) are not
timed.

Targets: tinygrad_lite <= 1.15 x NumPy and <= 0.70 x PyTorch. PASS/MISS lines are informational;
the exit status is 0 regardless. On a busy machine multi-threaded BLAS loses badly to contention
(epochs 5-10x slower); there ``OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1`` gives
steadier numbers. The header prints these variables and torch's thread count.

    python bench/mlp_epoch.py [--json out.json] [--repeats N] [--data-dir DIR] [--no-torch]
"""
import common  # first: puts this checkout of tinygrad_lite on sys.path

import numpy as np

LR, MOMENTUM, SEED = 0.1, 0.9, 0
KEYS = ("0.weight", "0.bias", "2.weight", "2.bias")  # nn.Sequential's names, in tg and torch


def init_params(features=784, hidden=256, classes=10, seed=SEED):
    """Initial weights as a state dict of float32 arrays: PyTorch's nn.Linear default,
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases."""
    rng = np.random.default_rng(seed)

    def uniform(fan_in, *shape):
        bound = 1 / np.sqrt(fan_in)
        return rng.uniform(-bound, bound, shape).astype(np.float32)
    return dict(zip(KEYS, (uniform(features, hidden, features), uniform(features, hidden),
                           uniform(hidden, classes, hidden), uniform(hidden, classes))))


def _sizes(params):
    (hidden, features), classes = params["0.weight"].shape, params["2.weight"].shape[0]
    return features, hidden, classes


class NumpyMLP(common.Trainer):
    """The reference: forward and backward by hand, SGD with momentum updated in place."""
    name = "numpy"

    def __init__(self, params, lr=LR, momentum=MOMENTUM):
        self.params = [params[k].copy() for k in KEYS]
        # A zero buffer makes the first step b = g, as PyTorch's SGD does.
        self.buffers = [np.zeros_like(p) for p in self.params]
        self.lr, self.momentum = lr, momentum

    def step(self, x, y):
        w1, b1, w2, b2 = self.params
        n, rows = len(x), np.arange(len(x))
        h = x @ w1.T
        h += b1
        np.maximum(h, 0, out=h)
        z = h @ w2.T
        z += b2
        z -= z.max(axis=1, keepdims=True)
        picked = z[rows, y]
        np.exp(z, out=z)
        total = z.sum(axis=1, keepdims=True)
        loss = float(np.mean(np.log(total[:, 0]) - picked))
        z /= total                       # softmax
        z[rows, y] -= 1
        z /= n                           # d loss / d logits
        dh = z @ w2
        dh *= h > 0                      # through the ReLU
        grads = (dh.T @ x, dh.sum(axis=0), z.T @ h, z.sum(axis=0))
        for p, b, g in zip(self.params, self.buffers, grads):
            b *= self.momentum
            b += g
            np.multiply(b, self.lr, out=g)   # g is dead: reuse it for lr * b
            p -= g
        return loss

    def accuracy(self, x, y):
        w1, b1, w2, b2 = self.params
        return float(((np.maximum(x @ w1.T + b1, 0) @ w2.T + b2).argmax(axis=1) == y).mean())

    def state_dict(self):
        return dict(zip(KEYS, self.params))


class MLPNetwork:
    """The MLP workload: the network from the weights' sizes, SGD(LR, MOMENTUM)."""
    lr, momentum = LR, MOMENTUM

    def network(self, nn, params):
        features, hidden, classes = _sizes(params)
        return nn.Sequential(nn.Linear(features, hidden), nn.ReLU(), nn.Linear(hidden, classes))


class TinygradMLP(MLPNetwork, common.TinygradTrainer):
    pass


class TorchMLP(MLPNetwork, common.TorchTrainer):
    pass


TRAINERS = {cls.name: cls for cls in (NumpyMLP, TinygradMLP, TorchMLP)}


def main():
    args = common.make_parser(__doc__, repeats=3).parse_args()
    torch = common.import_torch(args.torch)
    info = common.machine_info(torch)
    common.print_machine(info)
    x, y, x_test, y_test = common.load_mnist(args.data_dir)
    params = init_params(features=x.shape[1])
    runs, med = common.compare_epochs(TRAINERS, torch, params, (x, y, x_test, y_test),
                                      args.repeats, baseline="numpy")
    tg_s, np_s, torch_s = med["tinygrad_lite"], med["numpy"], med.get("torch")
    results = {"benchmark": "mlp_epoch", "machine": info, "repeats": args.repeats,
               "config": {"batch": common.Trainer.batch_size, "lr": LR, "momentum": MOMENTUM,
                          "steps": common.epoch_steps(len(x)),
                          "hidden": _sizes(params)[1]},
               "runs": runs, "median_seconds": med,
               "ratios": {"tinygrad_lite/numpy": tg_s / np_s,
                          "torch/numpy": common.ratio(torch_s, np_s),
                          "tinygrad_lite/torch": common.ratio(tg_s, torch_s)}}
    common.check_target(results, "tinygrad_lite/numpy", tg_s / np_s, 1.15, "x")
    common.check_target(results, "tinygrad_lite/torch", common.ratio(tg_s, torch_s), 0.70, "x")
    common.write_json(args.json, results)


if __name__ == "__main__":
    main()
