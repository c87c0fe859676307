"""The instant the scheduling tick next looks at a row: `next_nudge_at` on every item with a deadline (motions,
follow_up_items, task_assignments; NULL once closed) and `next_check_at` on teams (their day-granular work:
pace, boards, the weekly summary, broadcasts). Both indexed, so a tick reads only what has come due
(jobs/schedule.py) and a tick with nothing due is one index range scan per table.

One mechanism keeps them: session events registered by :func:`install` (every `Database` does).

- `before_flush`: a new or changed item (its status, due day, snooze, owner, deletion), a task's due time or
  cancellation, a member's status, a leave period, a team's calendar day or time zone, a broadcast → the rows
  they concern are set to :data:`RECHECK` (look at it on the next tick), in the same transaction. An item that
  closes gets NULL and its queued nudges and 约谈提醒 are withdrawn then; a snoozed one's nudges are withdrawn.
- `do_orm_execute`: a bulk `update()` of those tables (which bypasses the flush) gets `next_nudge_at = RECHECK`
  added, and a bulk update of tasks rechecks the assignments it touches; the tick then finds a closed item
  closed, withdraws what it still had queued and sets NULL. (storage.roster.restore, a bulk update of a
  member's status, rechecks the member's items itself.)

A snooze (`snoozed_until`) is about the round of nudges it was pressed on: both events drop it when the item
stops being open (replied, fed back, reported, closed, deleted) and when it opens again (不满意, 回头看's
未落实, a task returned), so an old snooze never sends a reopened item its "reminder"
(core.nudge_schedule.stage_due answers one for any snooze that has ended).

The precise instant needs the configuration (offsets, escalation), the team's calendar and the clock, which
storage does not have: the tick computes it (core.nudge_schedule.next_look) and stores it with
:func:`advance`. An instant earlier than necessary only costs work (outbox keys are unique, the tick re-derives
the stage); a later one would lose a nudge, so every change here makes it earlier, never later.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BindParameter,
    Table,
    and_,
    bindparam,
    case,
    event,
    func,
    inspect,
    literal,
    null,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.orm import ORMExecuteState, Session

from core.domain import AssignmentStatus, MemberStatus
from storage import outbox
from storage.deadlines import FOLLOW_UP_OPEN, Item, MotionHeadline
from storage.models import (
    Broadcast,
    FollowUpItem,
    LeavePeriod,
    Member,
    Motion,
    Task,
    TaskAssignment,
    Team,
    TeamCalendarDay,
)
from storage.motions import UNREPLIED

#: Long past: the next tick looks at the row (and sets its real instant).
RECHECK = datetime(2000, 1, 1, tzinfo=UTC)

#: Ids in one `IN (…)` at most.
CHUNK = 10_000

#: Execution option of this module's own statements (the event leaves them as they are).
OWN = "saima_next_nudge"

_ITEMS: dict[str, type[Motion] | type[FollowUpItem] | type[TaskAssignment]] = {
    "motion": Motion, "followup": FollowUpItem, "task": TaskAssignment}
_ITEM_TABLES = frozenset({"motions", "follow_up_items", "task_assignments"})
#: The attributes whose change can move an item's next nudge (or close it).
_WATCHED = {
    Motion: frozenset({"status", "deleted_at", "snoozed_until", "reply_due", "lead_member_id", "created_at"}),
    FollowUpItem: frozenset({"status", "deleted_at", "snoozed_until", "feedback_due", "member_id", "assigned_at",
                             "created_at"}),
    TaskAssignment: frozenset({"status", "snoozed_until", "member_id", "task_id", "due_at"}),
}
#: The attributes that open or close an item, and the values with which it is open.
_OPEN_WHEN: dict[type[Any], dict[str, tuple[Any, ...]]] = {
    Motion: {"status": UNREPLIED, "deleted_at": (None,)},
    FollowUpItem: {"status": FOLLOW_UP_OPEN, "deleted_at": (None,)},
    TaskAssignment: {"status": (AssignmentStatus.ASSIGNED,)},
}
_BY_TABLE: dict[str, type[Any]] = {"motions": Motion, "follow_up_items": FollowUpItem,
                                   "task_assignments": TaskAssignment}


# --- the events ----------------------------------------------------------------------------------------------


def install() -> None:
    """Registers the session events once per process (every Session; idempotent)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "do_orm_execute", _on_execute)


