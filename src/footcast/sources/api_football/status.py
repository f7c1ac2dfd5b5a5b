"""API-Football's fixture status short codes, mapped to footcast's statuses."""

from __future__ import annotations

from footcast import errors
from footcast.domain.names import MatchStatus

__all__ = ["STATUSES", "footcast_status"]

STATUSES: dict[str, MatchStatus] = {
    "TBD": MatchStatus.SCHEDULED,  # time to be defined
    "NS": MatchStatus.SCHEDULED,
    "1H": MatchStatus.LIVE,
    "HT": MatchStatus.LIVE,
    "2H": MatchStatus.LIVE,
    "ET": MatchStatus.LIVE,  # extra time
    "BT": MatchStatus.LIVE,  # break before extra time
    "P": MatchStatus.LIVE,  # penalty shoot-out in progress
    "LIVE": MatchStatus.LIVE,  # in play, period unknown
    "INT": MatchStatus.INTERRUPTED,
    "SUSP": MatchStatus.INTERRUPTED,
    "FT": MatchStatus.FINISHED,
    "AET": MatchStatus.FINISHED,
    "PEN": MatchStatus.FINISHED,
    "PST": MatchStatus.POSTPONED,
    "CANC": MatchStatus.CANCELLED,
    "ABD": MatchStatus.ABANDONED,
    "AWD": MatchStatus.AWARDED,  # technical loss
    "WO": MatchStatus.AWARDED,  # walkover
}


def footcast_status(short: str, *, fixture_id: int) -> MatchStatus:
    """footcast's status for a provider status code.

    Raises:
        MalformedResponse: the code is not one the provider documents.
    """
    try:
        return STATUSES[short]
    except KeyError:
        raise errors.MalformedResponse(
            f"fixture {fixture_id} has the unknown status code {short!r}",
            fixture_id=fixture_id,
            status=short,
        ) from None
