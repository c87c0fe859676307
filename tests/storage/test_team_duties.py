"""storage/team_duties.py: a team's own duties and their entries, audited, and how the race gathers them
(what was logged in the period up to the board day; deleted entries and retired duties count nothing)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from config import Config
from core.clock import ManualClock
from core.domain import MemberStatus, Role
from core.race import Period, PeriodKind
from storage import members, onboarding, race, team_duties
from storage.db import Database
from storage.models import AuditEntry
from tests.conftest import SHANGHAI

NOV = Period(PeriodKind.MONTH, 2026, 11)


def test_the_race_gathers_what_each_member_logged_on_the_duties_in_use(db: Database, clock: ManualClock) -> None:
    now = clock.now()
    with db.session() as session:
        new = onboarding.create_team(session, name="省政府党组", admin_telegram_id=900, group_chat_id=None,
                                     config=Config(), now=now)
        zhang, li = (members.add(session, team=new.team, telegram_user_id=uid, display_name=name, username=None,
                                 role=Role.MEMBER, status=MemberStatus.ACTIVE, now=now, joined_on=date(2026, 1, 1))
                     for uid, name in ((1001, "张三"), (1002, "李四")))
        visits, added = team_duties.set_duty(session, team_id=new.team.id, name="接访下访", unit="天",
                                             yearly_target=Decimal(12), weight=Decimal(5), now=now)
        study, _ = team_duties.set_duty(session, team_id=new.team.id, name="第一议题", unit="次",
                                        yearly_target=Decimal(24), weight=Decimal(2), now=now)
        assert added
        for day, amount in ((date(2026, 11, 20), Decimal(1)), (date(2026, 10, 5), Decimal(2)),
                            (date(2026, 11, 22), Decimal(4))):  # the 22nd: after the board day
            team_duties.log_entry(session, duty=visits, member=zhang, day=day, amount=amount, note="", now=now)
        team_duties.log_entry(session, duty=visits, member=zhang, day=date(2026, 11, 2), amount=Decimal(9),
                              note="记错", now=now).deleted_at = now
        team_duties.log_entry(session, duty=study, member=li, day=date(2026, 11, 3), amount=Decimal(1),
                              note="", now=now)
        assert team_duties.retire(session, team_id=new.team.id, name="第一议题", now=now) is study
        assert team_duties.retire(session, team_id=new.team.id, name="第一议题", now=now) is None
        team_id, zhang_id, li_id, visits_id = new.team.id, zhang.id, li.id, visits.id

    with db.session() as session:
        gathered = {inputs.member_id: inputs.extras for inputs in race.gather(
            session, team_id, NOV, as_of=date(2026, 11, 21), defaults=Config().team_defaults.targets, tz=SHANGHAI)}
        assert [(e.key, e.name, e.done) for e in gathered[zhang_id]] == [(visits_id, "接访下访", Decimal(1))]
        assert [(e.key, e.done) for e in gathered[li_id]] == [(visits_id, Decimal(0))]  # 第一议题 retired
        assert team_duties.done(session, [zhang_id], [visits_id], first=date(2026, 1, 1),
                                last=date(2026, 12, 31)) == {(zhang_id, visits_id): Decimal(7)}
        assert [d.name for d in team_duties.active(session, team_id)] == ["接访下访"]
        assert [d.name for d in team_duties.every(session, team_id)] == ["接访下访", "第一议题"]
        audited = [(a.action, a.entity) for a in session.scalars(
            select(AuditEntry).where(AuditEntry.entity.like("team_duty%")).order_by(AuditEntry.id))]
    assert audited == [("create", "team_duty"), ("create", "team_duty")] + [("create", "team_duty_entry")] * 5 \
        + [("retire", "team_duty")]
