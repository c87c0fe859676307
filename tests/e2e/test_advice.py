"""Words a person can act on (issue 10, "What it says"), end to end over the emulator in Chinese and
English: counts still owed are whole and rounded up in /me and in pace nudges, and a quarter that cannot
be caught up any more says what the year still needs."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy import update

from storage.models import Member
from tests.conftest import SHANGHAI
from tests.e2e.conftest import Saima
from tests.e2e.test_log_study import member

DECIMAL = re.compile(r"\d\.\d")
NOTHING_OWED = re.compile(r"(还需完成|还差|needs|^\s*) ?0 (天|次|项|件|day|session|topic|item)", re.M)
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)


async def _schedule(saima: Saima) -> None:
    await saima.running.application.scheduler.tick()  # type: ignore[attr-defined]


async def _deliver(saima: Saima) -> None:
    await saima.running.application.delivery.tick()  # type: ignore[attr-defined]


def _in_office_since(saima: Saima, user_id: int, day: date) -> None:
    """In the race from ``day`` (both the day the bot counts from and the recorded 任职日期)."""
    with saima.db.session() as session:
        session.execute(update(Member).where(Member.telegram_user_id == user_id).values(
            joined_on=day, took_office_on=day))


# --------------------------------------------------------------------------- whole numbers, rounded up

# In office from 15 March: 292 of 365 days, so the year asks 48 days of research, 4.8 collective
# studies, 3.2 law studies and 0.8 of each key item; by 21 November (252 days) 41.4 research days.
ME = {
    "zh": ["下基层调研 0/48 天", "    按全年进度应完成 42；季度目标 48",
           "    本季度已无法追平；全年还需 48 天",  # 48 days owed, 41 left in the quarter
           "集体学习 0/5 次", "    按全年进度应完成 5；季度目标 5", "    季末前还需完成 5 次",
           "集体学法 0/4 次", "    季末前还需完成 4 次", "重点调研课题 0/1 项", "    季末前还需完成 1 项"],
    "en": ["Grassroots research 0/48 days", "    by now on the year's pace: 42; quarter target: 48",
           "    The quarter can no longer be caught up; the year still needs 48 days",
           "Collective study 0/5 sessions", "    5 sessions more by the end of the quarter",
           "Collective law study 0/4 sessions", "    4 sessions more by the end of the quarter",
           "Key research topic 0/1 topic", "    1 topic more by the end of the quarter"],
}


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_me_shows_whole_counts_rounded_up_and_a_lost_quarter_as_the_years_need(saima: Saima,
                                                                                    lang: str) -> None:
    official = await member(saima, 1001, "张三" if lang == "zh" else "Tom", lang=lang)
    _in_office_since(saima, 1001, date(2026, 3, 15))
    me = (await official.send("/me")).text
    for expected in ME[lang]:
        assert expected in me, expected
    assert DECIMAL.search(me) is None and NOTHING_OWED.search(me) is None  # no 4.8, no 0.8, no "0 项"


PACE = {
    "zh": ["📈 下基层调研：本季度已无法追平；全年还需 48 天。",
           "📈 还差 1 项重点调研课题，季末（2026年12月31日（星期四））前完成可回到进度。",
           "📈 还差 5 次集体学习，季末（2026年12月31日（星期四））前完成可回到进度。",
           "📈 还差 4 次集体学法，季末（2026年12月31日（星期四））前完成可回到进度。"],
    "en": ["📈 Grassroots research: the quarter can no longer be caught up; the year still needs 48 days.",
           "📈 1 topic of Key research topic still to go: done by the end of the quarter (Thu 31 Dec 2026), you "
           "are back on pace.",
           "📈 5 sessions of Collective study still to go: done by the end of the quarter (Thu 31 Dec 2026), you "
           "are back on pace.",
           "📈 4 sessions of Collective law study still to go: done by the end of the quarter (Thu 31 Dec 2026), "
           "you are back on pace."],
}


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_a_pace_nudge_asks_for_whole_sessions_and_days_and_says_when_the_quarter_is_lost(
        saima: Saima, lang: str) -> None:
    official = await member(saima, 1001, "张三" if lang == "zh" else "Tom", lang=lang)
    _in_office_since(saima, 1001, date(2026, 3, 15))
    saima.clock.set(MONDAY)
    await _schedule(saima)
    await _deliver(saima)
    nudge = (await official.receive()).text
    assert nudge.splitlines()[:4] == PACE[lang]
    assert DECIMAL.search(nudge) is None and NOTHING_OWED.search(nudge) is None
