"""Wall-clock times in the UK (Europe/London): the hour the clocks skip in spring and the hour they repeat in autumn.

A time typed in UK time names one moment only when it happens exactly once. 01:30 on the last Sunday of March
never happens (clocks go from 1am GMT to 2am BST), and 01:30 on the last Sunday of October happens twice (BST, then
GMT an hour later); saving either would pick a moment the person did not mean.
"""

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

from app.domain.problems import Problem

LONDON = ZoneInfo("Europe/London")
MINUTE = timedelta(minutes=1)


def check_uk_time(wall, field=None):
    """[] when wall (a naive UK date and time) happens exactly once; else why not.

    Problem("time_skipped") for a time the clocks jump over, Problem("time_repeated") for one they pass twice;
    values: day and time (as typed), start and end (the times bounding the hour affected: choose before or from).
    """
    kind = _clock_change(wall)
    if kind is None:
        return []
    start = end = wall.replace(second=0, microsecond=0)
    while _clock_change(start - MINUTE) == kind:
        start -= MINUTE
    while _clock_change(end) == kind:
        end += MINUTE
    return [Problem(kind, field, {"day": wall.date(), "time": wall.time(), "start": start.time(),
                                  "end": end.time()})]


def _clock_change(wall):
    earlier = wall.replace(tzinfo=LONDON, fold=0)
    if earlier.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) != wall:
        return "time_skipped"
    if earlier.utcoffset() != wall.replace(tzinfo=LONDON, fold=1).utcoffset():
        return "time_repeated"
    return None


def uk_to_utc(wall):
    """The aware UTC moment of a naive UK time (which check_uk_time has found to happen once)."""
    return wall.replace(tzinfo=LONDON).astimezone(UTC)
