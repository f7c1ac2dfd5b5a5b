"""Season files of any format footcast reads, told apart by their content, not their name.

A file whose first character (after a UTF-8 byte-order mark and white space) is ``{`` is JSON,
read as openfootball's football.json; any other is read as a football-data.co.uk CSV file.
"""

from __future__ import annotations

from pathlib import Path

from footcast import errors
from footcast.sources import football_data, openfootball
from footcast.sources.season_file import ParsedFile

__all__ = ["read"]

_SNIFF = 4096  # bytes read to tell the format


def read(path: Path, *, strict: bool = False) -> ParsedFile:
    """Parse one season file in whichever format it is.

    Raises:
        InvalidInput: the file can not be read or parsed, or (``strict``) has a bad row or a
            bad odds cell; the message names the file and where in it.
    """
    try:
        with path.open("rb") as handle:
            start = handle.read(_SNIFF)
    except OSError as exc:
        raise errors.InvalidInput(f"{path}: can not be read: {exc.strerror}") from exc
    if start.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"{"):
        return openfootball.read(path, strict=strict)
    return football_data.read(path, strict=strict)
