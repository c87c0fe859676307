"""A broadcast draft's limits: how long its text may be, how far ahead it may go, and the picker's pages."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from core.broadcasts import (
    MAX_CAPTION_TEXT,
    MAX_TEXT,
    PICK_PAGE_SIZE,
    TextProblem,
    WhenProblem,
    page_of,
    text_limit,
    text_problem,
    when_problem,
)

NOW = datetime(2026, 11, 20, 9, 0)


@pytest.mark.parametrize(("text", "length", "with_file", "problem"), [
    ("请于周五前报送", 7, False, None),
    ("", 0, False, TextProblem.EMPTY),
    ("   \n", 4, True, TextProblem.EMPTY),
    ("x", MAX_TEXT, False, None),  # exactly at the limit
    ("x", MAX_TEXT + 1, False, TextProblem.TOO_LONG),
    ("x", MAX_CAPTION_TEXT, True, None),
    ("x", MAX_CAPTION_TEXT + 1, True, TextProblem.CAPTION_TOO_LONG),  # fine alone, too long as a caption
])
def test_a_broadcasts_text_is_refused_only_when_empty_or_over_its_limit(
        text: str, length: int, with_file: bool, problem: TextProblem | None) -> None:
    assert text_problem(text, length, with_file=with_file) is problem


@pytest.mark.parametrize(("with_file", "limit"), [(False, 3800), (True, 900)])
def test_a_caption_leaves_less_room_than_a_message(with_file: bool, limit: int) -> None:
    assert text_limit(with_file=with_file) == limit


@pytest.mark.parametrize(("at", "problem"), [
    (NOW + timedelta(minutes=1), None),
    (NOW, WhenProblem.PASSED),  # now is not ahead
    (NOW - timedelta(days=1), WhenProblem.PASSED),
    (datetime(2027, 11, 21, 23, 0), None),  # 366 days ahead
    (datetime(2027, 11, 22, 0, 0), WhenProblem.TOO_FAR),  # 367
])
def test_a_broadcast_is_scheduled_ahead_and_at_most_a_year_ahead(at: datetime, problem: WhenProblem | None) -> None:
    assert when_problem(at, NOW) is problem


@pytest.mark.parametrize(("count", "page", "shown", "pages", "names"), [
    (0, 0, 0, 1, range(0, 0)),  # nobody to pick: one empty page
    (5, 0, 0, 1, range(0, 5)),
    (PICK_PAGE_SIZE, 1, 0, 1, range(0, 8)),  # a page past the last shows the last
    (PICK_PAGE_SIZE + 1, 1, 1, 2, range(8, 9)),
    (20, -3, 0, 3, range(0, 8)),  # forged negative pages show the first
    (20, 2, 2, 3, range(16, 20)),
])
def test_the_picker_shows_eight_names_a_page_and_never_a_page_that_is_not_there(
        count: int, page: int, shown: int, pages: int, names: range) -> None:
    got_page, got_pages, on_page = page_of(count, page)
    assert (got_page, got_pages, list(range(count))[on_page]) == (shown, pages, list(names))
