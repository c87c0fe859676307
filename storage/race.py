"""The race board's data: every active member's inputs for a period in a fixed number of grouped
queries, their scores and ranks (`core.race`), and the snapshots that keep each period's ranks for
the next period's movement (↑2 ↓1).

Whatever the team's size, :func:`gather` runs a fixed number of queries, each bounded by the team and the
period's dates: members, leave, targets; what was done, from the month totals (storage/totals.py) or from
scratch (trips, key topics, study attendance, key motions); the deadlines, counted per member and kind by the
database (:func:`deadline_tallies`) or, from scratch, read row by row; the per-member arithmetic is Python's.
Day-dated records are compared as dates; instants (a key topic's registration, a finding's feedback) are read
in the team's timezone.

What counts in a period, up to the board day:

* targets: the year's (config defaults, the team's, the member's own), and the team's quarter targets
  (季目标) where set, which the period's target then follows (`core.race.curve_target`);
* research days: the union of the member's trips clipped to the period (as `/me` counts a year);
* key research topics: a topic counts on the day it was registered, moved into its own year
  (a topic registered in December for next year counts on 1 January), so the months add up to
  the year `/me` shows;
* collective study (集体学习 and 理论学习中心组) and law study (集体学法): sessions held in the period
  that the member attended;
* key suggestions / proposals led: key motions assigned (交办) in the period;
* deadlines: replies to the member's motions (reply_due / replied_on) and feedback on their
  follow-up items (feedback_due / fed_back_at) and their supervised task assignments (督办: due_at;
  answered on the day the office closed it, on time when the report it closed was made by due_at;
  open past its due day: overdue; cancelled tasks left out), see `core.race.judge_deadlines`.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    case,
    delete,
    func,
    literal,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy import cast as cast_
from sqlalchemy.orm import Session

from config import Config, RaceWeights, Targets
from core import pace, race
from core.domain import AssignmentStatus, Duty, MemberStatus, MotionKind, StudyKind
from core.trips import grassroots_days
from storage import db, team_duties, totals
from storage.db import dialect_insert
from storage.models import (
    FollowUpItem,
    LeavePeriod,
    Member,
    MonthTotal,
    Motion,
    RaceSnapshot,
    ResearchTopic,
    ResearchTrip,
    StudyAttendance,
    StudySession,
    Target,
    Task,
    TaskAssignment,
    Team,
)
from storage.progress import STUDY_KINDS_FOR, office_availability
from storage.targets import quarters_of

_DUTIES = tuple(Duty)  # iterating the enum class (or reading its members as attributes) costs more, per row
_REPLY, _FEEDBACK, _TASK = race.DeadlineKind.REPLY, race.DeadlineKind.FEEDBACK, race.DeadlineKind.TASK
_CLOSED = AssignmentStatus.CLOSED
KEY_MOTION_DUTY = {MotionKind.SUGGESTION: Duty.KEY_SUGGESTIONS, MotionKind.PROPOSAL: Duty.KEY_PROPOSALS}
STUDY_DUTY = {kind: duty for duty, kinds in STUDY_KINDS_FOR.items() for kind in kinds}


def weights_from(settings: RaceWeights) -> race.Weights:
    """The config's `[race]` weights as exact decimals."""
    values = {name: Decimal(str(value)) for name, value in dataclasses.asdict(settings).items()
              if isinstance(value, float)}
    return race.Weights(duties={duty: values[duty.value] for duty in Duty}, on_time=values["on_time"],
                        overdue_penalty=values["overdue_penalty"])


@dataclass(frozen=True)
class Contender:
    """Who a line of the board is about (and the term of office their score is pro-rated to)."""

    member_id: int
    name: str
    telegram_user_id: int
    took_office_on: date | None = None  # 任职日期
    left_office_on: date | None = None  # 离任日期


def contenders(session: Session, team_id: int) -> list[Contender]:
    """The team's active members who race (not the office), in the order they joined the bot."""
    return [Contender(*row) for row in session.execute(
        select(Member.id, Member.display_name, Member.telegram_user_id, Member.took_office_on, Member.left_office_on)
        .where(Member.team_id == team_id, Member.status == MemberStatus.ACTIVE, Member.races.is_(True))
        .order_by(Member.id)
    )]


