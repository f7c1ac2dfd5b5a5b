"""The catalogue of canonical clubs and competitions and what each source calls them.

Sources name the same club differently ("Man United" in football-data.co.uk's files, "Manchester
United", team 33, at API-Football, "Manchester United FC" in openfootball's), and the same
competition too (``E0``, ``AF39``, ``premier-league``). ``clubs.toml`` beside this module lists
the clubs and competitions footcast knows; the resolver (``footcast.db.writes.teams``) consults it
for a name no stored alias knows yet, so a club imported from one source is found again when
another source names it.

A club is found by, in order: its API-Football id; the name exactly as the source spells it; its
canonical name; a name any source uses for it (when only one club has it); and that name less
accents, case, punctuation and the words FC, AFC and CF (again only when unambiguous).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Generic, TypeVar

__all__ = [
    "API_FOOTBALL",
    "FOOTBALL_DATA",
    "OPENFOOTBALL",
    "SOURCES",
    "Catalogue",
    "Club",
    "League",
    "api_football_code",
    "catalogue",
    "loose_key",
    "parse",
]

FOOTBALL_DATA = "football-data"
API_FOOTBALL = "api-football"
OPENFOOTBALL = "openfootball"
SOURCES = (FOOTBALL_DATA, API_FOOTBALL, OPENFOOTBALL)
_FILLER = frozenset({"fc", "afc", "cf"})  # not "sc": Barcelona SC is not FC Barcelona
_KEYS = frozenset({"name", "code", "country", "api_football"})


@dataclass(frozen=True, kw_only=True)
class Club:
    """A canonical club: its name, country, API-Football id and names by source."""

    name: str
    country: str | None = None
    api_football: int | None = None
    aliases: tuple[tuple[str, str], ...] = ()  # (source, name)


@dataclass(frozen=True, kw_only=True)
class League:
    """A canonical competition: its code, name, API-Football league id and codes by source."""

    code: str
    name: str
    country: str | None = None
    api_football: int | None = None
    aliases: tuple[tuple[str, str], ...] = ()  # (source, code), API-Football's "AF<id>" among them


def api_football_code(league_id: int) -> str:
    """The competition code API-Football fixtures carry (``AF39``)."""
    return f"AF{league_id}"


def loose_key(name: str) -> str:
    """``name`` without accents, case, punctuation or the words FC, AFC and CF."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    plain = re.sub(r"[.'’]", "", plain.casefold()).replace("&", " and ")  # F.C., Nott'm
    words = re.split(r"[^a-z0-9]+", plain)
    return " ".join(w for w in words if w and w not in _FILLER)


T = TypeVar("T", Club, League)


class _Index(Generic[T]):
    """Look-ups of one kind of entry by (source, name), by any name, and by loose name."""

    def __init__(self, entries: Iterable[T], names: Mapping[int, tuple[str, ...]]) -> None:
        self.exact: dict[tuple[str, str], T] = {}
        self._any: dict[str, list[T]] = {}
        self._loose: dict[str, list[T]] = {}
        for entry in entries:
            aliases = entry.aliases
            for source, alias in aliases:
                if (source, alias) in self.exact:
                    raise ValueError(f"{source} name {alias!r} is given to two entries")
                self.exact[(source, alias)] = entry
            for alias in {a for _, a in aliases} | set(names[id(entry)]):
                self._add(self._any, alias, entry)
                self._add(self._loose, loose_key(alias), entry)

    @staticmethod
    def _add(index: dict[str, list[T]], key: str, entry: T) -> None:
        found = index.setdefault(key, [])
        if entry not in found:
            found.append(entry)

    def find(self, source: str, name: str) -> T | None:
        entry = self.exact.get((source, name))
        if entry is not None:
            return entry
        for index, key in ((self._any, name), (self._loose, loose_key(name))):
            candidates = index.get(key, [])
            if len(candidates) == 1:
                return candidates[0]
        return None


class Catalogue:
    """The known clubs and competitions, with look-ups by what a source calls them."""

    def __init__(self, clubs: Iterable[Club], leagues: Iterable[League]) -> None:
        self.clubs = tuple(clubs)
        self.leagues = tuple(leagues)
        self._club_ids: dict[int, Club] = {}
        for club in self.clubs:
            if club.api_football is not None:
                if club.api_football in self._club_ids:
                    raise ValueError(f"API-Football team {club.api_football} is given twice")
                self._club_ids[club.api_football] = club
        self._clubs = _Index(self.clubs, {id(c): (c.name,) for c in self.clubs})
        self._leagues = _Index(self.leagues, {id(c): (c.code, c.name) for c in self.leagues})

    def club(self, source: str, name: str, *, api_football: int | None = None) -> Club | None:
        """The club ``source`` calls ``name`` (or gives the API-Football id); None if unknown.
        A club found by name whose API-Football id is another than the one given is not it
        (API-Football's "Barcelona" of another country, say)."""
        club = self._clubs.find(source, name)
        if api_football is not None and api_football in self._club_ids:
            numbered = self._club_ids[api_football]
            # a name that is another known club's says the catalogue's id is wrong: trust
            # neither (a new team, which `teams merge` can fold in, beats a misfiled one)
            return numbered if club in (None, numbered) else None
        if club is not None and None not in (api_football, club.api_football):
            return None
        return club

    def spelled(self, source: str, name: str) -> Club | None:
        """The club ``source`` calls ``name`` by that very spelling (no looser look-up)."""
        return self._clubs.exact.get((source, name))

    def league(self, source: str, code: str) -> League | None:
        """The competition ``source`` codes ``code``; None if unknown."""
        return self._leagues.find(source, code)

    def alias_count(self) -> int:
        """How many (source, name) aliases the clubs have."""
        return len(self._clubs.exact)


def parse(text: str) -> Catalogue:
    """A catalogue from the text of a ``clubs.toml``.

    Raises:
        ValueError: the text is not TOML of that shape, or a name or id is given twice.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"the club catalogue is not TOML: {exc}") from exc
    clubs = [
        Club(
            name=str(entry["name"]),
            country=entry.get("country"),
            api_football=entry.get("api_football"),
            aliases=_aliases(entry),
        )
        for entry in data.get("club", [])
    ]
    leagues = []
    for entry in data.get("competition", []):
        aliases = _aliases(entry)
        if entry.get("api_football") is not None:
            aliases += ((API_FOOTBALL, api_football_code(int(entry["api_football"]))),)
        leagues.append(
            League(
                code=str(entry["code"]),
                name=str(entry["name"]),
                country=entry.get("country"),
                api_football=entry.get("api_football"),
                aliases=aliases,
            )
        )
    return Catalogue(clubs, leagues)


def _aliases(entry: Mapping[str, object]) -> tuple[tuple[str, str], ...]:
    found: list[tuple[str, str]] = []
    for source, names in entry.items():
        if source in _KEYS:
            continue
        if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
            raise ValueError(f"{entry.get('name')!r}: {source} must be a list of names")
        found += [(source, n) for n in names]
    return tuple(found)


@cache
def catalogue() -> Catalogue:
    """The catalogue footcast ships (``clubs.toml``), read once."""
    text = resources.files("footcast.domain").joinpath("clubs.toml").read_text(encoding="utf-8")
    return parse(text)
