"""The audit log: who changed what and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import AuditEntry, Member
from storage.persistence import encode


def record(
    session: Session,
    *,
    action: str,
    entity: str,
    entity_id: int | None,
    now: datetime,
    team_id: int | None = None,
    actor: Member | None = None,
    actor_member_id: int | None = None,
    actor_telegram_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """One entry; `actor`, the member who did it, stands for both their ids (else give what is known)."""
    entry = AuditEntry(
        team_id=team_id,
        actor_member_id=actor.id if actor is not None else actor_member_id,
        actor_telegram_id=actor.telegram_user_id if actor is not None else actor_telegram_id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=encode(before) if before is not None else None,
        after=encode(after) if after is not None else None,
        at=now,
    )
    session.add(entry)
    return entry


class TeamRecord(Protocol):
    """A team's record that is deleted softly: kept, with `deleted_at` set, and out of every list and count."""

    id: int
    team_id: int
    deleted_at: datetime | None


def soft_delete(session: Session, row: TeamRecord, *, entity: str, actor: Member, now: datetime,
                before: dict[str, Any]) -> AuditEntry:
    """Deletes the record softly and audits it, with what it was (`before`), as done by `actor`."""
    row.deleted_at = now
    return record(session, action="delete", entity=entity, entity_id=row.id, team_id=row.team_id, now=now,
                  actor=actor, before=before)


def for_team(session: Session, team_id: int, *, limit: int = 50) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry).where(AuditEntry.team_id == team_id).order_by(AuditEntry.id.desc()).limit(limit)
        )
    )


def page(session: Session, team_id: int, *, offset: int, limit: int) -> tuple[list[AuditEntry], int]:
    """The team's entries newest first, one page of them, and how many there are."""
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.team_id == team_id)) or 0
    entries = session.scalars(select(AuditEntry).where(AuditEntry.team_id == team_id)
                              .order_by(AuditEntry.id.desc()).offset(offset).limit(limit))
    return list(entries), total
