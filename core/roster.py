"""The roster's limits (/members): how many members a page lists, and how long a leave period may be."""

from __future__ import annotations

from datetime import date

PAGE_SIZE = 8  # members listed (and name buttons) per page of /members and of the removed members
MAX_LEAVE_DAYS = 366  # a leave period (请假 / 出国 / 脱产学习) is at most a year long


def leave_too_long(start: date, end: date) -> bool:
    """Whether a leave period start–end (inclusive) is longer than the roster accepts."""
    return (end - start).days > MAX_LEAVE_DAYS
