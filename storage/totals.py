"""Running totals (`month_totals`): per team, member and month of the team's calendar, what the member did
of each counted duty, as `storage.race` counts it for a board:

* research days: the union of the member's trips clipped to the month (months add up to the year as
  `/me` counts it: a day two trips share counts once, in its own month);
* key research topics: on the day the topic counts (`counts_on`: the day it reached the team's counting
  stage, moved into the topic's own year; storage/topics.py keeps it);
* collective and law study: sessions held in the month that the member attended;
* key suggestions / proposals: key motions assigned (交办) in the month.

Deadlines are not totalled: whether an item is overdue, and whether an answer is seen yet, depends on the
board day, so the boards count them live from the items due in the period and those due before it still
unanswered (two ranges of an index a kind; see `storage.race.deadline_tallies`).

Kept by ONE mechanism: a session event (:func:`install`, hooked on every writing session by
`storage.db.Database`). Before a flush it notes the (team, member, year) an updated or deleted record
counted in, read from the database (the record as it was); after the flush, the (team, member, year) the
new and changed records count in; then it recounts exactly those members' months of those years from the
records, in the flush's own transaction. A team whose time zone changes is recounted whole. A bulk UPDATE
or DELETE of a counted table through a session bypasses the flush: the same event (`do_orm_execute`) reads
the rows it matches before and after it runs and recounts their members' years. Rows loaded past the
ORM (the benchmarks' bulk inserts) are counted by :func:`rebuild`, as `python bot.py db rebuild-totals` does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, delete, event, func, insert, inspect, select, update
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from config import RaceWeights
from core import topics
from core.domain import Duty, MotionKind, StudyKind, TopicStage
from core.pace import days_covered
from storage.models import (
    Member,
    MonthTotal,
    Motion,
    ResearchTopic,
    ResearchTrip,
    StudyAttendance,
    StudySession,
    Team,
)

STUDY_DUTY = {StudyKind.COLLECTIVE: Duty.COLLECTIVE_STUDY, StudyKind.THEORY_GROUP: Duty.COLLECTIVE_STUDY,
              StudyKind.LAW: Duty.LAW_STUDY}
MOTION_DUTY = {MotionKind.SUGGESTION: Duty.KEY_SUGGESTIONS, MotionKind.PROPOSAL: Duty.KEY_PROPOSALS}
COUNTED = (ResearchTrip, ResearchTopic, StudySession, StudyAttendance, Motion)
_MODELS: dict[str, type[Any]] = {str(model.__tablename__): model for model in COUNTED}

Counts = dict[tuple[int, date], dict[Duty, int]]  # (member id, month's first day) → duty → count
Key = tuple[int, int, int]  # (team id, member id, year)

_OLD = "saima.totals.old"
_WHOLE = "saima.totals.teams"


def month_of(day: date) -> date:
    return day.replace(day=1)


def month_end(month: date) -> date:
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


# --------------------------------------------------------------------------- counting from the records


def count(connection: Connection, team_id: int, tz: ZoneInfo, *, members: Collection[int] | None = None,
          first: date, last: date) -> Counts:
    """Every month's totals from first to last (whole months) for the team's members (``members``: only
    those), counted from the records."""
    counts: Counts = defaultdict(lambda: defaultdict(int))

    def only(column: Any) -> Any:
        return True if members is None else column.in_(list(members))

    spans: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for member_id, start, end in connection.execute(
            select(ResearchTrip.member_id, ResearchTrip.start_date, ResearchTrip.end_date).where(
                ResearchTrip.team_id == team_id, ResearchTrip.deleted_at.is_(None), only(ResearchTrip.member_id),
                ResearchTrip.start_date <= last, ResearchTrip.end_date >= first)):
        if start <= end:
            spans[member_id].append((start, end))
    for member_id, own in spans.items():
        months = set()
        for start, end in own:
            month = month_of(max(start, first))
            while month <= min(end, last):
                months.add(month)
                month = month_end(month) + timedelta(days=1)
        for month in months:
            days = days_covered(own, within=(month, month_end(month)))
            if days:
                counts[member_id, month][Duty.RESEARCH_DAYS] += days

    for member_id, day in connection.execute(
            select(ResearchTopic.lead_member_id, ResearchTopic.counts_on).where(
                ResearchTopic.team_id == team_id, ResearchTopic.deleted_at.is_(None),
                only(ResearchTopic.lead_member_id), ResearchTopic.counts_on.between(first, last))):
        if day is not None:
            counts[member_id, month_of(day)][Duty.KEY_RESEARCH_TOPICS] += 1

    for member_id, kind, held_on, n in connection.execute(
            select(StudyAttendance.member_id, StudySession.kind, StudySession.held_on,
                   func.count(func.distinct(StudySession.id)))
            .join(StudySession, StudySession.id == StudyAttendance.session_id)
            .where(StudySession.team_id == team_id, StudySession.deleted_at.is_(None),
                   StudySession.kind.in_(list(STUDY_DUTY)), only(StudyAttendance.member_id),
                   StudySession.held_on.between(first, last))
            .group_by(StudyAttendance.member_id, StudySession.kind, StudySession.held_on)):
        counts[member_id, month_of(held_on)][STUDY_DUTY[kind]] += n

    for member_id, motion_kind, assigned_on, n in connection.execute(
            select(Motion.lead_member_id, Motion.kind, Motion.assigned_on, func.count())
            .where(Motion.team_id == team_id, Motion.deleted_at.is_(None), Motion.is_key.is_(True),
                   only(Motion.lead_member_id), Motion.assigned_on.between(first, last))
            .group_by(Motion.lead_member_id, Motion.kind, Motion.assigned_on)):
        counts[member_id, month_of(assigned_on)][MOTION_DUTY[motion_kind]] += n
    return {key: dict(duties) for key, duties in counts.items() if any(duties.values())}


def stored(connection: Connection, team_id: int, *, members: Collection[int] | None = None,
           first: date | None = None, last: date | None = None) -> Counts:
    """The totals as stored (rows with nothing left out), in the same shape as :func:`count`."""
    query = select(MonthTotal).where(MonthTotal.team_id == team_id)
    if members is not None:
        query = query.where(MonthTotal.member_id.in_(list(members)))
    if first is not None:
        query = query.where(MonthTotal.month >= first)
    if last is not None:
        query = query.where(MonthTotal.month <= last)
    result: Counts = {}
    for row in connection.execute(query).mappings():
        duties = {duty: row[duty.value] for duty in Duty if row[duty.value]}
        if duties:
            result[row["member_id"], row["month"]] = duties
    return result


def _write(connection: Connection, team_id: int, counts: Mapping[tuple[int, date], Mapping[Duty, int]]) -> None:
    rows = [{"team_id": team_id, "member_id": member_id, "month": month}
            | {duty.value: duties.get(duty, 0) for duty in Duty}
            for (member_id, month), duties in sorted(counts.items())]
    if rows:
        connection.execute(insert(MonthTotal), rows)


def _timezone(connection: Connection, team_id: int) -> ZoneInfo:
    return ZoneInfo(connection.scalar(select(Team.timezone).where(Team.id == team_id)) or "UTC")


def recount(connection: Connection, keys: Iterable[Key]) -> None:
    """Recounts the named members' months of the named years from the records."""
    wanted: dict[tuple[int, int], set[int]] = defaultdict(set)  # (team, year) → members
    for team_id, member_id, year in keys:
        wanted[team_id, year].add(member_id)
    _lock(connection, {member_id for people in wanted.values() for member_id in people})
    zones: dict[int, ZoneInfo] = {}
    for (team_id, year), people in sorted(wanted.items()):
        tz = zones.setdefault(team_id, _timezone(connection, team_id))
        first, last = date(year, 1, 1), date(year, 12, 31)
        connection.execute(delete(MonthTotal).where(
            MonthTotal.team_id == team_id, MonthTotal.member_id.in_(sorted(people)), MonthTotal.month.between(first, last)))
        _write(connection, team_id, count(connection, team_id, tz, members=people, first=first, last=last))


