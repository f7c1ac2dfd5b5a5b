"""Several simulated leagues over consecutive seasons, told as one source.

Each league-season is a ``SimulatedLeague``; ``SimulatedLeagues`` merges them: the fixtures of a
window are the union of theirs, and a question about one match goes to the league-season that
plays it. ``simulated_leagues`` builds the set the settings ``sim_leagues`` and ``sim_seasons``
ask for; its first league's first season is the plain simulated league of the same seed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from footcast import errors
from footcast.domain import analysis
from footcast.domain.fixture import Fixture
from footcast.sources.simulated import SimulatedLeague

__all__ = [
    "SEASON_EVERY",
    "SimulatedLeagues",
    "competition_code",
    "season_label",
    "simulated_leagues",
]

SEASON_EVERY = timedelta(weeks=52)  # a season starts on the weekday the one before started
# a fixture is told at its first published kickoff until a change is announced: at most about
# a day off its current kickoff, so a league-season's fixtures lie within this of its span
_SPAN_MARGIN = timedelta(days=2)
_EARLIEST = datetime.min.replace(tzinfo=UTC)
_LATEST = datetime.max.replace(tzinfo=UTC)


class SimulatedLeagues:
    """League-seasons told as one ``Source``; their external ids must differ.

    Raises:
        ValueError: no league-season is given, or two of them share an external id.
    """

    name = "simulated"

    def __init__(self, leagues: Iterable[SimulatedLeague]) -> None:
        self._leagues = tuple(leagues)
        if not self._leagues:
            raise ValueError("simulated leagues need at least one league-season")
        self._owner: dict[str, SimulatedLeague] = {}
        for league in self._leagues:
            for fixture in league.fixtures(_EARLIEST, _LATEST, now=league.first_kickoff):
                if fixture.external_id in self._owner:
                    raise ValueError(f"external id {fixture.external_id!r} is in two leagues")
                self._owner[fixture.external_id] = league
        self._spans = [
            (league.first_kickoff - _SPAN_MARGIN, league.last_kickoff + _SPAN_MARGIN, league)
            for league in self._leagues
        ]

    @property
    def leagues(self) -> tuple[SimulatedLeague, ...]:
        """The league-seasons, in the order given."""
        return self._leagues

    @property
    def matches(self) -> int:
        """How many matches all league-seasons have together."""
        return len(self._owner)

    @property
    def first_kickoff(self) -> datetime:
        return min(league.first_kickoff for league in self._leagues)

    @property
    def last_kickoff(self) -> datetime:
        return max(league.last_kickoff for league in self._leagues)

    def fixtures(self, start: datetime, end: datetime, *, now: datetime) -> list[Fixture]:
        """Fixtures of every league whose kickoff as known at ``now`` lies in [start, end)."""
        found = [
            fixture
            for low, high, league in self._spans
            if low < end and start <= high
            for fixture in league.fixtures(start, end, now=now)
        ]
        return sorted(found, key=lambda f: (f.kickoff, f.external_id))

    def fixture(self, external_id: str, *, now: datetime) -> Fixture:
        """One fixture as known at ``now``.

        Raises:
            errors.NotFound: no league has this id.
        """
        return self._league(external_id).fixture(external_id, now=now)

    def odds(self, external_id: str, *, now: datetime) -> analysis.Odds | None:
        return self._league(external_id).odds(external_id, now=now)

    def lineups(self, external_id: str, *, now: datetime) -> analysis.Lineups | None:
        return self._league(external_id).lineups(external_id, now=now)

    def injuries(self, external_id: str, *, now: datetime) -> tuple[analysis.Injury, ...]:
        return self._league(external_id).injuries(external_id, now=now)

    def close(self) -> None:
        for league in self._leagues:
            league.close()

    def postponed(self) -> dict[str, tuple[datetime, datetime]]:
        """Postponed matches of every league: external id -> (original kickoff, played at)."""
        return {key: value for league in self._leagues for key, value in league.postponed().items()}

    def corrected(self) -> list[str]:
        """External ids of the matches whose final score is corrected, in every league."""
        return [external_id for league in self._leagues for external_id in league.corrected()]

    def truth(self, external_id: str) -> tuple[int, int]:
        """The final 90-minute score, corrected if it ever is (for tests; it knows the future)."""
        return self._league(external_id).truth(external_id)

    def _league(self, external_id: str) -> SimulatedLeague:
        try:
            return self._owner[external_id]
        except KeyError:
            raise errors.NotFound(
                f"the simulated leagues have no match {external_id!r}", external_id=external_id
            ) from None


def competition_code(league: int) -> str:
    """``SIM`` for the first league (the plain simulated league's), then ``SIM2``, ``SIM3``..."""
    return "SIM" if league == 0 else f"SIM{league + 1}"


def season_label(start: datetime, season: int = 0) -> str:
    """The label of the ``season``-th season after one starting at ``start``: "2025-26" for a
    start in the second half of 2025 or the first half of 2026."""
    year = (start.year if start.month >= 7 else start.year - 1) + season
    return f"{year}-{(year + 1) % 100:02d}"


def simulated_leagues(
    seed: int = 7,
    *,
    start: datetime = datetime(2025, 8, 16, tzinfo=UTC),
    teams: int = 20,
    leagues: int = 1,
    seasons: int = 1,
    every: timedelta = SEASON_EVERY,
) -> SimulatedLeagues:
    """``leagues`` leagues of ``teams`` teams each (different teams, competitions ``SIM``,
    ``SIM2``...), each playing ``seasons`` consecutive seasons, the first from ``start`` and
    each next ``every`` later (labelled a year later); every league-season is drawn from its own
    seed, ``seed + 1000 * league + season``.

    Raises:
        ValueError: fewer than one league or season, or more than 1000 seasons.
    """
    if leagues < 1 or not 1 <= seasons <= 1000:
        raise ValueError(f"need 1+ leagues and 1-1000 seasons, got {leagues} and {seasons}")
    return SimulatedLeagues(
        SimulatedLeague(
            seed + 1000 * league + season,
            start=start + season * every,
            teams=teams,
            competition=competition_code(league),
            competition_name="Simulated League" + (f" {league + 1}" if league else ""),
            season=season_label(start, season),
            first_team=league * teams,
        )
        for league in range(leagues)
        for season in range(seasons)
    )
