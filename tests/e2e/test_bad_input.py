"""Bad input (issue 11): control characters dropped at the door, lengths in UTF-16 units as Telegram
counts them, far-off deadlines refused, every message the bot builds fits Telegram's 4,096 units."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from emulator.sim import SimUser
from storage.models import (
    Broadcast,
    LeavePeriod,
    Member,
    OutboxMessage,
    ResearchTopic,
    ResearchTrip,
    StudySession,
    Task,
)
from tests.conftest import SHANGHAI
from tests.e2e.conftest import Saima
from tests.e2e.helpers import owner_and_member

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
APOLOGY = ("抱歉", "Sorry, something went wrong")


async def _team(saima: Saima, lang: str = "zh") -> tuple[SimUser, SimUser]:
    saima.clock.set(MONDAY)
    return await owner_and_member(saima, lang)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _no_apology(text: str | None) -> None:
    assert text is not None and not text.startswith(APOLOGY), text


async def test_nul_and_control_characters_in_a_topic_a_title_a_place_and_a_broadcast_are_dropped(
        saima: Saima) -> None:
    admin, zhang = await _team(saima)
    card = await zhang.send("/study 昨天 集体学习 2小时 优化\x00营商\x07环境\x1b条例")
    _no_apology(card.text)
    _no_apology((await zhang.press(card, "确认")).text)
    card = await zhang.send("/trip 11月5日至8日 淳安\x00县 共同\x85富裕")
    _no_apology(card.text)
    _no_apology((await zhang.press(card, "确认")).text)
    card = await zhang.send("/topic 山区\x0026县高质量发展路径研究")
    _no_apology(card.text)
    _no_apology((await zhang.press(card, "确认")).text)
    audience = await admin.send("/broadcast 请各位\x00在周一上午报送\x7f上周工作小结。")
    _no_apology(audience.text)
    assert audience.labels[0] == "全体成员"
    with saima.db.session() as session:
        assert session.scalars(select(StudySession.topic)).all() == ["优化营商环境条例"]
        trip = session.scalars(select(ResearchTrip)).one()
        assert (trip.places, trip.topic) == ("淳安县", "共同富裕")
        assert session.scalars(select(ResearchTopic.title)).all() == ["山区26县高质量发展路径研究"]


async def test_in_english_a_task_with_a_nul_in_its_title_is_stored_without_it(saima: Saima) -> None:
    admin, _ = await _team(saima, "en")
    detail = await admin.send("/task Report Q3\x00 safety figures next Friday 5pm")
    assert detail.text.startswith("Any details or requirements?")
    who = await admin.send("Send the\x00 signed form.\nTwo lines\tkept.")
    attach = (await admin.press(who, "Members", expect=2))[-1]
    card = (await admin.press(attach, "No attachment", expect=2))[-1]
    _no_apology(card.text)
    _no_apology((await admin.press(card, "Confirm")).text)
    with saima.db.session() as session:
        task = session.scalars(select(Task)).one()
        assert (task.title, task.detail) == ("Report Q3 safety figures", "Send the signed form.\nTwo lines\tkept.")


async def test_a_broadcast_of_2100_emoji_is_refused_with_its_limit_in_utf16_units(saima: Saima) -> None:
    admin, _ = await _team(saima)
    reply = await admin.send("/broadcast " + "😀" * 2100)
    assert reply.text.startswith("通知最多 3800 个字符，这条有 4200 个。"), reply.text
    with saima.db.session() as session:
        assert session.scalars(select(Broadcast)).all() == []


async def test_in_english_a_task_detail_of_2000_emoji_is_refused_with_the_limit(saima: Saima) -> None:
    admin, _ = await _team(saima, "en")
    await admin.send("/task Report Q3 safety figures next Friday 5pm")
    reply = await admin.send("😀" * 2000)
    assert reply.text.startswith("That is too long: at most 2000 characters, please."), reply.text


async def test_a_task_message_built_from_long_stored_text_is_cut_to_fit_telegram(saima: Saima) -> None:
    admin, zhang = await _team(saima)
    await admin.send("/task 报送三季度安全生产情况 下周五下午5点")
    attach = (await admin.press(await admin.send("请附签字版报表"), "成员", expect=2))[-1]
    await admin.press((await admin.press(attach, "无附件", expect=2))[-1], "确认")
    with saima.db.session() as session:  # text stored before lengths were counted in UTF-16 units
        row = session.scalars(select(OutboxMessage)).one()
        row.payload = {**row.payload, "text": "📌 " + "😀" * 3000}
    await saima.running.application.delivery.tick()  # type: ignore[attr-defined]
    told = await zhang.receive()
    assert told.text is not None and utf16_len(told.text) <= 4096 and told.text.endswith("😀…")
    assert told.labels == ["✍️ 签收", "✅ 报结"]


async def test_a_member_with_a_64_plus_64_character_name_joins_and_the_name_is_cut_to_fit(saima: Saima) -> None:
    # Chinese parts join without a space: 64 + 64 characters fit the 128-character column exactly
    long = saima.control.user(1003, "甲" * 64, last_name="乙" * 64)
    reply = await long.send(f"/start {saima.invite_code}")
    _no_apology(reply.text)
    assert reply.text.startswith("欢迎甲")
    # Latin ones keep their space: 64 + 1 + 64 = 129 characters are cut with "…" to fit
    latin = saima.control.user(1099, "A" * 64, last_name="B" * 64)
    _no_apology((await latin.send(f"/start {saima.invite_code}")).text)
    with saima.db.session() as session:
        name = session.scalar(select(Member.display_name).where(Member.telegram_user_id == 1003))
        cut = session.scalar(select(Member.display_name).where(Member.telegram_user_id == 1099))
    assert name == "甲" * 64 + "乙" * 64
    assert cut is not None and len(cut) == 128 and cut.endswith("…") and cut.startswith("A" * 64 + " B")
    nul = saima.control.user(1004, "Tom\x00", last_name="Lee\x07")
    await nul.send(f"/start {saima.invite_code}")
    with saima.db.session() as session:
        assert session.scalar(select(Member.display_name).where(Member.telegram_user_id == 1004)) == "Tom Lee"
    assert utf16_len(reply.text) <= 4096


async def test_a_task_due_in_the_year_9999_is_refused_with_the_horizon_and_nothing_is_stored(saima: Saima) -> None:
    admin, _ = await _team(saima)
    reply = await admin.send("/task 报送三季度安全生产情况 9999年12月31日")
    assert reply.text.startswith("截止日期最多只能设在 5 年以内，请给出更近的日期。"), reply.text
    await admin.send("/cancel")
    await admin.send("/lang en")
    await admin.send("/task Report Q3 safety figures")
    due = (await admin.press((await admin.bot_messages())[-1], "No details", expect=2))[-1]
    assert due.text.startswith("When is it due?"), due.text
    refused = await admin.send("31 Dec 9999")
    assert refused.text.startswith("A deadline can be at most 5 years ahead. Please give a nearer date."), refused.text
    assert (await admin.send("next Friday 5pm")).text is not None  # a nearer one is taken
    with saima.db.session() as session:
        assert session.scalars(select(Task)).all() == []


async def test_a_trip_range_written_backwards_in_one_month_is_asked_about_not_read_as_28_days(saima: Saima) -> None:
    zhang = saima.control.user(1001, "张三")
    await zhang.send(f"/start {saima.invite_code}")
    tom = saima.control.user(1002, "Tom", language_code="en")
    await tom.send(f"/start {saima.invite_code}")
    await tom.send("/lang en")
    saima.clock.set(datetime(2026, 12, 10, 10, 0, tzinfo=SHANGHAI))  # 8 Nov – 5 Dec would be in the past
    asked = await zhang.send("/trip 11月8日至5日 淳安县 共同富裕")
    assert asked.text.startswith("结束日期不能早于开始日期。\n您是指2026年11月5日（星期四）至11月8日（星期日）吗？"
                                 "请重新输入日期。\n哪天去调研的？"), asked.text
    card = await zhang.send("11月5日至8日")
    assert "共 4 天" in card.text and "淳安县" in card.text
    asked = await tom.send("/trip Nov 8-5 Chun'an county common prosperity")
    assert "Did you mean" in asked.text, asked.text
    with saima.db.session() as session:
        assert session.scalars(select(ResearchTrip)).all() == []


async def test_a_leave_range_written_backwards_is_asked_about_and_a_far_one_refused(saima: Saima) -> None:
    admin, zhang = await owner_and_member(saima)
    card = await admin.press(await admin.send("/members"), "张三")
    await admin.press(await admin.press(card, "登记请假"), "请假")
    asked = await admin.send("12月8日至5日")
    assert asked.text == ("结束日期早于开始日期。您是指2026年12月5日（星期六）至12月8日（星期二）吗？"
                          "请重新输入日期，或发送 /cancel 取消。"), asked.text
    assert (await admin.send("9999年12月1日至5日")).text == "请假最多可提前 5 年登记。请重新输入更近的日期，或发送 /cancel 取消。"
    assert (await admin.send("12月5日至8日")).text.startswith("已登记：张三，请假")
    with saima.db.session() as session:
        assert [(p.start_date.day, p.end_date.day) for p in session.scalars(select(LeavePeriod))] == [(5, 8)]
