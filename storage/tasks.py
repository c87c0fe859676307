"""Supervised tasks (督办事项) and each assignee's closed loop: every query, each change audited.

A move (report, close, return) is a compare-and-set on the assignment's status, checked first by
core.tasks.check_move: when another admin or a second press got there first, nothing changes and
the caller is told why. Cancelling a task (撤销) is a compare-and-set too, on the task's cancelled_at,
and no move is made on a cancelled task: its assignments are found only when asked for
(`with_cancelled`), so that a press on one can say it was cancelled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core import tasks as rules
from core.domain import AssignmentStatus, MemberStatus, Role
from core.task_lights import Light, light
from storage import audit, calendar, lookback, members, outbox
from storage.db import among, execute_dml
from storage.models import AuditEntry, Member, Task, TaskAssignment, TaskRequest


def _active(team_id: int) -> tuple[Any, ...]:
    return (Member.team_id == team_id, Member.status == MemberStatus.ACTIVE)


def pickable(session: Session, team_id: int, *, offset: int, limit: int) -> tuple[list[Member], int]:
    """A page of the team's active members to pick assignees from (in the order they joined), and the total."""
    total = session.scalar(select(func.count()).select_from(Member).where(*_active(team_id))) or 0
    page = session.scalars(select(Member).where(*_active(team_id)).order_by(Member.id).offset(offset).limit(limit))
    return list(page), total


def audience(session: Session, team_id: int, kind: str, picked: list[int], *, creator_id: int) -> list[Member]:
    """Who a task goes to, read again now: active members of the team only, whatever the draft says.

    Everyone and a role leave out the task's creator; picked members are taken as picked."""
    query = select(Member).where(*_active(team_id)).order_by(Member.id)
    if kind == "pick":
        return list(session.scalars(query.where(Member.id.in_(picked)))) if picked else []
    if kind == "admins":
        query = query.where(Member.role.in_([Role.OWNER, Role.ADMIN]))
    elif kind == "members":
        query = query.where(Member.role == Role.MEMBER)
    elif kind != "all":
        return []
    return [m for m in session.scalars(query) if m.id != creator_id]


def create(session: Session, *, creator: Member, title: str, detail: str | None, due_at: datetime,
           assignees: list[Member], attachment_file_id: str | None, attachment_kind: str | None,
           now: datetime) -> Task:
    task = Task(team_id=creator.team_id, title=title, detail=detail, due_at=due_at,
                created_by_member_id=creator.id, attachment_file_id=attachment_file_id,
                attachment_kind=attachment_kind, created_at=now)
    session.add(task)
    session.flush()
    for member in assignees:
        session.add(TaskAssignment(task_id=task.id, member_id=member.id, status=AssignmentStatus.ASSIGNED))
    session.flush()
    audit.record(session, action="create", entity="task", entity_id=task.id, team_id=creator.team_id, now=now,
                 actor=creator,
                 after={"title": title, "due_at": due_at, "assignees": [m.id for m in assignees],
                        "attachment": attachment_kind})
    return task


@dataclass(frozen=True)
class Found:
    """An assignment with its task and its assignee."""

    assignment: TaskAssignment
    task: Task
    assignee: Member


def office_of(session: Session, found: Found) -> Member | None:
    """Who in the office hears of an assignee's report or request: the task's creator while an active admin, else
    the team's first active admin (the owner) other than the assignee, so that nothing is left unheard."""
    return members.answering_admin(session, found.task.created_by_member_id, found.task.team_id,
                                   besides=found.assignee.id)


def find(session: Session, assignment_id: int, *, with_cancelled: bool = False) -> Found | None:
    """An assignment with its task and assignee; one of a cancelled task only `with_cancelled`."""
    query = (select(TaskAssignment, Task, Member).join(Task, Task.id == TaskAssignment.task_id)
             .join(Member, Member.id == TaskAssignment.member_id).where(TaskAssignment.id == assignment_id))
    if not with_cancelled:
        query = query.where(Task.cancelled_at.is_(None))
    row = session.execute(query).first()
    return Found(*row) if row is not None else None


def own(session: Session, assignment_id: int, member: Member, *, with_cancelled: bool = False) -> Found | None:
    """The member's own assignment, or None (someone else's, or a forged id)."""
    found = find(session, assignment_id, with_cancelled=with_cancelled)
    return found if found is not None and found.assignment.member_id == member.id else None


