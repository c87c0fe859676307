"""`/holiday`: the office adds, lists and removes its team's own days off and working days, in Chinese and
in English, audited; a bad text gets a clear answer and stores nothing; members are refused."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from config import HolidaySettings, ThrottleSettings
from core.clock import ManualClock
from emulator import EmulatorThread
from harness import RunningBot, config_for
from storage.db import Database
from storage.models import AuditEntry, TeamCalendarDay
from tests.e2e.conftest import ADMIN_ID, Saima, fresh_team


def _days(saima: Saima) -> list[tuple[str, bool, str | None]]:
    with saima.db.session() as session:
        rows = session.scalars(select(TeamCalendarDay).where(TeamCalendarDay.team_id == saima.team_id)
                               .order_by(TeamCalendarDay.day))
        return [(r.day.isoformat(), r.workday, r.note) for r in rows]


def _audited(saima: Saima) -> list[tuple[str, str]]:
    with saima.db.session() as session:
        return [(a.action, a.entity) for a in session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "team_calendar_day").order_by(AuditEntry.id))]


async def test_the_office_sets_lists_and_removes_its_teams_days_in_chinese(saima: Saima) -> None:
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    empty = (await admin.send("/holiday")).text
    assert empty.startswith("本班子按国家法定节假日和调休安排上班，办公室尚未另行调整。")
    assert "/holiday 12月31日 休息" in empty

    reply = await admin.send("/holiday 2027-02-20 上班 调休")
    assert reply.text == "已将2027年2月20日（星期六）设为本班子工作日：当天照常发送提醒和榜单。"
    reply = await admin.send("/holiday 12月31日 休息")
    assert reply.text == "已将2026年12月31日（星期四）设为本班子休息日：提醒和榜单顺延到下一个工作日发送。"
    assert _days(saima) == [("2026-12-31", False, None), ("2027-02-20", True, "调休")]

    listing = (await admin.send("/holiday")).text.splitlines()
    assert listing[:3] == ["本班子另行调整的日子（国家法定节假日和调休之外）：",
                           "• 2026年12月31日（星期四） · 休息", "• 2027年2月20日（星期六） · 上班 · 调休"]

    reply = await admin.send("/holiday 删除 2月20日")
    assert reply.text == "2027年2月20日（星期六）已恢复按国家安排：休息日。"
    assert _days(saima) == [("2026-12-31", False, None)]
    assert _audited(saima) == [("create", "team_calendar_day"), ("create", "team_calendar_day"),
                               ("delete", "team_calendar_day")]
    audit = (await admin.send("/audit")).text
    assert "删除 · 班子休息日或工作日调整 2027年2月20日（星期六）" in audit
    assert (await admin.send("/holiday 删除 2月20日")).text == "办公室没有为2027年2月20日（星期六）作过调整。"



async def test_a_day_typed_as_xiuxiri_is_a_day_off_without_a_stray_note(saima: Saima) -> None:
    """休息日 is the plain word for a day off: `/holiday 12月31日 休息日` stored 休息 with the note “日”, shown in the list."""
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    await admin.send("/holiday 12月31日 休息日")
    assert _days(saima) == [("2026-12-31", False, None)]
    listing = (await admin.send("/holiday")).text.splitlines()
    assert "• 2026年12月31日（星期四） · 休息" in listing

async def test_in_december_holiday_warns_that_next_years_arrangement_is_missing_until_a_make_up_day_is_in(
        saima: Saima) -> None:
    """The installed calendar has no State Council notice for 2027: from December /holiday says so first and
    asks the office to enter its days; once a make-up working day of 2027 is in, it says no more."""
    saima.clock.set(datetime(2026, 12, 7, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    lines = (await admin.send("/holiday")).text.splitlines()
    assert lines[0].startswith("⚠️ 本机日历尚未收录国务院办公厅2027年节假日安排：2027年只有法定节日当天，没有调休上班日，")
    assert "请办公室按通知用 /holiday 补录放假和调休上班的日子" in lines[0]
    assert lines[1] == "本班子按国家法定节假日和调休安排上班，办公室尚未另行调整。"
    await admin.send("/holiday 2027-02-20 上班 调休")
    lines = (await admin.send("/holiday")).text.splitlines()
    assert lines[:2] == ["本班子另行调整的日子（国家法定节假日和调休之外）：", "• 2027年2月20日（星期六） · 上班 · 调休"]


async def test_the_office_sets_a_day_in_english_and_bad_input_stores_nothing(saima: Saima) -> None:
    admin = saima.control.user(ADMIN_ID, "Li")
    await admin.send("/start")
    await admin.send("/lang en")
    reply = await admin.send("/holiday 2月20日 workday")
    assert reply.text == "Sat 20 Feb 2027 is now a working day for the team: reminders and boards go out on it."
    reply = await admin.send("/holiday Feb 20 day off swapped back")  # the same day again: replaced
    assert reply.text == ("Sat 20 Feb 2027 is now a day off for the team: reminders and boards wait for the next "
                          "working day.")
    assert _days(saima) == [("2027-02-20", False, "swapped back")]
    assert _audited(saima) == [("create", "team_calendar_day"), ("update", "team_calendar_day")]

    refusals = {
        "/holiday Dec 31": "Is Thu 31 Dec 2026 a working day or a day off? Add 'workday' or 'day off' after the date.",
        "/holiday workday": "Which day? Write it like 2027-02-20 or Feb 20.",
        "/holiday Feb 30 workday": "Which day? Write it like 2027-02-20 or Feb 20.",
        "/holiday Dec 28-31 off": "One day at a time, please.",
        "/holiday 2026-11-02 day off": "Mon 2 Nov 2026 has passed: only today and days to come can be changed.",
        "/holiday remove": "Which day? Write it like 2027-02-20 or Feb 20.",
    }
    for text, answer in refusals.items():
        assert (await admin.send(text)).text.startswith(answer), text
    assert _days(saima) == [("2027-02-20", False, "swapped back")]
    listing = (await admin.send("/holiday")).text.splitlines()
    assert listing[:2] == ["The team's own days (on top of China's public holidays and make-up working days):",
                           "• Sat 20 Feb 2027 · day off · swapped back"]
    assert (await admin.send("/holiday remove Feb 20")).text == (
        "Sat 20 Feb 2027 follows the national calendar again: a day off.")
    assert _days(saima) == []


async def test_a_member_cannot_change_the_teams_days(saima: Saima) -> None:
    zhang = saima.control.user(1001, "张三")
    await zhang.send(f"/start {saima.invite_code}")
    assert (await zhang.send("/holiday 12月31日 休息")).text == "此功能仅限办公室（管理员）使用。"
    assert _days(saima) == []


@pytest.fixture
async def saima_with_config_days(emulator_thread: EmulatorThread, db: Database, clock: ManualClock,
                                 throttle_settings: ThrottleSettings) -> AsyncIterator[Saima]:
    """Saima on a deployment whose config.toml makes 20 February 2027 a working day for every team
    (`[holidays] working_days`)."""
    config = dataclasses.replace(config_for(emulator_thread.base_url), throttle=throttle_settings,
                                 holidays=HolidaySettings(working_days=["2027-02-20"]))
    team_id, code = await fresh_team(emulator_thread, db, config, clock)
    running = RunningBot(config, db, clock, control_url=emulator_thread.control_url, deliver_before_actions=True)
    async with running:
        yield Saima(running, running.control, db, clock, config, team_id, code)


async def test_removing_a_day_names_the_calendar_the_team_goes_back_to(saima_with_config_days: Saima) -> None:
    """Back to the calendar every team starts from: China's with the deployment's `[holidays]` days, so a Saturday
    the config makes a working day is named one."""
    saima = saima_with_config_days
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    await admin.send("/holiday 2027-02-20 休息")
    reply = await admin.send("/holiday 删除 2027-02-20")
    assert reply.text == "2027年2月20日（星期六）已恢复按国家安排：工作日。"
    assert _days(saima) == []
