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
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, TypeVar

from .errors import Busy

R = TypeVar("R")

Pool = Literal["render", "passwords"]


@dataclass(frozen=True)
class PoolShape:
    threads: int
    nice: int  # the lowest Linux nice value its threads run at
    waiting: int | None  # how many calls may wait for a thread; beyond, ``Busy`` (None: no bound)


# One document layout at a time (they share loaded fonts). One password hash at a time, whatever
# the number of callers (argon2 already spreads one hash over its lanes' threads), and at most 8
# logins or sign-ups queued behind it: a flood from many addresses gets ``Busy`` at once instead
# of a longer and longer queue, and hashing never takes more than those lanes' share of the CPU.
POOLS: dict[Pool, PoolShape] = {
    "render": PoolShape(threads=1, nice=0, waiting=None),
    "passwords": PoolShape(threads=1, nice=10, waiting=8),
}


def off_the_loop(work: Callable[..., R], *args: Any, pool: Pool = "render") -> R:
    """``work(*args)``, in one of ``pool``'s native threads when gevent runs the process.

    Raises ``Busy`` when the pool's queue is full.
    """
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover (gevent is a dependency)
        return work(*args)
    if not monkey.is_module_patched("threading"):
        return work(*args)
    shape = POOLS[pool]
    if shape.waiting is not None and _calls[pool] >= shape.threads + shape.waiting:
        raise Busy("The server is busy: try again in a few seconds.")
    _calls[pool] += 1
    try:
        return _threads(pool).apply(_run, (work, args, shape.nice))  # type: ignore[no-any-return]
    finally:
        _calls[pool] -= 1


# Calls running or waiting, per pool (only the event loop's greenlets change it: no lock needed).
_calls: dict[Pool, int] = dict.fromkeys(POOLS, 0)


def _run(work: Callable[..., R], args: tuple[Any, ...], nice: int) -> R:
    """In a pool thread: lower this thread's priority once (Linux: who=0 is the calling thread), then work."""
    if nice and hasattr(os, "setpriority") and os.getpriority(os.PRIO_PROCESS, 0) < nice:
        os.setpriority(os.PRIO_PROCESS, 0, nice)
    return work(*args)


@cache
def _threads(pool: Pool) -> Any:
    from gevent.threadpool import ThreadPool

    return ThreadPool(POOLS[pool].threads)
