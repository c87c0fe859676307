"""A key research topic's title and stages (core/topics.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from core.domain import TopicStage
from core.topics import (
    MAX_OUTCOME,
    MAX_TITLE,
    MoveProblem,
    TitleProblem,
    TopicState,
    attach_report,
    counts_on,
    next_stage,
    reached_on,
    record_outcome,
    start_research,
    title_problem,
    trip_linked,
)


@pytest.mark.parametrize("title, problem", [
    ("山区26县高质量发展路径研究", None),
    ("共富", None),  # two characters: enough
    ("富", TitleProblem.TOO_SHORT),
    ("题" * MAX_TITLE, None),
    ("题" * (MAX_TITLE + 1), TitleProblem.TOO_LONG),
    ("😀" * (MAX_TITLE // 2), None),  # an emoji counts two, as Telegram counts
    ("😀" * (MAX_TITLE // 2 + 1), TitleProblem.TOO_LONG),
    ("😀", TitleProblem.TOO_SHORT),  # the shortest counts characters
])
def test_a_topic_title_is_two_to_two_hundred_characters(title: str, problem: TitleProblem | None) -> None:
    assert title_problem(title) is problem


# --- stages: 立项 → 调研中 → 形成报告 → 成果转化 ------------------------------------------------------

REGISTERED = TopicState(stage=TopicStage.REGISTERED, registered_on=date(2026, 3, 2))
TODAY = date(2026, 6, 30)


def _researching() -> TopicState:
    state = start_research(REGISTERED, on=date(2026, 3, 10), today=TODAY)
    assert isinstance(state, TopicState)
    return state


def _reported() -> TopicState:
    state = attach_report(_researching(), title="山区县发展调研报告", file_id=None, on=date(2026, 5, 20), today=TODAY)
    assert isinstance(state, TopicState)
    return state


def test_the_stages_follow_one_another_and_the_last_has_none_after_it() -> None:
    assert [next_stage(stage) for stage in TopicStage] == [
        TopicStage.RESEARCHING, TopicStage.REPORT, TopicStage.OUTCOME, None]


def test_a_topic_moves_stage_by_stage_keeping_each_day() -> None:
    done = record_outcome(_reported(), outcome="转化为县政府支持政策", on=date(2026, 6, 15), today=TODAY)
    assert isinstance(done, TopicState)
    assert done.stage is TopicStage.OUTCOME
    assert [reached_on(done, stage) for stage in TopicStage] == [
        date(2026, 3, 2), date(2026, 3, 10), date(2026, 5, 20), date(2026, 6, 15)]
    assert (done.report_title, done.outcome) == ("山区县发展调研报告", "转化为县政府支持政策")


@pytest.mark.parametrize("move", [
    lambda: attach_report(REGISTERED, title="报告", file_id=None, on=date(2026, 4, 1), today=TODAY),  # skips 调研中
    lambda: record_outcome(_researching(), outcome="政策", on=date(2026, 4, 1), today=TODAY),  # skips 形成报告
    lambda: start_research(_researching(), on=date(2026, 4, 1), today=TODAY),  # already there
    lambda: attach_report(_reported(), title="报告二", file_id=None, on=date(2026, 6, 1), today=TODAY),  # twice
])
def test_a_stage_cannot_be_skipped_or_reached_twice(move: Callable[[], object]) -> None:
    assert move() is MoveProblem.NOT_NEXT


def test_a_report_needs_a_document_or_a_title_and_a_day_neither_future_nor_before_the_research() -> None:
    researching = _researching()
    assert attach_report(researching, title=None, file_id=None, on=date(2026, 5, 1), today=TODAY) \
        is MoveProblem.NO_REPORT
    assert attach_report(researching, title="报告", file_id=None, on=date(2026, 7, 1), today=TODAY) \
        is MoveProblem.IN_FUTURE
    assert attach_report(researching, title="报告", file_id=None, on=date(2026, 3, 9), today=TODAY) \
        is MoveProblem.BEFORE_PREVIOUS
    with_file = attach_report(researching, title=None, file_id="BQAC-file", on=date(2026, 3, 10), today=TODAY)
    assert isinstance(with_file, TopicState) and with_file.report_file_id == "BQAC-file"


def test_an_outcome_needs_text_of_reasonable_length_and_a_day_after_the_report() -> None:
    reported = _reported()
    assert record_outcome(reported, outcome="  ", on=date(2026, 6, 1), today=TODAY) is MoveProblem.NO_OUTCOME
    assert record_outcome(reported, outcome="策" * (MAX_OUTCOME + 1), on=date(2026, 6, 1), today=TODAY) \
        is MoveProblem.OUTCOME_TOO_LONG
    assert record_outcome(reported, outcome="政策", on=date(2026, 5, 19), today=TODAY) is MoveProblem.BEFORE_PREVIOUS


def test_research_may_have_begun_before_the_topic_was_registered_but_not_after_today() -> None:
    earlier = start_research(REGISTERED, on=date(2026, 2, 1), today=TODAY)
    assert isinstance(earlier, TopicState) and earlier.research_started_on == date(2026, 2, 1)
    assert start_research(REGISTERED, on=date(2026, 7, 1), today=TODAY) is MoveProblem.IN_FUTURE


def test_a_linked_trip_starts_the_research_of_a_registered_topic_only() -> None:
    moved = trip_linked(REGISTERED, date(2026, 4, 3))
    assert (moved.stage, moved.research_started_on) == (TopicStage.RESEARCHING, date(2026, 4, 3))
    reported = _reported()
    assert trip_linked(reported, date(2026, 6, 1)) == reported
    assert trip_linked(moved, date(2026, 5, 1)) == moved


def test_a_trip_logged_after_the_fact_dates_the_research_from_it() -> None:
    """开始调研 tapped on 21 November, then the September trip logged: the research began then, and a report of
    30 September can be recorded (it was refused as before the research)."""
    tapped = start_research(REGISTERED, on=date(2026, 5, 20), today=TODAY)
    assert isinstance(tapped, TopicState)
    earlier = trip_linked(tapped, date(2026, 4, 3))
    assert (earlier.stage, earlier.research_started_on) == (TopicStage.RESEARCHING, date(2026, 4, 3))
    reported = attach_report(earlier, title="报告", file_id=None, on=date(2026, 4, 30), today=TODAY)
    assert isinstance(reported, TopicState) and reported.report_on == date(2026, 4, 30)
    assert trip_linked(reported, date(2026, 3, 1)).research_started_on == date(2026, 3, 1)
    assert trip_linked(reported, date(2026, 3, 1)).stage is TopicStage.REPORT


@pytest.mark.parametrize("counting, expected", [
    (TopicStage.REGISTERED, date(2026, 3, 2)),
    (TopicStage.RESEARCHING, date(2026, 3, 10)),
    (TopicStage.REPORT, date(2026, 5, 20)),
    (TopicStage.OUTCOME, None),  # not reached yet
])
def test_a_topic_counts_on_the_day_it_reached_the_teams_counting_stage(
        counting: TopicStage, expected: date | None) -> None:
    assert counts_on(_reported(), counting, 2026) == expected


def test_a_report_finished_after_new_year_counts_on_the_last_day_of_the_topics_year() -> None:
    late = attach_report(_researching(), title="报告", file_id=None, on=date(2027, 1, 15), today=date(2027, 2, 1))
    assert isinstance(late, TopicState)
    assert counts_on(late, TopicStage.REPORT, 2026) == date(2026, 12, 31)
    early = TopicState(stage=TopicStage.REGISTERED, registered_on=date(2025, 12, 20))
    assert counts_on(early, TopicStage.REGISTERED, 2026) == date(2026, 1, 1)


def test_a_report_may_predate_the_topics_registration_in_the_bot_but_not_its_research() -> None:
    """Back-logged: registered on 20 June, researched from a trip on 3 March, reported on 1 June."""
    late = TopicState(stage=TopicStage.REGISTERED, registered_on=date(2026, 6, 20))
    researching = trip_linked(late, date(2026, 3, 3))
    reported = attach_report(researching, title="报告", file_id=None, on=date(2026, 6, 1), today=TODAY)
    assert isinstance(reported, TopicState) and reported.report_on == date(2026, 6, 1)
    assert attach_report(researching, title="报告", file_id=None, on=date(2026, 3, 2), today=TODAY) \
        is MoveProblem.BEFORE_PREVIOUS