def gather(session: Session, team_id: int, period: race.Period, *, as_of: date, defaults: Targets,
           tz: ZoneInfo, from_totals: bool = True, racing: Sequence[Contender] | None = None) -> list[race.MemberInputs]:
    """Every active racing member's inputs for ``period`` read as of ``as_of``, in a fixed number of
    queries. The office (``races`` False) is not in the race; a member counts from 任职日期 through 离任日期.
    What was done comes from the month totals (``from_totals``, see :func:`done_from_totals`), else from
    every record of the period (the from-scratch path the tests and the benchmark compare with). ``racing``: the
    team's :func:`contenders` when the caller has read them already."""
    return gather_days(session, team_id, period, days=(as_of,), defaults=defaults, tz=tz,
                       from_totals=from_totals, racing=racing)[0]


def gather_days(session: Session, team_id: int, period: race.Period, *, days: Sequence[date], defaults: Targets,
                tz: ZoneInfo, from_totals: bool = True,
                racing: Sequence[Contender] | None = None) -> list[list[race.MemberInputs]]:
    """:func:`gather` as of each of ``days`` (one list per day, in their order), read once: the members,
    their leave and targets are shared; what was done is summed from the month totals for the latest day
    only, and an earlier day's is that less what :func:`counted_between` the two days (the weekly
    summary's year as of the week's end and as of the day before it); the deadlines are counted for each day
    (:func:`deadline_tallies`). From scratch, the deadlines of any of the days are read once and shared (an item
    a day does not judge counts nothing on it)."""
    wanted = [race.board_day(period, as_of) for as_of in days]
    day, earliest = max(wanted), min(wanted)  # ``day``: the latest
    start, year = period.start, period.year
    member_rows = [(c.member_id, c.took_office_on, c.left_office_on)
                   for c in (contenders(session, team_id) if racing is None else racing)]
    team_members = select(Member.id).where(Member.team_id == team_id).scalar_subquery()

    leave: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for member_id, first, last in session.execute(
        select(LeavePeriod.member_id, LeavePeriod.start_date, LeavePeriod.end_date).where(
            LeavePeriod.member_id.in_(team_members),
            LeavePeriod.start_date <= date(year, 12, 31), LeavePeriod.end_date >= date(year, 1, 1))
    ):
        if first <= last:
            leave[member_id].append((first, last))

    base = {Duty(name): Decimal(value) for name, value in dataclasses.asdict(defaults).items()}
    team_targets: dict[Duty, Decimal] = {}
    member_targets: dict[int, dict[Duty, Decimal]] = defaultdict(dict)
    team_quarters: dict[Duty, pace.QuarterTargets | None] = {}
    member_quarters: dict[int, dict[Duty, pace.QuarterTargets | None]] = defaultdict(dict)
    for row in session.scalars(select(Target).where(Target.team_id == team_id, Target.year == year)):
        (team_targets if row.member_id is None else member_targets[row.member_id])[row.duty] = row.value
        # a member's own row replaces the team's, quarters and all (None: spread evenly)
        (team_quarters if row.member_id is None else member_quarters[row.member_id])[row.duty] = quarters_of(row)
    base |= team_targets

    done_on: dict[date, dict[int, dict[Duty, Decimal]]] = {}
    if from_totals:
        done_on[day] = done_from_totals(session, team_id, start, day, tz)
        for earlier in sorted(set(wanted) - {day}):
            done_on[earlier] = _less(done_on[day], counted_between(session, team_id, earlier + timedelta(days=1),
                                                                   day, tz))
    else:
        done_on = {each: done_from_records(session, team_id, start, each, tz) for each in set(wanted)}

    # The team's own duties as they stood on the board day (core/team_duties.py): what each member logged from the
    # period's start.
    own_duties = team_duties.in_force(session, team_id, day, tz)
    own_done = {each: team_duties.done(session, [row[0] for row in member_rows], [d.id for d in own_duties],
                                       first=start, last=each) for each in set(wanted)} if own_duties else {}

    # The deadlines: with the totals, counted by the database for each day (a year's are thousands of rows, a few a
    # member); from scratch, read row by row once for all the days.
    counted = {each: deadline_tallies(session, team_id, period, each, tz) for each in set(wanted)} \
        if from_totals else None
    deadlines = {} if from_totals else _deadlines(session, team_id, period, day, earliest, tz)

    # Most members share their availability and targets: one object each for all who share it (fewer to build,
    # and the scores' per-board caches find them at once).
    availabilities: dict[tuple[date | None, date | None, tuple[tuple[date, date], ...]], pace.Availability] = {}
    team_curves = {duty: found for duty, found in team_quarters.items() if found is not None}
    results: list[list[race.MemberInputs]] = [[] for _ in wanted]
    for member_id, took_office_on, left_office_on in member_rows:
        spans = tuple(leave.get(member_id, ()))
        availability = availabilities.get((took_office_on, left_office_on, spans))
        if availability is None:
            availability = availabilities[took_office_on, left_office_on, spans] = office_availability(
                year, took_office_on, left_office_on, spans)
        own_targets = member_targets.get(member_id)
        yearly_targets = base | own_targets if own_targets else base
        own_deadlines = tuple(deadlines.get(member_id, ()))
        own_curves = member_quarters.get(member_id)
        quarter_targets = {duty: found for duty, found in (team_quarters | own_curves).items()
                           if found is not None} if own_curves else team_curves
        for result, each in zip(results, wanted, strict=True):
            extras = tuple(race.ExtraDuty(d.id, d.name, d.unit, d.weight, d.yearly_target,
                                          own_done[each].get((member_id, d.id), Decimal(0)))
                           for d in own_duties) if own_duties else ()
            result.append(race.MemberInputs(
                member_id=member_id, availability=availability, yearly_targets=yearly_targets,
                done=done_on[each].get(member_id, {}), deadlines=own_deadlines, quarter_targets=quarter_targets,
                extras=extras, tallies=None if counted is None else counted[each].get(member_id, ())))
    return results