def in_team(session: Session, assignment_id: int, team_id: int, *, with_cancelled: bool = False) -> Found | None:
    """An assignment of a task of this team, for its admins; None for another team's (or a forged id)."""
    found = find(session, assignment_id, with_cancelled=with_cancelled)
    return found if found is not None and found.task.team_id == team_id else None


def open_for(session: Session, member_id: int, *, include_reported: bool = False) -> list[tuple[TaskAssignment, Task]]:
    """The member's assignments not closed yet (only those still to report, unless `include_reported`),
    soonest due first."""
    statuses = [AssignmentStatus.ASSIGNED] + ([AssignmentStatus.REPORTED] if include_reported else [])
    rows = session.execute(
        select(TaskAssignment, Task).join(Task, Task.id == TaskAssignment.task_id)
        .where(TaskAssignment.member_id == member_id, TaskAssignment.status.in_(statuses),
               Task.cancelled_at.is_(None))
        .order_by(Task.due_at, Task.id))
    return [(a, t) for a, t in rows]


def team_open(session: Session, team_id: int) -> list[tuple[Task, list[TaskAssignment]]]:
    """The team's tasks with an assignee not closed yet, soonest due first, each with all its assignments."""
    open_ids = select(TaskAssignment.task_id).where(TaskAssignment.status != AssignmentStatus.CLOSED)
    found = list(session.scalars(select(Task).where(Task.team_id == team_id, Task.cancelled_at.is_(None),
                                                   Task.id.in_(open_ids)).order_by(Task.due_at, Task.id)))
    by_task: dict[int, list[TaskAssignment]] = {task.id: [] for task in found}
    if by_task:
        for assignment in session.scalars(select(TaskAssignment).where(TaskAssignment.task_id.in_(list(by_task)))
                                          .order_by(TaskAssignment.id)):
            by_task[assignment.task_id].append(assignment)
    return [(task, by_task[task.id]) for task in found]


def task_in_team(session: Session, task_id: int, team_id: int) -> tuple[Task, list[tuple[TaskAssignment, Member]]] | None:
    task = session.get(Task, task_id)
    if task is None or task.team_id != team_id or task.cancelled_at is not None:
        return None
    rows = session.execute(select(TaskAssignment, Member).join(Member, Member.id == TaskAssignment.member_id)
                           .where(TaskAssignment.task_id == task_id).order_by(TaskAssignment.id))
    return task, [(a, m) for a, m in rows]


def cancelled_in_team(session: Session, task_id: int, team_id: int) -> bool:
    """Whether this is a task of this team that was cancelled (so a press on it can say so)."""
    task = session.get(Task, task_id)
    return task is not None and task.team_id == team_id and task.cancelled_at is not None


def names(session: Session, member_ids: list[int]) -> dict[int, str]:
    if not member_ids:
        return {}
    return dict(session.execute(select(Member.id, Member.display_name).where(Member.id.in_(member_ids))).all())


def move(session: Session, found: Found, to: rules.Move, *, actor: Member, now: datetime, text: str | None = None,
         evidence_file_id: str | None = None, evidence_kind: str | None = None) -> rules.MoveProblem | None:
    """Reports, closes or returns one assignment if it is still where the move starts and its task is not
    cancelled; audited."""
    assignment = found.assignment
    problem = rules.check_move(assignment.status, to, text=text, cancelled=found.task.cancelled_at is not None)
    if problem is not None:
        return problem
    before = assignment.status
    values: dict[str, Any] = {"status": rules.target_of(to)}
    if to is rules.Move.REPORT:
        values.update(reported_at=now, report_note=(text or "").strip(), evidence_file_id=evidence_file_id,
                      evidence_kind=evidence_kind)
    elif to is rules.Move.CLOSE:
        values.update(closed_at=now, closed_by_member_id=actor.id)
    else:
        values.update(returned_reason=(text or "").strip(), returned_at=now)
    not_cancelled = select(Task.id).where(Task.id == found.task.id, Task.cancelled_at.is_(None))
    changed = execute_dml(session, update(TaskAssignment).where(TaskAssignment.id == assignment.id,
                                                                TaskAssignment.status == before,
                                                                TaskAssignment.task_id.in_(not_cancelled)).values(**values))
    if (changed.rowcount or 0) != 1:  # someone moved it (or cancelled the task) meanwhile: say where it is now
        session.refresh(assignment)
        session.refresh(found.task)
        return (rules.check_move(assignment.status, to, text=text, cancelled=found.task.cancelled_at is not None)
                or rules.MoveProblem.ALREADY_REPORTED)
    session.refresh(assignment)
    if assignment.status is not AssignmentStatus.ASSIGNED:  # reported or closed: queued nudges go
        outbox.withdraw_item(session, team_id=found.task.team_id, kind="task", item_id=found.task.id,
                             member_id=assignment.member_id)
    after: dict[str, Any] = {"status": assignment.status.value}
    if text:
        after["note" if to is rules.Move.REPORT else "reason"] = text.strip()
    if evidence_kind:
        after["evidence"] = evidence_kind
    audit.record(session, action=to.value, entity="task_assignment", entity_id=assignment.id,
                 team_id=found.task.team_id, now=now, actor=actor,
                 before={"status": before.value}, after=after)
    if to is rules.Move.CLOSE:  # 回头看 in some months
        lookback.open_round(session, team_id=found.task.team_id, kind=lookback.TASK, item_id=assignment.id,
                            owner_id=assignment.member_id, now=now)
    return None