def rebuild(session: Session, team_id: int | None = None) -> int:
    """Recounts every row (of one team, or of all) from the records; returns the rows written."""
    connection = session.connection()
    teams = ([team_id] if team_id is not None
             else list(connection.scalars(select(Team.id).order_by(Team.id))))
    return sum(_rebuild_team(connection, team) for team in teams)


def _lock(connection: Connection, members: Collection[int]) -> None:
    """On PostgreSQL, the members' rows locked (in id order) before their totals are recounted: a second
    transaction recounting them waits for the first to commit, then sees its records and its rows (without
    the lock it could count without the first's new record, or insert a row the first inserted). SQLite's
    writers take turns anyway (BEGIN IMMEDIATE), and it has no FOR UPDATE."""
    if members and connection.dialect.name == "postgresql":
        connection.execute(select(Member.id).where(Member.id.in_(sorted(members))).order_by(Member.id)
                           .with_for_update())


def _rebuild_team(connection: Connection, team_id: int) -> int:
    _lock(connection, list(connection.scalars(select(Member.id).where(Member.team_id == team_id))))
    connection.execute(delete(MonthTotal).where(MonthTotal.team_id == team_id))
    span = _record_years(connection, team_id)
    if span is None:
        return 0
    counts = count(connection, team_id, _timezone(connection, team_id), first=date(span[0], 1, 1),
                   last=date(span[1], 12, 31))
    _write(connection, team_id, counts)
    return len(counts)


