"""Broadcasts end to end over the emulator: an admin composes (with a photo), picks the audience and the
time, sees the preview, confirms; recipients get it with 已阅 / Read; pressing it updates the sender's
report; re-nudge reaches only the unread; scheduled and weekly broadcasts go out at their time with a
ManualClock; members are refused and forged presses change nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from core.domain import BroadcastStatus, Role
from emulator import SimUser
from storage.models import Broadcast, BroadcastOccurrence, BroadcastReceipt, Member, OutboxMessage
from tests.conftest import SHANGHAI
from tests.e2e.conftest import ADMIN_ID, Saima

INVALID = "这个按钮已失效。"
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
    assert preview.caption == "📢 李主任 发布通知\n\n周一上午9点在三楼会议室召开党组会，请准时参加。"
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
    assert reminder.caption.startswith("⏰ 提醒：请阅读以下通知并点击“已阅”。\n\n📢 李主任 发布通知")
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