def cancel(session: Session, task_id: int, team_id: int, *, actor: Member,
           now: datetime) -> list[tuple[TaskAssignment, Member]] | rules.CancelProblem | None:
    """Cancels (撤销) a task of this team if it is not cancelled yet and an assignee is not closed; audited.

    Returns the assignees not closed (to tell), why it cannot be cancelled, or None for another team's
    task (or a forged id). A compare-and-set: of two admins confirming at once, one cancels it."""
    task = session.get(Task, task_id)
    if task is None or task.team_id != team_id:
        return None
    rows = [(a, m) for a, m in session.execute(
        select(TaskAssignment, Member).join(Member, Member.id == TaskAssignment.member_id)
        .where(TaskAssignment.task_id == task_id).order_by(TaskAssignment.id))]
    problem = rules.cancel_problem([a.status for a, _ in rows], cancelled=task.cancelled_at is not None)
    if problem is not None:
        return problem
    still_open = select(TaskAssignment.task_id).where(TaskAssignment.task_id == task_id,
                                                      TaskAssignment.status != AssignmentStatus.CLOSED)
    changed = execute_dml(session, update(Task).where(Task.id == task_id, Task.cancelled_at.is_(None),
                                                      Task.id.in_(still_open)).values(cancelled_at=now))
    if (changed.rowcount or 0) != 1:  # cancelled or closed meanwhile: say which
        session.refresh(task)
        for assignment, _ in rows:
            session.refresh(assignment)
        return rules.cancel_problem([a.status for a, _ in rows],
                                    cancelled=task.cancelled_at is not None) or rules.CancelProblem.ALREADY_CANCELLED
    session.refresh(task)
    told = [(a, m) for a, m in rows if a.status is not AssignmentStatus.CLOSED]
    for assignment, _ in told:
        outbox.withdraw_item(session, team_id=team_id, kind="task", item_id=task.id,
                             member_id=assignment.member_id)
    audit.record(session, action="cancel", entity="task", entity_id=task.id, team_id=team_id, now=now,
                 actor=actor, before={"cancelled_at": None},
                 after={"title": task.title, "cancelled_at": now, "open": [m.id for _, m in told]})
    return told


def times(session: Session, assignment_id: int, to: rules.Move) -> int:
    """How many times this move was made on the assignment (from the audit log): numbers each report and
    return, so each one's message has its own outbox key."""
    return session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity == "task_assignment", AuditEntry.entity_id == assignment_id,
        AuditEntry.action == to.value)) or 0


def notify(session: Session, *, key: str, member: Member, payload: dict[str, Any], now: datetime) -> bool:
    """One message about a task to a member, through the outbox (sent once, in working hours)."""
    return outbox.enqueue(session, key=key, chat_id=member.telegram_user_id, kind="task", payload=payload,
                          not_before=now, team_id=member.team_id, member_id=member.id, now=now)


# --- 签收, questions, plans and extensions (督办's four stages) -------------------------------------------