def _record_years(connection: Connection, team_id: int) -> tuple[int, int] | None:
    """The first and last year any counted record of the team falls in (None: no records)."""
    found = [
        *connection.execute(select(func.min(ResearchTrip.start_date), func.max(ResearchTrip.end_date))
                            .where(ResearchTrip.team_id == team_id)).one(),
        *connection.execute(select(func.min(StudySession.held_on), func.max(StudySession.held_on))
                            .where(StudySession.team_id == team_id)).one(),
        *connection.execute(select(func.min(Motion.assigned_on), func.max(Motion.assigned_on))
                            .where(Motion.team_id == team_id)).one(),
    ]
    years = [day.year for day in found if day is not None]
    years += [year for year in connection.execute(select(func.min(ResearchTopic.year), func.max(ResearchTopic.year))
                                                  .where(ResearchTopic.team_id == team_id)).one() if year is not None]
    return (min(years), max(years)) if years else None


# --------------------------------------------------------------------------- the session event


def install(sessions: sessionmaker[Session]) -> None:
    """Keeps the totals in every session ``sessions`` makes (storage.db.Database does this)."""
    event.listen(sessions, "before_flush", _note_old)
    event.listen(sessions, "after_flush", _recount_flushed)
    event.listen(sessions, "do_orm_execute", _bulk)
    event.listen(sessions, "after_commit", _forget)
    event.listen(sessions, "after_rollback", _forget)


def _forget(session: Session) -> None:
    session.info.pop(_OLD, None)
    session.info.pop(_WHOLE, None)


def _years(first: date, last: date) -> range:
    return range(first.year, max(first, last).year + 1)


def _keys_of_rows(connection: Connection, model: type[Any], ids: Collection[Any]) -> set[Key]:
    """(team, member, year) every given record counts in, as the database holds it now."""
    keys: set[Key] = set()
    if not ids:
        return keys
    if model is ResearchTrip:
        for team_id, member_id, start, end in connection.execute(select(
                ResearchTrip.team_id, ResearchTrip.member_id, ResearchTrip.start_date, ResearchTrip.end_date)
                .where(ResearchTrip.id.in_(list(ids)))):
            keys |= {(team_id, member_id, year) for year in _years(start, end)}
    elif model is ResearchTopic:
        keys |= {(team_id, member_id, year) for team_id, member_id, year in connection.execute(select(
            ResearchTopic.team_id, ResearchTopic.lead_member_id, ResearchTopic.year)
            .where(ResearchTopic.id.in_(list(ids))))}
    elif model is Motion:
        keys |= {(team_id, member_id, assigned_on.year) for team_id, member_id, assigned_on in connection.execute(
            select(Motion.team_id, Motion.lead_member_id, Motion.assigned_on).where(Motion.id.in_(list(ids))))}
    elif model is StudySession:
        keys |= {(team_id, member_id, held_on.year) for team_id, member_id, held_on in connection.execute(
            select(StudySession.team_id, StudyAttendance.member_id, StudySession.held_on)
            .join(StudyAttendance, StudyAttendance.session_id == StudySession.id)
            .where(StudySession.id.in_(list(ids))))}
    elif model is StudyAttendance:
        pairs = list(ids)
        sessions = {session_id for session_id, _ in pairs}
        held = {session_id: (team_id, held_on) for session_id, team_id, held_on in connection.execute(
            select(StudySession.id, StudySession.team_id, StudySession.held_on)
            .where(StudySession.id.in_(sorted(sessions))))}
        keys |= {(held[session_id][0], member_id, held[session_id][1].year)
                 for session_id, member_id in pairs if session_id in held}
    return keys


