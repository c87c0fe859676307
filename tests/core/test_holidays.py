"""China's working days for every year the bot runs in: the 2026 notice day by day, 2027's lunar
holidays computed, weekends off, 调休 weekends working, and an office's corrections winning."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core import holidays

# 国务院办公厅关于2026年部分节假日安排的通知: the days it names, and the days around them.
NOTICE_2026 = [
    (date(2026, 1, 1), False),  # 元旦 (Thu)
    (date(2026, 1, 2), False),  # 元旦 (Fri, 调休)
    (date(2026, 1, 3), False),  # Saturday
    (date(2026, 1, 4), True),  # Sunday worked (调休)
    (date(2026, 1, 5), True),
    (date(2026, 2, 14), True),  # Saturday worked (调休)
    (date(2026, 2, 15), False),  # 春节: 15–23 February
    (date(2026, 2, 17), False),  # 正月初一
    (date(2026, 2, 20), False),
    (date(2026, 2, 23), False),  # Monday, still off
    (date(2026, 2, 24), True),
    (date(2026, 2, 28), True),  # Saturday worked (调休)
    (date(2026, 4, 3), True),
    (date(2026, 4, 6), False),  # 清明: 4–6 April
    (date(2026, 5, 1), False),  # 劳动节: 1–5 May
    (date(2026, 5, 5), False),
    (date(2026, 5, 9), True),  # Saturday worked (调休)
    (date(2026, 6, 19), False),  # 端午
    (date(2026, 9, 20), True),  # Sunday worked (调休)
    (date(2026, 9, 25), False),  # 中秋
    (date(2026, 10, 1), False),  # 国庆: 1–7 October
    (date(2026, 10, 7), False),
    (date(2026, 10, 8), True),
    (date(2026, 10, 10), True),  # Saturday worked (调休)
    (date(2026, 12, 31), True),
]

# 2027: no notice known to the package yet, but the holidays themselves are computed.
HOLIDAYS_2027 = [
    date(2027, 1, 1),  # 元旦 (Fri)
    date(2027, 2, 5), date(2027, 2, 8), date(2027, 2, 10),  # 春节 (正月初一 = 6 February)
    date(2027, 4, 5),  # 清明
    date(2027, 5, 3),  # 劳动节
    date(2027, 6, 9),  # 端午
    date(2027, 9, 15),  # 中秋
    date(2027, 10, 1), date(2027, 10, 5),  # 国庆
]


@pytest.mark.parametrize(("day", "working"), NOTICE_2026, ids=[d.isoformat() for d, _ in NOTICE_2026])
def test_2026_follows_the_state_councils_notice_day_by_day(day: date, working: bool) -> None:
    assert holidays.is_workday(day) is working


@pytest.mark.parametrize("day", HOLIDAYS_2027, ids=[d.isoformat() for d in HOLIDAYS_2027])
def test_2027_public_holidays_lunar_ones_included_are_days_off(day: date) -> None:
    assert holidays.is_workday(day) is False
    assert holidays.holiday_name(day)


@pytest.mark.parametrize("year", [2026, 2027, 2028, 2030])
def test_every_year_has_its_spring_festival_and_weekends_off(year: int) -> None:
    names = [holidays.holiday_name(date(year, 1, 1) + timedelta(days=n)) or "" for n in range(366)]
    assert any("Spring Festival" in name for name in names)
    assert any("Mid-Autumn" in name for name in names)
    january = [date(year, 1, d) for d in range(1, 32)]
    plain_weekends = [d for d in january if d.weekday() >= 5 and d not in {date(2026, 1, 4)}]
    assert not any(holidays.is_workday(d) for d in plain_weekends)
    assert holidays.is_workday(date(year, 1, 1)) is False


def test_a_year_whose_state_council_notice_the_calendar_lacks_is_told_apart() -> None:
    """2026's arrangement is installed (six make-up working weekends); a year whose notice is not out yet has
    its public holidays only, no make-up working day: that is how storage/calendar.py knows to warn the office."""
    assert holidays.has_arrangement(2026)
    assert not holidays.has_arrangement(2035)


def test_the_first_working_day_of_2027_is_monday_4_january() -> None:
    assert [holidays.is_workday(date(2027, 1, d)) for d in range(1, 6)] == [False, False, False, True, True]


def test_an_offices_corrections_win_over_the_national_calendar() -> None:
    workday = holidays.corrected(holidays.is_workday, {date(2027, 2, 20): True, date(2026, 12, 31): False})
    assert workday(date(2027, 2, 20)) is True  # a Saturday the office works (调休 not yet announced)
    assert workday(date(2026, 12, 31)) is False  # a day off the office gives
    assert workday(date(2027, 2, 6)) is False  # 春节, untouched
    assert workday(date(2027, 2, 22)) is True
    assert holidays.corrected(holidays.is_workday, {}) is holidays.is_workday


NOW = datetime(2026, 11, 21, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Saturday

CHANGES = [
    ("", holidays.DayChange("list")),
    ("2027-02-20 上班 调休", holidays.DayChange("set", date(2027, 2, 20), True, "调休")),
    ("2月20日 workday", holidays.DayChange("set", date(2027, 2, 20), True, None)),  # the next 20 February
    ("上班 2月20日", holidays.DayChange("set", date(2027, 2, 20), True, None)),
    ("12月31日 休息", holidays.DayChange("set", date(2026, 12, 31), False, None)),
    ("12月31日 放假，跨年值班调整", holidays.DayChange("set", date(2026, 12, 31), False, "跨年值班调整")),
    ("Dec 31 day off", holidays.DayChange("set", date(2026, 12, 31), False, None)),
    ("12月31日 休息日", holidays.DayChange("set", date(2026, 12, 31), False, None)),  # not 休息 with the note 日
    ("12月31日 节假日 元旦前", holidays.DayChange("set", date(2026, 12, 31), False, "元旦前")),
    ("12月31日 补休", holidays.DayChange("set", date(2026, 12, 31), False, None)),
    ("12月31日 公休", holidays.DayChange("set", date(2026, 12, 31), False, None)),
    ("Dec 31 day-off", holidays.DayChange("set", date(2026, 12, 31), False, None)),
    ("Dec 31 non-working day", holidays.DayChange("set", date(2026, 12, 31), False, None)),
    ("Feb 20 working day swapped for 12 Feb", holidays.DayChange("set", date(2027, 2, 20), True,
                                                                 "swapped for 12 Feb")),
    ("明天 补班", holidays.DayChange("set", date(2026, 11, 22), True, None)),
    ("今天 off", holidays.DayChange("set", date(2026, 11, 21), False, None)),
    ("remove 2月20日", holidays.DayChange("remove", date(2027, 2, 20))),
    ("删除 2027-02-20", holidays.DayChange("remove", date(2027, 2, 20))),
    ("delete Feb 20", holidays.DayChange("remove", date(2027, 2, 20))),
]

REFUSED = [
    ("2月20日", "no_kind", date(2027, 2, 20)),
    ("2月20日 maybe", "no_kind", date(2027, 2, 20)),
    ("2月20日 offsite", "no_kind", date(2027, 2, 20)),
    ("上班", "no_day", None),
    ("2月30日 上班", "no_day", None),
    ("下周一下午3点 休息", "no_day", None),  # a day, not a time
    ("2月20日至22日 休息", "range", None),
    ("Feb 20-22 off", "range", None),
    ("2026-11-01 休息", "past", date(2026, 11, 1)),
    ("12月31日 休息 " + "长" * 101, "note", date(2026, 12, 31)),
    ("remove", "no_day", None),
    ("删除 上班", "no_day", None),
]


@pytest.mark.parametrize(("text", "change"), CHANGES, ids=[t or "(empty)" for t, _ in CHANGES])
def test_holiday_arguments_in_chinese_and_english_are_read(text: str, change: holidays.DayChange) -> None:
    assert holidays.parse_day_change(text, now=NOW) == change


@pytest.mark.parametrize(("text", "reason", "day"), REFUSED, ids=[t[:20] for t, _, _ in REFUSED])
def test_holiday_arguments_missing_a_day_or_a_kind_are_refused_saying_which(text: str, reason: str,
                                                                             day: date | None) -> None:
    with pytest.raises(holidays.DayChangeError) as refused:
        holidays.parse_day_change(text, now=NOW)
    assert (refused.value.reason, refused.value.day) == (reason, day)
