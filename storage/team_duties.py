"""A team's own duties (table `team_duties`) and what members log on them (`team_duty_entries`): every change
audited here, so `/duty`, `/log` and `bot.py team duty` record alike (core/team_duties.py reads the texts)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import audit
from storage.db import among
from storage.models import AuditEntry, Member, TeamDuty, TeamDutyEntry
from storage.persistence import decode


def _shape(row: TeamDuty) -> dict[str, object]:
    return {"name": row.name, "unit": row.unit, "yearly_target": row.yearly_target, "weight": row.weight}


def active(session: Session, team_id: int) -> list[TeamDuty]:
    """The team's duties in use, in the order they were added."""
    return list(session.scalars(select(TeamDuty).where(TeamDuty.team_id == team_id, TeamDuty.retired_at.is_(None))
                                .order_by(TeamDuty.id)))


@dataclass(frozen=True)
class DutyTerms:
    """A team duty as it stood on a day: what a period ending then asks and scores."""

    id: int
    name: str
    unit: str
    yearly_target: Decimal
    weight: Decimal


def terms(row: TeamDuty) -> DutyTerms:
    """The duty as it stands now."""
    return DutyTerms(row.id, row.name, row.unit, row.yearly_target, row.weight)


def in_force(session: Session, team_id: int, day: date, tz: ZoneInfo) -> list[DutyTerms]:
    """The team's duties as they stood at the end of ``day`` (team time), each with the unit, yearly target and
    weight then in force: a duty added later is not asked of that day's period, one retired since is still scored
    in it, and a target changed since (next year's, set in January) does not rewrite it. Every change leaves an
    audit entry (:func:`set_duty`, :func:`retire`): a duty none changed since is taken as it is (for a board of
    the current period, every one: the entries since tomorrow are none, a short range of their index); one changed
    since, as its latest entry before then left it."""
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    rows = [row for row in every(session, team_id) if row.created_at < end]
    changed = set(session.scalars(select(AuditEntry.entity_id).where(
        AuditEntry.at >= end, AuditEntry.team_id == team_id, AuditEntry.entity == "team_duty")))
    then: dict[int, tuple[str, dict[str, object] | None]] = {}
    if changed:
        for duty_id, action, after in session.execute(
                select(AuditEntry.entity_id, AuditEntry.action, AuditEntry.after)
                .where(AuditEntry.team_id == team_id, AuditEntry.entity == "team_duty", AuditEntry.at < end,
                       AuditEntry.entity_id.in_(changed))
                .order_by(AuditEntry.at, AuditEntry.id)):
            then[duty_id] = (action, decode(after) if after is not None else None)
    terms: list[DutyTerms] = []
    for row in rows:
        if row.id in changed:
            action, after = then.get(row.id, ("", None))
            if action == "retire" or after is None:
                continue
            shape = after
        elif row.retired_at is not None:
            continue
        else:
            shape = _shape(row)
        terms.append(DutyTerms(row.id, str(shape["name"]), str(shape["unit"]), Decimal(str(shape["yearly_target"])),
                               Decimal(str(shape["weight"]))))
    return terms


def every(session: Session, team_id: int) -> list[TeamDuty]:
    """The team's duties, retired ones too (their entries stay in the ledger), in the order they were added."""
    return list(session.scalars(select(TeamDuty).where(TeamDuty.team_id == team_id).order_by(TeamDuty.id)))


def by_name(session: Session, team_id: int, name: str) -> TeamDuty | None:
    """The team's duty of that name, retired or not, whatever its case (Visits is visits, as /log reads it)."""
    return next((row for row in every(session, team_id) if row.name.casefold() == name.casefold()), None)


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


def _entry_shape(entry: TeamDutyEntry, duty: TeamDuty) -> dict[str, object]:
    return {"duty": duty.name, "day": entry.day.isoformat(), "amount": entry.amount, "note": entry.note}


def log_entry(session: Session, *, duty: TeamDuty, member: Member, day: date, amount: Decimal, note: str,
              now: datetime) -> TeamDutyEntry:
    """One entry of the member's on the duty; audited."""
    entry = TeamDutyEntry(duty_id=duty.id, member_id=member.id, day=day, amount=amount, note=note or None,
                          created_at=now)
    session.add(entry)
    session.flush()
    audit.record(session, action="create", entity="team_duty_entry", entity_id=entry.id, team_id=duty.team_id,
                 now=now, actor=member, after=_entry_shape(entry, duty))
    return entry


def undo_latest(session: Session, member: Member, *, now: datetime) -> tuple[TeamDutyEntry, TeamDuty] | None:
    """Deletes (softly, audited) the member's latest entry still standing; None when there is none."""
    found = session.execute(select(TeamDutyEntry, TeamDuty).join(TeamDuty, TeamDuty.id == TeamDutyEntry.duty_id)
                            .where(TeamDutyEntry.member_id == member.id, TeamDutyEntry.deleted_at.is_(None))
                            .order_by(TeamDutyEntry.id.desc()).limit(1)).first()
    if found is None:
        return None
    entry, duty = found
    delete_entry(session, (entry, duty), actor=member, now=now)
    return entry, duty


def own_entries(session: Session, member_id: int) -> list[tuple[TeamDutyEntry, TeamDuty]]:
    """The member's entries still standing, on every duty of theirs (retired ones too), newest first."""
    return [(entry, duty) for entry, duty in session.execute(
        select(TeamDutyEntry, TeamDuty).join(TeamDuty, TeamDuty.id == TeamDutyEntry.duty_id)
        .where(TeamDutyEntry.member_id == member_id, TeamDutyEntry.deleted_at.is_(None))
        .order_by(TeamDutyEntry.id.desc()))]


def own_entry(session: Session, member_id: int, entry_id: int) -> tuple[TeamDutyEntry, TeamDuty] | None:
    """The member's entry of that id still standing, with its duty; None when it is not theirs or gone."""
    found = session.execute(select(TeamDutyEntry, TeamDuty).join(TeamDuty, TeamDuty.id == TeamDutyEntry.duty_id)
                            .where(TeamDutyEntry.id == entry_id, TeamDutyEntry.member_id == member_id,
                                   TeamDutyEntry.deleted_at.is_(None))).first()
    return None if found is None else (found[0], found[1])


def change_entry(session: Session, found: tuple[TeamDutyEntry, TeamDuty], *, amount: Decimal, day: date,
                 note: str, actor: Member, now: datetime) -> None:
    """A correction from /mine: the entry's amount, day and note; audited with both versions."""
    entry, duty = found
    before = _entry_shape(entry, duty)
    entry.amount, entry.day, entry.note = amount, day, note or None
    session.flush()
    audit.record(session, action="update", entity="team_duty_entry", entity_id=entry.id, team_id=duty.team_id,
                 now=now, actor=actor, before=before, after=_entry_shape(entry, duty))


def delete_entry(session: Session, found: tuple[TeamDutyEntry, TeamDuty], *, actor: Member, now: datetime) -> None:
    """Deletes the entry softly (it no longer counts; the row and the audit log keep it)."""
    entry, duty = found
    entry.deleted_at = now
    audit.record(session, action="delete", entity="team_duty_entry", entity_id=entry.id, team_id=duty.team_id,
                 now=now, actor=actor, before=_entry_shape(entry, duty))


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
