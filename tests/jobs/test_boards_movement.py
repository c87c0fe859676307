"""The monthly board posted to the group names the period's most improved (进步最快); a team without a group keeps
the closed month's ranks all the same, for the next board's movement."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from config import Config
from core.race import Period, PeriodKind
from storage import members, race, trips
from storage.db import Database
from storage.models import RaceSnapshot, ResearchTrip
from storage.models import Team as TeamRow
from tests.jobs.test_scheduled import GROUP, Team, at, make_team


def _trip(team: Team, member_id: int, start: date, end: date) -> int:
    with team.db.session() as session:
        return trips.log_trip(session, member=session.get_one(members.Member, member_id), start=start, end=end,
                              places="淳安县", topic="山区共富", research_topic_id=None, now=team.clock.now()).id


def _delete_trip(team: Team, trip_id: int) -> None:
    with team.db.session() as session:
        trip = session.get_one(ResearchTrip, trip_id)
        trips.delete_trip(session, trip, actor=session.get_one(members.Member, trip.member_id), now=team.clock.now())


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


def test_a_team_without_a_group_still_keeps_each_closed_months_ranks_for_the_next_boards_movement(
        db: Database) -> None:
    """No group to post the board to: nothing is sent, but the closed month's ranks are saved the night it ends,
    saved again on the month's first working day at the board's time (a trip logged in between counts), then
    kept (a trip deleted later does not move them); /rank's board reads its movement from them instead of
    computing the closed month again."""
    team = make_team(db, at(date(2026, 11, 21), 10, 30))
    with db.session() as session:
        session.execute(update(TeamRow).values(group_chat_id=None))
    _trip(team, team.lily, date(2026, 11, 2), date(2026, 11, 3))
    _trip(team, team.zhang, date(2026, 11, 5), date(2026, 11, 12))  # November: 张三 first, Lily second
    team.walk(at(date(2026, 12, 1), 0, 30))
    assert _saved(db, "2026-11") == {team.zhang: 1, team.lily: 2}
    late = _trip(team, team.lily, date(2026, 11, 16), date(2026, 11, 30))  # logged before the board's time
    team.walk(at(date(2026, 12, 1), 10, 30))
    assert _saved(db, "2026-11") == {team.zhang: 1, team.lily: 1} and team.rows("board:") == []  # the month's share met
    _delete_trip(team, late)
    team.walk(at(date(2026, 12, 3)))
    assert _saved(db, "2026-11") == {team.zhang: 1, team.lily: 1}
    assert _board(db, team, Period(PeriodKind.MONTH, 2026, 12), date(2026, 12, 3)).previous_saved


def test_between_a_months_end_and_its_boards_time_movement_is_read_from_ranks_saved_that_night(db: Database) -> None:
    """From the month's first tick the closed month's ranks are saved: /rank on 1 October, a week before the
    National Day holiday's first working day posts September's board, reads its movement instead of computing
    September's board again; the board posted on 8 October saves them again as then."""
    team = make_team(db, at(date(2026, 9, 10), 10, 30))
    _trip(team, team.zhang, date(2026, 9, 5), date(2026, 9, 12))
    team.walk(at(date(2026, 10, 1), 0, 30))
    assert _saved(db, "2026-09") == {team.zhang: 1, team.lily: 2} and team.rows("board:") == []
    assert _saved(db, "2026-Q3") == {team.zhang: 1, team.lily: 2}  # the quarter too; 2025 ended before the team
    assert _saved(db, "2025") == {}
    for period in (Period(PeriodKind.MONTH, 2026, 10), Period(PeriodKind.QUARTER, 2026, 4)):
        assert _board(db, team, period, date(2026, 10, 1)).previous_saved
    _trip(team, team.lily, date(2026, 9, 14), date(2026, 9, 30))  # logged in the holiday
    team.walk(at(date(2026, 10, 8), 10, 30))
    assert [row.key.split(":", 2)[2] for row in team.rows("board:")] == ["2026-09", "2026-09:chart", "2026-Q3",
                                                                       "2026-Q3:chart"]
    for period in (Period(PeriodKind.MONTH, 2026, 9), Period(PeriodKind.QUARTER, 2026, 3)):
        as_posted = {e.member_id: e.rank for e in _board(db, team, period, period.end).ranked}
        assert _saved(db, period.key) == as_posted != {team.zhang: 1, team.lily: 2}


def test_a_closed_months_ranks_are_saved_though_the_bot_was_down_through_its_boards_week(db: Database) -> None:
    """Down from 20 November to 10 December: November's board is stale news and is not posted, but its ranks
    are saved on the first tick, so December's boards show movement from them."""
    team = make_team(db, at(date(2026, 11, 20), 10, 30))
    _trip(team, team.lily, date(2026, 11, 5), date(2026, 11, 12))
    team.clock.set(at(date(2026, 12, 10), 10, 30))
    team.run()
    assert team.rows("board:") == []
    assert _saved(db, "2026-11") == {team.lily: 1, team.zhang: 2}
    assert _board(db, team, Period(PeriodKind.MONTH, 2026, 12), date(2026, 12, 10)).previous_saved


def _board(db: Database, team: Team, period: Period, day: date) -> race.Board:
    with db.session() as session:
        return race.board(session, session.get_one(TeamRow, team.team_id), period, as_of=day, config=Config())


def _saved(db: Database, period: str) -> dict[int, int]:
    with db.session() as session:
        rows = session.execute(select(RaceSnapshot.member_id, RaceSnapshot.rank).where(RaceSnapshot.period == period))
        return {member_id: rank for member_id, rank in rows}
