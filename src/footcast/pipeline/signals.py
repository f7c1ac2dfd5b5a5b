"""Stopping a worker on SIGINT or SIGTERM at any point of its life.

Procrastinate installs its own handlers only while its fetch loop runs; a signal that arrives
before (waiting for the database, registering the worker, reconciling) or between two runs (the
reconnect pause) would kill the process outright. So the worker holds the signals for its whole
life: while it starts up synchronously a signal raises ``KeyboardInterrupt``, and once it runs
on the event loop the first signal cancels the run, which Procrastinate turns into a graceful
stop (the running jobs finish). A second signal has its default effect.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterator

__all__ = ["STOP_SIGNALS", "Stop", "cancel_on_signals", "interrupt_on_sigterm"]

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Stop:
    """Whether a stop signal has arrived."""

    def __init__(self) -> None:
        self.requested = False


@contextlib.contextmanager
def interrupt_on_sigterm() -> Iterator[None]:
    """SIGTERM raises ``KeyboardInterrupt`` as SIGINT does, so synchronous start-up code can
    be stopped cleanly."""
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def cancel_on_signals(task: asyncio.Task[object]) -> Iterator[Stop]:
    """The first SIGINT or SIGTERM cancels ``task`` and is noted in the returned ``Stop``;
    the handlers are then removed, so a second signal has its default effect. Must run in the
    main thread, on the loop that runs ``task``."""
    loop = asyncio.get_running_loop()
    stop = Stop()

    def remove() -> None:
        for number in STOP_SIGNALS:
            loop.remove_signal_handler(number)

    def handle() -> None:
        stop.requested = True
        remove()
        task.cancel()

    for number in STOP_SIGNALS:
        loop.add_signal_handler(number, handle)
    try:
        yield stop
    finally:
        if not stop.requested:
            remove()
