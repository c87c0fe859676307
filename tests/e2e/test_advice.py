"""Words a person can act on (issue 10, "What it says"), end to end over the emulator in Chinese and
English: counts still owed are whole and rounded up in /me and in pace nudges, a quarter that cannot be
caught up any more says what the year still needs, 稍后提醒 moves
the reminder and says the deadline stays, no due-soon nudge within a day of an assignment, and an item
answered after its nudge was queued never gets that nudge."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from core.domain import MotionKind, OutboxStatus
from storage import motions, tasks
from storage.models import Member, Motion, OutboxMessage
from tests.conftest import SHANGHAI
from tests.e2e.conftest import ADMIN_ID, Saima
from tests.e2e.helpers import member

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
           "    今年余下的天数已不足以完成全年目标，尚差 48 天",  # 48 days owed, 41 left in the quarter and year
           "集体学习 0/5 次", "    按全年进度应完成 5；季度目标 5", "    季末前还需完成 5 次",
           "集体学法 0/4 次", "    季末前还需完成 4 次", "重点调研课题 0/1 项", "    季末前还需完成 1 项"],
    "en": ["Grassroots research 0/48 days", "    by now on the year's pace: 42; quarter target: 48",
           "    The year's target can no longer be reached in the days left; 48 days short",
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
    "zh": ["📈 下基层调研：今年余下的天数已不足以完成全年目标，尚差 48 天。",
           "📈 还差 1 项重点调研课题，季末2026年12月31日（星期四）前完成可回到进度。",
           "📈 还差 5 次集体学习，季末2026年12月31日（星期四）前完成可回到进度。",
           "📈 还差 4 次集体学法，季末2026年12月31日（星期四）前完成可回到进度。"],
    "en": ["📈 Grassroots research: the year's target can no longer be reached in the days left; it is 48 days short.",
           "📈 Key research topic: 1 more topic by the end of the quarter (Thu 31 Dec 2026) puts you back on pace.",
           "📈 Collective study: 5 more sessions by the end of the quarter (Thu 31 Dec 2026) puts you back on "
           "pace.",
           "📈 Collective law study: 4 more sessions by the end of the quarter (Thu 31 Dec 2026) puts you back on "
           "pace."],
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


# --------------------------------------------------------------------------- remind me later

SNOOZE = {
    "zh": (("稍后提醒（1天后）", "稍后提醒（3天后）"),
           "好的，2026年11月25日（星期三）再提醒您。办理期限不变，仍为2026年11月24日（星期二）。",
           "⏰ 2026年11月25日（星期三）再次提醒；办理期限仍为2026年11月24日（星期二）。"),
    "en": (("Remind me in 1 day", "Remind me in 3 days"),
           "I will remind you again on Wed 25 Nov 2026. The deadline is unchanged: Tue 24 Nov 2026.",
           "⏰ Next reminder on Wed 25 Nov 2026; the deadline is unchanged (Tue 24 Nov 2026)."),
}


def _motion(saima: Saima, lead_user: int, due: date) -> int:
    with saima.db.session() as session:
        lead = session.scalars(select(Member).where(Member.telegram_user_id == lead_user)).one()
        motion = motions.create(session, lead=lead, kind=MotionKind.SUGGESTION, number="7", title="山区道路建设",
                                is_key=True, assigned_on=date(2026, 9, 1), reply_due_months=3, now=saima.clock.now())
        motion.reply_due = due
        return motion.id


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_remind_me_later_moves_the_reminder_and_says_the_deadline_is_unchanged(saima: Saima,
                                                                                   lang: str) -> None:
    official = await member(saima, 1001, "张三", lang=lang)
    motion_id = _motion(saima, 1001, date(2026, 11, 24))
    saima.clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI))  # the due day
    await _schedule(saima)
    await _deliver(saima)
    nudge = await official.receive()
    labels, answer_text, edited_tail = SNOOZE[lang]
    assert [label for label, _ in nudge.buttons[1]] == list(labels)
    await official.press(nudge, labels[0], expect=0)
    answer = await official.callback_answer()
    assert answer.text == answer_text
    shown = [m for m in await official.bot_messages() if m.message_id == nudge.message_id][0]
    assert shown.text.endswith(edited_tail)
    with saima.db.session() as session:
        assert session.get_one(Motion, motion_id).reply_due == date(2026, 11, 24)  # the deadline did not move


# --------------------------------------------------------------------------- no due-soon nudge right after assigning


def _took_office_today(saima: Saima, user_id: int) -> None:
    """The member took office on Monday: on pace, so no pace nudge comes between the test and its nudges."""
    with saima.db.session() as session:
        session.execute(update(Member).where(Member.telegram_user_id == user_id)
                        .values(took_office_on=MONDAY.date()))


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_a_task_assigned_today_due_tomorrow_gets_no_nudge_today(saima: Saima, lang: str) -> None:
    official = await member(saima, 1001, "张三", lang=lang)
    _took_office_today(saima, 1001)
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    saima.clock.set(MONDAY)
    with saima.db.session() as session:
        creator = session.scalars(select(Member).where(Member.telegram_user_id == ADMIN_ID)).one()
        assignee = session.scalars(select(Member).where(Member.telegram_user_id == 1001)).one()
        tasks.create(session, creator=creator, title="安全生产大检查", detail=None,
                     due_at=datetime(2026, 11, 24, 18, 0, tzinfo=SHANGHAI), assignees=[assignee],
                     attachment_file_id=None, attachment_kind=None, now=saima.clock.now())
    before = len(await official.bot_messages())
    for hour in (10, 14, 21):  # the day it was assigned: T-1 has fallen due, but the member was just told
        saima.clock.set(MONDAY.replace(hour=hour))
        await _schedule(saima)
        await _deliver(saima)
    saima.clock.set(datetime(2026, 11, 24, 9, 30, tzinfo=SHANGHAI))  # within 24 h of the assignment
    await _schedule(saima)
    await _deliver(saima)
    assert [m.text for m in (await official.bot_messages())[before:]] == []
    saima.clock.set(datetime(2026, 11, 24, 10, 30, tzinfo=SHANGHAI))  # a day later: the due day's nudge
    await _schedule(saima)
    await _deliver(saima)
    nudge = (await official.receive()).text
    assert ("今天到期" if lang == "zh" else "due today") in nudge and "安全生产大检查" in nudge


# --------------------------------------------------------------------------- answered after the nudge was queued

REPLY = {"zh": ("已答复", "11月19日", "A类"), "en": ("Replied", "19 Nov", "A (solved")}


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_a_motion_answered_after_its_overdue_nudge_was_queued_never_gets_it(saima: Saima,
                                                                                 lang: str) -> None:
    official = await member(saima, 1001, "张三", lang=lang)
    _took_office_today(saima, 1001)
    motion_id = _motion(saima, 1001, date(2026, 11, 20))
    saima.clock.set(MONDAY)
    with saima.running.delivery_held():  # the queued nudge waits in the outbox while the reply is recorded
        await _schedule(saima)  # overdue since Friday: the nudge is queued
        with saima.db.session() as session:
            (queued,) = session.scalars(select(OutboxMessage).where(OutboxMessage.key.startswith(
                f"nudge:motion:{motion_id}:"))).all()
            assert queued.status is OutboxStatus.PENDING and ":overdue:" in queued.key
            key = queued.key
        replied, day, result = REPLY[lang]
        listing = await official.send("/proposals")
        card = await official.press(listing, "山区道路建设")
        question = await official.press(card, replied)
        assert question is not None
        classes = await official.send(day)  # the reply went out on the 19th, before the due day; recorded late
        await official.press(classes, result)
    seen = len(await official.bot_messages())
    await _deliver(saima)
    saima.clock.set(MONDAY + timedelta(hours=1))
    await _schedule(saima)
    await _deliver(saima)
    assert (await official.bot_messages())[seen:] == []
    with saima.db.session() as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.key == key)).one()
        assert row.status is OutboxStatus.CANCELLED and row.sent_at is None
        assert session.get_one(Motion, motion_id).replied_on == date(2026, 11, 19)