def _is_open(obj: object) -> bool:
    # A status not set yet (None) takes the column's default at INSERT: assigned, raised, assigned (open).
    if isinstance(obj, Motion):
        return obj.deleted_at is None and (obj.status is None or obj.status in UNREPLIED)
    if isinstance(obj, FollowUpItem):
        return (obj.deleted_at is None and (obj.status is None or obj.status in FOLLOW_UP_OPEN)
                and obj.feedback_due is not None)
    if isinstance(obj, TaskAssignment):
        task = obj.task  # unknown yet (None): taken as open, an instant too early only costs a look
        return (obj.status is None or obj.status == AssignmentStatus.ASSIGNED) and (
            task is None or task.cancelled_at is None)
    return False


def _withdraw(session: Session, obj: object, kinds: tuple[str, ...]) -> None:
    if isinstance(obj, Motion):
        team_id, kind, item_id, member_id = obj.team_id, "motion", obj.id, obj.lead_member_id
    elif isinstance(obj, FollowUpItem):
        team_id, kind, item_id, member_id = obj.team_id, "followup", obj.id, obj.member_id
    elif isinstance(obj, TaskAssignment) and obj.task is not None:
        team_id, kind, item_id, member_id = obj.task.team_id, "task", obj.task_id, obj.member_id
    else:
        return
    if item_id is not None:  # a row never stored has nothing queued
        outbox.withdraw_item(session, team_id=team_id, kind=kind, item_id=item_id, member_id=member_id, kinds=kinds)


def _changed(obj: object) -> set[str]:
    return {attr.key for attr in inspect(obj).attrs if attr.history.has_changes()}


def _reopened(obj: object) -> bool:
    """Whether this flush opens again an item that was not open (its old status or deletion says so; an old
    value not loaded says nothing)."""
    for key, open_values in _OPEN_WHEN[type(obj)].items():
        history = inspect(obj).attrs[key].history
        if history.has_changes() and history.deleted and history.deleted[0] not in open_values:
            return True
    return False


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    members: set[int] = set()  # their items are looked at again
    teams: set[int] = set()  # their items and their day's work
    checks: set[int] = set()  # their day's work only
    with session.no_autoflush:
        for obj in list(session.new):
            if isinstance(obj, Motion | FollowUpItem | TaskAssignment):
                obj.next_nudge_at = RECHECK if _is_open(obj) else None
            elif isinstance(obj, Team):
                obj.next_check_at = RECHECK
            elif isinstance(obj, LeavePeriod):
                members.add(obj.member_id)
            elif isinstance(obj, TeamCalendarDay):
                teams.add(obj.team_id)
            elif isinstance(obj, Broadcast):
                checks.add(obj.team_id)
        for obj in list(session.dirty):
            if isinstance(obj, Motion | FollowUpItem | TaskAssignment):
                changed = _changed(obj) & _WATCHED[type(obj)]
                if not changed:
                    continue
                if _is_open(obj):
                    obj.next_nudge_at = RECHECK
                    if _reopened(obj):
                        obj.snoozed_until = None
                    elif "snoozed_until" in changed and obj.snoozed_until is not None:
                        _withdraw(session, obj, ("nudge",))  # the admins' 约谈提醒 stays: a snooze is the member's
                else:
                    obj.next_nudge_at = None
                    obj.snoozed_until = None
                    _withdraw(session, obj, tuple(outbox.ITEM_KINDS))
            elif isinstance(obj, Task):
                if _changed(obj) & {"due_at", "cancelled_at"}:
                    for assignment in obj.assignments:
                        if assignment.status != AssignmentStatus.ASSIGNED:
                            continue
                        assignment.next_nudge_at = RECHECK if obj.cancelled_at is None else None
                        if obj.cancelled_at is not None:
                            _withdraw(session, assignment, tuple(outbox.ITEM_KINDS))
            elif isinstance(obj, Member):
                if _changed(obj) & {"status", "team_id"}:
                    members.add(obj.id)
            elif isinstance(obj, LeavePeriod):
                members.add(obj.member_id)
            elif isinstance(obj, TeamCalendarDay):
                teams.add(obj.team_id)
            elif isinstance(obj, Team):
                changed = _changed(obj)
                if "timezone" in changed:
                    teams.add(obj.id)
                elif changed & {"group_chat_id", "settings"}:
                    obj.next_check_at = RECHECK
            elif isinstance(obj, Broadcast):
                checks.add(obj.team_id)
        for obj in list(session.deleted):
            if isinstance(obj, Motion | FollowUpItem | TaskAssignment):
                _withdraw(session, obj, tuple(outbox.ITEM_KINDS))
            elif isinstance(obj, LeavePeriod):
                members.add(obj.member_id)
            elif isinstance(obj, TeamCalendarDay):
                teams.add(obj.team_id)
        members.discard(None)  # type: ignore[arg-type,unused-ignore]  # a row whose member is not set yet
        if members:
            recheck_members(session, members)
        if teams:
            recheck_teams(session, teams)
        if checks - teams:
            _check_teams(session, checks - teams)


