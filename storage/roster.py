"""The roster an admin manages: roles, removal, leave periods, 任职日期 / 离任日期 and who races, each change
audited.

Every function re-reads the member inside the caller's transaction and checks the change still applies
(another admin may have acted first); it returns None or False when it did not.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.domain import LeaveKind, MemberStatus, Role
from storage import audit, next_nudge
from storage.db import execute_dml
from storage.models import LeavePeriod, Member


def in_team(session: Session, team_id: int, member_id: int) -> Member | None:
    """A member of this team who has not been removed; None for anyone else (or a forged id)."""
    return session.scalar(select(Member).where(Member.id == member_id, Member.team_id == team_id,
                                               Member.status != MemberStatus.REMOVED))


def removed_in_team(session: Session, team_id: int, member_id: int) -> Member | None:
    """A member of this team who was removed; None for anyone else (or a forged id)."""
    return session.scalar(select(Member).where(Member.id == member_id, Member.team_id == team_id,
                                               Member.status == MemberStatus.REMOVED))


def removed_page(session: Session, team_id: int, *, offset: int, limit: int) -> tuple[list[Member], int]:
    """A page of the team's removed members, the latest removed first; and the total."""
    where = (Member.team_id == team_id, Member.status == MemberStatus.REMOVED)
    total = session.scalar(select(func.count()).select_from(Member).where(*where)) or 0
    shown = session.scalars(select(Member).where(*where).order_by(Member.removed_at.desc(), Member.id.desc())
                            .offset(offset).limit(limit))
    return list(shown), total


def page(session: Session, team_id: int, *, offset: int, limit: int) -> tuple[list[Member], int]:
    """A page of the team (not removed), owner and admins first, then in the order they joined; and the total."""
    where = (Member.team_id == team_id, Member.status != MemberStatus.REMOVED)
    total = session.scalar(select(func.count()).select_from(Member).where(*where)) or 0
    rank = {Role.OWNER: 0, Role.ADMIN: 1, Role.MEMBER: 2}
    everyone = sorted(session.scalars(select(Member).where(*where)), key=lambda m: (rank[m.role], m.id))
    return everyone[offset : offset + limit], total


def active_admins(session: Session, team_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Member).where(
        Member.team_id == team_id, Member.status == MemberStatus.ACTIVE,
        Member.role.in_([Role.OWNER, Role.ADMIN]))) or 0


def set_role(session: Session, member: Member, *, old: Role, new: Role, actor: Member, now: datetime) -> bool:
    """Compare-and-set: changes the role only if it is still `old`."""
    changed = execute_dml(session, update(Member).where(Member.id == member.id, Member.role == old,
                                                        Member.status != MemberStatus.REMOVED).values(role=new))
    if (changed.rowcount or 0) != 1:
        return False
    audit.record(session, action="promote" if new is Role.ADMIN else "demote", entity="member", entity_id=member.id,
                 team_id=member.team_id, now=now, actor=actor,
                 before={"role": old.value}, after={"role": new.value})
    return True


def remove(session: Session, member: Member, *, actor: Member, now: datetime) -> bool:
    """Ends the member's access; their records stay (and count in the ledger).

    The role goes back to member too: someone removed who opens an invite link again must not come back
    as an admin."""
    before = member.status
    changed = execute_dml(session, update(Member).where(Member.id == member.id, Member.status != MemberStatus.REMOVED)
                                   .values(status=MemberStatus.REMOVED, removed_at=now, role=Role.MEMBER))
    if (changed.rowcount or 0) != 1:
        return False
    audit.record(session, action="remove", entity="member", entity_id=member.id, team_id=member.team_id, now=now,
                 actor=actor,
                 before={"status": before.value, "role": member.role.value}, after={"status": "removed"})
    return True


