"""Queries about invite codes."""

from __future__ import annotations

import secrets
import string
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.invites import InviteFacts
from storage.db import execute_dml
from storage.models import AuditEntry, Invite, Role

_ALPHABET = string.ascii_letters + string.digits


def new_code(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def create(
    session: Session,
    *,
    team_id: int,
    role: Role,
    now: datetime,
    valid_for: timedelta | None,
    max_uses: int | None,
    code_length: int,
    created_by_member_id: int | None = None,
) -> Invite:
    invite = Invite(
        team_id=team_id,
        code=new_code(code_length),
        role=role,
        created_by_member_id=created_by_member_id,
        created_at=now,
        expires_at=now + valid_for if valid_for else None,
        max_uses=max_uses,
        uses=0,
    )
    session.add(invite)
    session.flush()
    return invite


def by_code(session: Session, code: str) -> Invite | None:
    return session.scalar(select(Invite).where(Invite.code == code))


def facts(invite: Invite | None) -> InviteFacts | None:
    if invite is None:
        return None
    return InviteFacts(
        expires_at=invite.expires_at, max_uses=invite.max_uses, uses=invite.uses, revoked_at=invite.revoked_at
    )


def use(session: Session, invite: Invite) -> bool:
    """Counts one use, atomically against the limit; False when the last use was taken meanwhile."""
    statement = update(Invite).where(Invite.id == invite.id).values(uses=Invite.uses + 1)
    if invite.max_uses is not None:
        statement = statement.where(Invite.uses < invite.max_uses)
    return (execute_dml(session, statement).rowcount or 0) == 1


def named_for(session: Session, invite_id: int) -> int | None:
    """The removed member an invite was made for (the office's "invite back" on their card), as its
    creation's audit entry records it; None for a general invite."""
    after = session.scalar(select(AuditEntry.after).where(
        AuditEntry.entity == "invite", AuditEntry.action == "create", AuditEntry.entity_id == invite_id))
    value = after.get("for_member_id") if isinstance(after, dict) else None
    return value if isinstance(value, int) else None
