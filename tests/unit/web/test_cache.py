"""The stale-while-revalidate cache: one computation for concurrent first requests, stale
answers served while one thread recomputes."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from footcast.web.cache import Stale


def test_concurrent_first_requests_share_one_computation() -> None:
    cache: Stale[int] = Stale(seconds=60)
    calls = 0
    release = threading.Event()

    def compute() -> int:
        nonlocal calls
        calls += 1
        release.wait(5)
        return 42

    with ThreadPoolExecutor(8) as pool:
        answers = [pool.submit(cache.get, "board", compute) for _ in range(8)]
        time.sleep(0.2)  # every request is waiting by now
        release.set()
        assert [a.result(timeout=5) for a in answers] == [42] * 8
    assert calls == 1


def test_a_stale_value_is_served_while_one_thread_recomputes() -> None:
    cache: Stale[int] = Stale(seconds=0)
    assert cache.get("k", lambda: 1) == 1
    started = threading.Event()
    release = threading.Event()

    def slow() -> int:
        started.set()
        release.wait(5)
        return 2

    assert cache.get("k", slow) == 1  # stale: answered at once, recomputed behind it
    assert started.wait(5)
    assert cache.get("k", slow) == 1  # one refresh at a time: still the old value
    release.set()
    deadline = time.monotonic() + 5
    while cache.peek("k") != 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert cache.peek("k") == 2
