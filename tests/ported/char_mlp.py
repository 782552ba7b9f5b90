"""A character-level MLP language model in the style of Bengio et al. (2003): an embedding table,
one tanh hidden layer, trained by hand with ``p.data += -lr * p.grad``.

Runs under PyTorch as written; under tinygrad_lite with only the import lines changed.
"""
import numpy as np
import torch
import torch.nn.functional as F

TEXT = ("emma olivia ava isabella sophia charlotte mia amelia harper evelyn abigail emily "
        "elizabeth mila ella avery sofia camila aria scarlett victoria madison luna grace chloe")
CONTEXT, EMBED, HIDDEN = 3, 8, 64


def vocabulary():
    chars = sorted(set(TEXT.replace(" ", "")))
    return {c: i + 1 for i, c in enumerate(chars)}  # 0 is the start/end marker "."


def dataset():
    """Every (three previous characters -> next character) pair of the names in TEXT."""
    stoi, xs, ys = vocabulary(), [], []
    for word in TEXT.split():
        context = [0] * CONTEXT
        for ch in word + ".":
            ix = stoi.get(ch, 0)
            xs.append(context)
            ys.append(ix)
            context = context[1:] + [ix]
    return torch.tensor(xs), torch.tensor(ys)


def build():
    """The parameters: C (the embedding table), W1, b1, W2, b2."""
    g = torch.Generator().manual_seed(2147483647)
    vocab = len(vocabulary()) + 1
    C = torch.randn((vocab, EMBED), generator=g)
    W1 = torch.randn((CONTEXT * EMBED, HIDDEN), generator=g) * (5 / 3) / (CONTEXT * EMBED) ** 0.5
    b1 = torch.randn(HIDDEN, generator=g) * 0.01
    W2 = torch.randn((HIDDEN, vocab), generator=g) * 0.01
    b2 = torch.zeros(vocab)
    params = [C, W1, b1, W2, b2]
    for p in params:
        p.requires_grad = True
    return params


def parameters(params):
    return params


def train(params, steps, lr=0.1, batch=32, seed=0):
    """Minibatch SGD written by hand; returns the loss of every step."""
    C, W1, b1, W2, b2 = params
    X, Y = dataset()
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(steps):
        ix = torch.tensor(rng.integers(0, X.shape[0], batch))
        emb = C[X[ix]]                                   # (batch, CONTEXT, EMBED)
        h = torch.tanh(emb.view(-1, CONTEXT * EMBED) @ W1 + b1)
        logits = h @ W2 + b2
        loss = F.cross_entropy(logits, Y[ix])
        for p in params:
            p.grad = None
        loss.backward()
        for p in params:
            p.data += -lr * p.grad
        losses.append(loss.item())
    return losses


def sample(params, count=5, seed=0):
    """Names drawn from the model, one character at a time."""
    C, W1, b1, W2, b2 = params
    itos = {i: c for c, i in vocabulary().items()}
    g = torch.Generator().manual_seed(seed)
    names = []
    with torch.no_grad():
        for _ in range(count):
            context, out = [0] * CONTEXT, []
            while len(out) < 20:
                emb = C[torch.tensor([context])]
                h = torch.tanh(emb.view(1, -1) @ W1 + b1)
                probs = F.softmax(h @ W2 + b2, dim=1)
                ix = torch.multinomial(probs, num_samples=1, generator=g).item()
                if ix == 0:
                    break
                out.append(itos[ix])
                context = context[1:] + [ix]
            names.append("".join(out))
    return names


if __name__ == "__main__":
    params = build()
    losses = train(params, 2000)
    print(f"loss {losses[0]:.4f} -> {sum(losses[-100:]) / 100:.4f}")
    print(sample(params))
