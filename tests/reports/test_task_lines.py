"""One assignee's line in /tasks, marked by the deadline in force: theirs once an extension or 回头看 moved it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from core.domain import AssignmentStatus
from locales import translator
from reports import tasks as words
from storage.models import Task, TaskAssignment

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 10, tzinfo=SHANGHAI)


def _line(own_due: datetime | None) -> str:
    task = Task(title="报送年度工作总结", due_at=datetime(2026, 11, 20, 18, tzinfo=SHANGHAI))
    assignment = TaskAssignment(status=AssignmentStatus.ASSIGNED, due_at=own_due)
    return words.assignee_line(translator("zh"), 1, "张三", assignment, task, now=NOW, tz=SHANGHAI)


def test_an_assignee_past_the_task_s_deadline_is_red() -> None:
    assert _line(None).startswith("1. 🔴 张三")


def test_an_assignee_whose_deadline_moved_ahead_is_marked_by_their_own() -> None:
    line = _line(datetime(2026, 12, 10, 18, tzinfo=SHANGHAI))
    assert line.startswith("1. 🟢 张三") and "期限调整为12月10日 18:00" in line
