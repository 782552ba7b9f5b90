"""The classic MNIST CNN of PyTorch's examples: two convolutions, max pooling, Dropout,
``log_softmax`` with ``nll_loss``, Adadelta with StepLR, batches from ``torch.utils.data``.

Runs under PyTorch as written; under tinygrad_lite with only the import lines changed.
``python mnist_cnn.py DIR`` trains on the MNIST IDX files in DIR (read with NumPy).
"""
import gzip
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.lr_scheduler import StepLR
from torch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = self.dropout2(x)
        return F.log_softmax(self.fc2(x), dim=1)


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def mnist(root, train=True):
    prefix = "train" if train else "t10k"
    images = read_idx(os.path.join(root, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(root, f"{prefix}-labels-idx1-ubyte.gz"))
    x = (images.astype(np.float32) / 255 - 0.1307) / 0.3081
    return TensorDataset(torch.tensor(x[:, None], dtype=torch.get_default_dtype()),
                         torch.tensor(labels.astype(np.int64)))


def synthetic(count, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((count, 1, 28, 28))
    return TensorDataset(torch.tensor(x, dtype=torch.get_default_dtype()),
                         torch.tensor(rng.integers(0, 10, count)))


def build():
    torch.manual_seed(1)
    return Net()


def parameters(model):
    return list(model.parameters())


def train_epoch(model, loader, optimizer):
    model.train()
    losses = []
    for data, target in loader:
        optimizer.zero_grad()
        loss = F.nll_loss(model(data), target)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def test(model, loader):
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for data, target in loader:
            pred = model(data).argmax(dim=1, keepdim=True)
            correct += pred.eq(target.view_as(pred)).sum().item()
            total += len(target)
    return correct / total


def train(model, steps, batch=4, epochs=2):
    """``epochs`` epochs of ``steps`` batches of synthetic data (the comparison in the tests)."""
    loader = DataLoader(synthetic(steps * batch), batch_size=batch, shuffle=False)
    optimizer = torch.optim.Adadelta(model.parameters(), lr=1.0)
    scheduler = StepLR(optimizer, step_size=1, gamma=0.7)
    losses = []
    for _ in range(epochs):
        losses += train_epoch(model, loader, optimizer)
        scheduler.step()
    return losses


if __name__ == "__main__":
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    model = build()
    train_loader = DataLoader(mnist(root), batch_size=64, shuffle=True)
    test_loader = DataLoader(mnist(root, train=False), batch_size=1000)
    optimizer = torch.optim.Adadelta(model.parameters(), lr=1.0)
    scheduler = StepLR(optimizer, step_size=1, gamma=0.7)
    for epoch in range(1, 3):
        losses = train_epoch(model, train_loader, optimizer)
        scheduler.step()
        print(f"epoch {epoch}: loss {np.mean(losses):.4f}, test accuracy {test(model, test_loader):.4f}")
