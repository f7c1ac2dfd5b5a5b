"""API-Football's fixture status short codes, mapped to footcast's statuses."""

from __future__ import annotations

from footcast import errors

__all__ = ["STATUSES", "footcast_status"]

STATUSES: dict[str, str] = {
    "TBD": "scheduled",  # time to be defined
    "NS": "scheduled",
    "1H": "live",
    "HT": "live",
    "2H": "live",
    "ET": "live",  # extra time
    "BT": "live",  # break before extra time
    "P": "live",  # penalty shoot-out in progress
    "LIVE": "live",  # in play, period unknown
    "INT": "interrupted",
    "SUSP": "interrupted",
    "FT": "finished",
    "AET": "finished",
    "PEN": "finished",
    "PST": "postponed",
    "CANC": "cancelled",
    "ABD": "abandoned",
    "AWD": "awarded",  # technical loss
    "WO": "awarded",  # walkover
}


def footcast_status(short: str, *, fixture_id: int) -> str:
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
