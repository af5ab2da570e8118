"""CPU-bound work (laying out a PDF, hashing a password) without stalling a gevent process.

Such work never yields: in the gevent server every live connection would wait
for it. There it runs in native worker threads (the caller has already read
what it needs from the database); the event loop keeps its turns of the GIL
meanwhile, and WeasyPrint's and argon2's C code run beside it. In any other
mode (threading, tests, the command line) it runs in the calling thread.

Password threads also run at a lower CPU priority (Linux nice values are per
thread, and argon2's own lane threads inherit it): when the cores are busy, a
flood of sign-ups slows the sign-ups, not the editors. They hold the GIL only
around the hash, so the loop never waits on a starved thread for it; the
layout thread holds the GIL most of the time and keeps the normal priority.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from typing import Any, Literal, TypeVar

R = TypeVar("R")

Pool = Literal["render", "passwords"]
# (threads, lowest nice value): one document layout at a time (they share loaded fonts); two
# password hashes at once (argon2id's memory cost bounds how many should run together).
POOLS: dict[Pool, tuple[int, int]] = {"render": (1, 0), "passwords": (2, 10)}


def off_the_loop(work: Callable[..., R], *args: Any, pool: Pool = "render") -> R:
    """``work(*args)``, in one of ``pool``'s native threads when gevent runs the process."""
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover (gevent is a dependency)
        return work(*args)
    if not monkey.is_module_patched("threading"):
        return work(*args)
    return _threads(pool).apply(_run, (work, args, POOLS[pool][1]))  # type: ignore[no-any-return]


def _run(work: Callable[..., R], args: tuple[Any, ...], nice: int) -> R:
    """In a pool thread: lower this thread's priority once (Linux: who=0 is the calling thread), then work."""
    if nice and hasattr(os, "setpriority") and os.getpriority(os.PRIO_PROCESS, 0) < nice:
        os.setpriority(os.PRIO_PROCESS, 0, nice)
    return work(*args)


@cache
def _threads(pool: Pool) -> Any:
    from gevent.threadpool import ThreadPool

    return ThreadPool(POOLS[pool][0])
