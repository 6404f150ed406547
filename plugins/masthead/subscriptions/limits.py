"""Rate limits for the subscription service: at most N requests per window for each key.

A sliding window per key, counted in the subscriber database (SubscriberStore.rate_hit), so every
service process on it (two or more behind a load balancer) shares one count. Keys are digested
before they are stored, so no table holds a client's or a reader's address.
"""

from __future__ import annotations

import time
from typing import Callable


class SharedRateLimit:
    """A sliding window per key in the subscriber database (`store()` is the calling thread's)."""

    def __init__(self, name: str, limit: int, window_seconds: float, store: Callable,
                 clock: Callable[[], float] = time.time):
        self.name, self.limit, self.window, self.store, self.clock = name, limit, window_seconds, store, clock

    def allow(self, key: str) -> float:
        """0 when the request may go ahead (and counts), else the seconds until it may."""
        return self.store().rate_hit(self.name, key, self.limit, self.window, self.clock())
