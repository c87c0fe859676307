"""Broadcasts end to end over the emulator: an admin composes (with a photo), picks the audience and the
time, sees the preview, confirms; recipients get it with 已阅 / Read; pressing it updates the sender's
report; re-nudge reaches only the unread; scheduled and weekly broadcasts go out at their time with a
ManualClock; members are refused and forged presses change nothing."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from core.domain import BroadcastStatus, MemberStatus, OutboxStatus, Role
from emulator import EmulatorThread, SimUser
from emulator.state import Chat
from harness import TEST_TOKEN, RunningBot
from jobs.delivery import Delivery
from storage import onboarding, outbox
from storage.models import Broadcast, BroadcastOccurrence, BroadcastReceipt, Member, OutboxMessage
from tests.conftest import SHANGHAI
from tests.e2e.conftest import ADMIN_ID, Saima

INVALID = "这个按钮已失效。"
ADMIN_ONLY = "此功能仅限办公室（管理员）使用。"
OTHER_ADMIN = 900777
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


async def _team(saima: Saima, *, lang: str = "zh") -> tuple[SimUser, SimUser, SimUser, SimUser]:
    """The owner (李主任), a second admin (赵副主任) and two members (张三, 王五)."""
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    if lang == "en":
        await admin.send("/lang en")
    people = []
    for user_id, name in ((1001, "张三"), (1002, "王五"), (1003, "赵副主任")):
        person = saima.control.user(user_id, name)
        await person.send(f"/start {saima.invite_code}")
        people.append(person)
    with saima.db.session() as session:
        session.query(Member).filter_by(telegram_user_id=1003).update({"role": Role.ADMIN})
    return admin, people[0], people[1], people[2]


async def _deliver(saima: Saima) -> None:
    """The jobs, as their timers would run them: make due occurrences, send, then refresh the reports."""
    application = saima.running.application
    await application.scheduler.tick()  # type: ignore[attr-defined]
    await application.delivery.tick()  # type: ignore[attr-defined]
    await application.broadcast_reports.tick()  # type: ignore[attr-defined]


def _count(saima: Saima, model: type) -> int:
    with saima.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


async def _report(admin: SimUser, message_id: int):  # type: ignore[no-untyped-def]
    return [m for m in await admin.bot_messages() if m.message_id == message_id][0]


async def test_a_photo_to_the_members_by_role_with_preview_read_receipts_and_a_renudge_in_chinese(saima: Saima) -> None:
    admin, zhang, wang, zhao = await _team(saima)
    ask = await admin.send("/broadcast")
    assert ask.text.startswith("请发送通知内容：可以是文字，也可以是图片或文件")
    audience = await admin.send_file("photo", "会议.png", PNG, caption="周一上午9点在三楼会议室召开党组会，请准时参加。")
    assert audience.text.startswith("图片已附上。\n发给谁？")
    assert audience.labels == ["全体成员", "管理员", "成员", "进度滞后", "有逾期事项", "指定成员…"]
    when = (await admin.press(audience, "成员", expect=2))[-1]
    assert when.text.startswith("什么时候发送？")
    assert _count(saima, Broadcast) == 0
    _, preview, card = await admin.press(when, "立即发送", expect=3)  # its button goes, then the preview
    assert preview.kind == "photo"
    assert preview.caption == "📢 李主任发布通知\n\n周一上午9点在三楼会议室召开党组会，请准时参加。"
    assert preview.labels == ["✅ 已阅"]
    assert card.text.splitlines()[:4] == [
        "通知预览：上面这条消息就是每位收件人将看到的内容（带“已阅”按钮）。", "发送对象：普通成员（不含管理员）",
        "共 2 人：张三、王五", "发送时间：立即发送"]
    assert card.labels == ["确认", "修改", "取消"]
    assert _count(saima, Broadcast) == 0  # nothing before Confirm

    report = await admin.press(card, "确认")
    assert report.message_id == card.message_id
    assert report.text.splitlines()[2:] == ["共 2 人", "✅ 已送达：0", "👁 已阅：0", "📵 无法送达：0", "❌ 发送失败：0",
                                            "⏳ 待发送：2"]
    await _deliver(saima)
    got = await zhang.receive()
    assert got.kind == "photo" and got.caption == preview.caption and got.labels == ["✅ 已阅"]
    assert (await wang.receive()).kind == "photo"
    assert [m for m in await zhao.bot_messages() if m.kind == "photo"] == []  # an admin: not in the audience
    shown = await _report(admin, card.message_id)
    assert "✅ 已送达：2" in shown.text and "👁 已阅：0" in shown.text
    assert shown.labels == ["🔔 提醒未阅的人（2）", "谁还没有阅读？"]

    await zhang.press(got, "✅ 已阅", expect=1)
    assert (await zhang.callback_answer()).text == "谢谢，已标记为已阅。"
    await saima.running.application.broadcast_reports.tick()  # type: ignore[attr-defined]
    shown = await _report(admin, card.message_id)
    assert "👁 已阅：1" in shown.text and shown.labels[0] == "🔔 提醒未阅的人（1）"

    who = await admin.press(shown, "谁还没有阅读？")
    assert who.text == "1 人尚未阅读：\n· 王五 — 未阅"
    await admin.press(shown, "🔔 提醒未阅的人（1）", expect=0)
    assert (await admin.callback_answer()).text == "已向 1 位未阅的成员发送提醒。"
    await _deliver(saima)
    reminder = await wang.receive()
    assert (reminder.caption or "").startswith("⏰ 提醒：请阅读以下通知并点击“已阅”。\n\n📢 李主任发布通知")
    assert len([m for m in await zhang.bot_messages() if m.kind == "photo"]) == 1  # 张三 read it: no reminder
    # the same press again (a double tap) sends nothing more
    await admin.press_data(card.message_id, f"br:n:{_occurrence_id(saima)}:0")
    assert (await admin.callback_answer()).text == "这次提醒已经发过了。"
    with saima.db.session() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.kind == "broadcast:nudge")) == 1


def _occurrence_id(saima: Saima) -> int:
    with saima.db.session() as session:
        return int(session.scalar(select(BroadcastOccurrence.id).order_by(BroadcastOccurrence.id.desc())) or 0)


async def _quiet_members(saima: Saima, emulator_thread: EmulatorThread, count: int, *, first: int = 5000,
                         active: bool = True) -> list[int]:
    """Members who opened the bot long ago (their private chats exist) but do nothing in the test."""
    ids = [first + i for i in range(count)]
    with saima.db.session() as session:
        session.add_all(Member(team_id=saima.team_id, telegram_user_id=user_id, display_name=f"成员{i + 1:02d}",
                               role=Role.MEMBER, status=MemberStatus.ACTIVE if active else MemberStatus.PENDING,
                               reachable=True, joined_on=date(2026, 1, 1), created_at=saima.clock.now())
                        for i, user_id in enumerate(ids))
    if active:
        async def opened_the_bot() -> None:
            bot = emulator_thread.emulator.world.bot(int(TEST_TOKEN.split(":")[0]))
            for user_id in ids:
                bot.chats[user_id] = Chat(user_id, "private", first_name=str(user_id))
            bot.started.update(ids)
        emulator_thread.run(opened_the_bot())
    return ids


async def test_english_text_then_a_document_to_picked_members_tomorrow_at_nine(
        saima: Saima, emulator_thread: EmulatorThread) -> None:
    admin, zhang, wang, _ = await _team(saima, lang="en")
    await wang.send("/lang en")
    await _quiet_members(saima, emulator_thread, 8, active=False)  # not joined yet: a second page to pick from
    assert (await admin.send("/broadcast")).text.startswith("What should the broadcast say?")
    audience = await admin.send("Please send your Q4 research summaries to the office by Friday.")
    assert audience.text.startswith("Who should get it?\n(You can still send a photo or document to attach it.)")
    audience = await admin.send_file("document", "template.docx", b"PK\x03\x04 template", expect=1)
    assert audience.text.startswith("Document attached.\nWho should get it?")
    page = await admin.press(audience, "Pick members…", expect=1)
    assert page.text == "Pick the recipients (page 1 of 2); press a name to tick or untick it."
    assert page.labels[:3] == ["⬜ 赵副主任", "⬜ 张三", "⬜ 王五"]
    page = await admin.press(page, "⬜ 王五")
    page = await admin.press(page, "⬜ 张三")
    page = await admin.press(page, "☑️ 张三")  # untick
    page = await admin.press(page, "Next ›")
    assert page.text.startswith("Pick the recipients (page 2 of 2)")
    page = await admin.press(page, "⬜ 成员08")  # not joined yet: counted unreachable
    when = (await admin.press(page, "Done (2)", expect=2))[-1]
    assert when.text.startswith("When should it go?")
    for bad, reason in (("someday maybe", "I could not read that time."), ("tomorrow", "Please give a time of day too"),
                        ("yesterday 9am", "That time has already passed."),
                        ("every Funday 9:00", "I could not read that weekly time.")):
        assert (await admin.send(bad)).text.startswith(reason), bad
    preview, card = await admin.send("tomorrow 9am", expect=2)
    assert preview.kind == "document" and preview.caption == (
        "📢 Notice from 李主任\n\nPlease send your Q4 research summaries to the office by Friday.")
    assert card.text.splitlines()[1:6] == [
        "To: picked members", "2 recipients: 王五, 成员08",
        "📵 1 of them cannot be reached (blocked the bot or not joined yet).",
        "When: Sun 22 Nov 2026 09:00", "With a document."]
    scheduled = await admin.press(card, "Confirm")
    assert scheduled.text.startswith("✅ Scheduled: Sun 22 Nov 2026 09:00, to picked members.")
    listed = await admin.send("/broadcasts")
    assert listed.text.splitlines()[:3] == ["Scheduled and weekly broadcasts:",
                                            "1. Please send your Q4 research summaries…",
                                            "   Sun 22 Nov 2026 09:00 · to picked members"]
    assert listed.labels == ["Cancel 1"]

    saima.clock.set(datetime(2026, 11, 22, 8, 59, tzinfo=SHANGHAI))
    await _deliver(saima)
    assert _count(saima, BroadcastOccurrence) == 0  # not yet
    saima.clock.set(datetime(2026, 11, 22, 9, 0, tzinfo=SHANGHAI))
    await _deliver(saima)
    got = await wang.receive()
    assert got.kind == "document" and got.labels == ["✅ Read"]
    assert [m for m in await zhang.bot_messages() if m.kind == "document"] == []  # unticked
    report = await admin.receive()
    assert report.text.startswith("📊 Broadcast report: “Please send your Q4 research…”\nSent Sun 22 Nov 2026 09:00")
    await _deliver(saima)  # the report learns its own message id, then shows the delivery
    shown = await _report(admin, report.message_id)
    assert shown.text.splitlines()[2:] == ["2 recipients", "✅ Delivered: 1", "👁 Read: 0", "📵 Unreachable: 1",
                                           "❌ Failed: 0", "⏳ Pending: 0"]
    await wang.press(got, "✅ Read", expect=1)
    assert (await wang.callback_answer()).text == "Thank you: marked as read."
    await _deliver(saima)
    assert "👁 Read: 1" in (await _report(admin, report.message_id)).text
    assert (await admin.send("/broadcasts")).text == "No scheduled or weekly broadcasts. /broadcast makes one."
    await _deliver(saima)
    assert _count(saima, BroadcastOccurrence) == 1 and len(await wang.bot_messages()) >= 1
    assert len([m for m in await wang.bot_messages() if m.kind == "document"]) == 1  # once


async def test_a_weekly_broadcast_goes_once_each_monday_until_cancelled(saima: Saima) -> None:
    admin, zhang, wang, zhao = await _team(saima)
    await admin.send("/broadcast 请各位在周一上午报送上周工作小结。")
    when = (await admin.press((await admin.bot_messages())[-1], "全体成员", expect=2))[-1]
    _, card = await admin.send("每周一 9:00", expect=2)
    assert "发送时间：每周一 09:00（每次发送时重新确定发送对象）" in card.text
    assert (await admin.press(card, "确认")).text.startswith("✅ 已安排：每周一 09:00，发送对象：全体成员。")
    del when

    def weekly(person: SimUser) -> Any:
        async def count() -> int:
            return len([m for m in await person.bot_messages() if "报送上周工作小结" in (m.body or "")])
        return count

    monday = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
    for week in range(2):
        saima.clock.set(monday + timedelta(weeks=week, minutes=-1))
        await _deliver(saima)
        assert await weekly(zhang)() == week
        saima.clock.set(monday + timedelta(weeks=week))
        await _deliver(saima)
        saima.clock.advance(timedelta(hours=2))
        await _deliver(saima)  # a later tick that same week makes nothing more
        for person in (zhang, wang, zhao):
            assert await weekly(person)() == week + 1
        assert _count(saima, BroadcastOccurrence) == week + 1
    reports = [m for m in await admin.bot_messages() if (m.body or "").startswith("📊 通知送达情况")]
    assert [r.text.splitlines()[1][:5] for r in reports] == ["第 1 周", "第 2 周"]

    listed = await admin.send("/broadcasts")
    assert "每周一 09:00 · 发送对象：全体成员" in listed.text
    after = await admin.press(listed, "取消第 1 条")
    assert after.text == "通知已取消。\n没有已安排或每周定时的通知。用 /broadcast 新建。"
    saima.clock.set(monday + timedelta(weeks=2))
    await _deliver(saima)
    assert await weekly(zhang)() == 2 and _count(saima, BroadcastOccurrence) == 2
    with saima.db.session() as session:
        assert session.scalar(select(Broadcast.status)) == BroadcastStatus.CANCELLED


async def test_members_are_refused_and_forged_presses_change_nothing(saima: Saima) -> None:
    admin, zhang, wang, _ = await _team(saima)
    assert "/broadcast — 给班子成员发通知（立即、定时或每周），可查看已阅情况" in (await admin.send("/help")).text
    assert "/broadcast" not in (await zhang.send("/help")).text
    assert (await zhang.send("/broadcast 明天放假")).text == ADMIN_ONLY
    assert (await zhang.send("/broadcasts")).text == ADMIN_ONLY
    await admin.send("/broadcast 周五前报送材料。")
    when = (await admin.press((await admin.bot_messages())[-1], "成员", expect=2))[-1]
    _, _, card = await admin.press(when, "立即发送", expect=3)
    await admin.press(card, "确认")
    await _deliver(saima)
    got = await zhang.receive()
    occurrence = _occurrence_id(saima)
    with saima.db.session() as session:
        broadcast_id = session.scalar(select(Broadcast.id))
    assert broadcast_id is not None

    def snapshot() -> tuple[Any, ...]:
        with saima.db.session() as session:
            return (session.execute(select(BroadcastReceipt.member_id, BroadcastReceipt.read_at)
                                    .order_by(BroadcastReceipt.id)).all(),
                    session.scalar(select(func.count()).select_from(OutboxMessage)),
                    session.execute(select(Broadcast.status)).all(),
                    session.scalar(select(BroadcastOccurrence.renudges)))

    before = snapshot()
    # a member pressing the report's buttons (forged data): refused
    for data in (f"br:n:{occurrence}:0", f"br:u:{occurrence}", f"br:c:{broadcast_id}"):
        await zhang.press_data(got.message_id, data)
        assert (await zhang.callback_answer()).text == ADMIN_ONLY, data
    # Read for a broadcast or occurrence 张三 did not receive; garbage; a draft's button with no draft
    for data in (f"br:r:{broadcast_id + 1}:0", f"br:r:{broadcast_id}:1", "br:r:x:0", "bc:abcdef:ok:"):
        await zhang.press_data(got.message_id, data)
        assert (await zhang.callback_answer()).text == INVALID, data
    # the owner of another team presses this team's report buttons
    with saima.db.session() as session:
        onboarding.create_team(session, name="市政府党组", admin_telegram_id=OTHER_ADMIN, group_chat_id=None,
                               config=saima.config, now=saima.clock.now())
    other = saima.control.user(OTHER_ADMIN, "外队管理员")
    await other.send("/start")
    for data in (f"br:n:{occurrence}:0", f"br:u:{occurrence}", f"br:c:{broadcast_id}"):
        await other.press_data((await other.bot_messages())[-1].message_id, data)
        assert (await other.callback_answer()).text == INVALID, data
    assert snapshot() == before

    # the recipient's own press counts once; a second press says so
    await zhang.press(got, "✅ 已阅", expect=1)
    await zhang.press_data(got.message_id, f"br:r:{broadcast_id}:0")
    assert (await zhang.callback_answer()).text == "已经标记为已阅。"
    with saima.db.session() as session:
        read = session.execute(select(Member.telegram_user_id).join(BroadcastReceipt, BroadcastReceipt.member_id == Member.id)
                               .where(BroadcastReceipt.read_at.is_not(None))).scalars().all()
    assert read == [1001]
    del wang


async def _restart(saima: Saima, emulator_thread: EmulatorThread) -> RunningBot:
    """Stops the Application (the simulated users keep their control client) and builds a new one on the
    same database: what it knows after a restart is what the database kept."""
    application = saima.running.application
    assert application.updater is not None
    await application.updater.stop()
    await application.stop()
    await application.shutdown()
    saima.running._running = False  # the fixture's teardown only closes its control client now
    restarted = RunningBot(saima.config, saima.db, saima.clock, control_url=emulator_thread.control_url)
    saima.running = restarted
    return restarted


async def test_a_draft_survives_a_restart_and_bad_input_changes_nothing(saima: Saima,
                                                                        emulator_thread: EmulatorThread) -> None:
    admin, zhang, _, _ = await _team(saima)
    assert (await admin.send("/broadcast " + "长" * 3801)).text.startswith(
        "通知最多 3800 个字符，这条有 3801 个。请发送更短的文字。\n请发送通知内容")
    audience = await admin.send("下午三点开会。")
    restarted = await _restart(saima, emulator_thread)  # mid-draft
    async with restarted:
        when = (await admin.press(audience, "全体成员", expect=2))[-1]
        assert (await admin.send("随便什么时候")).text.startswith("没看懂这个时间。")
        assert (await admin.send("明天")).text.startswith("请同时写明几点，如 明天上午9点。")
        assert (await admin.send("每周八 9:00")).text.startswith("没看懂这个每周时间。")
        _, card = await admin.send("明天上午9点", expect=2)
        assert "发送时间：2026年11月22日（星期日） 09:00" in card.text
        assert _count(saima, Broadcast) == 0
        assert (await admin.send("好的")).text == "请使用上面的按钮，或发送 /cancel 停止。"
        cancelled = await admin.send("/cancel")
        assert cancelled.text == "已取消，未发送任何内容。"
        await admin.press_data(card.message_id, card.callback_data[0])  # Confirm after /cancel: nothing
        assert (await admin.callback_answer()).text == INVALID
        assert _count(saima, Broadcast) == 0
        del when, zhang


async def test_a_restart_in_the_middle_of_a_broadcast_sends_nobody_the_message_twice(
        saima: Saima, emulator_thread: EmulatorThread) -> None:
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    ids = await _quiet_members(saima, emulator_thread, 12)
    application = saima.running.application
    assert application.job_queue is not None
    for job in application.job_queue.jobs():  # the test runs each step itself
        job.enabled = False
    await admin.send("/broadcast 今晚8点前提交年度述职报告。")
    when = (await admin.press((await admin.bot_messages())[-1], "全体成员", expect=2))[-1]
    _, _, card = await admin.press(when, "立即发送", expect=3)
    await admin.press(card, "确认")
    # the bot sends five, has claimed three more when it stops, and never sends those
    first = Delivery(bot=application.bot, db=saima.db, clock=saima.clock, worker="before the restart",
                     config=dataclasses.replace(saima.config, delivery=dataclasses.replace(
                         saima.config.delivery, batch_size=5)), drain_seconds=0)
    assert (await first.tick()).sent == 5
    with saima.db.session() as session:
        assert len(outbox.claim_due(session, now=saima.clock.now(), worker="before the restart", limit=3)) == 3

    async with await _restart(saima, emulator_thread):
        saima.clock.advance(timedelta(minutes=3))  # the stopped process's claims have expired
        await _deliver(saima)
        await _deliver(saima)
        events = (await saima.control.events(0, kinds=["text"]))["events"]
        received = Counter(e["chat_id"] for e in events if e["chat_id"] in set(ids))
        assert received == {user_id: 1 for user_id in ids}  # everyone once, nobody twice
        assert _count(saima, BroadcastOccurrence) == 1
        with saima.db.session() as session:
            assert {status for status, in session.execute(select(OutboxMessage.status).where(
                OutboxMessage.kind == "broadcast"))} == {OutboxStatus.SENT}
        report = await _report(admin, card.message_id)
        assert "✅ 已送达：12" in report.text and "⏳ 待发送：0" in report.text


async def test_a_button_tapped_twice_on_a_draft_redraws_it_once_and_apologises_for_nothing(
        saima: Saima, emulator_thread: EmulatorThread) -> None:
    """A double tap on the preview's 修改 or ‹ 返回, or on 下一页 › while picking: the second press draws the card
    already shown, so the message is left as it is and the draft goes on."""
    admin, *_ = await _team(saima)
    await _quiet_members(saima, emulator_thread, 12)
    await admin.send("/broadcast")
    audience = await admin.send("请于周五前报送四季度调研小结。")
    page = await admin.press(audience, "指定成员…", expect=1)
    _, next_page = page.button("下一页 ›")
    assert next_page is not None
    turned = await admin.press(page, "下一页 ›")
    await admin.press_data(page, next_page)
    page = await admin.press(turned, "⬜ 成员08")
    when = (await admin.press(page, "完成（已选 1 人）", expect=2))[-1]
    _, preview, card = await admin.press(when, "立即发送", expect=3)
    _, edit = card.button("修改")
    assert edit is not None
    choices = await admin.press(card, "修改")
    await admin.press_data(card, edit)
    _, back = choices.button("‹ 返回")
    assert back is not None
    card = await admin.press(choices, "‹ 返回")
    await admin.press_data(card, back)
    report = await admin.press(card, "确认")  # handled after the presses before it
    assert report.text.splitlines()[2] == "共 1 人"
    assert _count(saima, Broadcast) == 1
    texts = [m.text or "" for m in await admin.bot_messages()]
    assert not any(text.startswith("抱歉，系统出了点问题") for text in texts)
