"""Invite rules: which codes let someone in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.invites import InviteFacts, InviteVerdict, judge_invite, looks_like_invite_code

NOW = datetime(2026, 11, 21, 2, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("facts", "verdict"),
    [
        (None, InviteVerdict.UNKNOWN),
        (InviteFacts(expires_at=NOW + timedelta(days=1), max_uses=None, uses=40, revoked_at=None), InviteVerdict.VALID),
        (InviteFacts(expires_at=None, max_uses=1, uses=0, revoked_at=None), InviteVerdict.VALID),
        (InviteFacts(expires_at=NOW, max_uses=None, uses=0, revoked_at=None), InviteVerdict.EXPIRED),
        (InviteFacts(expires_at=None, max_uses=1, uses=1, revoked_at=None), InviteVerdict.USED_UP),
        (InviteFacts(expires_at=None, max_uses=None, uses=0, revoked_at=NOW), InviteVerdict.REVOKED),
        (InviteFacts(expires_at=NOW - timedelta(days=1), max_uses=1, uses=1, revoked_at=NOW), InviteVerdict.REVOKED),
    ],
)
def test_an_invite_is_judged_on_revocation_then_expiry_then_uses(facts: InviteFacts | None, verdict: InviteVerdict) -> None:
    assert judge_invite(facts, now=NOW) is verdict


@pytest.mark.parametrize("text", ["Ab3dE9kQ2x", "a", "a_b-c", "x" * 64])
def test_deep_link_payloads_look_like_codes(text: str) -> None:
    assert looks_like_invite_code(text)


@pytest.mark.parametrize("text", ["", "x" * 65, "邀请码", "ab cd", "ab/cd", "ab?cd"])
def test_other_text_does_not_look_like_a_code(text: str) -> None:
    assert not looks_like_invite_code(text)
