"""The real local model (SmolLM2-135M on llama.cpp's server) through footcast's own client, limits
and reader, once per answer format: what share of its answers is valid, tolerated, repaired or
invalid, and how long an answer takes.

Each format gets the same ``--per-format`` snapshots (made up: teams, a few past results, odds),
asked through ``LLMForecaster`` exactly as a worker asks them (one repair round included), with a
gate that limits nothing. Needs the local-llm extra (`make local-llm`).

    .venv/bin/python benchmarks/local_llm.py [--per-format 17] [--formats json_schema text]
"""

from __future__ import annotations

import argparse
import contextlib
import random
import statistics
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import openai

from footcast import errors, local_llm
from footcast.domain.analysis import Odds, PastMatch, Snapshot
from footcast.domain.names import AnswerFormat
from footcast.forecasters.llm import OUTCOMES, REPAIR_SEPARATOR, LLMForecaster, answer_outcome

TEAMS = ["Ash", "Birch", "Cedar", "Elm", "Fir", "Hazel", "Larch", "Oak", "Pine", "Yew"]
KICKOFF = datetime(2025, 10, 4, 14, 0, tzinfo=UTC)


class _Open:
    """A gate that limits nothing (the server takes one request at a time anyway)."""

    @contextlib.contextmanager
    def request(self) -> Iterator[None]:
        yield

    def succeeded(self) -> None:
        pass

    def failed(self, error: str, *, retry_after: float | None = None) -> None:
        pass


def snapshots(count: int, seed: int = 7) -> list[Snapshot]:
    rng = random.Random(seed)
    made = []
    for number in range(count):
        home, away = rng.sample(TEAMS, 2)
        kickoff = KICKOFF + timedelta(days=7 * number)
        history = tuple(
            PastMatch(
                kickoff=kickoff - timedelta(days=7 * (6 - week)),
                home=rng.choice([home, away]),
                away=rng.choice([t for t in TEAMS if t not in (home, away)]),
                home_goals=rng.randint(0, 3),
                away_goals=rng.randint(0, 3),
            )
            for week in range(5)
        )
        fair = [rng.uniform(0.25, 0.55), rng.uniform(0.2, 0.3)]
        fair.append(1 - sum(fair))
        home_odds, draw_odds, away_odds = (round(1 / (p * 1.05), 2) for p in fair)
        odds = Odds(home=home_odds, draw=draw_odds, away=away_odds, bookmaker="avg")
        snapshot = Snapshot(
            match_id=number + 1, competition="E0", season="2025-26", home=home, away=away,
            kickoff=kickoff, as_of=kickoff - timedelta(minutes=30), history=history, odds=odds,
        )  # fmt: skip
        made.append(snapshot)
    return made


def run(answer_format: AnswerFormat, asked: list[Snapshot]) -> None:
    with local_llm.LocalModelServer() as server:
        roster = local_llm.local_roster(server, answer_format=answer_format)
        model = roster.models[0]
        provider = roster.providers[model.provider]
        client = openai.OpenAI(base_url=provider.base_url, api_key="none", max_retries=0)
        forecaster = LLMForecaster(model, provider, client, _Open(), backoff_seconds=0.2)
        outcomes: Counter[str] = Counter()
        per_answer: list[float] = []
        examples: dict[str, str] = {}
        started = time.perf_counter()
        for snapshot in asked:
            asking = time.perf_counter()
            try:
                forecast = forecaster.predict(snapshot)
            except errors.InvalidOutput as failed:
                response = str(failed.context.get("response", ""))
                outcome = "invalid"
            except errors.ForecasterError as failed:
                response, outcome = failed.message, failed.code
            else:
                assert forecast.trace is not None
                response = forecast.trace.response
                outcome = answer_outcome(response)
            answers = 1 + response.count(REPAIR_SEPARATOR.strip())
            per_answer.append(1000 * (time.perf_counter() - asking) / answers)
            outcomes[outcome] += 1
            examples.setdefault(outcome, response)
        took = time.perf_counter() - started
    total = sum(outcomes.values())
    shares = ", ".join(
        f"{o} {outcomes[o]} ({100 * outcomes[o] / total:.0f}%)"
        for o in (*OUTCOMES, *sorted(set(outcomes) - set(OUTCOMES)))
    )
    latency = (
        f"median {statistics.median(per_answer):.0f} ms, min {min(per_answer):.0f} ms,"
        f" max {max(per_answer):.0f} ms (wall time of a prediction / its answers)"
        if per_answer
        else "-"
    )
    print(f"{answer_format}: {total} predictions in {took:.0f} s: {shares}")
    print(f"  latency per answer: {latency}")
    for outcome, raw in examples.items():
        print(f"  e.g. {outcome}: {' '.join(raw.split())[:300]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-format", type=int, default=17)
    parser.add_argument(
        "--formats", nargs="+", type=AnswerFormat, default=list(AnswerFormat), metavar="FORMAT"
    )
    args = parser.parse_args()
    asked = snapshots(args.per_format)
    for answer_format in args.formats:
        run(answer_format, asked)


if __name__ == "__main__":
    main()
