"""Every open item of a team that has a due day, as the nudges and the weekly summary see it: motions
not replied yet (reply_due), findings not fed back yet (feedback_due), and open assignments of
supervised tasks (the task's due instant read as a day in team time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain import AssignmentStatus, FollowUpStatus, MotionKind
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

    @property
    def ident(self) -> str:
        """`motion:41:member:7`: the part of an outbox key that names the item and its owner."""
        return f"{self.kind}:{self.item_id}:member:{self.member_id}"


def open_items(session: Session, team: Team) -> list[Item]:
    """The team's open items with a due day, soonest due first (three queries, of columns only: every
    scheduling tick reads them all, and loading ORM objects was half its cost)."""
    tz = ZoneInfo(team.timezone)
    items = [
        Item("motion", motion_id, motion_id, lead, due, snoozed, title,
             motion=MotionHeadline(kind, number, is_key, title))
        for motion_id, lead, due, snoozed, title, kind, number, is_key in session.execute(select(
            Motion.id, Motion.lead_member_id, Motion.reply_due, Motion.snoozed_until, Motion.title, Motion.kind,
            Motion.number, Motion.is_key,
        ).where(Motion.team_id == team.id, Motion.status.in_(UNREPLIED), Motion.deleted_at.is_(None)))
    ]
    for finding_id, member_id, due, snoozed, content in session.execute(select(
        FollowUpItem.id, FollowUpItem.member_id, FollowUpItem.feedback_due, FollowUpItem.snoozed_until,
        FollowUpItem.content,
    ).where(FollowUpItem.team_id == team.id, FollowUpItem.status.in_(FOLLOW_UP_OPEN),
            FollowUpItem.feedback_due.is_not(None), FollowUpItem.deleted_at.is_(None))):
        items.append(Item("followup", finding_id, finding_id, member_id, due, snoozed, content))
    for assignment_id, member_id, snoozed, task_id, due_at, title in session.execute(select(
        TaskAssignment.id, TaskAssignment.member_id, TaskAssignment.snoozed_until, Task.id, Task.due_at, Task.title,
    ).join(Task, Task.id == TaskAssignment.task_id).where(
        Task.team_id == team.id, Task.cancelled_at.is_(None), TaskAssignment.status == AssignmentStatus.ASSIGNED)):
        items.append(Item("task", task_id, assignment_id, member_id, due_at.astimezone(tz).date(), snoozed, title))
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
    owner = row.lead_member_id if isinstance(row, Motion) else row.member_id
    return row, owner


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
    if found is not None:
        found[0].snoozed_until = until  # type: ignore[attr-defined]