def sign(session: Session, found: Found, *, now: datetime) -> rules.MoveProblem | rules.RequestProblem | None:
    """The assignee signs for (签收) the assignment, once; a compare-and-set on signed_at; audited."""
    assignment = found.assignment
    problem = rules.request_problem(assignment.status, cancelled=found.task.cancelled_at is not None)
    if problem is not None:
        return problem
    if assignment.signed_at is not None:
        return rules.RequestProblem.ALREADY_SIGNED
    changed = execute_dml(session, update(TaskAssignment).where(
        TaskAssignment.id == assignment.id, TaskAssignment.signed_at.is_(None),
        TaskAssignment.status == AssignmentStatus.ASSIGNED).values(signed_at=now))
    session.refresh(assignment)
    if (changed.rowcount or 0) != 1:
        return (rules.request_problem(assignment.status, cancelled=found.task.cancelled_at is not None)
                or rules.RequestProblem.ALREADY_SIGNED)
    audit.record(session, action="sign", entity="task_assignment", entity_id=assignment.id,
                 team_id=found.task.team_id, now=now, actor=found.assignee, before={"signed_at": None},
                 after={"signed_at": now})
    return None


def ask(session: Session, found: Found, kind: rules.RequestKind, *, text: str, proposed: date | None,
        now: datetime) -> TaskRequest | rules.MoveProblem | rules.RequestProblem:
    """A question, a plan (recorded on the assignment at once: planned_at, plan_date) or an extension
    request from the assignee, waiting for the office; audited."""
    assignment = found.assignment
    session.refresh(assignment)
    problem = rules.request_problem(assignment.status, cancelled=found.task.cancelled_at is not None)
    if problem is not None:
        return problem
    request = TaskRequest(assignment_id=assignment.id, kind=kind.value, text=text, proposed_date=proposed,
                          state=rules.RequestState.OPEN.value, member_id=assignment.member_id, created_at=now)
    session.add(request)
    if kind is rules.RequestKind.PLAN:
        assignment.planned_at, assignment.plan_date = now, proposed
    session.flush()
    audit.record(session, action=f"request_{kind.value}", entity="task_assignment", entity_id=assignment.id,
                 team_id=found.task.team_id, now=now, actor=found.assignee,
                 after={"request": request.id, "text": text, "date": proposed})
    return request


def request_in_team(session: Session, request_id: int, team_id: int) -> tuple[TaskRequest, Found] | None:
    """A request on an assignment of this team's task (cancelled or not), for its admins."""
    request = session.get(TaskRequest, request_id)
    found = in_team(session, request.assignment_id, team_id, with_cancelled=True) if request is not None else None
    return (request, found) if request is not None and found is not None else None


def requests_of(session: Session, assignment_ids: list[int]) -> dict[int, list[TaskRequest]]:
    """Each assignment's requests in the order they were made."""
    found: dict[int, list[TaskRequest]] = {aid: [] for aid in assignment_ids}
    if assignment_ids:
        for request in session.scalars(select(TaskRequest).where(TaskRequest.assignment_id.in_(assignment_ids))
                                       .order_by(TaskRequest.id)):
            found[request.assignment_id].append(request)
    return found


def answer(session: Session, request: TaskRequest, found: Found, to: rules.RequestState, *, actor: Member,
           now: datetime, text: str | None = None,
           ) -> rules.MoveProblem | rules.RequestProblem | rules.TaskProblem | None:
    """The office answers a question or plan (ANSWERED, with ``text``), approves an extension (APPROVED: the
    assignee's deadline moves to the proposed day, 18:00 team time) or refuses it (REFUSED, ``text`` the
    reason). Once only: a compare-and-set on the request's state; audited."""
    if request.state != rules.RequestState.OPEN.value:
        return rules.RequestProblem.ALREADY_ANSWERED
    assignment = found.assignment
    values: dict[str, Any] = {"state": to.value, "answer": text, "answered_by_member_id": actor.id,
                              "answered_at": now}
    old_due = assignment.due
    new_due = None
    if to is rules.RequestState.APPROVED:
        problem: rules.MoveProblem | rules.RequestProblem | rules.TaskProblem | None = rules.request_problem(
            assignment.status, cancelled=found.task.cancelled_at is not None)
        tz = ZoneInfo(found.assignee.team.timezone)
        if problem is None and request.proposed_date is not None:
            problem = rules.extension_problem(request.proposed_date, current_due=old_due, today=now.astimezone(tz).date(),
                                              tz=tz)
        if problem is not None:
            return problem
        assert request.proposed_date is not None  # an extension always proposes its day
        new_due = datetime.combine(request.proposed_date, rules.END_OF_WORKDAY, tzinfo=tz)
        values["old_due_at"] = old_due
    changed = execute_dml(session, update(TaskRequest).where(TaskRequest.id == request.id,
                                                             TaskRequest.state == rules.RequestState.OPEN.value)
                          .values(**values))
    session.refresh(request)
    if (changed.rowcount or 0) != 1:
        return rules.RequestProblem.ALREADY_ANSWERED
    if new_due is not None:
        assignment.due_at = new_due  # through the ORM: its next nudge is looked at again (storage/next_nudge.py)
        outbox.withdraw_item(session, team_id=found.task.team_id, kind="task", item_id=found.task.id,
                             member_id=assignment.member_id, kinds=("nudge",))  # the old day's, not sent yet
        session.flush()
    audit.record(session, action=f"{request.kind}_{to.value}", entity="task_assignment", entity_id=assignment.id,
                 team_id=found.task.team_id, now=now, actor=actor, before={"due_at": old_due} if new_due else None,
                 after={"request": request.id, **({"answer": text} if text else {}),
                        **({"due_at": new_due} if new_due else {})})
    return None


