"""Tests of footcast.sources.simulated: a seeded season, told without leaking the future."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from footcast import errors
from footcast.domain.fixture import Fixture
from footcast.sources.simulated import SimulatedLeague

MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)


@pytest.fixture(scope="module")
def league() -> SimulatedLeague:
    return SimulatedLeague()


def _before(league: SimulatedLeague) -> datetime:
    return league.first_kickoff - 30 * DAY


def _after(league: SimulatedLeague) -> datetime:
    return league.last_kickoff + 30 * DAY


def _season(league: SimulatedLeague, *, now: datetime) -> list[Fixture]:
    return league.fixtures(_before(league), _after(league), now=now)


def _published(league: SimulatedLeague) -> dict[str, Fixture]:
    """Every fixture as first published, well before any announcement."""
    return {f.external_id: f for f in _season(league, now=_before(league))}


def _final(league: SimulatedLeague) -> dict[str, Fixture]:
    return {f.external_id: f for f in _season(league, now=_after(league))}


def _postponed(league: SimulatedLeague) -> list[str]:
    return [
        external_id
        for external_id, f in _published(league).items()
        if league.fixture(external_id, now=f.kickoff - MINUTE).status == "postponed"
    ]


def _moved(league: SimulatedLeague) -> list[str]:
    final, postponed = _final(league), set(_postponed(league))
    return [
        external_id
        for external_id, f in _published(league).items()
        if f.kickoff != final[external_id].kickoff and external_id not in postponed
    ]


def _corrected(league: SimulatedLeague) -> list[str]:
    return [
        f.external_id
        for f in _final(league).values()
        if (f.home_goals, f.away_goals)
        != _score(league.fixture(f.external_id, now=f.kickoff + 2 * HOUR))
    ]


def _score(f: Fixture) -> tuple[int | None, int | None]:
    return f.home_goals, f.away_goals


def test_simulated_league_same_seed_same_season() -> None:
    one, two = SimulatedLeague(3), SimulatedLeague(3)
    assert _season(one, now=_after(one)) == _season(two, now=_after(two))
    ids = [f.external_id for f in _season(one, now=_after(one))]
    assert [one.truth(i) for i in ids] == [two.truth(i) for i in ids]
    assert [one.odds(i, now=_after(one)) for i in ids] == [
        two.odds(i, now=_after(two)) for i in ids
    ]
    assert [one.lineups(i, now=_after(one)) for i in ids] == [
        two.lineups(i, now=_after(two)) for i in ids
    ]


def test_simulated_league_different_seed_different_season() -> None:
    one, two = SimulatedLeague(3), SimulatedLeague(4)
    assert _season(one, now=_after(one)) != _season(two, now=_after(two))


@pytest.mark.parametrize("teams", [0, 2, 3, 5, 19])
def test_simulated_league_refuses_odd_or_too_few_teams(teams: int) -> None:
    with pytest.raises(ValueError, match="even number of teams"):
        SimulatedLeague(teams=teams)


def test_simulated_league_small_league_is_a_double_round_robin() -> None:
    small = SimulatedLeague(1, teams=4)
    assert small.matches == 12
    pairs = Counter((f.home, f.away) for f in _season(small, now=_after(small)))
    assert len(pairs) == 12
    assert set(pairs.values()) == {1}


def test_simulated_league_is_a_double_round_robin(league: SimulatedLeague) -> None:
    season = _season(league, now=_after(league))
    assert league.matches == len(season) == 380
    teams = {f.home for f in season}
    assert len(teams) == 20
    pairs = Counter((f.home, f.away) for f in season)
    assert set(pairs) == {(h, a) for h in teams for a in teams if h != a}
    assert set(pairs.values()) == {1}
    assert [f.external_id for f in sorted(season, key=lambda f: f.external_id)][:2] == [
        "SIM-2025-26-0001",
        "SIM-2025-26-0002",
    ]
    assert {f.round for f in season} == {f"Round {n}" for n in range(1, 39)}


def test_simulated_league_no_team_plays_twice_in_one_day(league: SimulatedLeague) -> None:
    for now in (_before(league), _after(league)):
        days = Counter(
            (team, f.kickoff.date()) for f in _season(league, now=now) for team in (f.home, f.away)
        )
        assert max(days.values()) == 1


def test_simulated_league_season_spans_nine_to_ten_months(league: SimulatedLeague) -> None:
    assert league.first_kickoff >= datetime(2025, 8, 16, tzinfo=UTC)
    assert 250 <= (league.last_kickoff - league.first_kickoff).days <= 310
    season = _season(league, now=_after(league))
    assert all(f.kickoff.minute in (0, 15, 30, 45) and 11 <= f.kickoff.hour <= 20 for f in season)
    assert league.first_kickoff == season[0].kickoff
    assert league.last_kickoff == season[-1].kickoff


def test_simulated_league_nothing_is_known_before_kickoff(league: SimulatedLeague) -> None:
    for f in _final(league).values():
        before = league.fixture(f.external_id, now=f.kickoff - timedelta(seconds=1))
        assert before.status in ("scheduled", "postponed")
        assert before.minute is None
        assert _score(before) == (None, None)
        assert (before.home_goals_ht, before.away_goals_ht) == (None, None)


def test_simulated_league_live_then_finished(league: SimulatedLeague) -> None:
    played = _final(league)
    corrected = set(_corrected(league))
    for external_id in list(played)[:60]:
        kickoff = played[external_id].kickoff
        at_whistle = None
        minutes: list[int] = []
        for offset in range(0, 130):
            f = league.fixture(external_id, now=kickoff + offset * MINUTE)
            if f.status == "finished":
                at_whistle = f
                break
            assert f.status == "live"
            assert f.minute is not None
            assert 1 <= f.minute <= 90
            minutes.append(f.minute)
        assert at_whistle is not None, external_id
        assert 105 <= len(minutes) <= 120
        assert minutes == sorted(minutes)
        assert minutes[-1] == 90
        home, away = at_whistle.home_goals, at_whistle.away_goals
        assert home is not None
        assert away is not None
        for offset in range(0, len(minutes), 7):
            live = league.fixture(external_id, now=kickoff + offset * MINUTE)
            assert live.home_goals is not None
            assert live.away_goals is not None
            assert live.home_goals <= home
            assert live.away_goals <= away
        assert at_whistle.minute is None
        assert at_whistle.home_goals_ht is not None
        assert at_whistle.away_goals_ht is not None
        assert at_whistle.home_goals_ht <= home
        assert at_whistle.away_goals_ht <= away
        if external_id not in corrected:
            assert (home, away) == league.truth(external_id)


def test_simulated_league_postponement(league: SimulatedLeague) -> None:
    postponed = _postponed(league)
    assert len(postponed) >= 1
    published, final = _published(league), _final(league)
    for external_id in postponed:
        original, new = published[external_id].kickoff, final[external_id].kickoff
        assert new > original + 10 * DAY
        early = league.fixture(external_id, now=original - 5 * DAY)
        assert (early.status, early.kickoff) == ("scheduled", original)
        for now in (original - 2 * DAY, original + HOUR, original + 9 * DAY):
            f = league.fixture(external_id, now=now)
            assert (f.status, f.kickoff, _score(f)) == ("postponed", original, (None, None))
        ahead = league.fixture(external_id, now=new - 3 * DAY)
        assert (ahead.status, ahead.kickoff, _score(ahead)) == ("scheduled", new, (None, None))
        done = league.fixture(external_id, now=new + 3 * HOUR)
        assert (done.status, done.kickoff) == ("finished", new)
        assert done.home_goals is not None
        assert done.away_goals is not None
        # the window follows the kickoff known at the time
        window = (new, new + MINUTE)
        assert external_id not in {f.external_id for f in league.fixtures(*window, now=original)}
        assert external_id in {f.external_id for f in league.fixtures(*window, now=new - 3 * DAY)}


def test_simulated_league_postpones_at_least_one_match_for_any_seed() -> None:
    for seed in range(5):
        assert _postponed(SimulatedLeague(seed))


def test_simulated_league_kickoff_change(league: SimulatedLeague) -> None:
    moved = _moved(league)
    assert len(moved) >= 5
    published, final = _published(league), _final(league)
    for external_id in moved:
        original, new = published[external_id].kickoff, final[external_id].kickoff
        assert HOUR <= abs(new - original) <= 26 * HOUR
        assert league.fixture(external_id, now=original - 6 * DAY).kickoff == original
        assert league.fixture(external_id, now=original - 4 * DAY).kickoff == new
        old_window, new_window = (original, original + MINUTE), (new, new + MINUTE)
        before, after = original - 6 * DAY, original - 4 * DAY
        assert external_id in {f.external_id for f in league.fixtures(*old_window, now=before)}
        assert external_id not in {f.external_id for f in league.fixtures(*new_window, now=before)}
        assert external_id not in {f.external_id for f in league.fixtures(*old_window, now=after)}
        assert external_id in {f.external_id for f in league.fixtures(*new_window, now=after)}


def test_simulated_league_score_correction(league: SimulatedLeague) -> None:
    corrected = _corrected(league)
    assert len(corrected) >= 1
    final = _final(league)
    for external_id in corrected:
        kickoff = final[external_id].kickoff
        first = league.fixture(external_id, now=kickoff + 2 * HOUR)
        later = league.fixture(external_id, now=kickoff + 8 * HOUR)
        assert first.status == later.status == "finished"
        assert _score(first) != _score(later)
        assert _score(later) == league.truth(external_id)


def test_simulated_league_corrects_at_least_one_score_for_any_seed() -> None:
    for seed in range(5):
        assert _corrected(SimulatedLeague(seed))


def test_simulated_league_odds(league: SimulatedLeague) -> None:
    for external_id, f in _published(league).items():
        assert league.odds(external_id, now=f.kickoff - 7 * DAY - MINUTE) is None
        odds = league.odds(external_id, now=f.kickoff - 7 * DAY)
        assert odds is not None
        assert league.odds(external_id, now=f.kickoff + DAY) == odds
        margin = 1 / odds.home + 1 / odds.draw + 1 / odds.away - 1
        assert 0.03 <= margin <= 0.08


def test_simulated_league_odds_favour_the_stronger_side(league: SimulatedLeague) -> None:
    favourites_won = favourites = 0
    for f in _final(league).values():
        odds = league.odds(f.external_id, now=f.kickoff)
        assert odds is not None
        home, away = league.truth(f.external_id)
        if odds.home < 1.8:
            favourites += 1
            favourites_won += home > away
    assert favourites > 20
    assert favourites_won / favourites > 0.5


def test_simulated_league_lineups(league: SimulatedLeague) -> None:
    available = 0
    final = _final(league)
    for f in final.values():
        assert league.lineups(f.external_id, now=f.kickoff - 61 * MINUTE) is None
        lineups = league.lineups(f.external_id, now=f.kickoff - 60 * MINUTE)
        if lineups is None:
            assert league.lineups(f.external_id, now=f.kickoff + DAY) is None
            continue
        available += 1
        assert len(lineups.home) == len(set(lineups.home)) == 11
        assert len(lineups.away) == len(set(lineups.away)) == 11
        assert league.lineups(f.external_id, now=f.kickoff) == lineups
    assert 0.8 <= available / len(final) <= 0.97


def test_simulated_league_realistic_season(league: SimulatedLeague) -> None:
    for seed in (7, 8, 9):
        sim = league if seed == 7 else SimulatedLeague(seed)
        scores = [sim.truth(f.external_id) for f in _season(sim, now=_after(sim))]
        results = Counter("H" if h > a else "D" if h == a else "A" for h, a in scores)
        assert 0.38 <= results["H"] / len(scores) <= 0.55
        assert 0.18 <= results["D"] / len(scores) <= 0.33
        assert 2.2 <= sum(h + a for h, a in scores) / len(scores) <= 3.2


def test_simulated_league_window_shows_state_at_now(league: SimulatedLeague) -> None:
    now = league.first_kickoff + 60 * DAY
    window = league.fixtures(now - 7 * DAY, now + 7 * DAY, now=now)
    assert window
    assert window == sorted(window, key=lambda f: (f.kickoff, f.external_id))
    assert all(now - 7 * DAY <= f.kickoff < now + 7 * DAY for f in window)
    for f in window:
        assert f == league.fixture(f.external_id, now=now)
        if f.kickoff > now:
            assert f.status in ("scheduled", "postponed")
            assert _score(f) == (None, None)
        elif f.status == "finished":
            assert f.home_goals is not None


def test_simulated_league_unknown_id_is_not_found(league: SimulatedLeague) -> None:
    now = league.first_kickoff
    with pytest.raises(errors.NotFound, match="SIM-2025-26-9999"):
        league.fixture("SIM-2025-26-9999", now=now)
    with pytest.raises(errors.NotFound):
        league.odds("nope", now=now)
    with pytest.raises(errors.NotFound):
        league.lineups("nope", now=now)
    with pytest.raises(errors.NotFound):
        league.truth("nope")
