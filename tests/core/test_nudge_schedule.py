"""When a deadline nudge, an escalation, a pace nudge or a lagging note is due (core/nudge_schedule.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from config import ScheduleSettings
from core.domain import Duty
from core.holidays import is_workday
from core.nudge_schedule import (
    JUST_ASSIGNED,
    escalates,
    just_assigned,
    lagging_note_duties,
    latest_stage,
    next_look,
    next_midnight,
    next_stage_day,
    pace_nudge_duties,
    snooze_end,
    stage_due,
)
from core.pace import DutyPace, PaceStatus

SH = ZoneInfo("Asia/Shanghai")
DUE = date(2026, 11, 27)  # a Friday
OFFSETS = (3, 1, 0)


def _at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SH)


@pytest.mark.parametrize("today, repeat_days, expected", [
    (date(2026, 11, 23), 2, None),  # before the first offset
    (date(2026, 11, 24), 2, ("T-3", date(2026, 11, 24))),
    (date(2026, 11, 25), 2, ("T-3", date(2026, 11, 24))),  # the latest stage fallen due, not one per day
    (date(2026, 11, 26), 2, ("T-1", date(2026, 11, 26))),
    (DUE, 2, ("T-0", DUE)),
    (date(2026, 11, 28), 2, ("T-0", DUE)),  # overdue, but the first repeat is not due yet
    (date(2026, 11, 29), 2, ("overdue:2026-11-29", date(2026, 11, 29))),
    (date(2026, 11, 30), 2, ("overdue:2026-11-29", date(2026, 11, 29))),
    (date(2026, 12, 1), 2, ("overdue:2026-12-01", date(2026, 12, 1))),
    (date(2026, 11, 28), 1, ("overdue:2026-11-28", date(2026, 11, 28))),
    (date(2026, 11, 28), 0, ("overdue:2026-11-28", date(2026, 11, 28))),  # a repeat of 0 days is every day
    (date(2026, 12, 27), 7, ("overdue:2026-12-25", date(2026, 12, 25))),  # after downtime: one, the latest
])
def test_latest_stage_is_the_last_one_fallen_due(today: date, repeat_days: int,
                                                 expected: tuple[str, date] | None) -> None:
    assert latest_stage(DUE, today, offsets=OFFSETS, repeat_days=repeat_days) == expected


@pytest.mark.parametrize("offsets, today, expected", [
    ((0, 3, 1, 3), date(2026, 11, 24), ("T-3", date(2026, 11, 24))),  # order and repeats do not matter
    ((), date(2026, 11, 26), None),  # no due-soon stages at all
    ((), date(2026, 11, 28), None),
    ((7,), date(2026, 11, 26), ("T-7", date(2026, 11, 20))),
])
def test_latest_stage_reads_any_offsets(offsets: tuple[int, ...], today: date,
                                        expected: tuple[str, date] | None) -> None:
    assert latest_stage(DUE, today, offsets=offsets, repeat_days=2) == expected


@pytest.mark.parametrize("created_at, now, expected", [
    (None, _at(DUE), False),  # assigned before the bot knew: never "just"
    (_at(DUE, 9), _at(DUE, 10), True),
    (_at(DUE, 10) - JUST_ASSIGNED + timedelta(seconds=1), _at(DUE, 10), True),
    (_at(DUE, 10) - JUST_ASSIGNED, _at(DUE, 10), False),  # a whole day later: nudged as usual
])
def test_an_item_is_just_assigned_for_a_day(created_at: datetime | None, now: datetime, expected: bool) -> None:
    assert just_assigned(created_at, now) is expected


@pytest.mark.parametrize("now, snoozed_until, created_at, expected", [
    (_at(date(2026, 11, 23)), None, None, None),  # nothing due yet
    (_at(date(2026, 11, 24)), None, None, "T-3"),
    (_at(date(2026, 11, 26)), None, None, "T-1"),
    (_at(date(2026, 11, 29)), None, None, "overdue:2026-11-29"),
    # assigned an hour ago: no due-soon nudge yet; overdue nudges are not held
    (_at(date(2026, 11, 26)), None, _at(date(2026, 11, 26), 9), None),
    (_at(date(2026, 11, 29)), None, _at(date(2026, 11, 29), 9), "overdue:2026-11-29"),
    (_at(date(2026, 11, 26)), None, _at(date(2026, 11, 25), 10), "T-1"),
    # snoozed: nothing until the snooze ends
    (_at(date(2026, 11, 26)), _at(date(2026, 11, 26), 11), None, None),
    # the snooze ended after the latest stage fell due: one reminder, named by the snooze's end (UTC)
    (_at(date(2026, 11, 26), 12), _at(date(2026, 11, 26), 11), None, "snoozed:202611260300"),
    (_at(date(2026, 11, 23), 12), _at(date(2026, 11, 23), 11), None, "snoozed:202611230300"),
    # a stage fell due after the snooze ended: that stage, as usual
    (_at(DUE), _at(date(2026, 11, 26), 11), None, "T-0"),
])
def test_the_stage_due_now(now: datetime, snoozed_until: datetime | None, created_at: datetime | None,
                           expected: str | None) -> None:
    assert stage_due(DUE, now=now, tz=SH, snoozed_until=snoozed_until, created_at=created_at,
                     offsets=OFFSETS, repeat_days=2) == expected


def test_the_snooze_reminder_is_named_in_utc() -> None:
    until = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
    assert stage_due(DUE, now=until + timedelta(hours=1), tz=SH, snoozed_until=until, created_at=None,
                     offsets=OFFSETS, repeat_days=2) == "snoozed:202611260300"


@pytest.mark.parametrize("today, after_days, expected", [
    (date(2026, 11, 26), 3, False),  # not due yet
    (DUE, 3, False),
    (date(2026, 11, 29), 3, False),  # two days overdue
    (date(2026, 11, 30), 3, True),  # three: the admins are told
    (date(2026, 12, 30), 3, True),
    (DUE, 0, True),  # escalate_after_days_overdue 0: on the due day itself
])
def test_an_item_escalates_once_overdue_long_enough(today: date, after_days: int, expected: bool) -> None:
    assert escalates(DUE, now=_at(today), tz=SH, created_at=None, after_days=after_days) is expected


@pytest.mark.parametrize("created_at, expected", [
    (_at(date(2026, 12, 30), 9, 59), False),  # logged a minute ago, months overdue: its owner may be answering it
    (_at(date(2026, 12, 29), 10, 1), False),
    (_at(date(2026, 12, 29), 10), True),  # a day on and still open: the admins are told
    (None, True),
])
def test_an_item_just_assigned_in_the_bot_is_not_escalated_for_a_day(created_at: datetime | None,
                                                                      expected: bool) -> None:
    assert escalates(DUE, now=_at(date(2026, 12, 30)), tz=SH, created_at=created_at, after_days=3) is expected


def _pace(duty: Duty, status: PaceStatus, gap: str) -> DutyPace:
    return DutyPace(duty, done=Decimal(1), target=Decimal(10), expected_now=Decimal(5),
                    quarter_target=Decimal(6), gap_to_quarter=Decimal(gap), status=status)


ON = _pace(Duty.RESEARCH_DAYS, PaceStatus.ON_PACE, "2")
BEHIND = _pace(Duty.COLLECTIVE_STUDY, PaceStatus.BEHIND, "2")
LAGGING = _pace(Duty.LAW_STUDY, PaceStatus.LAGGING, "3")
CLOSED = _pace(Duty.KEY_RESEARCH_TOPICS, PaceStatus.LAGGING, "0")  # behind the year, but the quarter is met


@pytest.mark.parametrize("duties, recent, expected", [
    ([ON, BEHIND, LAGGING, CLOSED], set(), [BEHIND, LAGGING]),
    ([ON], set(), []),
    ([BEHIND, LAGGING], {Duty.COLLECTIVE_STUDY.value}, [LAGGING]),  # named within the re-nudge window
    ([BEHIND, LAGGING], {Duty.COLLECTIVE_STUDY.value, Duty.LAW_STUDY.value}, []),
    ([CLOSED], set(), []),  # no gap to close by the quarter's end
])
def test_a_pace_nudge_names_duties_behind_with_a_gap(duties: list[DutyPace], recent: set[str],
                                                     expected: list[DutyPace]) -> None:
    assert pace_nudge_duties(duties, recent=recent) == expected


@pytest.mark.parametrize("duties, noted, expected", [
    ([ON, BEHIND, LAGGING, CLOSED], set(), [LAGGING]),  # behind is the member's nudge only
    ([LAGGING], {Duty.LAW_STUDY.value}, []),  # the admins were told within the window
    ([LAGGING], {Duty.COLLECTIVE_STUDY.value}, [LAGGING]),
    ([CLOSED], set(), []),
])
def test_a_lagging_note_names_duties_lagging_with_a_gap(duties: list[DutyPace], noted: set[str],
                                                        expected: list[DutyPace]) -> None:
    assert lagging_note_duties(duties, noted=noted) == expected


# --- next_look: when the tick next needs to look at an item (storage/next_nudge.py keeps it) ----------------


def _look(now: datetime, *, snoozed: datetime | None = None, created: datetime | None = None) -> datetime:
    return next_look(DUE, now=now, tz=SH, snoozed_until=snoozed, created_at=created, offsets=OFFSETS,
                     repeat_days=1, escalate_after_days=3)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=SH).astimezone(UTC)


def test_next_stage_day_is_the_next_offset_then_each_repeat_while_overdue() -> None:
    assert next_stage_day(DUE, date(2026, 11, 20), offsets=OFFSETS, repeat_days=1) == date(2026, 11, 24)  # T-3
    assert next_stage_day(DUE, date(2026, 11, 24), offsets=OFFSETS, repeat_days=1) == date(2026, 11, 26)  # T-1
    assert next_stage_day(DUE, date(2026, 11, 27), offsets=OFFSETS, repeat_days=1) == date(2026, 11, 28)
    assert next_stage_day(DUE, date(2026, 11, 30), offsets=OFFSETS, repeat_days=2) == date(2026, 12, 1)
    assert next_stage_day(DUE, date(2026, 12, 1), offsets=OFFSETS, repeat_days=2) == date(2026, 12, 3)


def test_next_look_is_the_next_stages_midnight_in_team_time() -> None:
    assert _look(_at(date(2026, 11, 20))) == _midnight(date(2026, 11, 24))
    assert _look(_at(date(2026, 11, 26), 23, 59)) == _midnight(date(2026, 11, 27))


def test_next_look_waits_for_a_snooze_but_not_past_the_escalation() -> None:
    snoozed = _at(date(2026, 11, 29), 9)
    assert _look(_at(date(2026, 11, 25)), snoozed=snoozed) == snoozed.astimezone(UTC)  # T-1, T-0 collapse into it
    assert _look(_at(date(2026, 11, 25)), snoozed=_at(date(2026, 12, 5))) == _midnight(date(2026, 11, 30))


def test_next_look_after_the_just_assigned_day() -> None:
    created = _at(date(2026, 11, 25), 15)
    assert _look(_at(date(2026, 11, 25), 16), created=created) == _midnight(date(2026, 11, 26))  # T-1 …
    assert _look(_at(date(2026, 11, 26), 1), created=created) == (created + JUST_ASSIGNED).astimezone(UTC)  # held


@pytest.mark.parametrize("created", [_at(date(2026, 11, 22), 14), _at(date(2026, 11, 30), 14)],
                         ids=["before the due day", "logged overdue"])
@pytest.mark.parametrize("hours", range(0, 24 * 12, 5))
def test_nothing_changes_between_now_and_the_next_look(hours: int, created: datetime) -> None:
    """The safety property: between `now` and next_look, stage_due and escalates answer as at `now` (a later
    instant would lose a nudge)."""
    now = max(_at(date(2026, 11, 19), 0) + timedelta(hours=hours), created)
    snoozed = _at(date(2026, 11, 26), 11) if hours % 3 == 0 else None
    look = _look(now, snoozed=snoozed, created=created)
    assert look > now

    def seen(at: datetime) -> tuple[str | None, bool]:
        return (stage_due(DUE, now=at, tz=SH, snoozed_until=snoozed, created_at=created, offsets=OFFSETS,
                          repeat_days=1), escalates(DUE, now=at, tz=SH, created_at=created, after_days=3))

    probe = now
    while probe < look:
        assert seen(probe) == seen(now), probe
        probe += timedelta(minutes=30)


def test_next_midnight_is_in_team_time() -> None:
    assert next_midnight(_at(date(2026, 11, 25), 23, 30), SH) == _midnight(date(2026, 11, 26))


def test_the_day_rules_answer_for_the_arguments_of_each_call_not_a_cached_earlier_one() -> None:
    # latest_stage, next_stage_day and the midnights answer from a cache of recent arguments (a tick asks the
    # same few due days thousands of times): other offsets, repeat days, days and zones must still count
    assert latest_stage(DUE, date(2026, 11, 25), offsets=[7, 3, 1, 0], repeat_days=1) == ("T-3", date(2026, 11, 24))
    assert latest_stage(DUE, date(2026, 11, 25), offsets=[1, 0], repeat_days=1) is None
    assert latest_stage(DUE, date(2026, 11, 25), offsets=(7, 3, 1, 0), repeat_days=1) == ("T-3", date(2026, 11, 24))
    assert latest_stage(DUE, date(2026, 11, 30), offsets=OFFSETS, repeat_days=1) == ("overdue:2026-11-30",
                                                                                     date(2026, 11, 30))
    assert latest_stage(DUE, date(2026, 11, 30), offsets=OFFSETS, repeat_days=2) == ("overdue:2026-11-29",
                                                                                     date(2026, 11, 29))
    assert next_stage_day(DUE, date(2026, 11, 25), offsets=[3, 1, 0], repeat_days=1) == date(2026, 11, 26)
    assert next_stage_day(DUE, date(2026, 11, 25), offsets=[3, 0], repeat_days=1) == DUE
    assert next_stage_day(DUE, date(2026, 11, 27), offsets=[3, 0], repeat_days=3) == date(2026, 11, 30)
    now = datetime(2026, 11, 25, 2, tzinfo=UTC)
    assert next_midnight(now, SH) == datetime(2026, 11, 25, 16, tzinfo=UTC)
    assert next_midnight(now, ZoneInfo("Europe/Berlin")) == datetime(2026, 11, 25, 23, tzinfo=UTC)
    assert next_midnight(now, ZoneInfo("UTC")) == datetime(2026, 11, 26, tzinfo=UTC)


@pytest.mark.parametrize("pressed, days, comes", [
    (datetime(2026, 11, 23, 10, 0), 1, datetime(2026, 11, 24, 10, 0)),  # a working day, in hours: a day later
    (datetime(2026, 11, 27, 10, 0), 1, datetime(2026, 11, 30, 8, 0)),  # Friday: Saturday is off, so Monday morning
    (datetime(2026, 11, 26, 10, 0), 3, datetime(2026, 11, 30, 8, 0)),  # three days from Thursday: Sunday, so Monday
    (datetime(2026, 11, 23, 23, 0), 1, datetime(2026, 11, 25, 8, 0)),  # 23:00 a day later is quiet: the next morning
    (datetime(2026, 11, 24, 7, 0), 1, datetime(2026, 11, 25, 8, 0)),  # 07:00 too
    (datetime(2026, 9, 30, 10, 0), 1, datetime(2026, 10, 8, 8, 0)),  # into the National Day holiday: after it
])
def test_a_snooze_ends_at_the_first_moment_a_scheduled_message_may_go_out(pressed: datetime, days: int,
                                                                          comes: datetime) -> None:
    end = snooze_end(pressed.replace(tzinfo=SH), days=days, schedule=ScheduleSettings(), tz=SH, is_workday=is_workday)
    assert end == comes.replace(tzinfo=SH)