def _on_execute(state: ORMExecuteState) -> None:
    """A bulk UPDATE bypasses the flush: one of an item table gets `next_nudge_at = RECHECK` (the tick then sees
    what became of the row); one of tasks rechecks the assignments of the tasks it updates (before it, while its
    WHERE still picks them). Members' bulk updates (language, reachability, role, removal) move no nudge but
    one: storage.roster.restore rechecks the member's items itself (a removed member's are looked at daily)."""
    if not state.is_update or state.execution_options.get(OWN):
        return
    statement = state.statement
    table = getattr(statement, "table", None)
    name = getattr(table, "name", None)
    if name in _ITEM_TABLES and not state.is_executemany:
        values: dict[str, Any] = {"next_nudge_at": RECHECK}
        snooze = _snooze_after(_BY_TABLE[name], statement)
        if snooze is not None:
            values["snoozed_until"] = snooze
        state.statement = statement.values(**values)  # type: ignore[attr-defined]  # an Update
    elif name == "tasks":
        where = statement.whereclause  # type: ignore[attr-defined]  # an Update
        picked = select(Task.id) if where is None else select(Task.id).where(where)
        state.session.execute(update(TaskAssignment).where(TaskAssignment.task_id.in_(picked),
                                                            TaskAssignment.next_nudge_at.is_not(None))
                              .values(next_nudge_at=RECHECK),
                              execution_options={OWN: True, "synchronize_session": False})


def _snooze_after(model: type[Any], statement: Any) -> Any:
    """What a bulk UPDATE that moves an item's status or deletion sets its snooze to: NULL where it closes the
    row or opens it again, else the snooze it had (None: the UPDATE opens or closes nothing). The new values are
    the statement's own; an attribute it leaves as it was is open after exactly when it was before."""
    open_when = _OPEN_WHEN[model]
    sets = {getattr(column, "key", column): value for column, value in (statement._values or {}).items()}
    moved = [key for key in open_when if key in sets]
    if not moved:
        return None
    if not all(isinstance(sets[key], BindParameter) and sets[key].effective_value in open_when[key]
               for key in moved):
        return null()  # closed by it (or set by an expression: taken as closed, which only drops a snooze)
    was_open = and_(*(getattr(model, key).is_(None) if values == (None,) else getattr(model, key).in_(values)
                      for key, values in open_when.items()))
    return case((was_open, model.snoozed_until), else_=null())  # opened again: the old snooze goes


