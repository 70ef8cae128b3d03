"""Working days (DESIGN "Reference data"): every date is a working day unless it is a weekend
or a holiday of the State Council's notice, except the 调休 working days it declares.

The special dates (a few dozen a year) are read in one query and kept per process; saving or
deleting a `CalendarDay` forgets them at once in this process, and other processes (several
web workers, the task worker) read them again after `CACHE_SECONDS`, so an admin correction
reaches every deadline within minutes without a query per day or per call.
"""

from __future__ import annotations

import datetime
import time
from bisect import bisect_right
from dataclasses import dataclass

from organisation.models import CalendarDay

CACHE_SECONDS = 300
ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class _SpecialDates:
    holidays: frozenset[datetime.date]
    workdays: frozenset[datetime.date]
    # For counting without walking day by day: the dates that change a weekday count.
    weekday_holidays: tuple[int, ...]  # ordinals of holidays falling Monday-Friday
    weekend_workdays: tuple[int, ...]  # ordinals of 调休 working days on a Saturday/Sunday


# "loaded": (monotonic time read, the dates); one entry, replaced whole (no lock needed).
_cache: dict[str, tuple[float, _SpecialDates]] = {}


def clear_cache(**kwargs) -> None:
    """Forget the special dates (connected to CalendarDay's post_save and post_delete)."""
    _cache.clear()


def _special_dates() -> _SpecialDates:
    now = time.monotonic()
    cached = _cache.get("loaded")
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    holidays: set[datetime.date] = set()
    workdays: set[datetime.date] = set()
    for date, kind in CalendarDay.objects.values_list("date", "kind"):
        (holidays if kind == CalendarDay.Kind.HOLIDAY else workdays).add(date)
    special = _SpecialDates(
        holidays=frozenset(holidays),
        workdays=frozenset(workdays),
        weekday_holidays=tuple(sorted(d.toordinal() for d in holidays if d.weekday() < 5)),
        weekend_workdays=tuple(sorted(d.toordinal() for d in workdays if d.weekday() >= 5)),
    )
    _cache["loaded"] = (now, special)
    return special


def special_dates() -> _SpecialDates:
    """The holidays and 调休 working days (cached; `issues.counting` builds SQL from them)."""
    return _special_dates()


def _is_working(d: datetime.date, special: _SpecialDates) -> bool:
    if d in special.workdays:
        return True
    return d.weekday() < 5 and d not in special.holidays


def is_working_day(d: datetime.date) -> bool:
    return _is_working(d, _special_dates())


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The date `n` working days after `start` (`n` = 0: `start` itself; negative: before)."""
    special = _special_dates()
    step = ONE_DAY if n >= 0 else -ONE_DAY
    d, left = start, abs(n)
    while left:
        d += step
        if _is_working(d, special):
            left -= 1
    return d


def next_working_day(d: datetime.date) -> datetime.date:
    """The first working day after `d` (e.g. the day a 催办 falls due after a due date)."""
    return add_working_days(d, 1)


def _weekdays_through(ordinal: int) -> int:
    """Monday-Friday dates with ordinals 1..ordinal (ordinal 1, 0001-01-01, is a Monday)."""
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days in (start, end]: 0 if `end` is not after `start`.

    `days_overdue` is `working_days_between(due_date, today)`. Counted, not walked: the
    weekdays in the span, less the holidays on weekdays, plus the weekend working days.
    """
    if end <= start:
        return 0
    special = _special_dates()
    a, b = start.toordinal(), end.toordinal()

    def within(ordinals: tuple[int, ...]) -> int:
        return bisect_right(ordinals, b) - bisect_right(ordinals, a)

    weekdays = _weekdays_through(b) - _weekdays_through(a)
    return weekdays - within(special.weekday_holidays) + within(special.weekend_workdays)


def year_calendar(year: int) -> dict[str, list[datetime.date]] | None:
    """The special dates of one year, or None when the calendar has nothing for that year."""
    days = list(CalendarDay.objects.filter(date__year=year).values_list("date", "kind"))
    if not days:
        return None
    return {
        "holidays": [d for d, kind in days if kind == CalendarDay.Kind.HOLIDAY],
        "workdays": [d for d, kind in days if kind == CalendarDay.Kind.WORKDAY],
    }
