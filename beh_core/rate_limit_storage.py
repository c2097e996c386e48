"""The in-process store of the rate limits (``memory://``): limits' own, without a thread per request.

limits' ``MemoryStorage`` drops expired entries on a ``threading.Timer`` of 10 ms that every counted request
starts again once the last one has run. Under steady use that is a new thread for nearly every person search
(about 0.3 ms of a 3.5 ms list page, docs/performance.md). ``InlineExpiryMemoryStorage`` is the same store
with the same checks; it drops expired entries in the request itself, at most once per ``SWEEP_SECONDS``.
Nothing depends on the sweep for being right: a moving window is judged by its entries' times, a fixed
window's counter is dropped when it is read after its expiry; the sweep only frees memory.

Registered under the scheme ``beh-memory``; ``rate_limits`` uses it where the configuration says
``memory://``. Redis (production with several workers) is unchanged.
"""
from __future__ import annotations

import time

from limits.storage import MemoryStorage


class InlineExpiryMemoryStorage(MemoryStorage):
    """limits' ``MemoryStorage``, its expiry run inline every ``SWEEP_SECONDS`` instead of on a timer thread."""

    STORAGE_SCHEME = ["beh-memory"]
    SWEEP_SECONDS = 10.0

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.last_sweep = time.monotonic()

    # MemoryStorage calls its private ``__schedule_expiry`` before every hit; Python names it
    # ``_MemoryStorage__schedule_expiry``, so this is the method it calls. tests/test_hardening_rate_limits.py
    # checks that no timer is started per request, so a limits release that renames it is noticed.
    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 - the name limits' class calls
        now = time.monotonic()
        if now - self.last_sweep >= self.SWEEP_SECONDS:
            self.last_sweep = now
            self._MemoryStorage__expire_events()