# --- rechecks ------------------------------------------------------------------------------------------------


def _recheck_items(session: Session, *, member_ids: Any = None, team_ids: Any = None) -> None:
    options = {OWN: True, "synchronize_session": False}
    for model in (Motion, FollowUpItem, TaskAssignment):
        owner = model.lead_member_id if model is Motion else model.member_id  # type: ignore[union-attr]
        where = [model.next_nudge_at.is_not(None)]
        if member_ids is not None:
            where.append(owner.in_(member_ids))
        if team_ids is not None:
            if model is TaskAssignment:
                where.append(TaskAssignment.task_id.in_(select(Task.id).where(Task.team_id.in_(team_ids))))
            else:
                where.append(model.team_id.in_(team_ids))  # type: ignore[union-attr]
        session.execute(update(model).where(*where).values(next_nudge_at=RECHECK), execution_options=options)


def recheck_members(session: Session, member_ids: Iterable[int]) -> None:
    """The open items of these members are looked at on the next tick (their status or leave changed)."""
    _recheck_items(session, member_ids=sorted(member_ids))


def _check_teams(session: Session, team_ids: Iterable[int]) -> None:
    session.execute(update(Team).where(Team.id.in_(sorted(team_ids))).values(next_check_at=RECHECK),
                    execution_options={OWN: True, "synchronize_session": False})


def recheck_teams(session: Session, team_ids: Iterable[int]) -> None:
    """Every open item and the day's work of these teams are looked at on the next tick (their calendar or
    time zone changed)."""
    ids = sorted(team_ids)
    _recheck_items(session, team_ids=ids)
    _check_teams(session, ids)


def recheck_later_than(session: Session, now: datetime) -> None:
    """Every instant after ``now`` is looked at again on the next tick: the clock went back, so instants
    worked out from a later clock may be too late."""
    options = {OWN: True, "synchronize_session": False}
    for model in (Motion, FollowUpItem, TaskAssignment):
        session.execute(update(model).where(model.next_nudge_at > now).values(next_nudge_at=RECHECK),
                        execution_options=options)
    session.execute(update(Team).where(Team.next_check_at > now).values(next_check_at=RECHECK),
                    execution_options=options)


# --- what the tick reads and writes --------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """A row whose instant has come: its kind and id, and its team."""

    kind: str  # motion | followup | task
    row_id: int  # the row carrying the instant: the motion, the finding, the task assignment
    team_id: int


def _instant(now: datetime) -> Any:
    """``now`` written into the statement, not a parameter: PostgreSQL then plans each tick's range scans for
    this instant (a plan prepared for any instant guesses a third of the table and may scan it, or JIT-compile)."""
    return bindparam("now", now, type_=Motion.__table__.c.next_nudge_at.type, literal_execute=True)


def due(session: Session, now: datetime, *, limit: int) -> list[Due]:
    """Up to ``limit`` rows whose instant has come, over all teams: one statement of three index range scans."""
    now = _instant(now)
    parts: list[Any] = [
        select(literal("motion").label("kind"), Motion.id.label("row_id"), Motion.team_id.label("team_id"))
        .where(Motion.next_nudge_at <= now),
        select(literal("followup"), FollowUpItem.id, FollowUpItem.team_id).where(FollowUpItem.next_nudge_at <= now),
        # the team per due row (an index lookup each), not a join the planner may hash over every task
        select(literal("task"), TaskAssignment.id,
               select(Task.team_id).where(Task.id == TaskAssignment.task_id).scalar_subquery())
        .where(TaskAssignment.next_nudge_at <= now),
    ]
    return [Due(kind, row_id, team_id) for kind, row_id, team_id in session.execute(union_all(*parts).limit(limit))]


