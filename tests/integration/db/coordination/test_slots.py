"""Concurrency slots on real PostgreSQL: the limit across holders, one connection per holder
whatever the limit, and a SIGKILLed process's slots freed at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa
from sqlalchemy.engine import URL

from footcast.db import Database
from footcast.db.coordination import slots


def _advisory_locks(database: Database, scope: str) -> list[tuple[int, int]]:
    """(backend pid, slot) of every advisory lock of ``scope`` granted now."""
    with database.transaction() as session:
        rows = session.execute(
            sa.text(
                "SELECT pid, objid::int FROM pg_locks WHERE locktype = 'advisory'"
                " AND granted AND classid::bigint = (CAST(:key AS bigint) & 4294967295)"
            ),
            {"key": slots.scope_key(scope)},
        ).all()
    return [(int(pid), int(slot)) for pid, slot in rows]


def _connections(database: Database) -> int:
    with database.transaction() as session:
        return int(
            session.execute(
                sa.text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
        )


def test_slots_never_exceed_the_limit_across_holders(database: Database) -> None:
    holders = [slots.SlotHolder(database), slots.SlotHolder(database)]
    busy = 0
    most = 0
    seen_locks = 0
    lock = threading.Lock()

    def request(n: int) -> None:
        nonlocal busy, most, seen_locks
        holder = holders[n % 2]
        slot = holder.take("llm:p", 5)
        with lock:
            busy += 1
            most = max(most, busy)
        time.sleep(0.01)
        with lock:
            busy -= 1
        holder.release("llm:p", slot)

    try:
        with ThreadPoolExecutor(max_workers=40) as pool:
            list(pool.map(request, range(300)))
        seen_locks = len(_advisory_locks(database, "llm:p"))
    finally:
        for holder in holders:
            holder.close()
    assert most == 5
    assert seen_locks == 0  # every slot was given back


def test_a_holder_takes_exactly_the_free_slots_it_returns(database: Database) -> None:
    first, second = slots.SlotHolder(database), slots.SlotHolder(database)
    try:
        taken = {first.take("llm:q", 4) for _ in range(3)}
        assert len(taken) == 3  # a holder never takes a slot it holds (locks stack in a session)
        last = second.take("llm:q", 4)
        assert last not in taken
        locks = _advisory_locks(database, "llm:q")
        assert sorted(slot for _, slot in locks) == sorted(taken | {last})
        assert first.held("llm:q") == 3
        assert second.held("llm:q") == 1
        first.release("llm:q", taken.pop())
        assert len(_advisory_locks(database, "llm:q")) == 3
    finally:
        first.close()
        second.close()
    assert _advisory_locks(database, "llm:q") == []


def test_two_hundred_slots_need_one_connection(database: Database) -> None:
    before = _connections(database)
    holder = slots.SlotHolder(database)
    try:
        with ThreadPoolExecutor(max_workers=50) as pool:
            taken = list(pool.map(lambda _: holder.take("llm:wide", 200), range(200)))
        assert sorted(taken) == list(range(200))
        assert _connections(database) - before == 1
        assert len({pid for pid, _ in _advisory_locks(database, "llm:wide")}) == 1
    finally:
        holder.close()


def test_a_waiter_is_served_when_a_slot_is_released(database: Database) -> None:
    holder, other = slots.SlotHolder(database), slots.SlotHolder(database)
    try:
        slot = holder.take("llm:w", 1)
        got: list[int] = []
        waiting = threading.Thread(target=lambda: got.append(other.take("llm:w", 1)), daemon=True)
        waiting.start()
        time.sleep(0.2)
        assert got == []  # the only slot is held by the other holder
        released = time.monotonic()
        holder.release("llm:w", slot)
        waiting.join(timeout=5)
        assert got == [slot]
        assert time.monotonic() - released < 1.0  # found by the poller, not a timeout
    finally:
        holder.close()
        other.close()


_HOLDER = textwrap.dedent(
    """
    import sys, time
    from footcast.db import connect
    from footcast.db.coordination import slots
    holder = slots.SlotHolder(connect(sys.argv[1], upgrade=False))
    for _ in range(int(sys.argv[2])):
        holder.take("llm:killed", int(sys.argv[2]))
    print("held", flush=True)
    time.sleep(600)
    """
)


def test_a_killed_process_frees_its_slots_at_once(database: Database, database_url: URL) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, database_url.render_as_string(hide_password=False), "3"],
        stdout=subprocess.PIPE,
        env={k: v for k, v in os.environ.items() if not k.startswith("FOOTCAST_")},
    )
    holder = slots.SlotHolder(database)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == b"held"
        assert len(_advisory_locks(database, "llm:killed")) == 3
        got: list[int] = []
        waiting = threading.Thread(
            target=lambda: got.append(holder.take("llm:killed", 3)), daemon=True
        )
        waiting.start()
        time.sleep(0.3)
        assert got == []  # every slot is the child's
        killed = time.monotonic()
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        waiting.join(timeout=5)
        assert len(got) == 1
        assert time.monotonic() - killed < 1.0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        holder.close()