def _deadlines(session: Session, team_id: int, period: race.Period, day: date, earliest: date,
               tz: ZoneInfo) -> dict[int, list[race.Deadline]]:
    """Each member's deadlines that any board day from ``earliest`` through ``day`` judges or finds overdue,
    row by row (the from-scratch path; :func:`deadline_tallies` counts the same in the database)."""
    start = period.start
    deadline, reply, feedback, task, closed_status = race.Deadline, _REPLY, _FEEDBACK, _TASK, _CLOSED
    deadlines: dict[int, list[race.Deadline]] = defaultdict(list)
    for member_id, due, replied_on in session.execute(
        select(Motion.lead_member_id, Motion.reply_due, Motion.replied_on).where(
            Motion.team_id == team_id, Motion.deleted_at.is_(None),
            or_(Motion.reply_due.between(start, period.end),
                and_(Motion.reply_due < day, or_(Motion.replied_on.is_(None), Motion.replied_on > earliest))))
    ):
        deadlines[member_id].append(deadline(due, replied_on, reply))

    day_ends = datetime.combine(earliest + timedelta(days=1), time(), tzinfo=tz)  # the earliest day's end
    for member_id, feedback_due, fed_back_at in session.execute(
        select(FollowUpItem.member_id, FollowUpItem.feedback_due, FollowUpItem.fed_back_at).where(
            FollowUpItem.team_id == team_id, FollowUpItem.deleted_at.is_(None),
            FollowUpItem.feedback_due.is_not(None),
            or_(FollowUpItem.feedback_due.between(start, period.end),
                and_(FollowUpItem.feedback_due < day,
                     or_(FollowUpItem.fed_back_at.is_(None), FollowUpItem.fed_back_at >= day_ends))))
    ):
        answered = None if fed_back_at is None else fed_back_at.astimezone(tz).date()
        deadlines[member_id].append(deadline(cast(date, feedback_due), answered, feedback))  # not NULL here

    period_starts = datetime.combine(start, time(), tzinfo=tz)
    period_ends = datetime.combine(period.end + timedelta(days=1), time(), tzinfo=tz)
    day_starts = datetime.combine(day, time(), tzinfo=tz)
    in_force = func.coalesce(TaskAssignment.due_at, Task.due_at)  # the assignee's own after an extension or 回头看
    for member_id, due_at, status, reported_at, closed_at in session.execute(
        select(TaskAssignment.member_id, in_force, TaskAssignment.status, TaskAssignment.reported_at,
               TaskAssignment.closed_at)
        .join(Task, Task.id == TaskAssignment.task_id)
        .where(Task.team_id == team_id, Task.cancelled_at.is_(None),
               or_(and_(in_force >= period_starts, in_force < period_ends),
                   and_(in_force < day_starts,
                        or_(TaskAssignment.status != AssignmentStatus.CLOSED, TaskAssignment.closed_at.is_(None),
                            TaskAssignment.closed_at >= day_ends))))
    ):
        closed = closed_at if status is closed_status else None
        deadlines[member_id].append(deadline(
            due_at.astimezone(tz).date(), closed.astimezone(tz).date() if closed else None,
            task, due_at=due_at,
            done_at=(reported_at or closed) if closed else None))
    return deadlines


