"""A team's own duties (table `team_duties`) and what members log on them (`team_duty_entries`): every change
audited here, so `/duty`, `/log` and `bot.py team duty` record alike (core/team_duties.py reads the texts)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import audit
from storage.db import among
from storage.models import Member, TeamDuty, TeamDutyEntry


def _shape(row: TeamDuty) -> dict[str, object]:
    return {"name": row.name, "unit": row.unit, "yearly_target": row.yearly_target, "weight": row.weight}


def active(session: Session, team_id: int) -> list[TeamDuty]:
    """The team's duties in use, in the order they were added."""
    return list(session.scalars(select(TeamDuty).where(TeamDuty.team_id == team_id, TeamDuty.retired_at.is_(None))
                                .order_by(TeamDuty.id)))


def every(session: Session, team_id: int) -> list[TeamDuty]:
    """The team's duties, retired ones too (their entries stay in the ledger), in the order they were added."""
    return list(session.scalars(select(TeamDuty).where(TeamDuty.team_id == team_id).order_by(TeamDuty.id)))


def by_name(session: Session, team_id: int, name: str) -> TeamDuty | None:
    return session.scalar(select(TeamDuty).where(TeamDuty.team_id == team_id, TeamDuty.name == name))


def set_duty(session: Session, *, team_id: int, name: str, unit: str, yearly_target: Decimal, weight: Decimal,
             now: datetime, actor_member_id: int | None = None,
             actor_telegram_id: int | None = None) -> tuple[TeamDuty, bool]:
    """Adds the duty, or changes (and brings back, if retired) the one of that name; audited. Returns the row
    and whether it is new."""
    row = by_name(session, team_id, name)
    before = None if row is None else {**_shape(row), "retired": row.retired_at is not None}
    if row is None:
        row = TeamDuty(team_id=team_id, name=name, unit=unit, yearly_target=yearly_target, weight=weight,
                       created_at=now)
        session.add(row)
    else:
        row.unit, row.yearly_target, row.weight, row.retired_at = unit, yearly_target, weight, None
    session.flush()
    audit.record(session, action="create" if before is None else "update", entity="team_duty", entity_id=row.id,
                 team_id=team_id, now=now, actor_member_id=actor_member_id, actor_telegram_id=actor_telegram_id,
                 before=before, after=_shape(row))
    return row, before is None


def retire(session: Session, *, team_id: int, name: str, now: datetime, actor_member_id: int | None = None,
           actor_telegram_id: int | None = None) -> TeamDuty | None:
    """Retires the team's duty of that name (None when it has none in use); audited."""
    row = by_name(session, team_id, name)
    if row is None or row.retired_at is not None:
        return None
    row.retired_at = now
    audit.record(session, action="retire", entity="team_duty", entity_id=row.id, team_id=team_id, now=now,
                 actor_member_id=actor_member_id, actor_telegram_id=actor_telegram_id, before=_shape(row))
    return row


def log_entry(session: Session, *, duty: TeamDuty, member: Member, day: date, amount: Decimal, note: str,
              now: datetime) -> TeamDutyEntry:
    """One entry of the member's on the duty; audited."""
    entry = TeamDutyEntry(duty_id=duty.id, member_id=member.id, day=day, amount=amount, note=note or None,
                          created_at=now)
    session.add(entry)
    session.flush()
    audit.record(session, action="create", entity="team_duty_entry", entity_id=entry.id, team_id=duty.team_id,
                 now=now, actor=member, after={"duty": duty.name, "day": day.isoformat(), "amount": amount,
                                               "note": note or None})
    return entry


def undo_latest(session: Session, member: Member, *, now: datetime) -> tuple[TeamDutyEntry, TeamDuty] | None:
    """Deletes (softly, audited) the member's latest entry still standing; None when there is none."""
    found = session.execute(select(TeamDutyEntry, TeamDuty).join(TeamDuty, TeamDuty.id == TeamDutyEntry.duty_id)
                            .where(TeamDutyEntry.member_id == member.id, TeamDutyEntry.deleted_at.is_(None))
                            .order_by(TeamDutyEntry.id.desc()).limit(1)).first()
    if found is None:
        return None
    entry, duty = found
    entry.deleted_at = now
    audit.record(session, action="delete", entity="team_duty_entry", entity_id=entry.id, team_id=duty.team_id,
                 now=now, actor=member, before={"duty": duty.name, "day": entry.day.isoformat(),
                                                "amount": entry.amount, "note": entry.note})
    return entry, duty


def done(session: Session, member_ids: Iterable[int], duty_ids: Iterable[int], *, first: date,
         last: date) -> dict[tuple[int, int], Decimal]:
    """(member id, duty id) → the amount logged from `first` to `last` (deleted entries left out; pairs with
    nothing logged left out)."""
    members, duties = sorted(set(member_ids)), sorted(set(duty_ids))
    if not members or not duties:
        return {}
    rows = session.execute(select(TeamDutyEntry.member_id, TeamDutyEntry.duty_id, func.sum(TeamDutyEntry.amount))
                           .where(among(session, TeamDutyEntry.member_id, members),
                                  among(session, TeamDutyEntry.duty_id, duties),
                                  TeamDutyEntry.deleted_at.is_(None),
                                  TeamDutyEntry.day >= first, TeamDutyEntry.day <= last)
                           .group_by(TeamDutyEntry.member_id, TeamDutyEntry.duty_id))
    return {(member_id, duty_id): Decimal(total) for member_id, duty_id, total in rows}


def entries(session: Session, team_id: int, *, first: date, last: date) -> list[tuple[TeamDutyEntry, TeamDuty]]:
    """The team's entries from `first` to `last` (deleted ones left out), by member, duty, day and id."""
    return [(entry, duty) for entry, duty in session.execute(
        select(TeamDutyEntry, TeamDuty).join(TeamDuty, TeamDuty.id == TeamDutyEntry.duty_id)
        .where(TeamDuty.team_id == team_id, TeamDutyEntry.deleted_at.is_(None),
               TeamDutyEntry.day >= first, TeamDutyEntry.day <= last)
        .order_by(TeamDutyEntry.member_id, TeamDutyEntry.duty_id, TeamDutyEntry.day, TeamDutyEntry.id))]
