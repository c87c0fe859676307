"""Items age green → yellow (due within 3 days) → red (overdue)."""

from datetime import date

import pytest

from core.aging import Age, age

TODAY = date(2026, 11, 21)


@pytest.mark.parametrize(("due", "expected"), [
    (date(2026, 12, 1), Age.GREEN), (date(2026, 11, 25), Age.GREEN), (date(2026, 11, 24), Age.YELLOW),
    (date(2026, 11, 21), Age.YELLOW), (date(2026, 11, 20), Age.RED), (date(2025, 1, 1), Age.RED),
])
def test_an_item_ages_by_its_due_date(due: date, expected: Age) -> None:
    assert age(due, today=TODAY) is expected