def deadline_tallies(session: Session, team_id: int, period: race.Period, day: date,
                     tz: ZoneInfo) -> dict[int, tuple[race.DeadlineTally, ...]]:
    """What `core.race.tally_deadlines` makes of each member's deadlines for ``period`` on the board day ``day``,
    counted by the database in one grouped query instead of read row by row (a year's board: thousands of rows,
    a few per member). The same rules, written as conditions on two sets of rows of each kind, each a range of the
    team's due days (ix_motions_team_deadline, ix_follow_up_items_team_deadline, migration 0018):

    * due in the period: judged when answered by the day or past due on it; on time when answered by the
      deadline (a task: reported, or closed, by its due instant); overdue when unanswered on the day and due
      before it;
    * due before the period and unanswered on the day: overdue (the day is in the period, so past due).

    A finding's answer is read in the team's time (:func:`storage.db.on_or_before_day`), a task's deadline is the
    one in force. Members with nothing judged and nothing overdue are left out, and so are such kinds."""
    start, end = period.start, period.end
    period_starts = datetime.combine(start, time(), tzinfo=tz)
    day_starts = datetime.combine(day, time(), tzinfo=tz)
    day_ends = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz)

    def counted(kind: race.DeadlineKind, member: Any, *, answered: Any, past_due: Any, in_time: Any,
                in_period: Any, earlier: Any, unanswered: Any, where: tuple[Any, ...], join: Any = None) -> Any:
        """The kind's rows due in the period flagged (judged, on time, overdue), those overdue from before it
        flagged (0, 0, 1), summed per member."""
        flags = (or_(answered, past_due), and_(answered, in_time), and_(past_due, unanswered))
        due_now = select(member.label("member_id"), *(case((flag, 1), else_=0).label(name) for flag, name in
                                                      zip(flags, ("judged", "on_time", "overdue"), strict=True)))
        due_before = select(member.label("member_id"), literal(0).label("judged"), literal(0).label("on_time"),
                            literal(1).label("overdue"))
        if join is not None:
            due_now, due_before = due_now.join(*join), due_before.join(*join)
        rows = union_all(due_now.where(*where, in_period), due_before.where(*where, earlier, unanswered)).subquery()
        return select(literal(kind.value), rows.c.member_id, func.sum(rows.c.judged), func.sum(rows.c.on_time),
                      func.sum(rows.c.overdue)).group_by(rows.c.member_id)

    replied = and_(Motion.replied_on.is_not(None), Motion.replied_on <= day)
    replies = counted(
        _REPLY, Motion.lead_member_id, answered=replied, past_due=Motion.reply_due < day,
        in_time=Motion.replied_on <= Motion.reply_due, in_period=Motion.reply_due.between(start, end),
        earlier=Motion.reply_due < start, unanswered=or_(Motion.replied_on.is_(None), Motion.replied_on > day),
        where=(Motion.team_id == team_id, Motion.deleted_at.is_(None)))

    due = cast(ColumnElement[date], FollowUpItem.feedback_due)
    feedbacks = counted(
        _FEEDBACK, FollowUpItem.member_id,
        answered=and_(FollowUpItem.fed_back_at.is_not(None), FollowUpItem.fed_back_at < day_ends),
        past_due=due < day, in_time=db.on_or_before_day(session, FollowUpItem.fed_back_at, due, tz,
                                                        within=(start, end)),
        in_period=due.between(start, end), earlier=due < start,
        unanswered=or_(FollowUpItem.fed_back_at.is_(None), FollowUpItem.fed_back_at >= day_ends),
        where=(FollowUpItem.team_id == team_id, FollowUpItem.deleted_at.is_(None), due.is_not(None)))

    in_force = func.coalesce(TaskAssignment.due_at, Task.due_at)  # the assignee's own after an extension or 回头看
    closed = and_(TaskAssignment.status == AssignmentStatus.CLOSED, TaskAssignment.closed_at.is_not(None),
                  TaskAssignment.closed_at < day_ends)
    assignments = counted(
        _TASK, TaskAssignment.member_id, answered=closed, past_due=in_force < day_starts,
        in_time=func.coalesce(TaskAssignment.reported_at, TaskAssignment.closed_at) <= in_force,
        in_period=and_(in_force >= period_starts,
                       in_force < datetime.combine(end + timedelta(days=1), time(), tzinfo=tz)),
        earlier=in_force < period_starts,
        unanswered=or_(TaskAssignment.status != AssignmentStatus.CLOSED, TaskAssignment.closed_at.is_(None),
                       TaskAssignment.closed_at >= day_ends),
        where=(Task.team_id == team_id, Task.cancelled_at.is_(None)), join=(Task, Task.id == TaskAssignment.task_id))

    # Thousands of rows for a year, most alike: one tally object per distinct count, one tuple per distinct set.
    slots = {kind.value: n for n, kind in enumerate(race.DeadlineKind)}
    made: dict[tuple[str, int, int, int], race.DeadlineTally] = {}
    found: dict[int, list[race.DeadlineTally | None]] = {}
    for kind, member_id, judged, on_time, overdue in session.execute(
            union_all(replies, feedbacks, assignments)).all():
        if judged or overdue:
            key = (kind, judged, on_time, overdue)
            tally = made.get(key)
            if tally is None:
                tally = made[key] = race.DeadlineTally(race.DeadlineKind(kind), judged, on_time, overdue)
            member = found.get(member_id)
            if member is None:
                member = found[member_id] = [None] * len(slots)
            member[slots[kind]] = tally
    shared: dict[tuple[int, ...], tuple[race.DeadlineTally, ...]] = {}
    result: dict[int, tuple[race.DeadlineTally, ...]] = {}
    for member_id, member in found.items():
        tallies = tuple(tally for tally in member if tally is not None)
        result[member_id] = shared.setdefault(tuple(map(id, tallies)), tallies)
    return result


