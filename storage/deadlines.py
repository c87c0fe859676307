"""Every open item of a team that has a due day, as the weekly summary sees it: motions not replied yet
(reply_due), findings not fed back yet (feedback_due), and open assignments of supervised tasks (the
task's due instant read as a day in team time). The scheduling tick reads only the items whose next-nudge
instant has come, by the same rules (storage/next_nudge.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.domain import AssignmentStatus, FollowUpStatus, MotionKind
from storage import outbox
from storage.models import FollowUpItem, Motion, Task, TaskAssignment, Team
from storage.motions import UNREPLIED

FOLLOW_UP_OPEN = (FollowUpStatus.RAISED, FollowUpStatus.ASSIGNED, FollowUpStatus.HANDLED)


@dataclass(frozen=True)
class MotionHeadline:
    """What a nudge names a motion by (人大建议 第12号 《…》)."""

    kind: MotionKind
    number: str
    is_key: bool
    title: str


@dataclass(frozen=True)
class Item:
    """One open item with a due day."""

    kind: str  # motion | followup | task
    item_id: int  # the motion's, the finding's or the task's id
    ref_id: int  # the row a Snooze button names: the motion, the finding or the task assignment
    member_id: int
    due: date
    snoozed_until: datetime | None
    title: str
    motion: MotionHeadline | None = None
    created_at: datetime | None = None  # when it was assigned in the bot: no due-soon nudge within a day

    @property
    def ident(self) -> str:
        """`motion:41:member:7`: the part of an outbox key that names the item and its owner."""
        return outbox.item_ident(self.kind, self.item_id, self.member_id)


def open_items(session: Session, team: Team) -> list[Item]:
    """The team's open items with a due day, soonest due first (three queries, of columns only)."""
    tz = ZoneInfo(team.timezone)
    items = [
        Item("motion", motion_id, motion_id, lead, due, snoozed, title,
             motion=MotionHeadline(kind, number, is_key, title), created_at=created)
        for motion_id, lead, due, snoozed, title, kind, number, is_key, created in session.execute(select(
            Motion.id, Motion.lead_member_id, Motion.reply_due, Motion.snoozed_until, Motion.title, Motion.kind,
            Motion.number, Motion.is_key, Motion.created_at,
        ).where(Motion.team_id == team.id, Motion.status.in_(UNREPLIED), Motion.deleted_at.is_(None)))
    ]
    for finding_id, member_id, due, snoozed, content, assigned, created in session.execute(select(
        FollowUpItem.id, FollowUpItem.member_id, FollowUpItem.feedback_due, FollowUpItem.snoozed_until,
        FollowUpItem.content, FollowUpItem.assigned_at, FollowUpItem.created_at,
    ).where(FollowUpItem.team_id == team.id, FollowUpItem.status.in_(FOLLOW_UP_OPEN),
            FollowUpItem.feedback_due.is_not(None), FollowUpItem.deleted_at.is_(None))):
        items.append(Item("followup", finding_id, finding_id, member_id, cast(date, due), snoozed, content,  # not NULL here
                          created_at=assigned or created))
    for assignment_id, member_id, snoozed, task_id, due_at, title, created in session.execute(select(
        TaskAssignment.id, TaskAssignment.member_id, TaskAssignment.snoozed_until, Task.id,
        func.coalesce(TaskAssignment.due_at, Task.due_at), Task.title, Task.created_at,
    ).join(Task, Task.id == TaskAssignment.task_id).where(
        Task.team_id == team.id, Task.cancelled_at.is_(None), TaskAssignment.status == AssignmentStatus.ASSIGNED)):
        items.append(Item("task", task_id, assignment_id, member_id, due_at.astimezone(tz).date(), snoozed,
                          title, created_at=created))
    items.sort(key=lambda item: (item.due, item.kind, item.item_id, item.member_id))
    return items


SNOOZABLE = {"m": Motion, "f": FollowUpItem, "t": TaskAssignment}


def owner_of(session: Session, letter: str, ref_id: int) -> tuple[object, int] | None:
    """The snoozable row a button names and the id of the member who owns it, or None."""
    model = SNOOZABLE.get(letter)
    if model is None:
        return None
    row = session.get(model, ref_id)
    if row is None or not _open(session, row):
        return None
    if isinstance(row, Motion):
        return row, row.lead_member_id
    assert isinstance(row, FollowUpItem | TaskAssignment)  # what SNOOZABLE holds
    return row, row.member_id


def due_day(row: object, tz: ZoneInfo) -> date | None:
    """The due day of a row :func:`owner_of` found (a task's due instant read in team time)."""
    if isinstance(row, Motion):
        return row.reply_due
    if isinstance(row, FollowUpItem):
        return row.feedback_due
    if isinstance(row, TaskAssignment):
        return (row.due_at or row.task.due_at).astimezone(tz).date()  # its own once 回头看 reopened it
    return None

def _open(session: Session, row: object) -> bool:
    """Whether the row is still an open item a nudge is about (the same rules as `open_items`): not
    deleted, replied, fed back, closed, reported or cancelled since the nudge was sent."""
    if isinstance(row, Motion):
        return row.deleted_at is None and row.status in UNREPLIED
    if isinstance(row, FollowUpItem):
        return row.deleted_at is None and row.status in FOLLOW_UP_OPEN
    if isinstance(row, TaskAssignment):
        task = session.get(Task, row.task_id)
        return row.status == AssignmentStatus.ASSIGNED and task is not None and task.cancelled_at is None
    return False


def snooze(session: Session, letter: str, ref_id: int, *, until: datetime) -> None:
    found = owner_of(session, letter, ref_id)
    if found is None:
        return
    row, owner = found
    row.snoozed_until = until  # type: ignore[attr-defined]  # owner_of found a snoozable row
    # A nudge already queued would arrive inside the snooze: withdrawn now, not at the next tick.
    # The admins' 约谈提醒 stays: remind-me-later is the member's, not the office's.
    if isinstance(row, Motion):
        team_id, kind, item_id = row.team_id, "motion", row.id
    elif isinstance(row, FollowUpItem):
        team_id, kind, item_id = row.team_id, "followup", row.id
    else:
        assert isinstance(row, TaskAssignment)
        team_id, kind, item_id = row.task.team_id, "task", row.task_id
    outbox.withdraw_item(session, team_id=team_id, kind=kind, item_id=item_id, member_id=owner,
                         kinds=("nudge",))
