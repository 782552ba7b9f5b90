"""A variational autoencoder (Kingma and Welling, 2014) on 8x8 binary images of bars: an MLP
encoder to a Gaussian's mean and log-variance, the reparameterization trick with
``randn_like``, a sigmoid decoder, the loss as binary cross-entropy plus the KL divergence.

Runs under PyTorch as written; under tinygrad_lite with only the import lines changed.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SIDE, LATENT = 8, 2


class VAE(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.fc1 = nn.Linear(SIDE * SIDE, hidden)
        self.fc21 = nn.Linear(hidden, LATENT)
        self.fc22 = nn.Linear(hidden, LATENT)
        self.fc3 = nn.Linear(LATENT, hidden)
        self.fc4 = nn.Linear(hidden, SIDE * SIDE)

    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def reparameterize(self, mu, logvar, eps=None):
        std = torch.exp(0.5 * logvar)
        if eps is None:
            eps = torch.randn_like(std)
        return mu + eps * std

    def decode(self, z):
        return torch.sigmoid(self.fc4(F.relu(self.fc3(z))))

    def forward(self, x, eps=None):
        mu, logvar = self.encode(x.view(-1, SIDE * SIDE))
        z = self.reparameterize(mu, logvar, eps)
        return self.decode(z), mu, logvar


def loss_function(recon_x, x, mu, logvar):
    bce = F.binary_cross_entropy(recon_x, x.view(-1, SIDE * SIDE), reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + kld


def images(rng, count):
    """Each image is one horizontal or one vertical bar."""
    out = np.zeros((count, SIDE, SIDE))
    for img, pos, vertical in zip(out, rng.integers(0, SIDE, count), rng.random(count) < 0.5):
        if vertical:
            img[:, pos] = 1
        else:
            img[pos, :] = 1
    return torch.tensor(out, dtype=torch.get_default_dtype())


def build():
    torch.manual_seed(0)
    return VAE()


def parameters(model):
    return list(model.parameters())


def train(model, steps, size=32, seed=0, noise_from_numpy=True):
    """Adam on fresh batches; the reparameterization noise comes from NumPy when
    ``noise_from_numpy`` (so two frameworks see the same draws), else from ``randn_like``."""
    rng = np.random.default_rng(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    model.train()
    losses = []
    for _ in range(steps):
        x = images(rng, size)
        eps = None
        if noise_from_numpy:
            eps = torch.tensor(rng.standard_normal((size, LATENT)), dtype=torch.get_default_dtype())
        optimizer.zero_grad()
        recon, mu, logvar = model(x, eps)
        loss = loss_function(recon, x, mu, logvar)
        loss.backward()
        optimizer.step()
        losses.append(loss.item() / size)
    return losses


if __name__ == "__main__":
    model = build()
    losses = train(model, 500, noise_from_numpy=False)
    print(f"loss per image {losses[0]:.2f} -> {sum(losses[-20:]) / 20:.2f}")
    with torch.no_grad():
        print(model.decode(torch.zeros(1, LATENT)).view(SIDE, SIDE).round())