def any_due(session: Session, now: datetime) -> bool:
    """Whether any row's instant has come: one statement comparing each table's earliest instant with ``now``
    (`min` is the first entry of the column's index on both backends, whatever the statistics say; an `EXISTS`
    with the condition let PostgreSQL choose a sequential scan expecting an early hit, 100 ms over 1,000,000 open
    items when nothing was due). The tick claims them with :func:`claim`; :func:`due` lists them."""
    at = _instant(now)
    return bool(session.scalar(select(or_(*(select(func.min(model.next_nudge_at)).scalar_subquery() <= at
                                            for model in (Motion, FollowUpItem, TaskAssignment))))))


def teams_due(session: Session, now: datetime) -> list[int]:
    """Teams whose day-granular work is due (an index range scan)."""
    return list(session.scalars(select(Team.id).where(Team.next_check_at <= _instant(now)).order_by(Team.id)))


@dataclass(frozen=True)
class Looked:
    """A due row as the tick sees it now: the open item, or None once it is no longer open."""

    kind: str
    row_id: int
    item_id: int
    member_id: int
    team_id: int
    item: Item | None


def _locked(session: Session, statement: Any, model: type[Any]) -> Any:
    # PostgreSQL: rows another instance is working on are skipped; SQLite: BEGIN IMMEDIATE serialises the
    # ticks and the `<= now` re-check below is the compare-and-set.
    if session.get_bind().dialect.name == "postgresql":
        return statement.with_for_update(skip_locked=True, of=model)
    return statement


def claim(session: Session, now: datetime, *, limit: int, team_id: int | None = None) -> list[Looked]:
    """The rows due now (of one team, or of all), locked for this transaction: one index range scan per kind,
    like :func:`due` (a task's due instant is read as a day in its team's time zone). Read as plain rows (Core:
    no ORM row processing for ~10,000 rows on the day's first tick)."""
    at = _instant(now)
    connection = session.connection()
    of_team: dict[str, list[Any]] = {"motion": [], "followup": [], "task": []}
    if team_id is not None:
        of_team = {"motion": [Motion.team_id == team_id], "followup": [FollowUpItem.team_id == team_id],
                   "task": [Task.team_id == team_id]}
    looked: list[Looked] = []
    for (motion_id, team, lead, due_day, snoozed, title, kind, number, is_key, created, status,
         deleted) in connection.execute(_locked(session, select(
            Motion.id, Motion.team_id, Motion.lead_member_id, Motion.reply_due, Motion.snoozed_until, Motion.title,
            Motion.kind, Motion.number, Motion.is_key, Motion.created_at, Motion.status, Motion.deleted_at,
         ).where(Motion.next_nudge_at <= at, *of_team["motion"]).limit(limit), Motion)):
        still = deleted is None and status in UNREPLIED
        looked.append(Looked("motion", motion_id, motion_id, lead, team, Item(
            "motion", motion_id, motion_id, lead, due_day, snoozed, title,
            motion=MotionHeadline(kind, number, is_key, title), created_at=created) if still else None))
    for (finding_id, team, member_id, due_day, snoozed, content, assigned, created, status,
         deleted) in connection.execute(_locked(session, select(
            FollowUpItem.id, FollowUpItem.team_id, FollowUpItem.member_id, FollowUpItem.feedback_due,
            FollowUpItem.snoozed_until, FollowUpItem.content, FollowUpItem.assigned_at, FollowUpItem.created_at,
            FollowUpItem.status, FollowUpItem.deleted_at,
         ).where(FollowUpItem.next_nudge_at <= at, *of_team["followup"]).limit(limit), FollowUpItem)):
        still = deleted is None and status in FOLLOW_UP_OPEN and due_day is not None
        looked.append(Looked("followup", finding_id, finding_id, member_id, team, Item(
            "followup", finding_id, finding_id, member_id, cast(date, due_day), snoozed, content,
            created_at=assigned or created) if still else None))
    zones: dict[str, ZoneInfo] = {}
    for (assignment_id, member_id, snoozed, status, task_id, team, due_at, title, created,
         cancelled, timezone) in connection.execute(_locked(session, select(
            TaskAssignment.id, TaskAssignment.member_id, TaskAssignment.snoozed_until, TaskAssignment.status,
            Task.id, Task.team_id, func.coalesce(TaskAssignment.due_at, Task.due_at), Task.title, Task.created_at,
            Task.cancelled_at, Team.timezone,
         ).join(Task, Task.id == TaskAssignment.task_id).join(Team, Team.id == Task.team_id)
         .where(TaskAssignment.next_nudge_at <= at, *of_team["task"]).limit(limit), TaskAssignment)):
        still = status == AssignmentStatus.ASSIGNED and cancelled is None
        if still and timezone not in zones:
            zones[timezone] = ZoneInfo(timezone)
        looked.append(Looked("task", assignment_id, task_id, member_id, team, Item(
            "task", task_id, assignment_id, member_id, due_at.astimezone(zones[timezone]).date(), snoozed, title,
            created_at=created) if still else None))
    return looked


