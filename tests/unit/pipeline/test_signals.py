"""Stop signals: a real SIGTERM sent to this process, caught by the handlers under test."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Iterator

import pytest

from footcast.pipeline import signals


@pytest.fixture(autouse=True)
def _restore_handlers() -> Iterator[None]:
    saved = {number: signal.getsignal(number) for number in signals.STOP_SIGNALS}
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)


async def _forever() -> None:
    await asyncio.Event().wait()


def test_the_first_signal_cancels_the_task_and_the_second_has_its_default_effect() -> None:
    async def go() -> bool:
        task = asyncio.create_task(_forever())
        with signals.cancel_on_signals(task) as stop:
            asyncio.get_running_loop().call_later(0.05, os.kill, os.getpid(), signal.SIGTERM)
            with pytest.raises(asyncio.CancelledError):
                await task
            # a second SIGTERM would now kill the process
            assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
            assert signal.getsignal(signal.SIGINT) == signal.default_int_handler
        return stop.requested

    assert asyncio.run(go()) is True


def test_a_run_that_ends_on_its_own_leaves_no_handler_behind() -> None:
    async def go() -> bool:
        task = asyncio.create_task(asyncio.sleep(0))
        with signals.cancel_on_signals(task) as stop:
            await task
            assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, None)
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
        return stop.requested

    assert asyncio.run(go()) is False


def test_sigterm_interrupts_synchronous_code_like_sigint() -> None:
    before = signal.getsignal(signal.SIGTERM)

    def terminated_while_sleeping() -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # interrupted: the handler raises at once

    with signals.interrupt_on_sigterm(), pytest.raises(KeyboardInterrupt):
        terminated_while_sleeping()
    assert signal.getsignal(signal.SIGTERM) == before
