"""The evaluation's pure rules: percentages with one decimal, half up; the topic's stage; months led (a tie for
first is a lead shared; a first place with nothing done is none); the office's comment."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.domain import Duty, TopicStage
from core.evaluation import CommentProblem, comment_problem, furthest_stage, months_led, percent
from core.race import DutyTerm, Period, PeriodKind, Ranked, Score


@pytest.mark.parametrize(("part", "whole", "expected"), [
    (1, 2, Decimal("50.0")), (1, 3, Decimal("33.3")), (2, 3, Decimal("66.7")), (1, 8, Decimal("12.5")),
    (1, 16, Decimal("6.3")),  # 6.25: half up
    (0, 4, Decimal("0.0")), (4, 4, Decimal("100.0")), (0, 0, None),
])
def test_percent_has_one_decimal_rounded_half_up(part: int, whole: int, expected: Decimal | None) -> None:
    assert percent(part, whole) == expected
    assert expected is None or str(percent(part, whole)) == str(expected)


@pytest.mark.parametrize(("stages", "furthest"), [
    ((), None), ((TopicStage.REGISTERED,), TopicStage.REGISTERED),
    ((TopicStage.REPORT, TopicStage.RESEARCHING), TopicStage.REPORT),
    ((TopicStage.REGISTERED, TopicStage.OUTCOME, TopicStage.REPORT), TopicStage.OUTCOME)])
def test_a_member_s_key_topic_is_shown_at_its_furthest_stage(stages: tuple[TopicStage, ...],
                                                            furthest: TopicStage | None) -> None:
    assert furthest_stage(stages) is furthest


def _entry(member_id: int, rank: int, *, days: int = 2) -> Ranked:
    """A month's board entry: ``days`` of grassroots research done (worth 1 point each), plus the on-time points."""
    period = Period(PeriodKind.MONTH, 2026, 1)
    done = DutyTerm(Duty.RESEARCH_DAYS, Decimal(days), Decimal(5), Decimal(days) / 5, Decimal(5), Decimal(days))
    score = Score(member_id=member_id, period=period, day=period.end, active_days=31, duties=(done,), judged=0,
                  on_time=0, on_time_rate=None, on_time_weight=Decimal(15), on_time_points=Decimal(15), overdue=0,
                  overdue_penalty=Decimal(2), overdue_points=Decimal(0), total=Decimal(15 + days))
    return Ranked(rank=rank, score=score, previous_rank=None)


def test_months_led_count_a_shared_first_place_for_each_and_skip_months_without_the_member() -> None:
    monthly = {1: [_entry(7, 1), _entry(8, 2)], 2: [_entry(7, 1), _entry(8, 1)], 3: [_entry(8, 1), _entry(7, 2)],
               4: [_entry(8, 1)]}
    assert months_led(monthly, 7) == (1, 2)
    assert months_led(monthly, 8) == (2, 3, 4)
    assert months_led(monthly, 9) == ()


def test_a_first_place_with_nothing_done_leads_nothing() -> None:
    """Alone on the board doing nothing, tied at nothing, or ahead only of someone's overdue penalty."""
    monthly = {1: [_entry(7, 1, days=0)], 2: [_entry(7, 1, days=0), _entry(8, 1, days=0)],
               3: [_entry(8, 1, days=0), _entry(7, 2, days=0)], 4: [_entry(7, 1, days=1), _entry(8, 2, days=0)]}
    assert (months_led(monthly, 7), months_led(monthly, 8)) == ((4,), ())


@pytest.mark.parametrize(("text", "problem"), [
    ("调研扎实", None), ("   ", CommentProblem.EMPTY), ("长" * 500, None), ("长" * 501, CommentProblem.TOO_LONG),
    ("😀" * 250, None), ("😀" * 251, CommentProblem.TOO_LONG)])  # as Telegram counts: an emoji is two
def test_the_office_s_comment(text: str, problem: CommentProblem | None) -> None:
    assert comment_problem(text) is problem