def advance(session: Session, instants: Iterable[tuple[str, int, datetime | None]]) -> None:
    """Stores each row's next instant (None: closed): one UPDATE … WHERE id IN (…) per table and instant (the
    rows of a tick share few instants: the next days' midnights, the allowed moment), its form cached."""
    if session.get_bind().dialect.name == "postgresql":
        _advance_postgres(session, instants)
        return
    groups: dict[tuple[str, datetime | None], list[int]] = {}
    for kind, row_id, at in instants:
        groups.setdefault((kind, at), []).append(row_id)
    for (kind, at), ids in groups.items():
        table = cast(Table, _ITEMS[kind].__table__)
        for start in range(0, len(ids), CHUNK):  # SQLite takes at most 32,766 parameters a statement
            session.connection().execute(update(table).where(table.c.id.in_(bindparam("ids", expanding=True)))
                                         .values(next_nudge_at=bindparam("at")),
                                         {"ids": ids[start:start + CHUNK], "at": at})


def _advance_postgres(session: Session, instants: Iterable[tuple[str, int, datetime | None]]) -> None:
    """PostgreSQL: one UPDATE … FROM json_to_recordset(…) per table, the rows as one JSON parameter."""
    instants = list(instants)
    # the rows share few instants: each written out once
    written = {at: None if at is None else at.astimezone(UTC).isoformat() for at in {at for _, _, at in instants}}
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for kind, row_id, at in instants:
        by_kind.setdefault(kind, []).append({"id": row_id, "at": written[at]})
    for kind, rows in by_kind.items():
        table = _ITEMS[kind].__tablename__
        session.execute(text(f"UPDATE {table} SET next_nudge_at = r.at FROM json_to_recordset(CAST(:rows AS json)) "
                             f"AS r(id int, at timestamptz) WHERE {table}.id = r.id"), {"rows": json.dumps(rows)})


def claim_teams(session: Session, team_ids: Iterable[int], now: datetime, *, until: datetime) -> list[int]:
    """Compare-and-set: takes the day-granular work of those of these teams still due (another instance may
    have taken some), setting their instant to ``until`` until the work sets the real one. The ids taken."""
    result = session.execute(update(Team).where(Team.id.in_(sorted(set(team_ids))), Team.next_check_at <= now)
                             .values(next_check_at=until).returning(Team.id),
                             execution_options={OWN: True, "synchronize_session": False})
    return sorted(result.scalars())


def set_team_checks(session: Session, instants: Mapping[int, datetime]) -> None:
    """Stores each team's next check: one UPDATE per distinct instant (most teams share the next midnight)."""
    groups: dict[datetime, list[int]] = {}
    for team_id, at in instants.items():
        groups.setdefault(at, []).append(team_id)
    table = cast(Table, Team.__table__)
    for at, ids in groups.items():
        session.connection().execute(update(table).where(table.c.id.in_(bindparam("ids", expanding=True)))
                                     .values(next_check_at=bindparam("at")), {"ids": ids, "at": at})


def member_is_active(member: Member | None) -> bool:
    return member is not None and member.status == MemberStatus.ACTIVE
