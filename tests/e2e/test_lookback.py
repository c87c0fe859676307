"""回头看 end to end over the emulator: the office closes 张三's task (销账); three months later the bot asks
张三 privately, once, whether the result held; 张三 answers 未落实 and adds a note: the task is his again with
a deadline ahead, the office is told. A redelivered or repeated tap, another member's tap and a forged answer
change nothing; a note too long is refused with the limit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from telegram import Update

from core.domain import AssignmentStatus
from core.lookback import Result
from emulator.sim import BotMessage, SimUser
from locales import translator
from reports import ledger
from storage import ledger as ledger_storage
from storage import teams
from storage.models import AuditEntry, Lookback, Member, OutboxMessage, TaskAssignment
from tests.conftest import SHANGHAI
from tests.e2e.conftest import Saima
from tests.e2e.helpers import owner_and_two

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
BACK = datetime(2027, 2, 23, 9, 0, tzinfo=SHANGHAI)  # three months on, a Tuesday


async def _deliver(saima: Saima) -> None:
    await saima.running.application.delivery.tick()  # type: ignore[attr-defined]


async def _tick(saima: Saima) -> None:
    await saima.running.application.scheduler.tick()  # type: ignore[attr-defined]
    await _deliver(saima)


async def _choose(user: SimUser, message: BotMessage, label: str) -> BotMessage:
    replies = await user.press(message, label, expect=2)
    assert isinstance(replies, list)
    return replies[-1]


def _assignment(saima: Saima, telegram_id: int) -> TaskAssignment:
    with saima.db.session() as session:
        found = session.scalar(select(TaskAssignment).join(Member, Member.id == TaskAssignment.member_id)
                               .where(Member.telegram_user_id == telegram_id))
        assert found is not None
        return found


async def _looks(user: SimUser) -> list[BotMessage]:
    """The 回头看 messages in the user's chat (pace nudges and the like go there too)."""
    return [m for m in await user.bot_messages() if m.text.startswith("🔁")]


def _lookbacks(saima: Saima) -> list[Lookback]:
    with saima.db.session() as session:
        return list(session.scalars(select(Lookback).order_by(Lookback.id)))


async def _closed_task(saima: Saima) -> tuple[SimUser, SimUser, SimUser]:
    """李主任 assigns 整改台账 to the members; 张三 reports it done and the office closes it (销账)."""
    saima.clock.set(MONDAY)
    admin, zhang, wang = await owner_and_two(saima)
    card = await _choose(admin, await admin.send("/task 整改台账 11月27日"), "无具体要求")
    card = await _choose(admin, await _choose(admin, card, "成员"), "无附件")
    await admin.press(card, "确认")
    await _deliver(saima)
    told = await zhang.receive()
    await wang.receive()
    await zhang.press(told, "报结")
    card = await _choose(zhang, await zhang.send("已完成整改"), "无佐证材料")
    await zhang.press(card, "确认")
    await _deliver(saima)
    report = await admin.receive()
    await admin.press(report, "销账")
    await _deliver(saima)
    await zhang.receive()  # told it is closed
    assert _assignment(saima, 1001).status is AssignmentStatus.CLOSED
    return admin, zhang, wang


