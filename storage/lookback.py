"""回头看 rows (core/lookback.py): made in the transaction that closes an item, read by the job when their instant
comes (an index range on the team and `next_at`), answered once by the owner (a compare-and-set), each change
audited. 未落实 reopens the item here, by the item's own move."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core import lookback as rules
from core import motions as motion_rules
from core import tasks as task_rules
from core.domain import AssignmentStatus, FollowUpStatus, MotionStatus, ResultClass
from core.findings import DEFAULT_FEEDBACK_DAYS
from storage import audit
from storage.db import among, execute_dml
from storage.models import FollowUpItem, Lookback, Member, Motion, Task, TaskAssignment, Team

TASK, FOLLOWUP, MOTION = "task", "followup", "motion"  # item_kind (core.outbox_keys.ItemKind's values)
SETTING = "lookback_months"  # the team's own `after_months` in Team.settings


def open_round(session: Session, *, team_id: int, kind: str, item_id: int, owner_id: int, now: datetime) -> Lookback:
    """The next round of 回头看 of an item that closes now (in the caller's transaction)."""
    rounds = session.scalar(select(func.count()).select_from(Lookback).where(
        Lookback.item_kind == kind, Lookback.item_id == item_id)) or 0
    row = Lookback(team_id=team_id, item_kind=kind, item_id=item_id, owner_member_id=owner_id, round=rounds + 1,
                   closed_at=now, next_at=now)  # the next check works out the day it comes back
    session.add(row)
    session.flush()
    return row


def months_of(team: Team, default: int) -> int:
    value = (team.settings or {}).get(SETTING)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else default


def set_months(session: Session, team: Team, months: int, *, now: datetime) -> int:
    """The team's own interval; rows not asked yet come back by it (their day is worked out again). How many."""
    before = months_of(team, 0) or None
    team.settings = {**(team.settings or {}), SETTING: months}
    moved = execute_dml(session, update(Lookback).where(
        Lookback.team_id == team.id, Lookback.asked_at.is_(None), Lookback.answered_at.is_(None),
        Lookback.dropped.is_(False)).values(due_at=None, next_at=now)).rowcount or 0
    audit.record(session, action="lookback_months", entity="team", entity_id=team.id, team_id=team.id, now=now,
                 before={SETTING: before}, after={SETTING: months})
    return moved


def due(session: Session, team_id: int, now: datetime) -> list[Lookback]:
    """The team's rows whose instant has come (one range of ix_lookbacks_team_next)."""
    return list(session.scalars(select(Lookback).where(Lookback.team_id == team_id, Lookback.next_at <= now)
                                .order_by(Lookback.next_at, Lookback.id)))


def due_of_teams(session: Session, team_ids: Iterable[int], now: datetime) -> dict[int, list[Lookback]]:
    """:func:`due` for many teams in one query: team → its rows whose instant has come (teams with none left out)."""
    ids = sorted(set(team_ids))
    found: dict[int, list[Lookback]] = {}
    if not ids:
        return found
    for row in session.scalars(select(Lookback).where(among(session, Lookback.team_id, ids), Lookback.next_at <= now)
                               .order_by(Lookback.next_at, Lookback.id)):
        found.setdefault(row.team_id, []).append(row)
    return found


def move_on(session: Session, row: Lookback, *, expected: datetime | None, **values: Any) -> bool:
    """A compare-and-set on the row's `next_at`: True when this caller moved it."""
    changed = execute_dml(session, update(Lookback).where(Lookback.id == row.id, Lookback.next_at == expected)
                          .values(**values).execution_options(synchronize_session=False)).rowcount
    session.refresh(row)
    return bool(changed)


@dataclass(frozen=True)
class ItemView:
    """What a message says of the item."""

    kind: str
    title: str
    still_closed: bool  # still closed (or, a motion, still answered B-class): else 回头看 is dropped
    number: str | None = None  # a motion's


def item_of(session: Session, row: Lookback) -> ItemView | None:
    if row.item_kind == TASK:
        found = session.execute(select(TaskAssignment, Task).join(Task, Task.id == TaskAssignment.task_id)
                                .where(TaskAssignment.id == row.item_id)).first()
        if found is None:
            return None
        assignment, task = found
        return ItemView(TASK, task.title, assignment.status is AssignmentStatus.CLOSED and task.cancelled_at is None)
    if row.item_kind == FOLLOWUP:
        item = session.get(FollowUpItem, row.item_id)
        if item is None:
            return None
        return ItemView(FOLLOWUP, item.content, item.status is FollowUpStatus.CLOSED and item.deleted_at is None)
    motion = session.get(Motion, row.item_id)
    if motion is None:
        return None
    answered = motion.status in (MotionStatus.REPLIED, MotionStatus.CLOSED) and motion.result_class is ResultClass.B
    return ItemView(MOTION, motion.title, answered and motion.deleted_at is None, motion.number)


def by_id(session: Session, lookback_id: int) -> Lookback | None:
    return session.get(Lookback, lookback_id)


def answer(session: Session, row: Lookback, *, result: rules.Result, actor: Member, now: datetime) -> bool:
    """Records the owner's answer if none was recorded yet (a compare-and-set); audited. False: answered before."""
    changed = execute_dml(session, update(Lookback).where(Lookback.id == row.id, Lookback.answered_at.is_(None))
                          .values(answered_at=now, result=result, answered_by_member_id=actor.id, next_at=None)
                          .execution_options(synchronize_session=False)).rowcount
    session.refresh(row)
    if not changed:
        return False
    audit.record(session, action="lookback_answer", entity="lookback", entity_id=row.id, team_id=row.team_id,
                 now=now, actor=actor, before={"result": None},
                 after={"result": result.value, "item": f"{row.item_kind}:{row.item_id}", "round": row.round})
    return True


def add_note(session: Session, row: Lookback, *, note: str, actor: Member, now: datetime) -> bool:
    """The optional note after the answer, once; audited."""
    changed = execute_dml(session, update(Lookback).where(
        Lookback.id == row.id, Lookback.answered_at.is_not(None), Lookback.note.is_(None))
        .values(note=note.strip()).execution_options(synchronize_session=False)).rowcount
    session.refresh(row)
    if changed:
        audit.record(session, action="lookback_note", entity="lookback", entity_id=row.id, team_id=row.team_id,
                     now=now, actor=actor, before={"note": None}, after={"note": note.strip()})
    return bool(changed)


def reopen(session: Session, row: Lookback, *, actor: Member, now: datetime, tz: ZoneInfo,
           is_workday: Callable[[date], bool], reopen_months: int) -> datetime | None:
    """未落实: the item back to its owner, each by its own move, with a deadline not yet past (audited). The new
    deadline, or None when the item was not closed any more (nothing changed)."""
    if row.item_kind == TASK:
        return _reopen_task(session, row, actor=actor, now=now, tz=tz, is_workday=is_workday)
    today = now.astimezone(tz).date()
    if row.item_kind == FOLLOWUP:
        item = session.get(FollowUpItem, row.item_id)
        if item is None or item.status is not FollowUpStatus.CLOSED or item.deleted_at is not None:
            return None
        status = FollowUpStatus.ASSIGNED if item.department else FollowUpStatus.RAISED
        due_day = today + timedelta(days=DEFAULT_FEEDBACK_DAYS)
        moved = execute_dml(session, update(FollowUpItem).where(
            FollowUpItem.id == item.id, FollowUpItem.status == FollowUpStatus.CLOSED).values(
            status=status, feedback_due=due_day, handled_at=None, fed_back_at=None, closed_at=None)).rowcount
        session.refresh(item)
        if not moved:
            return None
        audit.record(session, action=rules.REOPEN_ACTION, entity="follow_up_item", entity_id=item.id,
                     team_id=item.team_id, now=now, actor=actor, before={"status": "closed"},
                     after={"status": status.value, "feedback_due": due_day, "lookback": row.id})
        return rules.midnight(due_day, tz)
    motion = session.get(Motion, row.item_id)
    if motion is None or motion.deleted_at is not None or motion.status not in (MotionStatus.REPLIED,
                                                                                MotionStatus.CLOSED):
        return None
    from storage import motions as motion_store  # noqa: PLC0415 — storage.motions imports this module

    state = motion_store.state_of(motion)
    new = motion_rules.MotionState(MotionStatus.HANDLING, motion_rules.reply_due(today, months=reopen_months),
                                   reopened=state.reopened + 1, assigned_on=state.assigned_on)
    motion_store.apply(session, motion, new, action=rules.REOPEN_ACTION, actor=actor, now=now)
    return rules.midnight(new.reply_due, tz)


def _reopen_task(session: Session, row: Lookback, *, actor: Member, now: datetime, tz: ZoneInfo,
                 is_workday: Callable[[date], bool]) -> datetime | None:
    found = session.execute(select(TaskAssignment, Task).join(Task, Task.id == TaskAssignment.task_id)
                            .where(TaskAssignment.id == row.item_id)).first()
    if found is None:
        return None
    assignment, task = found
    if task_rules.check_move(assignment.status, task_rules.Move.REOPEN,
                             cancelled=task.cancelled_at is not None) is not None:
        return None
    new_due = rules.reopen_due(created_at=task.created_at, due_at=task.due_at, now=now, tz=tz, is_workday=is_workday)
    old_plan = assignment.plan_date
    # the last round's plan is done with: the new round is judged by its new deadline (a past plan day lit it 🟡)
    moved = execute_dml(session, update(TaskAssignment).where(
        TaskAssignment.id == assignment.id, TaskAssignment.status == AssignmentStatus.CLOSED).values(
        status=AssignmentStatus.ASSIGNED, due_at=new_due, reported_at=None, closed_at=None,
        closed_by_member_id=None, plan_date=None, planned_at=None)).rowcount
    session.refresh(assignment)
    if not moved:
        return None
    audit.record(session, action=task_rules.Move.REOPEN.value, entity="task_assignment", entity_id=assignment.id,
                 team_id=task.team_id, now=now, actor=actor, before={"status": "closed", "plan_date": old_plan},
                 after={"status": "assigned", "due_at": new_due, "lookback": row.id})
    return new_due


def of_items(session: Session, kind: str, item_ids: list[int]) -> dict[int, list[Lookback]]:
    """Every round of these items, in order (the ledger)."""
    found: dict[int, list[Lookback]] = {}
    if not item_ids:
        return found
    for row in session.scalars(select(Lookback).where(Lookback.item_kind == kind, Lookback.item_id.in_(item_ids))
                               .order_by(Lookback.item_id, Lookback.round)):
        found.setdefault(row.item_id, []).append(row)
    return found
