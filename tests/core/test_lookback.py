"""回头看's rules: the day a closed item comes back, the stages of a row, working days, a reopened task's deadline."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from core import holidays
from core.lookback import (
    MAX_NOTE,
    Progress,
    Stage,
    comes_back_on,
    next_stage,
    note_problem,
    nth_workday_after,
    reopen_due,
    working_days_between,
)

TZ = ZoneInfo("Asia/Shanghai")
T = datetime(2026, 11, 23, 2, tzinfo=UTC)


@pytest.mark.parametrize(("closed", "months", "back"), [
    (datetime(2026, 11, 23, 10, tzinfo=TZ), 3, date(2027, 2, 23)),
    (datetime(2026, 11, 30, 10, tzinfo=TZ), 3, date(2027, 2, 28)),  # clamped to February's end
    (datetime(2026, 11, 30, 20, tzinfo=UTC), 1, date(2027, 1, 1)),  # 1 December in Shanghai, a month on
    (datetime(2026, 6, 15, 9, tzinfo=TZ), 6, date(2026, 12, 15)),
])
def test_an_item_comes_back_on_the_same_day_months_later_in_team_time(closed: datetime, months: int,
                                                                       back: date) -> None:
    assert comes_back_on(closed, months=months, tz=TZ) == back


def test_months_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        comes_back_on(T, months=0, tz=TZ)


@pytest.mark.parametrize(("row", "stage"), [
    (Progress(None, None, None, None, None), Stage.SCHEDULE),
    (Progress(T, None, None, None, None), Stage.ASK),
    (Progress(T, T, None, None, None), Stage.REMIND),
    (Progress(T, T, T, None, None), Stage.OFFICE),
    (Progress(T, T, T, T, None), Stage.DONE),
    (Progress(T, T, None, None, T), Stage.DONE),  # answered: nothing more
    (Progress(T, None, None, None, T), Stage.DONE),
])
def test_each_row_moves_through_ask_remind_office_once(row: Progress, stage: Stage) -> None:
    assert next_stage(row) is stage


def test_working_days_skip_weekends_and_the_spring_festival() -> None:
    assert nth_workday_after(date(2026, 11, 20), 1, holidays.is_workday) == date(2026, 11, 23)  # Fri → Mon
    assert nth_workday_after(date(2026, 11, 23), 3, holidays.is_workday) == date(2026, 11, 26)
    after_eve = nth_workday_after(date(2027, 2, 5), 1, holidays.is_workday)  # into the 2027 春节 holiday
    skipped = [date(2027, 2, day) for day in range(6, after_eve.day)]
    assert len(skipped) > 2 and not any(holidays.is_workday(day) for day in skipped)
    assert holidays.is_workday(after_eve)
    assert working_days_between(date(2026, 11, 20), date(2026, 11, 27), holidays.is_workday) == 5
    assert working_days_between(date(2026, 11, 27), date(2026, 11, 20), holidays.is_workday) == 0


def test_a_reopened_task_gets_its_original_span_in_working_days_from_today_not_a_past_deadline() -> None:
    created = datetime(2026, 3, 2, 9, tzinfo=TZ)  # Monday
    due = datetime(2026, 3, 13, 18, tzinfo=TZ)  # the Friday after: 9 working days after the day it was made
    now = datetime(2026, 6, 19, 11, tzinfo=TZ)  # Friday; 端午 2026 is Fri 19 June, a day off
    new = reopen_due(created_at=created, due_at=due, now=now, tz=TZ, is_workday=holidays.is_workday)
    assert new > now
    assert new.astimezone(TZ).time().hour == 18
    assert working_days_between(now.date(), new.astimezone(TZ).date(), holidays.is_workday) == 9


def test_a_task_due_the_day_it_was_made_still_gets_a_working_day() -> None:
    made = datetime(2026, 11, 23, 9, tzinfo=TZ)
    new = reopen_due(created_at=made, due_at=made.replace(hour=18), now=datetime(2027, 2, 26, 10, tzinfo=TZ), tz=TZ,
                     is_workday=holidays.is_workday)
    assert new == datetime(2027, 3, 1, 18, tzinfo=TZ)  # Friday's answer → Monday


def test_a_note_is_optional_but_bounded() -> None:
    assert note_problem("整改到位") is None
    assert note_problem("   ") == "empty"
    assert note_problem("字" * MAX_NOTE) is None
    assert note_problem("字" * (MAX_NOTE + 1)) == "too_long"
