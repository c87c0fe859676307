"""A study session typed in one message or field by field, its checks, and what it counts for (core/study.py)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from core.domain import Duty, StudyKind
from core.study import (
    COUNTS_TOWARDS,
    MAX_TOPIC,
    Sitting,
    StudyDraft,
    StudyProblem,
    missing_fields,
    parse_held_on,
    parse_hours,
    parse_kind,
    parse_study,
    same_session,
    study_problems,
    without_problems,
)

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=SH)  # a Monday afternoon
TODAY = NOW.date()
YESTERDAY = date(2026, 11, 22)


@pytest.mark.parametrize("text, expected", [
    ("昨天下午 集体学习 2小时 优化营商环境条例",
     StudyDraft(held_on=YESTERDAY, kind=StudyKind.COLLECTIVE, hours=Decimal(2), topic="优化营商环境条例")),
    ("11月20日 理论学习中心组 一个半小时 全会精神",
     StudyDraft(held_on=date(2026, 11, 20), kind=StudyKind.THEORY_GROUP, hours=Decimal("1.5"), topic="全会精神")),
    # 集体学法 is law study, not collective study (the longest word wins)
    ("集体学法 1.5小时 民法典", StudyDraft(kind=StudyKind.LAW, hours=Decimal("1.5"), topic="民法典")),
    ("自学 半小时", StudyDraft(kind=StudyKind.SELF_STUDY, hours=Decimal("0.5"))),
    ("中心组学习 3小时", StudyDraft(kind=StudyKind.THEORY_GROUP, hours=Decimal(3))),
    ("十二小时 集体学习", StudyDraft(kind=StudyKind.COLLECTIVE, hours=Decimal(12))),
    ("2小时半 集体学习", StudyDraft(kind=StudyKind.COLLECTIVE, hours=Decimal("2.5"))),
    ("两小时", StudyDraft(hours=Decimal(2))),  # what is not understood stays None, to be asked for
    ("学习", StudyDraft()),  # a bare 学习 says nothing about the topic (as a bare 调研 for a trip): asked
    ("/study 11月12日参加集体学习，学习《保守国家秘密法》，一个半小时"[7:],  # issue 14: filler out, punctuation kept
     StudyDraft(held_on=date(2026, 11, 12), kind=StudyKind.COLLECTIVE, hours=Decimal("1.5"),
                topic="学习《保守国家秘密法》")),
    ("今天上午参加党组理论学习中心组集体学习，学习二十届四中全会精神，3个小时",
     StudyDraft(held_on=TODAY, kind=StudyKind.THEORY_GROUP, hours=Decimal(3), topic="学习二十届四中全会精神")),
    ("集体学习 2小时 主题教育", StudyDraft(kind=StudyKind.COLLECTIVE, hours=Decimal(2), topic="主题教育")),
    ("11月18日参加中心组学习，主题是共同富裕，2.5小时",
     StudyDraft(held_on=date(2026, 11, 18), kind=StudyKind.THEORY_GROUP, hours=Decimal("2.5"), topic="共同富裕")),
    ("学习民法典，集体学法，1.5小时，昨天",
     StudyDraft(held_on=YESTERDAY, kind=StudyKind.LAW, hours=Decimal("1.5"), topic="学习民法典")),
    ("yesterday collective study 2 hours new regulations",
     StudyDraft(held_on=YESTERDAY, kind=StudyKind.COLLECTIVE, hours=Decimal(2), topic="new regulations")),
    ("law study 2h", StudyDraft(kind=StudyKind.LAW, hours=Decimal(2))),
    ("self-study 1 hour reading", StudyDraft(kind=StudyKind.SELF_STUDY, hours=Decimal(1), topic="reading")),
])
def test_one_message_gives_what_it_can(text: str, expected: StudyDraft) -> None:
    assert parse_study(text, now=NOW) == expected


@pytest.mark.parametrize("text, kind", [
    ("集体学习", StudyKind.COLLECTIVE),
    ("  学法 ", StudyKind.LAW),
    ("中心组", StudyKind.THEORY_GROUP),
    ("collective study", StudyKind.COLLECTIVE),
    ("law", StudyKind.LAW),
    ("self-study", StudyKind.SELF_STUDY),
    ("集体学习 abc", None),  # more than a kind: not an answer to "which kind?"
    ("xyz", None),
])
def test_the_kind_asked_for(text: str, kind: StudyKind | None) -> None:
    assert parse_kind(text) is kind


@pytest.mark.parametrize("text, hours", [
    ("2", Decimal(2)),  # a bare number is hours
    ("1.5", Decimal("1.5")),
    ("2小时", Decimal(2)),
    ("一个半小时", Decimal("1.5")),
    ("半小时", Decimal("0.5")),
    ("十小时", Decimal(10)),
    ("两个小时", Decimal(2)),
    ("2 hours", Decimal(2)),
    ("3h", Decimal(3)),
    ("abc", None),
    ("1.2.3", None),
])
def test_the_hours_asked_for(text: str, hours: Decimal | None) -> None:
    assert parse_hours(text) == hours


@pytest.mark.parametrize("text, expected", [
    ("昨天", (YESTERDAY, None)),
    ("11月20日", (date(2026, 11, 20), None)),
    ("2026年11月20日 下午3点", (date(2026, 11, 20), datetime(2026, 11, 20, 15, 0, tzinfo=SH))),
    ("明天", (date(2026, 11, 24), None)),  # read as typed; the check says it is in the future
    ("abc", None),
])
def test_the_day_asked_for(text: str, expected: tuple[date, datetime | None] | None) -> None:
    assert parse_held_on(text, now=NOW) == expected


@pytest.mark.parametrize("draft, problems", [
    (StudyDraft(held_on=TODAY, hours=Decimal(2), topic="全会精神"), []),
    (StudyDraft(), []),  # nothing typed yet: nothing wrong yet
    (StudyDraft(held_on=date(2026, 11, 24)), [StudyProblem.IN_FUTURE]),
    (StudyDraft(held_on=date(2025, 1, 1)), []),  # last year: still recorded
    (StudyDraft(held_on=date(2024, 12, 31)), [StudyProblem.TOO_OLD]),
    (StudyDraft(hours=Decimal("0.5")), []),
    (StudyDraft(hours=Decimal(24)), []),
    (StudyDraft(hours=Decimal("0.4")), [StudyProblem.HOURS_OUT_OF_RANGE]),
    (StudyDraft(hours=Decimal("24.5")), [StudyProblem.HOURS_OUT_OF_RANGE]),
    (StudyDraft(topic="题" * MAX_TOPIC), []),
    (StudyDraft(topic="题" * (MAX_TOPIC + 1)), [StudyProblem.TOPIC_TOO_LONG]),
    (StudyDraft(held_on=date(2026, 12, 1), hours=Decimal(30), topic="题" * 300),
     [StudyProblem.IN_FUTURE, StudyProblem.HOURS_OUT_OF_RANGE, StudyProblem.TOPIC_TOO_LONG]),
    (StudyDraft(kind=StudyKind.SELF_STUDY), []),  # a member's own self-study
    (StudyDraft(kind=StudyKind.SELF_STUDY, for_team=True), [StudyProblem.SELF_STUDY_FOR_TEAM]),  # the office's
    (StudyDraft(kind=StudyKind.THEORY_GROUP, for_team=True), []),
])
def test_the_checks(draft: StudyDraft, problems: list[StudyProblem]) -> None:
    assert study_problems(draft, today=TODAY) == problems


FULL = StudyDraft(held_on=YESTERDAY, starts_at=datetime(2026, 11, 22, 15, 0, tzinfo=SH), kind=StudyKind.LAW,
                  hours=Decimal(2), topic="民法典")


@pytest.mark.parametrize("problems, cleared", [
    ([], FULL),
    ([StudyProblem.IN_FUTURE], StudyDraft(kind=StudyKind.LAW, hours=Decimal(2), topic="民法典")),
    ([StudyProblem.TOO_OLD], StudyDraft(kind=StudyKind.LAW, hours=Decimal(2), topic="民法典")),
    ([StudyProblem.HOURS_OUT_OF_RANGE], StudyDraft(held_on=FULL.held_on, starts_at=FULL.starts_at,
                                                   kind=StudyKind.LAW, topic="民法典")),
    ([StudyProblem.TOPIC_TOO_LONG], StudyDraft(held_on=FULL.held_on, starts_at=FULL.starts_at,
                                               kind=StudyKind.LAW, hours=Decimal(2))),
    ([StudyProblem.SELF_STUDY_FOR_TEAM], StudyDraft(held_on=FULL.held_on, starts_at=FULL.starts_at,
                                                    hours=Decimal(2), topic="民法典")),
])
def test_a_field_with_a_problem_is_asked_for_again(problems: list[StudyProblem], cleared: StudyDraft) -> None:
    assert without_problems(FULL, problems) == cleared


@pytest.mark.parametrize("draft, missing", [
    (FULL, []),
    (StudyDraft(), ["held_on", "kind", "hours", "topic"]),  # asked for in this order
    (StudyDraft(kind=StudyKind.LAW, topic="民法典"), ["held_on", "hours"]),
])
def test_the_fields_still_missing(draft: StudyDraft, missing: list[str]) -> None:
    assert missing_fields(draft) == missing


@pytest.mark.parametrize("kind, duty", [
    (StudyKind.COLLECTIVE, Duty.COLLECTIVE_STUDY),
    (StudyKind.THEORY_GROUP, Duty.COLLECTIVE_STUDY),  # a form of collective study
    (StudyKind.LAW, Duty.LAW_STUDY),
    (StudyKind.SELF_STUDY, None),  # logged, counts towards no target
])
def test_what_each_kind_counts_towards(kind: StudyKind, duty: Duty | None) -> None:
    assert COUNTS_TOWARDS[kind] is duty


def _sitting(kind: StudyKind, topic: str, at: int | None = None, hours: str = "2",
             day: date = date(2026, 11, 18)) -> Sitting:
    return Sitting(kind=kind, held_on=day, starts_at=None if at is None else datetime(2026, 11, 18, at, tzinfo=SH),
                   hours=Decimal(hours), topic=topic)


OFFICE = _sitting(StudyKind.THEORY_GROUP, "二十届四中全会精神", at=14, hours="3")


@pytest.mark.parametrize("own, same", [
    (_sitting(StudyKind.COLLECTIVE, "全会精神"), True),  # one duty, the topic named shorter
    (_sitting(StudyKind.THEORY_GROUP, "学习二十届四中全会精神"), True),
    (_sitting(StudyKind.COLLECTIVE, "《二十届四中全会精神》"), True),  # punctuation aside
    (_sitting(StudyKind.COLLECTIVE, "座谈", at=15), True),  # other words, the same hours
    (_sitting(StudyKind.COLLECTIVE, "宪法"), False),  # another topic, no hour said: another session
    (_sitting(StudyKind.COLLECTIVE, "宪法", at=9), False),  # the morning's, before the office's began
    (_sitting(StudyKind.COLLECTIVE, "宪法", at=12, hours="2"), False),  # ends as the office's begins
    (_sitting(StudyKind.LAW, "二十届四中全会精神"), False),  # another duty
    (_sitting(StudyKind.SELF_STUDY, "二十届四中全会精神"), False),  # counts for no duty
    (_sitting(StudyKind.COLLECTIVE, "全会精神", day=date(2026, 11, 17)), False),  # another day
    (_sitting(StudyKind.COLLECTIVE, "精"), False),  # one character names nothing
    # the same session told in other words is one (counted twice it would be unfair to everyone else)
    (_sitting(StudyKind.COLLECTIVE, "全会精神学习"), True),
    (_sitting(StudyKind.THEORY_GROUP, "学习贯彻党的二十届四中全会精神研讨"), True),
    (_sitting(StudyKind.COLLECTIVE, "四中全会"), True),
    (_sitting(StudyKind.COLLECTIVE, "学习交流"), False),  # only the words every topic has
    (_sitting(StudyKind.COLLECTIVE, "民法典专题学习"), False),
])
def test_what_is_one_session_counted_once(own: Sitting, same: bool) -> None:
    assert same_session(own, OFFICE) is same
    assert same_session(OFFICE, own) is same
