"""An opt-in allocator setting for training scripts: keep freed memory in the process, so the
large temporaries of each training step are not page-faulted in again on the next one.

Every op allocates its result afresh. With glibc's defaults, the tens of megabytes freed at the
end of a step are handed back to the kernel (heap trimming, and ``mmap`` for large blocks), and
the next step faults every page back in, zero-filled: thousands of page faults per step of a
small CNN, a third of its time. :func:`keep_freed_memory` raises glibc's mmap and trim
thresholds, so freed blocks are reused instead. Peak memory is unchanged; the process just does
not shrink back after a peak.

It changes the whole process's allocator, so importing tinygrad_lite never does it: a training
script calls it (``examples/mnist.py`` and the benchmarks do). glibc only; elsewhere it does
nothing. ``TINYGRAD_LITE_KEEP_MEMORY=0`` makes the call do nothing.
"""
import ctypes
import os

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt parameter numbers from glibc's malloc.h
_MMAP_THRESHOLD = 32 * 2 ** 20  # blocks below this come from the reusable heap (glibc's maximum)
_TRIM_THRESHOLD = 512 * 2 ** 20  # free memory kept at the top of the heap before trimming


def keep_freed_memory():
    """Raise glibc's thresholds as described above; returns True when they were set.

    >>> from tinygrad_lite.allocator import keep_freed_memory
    >>> keep_freed_memory()                      # doctest: +SKIP
    True
    """
    if os.environ.get("TINYGRAD_LITE_KEEP_MEMORY", "1") == "0":
        return False
    try:  # glibc's soname, loaded directly: ctypes.util.find_library costs 7 ms of import
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):  # not glibc (musl, macOS, Windows)
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)
                and mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD))
