"""A race that rewards movement: the board names the most improved (进步最快), and a runner's private
`/rank` shows their place, the entries above and below, and what would pass the next place."""

from __future__ import annotations

from sqlalchemy import update

from storage.models import Member, Team
from tests.e2e.conftest import ADMIN_ID, Saima
from tests.e2e.helpers import a_board_that_moved, member, members_since_new_year


async def test_the_board_names_the_most_improved(saima: Saima) -> None:
    zhang, li, tom, _ = await a_board_that_moved(saima)
    text, _ = await li.send("/rank", expect=2)
    assert "🚀 进步最快：张三（↑1）" in text.text.splitlines()
    with saima.db.session() as session:
        session.execute(update(Team).values(show_names_in_race=False))
    hidden, _ = await li.send("/rank", expect=2)
    assert "🚀 进步最快：成员A（↑1）" in hidden.text.splitlines()  # 张三, first on the board, unnamed
    english, _ = await tom.send("/rank", expect=2)
    assert "🚀 Most improved: Member A (↑1)" in english.text.splitlines()


async def test_nobody_is_most_improved_when_nobody_moved_up(saima: Saima) -> None:
    zhang = await member(saima)
    await member(saima, 1002, "李四")
    members_since_new_year(saima)
    text, _ = await zhang.send("/rank", expect=2)  # October: both tied first; November: both tied first
    assert "进步最快" not in text.text


async def test_a_runner_sees_their_place_neighbours_and_what_passes_the_next_place(saima: Saima) -> None:
    _, li, _, wang = await a_board_that_moved(saima, fourth=True)
    assert wang is not None
    text, _ = await wang.send("/rank", expect=2)
    lines = text.text.splitlines()
    assert lines[-3:] == [
        "你的名次：第 3 名（共 4 人），15.0 分",
        "前一名：3. Tom  15.0",
        "再完成 1 次集体学习 或 2 天下基层调研 可超过第2名。",  # 25 points: one session is 15, a day 8.7
    ]
    middle, _ = await li.send("/rank", expect=2)
    assert middle.text.splitlines()[-4:] == [
        "你的名次：第 2 名（共 4 人），25.0 分",
        "前一名：1. 张三  60.0",
        "后一名：3. Tom  15.0",
        "目前单靠某一项职责无法超过第1名：按时办理、消除超期事项也计分。",  # 35 behind: no cap is that big
    ]


async def test_in_english_a_runner_sees_their_place_and_the_gap(saima: Saima) -> None:
    _, _, tom, _ = await a_board_that_moved(saima)
    text, _ = await tom.send("/rank", expect=2)
    assert text.text.splitlines()[-3:] == [
        "Your place: 3 of 3, 15.0 points",
        "Above you: 2. 李四  25.0",
        "To pass #2: 1 collective study session or 2 days of grassroots research more.",
    ]


async def test_the_leader_is_told_they_lead_and_the_office_sees_no_place(saima: Saima) -> None:
    zhang, _, _, _ = await a_board_that_moved(saima)
    text, _ = await zhang.send("/rank", expect=2)
    assert text.text.splitlines()[-3:] == ["你的名次：第 1 名（共 3 人），60.0 分", "后一名：2. 李四  25.0",
                                           "你目前领先。"]
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    with saima.db.session() as session:
        session.execute(update(Member).where(Member.telegram_user_id == ADMIN_ID).values(races=False))
    board, _ = await admin.send("/rank", expect=2)
    assert "你的名次" not in board.text and "1. 张三  " in board.text


async def test_runners_level_at_the_top_are_told_they_share_first_place_not_that_each_leads(saima: Saima) -> None:
    """Early in January, nothing logged yet: 张三 and 王五 tie at 15.0, and each was told 你目前领先。"""
    zhang = await member(saima)
    wang = await member(saima, 1002, "王五")
    members_since_new_year(saima)
    for runner in (zhang, wang):
        text, _ = await runner.send("/rank", expect=2)
        assert text.text.splitlines()[-1] == "你与另外 1 人并列第一。", text.text
