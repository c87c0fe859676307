"""The 督办 warning lights with fixed dates, on China's calendar (2026-10-01..08 is the National Day break)."""

from __future__ import annotations

from datetime import date, datetime

from core import holidays
from core.domain import AssignmentStatus
from core.task_lights import Light, light, sign_by, worst
from tests.conftest import SHANGHAI

ASSIGNED = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)  # a Monday
DUE = datetime(2026, 12, 4, 18, 0, tzinfo=SHANGHAI)  # the Friday after next


def _at(day: int, hour: int = 10, *, status: AssignmentStatus = AssignmentStatus.ASSIGNED,
        signed: bool = False, plan: date | None = None, due: datetime = DUE) -> Light:
    """The light at ``hour`` on ``day``: 23..30 November or, from 1 to 22, December."""
    month = 11 if day >= 23 else 12
    now = datetime(2026, month, day, hour, 0, tzinfo=SHANGHAI)
    return light(status, due=due, assigned_at=ASSIGNED, signed_at=ASSIGNED if signed else None, plan_date=plan,
                 now=now, tz=SHANGHAI, is_workday=holidays.is_workday)


def test_closed_is_green_even_when_it_was_late() -> None:
    assert _at(5, status=AssignmentStatus.CLOSED) is Light.GREEN


def test_past_the_deadline_is_red_and_a_report_waits_for_the_office() -> None:
    assert _at(4, 18, signed=True) is Light.RED
    assert _at(4, 17, signed=True) is Light.BLUE
    assert _at(5, status=AssignmentStatus.REPORTED) is Light.NONE


def test_not_signed_within_two_working_days_is_yellow() -> None:
    assert _at(24) is Light.NONE and _at(25) is Light.NONE  # Tuesday and Wednesday: still in time
    assert _at(26) is Light.YELLOW  # Thursday: the 2 working days are over
    assert _at(26, signed=True) is Light.NONE


def test_the_signing_days_skip_the_weekend_and_holidays() -> None:
    assert sign_by(date(2026, 11, 27), holidays.is_workday) == date(2026, 12, 1)  # Friday → Tuesday
    assert sign_by(date(2026, 9, 30), holidays.is_workday) == date(2026, 10, 9)  # over the National Day break


def test_behind_the_plan_is_yellow_and_red_wins_over_it() -> None:
    assert _at(30, signed=True, plan=date(2026, 11, 30)) is Light.NONE  # the plan's day itself is not late
    assert _at(1, signed=True, plan=date(2026, 11, 30)) is Light.YELLOW
    assert _at(5, signed=True, plan=date(2026, 11, 30)) is Light.RED


def test_due_within_three_days_is_blue() -> None:
    assert _at(30, signed=True) is Light.NONE  # 4 days left
    assert _at(1, signed=True) is Light.BLUE  # 3 days left


def test_a_tasks_light_is_its_worst() -> None:
    assert worst([Light.GREEN, Light.BLUE, Light.RED, Light.YELLOW]) is Light.RED
    assert worst([Light.GREEN, Light.NONE, Light.BLUE]) is Light.BLUE
    assert worst([Light.GREEN, Light.GREEN]) is Light.GREEN
    assert worst([Light.GREEN, Light.NONE]) is Light.NONE
    assert worst([]) is Light.NONE
