"""`/rank`: the current month's race board privately as text and a chart, the quarter's and the year's,
names per the team's setting (one's own line always named), and "Explain my score" for one's own score."""

from __future__ import annotations

from sqlalchemy import update

from storage.models import Team
from tests.e2e.conftest import ADMIN_ID, Saima
from tests.e2e.helpers import three_on_the_board


async def test_a_member_sees_this_months_board_with_a_chart(saima: Saima) -> None:
    zhang, li, _ = await three_on_the_board(saima)
    text, chart = await zhang.send("/rank", expect=2)
    lines = text.text.splitlines()
    assert lines[0] == "🏇 赛马榜 · 2026年11月（截至11月21日）"
    assert lines[1] == "进度条依次为：调研 · 课题 · 学习 · 学法 · 建议 · 提案"
    # October's board (computed, none was saved): all three tied first, with full on-time points.
    assert lines[3].startswith("▶ 1. 张三  ") and lines[3].split("  ")[2] == "—"
    assert lines[4].startswith("2. 李四  ") and lines[4].split("  ")[2] == "↓1"
    assert lines[5].startswith("3. Tom  ")
    assert text.labels == ["我的得分明细"]
    assert chart.kind == "photo" and chart.caption is not None and chart.caption.startswith("2026年11月")
    assert chart.file_name == "race-2026-11.png"


async def test_quarter_and_year_boards_and_a_bad_word(saima: Saima) -> None:
    zhang, _, _ = await three_on_the_board(saima)
    quarter, _ = await zhang.send("/rank 季度", expect=2)
    assert quarter.text.startswith("🏇 赛马榜 · 2026年第4季度（截至11月21日）")
    year, _ = await zhang.send("/rank year", expect=2)
    assert year.text.startswith("🏇 赛马榜 · 2026年度（截至11月21日）")
    assert (await zhang.send("/rank 明天")).text.startswith("发送 /rank 查看本月排名")


async def test_names_are_hidden_from_members_when_the_team_says_so_but_not_ones_own(saima: Saima) -> None:
    zhang, li, _ = await three_on_the_board(saima)
    with saima.db.session() as session:
        session.execute(update(Team).values(show_names_in_race=False))
    text, _ = await li.send("/rank", expect=2)
    lines = text.text.splitlines()
    assert lines[3].startswith("1. 成员A  ")  # 张三, whom 李四 may not see named
    assert lines[4].startswith("▶ 2. 李四  ")
    assert "张三" not in text.text and "Tom" not in text.text
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    board, _ = await admin.send("/rank", expect=2)
    assert "1. 张三  " in board.text  # admins always see names


async def test_explain_my_score_answers_privately_with_every_term(saima: Saima) -> None:
    zhang, _, _ = await three_on_the_board(saima)
    text, _ = await zhang.send("/rank", expect=2)
    explained = (await zhang.press(text, "我的得分明细")).text.splitlines()
    assert explained[0].startswith("张三 · 2026年11月：") and explained[0].endswith("第 1 名（共 3 人）")
    assert explained[1] == "按截至11月21日的 21 个在岗日计算：本期目标由年度目标按在岗天数折算。"
    research = next(line for line in explained if line.startswith("下基层调研"))
    assert research == "下基层调研：4/3.5 天 → 100%（封顶） × 30 = 30.0"  # 60 × 21/365 ≈ 3.45 days asked
    assert "按时办理：本期没有到期事项 → 计满分 15" in explained
    assert "超期事项：无 → 不扣分" in explained
    assert explained[-1].startswith("合计：")


async def test_in_english(saima: Saima) -> None:
    _, _, tom = await three_on_the_board(saima)
    text, chart = await tom.send("/rank", expect=2)
    assert text.text.startswith("🏇 Race board · Nov 2026 (as of 21 Nov)\n"
                                "Bars: Trips · Key topic · Study · Law")
    assert "▶ 3. Tom  " in text.text and text.labels == ["Explain my score"]
    assert chart.caption is not None and chart.caption.startswith("Nov 2026")
    explained = (await tom.press(text, "Explain my score")).text
    assert explained.startswith("Tom · Nov 2026: 15.0 points, rank 3 of 3\nCounted on 21 days up to 21 Nov")
    assert "Grassroots research: 0/3.5 days → 0% × 30 = 0" in explained
    assert "Overdue: none → nothing taken off" in explained


async def test_the_button_explains_only_the_pressers_own_score(saima: Saima) -> None:
    zhang, li, _ = await three_on_the_board(saima)
    text, _ = await zhang.send("/rank", expect=2)
    await li.press_data(text, text.callback_data[0])  # 李四 presses the button on 张三's board
    explained = await li.receive()  # in 李四's own chat, and about 李四
    assert explained is not None and explained.text.startswith("李四 · 2026年11月")
    await zhang.press_data(text, "race:explain:2027-01", expect=0)  # a period to come
    assert (await zhang.callback_answer()).text == "这个按钮已失效。"
    await zhang.press_data(text, "race:explain:nonsense", expect=0)
    assert (await zhang.callback_answer()).text == "这个按钮已失效。"
    stranger = saima.control.user(2001, "赵六")
    await stranger.press_data(text, text.callback_data[0], expect=0)
    assert (await stranger.callback_answer()).text is not None


async def test_a_stranger_has_no_board(saima: Saima) -> None:
    reply = await saima.control.user(2001, "赵六").send("/rank")
    assert reply.text.startswith("此功能仅限班子成员使用。")