def _less(done: Mapping[int, Mapping[Duty, Decimal]],
          later: Mapping[int, Mapping[Duty, int]]) -> dict[int, dict[Duty, Decimal]]:
    """``done`` less ``later``, member by member (a duty left at 0 is left out, as the totals leave it)."""
    result = {member_id: dict(duties) for member_id, duties in done.items()}
    for member_id, counted in later.items():
        duties = result.setdefault(member_id, {})
        for duty, value in counted.items():
            left = duties.get(duty, Decimal(0)) - value
            if left:
                duties[duty] = left
            else:
                duties.pop(duty, None)
    return result


def done_from_records(session: Session, team_id: int, start: date, day: date,
                      tz: ZoneInfo) -> dict[int, dict[Duty, Decimal]]:
    """What each member did of every duty from ``start`` through ``day`` (one year's days), read from the
    records: four grouped queries over the period's trips, topics, attendance and key motions."""
    year = start.year
    spans: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for member_id, first, last in session.execute(
        select(ResearchTrip.member_id, ResearchTrip.start_date, ResearchTrip.end_date).where(
            ResearchTrip.team_id == team_id, ResearchTrip.deleted_at.is_(None),
            ResearchTrip.start_date <= day, ResearchTrip.end_date >= start)
    ):
        spans[member_id].append((first, last))

    done: dict[int, dict[Duty, Decimal]] = defaultdict(dict)
    for member_id, spans_of in spans.items():
        days = grassroots_days(spans_of, within=(start, day))
        if days:  # a trip whose last day is before its first covers none: left out, as the totals leave it
            done[member_id][Duty.RESEARCH_DAYS] = Decimal(days)

    # A topic counts on counts_on: the day it reached the team's counting stage, moved into its year.
    for member_id, count in session.execute(
        select(ResearchTopic.lead_member_id, func.count()).where(
            ResearchTopic.team_id == team_id, ResearchTopic.year == year, ResearchTopic.deleted_at.is_(None),
            ResearchTopic.counts_on.between(start, day))
        .group_by(ResearchTopic.lead_member_id)
    ):
        done[member_id][Duty.KEY_RESEARCH_TOPICS] = Decimal(count)

    for member_id, kind, count in session.execute(
        select(StudyAttendance.member_id, StudySession.kind, func.count(func.distinct(StudySession.id)))
        .join(StudySession, StudySession.id == StudyAttendance.session_id)
        .where(StudySession.team_id == team_id, StudySession.deleted_at.is_(None),
               StudySession.kind.in_(list(STUDY_DUTY)), StudySession.held_on.between(start, day))
        .group_by(StudyAttendance.member_id, StudySession.kind)
    ):
        duty = STUDY_DUTY[kind]
        done[member_id][duty] = done[member_id].get(duty, Decimal(0)) + count

    for member_id, motion_kind, count in session.execute(
        select(Motion.lead_member_id, Motion.kind, func.count())
        .where(Motion.team_id == team_id, Motion.deleted_at.is_(None), Motion.is_key.is_(True),
               Motion.assigned_on.between(start, day))
        .group_by(Motion.lead_member_id, Motion.kind)
    ):
        done[member_id][KEY_MOTION_DUTY[motion_kind]] = Decimal(count)

    return done


