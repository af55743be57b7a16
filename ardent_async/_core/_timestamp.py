"""Timestamps in replies: one lenient parser, the same result on every supported Python.

The published contract types every timestamp as a plain string, so any string must decode.
Model fields holding one are typed ``datetime | str``: an aware :class:`~datetime.datetime`
when the text parses, otherwise the string exactly as the server sent it (lossless, so a
caller can still show or parse it). Narrow with ``isinstance(value, datetime)``.

Accepted, case-insensitively (``datetime.fromisoformat`` is not used: on 3.10 it refuses
``Z``, one-digit fractions and nanoseconds, so results would differ between Pythons):

- RFC 3339 / ISO 8601 extended date-times, ``T`` or a space between date and time, seconds
  optional, a fraction of any length after ``.`` or ``,`` (cut, not rounded, to microseconds),
  offset ``Z``, ``+HH:MM``, ``+HHMM`` or ``+HH``;
- a date-time or date without an offset, read as UTC (the API speaks UTC);
- an HTTP date (RFC 9110 IMF-fixdate, ``Mon, 01 Jan 2026 00:00:00 GMT``).

Everything else (``""``, Unix-epoch digits, a leap second ``23:59:60``, impossible dates)
stays a string: guessing would be worse than handing it over unchanged.
"""

from __future__ import annotations

import re
import sys
from datetime import datetime, timedelta, timezone

__all__ = ["parse_timestamp"]

_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"\s*(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?)?"
)
_HTTP_DATE = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) "
    r"(\d{2}):(\d{2}):(\d{2}) GMT",
    re.IGNORECASE,
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


# The shape real servers send, on which ``datetime.fromisoformat`` agrees on every supported
# Python (3.10 included): a fast path giving the same result as the general parser below.
# The offset's ranges are spelt out: ``fromisoformat`` reads ``+02:90`` as +03:30, where the
# general parser refuses minutes above 59 (and hours above 23).
_COMMON = re.compile(
    r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d{6}|\.\d{3})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)"
)


_common = _COMMON.fullmatch
_fromisoformat = datetime.fromisoformat


def parse_timestamp(text: str) -> datetime | None:
    """The aware datetime ``text`` denotes, or None when it is not a timestamp we read."""
    if _ISO_Z and text[-1:] == "Z" and text[4:20:3] in _UTC_SHAPES and len(text) in _UTC_LENGTHS:
        # The commonest shape, told by its separators alone (cheaper than the pattern):
        # ``fromisoformat`` checks the rest are ASCII digits, anything else is decided below.
        try:
            return _fromisoformat(text)
        except ValueError:  # month 13, hour 24, non-ASCII digits: the general parser decides
            return parse_general(text)
    if _common(text):
        try:
            if _ISO_Z:  # 3.11+ reads "Z" itself; 3.10 needs the offset spelt out
                return _fromisoformat(text)
            return _fromisoformat(text[:-1] + "+00:00" if text[-1] == "Z" else text)
        except ValueError:  # hour 24, month 13, non-ASCII digits...: the general parser decides
            pass
    return parse_general(text)


_ISO_Z = sys.version_info >= (3, 11)
# ``2026-01-01T00:00:00Z``, with 3 or 6 fraction digits: the separators at 4, 7, ... 19.
_UTC_SHAPES = frozenset({"--T::Z", "--T::."})
_UTC_LENGTHS = frozenset({20, 24, 27})


def parse_general(text: str) -> datetime | None:
    """:func:`parse_timestamp` without its fast path (the definition of what is read)."""
    match = _ISO.fullmatch(text)
    if match is not None:
        return _from_iso(match)
    match = _HTTP_DATE.fullmatch(text)
    if match is not None:
        day, month, year, hour, minute, second = match.groups()
        try:
            return datetime(
                int(year),
                _MONTHS[month.lower()],
                int(day),
                int(hour),
                int(minute),
                int(second),
                tzinfo=timezone.utc,
            )
        except ValueError:
            return None
    return None


def _from_iso(match: re.Match[str]) -> datetime | None:
    year, month, day, hour, minute, second, fraction, _zulu, sign, off_h, off_m = match.groups()
    tz: timezone = timezone.utc
    if sign is not None:
        hours, minutes = int(off_h), int(off_m or 0)
        if hours > 23 or minutes > 59:
            return None
        offset = timedelta(hours=hours, minutes=minutes)
        if offset:
            tz = timezone(-offset if sign == "-" else offset)
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            micro,
            tzinfo=tz,
        )
    except ValueError:  # month 13, hour 24, a leap second...
        return None
