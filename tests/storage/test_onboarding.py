"""Onboarding in the database: creating a team, joining with a code, refusing without a trace."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from config import Config
from core.clock import ManualClock
from core.invites import InviteVerdict
from storage import invites, onboarding
from storage.db import Database
from storage.models import AuditEntry, Invite, Member, MemberStatus, PersistedState, Role


def _create(db: Database, clock: ManualClock) -> onboarding.NewTeam:
    with db.session() as session:
        return onboarding.create_team(session, name="省政府党组", admin_telegram_id=900, group_chat_id=None,
                                      config=Config(), now=clock.now())


def _join(db: Database, clock: ManualClock, code: str, user_id: int) -> onboarding.JoinResult:
    with db.session() as session:
        return onboarding.join_with_code(session, code=code, telegram_user_id=user_id, display_name="张三",
                                         username=None, now=clock.now(), today=clock.now().date())


def _count(db: Database, model: type) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_new_team_has_a_pending_owner_and_an_expiring_invite(db: Database, clock: ManualClock) -> None:
    new = _create(db, clock)
    assert new.owner.role is Role.OWNER and new.owner.status is MemberStatus.PENDING
    assert new.invite.expires_at == clock.now() + timedelta(days=14)
    assert len(new.invite.code) == 10


def test_a_valid_code_makes_an_active_member(db: Database, clock: ManualClock) -> None:
    new = _create(db, clock)
    result = _join(db, clock, new.invite.code, 1001)
    assert result.verdict is InviteVerdict.VALID and result.outcome is onboarding.JoinOutcome.JOINED
    assert result.member is not None and result.member.status is MemberStatus.ACTIVE
    assert result.member.role is Role.MEMBER and result.team is not None and result.team.name == "省政府党组"
    assert _join(db, clock, new.invite.code, 1001).outcome is onboarding.JoinOutcome.ALREADY_MEMBER


def test_refusals_store_nothing(db: Database, clock: ManualClock) -> None:
    new = _create(db, clock)
    before = (_count(db, Member), _count(db, AuditEntry), _count(db, PersistedState))
    assert _join(db, clock, "NoSuchCode1", 1001).verdict is InviteVerdict.UNKNOWN
    clock.advance(timedelta(days=15))
    expired = _join(db, clock, new.invite.code, 1001)
    assert expired.verdict is InviteVerdict.EXPIRED and expired.expired_at == new.invite.expires_at
    assert (_count(db, Member), _count(db, AuditEntry), _count(db, PersistedState)) == before


def test_a_single_use_invite_lets_in_one_person(db: Database, clock: ManualClock) -> None:
    new = _create(db, clock)
    with db.session() as session:
        once = invites.create(session, team_id=new.team.id, role=Role.MEMBER, now=clock.now(),
                              valid_for=timedelta(days=1), max_uses=1, code_length=10)
    assert _join(db, clock, once.code, 1001).verdict is InviteVerdict.VALID
    assert _join(db, clock, once.code, 1002).verdict is InviteVerdict.USED_UP
    with db.session() as session:
        assert session.scalar(select(Invite.uses).where(Invite.id == once.id)) == 1


def test_the_named_admin_becomes_owner_on_first_contact(db: Database, clock: ManualClock) -> None:
    _create(db, clock)
    with db.session() as session:
        activated = onboarding.activate_pending(session, telegram_user_id=900, display_name="李主任", username=None,
                                                now=clock.now(), today=clock.now().date())
        assert [(m.display_name, m.role, m.status) for m in activated] == [("李主任", Role.OWNER, MemberStatus.ACTIVE)]
