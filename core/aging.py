"""How an item with a due date ages: green, yellow when due within a few days, red when overdue."""

from __future__ import annotations

import enum
from datetime import date

YELLOW_WITHIN_DAYS = 3


class Age(enum.StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


def age(due: date, *, today: date, yellow_within_days: int = YELLOW_WITHIN_DAYS) -> Age:
    days_left = (due - today).days
    if days_left < 0:
        return Age.RED
    return Age.YELLOW if days_left <= yellow_within_days else Age.GREEN


MARK = {Age.GREEN: "🟢", Age.YELLOW: "🟡", Age.RED: "🔴"}
