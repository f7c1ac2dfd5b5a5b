"""The chaos run: a simulated season through real ``footcast worker`` processes while they are
SIGKILLed at random moments, PostgreSQL is restarted (a fast shutdown or a crash-like immediate
one), and the fake LLM providers answer 20% of requests with a fault (429, 500, a hang past the
client's timeout, a body that is not JSON). Then the checks of ``chaos_report`` are printed.

    .venv/bin/python tests/chaos.py [--teams 20] [--workers 3] [--seed 1]    # make chaos

``tests/acceptance/test_chaos.py`` runs a short one (4 teams, 12 matches) in the suite.

The run has a PostgreSQL of its own (the embedded server on a data directory of its own), so it
can restart it without disturbing anything else. The driver (the replay's clock and reconciler)
runs in this process and survives the restarts; the fake providers run here too, on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import logging
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import URL

from footcast import demo, rosters
from footcast.config import load_settings
from footcast.db import Database, connect, engine
from footcast.db.coordination import shared_clock
from footcast.fakes.openai import Behaviour, FakeOpenAI
from footcast.forecasters import roster
from footcast.pipeline import replay, worker
from footcast.pipeline.llms import LLMs

__all__ = ["FAULTS", "Chaos", "Events", "Options", "run"]

log = logging.getLogger("chaos")

FAULTS = (Behaviour.HTTP_429, Behaviour.HTTP_500, Behaviour.TIMEOUT, Behaviour.GARBAGE)


@dataclass(frozen=True, kw_only=True)
class Options:
    """The size of the run and how hard it is shaken."""

    teams: int = 20
    workers: int = 3
    concurrency: int = 2
    fault_rate: float = 0.2
    kill_every: tuple[float, float] = (4.0, 10.0)  # seconds between two SIGKILLs, at random
    restart_every: tuple[float, float] = (20.0, 40.0)  # seconds between PostgreSQL restarts
    down_for: tuple[float, float] = (0.5, 3.0)  # seconds PostgreSQL stays down
    llm_latency_ms: int = 5
    llm_timeout_seconds: float = 1.0  # a TIMEOUT fault hangs for three times this
    seed: int = 1


@dataclass(kw_only=True)
class Events:
    """What the chaos did, counted as it happened."""

    kills: int = 0
    restarts: dict[str, int] = field(default_factory=lambda: {"fast": 0, "immediate": 0})
    spawned: int = 0
    unexpected_exits: list[str] = field(default_factory=list)  # workers that died by themselves


class Server:
    """The run's own embedded PostgreSQL; started and stopped from other processes, because
    the launcher keeps one server object per data directory and process."""

    def __init__(self, pgdata: Path) -> None:
        self.pgdata = pgdata

    def start(self) -> URL:
        code = (
            "from pathlib import Path\nfrom footcast.db import embedded\n"
            f"print(embedded.embedded_server_url(Path({str(self.pgdata)!r})))"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
        )
        return engine.normalize_url(done.stdout.strip().splitlines()[-1])

    def stop(self, how: str) -> None:
        """``fast``: SIGINT, clients are disconnected and a checkpoint is written;
        ``immediate``: SIGQUIT, no checkpoint, recovery at the next start (like a crash)."""
        pid = int((self.pgdata / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGINT if how == "fast" else signal.SIGQUIT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
        raise RuntimeError(f"PostgreSQL (pid {pid}) did not stop within 60 s")

    def running(self) -> bool:
        return (self.pgdata / "postmaster.pid").exists()


class Workers:
    """``footcast worker`` processes, each with a name of its own; killed and replaced."""

    def __init__(self, env: dict[str, str], *, concurrency: int, logs: Path) -> None:
        self._env = env
        self._concurrency = concurrency
        self._logs = logs
        self._generation = 0
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def spawn(self, slot: int) -> str:
        self._generation += 1
        name = f"chaos-{slot}-{self._generation}"
        with (self._logs / f"{name}.log").open("wb") as out:
            self.processes[name] = subprocess.Popen(
                [sys.executable, "-m", "footcast.cli", "worker",
                 "--concurrency", str(self._concurrency)],
                env={**self._env, "FOOTCAST_WORKER_NAME": name},
                stdout=out,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        return name

    def kill(self, name: str) -> None:
        process = self.processes.pop(name)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    def exited(self) -> list[tuple[str, int]]:
        """Workers that stopped by themselves since the last look (name, exit code)."""
        gone = [(n, p.returncode) for n, p in self.processes.items() if p.poll() is not None]
        for name, _ in gone:
            del self.processes[name]
        return gone

    def stop(self) -> list[tuple[str, int]]:
        """SIGTERM every worker and wait; returns those that did not exit cleanly. Killed by
        the SIGTERM itself is clean too: a worker still starting up has no handler yet, and
        no job."""
        for process in self.processes.values():
            process.terminate()
        unclean = []
        for name, process in self.processes.items():
            try:
                code = process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                code = process.wait()
            if code not in (0, -signal.SIGTERM):
                unclean.append((name, code))
        self.processes.clear()
        return unclean

    def log_tail(self, name: str, chars: int = 1500) -> str:
        return (self._logs / f"{name}.log").read_text(errors="replace")[-chars:]


class Chaos(threading.Thread):
    """The monkey: kills a random worker now and then (a new one takes its slot at once), and
    restarts PostgreSQL now and then; replaces workers that died by themselves, noting them."""

    def __init__(self, options: Options, workers: Workers, server: Server, events: Events) -> None:
        super().__init__(name="chaos", daemon=True)
        self._options = options
        self._workers = workers
        self._server = server
        self.events = events
        self._rng = random.Random(options.seed)
        self._halt = threading.Event()
        self.error: BaseException | None = None

    def halt(self) -> None:
        self._halt.set()
        self.join(timeout=120)

    def run(self) -> None:
        try:
            self._shake()
        except BaseException as exc:  # reported by run(); the monkey must not die silently
            self.error = exc

    def _shake(self) -> None:
        o, rng = self._options, self._rng
        slots = {self._workers.spawn(slot): slot for slot in range(o.workers)}
        self.events.spawned += len(slots)
        next_kill = time.monotonic() + rng.uniform(*o.kill_every)
        next_restart = time.monotonic() + rng.uniform(*o.restart_every)
        crash = False
        while not self._halt.wait(0.05):
            for name, code in self._workers.exited():
                note = f"{name} exited by itself with code {code}: {self._workers.log_tail(name)}"
                self.events.unexpected_exits.append(note)
                self._replace(slots, name)
            now = time.monotonic()
            if now >= next_kill and self._workers.processes:
                victim = rng.choice(sorted(self._workers.processes))
                self._workers.kill(victim)
                self.events.kills += 1
                self._replace(slots, victim)
                next_kill = now + rng.uniform(*o.kill_every)
            if now >= next_restart:
                how = "immediate" if crash else "fast"
                log.info("stopping PostgreSQL (%s)", how)
                self._server.stop(how)
                self._halt.wait(rng.uniform(*o.down_for))
                self._server.start()
                self.events.restarts[how] += 1
                crash = not crash
                next_restart = time.monotonic() + rng.uniform(*o.restart_every)

    def _replace(self, slots: dict[str, int], gone: str) -> None:
        slot = slots.pop(gone)
        slots[self._workers.spawn(slot)] = slot
        self.events.spawned += 1


def _environment(options: Options, url: URL, roster_path: Path) -> dict[str, str]:
    """The settings of the driver and of every worker (one environment for both)."""
    return {
        "FOOTCAST_DATABASE_URL": url.render_as_string(hide_password=False),
        "FOOTCAST_CLOCK": "simulated",
        "FOOTCAST_JOB_RETENTION": "P3650D",  # the report accounts for every failed job
        "FOOTCAST_ROSTER": str(roster_path),
        "FOOTCAST_SIM_TEAMS": str(options.teams),
        "FOOTCAST_SIM_SEED": str(options.seed),
        "FOOTCAST_STALLED_AFTER_SECONDS": "3",
        "FOOTCAST_HEARTBEAT_SECONDS": "1",
        # after each restart a worker's listener is away for up to 30 s; a replay waits for
        # every job, so idle workers look often
        "FOOTCAST_POLL_SECONDS": "0.1",
        "FOOTCAST_RETRY_BASE_SECONDS": "0.05",
        # a provider's circuit rests 3 s, not 30: at 20% faults, 5 in a row happen every few
        # matches, and the replay waits for each rest to end
        "FOOTCAST_CIRCUIT_COOLDOWN_SECONDS": "3",
        "FOOTCAST_FIXTURES_EVERY": "P1D",
        "FOOTCAST_LIVE_EVERY": "PT60M",
    }


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """What a chaos run leaves for the checks: its database (running again) and the record."""

    database: Database
    progress: replay.Progress
    events: Events
    fake: FakeOpenAI
    roster: roster.Roster
    seconds: float
    unclean_stops: list[tuple[str, int]]


def run(options: Options, root: Path) -> Outcome:
    """Run the season under chaos in ``root`` (data directory, roster, worker logs)."""
    server = Server(root / "pgdata")
    url = engine.ensure_database(server.start(), "chaos", drop_first=True)
    database = connect(url)
    events = Events()
    (root / "logs").mkdir(exist_ok=True)
    with FakeOpenAI(
        latency_ms=options.llm_latency_ms, hang_seconds=3 * options.llm_timeout_seconds
    ) as fake:
        fake.fault_rate(options.fault_rate, FAULTS, seed=options.seed)
        models = demo.fake_roster(fake, roster.load(rosters.REFERENCE))
        models = _with_timeout(models, options.llm_timeout_seconds)
        roster_path = root / "roster.toml"
        roster_path.write_text(roster.dumps(models), encoding="utf-8")
        env = _environment(options, url, roster_path)
        base = {k: v for k, v in os.environ.items() if not k.startswith("FOOTCAST_")}
        settings = load_settings(env)
        season = worker.simulated_league(settings)
        start = season.first_kickoff - timedelta(days=3)  # where run_season starts its clock
        shared_clock.set_simulated_time(database, start)  # workers read it when they start
        workers = Workers({**base, **env}, concurrency=options.concurrency, logs=root / "logs")
        monkey = Chaos(options, workers, server, events)
        llms = LLMs(database, roster.load(roster_path), settings, environ={})
        started = time.monotonic()
        monkey.start()
        try:
            progress = asyncio.run(
                demo.run_season(database, settings, season=season, workers=0, llms=llms)
            )
        finally:
            monkey.halt()
            if not server.running():
                server.start()
            unclean = workers.stop()
            llms.close()
        seconds = time.monotonic() - started
    if monkey.error is not None:
        raise RuntimeError("the chaos monkey failed") from monkey.error
    return Outcome(
        database=database,
        progress=progress,
        events=events,
        fake=fake,
        roster=models,
        seconds=seconds,
        unclean_stops=unclean,
    )


def _with_timeout(models: roster.Roster, seconds: float) -> roster.Roster:
    providers = {
        name: provider.model_copy(update={"timeout_seconds": seconds})
        for name, provider in models.providers.items()
    }
    return dataclasses.replace(models, providers=providers)


def main() -> None:
    from chaos_report import report  # tests/ is on the path when run as a script

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=Options.teams)
    parser.add_argument("--workers", type=int, default=Options.workers)
    parser.add_argument("--fault-rate", type=float, default=Options.fault_rate)
    parser.add_argument("--seed", type=int, default=Options.seed)
    parser.add_argument("--keep", action="store_true", help="keep the data directory and logs")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    options = Options(
        teams=args.teams, workers=args.workers, fault_rate=args.fault_rate, seed=args.seed
    )
    root = Path(tempfile.mkdtemp(prefix="footcast-chaos-"))
    os.chmod(root, 0o755)  # the embedded server may run as another user (pgserver, as root)
    ok = False
    try:
        found = report(run(options, root))
        print(found.render())
        ok = found.ok
    finally:
        with contextlib.suppress(Exception):
            Server(root / "pgdata").stop("fast")
        if args.keep:
            print(f"kept {root}")
        else:
            subprocess.run(["rm", "-rf", str(root)], check=False)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
