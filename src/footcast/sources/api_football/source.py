"""API-Football as a footcast ``Source``: the async client behind the synchronous protocol.

The source owns one anyio blocking portal (an event loop in a thread) that runs every call of
its client, so the pipeline's synchronous code can use it from any thread; ``close()`` ends both.
The provider only knows the present, so ``now`` is not used to look back in time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from functools import partial
from types import TracebackType
from typing import TypeVar

from anyio.from_thread import start_blocking_portal

from footcast import errors
from footcast.config import ApiFootballSettings
from footcast.domain import analysis, names
from footcast.domain.fixture import Fixture
from footcast.domain.names import MatchStatus
from footcast.sources.api_football import payloads
from footcast.sources.api_football.client import ApiFootballClient, Retry
from footcast.sources.api_football.limiter import Limiter
from footcast.sources.api_football.status import footcast_status

__all__ = [
    "BET365",
    "MATCH_WINNER",
    "SOURCE",
    "ApiFootballSource",
    "match_winner",
    "starting_elevens",
    "to_fixture",
]

SOURCE = "api-football"
MATCH_WINNER = 1  # bet id of the 1X2 market
BET365 = 8  # bookmaker id preferred for odds

T = TypeVar("T")


class ApiFootballSource:
    """Fixtures, odds, lineups and injuries of the configured leagues from API-Football."""

    name = SOURCE

    def __init__(self, client: ApiFootballClient, *, leagues: Sequence[int], season: int) -> None:
        self._client = client
        self._leagues = tuple(leagues)
        self._season = season
        self._stack = ExitStack()
        self._portal = self._stack.enter_context(start_blocking_portal())
        self._closed = False

    @classmethod
    def from_settings(
        cls, settings: ApiFootballSettings, limiter: Limiter, *, retry: Retry | None = None
    ) -> ApiFootballSource:
        """The source of the configured key, leagues and season, limited by ``limiter`` (the
        shared PostgreSQL one, ``footcast.db.coordination.limits.PostgresLimiter``, in workers).

        Raises:
            SourceAuthError: no key is configured.
        """
        client = ApiFootballClient.from_settings(settings, limiter, retry=retry or Retry())
        return cls(client, leagues=settings.leagues, season=settings.season)

    def close(self) -> None:
        """Close the client's connections and stop the portal's event loop (once)."""
        if self._closed:
            return
        self._closed = True
        try:
            self._portal.call(self._client.aclose)
        finally:
            self._stack.close()

    def __enter__(self) -> ApiFootballSource:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def fixtures(self, start: datetime, end: datetime, *, now: datetime) -> list[Fixture]:
        """Fixtures of every configured league whose kickoff lies in [start, end)."""
        first, last = start.astimezone(UTC).date(), (end - _TICK).astimezone(UTC).date()
        found: list[Fixture] = []
        for league in self._leagues:
            items = self._call(
                partial(self._client.fixtures, league, self._season, start=first, end=last)
            )
            found += [to_fixture(item) for item in items]
        kept = [f for f in found if start <= f.kickoff < end]
        return sorted(kept, key=lambda f: (f.kickoff, f.external_id))

    def fixture(self, external_id: str, *, now: datetime) -> Fixture:
        """One fixture's current state.

        Raises:
            NotFound: the provider has no fixture with this id.
        """
        return to_fixture(self._item(external_id))

    def odds(self, external_id: str, *, now: datetime) -> analysis.Odds | None:
        """Match-winner odds of Bet365 (else the first bookmaker offering them); None when none."""
        items = self._call(partial(self._client.odds, fixture=_id(external_id), bet=MATCH_WINNER))
        return match_winner(items)

    def lineups(self, external_id: str, *, now: datetime) -> analysis.Lineups | None:
        """The starting elevens by player name; None until both are announced."""
        return starting_elevens(self._item(external_id))

    def injuries(self, external_id: str, *, now: datetime) -> tuple[analysis.Injury, ...]:
        """Players reported missing ("Missing Fixture") or doubtful ("Questionable")."""
        items = self._call(partial(self._client.injuries, _id(external_id)))
        return tuple(
            analysis.Injury(
                player=i.player.name,
                team=i.team.name,
                kind=i.player.type,
                reason=i.player.reason or "unknown",
            )
            for i in items
        )

    def _item(self, external_id: str) -> payloads.FixtureItem:
        item = self._call(partial(self._client.fixture, _id(external_id)))
        if item is None:
            raise errors.NotFound(
                f"API-Football has no fixture {external_id!r}", external_id=external_id
            )
        return item

    def _call(self, call: Callable[[], Awaitable[T]]) -> T:
        """Run one client call on the portal's event loop and wait for its result."""
        return self._portal.call(call)


