"""Queries about study sessions and attendance.

A collective session counts once per attendee, whoever recorded it: when the office records a team
session (`/session`) and ticks a member who had logged that session themself (the same duty, 集体学习 and
理论学习中心组 being one, on the same day, and the same hours or topic: `core.study.same_session`), the
member's own record is merged into the team session (soft-deleted, ``merged_into_session_id`` set, their
attendance ticked): one session, one count, one ledger row. Unticking them, or deleting the team session, gives the record back. A member
who logs (/study) such a session after the office recorded it is ticked present on the office's session
instead of getting a second record; another session of theirs that day (another topic, other hours) is
their own record.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.domain import StudyKind
from core.study import COUNTS_TOWARDS, Sitting, same_session
from storage import audit
from storage.models import Member, StudyAttendance, StudySession


def log_own(
    session: Session, *, member: Member, kind: StudyKind, held_on: date, starts_at: datetime | None,
    hours: Decimal, topic: str, now: datetime,
) -> StudySession:
    """A session the member logs for themself: recorded by them, attended by them."""
    study = _create(session, recorder=member, kind=kind, held_on=held_on, starts_at=starts_at, hours=hours,
                    topic=topic, now=now, for_team=False)
    session.add(StudyAttendance(session_id=study.id, member_id=member.id, created_at=now))
    return study


def attended_same(session: Session, *, member_id: int, kind: StudyKind, held_on: date, topic: str,
                  excluding: int | None = None) -> bool:
    """Whether the member already has a session of this kind that day with this topic, other than the session
    ``excluding`` (the one being corrected)."""
    query = (
        select(func.count())
        .select_from(StudySession)
        .join(StudyAttendance, StudyAttendance.session_id == StudySession.id)
        .where(
            StudyAttendance.member_id == member_id,
            StudySession.kind == kind,
            StudySession.held_on == held_on,
            func.lower(StudySession.topic) == topic.lower(),
            StudySession.deleted_at.is_(None),
        )
    )
    if excluding is not None:
        query = query.where(StudySession.id != excluding)
    return bool(session.scalar(query))


def attended_count(session: Session, *, member_id: int, kinds: list[StudyKind], start: date, end: date) -> int:
    """Sessions of these kinds the member attended between start and end (inclusive)."""
    return session.scalar(
        select(func.count(func.distinct(StudySession.id)))
        .join(StudyAttendance, StudyAttendance.session_id == StudySession.id)
        .where(
            StudyAttendance.member_id == member_id,
            StudySession.kind.in_(kinds),
            StudySession.held_on.between(start, end),
            StudySession.deleted_at.is_(None),
        )
    ) or 0


def attended_in(session: Session, member_id: int, *, start: date, end: date) -> list[StudySession]:
    """The sessions the member attended between start and end (inclusive), of every kind, oldest first: the
    ones they logged and the office's team sessions they were ticked on (a merged record is not a second one)."""
    return list(session.scalars(
        select(StudySession)
        .join(StudyAttendance, StudyAttendance.session_id == StudySession.id)
        .where(StudyAttendance.member_id == member_id, StudySession.held_on.between(start, end),
               StudySession.deleted_at.is_(None))
        .order_by(StudySession.held_on, StudySession.id)
    ))


def record_for_team(
    session: Session, *, admin: Member, kind: StudyKind, held_on: date, starts_at: datetime | None,
    hours: Decimal, topic: str, now: datetime,
) -> StudySession:
    """A collective session the office records once; attendance is ticked afterwards."""
    return _create(session, recorder=admin, kind=kind, held_on=held_on, starts_at=starts_at, hours=hours,
                   topic=topic, now=now, for_team=True)


def _create(
    session: Session, *, recorder: Member, kind: StudyKind, held_on: date, starts_at: datetime | None,
    hours: Decimal, topic: str, now: datetime, for_team: bool,
) -> StudySession:
    study = StudySession(team_id=recorder.team_id, kind=kind, held_on=held_on, starts_at=starts_at, hours=hours,
                         topic=topic, recorded_by_member_id=recorder.id, for_team=for_team, created_at=now)
    session.add(study)
    session.flush()
    audit.record(session, action="create", entity="study_session", entity_id=study.id, team_id=recorder.team_id,
                 now=now, actor=recorder,
                 after={"kind": kind.value, "held_on": held_on, "hours": hours, "topic": topic, "for_team": for_team})
    return study


