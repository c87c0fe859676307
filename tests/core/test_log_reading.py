"""Which log a sentence is (core/log_reading.py): the kind from its words, the fields by the kind's parser."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.domain import StudyKind
from core.log_reading import (
    LogKind,
    Read,
    Unclear,
    clause,
    kinds_of,
    read_as,
    read_log,
    reports_finding,
    reports_task,
    task_meant,
    trip_meant,
)
from core.motions import MotionDraft
from core.study import StudyDraft
from core.trips import TripDraft
from tests.core.corpus_logs import NOW

TRIP, STUDY, PROPOSAL = LogKind.TRIP, LogKind.STUDY, LogKind.PROPOSAL


@pytest.mark.parametrize("text, kinds", [
    ("我昨天去德清县调研了地理信息小镇", (TRIP,)),
    ("11月6日去了缙云县，了解烧饼产业富民情况", (TRIP,)),
    ("今天上午参加党组理论学习中心组集体学习，学习二十届四中全会精神，3个小时", (STUDY,)),
    ("昨天学习了两个小时", (STUDY,)),
    ("领办省政协重点提案第45号《关于加快山区26县高质量发展的提案》，11月10日交办", (PROPOSAL,)),
    ("人大建议第5号 关于加强调研成果转化的建议", (PROPOSAL,)),  # its title may say 调研
    ("调研中听到的建议很多", (TRIP,)),  # 建议 without a number, title or 领办 is no proposal
    ("学习《习近平关于调查研究论述摘编》，集体学习2小时", (STUDY,)),
    ("周一去了淳安调研，周三参加了集体学法", (TRIP, STUDY)),
    ("昨天晚上自学了两小时党章，白天去开化县调研", (STUDY, TRIP)),
    ("收到", ()),
    ("明天下午去县委开会", ()),
    ("Visited Deqing county yesterday to look at the geospatial town", (TRIP,)),
    ("Self-study yesterday, 1 hour, Party Constitution", (STUDY,)),
    ("Led key CPPCC proposal No. 45 'On accelerating the 26 mountain counties', assigned Nov 10", (PROPOSAL,)),
    ("Thanks!", ()),
])
def test_the_kind_is_told_by_its_words(text: str, kinds: tuple[LogKind, ...]) -> None:
    assert kinds_of(text) == kinds


def test_one_log_is_read_by_its_kinds_parser_and_two_or_none_are_unclear() -> None:
    assert read_log("我昨天去德清县调研了地理信息小镇", now=NOW, lang="zh") == Read(
        TRIP, TripDraft(date(2026, 11, 20), date(2026, 11, 20), "德清县", "地理信息小镇"))
    assert read_log("周一去了淳安调研，周三参加了集体学法", now=NOW, lang="zh") == Unclear((TRIP, STUDY))
    assert read_log("好的", now=NOW, lang="zh") == Unclear()


def test_a_message_read_as_another_kind_gives_that_kinds_draft() -> None:
    """The member picked 学习 for a message the words left unclear."""
    reading = read_as(STUDY, "昨天 党章 2小时", now=NOW, lang="zh")
    assert reading == Read(STUDY, StudyDraft(held_on=date(2026, 11, 20), hours=2, topic="党章"))  # type: ignore[arg-type]
    assert isinstance(read_as(PROPOSAL, "关于加快山区公路建设的建议", now=NOW, lang="zh").draft, MotionDraft)


@pytest.mark.parametrize("text, draft", [
    ("上周四下午参加局党组中心组学习，专题学习新修订的《中国共产党纪律处分条例》，2小时",
     StudyDraft(held_on=date(2026, 11, 12), kind=StudyKind.THEORY_GROUP, hours=Decimal(2),
                topic="专题学习新修订的《中国共产党纪律处分条例》")),
    ("Studied the Civil Code for 2 hours yesterday (self-study)",
     StudyDraft(held_on=date(2026, 11, 20), kind=StudyKind.SELF_STUDY, hours=Decimal(2), topic="the Civil Code")),
    ("11月19日至20日带队赴泰顺县开展防返贫监测调研",
     TripDraft(date(2026, 11, 19), date(2026, 11, 20), "泰顺县", "防返贫监测调研")),
])
def test_sentences_beyond_the_corpus(text: str, draft: StudyDraft | TripDraft) -> None:
    reading = read_log(text, now=NOW, lang=None)
    assert isinstance(reading, Read) and reading.draft == draft


@pytest.mark.parametrize("text, kind, part", [
    ("周一去了淳安调研，周三参加了集体学法", TRIP, "周一去了淳安调研"),
    ("周一去了淳安调研，周三参加了集体学法", STUDY, "周三参加了集体学法"),
    ("昨天去开化县调研，晚上自学了两小时党章", STUDY, "晚上自学了两小时党章"),
    ("昨天去开化县调研，乡村振兴，晚上自学了两小时党章", TRIP, "昨天去开化县调研，乡村振兴"),
    ("我昨天去德清县调研了地理信息小镇", TRIP, "我昨天去德清县调研了地理信息小镇"),
])
def test_of_two_logs_each_kind_takes_its_clause(text: str, kind: LogKind, part: str) -> None:
    assert clause(text, kind) == part


@given(st.text(max_size=120))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_text_reads_as_one_log_or_as_unclear_and_each_clause_is_part_of_it(text: str) -> None:
    reading = read_log(text, now=NOW, lang="zh")
    assert isinstance(reading, Read | Unclear)
    if isinstance(reading, Unclear):
        assert len(reading.kinds) != 1
    for kind in LogKind:
        assert clause(text, kind) in text


@given(st.text(max_size=80))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_study_topic_is_made_of_the_words_typed(text: str) -> None:
    """Nothing is invented or folded: every word of the topic stands in the message as typed (less a 了 taken
    out after a verb: 学习了党章 → 学习党章)."""
    topic = read_as(STUDY, text, now=NOW, lang="zh").draft.topic  # type: ignore[union-attr]
    if topic is not None:
        assert all(word in text or word in text.replace("了", "") for word in re.split(r"[,，;；:：。!！?？\s]+", topic) if word)


@pytest.mark.parametrize("text, report", [
    ("年度工作总结已报送", True), ("安全生产情况已经按时上报", True), ("Submitted the safety report", True),
    ("已完成", True), ("昨天去开化县调研，已完成", False),  # a trip named: a log, not a report
    ("收到", False), ("报送年度工作总结", False),
])
def test_a_task_report_says_something_is_done(text: str, report: bool) -> None:
    assert reports_task(text) is report


@pytest.mark.parametrize("text, titles, meant", [
    ("已报送", ["报送年度工作总结"], 0),  # the only open task
    ("年度工作总结已报送", ["报送三季度安全生产情况", "报送年度工作总结"], 1),
    ("已报送", ["报送三季度安全生产情况", "报送年度工作总结"], None),  # 报送 in both: which one is not told
    ("Submitted the safety figures", ["Report Q3 safety figures", "Annual summary"], 0),
    ("已完成", [], None),
])
def test_the_task_meant_is_the_one_the_message_names(text: str, titles: list[str], meant: int | None) -> None:
    assert task_meant(text, titles) == meant


@pytest.mark.parametrize("text, finding", [
    ("群众反映村道狭窄，希望尽快拓宽", True), ("开化县调研时村民反映农村公交班次太少", True),
    ("Villagers raised the need for a school bus", True),
    ("昨天去开化县调研，村民反映公交太少", False),  # a date: a trip of its own
    ("人大建议第5号 关于群众反映强烈问题的建议", False), ("山区共富", False),
])
def test_a_finding_tells_what_people_raised_without_a_date_of_its_own(text: str, finding: bool) -> None:
    assert reports_finding(text, now=NOW, lang="zh") is finding


@pytest.mark.parametrize("text, latest, meant", [
    ("开化县村民反映公交太少", [("淳安县", date(2026, 11, 20)), ("开化县、常山县", date(2026, 11, 16))], 1),
    ("村民反映公交太少", [("淳安县", date(2026, 11, 20)), ("开化县", date(2026, 11, 16))], 0),
    ("村民反映公交太少", [("淳安县", date(2026, 9, 1))], None),  # the latest trip is too long ago
    ("村民反映公交太少", [], None),
])
def test_a_finding_goes_to_the_trip_it_names_or_the_latest(text: str, latest: list[tuple[str, date]],
                                                            meant: int | None) -> None:
    assert trip_meant(text, latest, today=date(2026, 11, 21)) == meant
