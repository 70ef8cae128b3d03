"""Chinese labels used in pages, notifications and printed documents alike."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")
_DIGITS = "零一二三四五六七八九"


def cn_numeral(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 35 -> 三十五 (headings 一、（一）)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    if n < 20:
        return "十" + (_DIGITS[ones] if ones else "")
    if n < 100:
        return _DIGITS[tens] + "十" + (_DIGITS[ones] if ones else "")
    return str(n)


def cn_date(value: Any) -> str:
    """A date, datetime or ISO string as 2024年11月24日, in Beijing time; "" for nothing."""
    if not value:
        return ""
    if isinstance(value, str):
        value = (
            datetime.fromisoformat(value)
            if "T" in value or " " in value
            else date.fromisoformat(value[:10])
        )
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(BEIJING)
        value = value.date()
    return f"{value.year}年{value.month}月{value.day}日"
