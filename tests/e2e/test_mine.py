"""`/mine`: a member's records newest first, paged, with Edit and Delete (kept in the audit log)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from storage.models import AuditEntry, StudySession
from tests.e2e.conftest import Saima
from tests.e2e.helpers import member, sessions


async def _log(official, text: str) -> None:  # type: ignore[no-untyped-def]
    await official.press(await official.send(text), "确认")


async def test_records_are_listed_newest_first_and_paged(saima: Saima) -> None:
    zhang = await member(saima)
    assert (await zhang.send("/mine")).text == "您还没有任何记录。可发送 /study 登记学习。"
    for day in range(1, 8):
        await _log(zhang, f"/study 11月{day}日 集体学习 2小时 主题{day}")
    page = await zhang.send("/mine")
    assert page.text.splitlines()[0] == "我的记录（第 1/2 页）："
    assert page.text.splitlines()[1] == "1. 学习 · 11月7日 · 集体学习 · 2 小时 · 主题7"
    assert page.labels[-1] == "较早 ›"
    older = await zhang.press(page, "较早 ›")
    assert older.text.splitlines()[1:] == ["1. 学习 · 11月2日 · 集体学习 · 2 小时 · 主题2",
                                           "2. 学习 · 11月1日 · 集体学习 · 2 小时 · 主题1"]


async def test_edit_changes_the_record_and_the_audit_log_keeps_both_versions(saima: Saima) -> None:
    zhang = await member(saima)
    await _log(zhang, "/study 昨天 集体学习 2小时 条例")
    page = await zhang.send("/mine")
    card = await zhang.press(page, "✏️ 1", expect=1)
    assert card.text.startswith("学习记录\n日期：2026年11月20日（星期五）")
    await zhang.press(card, "修改")
    fields = (await zhang.bot_messages())[-1]
    await zhang.press(fields, "时长", expect=2)
    new_card = await zhang.send("3")
    saved = await zhang.press(new_card, "确认")
    assert saved.text.endswith("修改已记入操作日志。")
    assert sessions(saima) == [("collective", "2026-11-20", Decimal("3.00"), "条例")]
    with saima.db.session() as session:
        change = session.scalar(select(AuditEntry).where(AuditEntry.action == "update"))
        assert change is not None and change.before is not None and change.before["hours"] == {"$decimal": "2.00"}
        assert change.after is not None and change.after["hours"] == {"$decimal": "3"}


async def test_a_study_log_corrected_onto_another_of_the_same_day_asks_first(saima: Saima) -> None:
    zhang = await member(saima)
    await _log(zhang, "/study 11月18日 集体学习 2小时 条例")
    await _log(zhang, "/study 11月18日 集体学习 2小时 宪法")
    card = await zhang.press(await zhang.send("/mine"), "✏️ 1", expect=1)
    await zhang.press(card, "修改")
    await zhang.press((await zhang.bot_messages())[-1], "主题", expect=2)
    asked = await zhang.press(await zhang.send("条例"), "确认")
    assert asked.text.endswith("您似乎已经登记过相同的记录。两条都保留吗？") and asked.labels == ["都保留", "取消"]
    await zhang.press(asked, "取消")
    assert [topic for *_, topic in sessions(saima)] == ["条例", "宪法"]


async def test_delete_asks_first_then_removes_the_record_from_counts(saima: Saima) -> None:
    zhang = await member(saima)
    await _log(zhang, "/study 昨天 集体学习 2小时 条例")
    page = await zhang.send("/mine")
    confirm = await zhang.press(page, "🗑 1")
    assert confirm.text.startswith("确定删除这条记录吗？") and confirm.labels == ["删除", "取消"]
    back = await zhang.press(confirm, "取消")
    assert back.text.startswith("我的记录")
    confirm = await zhang.press(back, "🗑 1")
    done = await zhang.press(confirm, "删除")
    assert done.text.startswith("已删除：学习 · 11月20日") and "您还没有任何记录" in done.text
    with saima.db.session() as session:
        assert session.scalar(select(StudySession.deleted_at)) is not None  # kept, marked deleted
        assert session.scalar(select(AuditEntry.action).where(AuditEntry.action == "delete")) == "delete"


async def test_nobody_can_edit_or_delete_another_members_record(saima: Saima) -> None:
    zhang = await member(saima)
    await _log(zhang, "/study 昨天 集体学习 2小时 条例")
    page = await zhang.send("/mine")
    edit_data, delete_data = page.buttons[0][0][1], page.buttons[0][1][1]
    li = await member(saima, 1002, "李四")
    await li.press_data(page.message_id, edit_data or "", expect=0, chat=1002)
    assert (await li.callback_answer()).text == "这个按钮已失效。"
    await li.press_data(page.message_id, (delete_data or "").replace("m:d:", "m:D:"), expect=0, chat=1002)
    assert (await li.callback_answer()).text == "这个按钮已失效。"
    assert len(sessions(saima)) == 1


async def test_a_page_button_tapped_twice_turns_the_page_once_and_apologises_for_nothing(saima: Saima) -> None:
    """A double tap on 较早 ›: the second press draws the page already shown, so the message is left as it is."""
    zhang = await member(saima)
    for day in range(1, 8):
        await _log(zhang, f"/study 11月{day}日 集体学习 2小时 主题{day}")
    page = await zhang.send("/mine")
    _, older = page.button("较早 ›")
    assert older is not None
    turned = await zhang.press(page, "较早 ›")
    await zhang.press_data(page, older)
    assert (await zhang.send("/help")).text.startswith("赛马助手")  # settles: the second press has been handled
    texts = [m.text or "" for m in await zhang.bot_messages()]
    assert turned.text in texts and not any(text.startswith("抱歉，系统出了点问题") for text in texts)