_TICK = timedelta(microseconds=1)


def to_fixture(item: payloads.FixtureItem) -> Fixture:
    """footcast's view of a fixture: goals are the 90-minute score once finished (extra time and
    shoot-out left out), the current score while in play, and None before kickoff.

    Raises:
        MalformedResponse: the fixture's status code is unknown.
    """
    fixture_id = item.fixture.id
    status = footcast_status(item.fixture.status.short, fixture_id=fixture_id)
    if status in (MatchStatus.FINISHED, MatchStatus.AWARDED):
        goals = item.score.fulltime if item.score.fulltime.home is not None else item.goals
    elif status in names.IN_PLAY | {MatchStatus.ABANDONED}:
        goals = item.goals
    else:
        goals = payloads.Goals(home=None, away=None)
    return Fixture(
        external_id=str(fixture_id),
        competition=f"AF{item.league.id}",
        competition_name=item.league.name,
        season=str(item.league.season),
        round=item.league.round,
        home=item.teams.home.name,
        away=item.teams.away.name,
        kickoff=datetime.fromtimestamp(item.fixture.timestamp, UTC),
        status=status,
        home_goals=goals.home,
        away_goals=goals.away,
        home_goals_ht=item.score.halftime.home,
        away_goals_ht=item.score.halftime.away,
        minute=item.fixture.status.elapsed,
        home_api_id=item.teams.home.id,
        away_api_id=item.teams.away.id,
    )


def match_winner(items: Sequence[payloads.OddsItem]) -> analysis.Odds | None:
    """The 1X2 odds of Bet365, else of the first bookmaker with all three; None when none has."""
    offers: list[tuple[payloads.Bookmaker, analysis.Odds]] = []
    for item in items:
        for bookmaker in item.bookmakers:
            odds = _one_x_two(bookmaker)
            if odds is not None:
                offers.append((bookmaker, odds))
    preferred = [odds for bookmaker, odds in offers if bookmaker.id == BET365]
    if preferred:
        return preferred[0]
    return offers[0][1] if offers else None


def starting_elevens(item: payloads.FixtureItem) -> analysis.Lineups | None:
    """Both teams' starters by name, matched to home and away by team id; None until both are
    announced."""
    by_team = {lineup.team.id: lineup.starters for lineup in item.lineups}
    home, away = by_team.get(item.teams.home.id), by_team.get(item.teams.away.id)
    if not home or not away:
        return None
    return analysis.Lineups(home=tuple(p.name for p in home), away=tuple(p.name for p in away))


def _one_x_two(bookmaker: payloads.Bookmaker) -> analysis.Odds | None:
    for bet in bookmaker.bets:
        if bet.id != MATCH_WINNER:
            continue
        prices = {str(v.value): v.odd for v in bet.values}
        try:
            return analysis.Odds(
                home=float(prices["Home"]),
                draw=float(prices["Draw"]),
                away=float(prices["Away"]),
                bookmaker=bookmaker.name,
            )
        except (KeyError, ValueError, errors.InvalidForecast):
            return None  # an incomplete or unusable market: look at the next bookmaker
    return None


def _id(external_id: str) -> int:
    try:
        return int(external_id)
    except ValueError:
        raise errors.NotFound(
            f"{external_id!r} is not an API-Football fixture id", external_id=external_id
        ) from None
