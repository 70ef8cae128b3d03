"""Chinese heading numbers and dates as printed."""

from datetime import UTC, date, datetime

import pytest

from liaison.formats import cn_date, cn_numeral


@pytest.mark.parametrize(
    "n, text",
    [(1, "一"), (9, "九"), (10, "十"), (12, "十二"), (20, "二十"), (35, "三十五"), (99, "九十九")],
)
def test_heading_numbers(n, text):
    assert cn_numeral(n) == text


@pytest.mark.parametrize(
    "value, text",
    [
        ("2024-11-24", "2024年11月24日"),
        (date(2024, 1, 5), "2024年1月5日"),
        ("2024-11-24T09:30:00+08:00", "2024年11月24日"),
        (
            datetime(2024, 11, 24, 17, 0, tzinfo=UTC),
            "2024年11月25日",
        ),  # 01:00 the next day in Beijing
        (None, ""),
    ],
)
def test_dates_in_beijing(value, text):
    assert cn_date(value) == text
