"""CPU-bound work (laying out a PDF, hashing a password) without stalling a gevent process.

Such work never yields: in the gevent server every live connection would wait
for it. There it runs in native worker threads (the caller has already read
what it needs from the database); the event loop keeps its turns of the GIL
meanwhile, and WeasyPrint's and argon2's C code run beside it. In any other
mode (threading, tests, the command line) it runs in the calling thread.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, Literal, TypeVar

R = TypeVar("R")

Pool = Literal["render", "passwords"]
# One document layout at a time (they share loaded fonts); two password hashes at once
# (argon2id's memory cost bounds how many should run together).
POOL_SIZES: dict[Pool, int] = {"render": 1, "passwords": 2}


def off_the_loop(work: Callable[..., R], *args: Any, pool: Pool = "render") -> R:
    """``work(*args)``, in one of ``pool``'s native threads when gevent runs the process."""
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover (gevent is a dependency)
        return work(*args)
    if not monkey.is_module_patched("threading"):
        return work(*args)
    return _threads(pool).apply(work, args)  # type: ignore[no-any-return]


@cache
def _threads(pool: Pool) -> Any:
    from gevent.threadpool import ThreadPool

    return ThreadPool(POOL_SIZES[pool])
