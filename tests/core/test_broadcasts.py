"""Weekly times typed in Chinese or English, and the slots a weekly broadcast falls on."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.broadcasts import Counts, Weekly, looks_weekly, parse_weekly, valid_audience

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(("text", "weekday", "at"), [
    ("每周一 9:00", 0, time(9, 0)),
    ("每周一9点", 0, time(9, 0)),
    ("每周五下午3点", 4, time(15, 0)),
    ("每周五3点", 4, time(15, 0)),  # 3点 alone is the afternoon, as core.dates reads it
    ("每星期三 14:30", 2, time(14, 30)),
    ("每周日上午十点半", 6, time(10, 30)),
    ("每礼拜六 08：15", 5, time(8, 15)),
    ("every Monday 09:00", 0, time(9, 0)),
    ("every monday at 9", 0, time(9, 0)),
    ("every fri 3pm", 4, time(15, 0)),
    ("Every Sunday 12am", 6, time(0, 0)),
    ("every Wednesday 17.45", 2, time(17, 45)),
])
def test_weekly_times_in_either_language(text: str, weekday: int, at: time) -> None:
    assert parse_weekly(text) == Weekly(weekday, at)
    assert looks_weekly(text)


@pytest.mark.parametrize("text", ["每周八 9:00", "每周一 25:00", "every Monday", "every Funday 9:00", "every fri 13pm",
                                  "明天上午9点", "每周一 9:61", ""])
def test_what_is_not_a_weekly_time(text: str) -> None:
    assert parse_weekly(text) is None


def test_slots_start_at_the_first_one_after_creation_and_missed_ones_collapse() -> None:
    monday_nine = Weekly(0, time(9, 0))
    created = datetime(2026, 11, 23, 9, 30, tzinfo=SHANGHAI)  # a Monday, just after 09:00
    assert monday_nine.first(created, SHANGHAI) == datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI)
    assert monday_nine.latest(datetime(2026, 11, 30, 8, 59, tzinfo=SHANGHAI), first_after=created, tz=SHANGHAI) is None
    assert monday_nine.latest(datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI), first_after=created, tz=SHANGHAI) == (
        0, datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI))
    # three weeks of downtime: one send, for the latest slot
    assert monday_nine.latest(datetime(2026, 12, 23, 12, 0, tzinfo=SHANGHAI), first_after=created, tz=SHANGHAI) == (
        3, datetime(2026, 12, 21, 9, 0, tzinfo=SHANGHAI))


@given(st.integers(0, 6), st.integers(0, 23), st.integers(0, 59), st.integers(0, 60 * 24 * 60))
def test_latest_is_the_last_slot_not_after_now(weekday: int, hour: int, minute: int, minutes_later: int) -> None:
    weekly = Weekly(weekday, time(hour, minute))
    created = datetime(2026, 11, 21, 10, 30, tzinfo=SHANGHAI)
    now = created + timedelta(minutes=minutes_later)
    latest = weekly.latest(now, first_after=created, tz=SHANGHAI)
    first = weekly.first(created, SHANGHAI)
    if now < first:
        assert latest is None
        return
    assert latest is not None
    index, slot = latest
    assert slot <= now < slot + timedelta(weeks=1)
    assert slot == weekly.slot(index, first_after=created, tz=SHANGHAI) and slot.weekday() == weekday
    assert Weekly.decode(weekly.encode()) == weekly


def test_audiences_the_flow_makes_and_forged_ones() -> None:
    assert valid_audience({"kind": "all"}) and valid_audience({"kind": "role", "role": "admin"})
    assert valid_audience({"kind": "picked", "ids": [3, 4]})
    forged: object
    for forged in ({"kind": "role", "role": "owner"}, {"kind": "picked", "ids": []}, {"kind": "picked", "ids": ["3"]},
                   {"kind": "everyone"}, None, []):
        assert not valid_audience(forged)


def test_counts_know_the_unread() -> None:
    counts = Counts(recipients=10, delivered=7, read=3, unreachable=1, failed=1, pending=1)
    assert counts.unread == 4 and counts.key() == "10/7/3/1/1/1"
