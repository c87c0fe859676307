"""Advice in whole units, rounded up, and whether the quarter can still be caught up (core.advice)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.advice import CatchUp, catch_up, days_left, quarter_can_be_caught_up, still_needed, whole_up
from core.domain import Duty
from core.pace import DutyPace, PaceStatus


@pytest.mark.parametrize(("value", "shown"), [
    (Decimal("5.6"), 6),
    (Decimal("5.2"), 6),
    (Decimal("0.1"), 1),
    (Decimal("0.0001"), 1),
    (Decimal("4.6"), 5),
    (Decimal("6"), 6),
    (Decimal("6.000"), 6),
    (Decimal("0"), 0),
    (Decimal("-0.4"), 0),
    (Decimal("-3"), 0),
    (3, 3),
])
def test_a_count_still_owed_is_shown_whole_and_rounded_up(value: Decimal, shown: int) -> None:
    assert whole_up(value) == shown


@pytest.mark.parametrize(("target", "done", "needed"), [
    (Decimal("60"), Decimal("5"), 55),
    (Decimal("4.6"), Decimal("0"), 5),
    (Decimal("6"), Decimal("5.9"), 1),
    (Decimal("1"), Decimal("1"), 0),
    (Decimal("1"), Decimal("3"), 0),
])
def test_what_the_year_still_needs_is_whole(target: Decimal, done: Decimal, needed: int) -> None:
    assert still_needed(target, done) == needed


@pytest.mark.parametrize(("today", "last", "left"), [
    (date(2026, 12, 23), date(2026, 12, 31), 9),
    (date(2026, 12, 31), date(2026, 12, 31), 1),
    (date(2027, 1, 1), date(2026, 12, 31), 0),
    (date(2026, 10, 1), date(2026, 12, 31), 92),
])
def test_days_left_count_today_and_the_last_day(today: date, last: date, left: int) -> None:
    assert days_left(today, last) == left


Q4_END = date(2026, 12, 31)


@pytest.mark.parametrize(("gap", "day_duty", "today", "savable"), [
    (Decimal(55), True, date(2026, 12, 23), False),  # 55 days owed, 9 left: lost
    (Decimal(9), True, date(2026, 12, 23), True),  # exactly the days left: still possible
    (Decimal("9.2"), True, date(2026, 12, 23), False),  # 10 whole days owed, 9 left
    (Decimal(10), True, date(2026, 12, 23), False),
    (Decimal(1), True, date(2026, 12, 31), True),  # the last day still counts
    (Decimal(0), True, date(2026, 12, 31), True),
    (Decimal(55), False, date(2026, 12, 23), True),  # count duties: several sessions fit in a day
    (Decimal(55), True, date(2026, 10, 1), True),
])
def test_a_day_duty_owed_more_days_than_the_quarter_has_left_cannot_be_caught_up(
        gap: Decimal, day_duty: bool, today: date, savable: bool) -> None:
    assert quarter_can_be_caught_up(gap, day_duty=day_duty, today=today, quarter_end=Q4_END) is savable


def _owing(duty: Duty, *, target: str, done: str, gap: str) -> DutyPace:
    return DutyPace(duty, done=Decimal(done), target=Decimal(target), expected_now=Decimal(target),
                    quarter_target=Decimal(done) + Decimal(gap), gap_to_quarter=Decimal(gap),
                    status=PaceStatus.LAGGING)


@pytest.mark.parametrize(("duty", "today", "advice"), [
    # owed by the quarter's end, in whole units rounded up
    (_owing(Duty.RESEARCH_DAYS, target="60", done="40", gap="5.2"), date(2026, 12, 1), CatchUp(6, lost=False)),
    (_owing(Duty.LAW_STUDY, target="6", done="2", gap="1"), date(2026, 12, 30), CatchUp(1, lost=False)),
    # a day duty owing more days than the quarter has left: what the year still needs instead
    (_owing(Duty.RESEARCH_DAYS, target="60", done="5", gap="40"), date(2026, 9, 20),
     CatchUp(55, lost=True, year_lost=False)),
    # ... and in the year's last quarter, more than the year has left: the year is lost too
    (_owing(Duty.RESEARCH_DAYS, target="60", done="5", gap="55"), date(2026, 12, 23),
     CatchUp(55, lost=True, year_lost=True)),
    (_owing(Duty.RESEARCH_DAYS, target="60.5", done="5", gap="20"), date(2026, 12, 23),
     CatchUp(56, lost=True, year_lost=True)),
    # count duties are never lost: several sessions fit in a day
    (_owing(Duty.COLLECTIVE_STUDY, target="12", done="1", gap="11"), date(2026, 12, 31), CatchUp(11, lost=False)),
    # nothing owed by the quarter's end: no advice
    (_owing(Duty.RESEARCH_DAYS, target="60", done="60", gap="0"), date(2026, 12, 1), None),
    (_owing(Duty.LAW_STUDY, target="6", done="6", gap="-1"), date(2026, 12, 1), None),
])
def test_the_advice_is_the_quarters_gap_or_once_it_is_lost_the_years(duty: DutyPace, today: date,
                                                                     advice: CatchUp | None) -> None:
    assert catch_up(duty, today) == advice