async def test_not_held_reopens_the_task_with_a_deadline_ahead_and_the_office_is_told(saima: Saima) -> None:
    admin, zhang, wang = await _closed_task(saima)
    await _tick(saima)
    assert await _looks(zhang) == [] and _lookbacks(saima)[0].asked_at is None  # not before three months
    saima.clock.set(BACK)
    await _tick(saima)
    (ask,) = await _looks(zhang)
    (row,) = _lookbacks(saima)
    assert ask.text == "🔁 回头看：督办事项“整改台账”已于2026年11月23日（星期一）办结，结果是否落实？请在下方选择，之后可补充说明。"
    assert ask.labels == ["落实", "部分落实", "未落实"]
    await _tick(saima)  # asked once: a later tick sends nothing more to anyone
    assert len(await _looks(zhang)) == 1 and await _looks(wang) == [] and await _looks(admin) == []

    # another member's tap and a forged answer change nothing
    await wang.press_data((await wang.bot_messages())[-1], f"lb:a:{row.id}:held")  # data forged in his own chat
    assert (await wang.callback_answer()).text == "只有该事项的承办人可以答复回头看。"
    await zhang.press_data(ask, f"lb:a:{row.id}:maybe")
    assert (await zhang.callback_answer()).text == "这个按钮已失效。"
    assert _lookbacks(saima)[0].answered_at is None

    answered = await zhang.press(ask, "未落实")
    assert answered.text.splitlines() == [
        "✅ 回头看已记录：未落实——督办事项“整改台账”。", "该事项已重新打开，并已告知办公室。", "",
        "如需补充说明（哪些落实了、哪些没有），请直接输入；不需要请按“不补充说明”。"]
    assert answered.labels == ["不补充说明"]
    reopened = _assignment(saima, 1001)
    assert reopened.status is AssignmentStatus.ASSIGNED
    # the task ran Monday 23 → Friday 27 November, four working days: from Tuesday 23 February, Monday 1 March
    assert reopened.due_at == datetime(2027, 3, 1, 18, 0, tzinfo=SHANGHAI)

    # a note too long is refused with the limit; then one is recorded
    refused = await zhang.send("字" * 501)
    assert refused.text == "说明太长了（最多500个字）。请输入短一些的说明，或按“不补充说明”。"
    assert (await zhang.send("东侧两处仍未整改")).text == "说明已记录，谢谢。"

    # the same tap again (a redelivered update, or pressed twice) changes nothing and says so
    await zhang.press_data(ask, f"lb:a:{row.id}:held")
    assert (await zhang.callback_answer()).text == "已经记录过了：未落实。未作更改。"
    (row,) = _lookbacks(saima)
    assert (row.result, row.note) == (Result.NOT_HELD, "东侧两处仍未整改")

    await _deliver(saima)
    (told,) = await _looks(admin)
    assert told.text == "🔁 回头看：张三反馈督办事项“整改台账”未落实，已重新打开，办理时限2027年3月1日（星期一）。"
    assert "整改台账 · 3月1日 18:00 截止" in (await zhang.send("/me")).text
    # the office sees the new deadline as moved, not as an extension nobody asked for or approved
    detail = await admin.press(await admin.send("/tasks"), "1. 整改台账")
    assert "张三 · 办理中 · 提出诉求 · 期限调整为3月1日 18:00" in detail.text and "延期" not in detail.text
    assert "未完成 2，其中 1 项逾期" in detail.text  # 王五 is overdue; 张三, by his own deadline, is not
    with saima.db.session() as session:
        actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("%lookback%") |
                                                                        (AuditEntry.action == "reopen"))
                                       .order_by(AuditEntry.id)))
    assert actions == ["lookback_answer", "reopen", "lookback_note"]

    # the ledger's 督办 sheet carries the result in its 回头看 column (its last)
    with saima.db.session() as session:
        sheets = ledger.build(ledger_storage.year_ledger(session, teams.one(session, saima.team_id), 2026,
                                                         today=BACK.date(), config=saima.config), t=translator("zh"))
    (tasks_sheet,) = [sheet for sheet in sheets if sheet.key == "tasks"]
    assert translator("zh")(tasks_sheet.columns[-1].header) == "回头看"
    assert [row[-1] for row in tasks_sheet.rows] == ["回头看第1轮：2027-02-23 未落实：东侧两处仍未整改", ""]


async def test_a_task_reopened_by_the_look_back_and_closed_again_tells_its_assignee_again(saima: Saima) -> None:
    """The second 销账 of a task 回头看 reopened is news of its own: the assignee is told, as the office is told
    he is (the message used to reuse the first closure's outbox key, and so was never sent)."""
    admin, zhang, _wang = await _closed_task(saima)
    saima.clock.set(BACK)
    await _tick(saima)
    (ask,) = await _looks(zhang)
    await zhang.press(await zhang.press(ask, "未落实"), "不补充说明")
    await _deliver(saima)
    done = await zhang.send("/done")
    await zhang.press(done, done.labels[0])
    await zhang.press(await _choose(zhang, await zhang.send("东侧两处也已整改"), "无佐证材料"), "确认")
    await _deliver(saima)
    report = [m for m in await admin.bot_messages() if "✅ 销账" in m.labels][-1]
    before = len(await zhang.bot_messages())
    assert (await admin.press(report, "销账")).text.splitlines()[0] == "✅ 已销账，已通知张三。"
    await _deliver(saima)
    assert [m.text for m in (await zhang.bot_messages())[before:]] == ["✅ 李主任已确认“整改台账”销账，谢谢。"]
    assert _assignment(saima, 1001).status is AssignmentStatus.CLOSED


async def test_held_with_no_note(saima: Saima) -> None:
    _admin, zhang, _wang = await _closed_task(saima)
    saima.clock.set(BACK)
    await _tick(saima)
    (ask,) = await _looks(zhang)
    answered = await zhang.press(ask, "落实")
    done = await zhang.press(answered, "不补充说明")
    assert done.text == "已记录，未补充说明。谢谢。"
    (row,) = _lookbacks(saima)
    assert (row.result, row.note) == (Result.HELD, None)
    assert _assignment(saima, 1001).status is AssignmentStatus.CLOSED


async def test_the_answer_delivered_again_by_the_poller_changes_nothing_and_sends_nothing(saima: Saima) -> None:
    admin, zhang, _wang = await _closed_task(saima)
    saima.clock.set(BACK)
    await _tick(saima)
    (ask,) = await _looks(zhang)
    await zhang.press(ask, "未落实")
    tap = int((await saima.control.updates())["updates"][-1]["update_id"])
    seq = (await saima.control.health())["seq"]

    sent = (await saima.control.updates(update_id=tap))["updates"]
    application = saima.running.application
    await application.update_queue.put(Update.de_json(sent[0], application.bot))
    assert (await zhang.send("/help")).text  # handled after the one delivered again: updates go in order
    events = (await saima.control.events(seq))["events"]
    # to 张三 only /help's answer (the office's note of the first answer may go out meanwhile, to the admin)
    assert [e["method"] for e in events if e.get("method") and e.get("chat_id") in (1001, None)] == ["sendMessage"]
    with saima.db.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action.in_(["lookback_answer", "reopen"]))) == 2
        assert session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.key.startswith("lookback:"))) == 2  # the ask, and the office's one note
    assert _assignment(saima, 1001).status is AssignmentStatus.ASSIGNED
    del admin