def done_from_totals(session: Session, team_id: int, start: date, day: date,
                     tz: ZoneInfo) -> dict[int, dict[Duty, Decimal]]:
    """:func:`done_from_records`, from the month totals: the months from ``start`` through ``day``'s summed in
    one grouped query, less what :func:`counted_between` the day after ``day`` and its month's end (when ``day`` is
    inside one)."""
    done: dict[int, dict[Duty, Decimal]] = defaultdict(dict)
    if day < start:
        return done
    columns = [func.sum(getattr(MonthTotal, duty.value)) for duty in Duty]
    for member_id, *sums in session.execute(
            select(MonthTotal.member_id, *columns)
            .where(MonthTotal.team_id == team_id, MonthTotal.month.between(start, totals.month_of(day)))
            .group_by(MonthTotal.member_id)):
        duties = done[member_id]
        for duty, value in zip(_DUTIES, sums, strict=True):
            if value:
                duties[duty] = Decimal(value)
    if day < totals.month_end(day):
        return _less(done, counted_between(session, team_id, day + timedelta(days=1), totals.month_end(day), tz))
    return done


def counted_between(session: Session, team_id: int, first: date, last: date,
                    tz: ZoneInfo) -> dict[int, dict[Duty, int]]:
    """What each member's month totals count from ``first`` through ``last`` (days of one year): the days of
    it their trips cover (the union), key topics counted on a day of it, sessions held in it that they
    attended, key motions assigned in it. Three queries over those days only."""
    found: dict[int, dict[Duty, int]] = defaultdict(lambda: defaultdict(int))
    if last < first:
        return {}
    spans: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for member_id, start, end in session.execute(select(
            ResearchTrip.member_id, ResearchTrip.start_date, ResearchTrip.end_date).where(
            ResearchTrip.team_id == team_id, ResearchTrip.deleted_at.is_(None),
            ResearchTrip.end_date >= first, ResearchTrip.start_date <= last)):
        spans[member_id].append((start, end))
    for member_id, own in spans.items():
        days = grassroots_days(own, within=(first, last))
        if days:
            found[member_id][Duty.RESEARCH_DAYS] += days
    for member_id, count in session.execute(select(ResearchTopic.lead_member_id, func.count()).where(
            ResearchTopic.team_id == team_id, ResearchTopic.deleted_at.is_(None),
            ResearchTopic.counts_on.between(first, last)).group_by(ResearchTopic.lead_member_id)):
        found[member_id][Duty.KEY_RESEARCH_TOPICS] += count
    studied = (select(literal("study"), StudyAttendance.member_id, cast_(StudySession.kind, String),
                      func.count(func.distinct(StudySession.id)))
               .join(StudySession, StudySession.id == StudyAttendance.session_id)
               .where(StudySession.team_id == team_id, StudySession.deleted_at.is_(None),
                      StudySession.kind.in_(list(STUDY_DUTY)), StudySession.held_on.between(first, last))
               .group_by(StudyAttendance.member_id, StudySession.kind))
    led = (select(literal("motion"), Motion.lead_member_id, cast_(Motion.kind, String), func.count())
           .where(Motion.team_id == team_id, Motion.deleted_at.is_(None), Motion.is_key.is_(True),
                  Motion.assigned_on.between(first, last))
           .group_by(Motion.lead_member_id, Motion.kind))
    for source, member_id, kind, n in session.execute(union_all(studied, led)):
        duty = STUDY_DUTY[StudyKind(kind)] if source == "study" else KEY_MOTION_DUTY[MotionKind(kind)]
        found[member_id][duty] += n
    return {member_id: dict(duties) for member_id, duties in found.items()}

