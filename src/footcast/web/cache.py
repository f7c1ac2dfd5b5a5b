"""A stale-while-revalidate cache: an answer older than ``seconds`` is still served while one
thread computes the next, so no request waits for an expensive query after the first."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["Stale"]

T = TypeVar("T")


class Stale(Generic[T]):
    def __init__(self, *, seconds: float) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._values: dict[Hashable, tuple[float, T]] = {}
        self._refreshing: set[Hashable] = set()
        self._first: dict[Hashable, threading.Lock] = {}  # one first computation per key

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached value of ``key``; the first time, ``compute`` it here (requests arriving
        meanwhile wait for that one computation instead of starting their own). Once it is
        older than ``seconds``, it is still returned while one background thread recomputes
        it."""
        with self._lock:
            found = self._values.get(key)
            stale = found is not None and time.monotonic() - found[0] > self.seconds
            refresh = stale and key not in self._refreshing
            if refresh:
                self._refreshing.add(key)
        if found is None:
            with self._lock:
                first = self._first.setdefault(key, threading.Lock())
            with first:
                with self._lock:
                    done = self._values.get(key)
                if done is not None:  # computed while this request waited
                    return done[1]
                value = compute()
                with self._lock:
                    self._values[key] = (time.monotonic(), value)
                return value
        if refresh:
            threading.Thread(target=self._refresh, args=(key, compute), daemon=True).start()
        return found[1]

    def peek(self, key: Hashable) -> T | None:
        """The cached value of ``key`` however old, or None; never computes."""
        with self._lock:
            found = self._values.get(key)
        return None if found is None else found[1]

    def _refresh(self, key: Hashable, compute: Callable[[], T]) -> None:
        try:
            value = compute()
            with self._lock:
                self._values[key] = (time.monotonic(), value)
        finally:
            with self._lock:
                self._refreshing.discard(key)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
