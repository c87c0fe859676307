"""Pages of a long list shown a few lines or buttons at a time (the roster, the members to pick from)."""

from __future__ import annotations


def page_count(total: int, size: int) -> int:
    """How many pages ``total`` entries fill, ``size`` to a page; an empty list is one (empty) page."""
    return max(1, (total + size - 1) // size)


def clamp(page: int, *, total: int, size: int) -> tuple[int, int]:
    """(the page to show, how many pages): a page asked for beyond either end shows the nearest one."""
    pages = page_count(total, size)
    return min(max(page, 0), pages - 1), pages
