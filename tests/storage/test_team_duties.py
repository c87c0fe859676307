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
from storage import evaluation as evaluation_queries
from storage import members, onboarding, race, team_duties, teams
from storage.db import Database
from storage.models import AuditEntry
from storage.progress import year_progress
from tests.conftest import SHANGHAI
from tests.jobs.test_scheduled import at, make_team

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


def _evaluation_2026(db: Database, team_id: int, member_id: int) -> tuple[Decimal, list[tuple[str, Decimal]]]:
    with db.session() as session:
        found = evaluation_queries.team_evaluation(session, teams.one(session, team_id), 2026,
                                                   today=date(2027, 1, 6), config=Config())
        entry = found.entry_of(member_id)
        assert entry is not None
        return entry.figures.score, [(extra.name, extra.target) for extra in entry.figures.extras]


def test_next_years_target_set_in_january_does_not_rewrite_the_closed_years_scores(db: Database) -> None:
    """接访下访 was 12 days a year in 2026 (weight 5) and 张三 did all 12. On 5 January 2027 the office raises it to
    24 for the new year: the 2026 evaluation it is grading that week (and /rank 2026, /me 2026) still judges 2026
    against 12 (it used to take 2.5 points off 张三's 2026 score and read 12 / 24); 2027 asks 24."""
    team = make_team(db, at(date(2026, 11, 21), 10, 30))
    with db.session() as session:
        duty, _ = team_duties.set_duty(session, team_id=team.team_id, name="接访下访", unit="天",
                                       yearly_target=Decimal(12), weight=Decimal(5), now=team.clock.now())
        zhang = session.get_one(members.Member, team.zhang)
        team_duties.log_entry(session, duty=duty, member=zhang, day=date(2026, 11, 20), amount=Decimal(12), note="",
                              now=team.clock.now())
    before = _evaluation_2026(db, team.team_id, team.zhang)
    assert before[1] == [("接访下访", Decimal(12))]
    with db.session() as session:
        team_duties.set_duty(session, team_id=team.team_id, name="接访下访", unit="天", yearly_target=Decimal(24),
                             weight=Decimal(5), now=at(date(2027, 1, 5), 10))
    assert _evaluation_2026(db, team.team_id, team.zhang) == before
    with db.session() as session:
        zhang = session.get_one(members.Member, team.zhang)
        assert [d.target for d in year_progress(session, zhang, today=date(2026, 12, 31),
                                                        config=Config()).team_duties] == [Decimal(12)]
        assert [d.target for d in year_progress(session, zhang, today=date(2027, 1, 6),
                                                        config=Config()).team_duties] == [Decimal(24)]


def test_a_duty_added_next_year_is_not_asked_of_the_closed_year_and_one_retired_then_still_counts_in_it(
        db: Database) -> None:
    """On 5 January 2027 the office adds 第一议题 (24 a year) and retires 接访下访: the 2026 evaluation and /me 2026
    neither ask 第一议题 of 2026 (they listed "0 / 24") nor drop 接访下访, which 2026 asked and scored."""
    team = make_team(db, at(date(2026, 11, 21), 10, 30))
    with db.session() as session:
        team_duties.set_duty(session, team_id=team.team_id, name="接访下访", unit="天", yearly_target=Decimal(12),
                             weight=Decimal(5), now=team.clock.now())
        team_duties.set_duty(session, team_id=team.team_id, name="第一议题", unit="次", yearly_target=Decimal(24),
                             weight=Decimal(5), now=at(date(2027, 1, 5), 10))
        team_duties.retire(session, team_id=team.team_id, name="接访下访", now=at(date(2027, 1, 5), 10))
    assert _evaluation_2026(db, team.team_id, team.zhang)[1] == [("接访下访", Decimal(12))]
    with db.session() as session:
        zhang = session.get_one(members.Member, team.zhang)
        assert [d.name for d in year_progress(session, zhang, today=date(2026, 12, 31),
                                              config=Config()).team_duties] == ["接访下访"]
        assert [d.name for d in year_progress(session, zhang, today=date(2027, 1, 6),
                                              config=Config()).team_duties] == ["第一议题"]
