"""leaderboard totals: kept at settlement, so the leaderboard never recomputes them on read

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-03 10:40:00

The leaderboard grouped every current settlement score on each read (0.55 s at 100,000 matches
and 4.2 M predictions; 2.36 s once the owed rule moved into views), so the web cached it for 30
s. Three tables now hold the sums, kept by triggers in the very transaction that writes a
settlement, whichever path writes it (one match at a time, or a set-based rescore):

* ``leaderboard_totals``: per (forecaster, competition, season, retroactive, contaminated) the
  scores of the current settlements: predictions, points, hits, and sums and counts of RPS and
  log loss. ``contaminated`` is the ``contaminated_predictions`` view's word (migration 0011) at
  the time the score was written; a changed knowledge cutoff rebuilds the totals.
* ``leaderboard_settled``: per (forecaster, competition, season) the settled matches that count
  for the forecaster (its counted pairs, as the ``counted_pairs`` view says at first settlement).
* ``settled_matches``: per (competition, season) the settled matches.

Concurrent settlements update the same rows: every statement takes them in key order (ORDER BY),
so two never wait for each other in a cycle. ``season_id`` 0 stands for a match without a
season. A score added to a current settlement adds
to the totals; a settlement superseded takes its scores away; a match's first settlement counts
it as settled. ``footcast_rebuild_leaderboard()`` computes all three from scratch (after a merge
of competitions moved matches, or to check the kept ones).
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None

_TABLES = """
CREATE TABLE leaderboard_totals (
    forecaster_id integer NOT NULL CONSTRAINT fk_leaderboard_totals_forecaster_id_forecasters
        REFERENCES forecasters (id) ON DELETE CASCADE,
    competition_id integer NOT NULL
        CONSTRAINT fk_leaderboard_totals_competition_id_competitions
        REFERENCES competitions (id) ON DELETE CASCADE,
    season_id integer NOT NULL,
    retroactive boolean NOT NULL,
    contaminated boolean NOT NULL,
    predicted integer NOT NULL,
    points bigint NOT NULL,
    tendency_hits integer NOT NULL,
    exact_hits integer NOT NULL,
    rps_sum double precision NOT NULL,
    rps_n integer NOT NULL,
    log_loss_sum double precision NOT NULL,
    log_loss_n integer NOT NULL,
    CONSTRAINT pk_leaderboard_totals
        PRIMARY KEY (forecaster_id, competition_id, season_id, retroactive, contaminated)
);
CREATE TABLE leaderboard_settled (
    forecaster_id integer NOT NULL CONSTRAINT fk_leaderboard_settled_forecaster_id_forecasters
        REFERENCES forecasters (id) ON DELETE CASCADE,
    competition_id integer NOT NULL
        CONSTRAINT fk_leaderboard_settled_competition_id_competitions
        REFERENCES competitions (id) ON DELETE CASCADE,
    season_id integer NOT NULL,
    settled integer NOT NULL,
    CONSTRAINT pk_leaderboard_settled PRIMARY KEY (forecaster_id, competition_id, season_id)
);
CREATE TABLE settled_matches (
    competition_id integer NOT NULL CONSTRAINT fk_settled_matches_competition_id_competitions
        REFERENCES competitions (id) ON DELETE CASCADE,
    season_id integer NOT NULL,
    settled integer NOT NULL,
    CONSTRAINT pk_settled_matches PRIMARY KEY (competition_id, season_id)
);
"""

# sign * the scores of ``scores`` (settlement_scores rows) whose settlement is in ``settlements``
# (``where``: the triggers name the settlements by id, so that one settlement's trigger reads
# through the indexes and never scans the tables: the statistics of a transition table are
# unknown to the planner)
_SCORES = """
INSERT INTO leaderboard_totals AS t
SELECT sc.forecaster_id, m.competition_id, coalesce(m.season_id, 0), sc.retroactive,
       EXISTS (SELECT 1 FROM contaminated_predictions c WHERE c.prediction_id = sc.prediction_id),
       {sign} * count(*), {sign} * sum(sc.points),
       {sign} * count(*) FILTER (WHERE sc.tendency_hit),
       {sign} * count(*) FILTER (WHERE sc.exact_hit),
       {sign} * coalesce(sum(sc.rps), 0), {sign} * count(sc.rps),
       {sign} * coalesce(sum(sc.log_loss), 0), {sign} * count(sc.log_loss)
