"""Point-in-time analysis: a snapshot is the same whatever happens after its as_of."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from footcast.clock import SimulatedClock
from footcast.config import Settings
from footcast.db import Database
from footcast.db.tables import AnalysisSnapshot, Match, Prediction, Team
from footcast.db.writes import forecasters as forecaster_rows
from footcast.db.writes import matches, snapshots
from footcast.domain.analysis import Snapshot
from footcast.pipeline import analysis, predict
from footcast.pipeline.context import Context
from footcast.sources.simulated import SimulatedLeague
from season_checks import snapshot_leaks, snapshot_problems, stale_snapshots


@pytest.fixture
def ctx(database: Database, settings: Settings) -> Context:
    """The whole simulated season stored as played, the clock well after its end."""
    sim = settings.sources.simulated
    league = SimulatedLeague(sim.seed, start=sim.start, teams=sim.teams)
    late = league.last_kickoff + timedelta(days=30)
    with database.transaction() as session:
        matches.sync_fixtures(
            session,
            league.name,
            league.fixtures(league.first_kickoff, late, now=late),
            now=late,
        )
    return Context(database=database, clock=SimulatedClock(late), source=league, settings=settings)


def _middle_match(database: Database) -> Match:
    with database.transaction() as session:
        rows = (
            session.execute(sa.select(Match).order_by(Match.kickoff_at, Match.id)).scalars().all()
        )
        session.expunge_all()
    return rows[len(rows) // 2]


def _snapshot(ctx: Context, match: Match, as_of: datetime) -> Snapshot:
    with ctx.database.transaction() as session:
        return analysis.assemble(ctx, session, session.get_one(Match, match.id), as_of=as_of)


def _rescore(database: Database, *, after: bool, moment: datetime) -> int:
    """Change every stored result decided after ``moment`` (or, ``after=False``, before it)."""
    decided = Match.kickoff_at > moment if after else Match.kickoff_at <= moment
    with database.transaction() as session:
        changed = session.execute(
            sa.update(Match)
            .where(decided, Match.home_goals.is_not(None))
            .values(home_goals=Match.home_goals + 3, away_goals=Match.away_goals + 1)
            .returning(Match.id)
        )
        return len(changed.all())


def test_nothing_after_as_of_changes_the_snapshot_not_even_its_own_result(ctx: Context) -> None:
    match = _middle_match(ctx.database)
    as_of = match.kickoff_at - ctx.settings.windows.prediction_lead
    before = _snapshot(ctx, match, as_of)
    assert len(before.history) > 5
    assert before.odds is not None
    assert before.table()[0].played > 0

    # rewrite the future: the match itself and everything decided after as_of
    assert _rescore(ctx.database, after=True, moment=as_of - ctx.known_after) > 1
    assert _snapshot(ctx, match, as_of).content_hash() == before.content_hash()

    # the test can fail: rewriting the past changes the snapshot
    assert _rescore(ctx.database, after=False, moment=as_of - ctx.known_after) > 1
    assert _snapshot(ctx, match, as_of).content_hash() != before.content_hash()


def test_a_result_is_known_only_once_known_after_has_passed(ctx: Context) -> None:
    match = _middle_match(ctx.database)
    as_of = match.kickoff_at - ctx.settings.windows.prediction_lead
    seen = _snapshot(ctx, match, as_of).history
    assert seen
    assert all(p.kickoff + ctx.known_after <= as_of for p in seen)
    with ctx.database.transaction() as session:
        decided = session.execute(
            sa.select(sa.func.count()).where(
                Match.home_goals.is_not(None), Match.kickoff_at + ctx.known_after <= as_of
            )
        ).scalar_one()
    assert len(seen) == decided


def test_the_leak_check_finds_a_planted_leak(ctx: Context) -> None:
    match = _middle_match(ctx.database)
    as_of = match.kickoff_at - timedelta(hours=2)
    snapshot = _snapshot(ctx, match, as_of)
    with ctx.database.transaction() as session:
        analysis_id = session.execute(
            sa.insert(AnalysisSnapshot)
            .values(
                match_id=match.id,
                as_of=as_of,
                payload=snapshot.to_payload(),
                input_hash=snapshot.content_hash(),
                created_at=as_of,
            )
            .returning(AnalysisSnapshot.id)
        ).scalar_one()
    assert snapshot_leaks(ctx.database) == []
    leaky = snapshot.to_payload()
    leaky["history"].append([match.kickoff_at.isoformat(), snapshot.home, snapshot.away, 1, 0])
    with ctx.database.transaction() as session:
        session.execute(
            sa.update(AnalysisSnapshot)
            .where(AnalysisSnapshot.id == analysis_id)
            .values(payload=leaky)
        )
    found = snapshot_leaks(ctx.database)
    assert any("is not before" in leak for leak in found)
    assert any("its own match's result is in history" in leak for leak in found)


def test_the_history_reaches_back_only_the_window(ctx: Context) -> None:
    # found by the scale run: a snapshot held every result of its competition, so snapshots
    # and the database grew with the square of the seasons played
    match = _middle_match(ctx.database)
    as_of = match.kickoff_at - ctx.settings.windows.prediction_lead
    whole = _snapshot(ctx, match, as_of)
    window = timedelta(days=20)
    short = dataclasses.replace(ctx, settings=ctx.settings.evolve(history_window=window))
    bounded = _snapshot(short, match, as_of)
    assert 0 < len(bounded.history) < len(whole.history)
    assert all(p.kickoff >= as_of - window for p in bounded.history)
    assert bounded.history == tuple(p for p in whole.history if p.kickoff >= as_of - window)


def _at(ctx: Context, moment: datetime) -> Context:
    return dataclasses.replace(ctx, clock=SimulatedClock(moment))


def _match_after_news(ctx: Context) -> tuple[Match, Match]:
    """A match and another of its competition whose result became known between the match's
    analysis (48 h before kickoff) and its prediction deadline."""
    windows, known = ctx.settings.windows, ctx.known_after
    # predictions are due prediction_lead before kickoff
    with ctx.database.transaction() as session:
        rows = session.execute(sa.select(Match).order_by(Match.kickoff_at, Match.id)).scalars()
        played = list(rows)
        session.expunge_all()
    for match in played:
        analysed = match.kickoff_at - windows.analysis_lead
        for other in played:
            if analysed < other.kickoff_at + known <= match.kickoff_at - windows.prediction_lead:
                return match, other
    raise AssertionError("the simulated season has no result between analysis and prediction")


def test_a_prediction_sees_the_results_known_at_its_own_time(ctx: Context) -> None:
    # issue 15, item 1: the prediction stage kept the analysis snapshot's history from 48 h
    # earlier, so a 27 December match saw none of the Boxing Day results
    match, news = _match_after_news(ctx)
    with ctx.database.transaction() as session:
        forecaster_rows.upsert_forecaster(
            session, name="draw", kind="naive", provider="builtin", model_id="naive-draw-1-1",
            active_from=match.kickoff_at - timedelta(days=30),
        )  # fmt: skip
    analysed_at = match.kickoff_at - ctx.settings.windows.analysis_lead
    analysis.build(_at(ctx, analysed_at), match.id)
    predicted_at = match.kickoff_at - ctx.settings.windows.prediction_lead

    assert predict.predict(_at(ctx, predicted_at), match.id) == "1 written, 0 failed of 1 owing"

    with ctx.database.transaction() as session:
        used = session.execute(
            sa.select(AnalysisSnapshot.as_of, AnalysisSnapshot.payload)
            .join(Prediction, Prediction.analysis_snapshot_id == AnalysisSnapshot.id)
            .where(Prediction.match_id == match.id)
        ).one()
        as_ofs = session.execute(
            sa.select(AnalysisSnapshot.as_of).where(AnalysisSnapshot.match_id == match.id)
        ).scalars()
        assert sorted(as_ofs) == [analysed_at, predicted_at]  # the analysis stays for the record
    assert used.as_of == predicted_at
    seen = {(row[1], row[2], datetime.fromisoformat(row[0])) for row in used.payload["history"]}
    with ctx.database.transaction() as session:
        home, away = (session.get_one(Team, t).name for t in (news.home_team_id, news.away_team_id))
    assert (home, away, news.kickoff_at) in seen
    assert snapshot_problems(ctx.database, settings=ctx.settings) == []


def test_a_retroactive_prediction_sees_what_was_known_at_the_deadline(ctx: Context) -> None:
    match, _ = _match_after_news(ctx)
    with ctx.database.transaction() as session:
        forecaster_rows.upsert_forecaster(
            session, name="draw", kind="naive", provider="builtin", model_id="naive-draw-1-1",
            active_from=match.kickoff_at - timedelta(days=30),
        )  # fmt: skip
    late = _at(ctx, match.kickoff_at + timedelta(days=3))
    analysis.build(late, match.id, retroactive=True)

    predict.predict(late, match.id, retroactive=True)

    with ctx.database.transaction() as session:
        used = session.execute(
            sa.select(AnalysisSnapshot.as_of)
            .join(Prediction, Prediction.analysis_snapshot_id == AnalysisSnapshot.id)
            .where(Prediction.match_id == match.id)
        ).scalar_one()
    assert used == match.kickoff_at - ctx.settings.windows.prediction_lead
    assert snapshot_problems(ctx.database, settings=ctx.settings) == []


def test_the_scan_notices_a_snapshot_lacking_a_known_result(ctx: Context) -> None:
    match, _ = _match_after_news(ctx)
    as_of = match.kickoff_at - ctx.settings.windows.prediction_lead
    snapshot = _snapshot(ctx, match, as_of)
    stale = dataclasses.replace(snapshot, history=snapshot.history[:-1])
    with ctx.database.transaction() as session:
        snapshots.save_snapshot(session, stale, now=as_of)

    found = stale_snapshots(ctx.database, known_after=ctx.known_after)

    assert len(found) == 1
    assert "1 known result(s) missing" in found[0]
