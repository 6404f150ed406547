"""Rate limits for the subscription service: at most N requests per window for each key.

Pure and in memory (a sliding window of timestamps per key, with a clock passed in): one
service process is the expected deployment; behind several processes each keeps its own count,
which still caps a flood at N times the number of processes. Keys are hashed by the caller when
they are personal (email addresses), so the table holds no address.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Callable


class RateLimit:
    def __init__(self, limit: int, window_seconds: float, clock: Callable[[], float], max_keys: int = 100_000):
        self.limit, self.window, self.clock, self.max_keys = limit, window_seconds, clock, max_keys
        self._hits: dict[str, deque] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> float:
        """0 when the request may go ahead (and counts), else the seconds until it may."""
        now = self.clock()
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                if len(self._hits) >= self.max_keys:
                    self._forget_idle(now)
                hits = self._hits[key] = deque()
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(hits[0] + self.window - now, 0.001)
            hits.append(now)
            return 0.0

    def _forget_idle(self, now: float) -> None:
        """Bounded memory under a flood of distinct keys: drop keys with no hit inside the window."""
        for key in [key for key, hits in self._hits.items() if not hits or hits[-1] <= now - self.window]:
            del self._hits[key]
        if len(self._hits) >= self.max_keys:  # still full: every key is busy; drop the oldest half
            for key in sorted(self._hits, key=lambda k: self._hits[k][-1])[: self.max_keys // 2]:
                del self._hits[key]
