"""A sliding-window request limiter: at most `limit` requests in any `window` seconds.

Google counts Sheets read requests per minute per user (60) and per project (300); a roll-up of
76 provinces shares one service account, so all its reads — every thread's, the retries too —
take a slot here before they are sent. Waiting here costs nothing; a 429 costs a backoff.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class SlidingWindowLimiter:
    """Thread-safe. `acquire()` blocks until a request may go and returns its slot; `release(slot)`
    once the answer is in dates the request at that moment. Google counts a request when it
    arrives, which is after our `acquire` and before our `release`, so a slot freed a window after
    its release is always free on Google's side too (never freed early by the network's delay)."""

    def __init__(self, limit: int, window: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("limit must be ≥ 1 and window > 0")
        self.limit, self.window = limit, window
        self.clock, self.sleep = clock, sleep
        self._slots: list[list[float | None]] = []  # [time answered], None while in flight
        self._lock = threading.Lock()
        self.waited = 0.0  # seconds spent waiting for a slot, all threads together
        self.granted = 0

    def acquire(self) -> list[float | None]:
        """Wait for a free slot and take it."""
        waited = 0.0
        while True:
            with self._lock:
                now = self.clock()
                self._slots = [s for s in self._slots if s[0] is None or s[0] > now - self.window]
                if len(self._slots) < self.limit:
                    slot: list[float | None] = [None]
                    self._slots.append(slot)
                    self.granted += 1
                    self.waited += waited
                    return slot
                done = [s[0] for s in self._slots if s[0] is not None]
                pause = (min(done) + self.window - now) if done else 0.05  # all in flight: look again soon
            pause = max(pause, 0.001)
            self.sleep(pause)
            waited += pause

    def release(self, slot: list[float | None]) -> None:
        """The request's answer is in: its slot is free one window from now."""
        with self._lock:
            slot[0] = self.clock()
