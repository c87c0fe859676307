"""The year-end evaluation to the office: after the team's last working day of the year each admin gets the team's
evaluation once, at the first moment a scheduled message may go out (the next year's first working
day, at the boards' time: nothing is made on 元旦 or the weekend); members get nothing until the office publishes; a moment missed by more than a week is not sent."""

from __future__ import annotations

from datetime import date, time, timedelta

from core import evaluation as rules
from core import holidays
from storage.db import Database
from tests.conftest import SHANGHAI
from tests.jobs.test_scheduled import at, make_team


def test_the_moment_is_the_first_working_day_after_the_year_s_last() -> None:
    zone = SHANGHAI
    assert rules.moment(2026, time(9), zone, holidays.is_workday) == at(date(2027, 1, 4), 9)  # 元旦, then a weekend
    assert rules.moment(2027, time(9), zone, holidays.is_workday).date() > date(2028, 1, 1)


def test_the_office_gets_the_team_s_evaluation_once_after_the_last_working_day(db: Database) -> None:
    team = make_team(db, at(date(2026, 11, 21), 10, 30))
    team.clock.set(at(date(2026, 12, 31), 9))
    team.walk(at(date(2026, 12, 31), 23), step=timedelta(hours=2))  # the last working day: not yet
    assert team.rows("evaluation:") == []
    team.walk(at(date(2027, 1, 5), 12), step=timedelta(hours=1))  # 元旦, the weekend, Monday and Tuesday
    (office,) = team.rows("evaluation:")
    assert office.key == f"evaluation:{team.team_id}:2026:admin:{team.admin}"
    assert office.not_before == office.created_at == at(date(2027, 1, 4), 9)  # the first working day, at the boards' time
    text = office.payload["text"]
    assert text.startswith("📊 2026 年度考评 · ") and "张三" in text and "未评定" in text
    assert office.payload["buttons"] == [[["评定并发布", "ev:t:2026"]]]


def test_a_moment_missed_by_more_than_a_week_is_not_sent(db: Database) -> None:
    team = make_team(db, at(date(2026, 11, 21), 10, 30))
    team.clock.set(at(date(2027, 1, 11), 9, 30))  # the bot was down from before New Year until a week after
    team.run()
    assert team.rows("evaluation:") == []
