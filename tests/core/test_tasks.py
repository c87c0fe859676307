"""A supervised task's closed loop per assignee (assigned → reported → closed, or returned), its due
instant, its colour and its progress at a glance; cancelling a whole task (撤销)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.aging import Age
from core.dates import find_date
from core.domain import AssignmentStatus as S
from core.tasks import (
    CancelProblem,
    Move,
    MoveProblem,
    Progress,
    TaskProblem,
    cancel_problem,
    check_move,
    due_instant,
    due_problem,
    progress,
    target_of,
    task_age,
    text_problem,
    title_without_date,
)

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)


@pytest.mark.parametrize(("current", "move", "text", "expected"), [
    (S.ASSIGNED, Move.REPORT, "已报送", None),
    (S.ASSIGNED, Move.REPORT, "  ", MoveProblem.NEEDS_NOTE),
    (S.ASSIGNED, Move.CLOSE, None, MoveProblem.NOT_REPORTED),
    (S.ASSIGNED, Move.RETURN, "缺附表", MoveProblem.NOT_REPORTED),
    (S.REPORTED, Move.REPORT, "again", MoveProblem.ALREADY_REPORTED),
    (S.REPORTED, Move.CLOSE, None, None),
    (S.REPORTED, Move.RETURN, "缺附表", None),
    (S.REPORTED, Move.RETURN, "", MoveProblem.NEEDS_REASON),
    (S.CLOSED, Move.CLOSE, None, MoveProblem.ALREADY_CLOSED),
    (S.CLOSED, Move.RETURN, "late", MoveProblem.ALREADY_CLOSED),
    (S.CLOSED, Move.REPORT, "late", MoveProblem.ALREADY_CLOSED),
])
def test_only_the_loops_moves_are_allowed(current: S, move: Move, text: str | None,
                                          expected: MoveProblem | None) -> None:
    assert check_move(current, move, text=text) is expected


def test_each_move_lands_where_the_loop_says() -> None:
    assert (target_of(Move.REPORT), target_of(Move.CLOSE), target_of(Move.RETURN)) == (S.REPORTED, S.CLOSED,
                                                                                       S.ASSIGNED)


@pytest.mark.parametrize(("statuses", "cancelled", "expected"), [
    ([S.ASSIGNED, S.CLOSED], False, None),
    ([S.REPORTED], False, None),
    ([S.CLOSED, S.CLOSED], False, CancelProblem.ALL_CLOSED),  # finished: nothing to cancel
    ([S.ASSIGNED], True, CancelProblem.ALREADY_CANCELLED),
])
def test_a_task_is_cancelled_once_and_only_while_someone_still_works_on_it(
        statuses: list[S], cancelled: bool, expected: CancelProblem | None) -> None:
    assert cancel_problem(statuses, cancelled=cancelled) is expected


@pytest.mark.parametrize("current", list(S))
def test_no_move_is_made_on_a_cancelled_task(current: S) -> None:
    assert all(check_move(current, move, text="x", cancelled=True) is MoveProblem.CANCELLED for move in Move)


PRESSES = [move for move in Move if move is not Move.REOPEN]  # REOPEN is 回头看's (core/lookback.py), no press


@given(st.lists(st.sampled_from(PRESSES), max_size=12))
def test_any_sequence_of_presses_never_leaves_a_closed_item(moves: list[Move]) -> None:
    status = S.ASSIGNED
    for move in moves:
        if check_move(status, move, text="note") is None:
            status = target_of(move)
        if status is S.CLOSED:
            assert all(check_move(status, m, text="x") is MoveProblem.ALREADY_CLOSED for m in PRESSES)


@pytest.mark.parametrize("status", list(S))
def test_only_a_closed_item_of_a_live_task_is_reopened_and_it_goes_back_to_its_assignee(status: S) -> None:
    assert check_move(status, Move.REOPEN) is (None if status is S.CLOSED else MoveProblem.NOT_CLOSED)
    assert check_move(S.CLOSED, Move.REOPEN, cancelled=True) is MoveProblem.CANCELLED
    assert target_of(Move.REOPEN) is S.ASSIGNED


@pytest.mark.parametrize(("parsed", "expected"), [
    (date(2026, 11, 27), datetime(2026, 11, 27, 18, 0, tzinfo=TZ)),  # no time: the end of the working day
    (datetime(2026, 11, 27, 17, 0, tzinfo=TZ), datetime(2026, 11, 27, 17, 0, tzinfo=TZ)),
    (datetime(2026, 11, 27, 9, 30), datetime(2026, 11, 27, 9, 30, tzinfo=TZ)),
])
def test_the_due_instant_of_a_typed_date(parsed: date | datetime, expected: datetime) -> None:
    assert due_instant(parsed, TZ) == expected


def test_a_due_time_must_be_read_and_ahead() -> None:
    assert due_problem(None, now=NOW) is TaskProblem.UNREADABLE_DATE
    assert due_problem(NOW, now=NOW) is TaskProblem.DUE_IN_PAST
    assert due_problem(NOW - timedelta(minutes=1), now=NOW) is TaskProblem.DUE_IN_PAST
    assert due_problem(NOW + timedelta(minutes=1), now=NOW) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("", TaskProblem.EMPTY), ("   ", TaskProblem.EMPTY), ("报送", None), ("很" * 200, None),
    ("很" * 201, TaskProblem.TOO_LONG),
])
def test_titles_are_neither_empty_nor_over_long(text: str, expected: TaskProblem | None) -> None:
    assert text_problem(text, 200) is expected


@pytest.mark.parametrize(("due", "expected"), [
    (datetime(2026, 11, 30, 18, 0, tzinfo=TZ), Age.GREEN),  # 7 days
    (datetime(2026, 11, 26, 18, 0, tzinfo=TZ), Age.YELLOW),  # within 3 days
    (datetime(2026, 11, 23, 18, 0, tzinfo=TZ), Age.YELLOW),  # later today
    (datetime(2026, 11, 23, 9, 0, tzinfo=TZ), Age.RED),  # earlier today: past its time
    (datetime(2026, 11, 20, 18, 0, tzinfo=TZ), Age.RED),
])
def test_a_task_ages_by_its_due_instant(due: datetime, expected: Age) -> None:
    assert task_age(due, now=NOW, tz=TZ) is expected


def test_progress_at_a_glance() -> None:
    statuses = [S.CLOSED] * 3 + [S.REPORTED] * 2 + [S.ASSIGNED] * 3
    ahead = progress([(s, NOW + timedelta(days=1)) for s in statuses], now=NOW)
    assert ahead == Progress(total=8, closed=3, reported=2, open=3, overdue=0)
    behind = progress([(s, NOW - timedelta(days=1)) for s in statuses], now=NOW)
    assert behind.overdue == 3 and not behind.finished
    assert progress([(S.CLOSED, NOW), (S.CLOSED, NOW)], now=NOW).finished


def test_an_open_assignment_is_overdue_by_its_own_deadline_not_the_task_s() -> None:
    """After an approved extension (延期) or a 回头看 reopening, the assignee's own deadline is the one in force."""
    past, ahead = NOW - timedelta(days=1), NOW + timedelta(days=5)
    counted = progress([(S.ASSIGNED, past), (S.ASSIGNED, ahead), (S.REPORTED, past), (S.CLOSED, past)], now=NOW)
    assert counted == Progress(total=4, closed=1, reported=1, open=2, overdue=1)


@pytest.mark.parametrize(("text", "title"), [
    ("报送三季度安全生产情况 下周五下午5点", "报送三季度安全生产情况"),
    ("整改台账 11月30日前", "整改台账"),
    ("截止11月30日 报送整改台账", "报送整改台账"),
    ("Fire drill on Nov 30", "Fire drill"),
    ("Report Q3 safety figures by next Friday 5pm", "Report Q3 safety figures"),
    ("下周一 上报 在线学习情况", "上报 在线学习情况"),
])
def test_the_title_is_what_is_left_without_the_date(text: str, title: str) -> None:
    found = find_date(text, now=NOW, prefer="future", allow_range=False)
    assert found is not None
    assert title_without_date(text, found.start, found.end) == title