def _identities(objects: Iterable[object]) -> dict[type[Any], set[Any]]:
    found: dict[type[Any], set[Any]] = defaultdict(set)
    for obj in objects:
        model = type(obj)
        if model not in COUNTED:
            continue
        identity = tuple(inspect(obj).mapper.primary_key_from_instance(obj))  # set by now for a new one too
        if None not in identity:
            found[model].add(identity if model is StudyAttendance else identity[0])
    return found


def _note_old(session: Session, _context: Any, _instances: Any) -> None:
    """Before a flush: where the records about to change or go counted until now."""
    changing = [obj for obj in (*session.dirty, *session.deleted) if type(obj) in COUNTED]
    teams = {obj.id for obj in session.dirty if isinstance(obj, Team)
             and inspect(obj).attrs.timezone.history.has_changes()}
    if teams:
        session.info.setdefault(_WHOLE, set()).update(teams)
    if not changing:
        return
    connection = session.connection()
    old: set[Key] = session.info.setdefault(_OLD, set())
    for model, ids in _identities(changing).items():
        old |= _keys_of_rows(connection, model, ids)


def _recount_flushed(session: Session, _context: Any) -> None:
    """After a flush: recount where the changed records counted before and count now."""
    touched = [obj for obj in (*session.new, *session.dirty) if type(obj) in COUNTED]
    keys: set[Key] = session.info.pop(_OLD, set())
    teams: set[int] = session.info.pop(_WHOLE, set())
    if not touched and not keys and not teams:
        return
    connection = session.connection()
    for model, ids in _identities(touched).items():
        keys |= _keys_of_rows(connection, model, ids)
    for team_id in sorted(teams):
        keys = {key for key in keys if key[0] != team_id}
        _recount_topic_days(connection, team_id)
        _rebuild_team(connection, team_id)
    recount(connection, keys)


def _recount_topic_days(connection: Connection, team_id: int) -> None:
    """Every topic's counts_on of the team, on a connection inside a flush (the team's time zone changed: a
    topic counted on its registration day may count on another)."""
    timezone, settings = connection.execute(select(Team.timezone, Team.settings).where(Team.id == team_id)).one()
    stage = topics.counting_stage(settings, RaceWeights().topic_counts_at)
    tz = ZoneInfo(timezone)
    for row in connection.execute(select(
            ResearchTopic.id, ResearchTopic.year, ResearchTopic.stage, ResearchTopic.created_at,
            ResearchTopic.research_started_on, ResearchTopic.report_on, ResearchTopic.outcome_on,
            ResearchTopic.counts_on).where(ResearchTopic.team_id == team_id)).mappings():
        state = topics.TopicState(stage=row["stage"] or TopicStage.REGISTERED,
                                  registered_on=row["created_at"].astimezone(tz).date(),
                                  research_started_on=row["research_started_on"], report_on=row["report_on"],
                                  outcome_on=row["outcome_on"])
        day = topics.counts_on(state, stage, row["year"])
        if day != row["counts_on"]:
            connection.execute(update(ResearchTopic).where(ResearchTopic.id == row["id"]).values(counts_on=day))


def _bulk(state: ORMExecuteState) -> Any:
    """A bulk UPDATE or DELETE of a counted table through the session (it bypasses the flush): the rows it
    matches are read first, and their members' years are recounted where they counted before and after."""
    if not (state.is_update or state.is_delete):
        return None
    table = getattr(state.statement, "table", None)
    model = _MODELS.get(getattr(table, "name", ""))
    if model is None or table is None:
        return None
    connection = state.session.connection()
    keys_of = [table.c.session_id, table.c.member_id] if model is StudyAttendance else [table.c.id]
    query = select(*keys_of).select_from(table)
    where = getattr(state.statement, "whereclause", None)
    if where is not None:
        query = query.where(where)
    rows = connection.execute(query).all()
    ids = [tuple(row) if model is StudyAttendance else row[0] for row in rows]
    keys = _keys_of_rows(connection, model, ids)
    result = state.invoke_statement()
    recount(connection, keys | _keys_of_rows(connection, model, ids))
    return result
