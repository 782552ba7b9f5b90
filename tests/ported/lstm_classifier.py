"""An LSTM sequence classifier: token sequences labelled by whether they contain more "up" than
"down" tokens. Embedding, a two-layer bidirectional LSTM with ``batch_first``, the final hidden
states into a Linear layer, Adam, gradient clipping.

Runs under PyTorch as written; under tinygrad_lite with only the import lines changed.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

VOCAB, SEQ = 6, 12  # token 1 is "up", token 2 is "down", the rest are noise


class LSTMClassifier(nn.Module):
    def __init__(self, vocab=VOCAB, embed=8, hidden=16, classes=2, dropout=0.0):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed, padding_idx=0)
        self.lstm = nn.LSTM(embed, hidden, num_layers=2, batch_first=True, bidirectional=True,
                            dropout=dropout)
        self.fc = nn.Linear(2 * hidden, classes)

    def forward(self, tokens):
        output, (h_n, c_n) = self.lstm(self.embedding(tokens))
        last = torch.cat([h_n[-2], h_n[-1]], dim=1)  # the top layer, both directions
        return self.fc(last)


def batch(rng, size):
    tokens = rng.integers(1, VOCAB, (size, SEQ))
    labels = ((tokens == 1).sum(1) > (tokens == 2).sum(1)).astype(np.int64)
    return torch.tensor(tokens), torch.tensor(labels)


def build(dropout=0.0):
    torch.manual_seed(0)
    return LSTMClassifier(dropout=dropout)


def parameters(model):
    return list(model.parameters())


def train(model, steps, size=16, seed=0):
    rng = np.random.default_rng(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for _ in range(steps):
        tokens, labels = batch(rng, size)
        loss = F.cross_entropy(model(tokens), labels)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0)
        optimizer.step()
        losses.append(loss.item())
    return losses


def accuracy(model, seed=1):
    tokens, labels = batch(np.random.default_rng(seed), 256)
    with torch.no_grad():
        return (model(tokens).argmax(dim=1) == labels).float().mean().item()


if __name__ == "__main__":
    model = build()
    losses = train(model, 300)
    print(f"loss {losses[0]:.4f} -> {sum(losses[-20:]) / 20:.4f}, accuracy {accuracy(model):.3f}")
