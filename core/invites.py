"""Whether an invite code lets someone in, and why not when it doesn't."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class InviteVerdict(enum.StrEnum):
    VALID = "valid"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED_UP = "used_up"
    REVOKED = "revoked"


@dataclass(frozen=True)
class InviteFacts:
    """What decides whether an invite code lets someone in: its expiry, its uses (and the most allowed),
    its revocation."""

    expires_at: datetime | None
    max_uses: int | None
    uses: int
    revoked_at: datetime | None


def judge_invite(invite: InviteFacts | None, *, now: datetime) -> InviteVerdict:
    if invite is None:
        return InviteVerdict.UNKNOWN
    if invite.revoked_at is not None and invite.revoked_at <= now:
        return InviteVerdict.REVOKED
    if invite.expires_at is not None and invite.expires_at <= now:
        return InviteVerdict.EXPIRED
    if invite.max_uses is not None and invite.uses >= invite.max_uses:
        return InviteVerdict.USED_UP
    return InviteVerdict.VALID


def looks_like_invite_code(text: str) -> bool:
    """Telegram deep-link payloads are 1–64 characters of A–Z, a–z, 0–9, _ and -."""
    return 1 <= len(text) <= 64 and all(c.isascii() and (c.isalnum() or c in "_-") for c in text)
