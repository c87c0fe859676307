"""Scheduled messages end to end over the emulator: the scheduling tick enqueues, the delivery tick
sends (both called directly, with the ManualClock moved; no sleeping): a deadline nudge with Done and
Snooze, snoozing only by the item's owner, the monthly board with its chart in the team's group,
the weekly summary (its key topics counted as the race counts them), and `/summary` for admins only."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import update

from core.domain import MotionKind
from emulator import SimUser
from storage import calendar, motions, trips
from storage.models import Member, Motion, Team
from tests.conftest import SHANGHAI
from tests.e2e.conftest import ADMIN_ID, Saima
from tests.e2e.helpers import member, owner_and_member

GROUP = -100888


async def _ticks(saima: Saima) -> None:
    application = saima.running.application
    await application.scheduler.tick()  # type: ignore[attr-defined]
    await application.delivery.tick()  # type: ignore[attr-defined]


def _motion(saima: Saima, lead_user: int, due: date) -> int:
    with saima.db.session() as session:
        lead = session.query(Member).filter_by(telegram_user_id=lead_user).one()
        motion = motions.create(session, lead=lead, kind=MotionKind.SUGGESTION, number="7", title="山区道路建设",
                                is_key=True, assigned_on=date(2026, 9, 1), reply_due_months=3, now=saima.clock.now())
        motion.reply_due = due
        return motion.id


async def test_an_english_nudge_marks_the_title_with_english_quotes(saima: Saima) -> None:
    """An English reader's nudge read “Reply to NPC suggestion No. 7 · key 《山区道路建设》”: the book-title marks
    are Chinese punctuation."""
    tom = await member(saima, 1010, "Tom", lang="en")
    _motion(saima, 1010, date(2026, 11, 24))
    saima.clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI))
    await _ticks(saima)
    nudge = await tom.receive()
    assert nudge.text.startswith("🟡 Reply to NPC suggestion No. 7 · key “山区道路建设”\n"), nudge.text


async def test_a_nudge_with_done_and_snooze_that_only_its_owner_can_press(saima: Saima) -> None:
    zhang = await member(saima)
    li = await member(saima, 1002, "李四")
    motion_id = _motion(saima, 1001, date(2026, 11, 24))
    await _ticks(saima)  # Saturday: nothing is due on a day off
    saima.clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI))
    await _ticks(saima)
    nudge = await zhang.receive()
    assert nudge.text.startswith("🟡 人大建议 第7号 · 重点 《山区道路建设》的答复\n明天到期：2026年11月24日")
    assert nudge.buttons == [[("已办结？打开看看", f"mo:{motion_id}:v")],
                             [("稍后提醒（1天后）", f"nz:m:{motion_id}:1"), ("稍后提醒（3天后）", f"nz:m:{motion_id}:3")]]
    await _ticks(saima)
    assert await zhang.bot_messages() and len([m for m in await zhang.bot_messages() if "明天到期" in m.text]) == 1

    # 李四 forges 张三's snooze: refused, nothing changes
    last = (await li.bot_messages())[-1]
    await li.press_data(last.message_id, f"nz:m:{motion_id}:3")
    refused = await li.callback_answer()
    assert refused.show_alert and refused.text == "只有事项的承办人本人才能推迟提醒。"
    await zhang.press_data(nudge.message_id, f"nz:m:{motion_id}:9")  # not one of the options
    assert (await zhang.callback_answer()).text == "这个按钮已失效。"
    with saima.db.session() as session:
        assert session.get_one(Motion, motion_id).snoozed_until is None

    await zhang.press(nudge, "稍后提醒（1天后）", expect=0)
    answer = await zhang.callback_answer()
    assert answer.text == "好的，2026年11月24日（星期二）再提醒您。办理期限不变，仍为2026年11月24日（星期二）。"
    shown = [m for m in await zhang.bot_messages() if m.message_id == nudge.message_id][0]
    assert shown.text.endswith("⏰ 2026年11月24日（星期二）再次提醒；办理期限仍为2026年11月24日（星期二）。")
    with saima.db.session() as session:
        assert session.get_one(Motion, motion_id).snoozed_until == datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)

    # Done opens the motion's own card
    card = await zhang.press(nudge, "已办结？打开看看")
    assert "山区道路建设" in (card.text or "")


async def test_the_monthly_board_and_the_weekly_summary_reach_the_group_once(saima: Saima) -> None:
    zhang = await member(saima)
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    group = saima.control.group(GROUP, "省政府党组工作群")
    await group.add_bot(admin)
    with saima.db.session() as session:
        session.execute(update(Team).values(group_chat_id=GROUP, created_at=datetime(2026, 10, 1, tzinfo=SHANGHAI)))
        session.execute(update(Member).values(joined_on=date(2026, 11, 20)))
    saima.clock.set(datetime(2026, 11, 23, 9, 5, tzinfo=SHANGHAI))
    await _ticks(saima)
    summary = [m for m in await group.bot_messages() if (m.body or "").startswith("📋 每周小结")]
    assert len(summary) == 1 and "11月16日至11月22日" in summary[0].text
    (to_admin,) = [m for m in await admin.bot_messages() if (m.body or "").startswith("📋 每周小结")]
    assert "进度落后" in to_admin.text

    saima.clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI))
    await _ticks(saima)
    await _ticks(saima)
    posted = [m for m in await group.bot_messages() if (m.body or "").startswith("🏇") or m.kind == "photo"]
    assert [m.kind for m in posted] == ["text", "photo"]
    assert posted[0].text.startswith("🏇 赛马榜 · 2026年11月（截至11月30日）")
    assert "张三" in posted[0].text
    assert (posted[1].caption or "").startswith("2026年11月")
    del zhang


async def test_summary_is_for_admins(saima: Saima) -> None:
    zhang = await member(saima)
    assert (await zhang.send("/summary")).text == "此功能仅限办公室（管理员）使用。"
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    text = (await admin.send("/summary")).text
    assert text.startswith("📋 每周小结 · 省政府党组 · 11月15日至11月21日")
    assert "全年进度" in text and "进度落后" in text


def _logged_last_week(summary: str) -> list[str]:
    """The summary's 上周填报 lines."""
    lines = summary.splitlines()
    return lines[lines.index("上周填报：") + 1 : lines.index("全年进度（已完成 / 按进度应完成）：") - 1]


