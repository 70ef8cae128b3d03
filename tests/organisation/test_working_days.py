"""`organisation.calendar`: deadlines counted in working days of the State Council's notices."""

from datetime import date

import pytest

from organisation import calendar
from organisation.calendar import (
    add_working_days,
    is_working_day,
    next_working_day,
    working_days_between,
)
from organisation.models import CalendarDay

pytestmark = pytest.mark.django_db


def test_the_national_day_week_of_2026_is_skipped():
    # 9/30 is a Wednesday; 10/1-10/7 are off; Thursday 10/8 is the next working day.
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert next_working_day(date(2026, 9, 30)) == date(2026, 10, 8)
    assert [is_working_day(date(2026, 10, d)) for d in range(1, 9)] == [False] * 7 + [True]


def test_the_tiaoxiu_weekend_days_of_2026s_national_day_are_working_days():
    assert date(2026, 10, 10).weekday() == 5 and is_working_day(date(2026, 10, 10))
    assert date(2026, 9, 20).weekday() == 6 and is_working_day(date(2026, 9, 20))
    # Saturday 10/10 counts: from Friday 10/9 one working day is that Saturday.
    assert add_working_days(date(2026, 10, 9), 1) == date(2026, 10, 10)
    # An ordinary weekend stays off.
    assert not is_working_day(date(2026, 10, 17)) and not is_working_day(date(2026, 10, 18))


def test_ordinary_days():
    assert is_working_day(date(2026, 3, 10))  # a Tuesday
    assert not is_working_day(date(2026, 3, 14))  # a Saturday
    assert add_working_days(date(2026, 3, 13), 1) == date(2026, 3, 16)  # Friday → Monday
    assert add_working_days(date(2026, 3, 14), 0) == date(2026, 3, 14)  # n = 0: the day itself


def test_working_days_across_the_spring_festival_of_2026():
    # (Fri 2/13, Fri 2/27]: Saturday 2/14 is worked, 2/15-2/23 are off, then Tue-Fri.
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 27)) == 5
    assert working_days_between(date(2026, 2, 14), date(2026, 2, 24)) == 1
    # 2/28 (Saturday) is a 调休 working day too.
    assert working_days_between(date(2026, 2, 27), date(2026, 3, 1)) == 1
    assert add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)


def test_between_is_zero_unless_end_is_after_start():
    assert working_days_between(date(2026, 5, 6), date(2026, 5, 6)) == 0
    assert working_days_between(date(2026, 5, 6), date(2026, 4, 1)) == 0
    assert working_days_between(date(2026, 5, 6), date(2026, 5, 7)) == 1


def test_across_a_year_boundary():
    # 2026's 元旦: 1/1-1/3 off, Sunday 1/4 worked.
    assert add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 4)
    # 2027 (provisional): 1/1 Friday off, then the weekend.
    assert add_working_days(date(2026, 12, 30), 3) == date(2027, 1, 5)
    assert working_days_between(date(2026, 12, 30), date(2027, 1, 5)) == 3


def test_backwards_and_between_agree_with_forwards():
    start = date(2024, 9, 27)
    for n in (1, 5, 10, 30, 120):
        end = add_working_days(start, n)
        assert working_days_between(start, end) == n
        assert add_working_days(end, -n) == start


def test_a_year_without_data_has_weekends_only():
    assert is_working_day(date(2030, 10, 1))  # a Tuesday nobody has declared a holiday yet
    assert working_days_between(date(2030, 9, 29), date(2030, 10, 6)) == 5


def test_a_hundred_working_days_cost_one_query_cold_and_none_warm(django_assert_num_queries):
    with django_assert_num_queries(1):  # the special dates of every year, once
        assert add_working_days(date(2026, 1, 1), 100) == date(2026, 6, 1)
    with django_assert_num_queries(0):
        add_working_days(date(2025, 12, 1), 100)
        working_days_between(date(2024, 1, 1), date(2027, 12, 31))
        is_working_day(date(2026, 10, 10))


def test_an_edit_counts_at_once_in_this_process():
    assert is_working_day(date(2026, 3, 10))
    CalendarDay.objects.create(date=date(2026, 3, 10), kind="holiday", name="示例")
    assert not is_working_day(date(2026, 3, 10))
    CalendarDay.objects.get(date=date(2026, 3, 10)).delete()
    assert is_working_day(date(2026, 3, 10))


def test_another_process_edit_counts_after_the_cache_time(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(calendar.time, "monotonic", lambda: now[0])
    assert is_working_day(date(2026, 3, 11))
    # .update() sends no signal, as an edit made in another worker process does not here.
    CalendarDay.objects.filter(date=date(2026, 10, 10)).update(date=date(2026, 3, 11))
    assert is_working_day(date(2026, 3, 11))
    now[0] += calendar.CACHE_SECONDS
    assert is_working_day(date(2026, 10, 10)) is False
