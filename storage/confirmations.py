"""Drafts' confirmations, each consumed once: the token is written in the same transaction as the record
its Confirm made, so a doubled press, or one replayed after a crash left the draft open, makes nothing new."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from storage.models import Confirmation


def consumed(session: Session, token: str) -> Confirmation | None:
    """The confirmation already made with `token`, if any."""
    return session.get(Confirmation, token)


def consume(session: Session, token: str, *, entity: str, now: datetime, entity_id: int | None = None,
            team_id: int | None = None, member_id: int | None = None) -> None:
    """Records `token` as used, in the caller's transaction. Two transactions that consume the same token
    cannot both commit (it is the primary key): the second fails and stores nothing of what it made."""
    session.add(Confirmation(token=token, team_id=team_id, member_id=member_id, entity=entity,
                             entity_id=entity_id, created_at=now))
    session.flush()
