"""Motions in the database: creating one, moving it through its loop, and what /me asks about them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from config import Config
from core import motions as rules
from core.clock import ManualClock
from core.domain import MemberStatus, MotionKind, MotionStatus, ResultClass, Role, Satisfaction
from storage import members, motions, onboarding
from storage.db import Database
from storage.models import AuditEntry, Member, Motion

TODAY = date(2026, 11, 21)


def _team(db: Database, clock: ManualClock) -> tuple[int, int]:
    """A team and one active member in it: (team id, member id)."""
    with db.session() as session:
        new = onboarding.create_team(session, name="省政府党组", admin_telegram_id=1, group_chat_id=None,
                                     config=Config(), now=clock.now())
        zhang = members.add(session, team=new.team, telegram_user_id=1001, display_name="张三", username=None,
                            role=Role.MEMBER, status=MemberStatus.ACTIVE, now=clock.now(), joined_on=TODAY)
        return new.team.id, zhang.id


def _motion(db: Database, clock: ManualClock, member_id: int, number: str, *, kind: MotionKind = MotionKind.SUGGESTION,
            is_key: bool = True, assigned_on: date = date(2026, 3, 1)) -> int:
    with db.session() as session:
        lead = session.get(Member, member_id)
        assert lead is not None
        return motions.create(session, lead=lead, kind=kind, number=number, title="关于加快山区公路建设的建议",
                              is_key=is_key, assigned_on=assigned_on, reply_due_months=3, now=clock.now()).id


def _move(db: Database, clock: ManualClock, motion_id: int, step: str, **kwargs: object) -> None:
    with db.session() as session:
        motion = motions.by_id(session, motion_id, for_update=True)
        assert motion is not None
        actor = session.get(Member, motion.lead_member_id)
        assert actor is not None
        new = getattr(rules, step)(motions.state_of(motion), **kwargs)
        motions.apply(session, motion, new, action=step, actor=actor, now=clock.now())


def test_a_new_motion_is_assigned_due_three_months_later_and_audited(db: Database, clock: ManualClock) -> None:
    _, zhang = _team(db, clock)
    motion_id = _motion(db, clock, zhang, "123", assigned_on=date(2026, 11, 30))
    with db.session() as session:
        motion = session.get(Motion, motion_id)
        assert motion is not None
        assert (motion.status, motion.reply_due, motion.reopened) == (MotionStatus.ASSIGNED, date(2027, 2, 28), 0)
        entry = session.scalar(select(AuditEntry).where(AuditEntry.entity == "motion"))
        assert entry is not None and entry.action == "create" and entry.after is not None
        assert entry.after["number"] == "123" and entry.actor_member_id == zhang


def test_the_same_number_is_taken_within_a_team_kind_and_year_only(db: Database, clock: ManualClock) -> None:
    team_id, zhang = _team(db, clock)
    first = _motion(db, clock, zhang, "0123")
    with db.session() as session:
        def taken(number: str, kind: MotionKind = MotionKind.SUGGESTION, year: int = 2026, team: int = team_id,
                  excluding: int | None = None) -> bool:
            return motions.number_taken(session, team_id=team, kind=kind, number=number, year=year,
                                        excluding=excluding)

        assert taken("123") and taken("0123")
        assert not taken("12")
        assert not taken("123", MotionKind.PROPOSAL)
        assert not taken("123", year=2025)
        assert not taken("123", team=team_id + 1)
        assert not taken("123", excluding=first)  # the motion being corrected is not its own duplicate


def test_applying_a_rule_stores_the_state_and_audits_only_what_changed(db: Database, clock: ManualClock) -> None:
    _, zhang = _team(db, clock)
    motion_id = _motion(db, clock, zhang, "1")
    _move(db, clock, motion_id, "start_handling", today=TODAY)
    _move(db, clock, motion_id, "reply", replied_on=date(2026, 5, 20), result_class=ResultClass.B, today=TODAY)
    _move(db, clock, motion_id, "record_satisfaction", satisfaction=Satisfaction.UNSATISFIED, today=TODAY)
    with db.session() as session:
        motion = session.get(Motion, motion_id)
        assert motion is not None
        assert (motion.status, motion.reply_due, motion.replied_on, motion.result_class, motion.reopened) == (
            MotionStatus.HANDLING, date(2026, 12, 21), None, None, 1)
        entries = list(session.scalars(select(AuditEntry).where(AuditEntry.entity_id == motion_id,
                                                                AuditEntry.entity == "motion")
                                       .order_by(AuditEntry.id)))
    assert [e.action for e in entries] == ["create", "start_handling", "reply", "record_satisfaction"]
    assert entries[1].before == {"status": "assigned"} and entries[1].after == {"status": "handling"}
    assert entries[3].after == {"status": "handling", "reply_due": {"$date": "2026-12-21"}, "replied_on": None,
                                "result_class": None, "reopened": 1}


def test_open_for_lists_the_unreplied_ones_soonest_due_first(db: Database, clock: ManualClock) -> None:
    _, zhang = _team(db, clock)
    later = _motion(db, clock, zhang, "1", assigned_on=date(2026, 9, 1))
    sooner = _motion(db, clock, zhang, "2", assigned_on=date(2026, 8, 1))
    handling = _motion(db, clock, zhang, "3", assigned_on=date(2026, 10, 1))
    replied = _motion(db, clock, zhang, "4")
    deleted = _motion(db, clock, zhang, "5")
    _move(db, clock, handling, "start_handling", today=TODAY)
    _move(db, clock, replied, "reply", replied_on=date(2026, 5, 1), result_class=ResultClass.A, today=TODAY)
    with db.session() as session:
        row = session.get(Motion, deleted)
        assert row is not None
        row.deleted_at = clock.now()
    with db.session() as session:
        assert [m.id for m in motions.open_for(session, zhang)] == [sooner, later, handling]
        assert [m.id for m in motions.unclosed_for(session, zhang)] == [handling, later, sooner, replied]


def test_own_motions_are_the_leads_not_deleted_ones_corrected_and_deleted_with_audit(
        db: Database, clock: ManualClock) -> None:
    team_id, zhang = _team(db, clock)
    first = _motion(db, clock, zhang, "1")
    second = _motion(db, clock, zhang, "2")
    with db.session() as session:
        lead = session.get(Member, zhang)
        assert lead is not None
        li = members.add(session, team=lead.team, telegram_user_id=1002, display_name="李四", username=None,
                         role=Role.MEMBER, status=MemberStatus.ACTIVE, now=clock.now(), joined_on=TODAY).id
    with db.session() as session:
        assert [m.id for m in motions.own_motions(session, zhang)] == [second, first]
        assert motions.own_motions(session, li) == []
        assert motions.own_motion(session, li, first) is None
        motion = motions.own_motion(session, zhang, first, for_update=True)
        actor = session.get(Member, zhang)
        assert motion is not None and actor is not None
        motions.correct(session, motion, actor=actor, kind=MotionKind.PROPOSAL, number="7",
                        title="关于加强基层医疗的提案", is_key=False, assigned_on=date(2026, 3, 10),
                        reply_due_months=3, now=clock.now())
    with db.session() as session:
        motion = session.get(Motion, first)
        assert motion is not None
        assert (motion.kind, motion.number, motion.is_key, motion.reply_due) == (
            MotionKind.PROPOSAL, "7", False, date(2026, 6, 10))
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "update"))
        assert entry is not None and entry.team_id == team_id and entry.actor_member_id == zhang
        assert entry.before == {"kind": "suggestion", "number": "1", "title": "关于加快山区公路建设的建议",
                                "is_key": True, "assigned_on": {"$date": "2026-03-01"},
                                "reply_due": {"$date": "2026-06-01"}}
        assert entry.after is not None and entry.after["reply_due"] == {"$date": "2026-06-10"}
        actor = session.get(Member, zhang)
        assert actor is not None
        motions.delete(session, motion, actor=actor, now=clock.now())
    with db.session() as session:
        assert [m.id for m in motions.own_motions(session, zhang)] == [second]
        assert motions.own_motion(session, zhang, first) is None and motions.by_id(session, first) is None
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "delete"))
        assert entry is not None and entry.before is not None and entry.before["status"] == "assigned"


def test_key_led_count_counts_key_motions_of_one_kind_assigned_that_year(db: Database, clock: ManualClock) -> None:
    _, zhang = _team(db, clock)
    _motion(db, clock, zhang, "1")
    _motion(db, clock, zhang, "2")
    _motion(db, clock, zhang, "3", is_key=False)
    _motion(db, clock, zhang, "4", kind=MotionKind.PROPOSAL)
    _motion(db, clock, zhang, "5", assigned_on=date(2025, 12, 31))
    deleted = _motion(db, clock, zhang, "6")
    with db.session() as session:
        row = session.get(Motion, deleted)
        assert row is not None
        row.deleted_at = clock.now()
    with db.session() as session:
        assert motions.key_led_count(session, zhang, 2026, MotionKind.SUGGESTION) == 2
        assert motions.key_led_count(session, zhang, 2026, MotionKind.PROPOSAL) == 1
        assert motions.key_led_count(session, zhang, 2025, MotionKind.SUGGESTION) == 1
        assert motions.key_led_count(session, zhang + 1, 2026, MotionKind.SUGGESTION) == 0


@pytest.mark.parametrize(("today", "rate"), [
    (date(2026, 5, 31), None),  # nothing replied and nothing overdue yet
    (date(2026, 6, 1), Decimal("1")),  # the on-time reply is judged; the other is due today
    (date(2026, 6, 2), Decimal("0.5")),  # now the unreplied one is overdue
])
def test_on_time_rate_judges_the_years_motions_as_of_a_day(db: Database, clock: ManualClock, today: date,
                                                           rate: Decimal | None) -> None:
    _, zhang = _team(db, clock)
    on_time = _motion(db, clock, zhang, "1", assigned_on=date(2026, 3, 1))
    _motion(db, clock, zhang, "2", assigned_on=date(2026, 3, 1))
    _motion(db, clock, zhang, "3", assigned_on=date(2025, 1, 1))  # another year: not judged
    _move(db, clock, on_time, "reply", replied_on=date(2026, 6, 1), result_class=ResultClass.A, today=TODAY)
    with db.session() as session:
        assert motions.on_time_rate(session, zhang, 2026, today) == rate
