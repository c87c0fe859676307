"""The roster's pages and the longest leave period (core/roster.py, core/paging.py)."""

from __future__ import annotations

from datetime import date

import pytest

from core import paging
from core.roster import PAGE_SIZE, leave_too_long


@pytest.mark.parametrize("start, end, expected", [
    (date(2026, 11, 23), date(2026, 11, 27), False),
    (date(2026, 1, 1), date(2026, 12, 31), False),  # a whole year
    (date(2028, 1, 1), date(2028, 12, 31), False),  # a leap year
    (date(2026, 1, 1), date(2027, 1, 2), False),  # its last day 366 days after its first: still accepted
    (date(2026, 1, 1), date(2027, 1, 3), True),  # 367 days after
    (date(2026, 11, 23), date(2026, 11, 23), False),  # one day
])
def test_a_leave_period_is_at_most_a_year(start: date, end: date, expected: bool) -> None:
    assert leave_too_long(start, end) is expected


@pytest.mark.parametrize("total, size, pages", [
    (0, PAGE_SIZE, 1),  # an empty list is one empty page
    (1, 8, 1),
    (8, 8, 1),
    (9, 8, 2),
    (24, 24, 1),
    (25, 24, 2),
])
def test_page_count(total: int, size: int, pages: int) -> None:
    assert paging.page_count(total, size) == pages


@pytest.mark.parametrize("page, total, expected", [
    (0, 20, (0, 3)),
    (2, 20, (2, 3)),
    (5, 20, (2, 3)),  # beyond the last page (members removed meanwhile): the last page
    (-1, 20, (0, 3)),
    (3, 0, (0, 1)),
])
def test_a_page_beyond_either_end_shows_the_nearest(page: int, total: int, expected: tuple[int, int]) -> None:
    assert paging.clamp(page, total=total, size=8) == expected