async def test_the_weekly_summary_counts_a_key_topic_in_the_week_it_came_to_count(saima: Saima) -> None:
    """The race, /me and the year's progress count a key topic on the day it reaches the team's counting stage
    (形成报告), not the day it was registered (立项); so does the summary's 上周填报, and its 进度落后 lines
    are written as Chinese writes them (张三：…)."""
    admin, zhang = await owner_and_member(saima)
    await zhang.press(await zhang.send("/topic 山区26县高质量发展路径研究"), "确认")
    assert "重点调研课题 0/1" in (await zhang.send("/me")).text
    text = (await admin.send("/summary")).text  # 15–21 November: registered, counts for nothing yet
    assert not any(line.strip().startswith("重点调研课题") for line in _logged_last_week(text)), text
    assert "  重点调研课题 0/" in text
    behind = text.split("进度落后：\n")[1].splitlines()
    assert behind[0].startswith("  张三："), text

    await zhang.press(await zhang.send("/topics"), "1. 开始调研", expect=0)
    assert "已进入调研阶段" in str((await zhang.callback_answer()).text)  # on 21 November
    saima.clock.advance(timedelta(days=7))  # Saturday 28 November: the report was finished on Friday
    await zhang.press(await zhang.send("/topics"), "1. 形成报告")
    await zhang.send("山区县共同富裕路径调研报告")
    await zhang.press(await zhang.send("11月27日"), "确认")
    text = (await admin.send("/summary")).text  # 22–28 November: the topic came to count
    assert "  重点调研课题 1 项" in _logged_last_week(text), text
    assert "  重点调研课题 1/" in text


