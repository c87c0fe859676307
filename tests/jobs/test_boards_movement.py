"""The monthly board posted to the group names the period's most improved (进步最快); a team without a group keeps
the closed month's ranks all the same, for the next board's movement."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from config import Config
from core.race import Period, PeriodKind
from storage import members, race, trips
from storage.db import Database
from storage.models import RaceSnapshot
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


def test_a_team_without_a_group_still_keeps_each_closed_months_ranks_once_for_the_next_boards_movement(
        db: Database) -> None:
    """No group to post the board to: nothing is sent, but on the month's first working day at the board's
    time the closed month's ranks are saved, once (a trip logged later for that month does not move them), and
    /rank's board then reads its movement from them instead of computing the closed month again."""
    team = make_team(db, at(date(2026, 11, 21), 10, 30))
    with db.session() as session:
        session.execute(update(TeamRow).values(group_chat_id=None))
    _trip(team, team.lily, date(2026, 11, 2), date(2026, 11, 3))
    _trip(team, team.zhang, date(2026, 11, 5), date(2026, 11, 12))  # November: 张三 first, Lily second
    team.clock.set(at(date(2026, 12, 1), 8, 59))
    team.run()
    assert _saved(db, "2026-11") == {}
    team.walk(at(date(2026, 12, 1), 10, 30))
    assert _saved(db, "2026-11") == {team.zhang: 1, team.lily: 2} and team.rows("board:") == []
    _trip(team, team.lily, date(2026, 11, 16), date(2026, 11, 30))  # logged late: Lily first now
    team.walk(at(date(2026, 12, 3)))
    assert _saved(db, "2026-11") == {team.zhang: 1, team.lily: 2}
    with db.session() as session:
        board = race.board(session, session.get_one(TeamRow, team.team_id), Period(PeriodKind.MONTH, 2026, 12),
                           as_of=date(2026, 12, 3), config=Config())
    assert board.previous_saved


def _saved(db: Database, period: str) -> dict[int, int]:
    with db.session() as session:
        rows = session.execute(select(RaceSnapshot.member_id, RaceSnapshot.rank).where(RaceSnapshot.period == period))
        return {member_id: rank for member_id, rank in rows}
