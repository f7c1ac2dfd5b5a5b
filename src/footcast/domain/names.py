"""The names the whole system shares: stages, match statuses, forecaster kinds and unit keys.

Every other module (SQL included) takes these names from here; a literal copy elsewhere would
drift. The database's CHECK constraints list the same values (``db/models.py`` builds them from
these enums).
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "ACTIVE_FAILURE",
    "AUTOMATED",
    "DEAD",
    "IN_PLAY",
    "PLAYED",
    "AnswerFormat",
    "FailureState",
    "ForecasterKind",
    "MatchStatus",
    "Stage",
    "key_prefix",
    "pair_key",
    "unit_key",
]


class Stage(StrEnum):
    """A stage of the pipeline: a task name and a failure ledger stage."""

    FIXTURES = "fixtures"
    ANALYSIS = "analysis"
    LINEUPS = "lineups"
    PREDICTIONS = "predictions"
    CONSENSUS = "consensus"  # the crowd's forecast, once the others have answered
    LIVE = "live"
    SETTLEMENT = "settlement"
    PROBE = "probe"  # a paused model's health probe (its unit is the forecaster, not a match)

    @property
    def prefix(self) -> str:
        """The prefix of this stage's unit keys (queueing locks, failure ledger keys)."""
        return _PREFIX.get(self, self.value)


_PREFIX = {Stage.PREDICTIONS: "predict", Stage.SETTLEMENT: "settle"}


class MatchStatus(StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    INTERRUPTED = "interrupted"
    FINISHED = "finished"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"
    ABANDONED = "abandoned"
    AWARDED = "awarded"


# a match in one of these will not be played as scheduled: it owes nothing and its jobs stop
DEAD = frozenset({MatchStatus.POSTPONED, MatchStatus.CANCELLED, MatchStatus.ABANDONED})
# being played now
IN_PLAY = frozenset({MatchStatus.LIVE, MatchStatus.INTERRUPTED})
# was, is, or will be played: a retroactive backfill may fill its gaps
PLAYED = frozenset(MatchStatus) - DEAD


class ForecasterKind(StrEnum):
    LLM = "llm"
    STATISTICAL = "statistical"
    MARKET = "market"
    NAIVE = "naive"
    CONSENSUS = "consensus"  # the competitors' on-time predictions combined (domain.consensus)
    HUMAN = "human"


# kinds the pipeline asks for predictions; a human predicts on their own (or not: 0 points)
AUTOMATED = frozenset(ForecasterKind) - {ForecasterKind.HUMAN}


class AnswerFormat(StrEnum):
    """How an LLM is asked for its answer's shape, strictest first (a provider that refuses one
    is asked the next way)."""

    JSON_SCHEMA = "json_schema"  # response_format json_schema, strict, with the prediction schema
    JSON_OBJECT_SCHEMA = "json_object_schema"  # json_object plus "schema" (llama.cpp's extension)
    JSON_OBJECT = "json_object"  # response_format json_object: any JSON object
    TEXT = "text"  # no response_format: the prompt alone asks for JSON


class FailureState(StrEnum):
    """Where a failure ledger entry stands."""

    OPEN = "open"  # failed; retried by the queue unless terminal
    RETRYING = "retrying"  # an operator re-enqueued it
    RESOLVED = "resolved"  # its unit later succeeded
    CLEARED = "cleared"  # an operator dismissed it


# failures still standing: listed, counted, and (when terminal) never re-planned
ACTIVE_FAILURE = frozenset({FailureState.OPEN, FailureState.RETRYING})


def key_prefix(stage: str) -> str:
    """The unit key prefix of ``stage`` (a ``Stage`` or its name)."""
    return Stage(stage).prefix


def unit_key(stage: str, subject: int | str) -> str:
    """The key of one unit of work: a stage for a match (``settle:42``) or a forecaster
    (``probe:gpt``); the queueing lock and the failure ledger key."""
    return f"{key_prefix(stage)}:{subject}"


def pair_key(match_id: int, forecaster: str) -> str:
    """The failure ledger key of one forecaster's prediction of one match."""
    return f"{unit_key(Stage.PREDICTIONS, match_id)}:{forecaster}"