def restore(session: Session, member: Member, *, actor: Member, now: datetime) -> bool:
    """Compare-and-set: a removed member is active again (as a member), by the office's explicit choice."""
    removed_at = member.removed_at
    changed = execute_dml(session, update(Member).where(Member.id == member.id, Member.status == MemberStatus.REMOVED)
                                   .values(status=MemberStatus.ACTIVE, removed_at=None, role=Role.MEMBER))
    if (changed.rowcount or 0) != 1:
        return False
    next_nudge.recheck_members(session, [member.id])  # their open items' nudges come again from the next tick
    audit.record(session, action="restore", entity="member", entity_id=member.id, team_id=member.team_id, now=now,
                 actor=actor,
                 before={"status": "removed", "removed_at": removed_at}, after={"status": "active"})
    return True


def record_leave(session: Session, member: Member, *, kind: LeaveKind, start: date, end: date, actor: Member,
                 now: datetime, note: str | None = None) -> LeavePeriod:
    period = LeavePeriod(member_id=member.id, kind=kind, start_date=start, end_date=end, note=note,
                         recorded_by_member_id=actor.id, created_at=now)
    session.add(period)
    session.flush()
    audit.record(session, action="create", entity="leave_period", entity_id=period.id, team_id=member.team_id,
                 now=now, actor=actor,
                 after={"member_id": member.id, "kind": kind.value, "start": start, "end": end})
    return period


def leave_period(session: Session, member_id: int, leave_id: int) -> LeavePeriod | None:
    """The member's leave period of that id, or None (not theirs, or deleted since)."""
    return session.scalar(select(LeavePeriod).where(LeavePeriod.id == leave_id, LeavePeriod.member_id == member_id))


def delete_leave(session: Session, member: Member, period: LeavePeriod, *, actor: Member, now: datetime) -> None:
    """Deletes a leave period recorded by mistake (audited, with what it was); the member's deadline nudges are
    looked at again in the same transaction (storage/next_nudge.py sees the deletion)."""
    audit.record(session, action="delete", entity="leave_period", entity_id=period.id, team_id=member.team_id,
                 now=now, actor=actor, before={"member_id": member.id, "kind": period.kind.value,
                                               "start": period.start_date, "end": period.end_date})
    session.delete(period)
    session.flush()


def leave_since(session: Session, member_id: int, *, year: int) -> list[LeavePeriod]:
    """The member's leave from ``year`` on: what touches the year and what is recorded for later years."""
    return list(session.scalars(select(LeavePeriod).where(
        LeavePeriod.member_id == member_id, LeavePeriod.end_date >= date(year, 1, 1)).order_by(LeavePeriod.start_date)))


def set_office_dates(session: Session, member: Member, *, took_office_on: date | None, left_office_on: date | None,
                     now: datetime, actor: Member | None = None) -> bool:
    """Sets the member's 任职日期 and 离任日期 (None = the whole year); False, changing nothing, when they
    would leave office before taking it. Pro-rating of targets uses these dates only."""
    if took_office_on is not None and left_office_on is not None and left_office_on < took_office_on:
        return False
    before = {"took_office_on": member.took_office_on, "left_office_on": member.left_office_on}
    after = {"took_office_on": took_office_on, "left_office_on": left_office_on}
    if before == after:
        return True
    member.took_office_on, member.left_office_on = took_office_on, left_office_on
    audit.record(session, action="office_dates", entity="member", entity_id=member.id, team_id=member.team_id,
                 now=now, actor_member_id=actor.id if actor else None,
                 actor_telegram_id=actor.telegram_user_id if actor else None, before=before, after=after)
    return True


def set_races(session: Session, member: Member, *, races: bool, now: datetime, actor: Member | None = None) -> bool:
    """Puts the member in the race (ranked, paced) or takes them out of it (the office); False when it already was."""
    if member.races == races:
        return False
    member.races = races
    audit.record(session, action="races", entity="member", entity_id=member.id, team_id=member.team_id, now=now,
                 actor_member_id=actor.id if actor else None,
                 actor_telegram_id=actor.telegram_user_id if actor else None,
                 before={"races": not races}, after={"races": races})
    return True