async def test_a_findings_nudge_opens_the_findings_card(saima: Saima) -> None:
    zhang = await member(saima)
    await zhang.press(await zhang.send("/trip 11月5日至8日 淳安县 山区共富调研"), "确认")
    with saima.db.session() as session:
        lead = session.query(Member).filter_by(telegram_user_id=1001).one()
        trip = trips.own_trips(session, lead.id)[0]
        item = trips.add_finding(session, member=lead, trip=trip, content="村道狭窄，校车通行困难", department="交通局",
                                 feedback_due=date(2026, 11, 30), now=saima.clock.now())
        item_id = item.id
    saima.clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI))
    await _ticks(saima)
    nudge = await zhang.receive()
    assert nudge.text.startswith("🟢 意见建议“村道狭窄，校车通行困难”的反馈\n7 天后到期")
    assert nudge.buttons[0] == [("已办结？打开看看", f"fu:i:{item_id}")]
    card = await zhang.press(nudge, "已办结？打开看看")
    assert "村道狭窄，校车通行困难" in (card.text or "")


async def _first_reminder(saima: Saima, user: SimUser, after: int, moments: list[datetime]) -> datetime | None:
    """Runs the ticks at each of ``moments``; the first at which ``user`` gets a message about the motion
    (山区道路建设) beyond their first ``after``."""
    for moment in moments:
        saima.clock.set(moment)
        await _ticks(saima)
        if any("山区道路建设" in (m.text or "") for m in (await user.bot_messages())[after:]):
            return moment
    return None


def _hours(first: date, days: int) -> list[datetime]:
    return [datetime(day.year, day.month, day.day, hour, 5, tzinfo=SHANGHAI)
            for day in (first + timedelta(days=n) for n in range(days)) for hour in (0, 8, 10, 12, 16, 22)]


@pytest.mark.parametrize(("team_day_off", "promised", "until"), [
    (None, "2026年11月30日（星期一）", datetime(2026, 11, 30, 8, 0, tzinfo=SHANGHAI)),
    (date(2026, 11, 30), "2026年12月1日（星期二）", datetime(2026, 12, 1, 8, 0, tzinfo=SHANGHAI)),  # the team's own
])
async def test_a_snooze_over_a_weekend_names_the_working_day_the_reminder_comes(
        saima: Saima, team_day_off: date | None, promised: str, until: datetime) -> None:
    """Friday's nudge snoozed for a day once promised Saturday 28 November, but nothing is sent on a day off:
    the reminder comes on the next working morning (the team's own calendar counts), and that is the day named."""
    zhang = await member(saima)
    motion_id = _motion(saima, 1001, date(2026, 12, 4))
    if team_day_off is not None:
        with saima.db.session() as session:
            lead = session.query(Member).filter_by(telegram_user_id=1001).one()
            calendar.set_day(session, team_id=lead.team_id, day=team_day_off, workday=False, note="区里调休",
                             now=saima.clock.now())
    saima.clock.set(datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI))  # Friday: T-7
    await _ticks(saima)
    nudge = await zhang.receive()
    await zhang.press(nudge, "稍后提醒（1天后）", expect=0)
    assert (await zhang.callback_answer()).text == f"好的，{promised}再提醒您。办理期限不变，仍为2026年12月4日（星期五）。"
    shown = [m for m in await zhang.bot_messages() if m.message_id == nudge.message_id][0]
    assert shown.text.endswith(f"⏰ {promised}再次提醒；办理期限仍为2026年12月4日（星期五）。")
    with saima.db.session() as session:
        assert session.get_one(Motion, motion_id).snoozed_until == until
    before = len(await zhang.bot_messages())
    arrived = await _first_reminder(saima, zhang, before, _hours(date(2026, 11, 28), 5))
    assert arrived is not None and arrived.date() == until.date() and arrived.hour == 8