def lights(session: Session, rows: list[tuple[TaskAssignment, Task]], *, team_id: int, timezone: str,
           now: datetime, base: Callable[[date], bool]) -> dict[int, Light]:
    """Each assignment's warning light (core.task_lights) at ``now``, on the team's working-day calendar
    (``base`` corrected by the team's own days, as the nudges count them); by assignment id."""
    if not rows:
        return {}
    return _lit(((a.id, a.status, a.due_at, a.signed_at, a.plan_date, task.due_at, task.created_at) for a, task in rows),
                now=now, tz=ZoneInfo(timezone), is_workday=calendar.workday(session, team_id, base=base))


def _lit(rows: Iterable[tuple[int, AssignmentStatus, datetime | None, datetime | None, date | None, datetime,
                              datetime]], *, now: datetime, tz: ZoneInfo,
         is_workday: Callable[[date], bool]) -> dict[int, Light]:
    """(assignment id, status, its own due, signed, plan day, the task's due, assigned) → the light, by id."""
    return {row_id: light(status, due=own_due or task_due, assigned_at=assigned_at, signed_at=signed_at,
                          plan_date=plan_date, now=now, tz=tz, is_workday=is_workday)
            for row_id, status, own_due, signed_at, plan_date, task_due, assigned_at in rows}


def lights_by_id(session: Session, assignment_ids: Iterable[int], *, now: datetime, tz: ZoneInfo,
                 is_workday: Callable[[date], bool]) -> dict[int, Light]:
    """The warning lights of these assignments, for their nudges, in one query however many there are;
    ``is_workday``: the team's calendar already."""
    wanted = set(assignment_ids)
    if not wanted:
        return {}
    return _lit(_light_rows(session, wanted), now=now, tz=tz, is_workday=is_workday)


def lights_of_teams(session: Session, assignment_ids: Mapping[int, Iterable[int]], *, now: datetime,
                    zones: Mapping[int, ZoneInfo], workdays: Mapping[int, Callable[[date], bool]],
                    ) -> dict[int, dict[int, Light]]:
    """:func:`lights_by_id` for many teams in one query: team → assignment id → light, each in its team's time
    zone and on its calendar (``assignment_ids``: team → its assignments)."""
    team_of = {assignment_id: team_id for team_id, ids in assignment_ids.items() for assignment_id in ids}
    if not team_of:
        return {}
    rows: dict[int, list[Any]] = {}
    for row in _light_rows(session, team_of):
        rows.setdefault(team_of[row[0]], []).append(row)
    return {team_id: _lit(mine, now=now, tz=zones[team_id], is_workday=workdays[team_id])
            for team_id, mine in rows.items()}


def _light_rows(session: Session, assignment_ids: Iterable[int]) -> Any:
    """(assignment id, status, its own due, signed, plan day, the task's due, assigned) of these assignments."""
    return session.execute(select(
        TaskAssignment.id, TaskAssignment.status, TaskAssignment.due_at, TaskAssignment.signed_at,
        TaskAssignment.plan_date, Task.due_at, Task.created_at).join(Task, Task.id == TaskAssignment.task_id)
        .where(among(session, TaskAssignment.id, assignment_ids)))