FROM {scores} sc
JOIN {settlements} s ON s.id = sc.settlement_id
JOIN matches m ON m.id = s.match_id
{where}
GROUP BY 1, 2, 3, 4, 5
ORDER BY 1, 2, 3, 4, 5
ON CONFLICT (forecaster_id, competition_id, season_id, retroactive, contaminated) DO UPDATE SET
    predicted = t.predicted + excluded.predicted,
    points = t.points + excluded.points,
    tendency_hits = t.tendency_hits + excluded.tendency_hits,
    exact_hits = t.exact_hits + excluded.exact_hits,
    rps_sum = t.rps_sum + excluded.rps_sum,
    rps_n = t.rps_n + excluded.rps_n,
    log_loss_sum = t.log_loss_sum + excluded.log_loss_sum,
    log_loss_n = t.log_loss_n + excluded.log_loss_n
"""

# the matches of ``settlements`` counted as settled, for every forecaster they count for
_SETTLED = """
INSERT INTO leaderboard_settled AS t
SELECT c.forecaster_id, m.competition_id, coalesce(m.season_id, 0), count(*)
FROM {settlements} s
JOIN matches m ON m.id = s.match_id
JOIN counted_pairs c ON c.match_id = s.match_id
{where}
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3
ON CONFLICT (forecaster_id, competition_id, season_id) DO UPDATE SET
    settled = t.settled + excluded.settled;
INSERT INTO settled_matches AS t
SELECT m.competition_id, coalesce(m.season_id, 0), count(*)
FROM {settlements} s
JOIN matches m ON m.id = s.match_id
{where}
GROUP BY 1, 2
ORDER BY 1, 2
ON CONFLICT (competition_id, season_id) DO UPDATE SET settled = t.settled + excluded.settled
"""

_CURRENT = "(SELECT * FROM settlements WHERE superseded_at IS NULL)"
_NEW_MATCHES = "WHERE s.match_id = ANY(ids) AND s.superseded_at IS NULL"
_FUNCTIONS = f"""
CREATE FUNCTION footcast_scores_added() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ids integer[];
BEGIN
SELECT array_agg(DISTINCT settlement_id) INTO ids FROM added;
{_SCORES.format(sign=1, scores="added", settlements=_CURRENT, where="WHERE s.id = ANY(ids)")};
RETURN NULL;
END $$;

CREATE FUNCTION footcast_settlements_superseded() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ids integer[];
BEGIN
SELECT array_agg(n.id) INTO ids FROM after n JOIN before o ON o.id = n.id
WHERE o.superseded_at IS NULL AND n.superseded_at IS NOT NULL;
IF ids IS NULL THEN
    RETURN NULL;
END IF;
{
    _SCORES.format(
        sign=-1,
        scores="settlement_scores",
        settlements="settlements",
        where="WHERE sc.settlement_id = ANY(ids) AND s.id = ANY(ids)",
    )
};
RETURN NULL;
END $$;

CREATE FUNCTION footcast_settlements_added() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ids integer[];
BEGIN
SELECT array_agg(match_id) INTO ids FROM added WHERE revision = 1;
IF ids IS NULL THEN
    RETURN NULL;
END IF;
{_SETTLED.format(settlements="settlements", where=_NEW_MATCHES)};
RETURN NULL;
END $$;

CREATE FUNCTION footcast_rebuild_leaderboard() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
DELETE FROM leaderboard_totals;
DELETE FROM leaderboard_settled;
DELETE FROM settled_matches;
{_SCORES.format(sign=1, scores="settlement_scores", settlements=_CURRENT, where="")};
{_SETTLED.format(settlements=_CURRENT, where="")};
END $$;

CREATE TRIGGER leaderboard_scores_added AFTER INSERT ON settlement_scores
REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION footcast_scores_added();
CREATE TRIGGER leaderboard_settlements_superseded AFTER UPDATE ON settlements
REFERENCING OLD TABLE AS before NEW TABLE AS after
FOR EACH STATEMENT EXECUTE FUNCTION footcast_settlements_superseded();
CREATE TRIGGER leaderboard_settlements_added AFTER INSERT ON settlements
REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION footcast_settlements_added();
"""


def upgrade() -> None:
    op.execute(_TABLES)
    op.execute(_FUNCTIONS)
    op.execute("SELECT footcast_rebuild_leaderboard()")


def downgrade() -> None:
    op.execute(
        """
        DROP TRIGGER leaderboard_settlements_added ON settlements;
        DROP TRIGGER leaderboard_settlements_superseded ON settlements;
        DROP TRIGGER leaderboard_scores_added ON settlement_scores;
        DROP FUNCTION footcast_rebuild_leaderboard();
        DROP FUNCTION footcast_settlements_added();
        DROP FUNCTION footcast_settlements_superseded();
        DROP FUNCTION footcast_scores_added();
        DROP TABLE settled_matches;
        DROP TABLE leaderboard_settled;
        DROP TABLE leaderboard_totals;
        """
    )
