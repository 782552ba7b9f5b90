"""cnn_epoch: seconds for one MNIST training epoch of a small convolutional network.

Workload: 60,000 training images already in memory as float32 (N, 1, 28, 28) in [0, 1], batch
128 (469 steps), conv(1->8, 3x3) -> ReLU -> max-pool 2 -> conv(8->16, 3x3) -> ReLU -> max-pool 2
-> linear(400->10), mean softmax cross-entropy, SGD(lr=0.05, momentum=0.9), float32 throughout.
Both implementations start every run from the same initial weights (PyTorch's default scheme,
drawn once with NumPy) and visit the batches in the same order:

* tinygrad_lite: its public API: nn.Sequential of nn.Conv2d/nn.ReLU/nn.MaxPool2d/nn.Flatten/
                 nn.Linear, F.cross_entropy, optim.SGD and a DataLoader over a TensorDataset;
* torch:         the same in PyTorch, when importable (torch.set_num_threads left at default).

All runs happen in one process. In each round the two epochs are interleaved in ten blocks of
steps (see common.time_epochs), so the machine's drifts hit both alike; the median over
``--repeats`` rounds (default 3) is reported. Building a model, the pauses between blocks and
the test-set accuracy measured after each epoch (about 0.97 for both) are not timed. Target: tinygrad_lite <= 1.0 x PyTorch
(informational PASS/MISS line; the exit status is 0 regardless).

    python bench/cnn_epoch.py [--json out.json] [--repeats N] [--data-dir DIR] [--no-torch]
"""
import common  # first: puts this checkout of tinygrad_lite on sys.path

import numpy as np

LR, MOMENTUM, SEED = 0.05, 0.9, 0
# nn.Sequential's parameter names and shapes, the same in tinygrad_lite and PyTorch
SHAPES = {"0.weight": (8, 1, 3, 3), "0.bias": (8,), "3.weight": (16, 8, 3, 3), "3.bias": (16,),
          "7.weight": (10, 400), "7.bias": (10,)}


def init_params(seed=SEED):
    """Initial weights as a state dict of float32 arrays: PyTorch's default for Conv2d and
    Linear, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases."""
    rng = np.random.default_rng(seed)
    params = {}
    for key, shape in SHAPES.items():
        weight = SHAPES[key.replace("bias", "weight")]
        bound = 1 / np.sqrt(np.prod(weight[1:]))
        params[key] = rng.uniform(-bound, bound, shape).astype(np.float32)
    return params


def layers(nn):
    """The network, from either framework's ``nn`` module."""
    return nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 16, 3),
                         nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 10))


class CNNNetwork:
    """The CNN workload: :func:`layers`, SGD(LR, MOMENTUM)."""
    lr, momentum = LR, MOMENTUM

    def network(self, nn, params):
        return layers(nn)


class TinygradCNN(CNNNetwork, common.TinygradTrainer):
    pass


class TorchCNN(CNNNetwork, common.TorchTrainer):
    pass


TRAINERS = {cls.name: cls for cls in (TinygradCNN, TorchCNN)}


def main():
    args = common.make_parser(__doc__, repeats=3).parse_args()
    torch = common.import_torch(args.torch)
    info = common.machine_info(torch)
    common.print_machine(info)
    x, y, x_test, y_test = (a.reshape(-1, 1, 28, 28) if a.ndim == 2 else a
                            for a in common.load_mnist(args.data_dir))
    params = init_params()
    runs, med = common.compare_epochs(TRAINERS, torch, params, (x, y, x_test, y_test),
                                      args.repeats)
    tg_s, torch_s = med["tinygrad_lite"], med.get("torch")
    results = {"benchmark": "cnn_epoch", "machine": info, "repeats": args.repeats,
               "config": {"batch": common.Trainer.batch_size, "lr": LR, "momentum": MOMENTUM,
                          "steps": common.epoch_steps(len(x))},
               "runs": runs, "median_seconds": med,
               "ratios": {"tinygrad_lite/torch": common.ratio(tg_s, torch_s)}}
    common.check_target(results, "tinygrad_lite/torch", common.ratio(tg_s, torch_s), 1.0, "x")
    common.write_json(args.json, results)


if __name__ == "__main__":
    main()