async def test_a_snooze_pressed_late_at_night_names_the_morning_the_reminder_comes(saima: Saima) -> None:
    """Snoozed at 23:00 for a day: a day later is inside the quiet hours, so the reminder comes at 08:00 the
    morning after, the day named (not the day before, when nothing is sent after 22:00)."""
    zhang = await member(saima)
    motion_id = _motion(saima, 1001, date(2026, 11, 27))
    saima.clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI))  # Monday: T-3
    await _ticks(saima)
    nudge = await zhang.receive()
    saima.clock.set(datetime(2026, 11, 23, 23, 0, tzinfo=SHANGHAI))
    await zhang.press(nudge, "稍后提醒（1天后）", expect=0)
    assert (await zhang.callback_answer()).text == "好的，2026年11月25日（星期三）再提醒您。办理期限不变，仍为2026年11月27日（星期五）。"
    with saima.db.session() as session:
        assert session.get_one(Motion, motion_id).snoozed_until == datetime(2026, 11, 25, 8, 0, tzinfo=SHANGHAI)
    before = len(await zhang.bot_messages())
    arrived = await _first_reminder(saima, zhang, before, _hours(date(2026, 11, 24), 3))
    assert arrived == datetime(2026, 11, 25, 8, 5, tzinfo=SHANGHAI)


async def test_a_motion_reopened_by_not_satisfied_is_not_reminded_by_a_snooze_from_before_its_reply(
        saima: Saima) -> None:
    """张三 snoozes the T-1 nudge for 3 days and replies the next day; a week later the deputy is not satisfied
    and the motion reopens due on 1 January. Its first nudge is weeks away (T-7): nothing comes now, where the
    old snooze used to send a 'reminder' at the next tick."""
    zhang = await member(saima)
    motion_id = _motion(saima, 1001, date(2026, 11, 24))
    saima.clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI))
    await _ticks(saima)
    nudge = await zhang.receive()
    await zhang.press(nudge, "稍后提醒（3天后）", expect=0)
    await zhang.callback_answer()
    saima.clock.set(datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI))  # replied inside the snooze
    card = await zhang.press(nudge, "已办结？打开看看")
    await zhang.press(card, "已答复")
    replied = await zhang.press(await zhang.send("今天"), "A类")
    assert "已答复" in replied.text
    with saima.db.session() as session:  # answered: the snooze went with the round it was about
        assert session.get_one(Motion, motion_id).snoozed_until is None
    saima.clock.set(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI))  # a week later: 不满意, due 1 January
    reopened = await zhang.press(replied, "不满意")
    assert "2027年1月1日" in reopened.text
    before = len(await zhang.bot_messages())
    await _ticks(saima)
    saima.clock.set(datetime(2026, 12, 1, 11, 0, tzinfo=SHANGHAI))
    await _ticks(saima)
    assert [m.text for m in (await zhang.bot_messages())[before:] if "山区道路建设" in (m.text or "")] == []


async def test_back_logging_a_motion_replied_long_ago_does_not_escalate_to_the_office(saima: Saima) -> None:
    """Mid-year adoption: 张三 back-logs a suggestion assigned on 1 March (replied in May) and records its reply
    straight after Confirm. The tick that ran in between used to send the office a 约谈提醒 about an item
    “overdue 175 days” that had been logged seconds earlier."""
    admin, zhang = await owner_and_member(saima)
    saima.clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI))  # Monday
    saved = await zhang.press(await zhang.send("/proposal 建议 第5号 关于加强基层医疗的建议 一般 3月1日交办"), "确认")
    await _ticks(saima)  # the scheduler's tick, seconds after Confirm
    await zhang.press(saved, "已答复")
    await zhang.press(await zhang.send("5月10日"), "A类")
    await _ticks(saima)
    assert [m.text for m in await admin.bot_messages() if "约谈提醒" in (m.text or "")] == []
