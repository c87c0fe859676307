"""Past periods: in January 2027 `/rank 上月`, `/rank 2026年第4季度`, `/rank 11月`, `/rank 2026` (and in
English) show 2026's boards as of their last day, `/me 2026` shows 2026's card as of 31 December;
a period still to come or a word that names none gets a clear answer."""

from __future__ import annotations

from datetime import datetime

from emulator import SimUser
from tests.conftest import SHANGHAI
from tests.e2e.conftest import Saima
from tests.e2e.helpers import three_on_the_board

JANUARY = datetime(2027, 1, 11, 10, 0, tzinfo=SHANGHAI)  # a Monday


async def _boards_begin(user: SimUser, headings: dict[str, str]) -> None:
    """Sends each command in turn: the board (its chart follows) begins with the heading given for it."""
    for command, heading in headings.items():
        board, _ = await user.send(command, expect=2)
        assert board.text.startswith(heading), command


async def test_in_january_a_member_sees_last_months_last_quarters_and_last_years_boards(saima: Saima) -> None:
    zhang, _, _ = await three_on_the_board(saima)
    saima.clock.set(JANUARY)
    board, chart = await zhang.send("/rank 上月", expect=2)
    assert board.text.startswith("🏇 赛马榜 · 2026年12月（截至12月31日）")
    assert chart.file_name == "race-2026-12.png"
    board, _ = await zhang.send("/rank 2026年第4季度", expect=2)
    lines = board.text.splitlines()
    assert lines[0] == "🏇 赛马榜 · 2026年第4季度（截至12月31日）"
    assert lines[3].startswith("▶ 1. 张三  ")  # November's trip and study count in the quarter
    explained = await zhang.press(board, "我的得分明细")
    assert explained.text.startswith("张三 · 2026年第4季度")
    await _boards_begin(zhang, {"/rank 11月": "🏇 赛马榜 · 2026年11月（截至11月30日）",
                                "/rank 2026": "🏇 赛马榜 · 2026年度（截至12月31日）",
                                "/rank": "🏇 赛马榜 · 2027年1月（截至1月11日）"})

    assert (await zhang.send("/rank 下月")).text == "2027年2月尚未开始，排名自2027年2月1日（星期一）起计算。"
    assert (await zhang.send("/rank 2027年第2季度")).text.startswith("2027年第2季度尚未开始")
    assert (await zhang.send("/rank 上周")).text.startswith("发送 /rank 查看本月排名")


async def test_past_boards_in_english(saima: Saima) -> None:
    _, _, tom = await three_on_the_board(saima)
    saima.clock.set(JANUARY)
    await _boards_begin(tom, {"/rank last month": "🏇 Race board · Dec 2026 (as of 31 Dec)",
                              "/rank 2026 Q4": "🏇 Race board · Q4 2026 (as of 31 Dec)",
                              "/rank Nov 2026": "🏇 Race board · Nov 2026 (as of 30 Nov)",
                              "/rank last year": "🏇 Race board · Year 2026 (as of 31 Dec)"})
    assert (await tom.send("/rank next month")).text == "Feb 2027 has not begun yet: its board starts on Mon 1 Feb 2027."
    assert (await tom.send("/rank soon")).text.startswith("Send /rank for this month, /rank quarter or /rank year; "
                                                         "for a past period /rank last month")


async def test_me_for_last_year_shows_that_year_as_of_31_december(saima: Saima) -> None:
    zhang, _, tom = await three_on_the_board(saima)
    saima.clock.set(JANUARY)
    card = (await zhang.send("/me 2026")).text.splitlines()
    assert card[0] == "张三 · 2026年履职进度（截至12月31日）"
    assert any("下基层调研 4/60 天" in line for line in card)  # 5–8 November
    assert (await zhang.send("/me")).text.startswith("张三 · 2027年履职进度（截至1月11日）")
    assert (await zhang.send("/me 去年")).text.startswith("张三 · 2026年履职进度（截至12月31日）")
    assert (await zhang.send("/me 2028")).text == "2028年尚未开始。\n发送 /me 查看本年度进度，/me 2026 查看往年进度。"
    assert (await zhang.send("/me 上月")).text == "发送 /me 查看本年度进度，/me 2026 查看往年进度。"

    tom_card = (await tom.send("/me 2026")).text
    assert tom_card.startswith("Tom · progress in 2026 (as of 31 Dec)")
    assert (await tom.send("/me last year")).text == tom_card
    assert (await tom.send("/me next year")).text == ("2028 has not begun yet.\n"
                                                      "Send /me for this year, or /me 2026 for a past year.")
