"""Targets on both backends: the team's quarter targets (季目标) stored on the row (Q4 = the year), a member's
own row replacing them, a year typed alone clearing them; /me's pace and the race read the same curve."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from config import Config
from core.clock import ManualClock
from core.domain import Duty, MemberStatus, Role
from core.pace import QuarterTargets
from core.race import Period, PeriodKind
from storage import members, onboarding, progress, race, targets
from storage.db import Database

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 2, 10, 10, tzinfo=SHANGHAI)
RESEARCH = QuarterTargets(Decimal(10), Decimal(25), Decimal(40), Decimal(60))


def test_quarter_targets_are_stored_read_and_followed(db: Database, clock: ManualClock) -> None:
    with db.session() as session:
        new = onboarding.create_team(session, name="省政府党组", admin_telegram_id=900, group_chat_id=None,
                                     config=Config(), now=clock.now())
        people = [members.add(session, team=new.team, telegram_user_id=uid, display_name=name, username=None,
                              role=Role.MEMBER, status=MemberStatus.ACTIVE, now=NOW, joined_on=date(2026, 1, 1))
                  for uid, name in ((1001, "张三"), (1002, "李四"))]
        zhang, li = people
        actor: dict[str, Any] = {"actor_member_id": new.owner.id, "actor_telegram_id": 900, "now": NOW}
        targets.set_quarters(session, team_id=new.team.id, year=2026, duty=Duty.RESEARCH_DAYS, quarters=RESEARCH,
                             member_id=None, **actor)
        targets.set_quarters(session, team_id=new.team.id, year=2027, duty=Duty.LAW_STUDY,
                             quarters=QuarterTargets(*map(Decimal, (1, 2, 3, 4))), member_id=None, **actor)
        targets.set_value(session, team_id=new.team.id, year=2026, duty=Duty.RESEARCH_DAYS, value=Decimal(50),
                          member_id=li.id, **actor)  # 李四's own year, spread evenly
        team_id = new.team.id
    with db.session() as session:
        assert targets.quarter_targets(session, team_id=team_id, member_id=zhang.id, year=2026) == {
            Duty.RESEARCH_DAYS: RESEARCH}
        assert targets.quarter_targets(session, team_id=team_id, member_id=li.id, year=2026) == {}
        assert targets.yearly_targets(session, team_id=team_id, member_id=zhang.id, year=2026,
                                      defaults=Config().team_defaults.targets)[Duty.RESEARCH_DAYS] == 60
        assert set(targets.quarter_targets(session, team_id=team_id, member_id=zhang.id, year=2027)) == {
            Duty.LAW_STUDY}
        zhang_row = session.get_one(type(zhang), zhang.id)
        me = progress.year_progress(session, zhang_row, today=date(2026, 2, 10), config=Config())
        research = next(p for p in me.duties if p.duty is Duty.RESEARCH_DAYS)
        assert research.quarter_target == 10 and research.expected_now == Decimal(10) * 41 / 90
        gathered = {i.member_id: i for i in race.gather(
            session, team_id, Period(PeriodKind.MONTH, 2026, 2), as_of=date(2026, 2, 10),
            defaults=Config().team_defaults.targets, tz=SHANGHAI)}
        assert gathered[zhang.id].quarter_targets == {Duty.RESEARCH_DAYS: RESEARCH}
        assert gathered[li.id].quarter_targets == {}
        paces = race.year_paces(session, session.get_one(type(new.team), team_id), today=date(2026, 2, 10),
                                config=Config())
        assert next(p for p in paces[zhang.id] if p.duty is Duty.RESEARCH_DAYS) == research
    with db.session() as session:  # a year typed alone clears the quarters
        targets.set_value(session, team_id=team_id, year=2026, duty=Duty.RESEARCH_DAYS, value=Decimal(60),
                          member_id=None, **actor)
        assert targets.quarter_targets(session, team_id=team_id, member_id=zhang.id, year=2026) == {}