def scores(session: Session, team: Team, period: race.Period, *, as_of: date,
           config: Config, from_totals: bool = True, racing: Sequence[Contender] | None = None) -> list[race.Score]:
    """Every active member's score for ``period`` as of ``as_of`` (unranked ones included)."""
    weights = weights_from(config.race)
    everyone = gather(session, team.id, period, as_of=as_of, defaults=config.team_defaults.targets,
                      tz=ZoneInfo(team.timezone), from_totals=from_totals, racing=racing)
    return race.score_all(everyone, period, as_of=as_of, weights=weights)


def year_paces(session: Session, team: Team, *, today: date, config: Config,
               from_totals: bool = True) -> dict[int, list[pace.DutyPace]]:
    """Every active member's pace on every duty this year, by member id: what `progress.year_progress`
    says for one member (/me), for the whole team from `gather`'s few team-wide queries (the weekly
    summary's who-is-behind list; one query set per member took 10-25 ms each, 25 s for 2,000)."""
    year = race.Period(race.PeriodKind.YEAR, today.year)
    everyone = gather(session, team.id, year, as_of=today, defaults=config.team_defaults.targets,
                      tz=ZoneInfo(team.timezone), from_totals=from_totals)
    return paces_of(everyone, today=today, config=config)


def paces_of(everyone: Iterable[race.MemberInputs], *, today: date, config: Config) -> dict[int, list[pace.DutyPace]]:
    """:func:`year_paces` from the year's inputs as of ``today`` already gathered. Members who share a duty's
    done, target, availability and quarter targets share its pace: computed once per call (the memo is keyed by
    the texts and by the shared objects' identity, which ``kept`` holds alive)."""
    tolerance, lagging = Decimal(str(config.pace.behind_tolerance)), Decimal(str(config.pace.lagging_threshold))
    memo: dict[tuple[int, str, str, int, int], pace.DutyPace] = {}
    kept: list[object] = []
    result: dict[int, list[pace.DutyPace]] = {}
    zero = Decimal(0)
    for inputs in everyone:
        kept.append(inputs)
        availability, done_of, yearly_of = inputs.availability, inputs.done, inputs.yearly_targets
        curves = inputs.quarter_targets
        paces = result[inputs.member_id] = []
        for index, duty in enumerate(_DUTIES):
            done, yearly = done_of.get(duty, zero), yearly_of[duty]
            quarters = curves.get(duty) if curves else None
            key = (index, str(done), str(yearly), id(availability), id(quarters))
            found = memo.get(key)
            if found is None:
                found = memo[key] = pace.duty_pace(
                    duty, done=done, yearly_target=yearly, availability=availability, today=today,
                    tolerance=tolerance, lagging=lagging, quarters=quarters)
            paces.append(found)
    return result


# --------------------------------------------------------------------------- snapshots


