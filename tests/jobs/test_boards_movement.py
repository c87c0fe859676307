"""The monthly board posted to the group names the period's most improved (进步最快)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update

from storage import members, trips
from storage.db import Database
from storage.models import Team as TeamRow
from tests.jobs.test_scheduled import GROUP, Team, at, make_team


def _trip(team: Team, member_id: int, start: date, end: date) -> None:
    with team.db.session() as session:
        trips.log_trip(session, member=session.get_one(members.Member, member_id), start=start, end=end,
                       places="淳安县", topic="山区共富", research_topic_id=None, now=team.clock.now())


def _november_board(db: Database, *, names: bool) -> str:
    team = make_team(db, at(date(2026, 11, 21), 10, 30))
    with db.session() as session:
        session.execute(update(TeamRow).values(show_names_in_race=names))
    _trip(team, team.lily, date(2026, 10, 12), date(2026, 10, 20))  # October: Lily first
    _trip(team, team.zhang, date(2026, 11, 5), date(2026, 11, 12))  # November: 张三 first, up a place
    team.walk(at(date(2026, 12, 2)))
    (row,) = [row for row in team.rows("board:") if not row.key.endswith(":chart")]
    assert row.chat_id == GROUP
    return str(row.payload["text"])


def test_the_posted_monthly_board_names_the_most_improved(db: Database) -> None:
    assert "🚀 进步最快：张三（↑1）" in _november_board(db, names=True).splitlines()


def test_with_ranks_only_the_most_improved_is_named_by_the_boards_label(db: Database) -> None:
    text = _november_board(db, names=False)
    assert "🚀 进步最快：成员A（↑1）" in text.splitlines() and "张三" not in text
