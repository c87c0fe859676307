"""core/team_duties.py: how `/duty` and `/log` read, and a team duty's pace, table-driven."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from core import pace
from core.team_duties import (
    DutyChange,
    DutyChangeError,
    DutyLog,
    DutyLogError,
    duty_pace,
    is_undo,
    parse_duty_change,
    parse_log,
)

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
DUTIES = [("接访下访", "天"), ("第一议题", "次"), ("第一议题学习", "次")]


@pytest.mark.parametrize(("text", "expected"), [
    ("", DutyChange("list")),
    ("接访下访 天 12 5", DutyChange("set", "接访下访", "天", Decimal(12), Decimal(5))),
    ("第一议题  次 24 2.5", DutyChange("set", "第一议题", "次", Decimal(24), Decimal("2.5"))),
    ("基层联系点 次 4 0", DutyChange("set", "基层联系点", "次", Decimal(4), Decimal(0))),
    ("停用 接访下访", DutyChange("retire", "接访下访")),
    ("Retire 接访下访", DutyChange("retire", "接访下访")),
])
def test_duty_changes_read(text: str, expected: DutyChange) -> None:
    assert parse_duty_change(text, reserved={"集体学习"}) == expected


@pytest.mark.parametrize(("text", "reason"), [
    ("接访下访 天 12", "shape"), ("停用", "shape"), ("停用 a b", "shape"), ("a b c d e", "shape"),
    ("集体学习 次 6 5", "name"), ("12 天 12 5", "name"), ("/x 天 12 5", "name"), ("一" * 17 + " 天 1 1", "name"),
    ("接访下访 123456789 12 5", "unit"), ("接访下访 5 12 5", "unit"),
    ("接访下访 天 0 5", "target"), ("接访下访 天 10001 5", "target"), ("接访下访 天 1.001 5", "target"),
    ("接访下访 天 NaN 5", "target"), ("接访下访 天 12 100.5", "weight"), ("接访下访 天 12 -1", "weight"),
])
def test_bad_duty_changes_say_why(text: str, reason: str) -> None:
    with pytest.raises(DutyChangeError) as raised:
        parse_duty_change(text, reserved={"集体学习"})
    assert raised.value.reason == reason


@pytest.mark.parametrize(("text", "expected"), [
    ("接访下访 1 11月20日 接待群众来访", DutyLog("接访下访", Decimal(1), date(2026, 11, 20), "接待群众来访")),
    ("接访下访 2天 昨天", DutyLog("接访下访", Decimal(2), date(2026, 11, 20), "")),
    ("接访下访 0.5 天 上周三 下访", DutyLog("接访下访", Decimal("0.5"), date(2026, 11, 11), "下访")),
    ("接访下访", DutyLog("接访下访", Decimal(1), date(2026, 11, 21), "")),
    ("第一议题学习 3 2026-01-05", DutyLog("第一议题学习", Decimal(3), date(2026, 1, 5), "")),  # the longest name
    ("第一议题 传达学习 11月2日", DutyLog("第一议题", Decimal(1), date(2026, 11, 2), "传达学习")),
    ("接访下访 两天 接待群众", DutyLog("接访下访", Decimal(2), date(2026, 11, 21), "接待群众")),
    ("接访下访 半天 昨天", DutyLog("接访下访", Decimal("0.5"), date(2026, 11, 20), "")),
    ("接访下访 一天半", DutyLog("接访下访", Decimal("1.5"), date(2026, 11, 21), "")),
    ("接访下访 1天半 11月3日", DutyLog("接访下访", Decimal("1.5"), date(2026, 11, 3), "")),
    ("第一议题 十九大精神", DutyLog("第一议题", Decimal(1), date(2026, 11, 21), "十九大精神")),
])
def test_logs_read(text: str, expected: DutyLog) -> None:
    assert parse_log(text, duties=DUTIES, now=NOW) == expected


@pytest.mark.parametrize(("text", "reason"), [
    ("", "no_duty"), ("下访 1", "no_duty"), ("接访下访 0", "amount"), ("接访下访 1001", "amount"),
    ("接访下访 1.5.1", "amount"), ("接访下访 1 11月5日至8日", "range"), ("接访下访 1 下周五", "future"),
    ("接访下访 1 " + "学" * 201, "note"), ("接访下访 -1 昨天", "amount"), ("接访下访 1 2月30日", "no_such_day"),
    ("接访下访 1 13月1日", "no_such_day"), ("接访下访 11.20 接待", "month_day"),
    ("接访下访 1 2024年12月31日", "too_old"),
])
def test_bad_logs_say_why(text: str, reason: str) -> None:
    with pytest.raises(DutyLogError) as raised:
        parse_log(text, duties=DUTIES, now=NOW)
    assert raised.value.reason == reason


def test_a_team_duty_keeps_the_pace_of_the_six() -> None:
    whole_year = pace.Availability(year=2026)
    own = duty_pace("接访下访", "天", done=Decimal(4), yearly_target=Decimal(12), availability=whole_year,
                    today=date(2026, 11, 21), tolerance=Decimal("0.1"), lagging=Decimal("0.25"))
    assert (own.target, own.quarter_target, own.gap_to_quarter) == (Decimal(12), Decimal(12), Decimal(8))
    assert own.expected_now == pace.expected_by(Decimal(12), whole_year, on=date(2026, 11, 21))
    assert own.status is pace.PaceStatus.LAGGING


@pytest.mark.parametrize(("text", "undo"), [("撤销", True), (" Undo ", True), ("撤销 接访下访", False), ("", False)])
def test_undo_is_read(text: str, undo: bool) -> None:
    assert is_undo(text) is undo


@pytest.mark.parametrize("name", ["撤销", "undo", "停用", "Retire"])
def test_a_duty_may_not_take_a_command_word_for_its_name(name: str) -> None:
    with pytest.raises(DutyChangeError):
        parse_duty_change(f"{name} 次 4 1")
