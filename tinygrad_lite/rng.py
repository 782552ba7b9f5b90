"""Random number generators, with PyTorch's names: :class:`Generator`, the global
``default_generator``, ``manual_seed``, ``seed``, ``initial_seed``, ``get_rng_state`` and
``set_rng_state``.

Everything random (``randn``, ``rand``, ``nn.init``, ``Dropout``, ``DataLoader`` without a seed)
draws from the global generator unless given ``generator=``, so one call to ``manual_seed`` makes
a whole run reproducible. The numbers differ from PyTorch's (NumPy's PCG64, not Mersenne Twister).

    >>> g = Generator().manual_seed(3)
    >>> g.initial_seed()
    3
"""
import numpy as np

from .device import CPU, check_device
from .tensor import Tensor

__all__ = ["Generator", "default_generator", "manual_seed", "seed", "initial_seed",
           "get_rng_state", "set_rng_state"]

_SEED_RANGE = (-2 ** 63, 2 ** 64)
_FIELDS = (8, 16, 16, 1, 4)  # bytes of: initial seed, PCG64 state, increment, has_uint32, uinteger


class Generator:
    """A random number generator on the CPU (``torch.Generator``): ``manual_seed`` (returns the
    generator), ``seed``, ``initial_seed``, ``get_state``/``set_state`` (a uint8 tensor). New
    generators start from PyTorch's default seed, 67280421310721."""

    def __init__(self, device="cpu"):
        check_device(device, "Generator")
        self.device = CPU
        self.manual_seed(67280421310721)

    def manual_seed(self, seed):
        """Reseed; returns the generator."""
        seed = int(seed)
        if not _SEED_RANGE[0] <= seed < _SEED_RANGE[1]:
            raise ValueError(f"manual_seed: the seed must fit in 64 bits, got {seed}")
        self._seed = seed % 2 ** 64  # negative seeds wrap around, as in PyTorch
        self._np = np.random.default_rng(self._seed)
        return self

    def seed(self):
        """Reseed from the operating system's entropy; returns the new seed."""
        self.manual_seed(int(np.random.SeedSequence().generate_state(1, np.uint64)[0]))
        return self._seed

    def initial_seed(self):
        """The seed the generator was last seeded with."""
        return self._seed

    def get_state(self):
        """The generator's state as a uint8 tensor, for :meth:`set_state`."""
        state = self._np.bit_generator.state
        values = (self._seed, state["state"]["state"], state["state"]["inc"], state["has_uint32"],
                  state["uinteger"])
        data = b"".join(v.to_bytes(n, "little") for v, n in zip(values, _FIELDS))
        return Tensor(np.frombuffer(data, np.uint8).copy())

    def set_state(self, new_state):
        """Restore a state returned by :meth:`get_state`; returns the generator."""
        array = getattr(new_state, "_array", None)
        if array is None or array.dtype != np.uint8 or array.shape != (sum(_FIELDS),):
            raise TypeError(f"set_state: expected the uint8 tensor of {sum(_FIELDS)} bytes that "
                            f"get_state() returns, got {new_state!r:.80}")
        data, values = array.tobytes(), []
        for n in _FIELDS:
            values.append(int.from_bytes(data[:n], "little"))
            data = data[n:]
        seed, state, inc, has_uint32, uinteger = values
        bits = np.random.PCG64()
        bits.state = {"bit_generator": "PCG64", "state": {"state": state, "inc": inc},
                      "has_uint32": has_uint32, "uinteger": uinteger}
        self._seed, self._np = seed, np.random.Generator(bits)
        return self

    def __repr__(self):
        return f"<tinygrad_lite.Generator object at {id(self):#x}>"


default_generator = Generator()
default_generator.seed()  # a fresh seed per process, as PyTorch's global generator


def manual_seed(seed):
    """Reseed the global generator; returns it. ``tinygrad_lite.manual_seed(0)`` makes runs
    repeatable."""
    return default_generator.manual_seed(seed)


def seed():
    """Reseed the global generator non-deterministically; returns the seed."""
    return default_generator.seed()


def initial_seed():
    """The seed of the global generator."""
    return default_generator.initial_seed()


def get_rng_state():
    """The global generator's state (a uint8 tensor)."""
    return default_generator.get_state()


def set_rng_state(new_state):
    """Restore the global generator's state from :func:`get_rng_state`."""
    default_generator.set_state(new_state)


def generator(gen=None):
    """The ``numpy.random.Generator`` behind ``gen`` (a :class:`Generator`), or the global one's."""
    if gen is None:
        return default_generator._np
    if not isinstance(gen, Generator):
        raise TypeError(f"generator must be a tinygrad_lite.Generator, got {type(gen).__name__}")
    return gen._np
