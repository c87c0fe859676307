"""Quarter targets (季目标) end to end, in Chinese and in English on both backends: the office types the four
cumulative targets for a duty in /targets, /me's quarter target and a month's board follow them; bad input
changes nothing; `/targets 2027` shows and edits 2027, and a bad year gets a clear reply."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.domain import Duty
from storage.models import Target
from tests.conftest import SHANGHAI
from tests.e2e.conftest import ADMIN_ID, Saima
from tests.e2e.helpers import member, members_since_new_year

FEBRUARY = datetime(2026, 2, 10, 10, 0, tzinfo=SHANGHAI)
WORDS = {
    "zh": {"research": "下基层调研", "whole": "全体成员", "explain": "我的得分明细",
           "quarter_even": "季度目标 15", "quarter_set": "季度目标 10\n", "january": "/rank 1月",
           "board_even": "下基层调研：0/5.1 天", "board_set": "下基层调研：0/3.4 天",
           "saved": "已保存：下基层调研季目标现为 10 / 25 / 40 / 60。",
           "shown": "  季目标（累计）：10 / 25 / 40 / 60 天",
           "down": "季目标为累计数，每个季度不得少于上一季度，如 10 25 40 60。未作任何更改。（发送 /cancel 取消）",
           "three": "请输入一个数字作为全年目标，或输入四个数字作为各季度累计目标，如 10 25 40 60。未作任何更改。（发送 /cancel 取消）",
           "half": "请输入整数，如 6。（发送 /cancel 取消）",
           "head2027": "2027 年度目标：", "head2026": "2026 年度目标：",
           "bad_year": "无法查看该年度的目标：发送 /targets 查看 2026 年，或在 /targets 后加 2021 至 2027 之间的年份"
                       "（如 /targets 2027）。未作任何更改。",
           "for2027": "适用于 2027 年。"},
    "en": {"research": "Grassroots research", "whole": "The whole team", "explain": "Explain my score",
           "quarter_even": "quarter target: 15", "quarter_set": "quarter target: 10\n", "january": "/rank Jan 2026",
           "board_even": "Grassroots research: 0/5.1 days", "board_set": "Grassroots research: 0/3.4 days",
           "saved": "Saved: Grassroots research's quarter targets are now 10 / 25 / 40 / 60.",
           "shown": "  quarters (cumulative): 10 / 25 / 40 / 60 days",
           "down": "Quarter targets are cumulative: each must be at least the one before, e.g. 10 25 40 60. Nothing "
                   "was changed. (/cancel to stop)",
           "three": "Type one number for the year, or four for the quarters' cumulative targets, e.g. 10 25 40 60. "
                    "Nothing was changed. (/cancel to stop)",
           "half": "Please type a whole number, e.g. 6. (/cancel to stop)",
           "head2027": "Yearly targets for 2027:", "head2026": "Yearly targets for 2026:",
           "bad_year": "That is not a year whose targets can be shown: send /targets for 2026, or /targets followed "
                       "by a year from 2021 to 2027 (e.g. /targets 2027). Nothing was changed.",
           "for2027": "For 2027."},
}


def _targets(saima: Saima) -> list[tuple[int, str, int, int | None, int | None, int | None]]:
    with saima.db.session() as session:
        rows = session.scalars(select(Target).where(Target.member_id.is_(None)).order_by(Target.year, Target.duty))
        return [(r.year, r.duty.value, int(r.value), _whole(r.q1), _whole(r.q2), _whole(r.q3)) for r in rows]


def _whole(quarter: Decimal | None) -> int | None:
    return None if quarter is None else int(quarter)


def _line(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if line.lstrip().startswith(start))


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_quarter_targets_10_25_40_60_set_me_s_quarter_target_and_a_months_board(
        saima: Saima, lang: str) -> None:
    words = WORDS[lang]
    saima.clock.set(FEBRUARY)
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    zhang = await member(saima, 1001, "张三")
    members_since_new_year(saima)
    await zhang.press(await zhang.send("/trip 2月2日至4日 淳安县 山区共富调研"), "确认")
    if lang == "en":
        await admin.send("/lang en")
        await zhang.send("/lang en")
    assert words["quarter_even"] in (await zhang.send("/me")).text  # the year spread evenly: 60 × 90/365 = 14.8
    board, _ = await zhang.send(words["january"], expect=2)
    assert words["board_even"] in (await zhang.press(board, words["explain"])).text

    prompt = await admin.press(await admin.press(await admin.send("/targets"), words["research"]), words["whole"])
    assert "10 25 40 60" in prompt.text
    assert (await admin.send("10 25 20 60")).text == words["down"]  # going down: refused
    assert (await admin.send("10 25 40")).text == words["three"]
    assert (await admin.send("10 25.5 40 60")).text == words["half"]
    assert _targets(saima) == []  # nothing changed by the bad input
    saved = await admin.send("10/25/40/60")
    assert saved.text.splitlines()[0] == words["saved"]
    assert words["shown"] in saved.text.splitlines()
    assert _targets(saima) == [(2026, Duty.RESEARCH_DAYS.value, 60, 10, 25, 40)]

    me = (await zhang.send("/me")).text
    assert words["quarter_set"] in me + "\n"  # Q1's cumulative target, not 15
    board, _ = await zhang.send(words["january"], expect=2)
    explained = (await zhang.press(board, words["explain"])).text
    assert words["board_set"] in explained  # January asks 10 × 31/90 = 3.4 days, not 60 × 31/365 = 5.1


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_targets_2027_shows_and_edits_2027(saima: Saima, lang: str) -> None:
    words = WORDS[lang]
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    await member(saima, 1001, "张三")
    if lang == "en":
        await admin.send("/lang en")
    overview = await admin.send("/targets 2027")
    assert overview.text.splitlines()[0] == words["head2027"]
    prompt = await admin.press(await admin.press(overview, words["research"]), words["whole"])
    assert words["for2027"] in prompt.text
    saved = await admin.send("15 30 45 60")
    assert saved.text.splitlines()[1] == words["head2027"]
    assert _targets(saima) == [(2027, Duty.RESEARCH_DAYS.value, 60, 15, 30, 45)]  # 2027's, not 2026's
    again = await admin.press(await admin.press(saved, words["research"]), words["whole"])
    await admin.send("50")
    assert _targets(saima) == [(2027, Duty.RESEARCH_DAYS.value, 50, None, None, None)]  # a year alone: spread evenly
    assert again is not None
    assert (await admin.send("/targets")).text.splitlines()[0] == words["head2026"]
    for bad in ("/targets 2031", "/targets next", "/targets 2027 2028"):
        assert (await admin.send(bad)).text == words["bad_year"]
    assert _targets(saima) == [(2027, Duty.RESEARCH_DAYS.value, 50, None, None, None)]
