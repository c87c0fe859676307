"""Broadcasts' scheduling step on both backends, without Telegram: an occurrence is made once however
many schedulers run at once; the audience is worked out when it goes (overdue items, pace, role); an
unreachable recipient gets a receipt and no message; receipts follow the outbox's results."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from config import Config
from core.domain import BroadcastStatus, MemberStatus, OutboxStatus, Role
from jobs.schedule import Scheduler
from storage import broadcasts, members, outbox, roster
from storage.db import Database
from storage.models import Broadcast, BroadcastOccurrence, BroadcastReceipt, Member, OutboxMessage
from storage.models import Team as TeamRow
from tests.jobs.test_scheduled import SHANGHAI, Team, at, make_team


def _broadcast(team: Team, audience: dict[str, Any], *, send_at: datetime | None = None, recurrence: str | None = None) -> int:
    with team.db.session() as session:
        sender = session.get_one(Member, team.admin)
        return broadcasts.create(session, sender=sender, text="请于周五前报送材料。", file_id=None, file_kind=None,
                                 audience=audience, send_at=send_at, recurrence=recurrence,
                                 status=BroadcastStatus.SCHEDULED, now=team.clock.now()).id


def _audience(team: Team, audience: dict[str, Any]) -> list[int]:
    with team.db.session() as session:
        team_row = session.get_one(TeamRow, team.team_id)
        return [m.id for m in broadcasts.audience_members(session, team_row, audience, sender_id=team.admin,
                                                          today=team.clock.now().astimezone(SHANGHAI).date(),
                                                          config=Config())]


def test_schedulers_running_at_once_make_each_occurrence_once(db: Database) -> None:
    team = make_team(db, at(date(2026, 11, 23), 8, 0))
    broadcast_id = _broadcast(team, {"kind": "all"}, send_at=at(date(2026, 11, 23), 9, 0))
    team.run()
    assert team.rows("broadcast:") == []  # not due yet
    team.clock.set(at(date(2026, 11, 23), 9, 0))
    other = Scheduler(db=db, clock=team.clock, config=Config())
    with ThreadPoolExecutor(4) as pool:
        reports = list(pool.map(lambda s: s.run_once(), [team.scheduler, other, team.scheduler, other]))
    assert all(r.failed_teams == [] for r in reports)
    assert sum(r.broadcasts.occurrences for r in reports) == 1
    assert sorted(team.keys("broadcast:")) == sorted([
        f"broadcast:{broadcast_id}:0:member:{team.zhang}", f"broadcast:{broadcast_id}:0:member:{team.lily}",
        f"broadcast:{broadcast_id}:0:report"])
    lily = team.rows(f"broadcast:{broadcast_id}:0:member:{team.lily}")[0]
    assert lily.payload["text"].startswith("📢 Notice from ") and lily.payload["text"].endswith("\n\n请于周五前报送材料。")
    assert lily.payload["buttons"] == [[["✅ Read", f"br:r:{broadcast_id}:0"]]] and lily.urgent and lily.retry_unknown
    with db.session() as session:
        assert session.get_one(Broadcast, broadcast_id).status == BroadcastStatus.DONE
        assert session.scalar(select(func.count()).select_from(BroadcastReceipt)) == 2
    team.clock.advance(timedelta(days=1))
    team.run()
    assert len(team.keys("broadcast:")) == 3  # a one-off goes once


def test_the_audience_is_worked_out_when_it_goes(db: Database) -> None:
    team = make_team(db, at(date(2026, 11, 23), 10, 0))
    team.motion(team.zhang, date(2026, 11, 20))  # 张三's reply is overdue
    with db.session() as session:
        session.get_one(Member, team.lily).took_office_on = date(2026, 11, 23)  # took office today: not behind yet
    assert _audience(team, {"kind": "overdue"}) == [team.zhang]
    assert _audience(team, {"kind": "behind"}) == [team.zhang]
    assert _audience(team, {"kind": "role", "role": "member"}) == [team.zhang, team.lily]
    assert _audience(team, {"kind": "role", "role": "admin"}) == []  # the sender gets the report instead
    assert _audience(team, {"kind": "picked", "ids": [team.lily, team.admin, 999999]}) == [team.lily]


def test_an_unreachable_recipient_is_counted_without_a_message_and_receipts_follow_the_outbox(db: Database) -> None:
    team = make_team(db, at(date(2026, 11, 23), 10, 0))
    with db.session() as session:
        session.get_one(Member, team.lily).reachable = False
    broadcast_id = _broadcast(team, {"kind": "all"}, send_at=team.clock.now())
    team.run()
    assert team.keys(f"broadcast:{broadcast_id}:0:member:") == [f"broadcast:{broadcast_id}:0:member:{team.zhang}"]
    now = team.clock.now()
    with db.session() as session:
        occurrence = session.scalar(select(BroadcastOccurrence))
        assert occurrence is not None
        assert broadcasts.counts(session, occurrence).key() == "2/0/0/1/0/1"
        claimed = outbox.claim_due(session, now=now, worker="w", limit=10)
        for row in claimed:
            outbox.begin_send(session, row.id, worker="w", now=now)
            outbox.mark_sent(session, row.id, worker="w", now=now, telegram_message_id=5)
    with db.session() as session:
        occurrence = session.scalar(select(BroadcastOccurrence))
        assert occurrence is not None
        assert broadcasts.settle_receipts(session, [occurrence.id]) == 1
        assert broadcasts.settle_receipts(session, [occurrence.id]) == 0  # idempotent
        assert broadcasts.counts(session, occurrence).key() == "2/1/0/1/0/0"
        zhang = session.get_one(Member, team.zhang)
        assert broadcasts.mark_read(session, broadcast_id=broadcast_id, number=0,
                                    telegram_user_id=zhang.telegram_user_id, now=now).newly_read
        assert not broadcasts.mark_read(session, broadcast_id=broadcast_id, number=0,
                                        telegram_user_id=zhang.telegram_user_id, now=now).newly_read
        assert broadcasts.counts(session, occurrence).key() == "2/1/1/1/0/0"
        assert (session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.status == OutboxStatus.SENT)) or 0) >= 1


def test_a_weekly_broadcasts_reports_go_to_the_owner_once_its_sender_left_the_office(db: Database) -> None:
    """王五, an admin, set a weekly reminder, then was removed from the team: the reminder still goes out each Monday
    (the team wanted it), but its delivery report, the team's counts, goes to the owner, not to 王五."""
    team = make_team(db, at(date(2026, 11, 20), 10, 0))
    with db.session() as session:
        wang = members.add(session, team=session.get_one(TeamRow, team.team_id), telegram_user_id=1003,
                           display_name="王五", username=None, role=Role.ADMIN, status=MemberStatus.ACTIVE,
                           now=team.clock.now(), joined_on=date(2026, 1, 1))
        broadcasts.create(session, sender=wang, text="周一例会", file_id=None, file_kind=None, audience={"kind": "all"},
                          send_at=None, recurrence="weekly:monday:09:00", status=BroadcastStatus.SCHEDULED,
                          now=team.clock.now())
        wang_id = wang.id
    team.walk(at(date(2026, 11, 23), 12), step=timedelta(hours=1))
    with db.session() as session:
        roster.remove(session, session.get_one(Member, wang_id), actor=session.get_one(Member, team.admin),
                      now=team.clock.now())
    team.walk(at(date(2026, 11, 30), 12), step=timedelta(hours=1))
    reports = {row.key.split(":")[2]: row.chat_id for row in team.rows("broadcast:") if row.key.endswith(":report")}
    assert reports == {"0": 1003, "1": 900}  # 23 November's to 王五, 30 November's to the owner
    assert len([row for row in team.rows("broadcast:") if ":1:member:" in row.key]) == 3  # the owner, 张三, Lily