def previous_ranks(session: Session, team_id: int, period: race.Period) -> dict[int, int] | None:
    """Member id → rank saved for ``period`` (pass the previous period), or None when none was saved."""
    rows = session.execute(
        select(RaceSnapshot.member_id, RaceSnapshot.rank).where(RaceSnapshot.team_id == team_id,
                                                                 RaceSnapshot.period == period.key)
    ).all()
    return {member_id: rank for member_id, rank in rows} if rows else None


def saved_periods(session: Session, wanted: Mapping[int, Iterable[race.Period]]) -> set[tuple[int, str]]:
    """(team id, period key) of the ``wanted`` teams' periods that have a saved snapshot: one statement for
    every team."""
    pairs = [(team_id, period.key) for team_id, periods in wanted.items() for period in periods]
    if not pairs:
        return set()
    rows = session.execute(select(RaceSnapshot.team_id, RaceSnapshot.period).distinct()
                           .where(tuple_(RaceSnapshot.team_id, RaceSnapshot.period).in_(pairs)))
    return {(team_id, period) for team_id, period in rows}


def saved_at(session: Session, team_id: int, period: race.Period) -> datetime | None:
    """When the period's snapshot was last saved (None: never)."""
    return session.scalar(select(func.max(RaceSnapshot.created_at)).where(RaceSnapshot.team_id == team_id,
                                                                          RaceSnapshot.period == period.key))


def save_snapshot(session: Session, team_id: int, period: race.Period, board: Iterable[race.Ranked], *,
                  now: datetime) -> int:
    """Saves each member's rank and score for the period, as of ``now`` (`created_at`: when last saved);
    saving again replaces them: the same rows updated (one per team, period and member: an atomic upsert on
    either backend), a member no longer on the board dropped. Returns the rows written."""
    rows = [{"team_id": team_id, "period": period.key, "member_id": entry.member_id, "rank": entry.rank,
             "score": entry.score.total, "created_at": now} for entry in board]
    session.execute(delete(RaceSnapshot).where(RaceSnapshot.team_id == team_id, RaceSnapshot.period == period.key,
                                               RaceSnapshot.member_id.not_in([row["member_id"] for row in rows])))
    if not rows:
        return 0
    statement = dialect_insert(session)(RaceSnapshot).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=["team_id", "period", "member_id"],
        set_={"rank": statement.excluded.rank, "score": statement.excluded.score,
              "created_at": statement.excluded.created_at})
    session.execute(statement)
    return len(rows)


# --------------------------------------------------------------------------- the board


@dataclass(frozen=True)
class Board:
    """A period's ranking for one team, with who is who."""

    team_id: int
    period: race.Period
    day: date  # the board day
    ranked: list[race.Ranked]
    contenders: Mapping[int, Contender]
    unranked: int  # active members with no active day in the period (joined later, on leave)
    previous_saved: bool  # movement from a saved snapshot (else computed now)
    scores: Mapping[int, race.Score]  # every active member's, the unranked too

    def entry_of(self, member_id: int) -> race.Ranked | None:
        return next((entry for entry in self.ranked if entry.member_id == member_id), None)


def board(session: Session, team: Team, period: race.Period, *, as_of: date, config: Config,
          with_movement: bool = True, from_totals: bool = True) -> Board:
    """The ranking of ``period`` as of ``as_of``, with movement since the previous period: from its
    saved snapshot when the monthly posting saved one, else computed now for that closed period."""
    racing = contenders(session, team.id)
    current = scores(session, team, period, as_of=as_of, config=config, from_totals=from_totals, racing=racing)
    saved = previous_ranks(session, team.id, period.previous) if with_movement else None
    previous = saved
    if with_movement and saved is None:
        earlier = scores(session, team, period.previous, as_of=period.previous.end, config=config,
                         from_totals=from_totals, racing=racing)
        previous = {entry.member_id: entry.rank for entry in race.rank(earlier)}
    ranked = race.rank(current, previous)
    people = {c.member_id: c for c in racing}
    return Board(team_id=team.id, period=period, day=race.board_day(period, as_of), ranked=ranked,
                 contenders=people, unranked=sum(1 for s in current if not s.ranked),
                 previous_saved=saved is not None, scores={s.member_id: s for s in current})