def team_session_exists(session: Session, *, team_id: int, kind: StudyKind, held_on: date, topic: str,
                        excluding: int | None = None) -> bool:
    """Whether the team has a session of this kind that day with this topic, other than the session
    ``excluding`` (the one being corrected)."""
    query = select(func.count()).select_from(StudySession).where(
        StudySession.team_id == team_id, StudySession.kind == kind, StudySession.held_on == held_on,
        func.lower(StudySession.topic) == topic.lower(), StudySession.deleted_at.is_(None),
    )
    if excluding is not None:
        query = query.where(StudySession.id != excluding)
    return bool(session.scalar(query))


def by_id(session: Session, study_id: int) -> StudySession | None:
    return session.get(StudySession, study_id)


def attendee_ids(session: Session, study_id: int) -> set[int]:
    return set(session.scalars(select(StudyAttendance.member_id).where(StudyAttendance.session_id == study_id)))


def _same_duty(kind: StudyKind) -> list[StudyKind]:
    """The kinds that count towards the same duty as ``kind`` (a kind that counts for none: itself)."""
    duty = COUNTS_TOWARDS[kind]
    return [kind] if duty is None else [k for k, d in COUNTS_TOWARDS.items() if d is duty]


def sitting(study: StudySession) -> Sitting:
    """The record as the same-session rule reads it."""
    return Sitting(kind=study.kind, held_on=study.held_on, starts_at=study.starts_at, hours=study.hours,
                   topic=study.topic)


def team_session_for(session: Session, *, team_id: int, own: Sitting) -> StudySession | None:
    """The office's team session that is plausibly the one the member logged (`core.study.same_session`; the
    first recorded of those), or None. Self-study counts for no duty and is never the office's."""
    if COUNTS_TOWARDS[own.kind] is None:
        return None
    candidates = session.scalars(
        select(StudySession).where(StudySession.team_id == team_id, StudySession.for_team.is_(True),
                                   StudySession.kind.in_(_same_duty(own.kind)), StudySession.held_on == own.held_on,
                                   StudySession.deleted_at.is_(None))
        .order_by(StudySession.id))
    return next((office for office in candidates if same_session(own, sitting(office))), None)


def attend_team_session(session: Session, *, study: StudySession, member: Member, now: datetime) -> bool:
    """A member's own log of a session the office already recorded: they are marked present on it instead
    of a second record (audited as theirs). Returns False when they were already marked present."""
    if session.get(StudyAttendance, (study.id, member.id)) is not None:
        return False
    session.add(StudyAttendance(session_id=study.id, member_id=member.id, created_at=now))
    audit.record(session, action="attend", entity="study_session", entity_id=study.id, team_id=study.team_id,
                 now=now, actor=member, after={"member_id": member.id, "logged_by_member": True})
    return True


def merge_own_records(session: Session, *, study: StudySession, member_id: int, admin: Member,
                      now: datetime) -> list[StudySession]:
    """The member's own records of the team session (`core.study.same_session`) become their attendance of
    it: soft-deleted with ``merged_into_session_id`` set, audited. Returns them (oldest first)."""
    own = [record for record in _own_records(session, study) if record.recorded_by_member_id == member_id]
    for record in own:
        merge_into(session, record, study, member_id=member_id, actor=admin, now=now)
    return own


def merge_into(session: Session, record: StudySession, study: StudySession, *, member_id: int, actor: Member,
               now: datetime) -> None:
    """One own record becomes the member's attendance of the team session: soft-deleted, merged, audited."""
    if session.get(StudyAttendance, (study.id, member_id)) is None:
        session.add(StudyAttendance(session_id=study.id, member_id=member_id, created_at=now))
    record.deleted_at, record.merged_into_session_id = now, study.id
    audit.record(session, action="merge", entity="study_session", entity_id=record.id, team_id=study.team_id,
                 now=now, actor=actor,
                 before=_snapshot(record), after={"merged_into_session_id": study.id, "member_id": member_id})


def _own_records(session: Session, study: StudySession) -> list[StudySession]:
    """Members' own live records that are plausibly the team session (`core.study.same_session`), oldest
    first."""
    candidates = session.scalars(
        select(StudySession)
        .where(StudySession.team_id == study.team_id, StudySession.for_team.is_(False),
               StudySession.kind.in_(_same_duty(study.kind)), StudySession.held_on == study.held_on,
               StudySession.deleted_at.is_(None), StudySession.id != study.id)
        .order_by(StudySession.id))
    office = sitting(study)
    return [record for record in candidates if same_session(sitting(record), office)]


