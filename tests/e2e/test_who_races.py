"""Who is in the race, and from when: a team that starts using the bot on 4 December is judged on the whole
year (opening the bot is not taking office); the office sets 任职日期 / 离任日期 on the member's card or from
the command line; the office (the owner named by `team create --admin`) is not ranked nor paced, and the owner
puts a leader-admin in or out of the race; leave pauses the pace and personal nudges, not the escalation."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

import bot
from core.clock import ManualClock
from core.domain import MotionKind
from emulator import SimUser
from storage import motions
from storage.models import AuditEntry, Member, OutboxMessage
from tests.conftest import SHANGHAI
from tests.e2e.conftest import ADMIN_ID, Saima
from tests.e2e.helpers import member, members_since_new_year, owner

LANGS = ["zh", "en"]
WORDS = {
    "zh": {"confirm": "确认", "trip": "/trip 昨天 淳安县 山区共富调研", "explain": "我的得分明细",
           "took": "设置任职日期", "clear_took": "清除任职日期", "make_admin": "设为管理员",
           "race_in": "参加赛马", "race_out": "不参加赛马", "leave": "登记请假", "leave_kind": "请假",
           "name": "张三", "leader": "李四", "office": "李主任"},
    "en": {"confirm": "Confirm", "trip": "/trip yesterday Chun'an County, mountain prosperity research",
           "explain": "Explain my score", "took": "Set took-office date", "clear_took": "Clear took-office date",
           "make_admin": "Make admin", "race_in": "Put in the race", "race_out": "Take out of the race",
           "leave": "Record leave", "leave_kind": "personal leave", "name": "Tom", "leader": "Lily",
           "office": "Office"},
}


@pytest.fixture
def clock() -> ManualClock:
    """Friday 4 December 2026, 10:30 in Shanghai: the day the team is created and starts using the bot."""
    return ManualClock(datetime(2026, 12, 4, 10, 30, tzinfo=SHANGHAI))


async def _runner(saima: Saima, lang: str, user_id: int = 1001, name: str | None = None) -> SimUser:
    return await member(saima, user_id, name or WORDS[lang]["name"], lang=lang)


async def _office_and_runner(saima: Saima, lang: str) -> tuple[SimUser, SimUser]:
    """The office (the owner named at creation) opened the bot, then 张三 (Tom in English) joined."""
    office = saima.control.user(ADMIN_ID, WORDS[lang]["office"])
    await office.send("/start")
    if lang == "en":
        await office.send("/lang en")
    return office, await _runner(saima, lang)


def _member_id(saima: Saima, user_id: int) -> int:
    with saima.db.session() as session:
        return session.scalars(select(Member.id).where(Member.telegram_user_id == user_id)).one()


def _research_line(me: str) -> str:
    return next(line for line in me.splitlines() if "下基层调研" in line or "Grassroots research" in line)


@pytest.mark.parametrize("lang", LANGS)
async def test_a_team_started_on_4_december_asks_for_the_whole_year_and_one_day_is_not_a_full_score(
        saima: Saima, lang: str) -> None:
    words = WORDS[lang]
    runner = await _runner(saima, lang)
    await runner.press(await runner.send(words["trip"]), words["confirm"])
    research = _research_line((await runner.send("/me")).text)
    assert ("下基层调研 1/60 天" if lang == "zh" else "1/60 days") in research  # not 1/4.6: the whole year
    board, _ = await runner.send("/rank year", expect=2)
    explained = (await runner.press(board, words["explain"])).text
    line = _research_line(explained)
    assert "100%" not in line  # one day of 60 is not a full score
    assert "1/55.6" in line  # 60 × 338/365 = 55.6 days asked by 4 December, not 60 × 1/365


@pytest.mark.parametrize("lang", LANGS)
async def test_a_member_who_took_office_in_july_is_asked_for_half_the_year_set_on_the_card_or_the_cli(
        saima: Saima, lang: str) -> None:
    words = WORDS[lang]
    office, runner = await _office_and_runner(saima, lang)
    card = await office.press(await office.send("/members"), words["name"])
    assert ("全年在任" if lang == "zh" else "In office the whole year") in card.text
    prompt = await office.press(card, words["took"])
    assert prompt.text.startswith("张三的任职日期是哪天？" if lang == "zh" else "When did Tom take office?")
    card = await office.send("2026年7月1日" if lang == "zh" else "1 Jul 2026")
    assert card.text.startswith("已记录：张三于2026年7月1日（星期三）任职" if lang == "zh" else "Recorded: Tom took office on Wed 1 Jul 2026")
    assert ("任职日期：2026年7月1日（星期三）" if lang == "zh" else "Took office on Wed 1 Jul 2026") in card.text
    research = _research_line((await runner.send("/me")).text)
    assert "0/31" in research  # 60 × 184/365 = 30.2 days from 1 July, shown whole (rounded up)

    card = await office.press(card, words["clear_took"])
    assert "0/60" in _research_line((await runner.send("/me")).text)
    with saima.db.session() as session:
        audited = list(session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "member")))
    assert audited[-2:] == ["office_dates", "office_dates"]

    args = bot.parse_args(["team", "member", str(saima.team_id), "1001", "--from", "2026-07-01"])
    assert bot._team_member(saima.db, saima.clock, args) == 0
    assert "0/31" in _research_line((await runner.send("/me")).text)
    args = bot.parse_args(["team", "member", str(saima.team_id), "1001", "--until", "2026-09-30"])
    assert bot._team_member(saima.db, saima.clock, args) == 0
    assert "0/16" in _research_line((await runner.send("/me")).text)  # 1 July – 30 September: 92 days, 15.1

    prompt = await office.press(await office.press(await office.send("/members"), words["name"]), words["took"])
    refused = await office.send("2026年10月1日" if lang == "zh" else "1 Oct 2026")  # after leaving office
    assert refused.text.startswith("离任日期2026年9月30日（星期三）不能早于任职日期2026年10月1日（星期四）" if lang == "zh"
                                   else "Leaving office (Wed 30 Sep 2026) cannot come before taking it (Thu 1 Oct 2026)")
    del prompt


async def _ticks(saima: Saima) -> None:
    application = saima.running.application
    await application.scheduler.tick()  # type: ignore[attr-defined]
    await application.delivery.tick()  # type: ignore[attr-defined]


def _keys(saima: Saima, prefix: str) -> list[str]:
    with saima.db.session() as session:
        return list(session.scalars(select(OutboxMessage.key).where(OutboxMessage.key.startswith(prefix))
                                    .order_by(OutboxMessage.id)))


@pytest.mark.parametrize("lang", LANGS)
async def test_the_office_is_not_a_runner_and_the_owner_puts_a_leader_admin_in_the_race(
        saima: Saima, lang: str) -> None:
    words = WORDS[lang]
    office, runner = await _office_and_runner(saima, lang)
    leader = await _runner(saima, lang, 1002, words["leader"])
    card = await office.press(await office.press(await office.send("/members"), words["leader"]), words["make_admin"])
    board, _ = await runner.send("/rank year", expect=2)
    assert words["office"] not in board.text  # the office owes no quota: not on the board
    assert words["name"] in board.text and words["leader"] in board.text  # a leader who administers races
    listing = (await office.send("/members")).text.splitlines()
    assert listing[1].startswith(f"1. 📋 {words['office']} · ")  # the office: 📋, no 🏇
    assert listing[2].startswith("2. ❗ ") and f" {words['leader']} 🏇 · " in listing[2]  # far behind on 4 Dec
    assert listing[3].startswith("3. ❗ ") and f" {words['name']} 🏇 · " in listing[3]
    assert ("🏇 参加赛马 · 📋 办公室，不参加赛马" if lang == "zh" else "🏇 in the race · 📋 office, not in the race") \
        in listing[-1]
    own = (await office.send("/me")).text
    assert own.startswith("📋 您不参加赛马（办公室）" if lang == "zh" else "📋 You are not in the race (office)")

    card = await office.press(card, words["race_out"])
    assert card.text.startswith("李四已不参加赛马。" if lang == "zh" else "Lily is no longer in the race.")
    board, _ = await runner.send("/rank year", expect=2)
    assert words["leader"] not in board.text
    card = await office.press(card, words["race_in"])
    assert card.text.startswith("李四已参加赛马。" if lang == "zh" else "Lily is now in the race.")
    board, _ = await runner.send("/rank year", expect=2)
    assert words["leader"] in board.text

    # an admin who is not the owner cannot switch anyone, whatever the button data says
    page = await leader.send("/members")
    await leader.press_data(page.message_id, f"mb:ra:{_member_id(saima, 1001)}:0")
    refused = await leader.callback_answer()
    assert refused.show_alert and refused.text == ("只有班子负责人可以调整谁参加赛马。" if lang == "zh" else
                                                   "Only the team's owner can put someone in the race or take them "
                                                   "out of it.")
    with saima.db.session() as session:
        assert session.scalars(select(Member.races).where(Member.telegram_user_id == 1001)).one() is True
        audited = list(session.scalars(select(AuditEntry.action).where(AuditEntry.action == "races")))
    assert audited == ["races", "races"]

    saima.clock.set(datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI))  # Monday: pace nudges for the runners only
    await _ticks(saima)
    assert _keys(saima, f"pace:{_member_id(saima, 1001)}:") and _keys(saima, f"pace:{_member_id(saima, 1002)}:")
    assert _keys(saima, f"pace:{_member_id(saima, ADMIN_ID)}:") == []
    assert _keys(saima, f"lagging:{_member_id(saima, ADMIN_ID)}:") == []


@pytest.mark.parametrize("lang", LANGS)
async def test_leave_pauses_pace_and_deadline_nudges_but_the_office_still_hears_of_overdue_items(
        saima: Saima, lang: str) -> None:
    words = WORDS[lang]
    office, runner = await _office_and_runner(saima, lang)
    runner_id = _member_id(saima, 1001)
    with saima.db.session() as session:
        lead = session.get_one(Member, runner_id)
        motion = motions.create(session, lead=lead, kind=MotionKind.SUGGESTION, number="7", title="山区道路建设",
                                is_key=True, assigned_on=date(2026, 9, 1), reply_due_months=3, now=saima.clock.now())
        motion.reply_due = date(2026, 12, 1)  # already overdue
        motion_id = motion.id
    kinds = await office.press(await office.press(await office.send("/members"), words["name"]), words["leave"])
    await office.press(kinds, words["leave_kind"])
    recorded = await office.send("12月7日至11日" if lang == "zh" else "Dec 7-11")
    assert recorded.text.startswith("已登记：张三，请假" if lang == "zh" else "Recorded: Tom, personal leave")

    nudges = f"nudge:motion:{motion_id}:member:{runner_id}:"
    for day in (7, 8, 9, 10, 11):  # the week of leave
        saima.clock.set(datetime(2026, 12, day, 10, 0, tzinfo=SHANGHAI))
        await _ticks(saima)
    assert _keys(saima, nudges) == []  # the deadline nudge waits
    assert _keys(saima, f"pace:{runner_id}:") == [] and _keys(saima, f"lagging:{runner_id}:") == []
    assert len(_keys(saima, f"escalate:motion:{motion_id}:")) == 1  # the office is still told (8 December)
    escalation = [m for m in await office.bot_messages() if "约谈提醒" in (m.text or "") or "overdue" in (m.text or "")]
    assert escalation and words["name"] in escalation[-1].text
    assert [m for m in await runner.bot_messages() if "山区道路建设" in (m.text or "")] == []

    saima.clock.set(datetime(2026, 12, 14, 10, 0, tzinfo=SHANGHAI))  # back on Monday
    await _ticks(saima)
    await _ticks(saima)
    assert [key.removeprefix(nudges) for key in _keys(saima, nudges)] == ["overdue:2026-12-14"]  # one, not five
    assert len(_keys(saima, f"pace:{runner_id}:")) == 1 and _keys(saima, f"lagging:{runner_id}:")
    assert len([m for m in await runner.bot_messages() if "山区道路建设" in (m.text or "")]) == 1


async def test_a_leaving_date_typed_in_december_for_the_years_end_is_this_years(saima: Saima) -> None:
    """On 10 December 2026 the office typed 12月31日 as 王五's 离任日期 and it was recorded as 2025年12月31日 (a date
    without its year leaned past), taking 王五 out of the 2026 evaluation and board; the nearer reading is taken."""
    admin = await owner(saima)
    await member(saima)
    wang = await member(saima, 1002, "王五")
    members_since_new_year(saima)
    saima.clock.set(datetime(2026, 12, 10, 10, 0, tzinfo=SHANGHAI))
    card = await admin.press(await admin.send("/members"), "王五")
    await admin.press(card, "设置离任日期")
    assert (await admin.send("12月31日")).text.startswith("已记录：王五于2026年12月31日（星期四）离任")
    assert "李主任 · 设置任职、离任日期 · 王五" in (await admin.send("/audit")).text  # not 设置任职日期 for a 离任日期
    await wang.press(await wang.send("/trip 12月7日至9日 德清县 数字经济调研"), "确认")
    saima.clock.set(datetime(2027, 1, 5, 10, 0, tzinfo=SHANGHAI))
    assert "王五" in (await admin.send("/evaluate 2026")).text
    assert "3/60 天" in (await wang.send("/me 2026")).text