def logged_themselves(session: Session, *, study: StudySession) -> list[int]:
    """Members who logged the team session themselves (own records not merged), by id."""
    return sorted({record.recorded_by_member_id for record in _own_records(session, study)})


def unmerge_own_records(session: Session, *, study: StudySession, member_id: int, admin: Member,
                        now: datetime) -> int:
    """Unticking a member gives back the own records that had been merged into this session."""
    return len(_give_back(session, study, member_id=member_id, actor=admin, now=now))


def _give_back(session: Session, study: StudySession, *, member_id: int | None, actor: Member,
               now: datetime) -> list[StudySession]:
    """The own records merged into the team session (one member's, or everyone's) are live again, audited."""
    query = select(StudySession).where(StudySession.merged_into_session_id == study.id,
                                       StudySession.deleted_at.is_not(None)).order_by(StudySession.id)
    if member_id is not None:
        query = query.where(StudySession.recorded_by_member_id == member_id)
    merged = list(session.scalars(query))
    for record in merged:
        record.deleted_at, record.merged_into_session_id = None, None
        audit.record(session, action="unmerge", entity="study_session", entity_id=record.id,
                     team_id=study.team_id, now=now, actor=actor, after={"from_session_id": study.id})
    return merged


def team_session(session: Session, *, team_id: int, study_id: int) -> StudySession | None:
    """A live team session (recorded with /session, not deleted) of this team; None for anything else: a
    member's own study log, a deleted session, another team's, a forged id."""
    return session.scalar(select(StudySession).where(
        StudySession.id == study_id, StudySession.team_id == team_id, StudySession.for_team.is_(True),
        StudySession.deleted_at.is_(None)))


def toggle_attendance(session: Session, *, study: StudySession, member_id: int, admin: Member, now: datetime) -> bool:
    """Ticks or unticks one member; returns whether they are now marked present.

    Only on a live team session (`team_session`): a member's own log or a deleted session has no roster."""
    if not study.for_team or study.deleted_at is not None:
        raise ValueError(f"study session {study.id} is not a live team session")
    row = session.get(StudyAttendance, (study.id, member_id))
    if row is None:
        session.add(StudyAttendance(session_id=study.id, member_id=member_id, created_at=now))
    else:
        session.delete(row)
    audit.record(session, action="attend" if row is None else "unattend", entity="study_session",
                 entity_id=study.id, team_id=study.team_id, now=now, actor=admin,
                 after={"member_id": member_id})
    return row is None


def recorded_by(session: Session, member_id: int) -> list[StudySession]:
    """Sessions the member recorded (their own logs, or team sessions they recorded), newest first."""
    return list(session.scalars(
        select(StudySession)
        .where(StudySession.recorded_by_member_id == member_id, StudySession.deleted_at.is_(None))
        .order_by(StudySession.created_at.desc(), StudySession.id.desc())
    ))


def owned(session: Session, *, study_id: int, member_id: int) -> StudySession | None:
    study = session.get(StudySession, study_id)
    if study is None or study.deleted_at is not None or study.recorded_by_member_id != member_id:
        return None
    return study


def _snapshot(study: StudySession) -> dict[str, object]:
    return {"kind": study.kind.value, "held_on": study.held_on, "hours": study.hours, "topic": study.topic}


def change(
    session: Session, study: StudySession, *, actor: Member, kind: StudyKind, held_on: date,
    starts_at: datetime | None, hours: Decimal, topic: str, now: datetime,
) -> None:
    before = _snapshot(study)
    study.kind, study.held_on, study.starts_at, study.hours, study.topic = kind, held_on, starts_at, hours, topic
    audit.record(session, action="update", entity="study_session", entity_id=study.id, team_id=study.team_id,
                 now=now, actor=actor, before=before, after=_snapshot(study))


def delete(session: Session, study: StudySession, *, actor: Member, now: datetime) -> list[Member]:
    """Deletes the record (audited). A team session gives back the members' own records that had been
    merged into it, as unticking them does: their log of the session counts again. Returns those members
    (in id order; none for a member's own log)."""
    audit.soft_delete(session, study, entity="study_session", actor=actor, now=now, before=_snapshot(study))
    back = {record.recorded_by_member_id for record in _give_back(session, study, member_id=None, actor=actor,
                                                                  now=now)}
    return list(session.scalars(select(Member).where(Member.id.in_(back)).order_by(Member.id))) if back else []
