"""`/mine` lists the suggestions and proposals a member leads, to correct (audited, the reply deadline
following the rule only while nobody has decided it otherwise) or delete (gone from /me and /proposals)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from emulator import BotMessage, SimUser
from storage.models import AuditEntry, Motion
from tests.e2e.conftest import ADMIN_ID, Saima
from tests.e2e.helpers import ROADS, logged, member, members_since_new_year, motions

ROADS_LINE = "建议 · 第123号 · 关于加快山区公路建设的建议 · 重点"


def audit(saima: Saima, action: str) -> list[AuditEntry]:
    with saima.db.session() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.entity == "motion",
                                                             AuditEntry.action == action)
                                    .order_by(AuditEntry.id)))


async def edit_field(user: SimUser, page: BotMessage, row: int, field: str, answer: str) -> BotMessage:
    """✏️ on the row-th record of /mine, Edit, the field, the answer: the new card."""
    card = await user.press(page, f"✏️ {row}", expect=1)
    await user.press(card, "修改" if "第" in card.text else "Edit")
    fields = (await user.bot_messages())[-1]
    await user.press(fields, field, expect=2)
    return await user.send(answer)


async def test_mine_lists_the_motions_a_member_leads_with_kind_number_key_and_state(saima: Saima) -> None:
    zhang = await member(saima)
    saved = await logged(zhang, ROADS)
    await zhang.press(saved, "开始办理")
    saima.clock.advance(timedelta(minutes=1))
    await logged(zhang, "提案 第8号 关于加强基层医疗服务能力的提案 一般")
    saima.clock.advance(timedelta(minutes=1))
    await zhang.press(await zhang.send("/study 昨天 集体学习 2小时 条例"), "确认")
    li = await member(saima, 1002, "李四")
    await logged(li, "建议 第9号 关于完善农村养老服务的建议 重点")  # not Zhang's
    page = await zhang.send("/mine")
    assert page.text.splitlines() == ["我的记录（第 1/1 页）：",
                                      "1. 学习 · 11月20日 · 集体学习 · 2 小时 · 条例",
                                      "2. 提案 · 第8号 · 关于加强基层医疗服务能力的提案 · 一般 · 已交办",
                                      f"3. {ROADS_LINE} · 办理中"]
    assert page.labels == ["✏️ 1", "🗑 1", "✏️ 2", "🗑 2", "✏️ 3", "🗑 3"]
    card = await zhang.press(page, "✏️ 3", expect=1)
    assert card.text == ("领办建议提案\n类型：人大建议\n编号：第123号\n标题：关于加快山区公路建设的建议\n重点/一般：重点\n"
                         "领办人：张三\n交办日期：2026年11月1日（星期日）\n"
                         "答复期限：2027年2月1日（星期一），交办后 3 个月\n\n以上内容是否正确？")


async def test_editing_the_title_keeps_both_versions_in_the_audit_log(saima: Saima) -> None:
    zhang = await member(saima)
    await logged(zhang, "建议 第123号 关于加快山区公路建没的建议 重点 11月1日交办")  # 设 typed as 没
    card = await edit_field(zhang, await zhang.send("/mine"), 1, "标题", "关于加快山区公路建设的建议")
    assert "标题：关于加快山区公路建设的建议\n" in card.text
    saved = await zhang.press(card, "确认")
    assert saved.text.startswith("✅ 已保存。\n领办建议提案\n") and saved.text.endswith("修改已记入操作日志。")
    assert motions(saima) == [("suggestion", "123", "关于加快山区公路建设的建议", True, "2026-11-01", "2027-02-01",
                               "assigned")]
    [change] = audit(saima, "update")
    assert change.before is not None and change.after is not None
    assert change.before["title"] == "关于加快山区公路建没的建议"
    assert change.after["title"] == "关于加快山区公路建设的建议"
    assert change.before["reply_due"] == change.after["reply_due"] == {"$date": "2027-02-01"}
    assert (await zhang.send("/mine")).text.splitlines()[1] == f"1. {ROADS_LINE} · 已交办"


async def test_correcting_a_motion_onto_a_number_already_logged_asks_first_as_logging_it_again_does(
        saima: Saima) -> None:
    """Logging 建议 第123号 a second time asks “Keep both?”; correcting another suggestion's number to 第123号 from
    /mine asks too, not silently making the team's second 第123号 of the year. Keep both then corrects the record
    (no third one); a correction that leaves its own number as it was asks nothing."""
    zhang = await member(saima)
    await logged(zhang, ROADS)
    await logged(zhang, "建议 第124号 关于完善农村养老服务的建议 重点 11月2日交办")
    card = await edit_field(zhang, await zhang.send("/mine"), 1, "编号", "第123号")
    assert "编号：第123号" in card.text
    asked = await zhang.press(card, "确认")
    assert asked.text.endswith("您似乎已经登记过相同的记录。两条都保留吗？") and asked.labels == ["都保留", "取消"]
    assert (await zhang.press(asked, "取消")).text == "已取消，没有保存任何内容。"
    assert [number for _, number, *_ in motions(saima)] == ["123", "124"]

    card = await edit_field(zhang, await zhang.send("/mine"), 1, "编号", "第123号")
    kept = await zhang.press(await zhang.press(card, "确认"), "都保留")
    assert kept.text.startswith("✅ 已保存。") and kept.text.endswith("修改已记入操作日志。")
    assert [number for _, number, *_ in motions(saima)] == ["123", "123"]
    assert len(audit(saima, "update")) == 1

    card = await edit_field(zhang, await zhang.send("/mine"), 2, "标题", "关于加快山区公路建设步伐的建议")
    asked = await zhang.press(card, "确认")  # the other 第123号 is still there: asked again
    assert asked.labels == ["都保留", "取消"]
    await zhang.press(asked, "取消")
    await logged(zhang, "提案 第8号 关于加强基层医疗服务能力的提案 一般")
    card = await edit_field(zhang, await zhang.send("/mine"), 1, "标题", "关于加强基层医疗卫生服务能力的提案")
    assert (await zhang.press(card, "确认")).text.endswith("修改已记入操作日志。")  # its own number: no question


async def test_a_new_assignment_date_moves_the_deadline_by_the_rule_but_never_an_admins_extension(
        saima: Saima) -> None:
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    zhang = await member(saima)
    await logged(zhang, ROADS)
    card = await edit_field(zhang, await zhang.send("/mine"), 1, "交办日期", "11月10日")
    assert "答复期限：2027年2月10日（星期三），交办后 3 个月" in card.text
    await zhang.press(card, "确认")
    assert motions(saima)[0][4:6] == ("2026-11-10", "2027-02-10")

    extend = await admin.press(await admin.press(await admin.send("/proposals all"), "第123号"), "延长答复期限")
    assert extend.text.startswith("人大建议 第123号 · 重点\n新的答复期限是哪天？")
    await admin.send("2027年3月31日")
    card = await edit_field(zhang, await zhang.send("/mine"), 1, "交办日期", "11月3日")
    assert "答复期限：2027年3月31日（星期三），保持不变" in card.text
    await zhang.press(card, "确认")
    assert motions(saima)[0][4:6] == ("2026-11-03", "2027-03-31")  # the extension stands
    card = await edit_field(zhang, await zhang.send("/mine"), 1, "交办日期", "11月20日")
    await zhang.press(card, "确认")
    assert motions(saima)[0][4:6] == ("2026-11-20", "2027-03-31")  # not moved by a later assignment either


async def test_a_replied_motion_keeps_its_deadline_and_cannot_be_assigned_after_its_reply(saima: Saima) -> None:
    zhang = await member(saima)
    saved = await logged(zhang, ROADS)
    result = await zhang.press(saved, "已答复")
    assert result.text.startswith("人大建议 第123号 · 重点\n哪天答复的？")
    classes = await zhang.send("11月15日")
    await zhang.press(classes, classes.labels[0])
    page = await zhang.send("/mine")
    assert page.text.splitlines()[1] == f"1. {ROADS_LINE} · 已答复，待反馈"
    card = await zhang.press(page, "✏️ 1", expect=1)
    assert "答复期限：2027年2月1日（星期一），保持不变" in card.text
    await zhang.press(card, "修改")
    await zhang.press((await zhang.bot_messages())[-1], "交办日期", expect=2)
    refused = await zhang.send("11月16日")
    assert refused.text.startswith("交办日期不能晚于答复日期2026年11月15日（星期日）。\n")
    card = await zhang.send("11月2日")
    await zhang.press(card, "确认")
    assert motions(saima)[0][4:] == ("2026-11-02", "2027-02-01", "replied")


async def test_delete_asks_first_then_the_motion_no_longer_counts_in_me_or_proposals(saima: Saima) -> None:
    zhang = await member(saima)
    members_since_new_year(saima, 1001)
    await logged(zhang, ROADS)
    assert "领办重点建议 1/1 件" in (await zhang.send("/me")).text
    confirm = await zhang.press(await zhang.send("/mine"), "🗑 1")
    assert confirm.text == f"确定删除这条记录吗？\n{ROADS_LINE} · 已交办"
    assert confirm.labels == ["删除", "取消"]
    back = await zhang.press(confirm, "取消")
    assert back.text.splitlines()[1] == f"1. {ROADS_LINE} · 已交办" and len(motions(saima)) == 1
    done = await zhang.press(await zhang.press(back, "🗑 1"), "删除")
    assert done.text.startswith(f"已删除：{ROADS_LINE} · 已交办\n") and "您还没有任何记录" in done.text
    assert "领办重点建议 0/1 件" in (await zhang.send("/me")).text
    assert (await zhang.send("/proposals")).text == "您领办的建议提案都已办结。发送 /proposal 登记新的领办件。"
    with saima.db.session() as session:
        assert session.scalar(select(Motion.deleted_at)) is not None  # kept, marked deleted
    [entry] = audit(saima, "delete")
    assert entry.before is not None and entry.before["title"] == "关于加快山区公路建设的建议"
    again = await zhang.send("/proposal " + ROADS)  # its number is free again
    assert again.text.endswith("以上内容是否正确？")


async def test_another_members_forged_edit_or_delete_is_refused_and_changes_nothing(saima: Saima) -> None:
    zhang = await member(saima)
    await logged(zhang, ROADS)
    page = await zhang.send("/mine")
    edit_data, delete_data = page.buttons[0][0][1] or "", page.buttons[0][1][1] or ""
    assert edit_data.startswith("m:e:proposal:")
    before = motions(saima)
    li = await member(saima, 1002, "李四")
    await li.press_data(page.message_id, edit_data, expect=0, chat=1002)
    assert (await li.callback_answer()).text == "这个按钮已失效。"
    await li.press_data(page.message_id, delete_data, expect=0, chat=1002)
    assert (await li.callback_answer()).text == "这个按钮已失效。"
    await li.press_data(page.message_id, delete_data.replace("m:d:", "m:D:"), expect=0, chat=1002)
    assert (await li.callback_answer()).text == "这个按钮已失效。"
    admin = saima.control.user(ADMIN_ID, "李主任")  # an admin acts on it in /proposals, not through /mine
    await admin.send("/start")
    await admin.press_data(page.message_id, delete_data.replace("m:d:", "m:D:"), expect=0, chat=ADMIN_ID)
    assert (await admin.callback_answer()).text == "这个按钮已失效。"
    assert motions(saima) == before
    assert audit(saima, "update") == [] and audit(saima, "delete") == []
    assert (await zhang.send("/mine")).text.splitlines()[1] == f"1. {ROADS_LINE} · 已交办"


async def test_in_english_mine_lists_and_corrects_a_motion_in_english(saima: Saima) -> None:
    tom = await member(saima, 1010, "Tom", lang="en")
    await tom.press(await tom.send("/proposal suggestion No. 123 Speeding up mountain roads, key"), "Confirm")
    page = await tom.send("/mine")
    assert page.text.splitlines() == ["Your records (page 1 of 1):",
                                      "1. Suggestion · No. 123 · Speeding up mountain roads · key · assigned"]
    card = await edit_field(tom, page, 1, "Key or regular", "regular")
    assert card.text == ("Suggestion or proposal you lead\nKind: NPC suggestion\nNumber: No. 123\n"
                         "Subject: Speeding up mountain roads\nKey or regular: regular\nLed by: Tom\n"
                         "Assigned on: Sat 21 Nov 2026\nReply due: Sun 21 Feb 2027 (3 months after assignment)\n\n"
                         "Is this right?")
    saved = await tom.press(card, "Confirm")
    assert saved.text.endswith("The change is kept in the audit log.")
    assert motions(saima)[0][3] is False
    confirm = await tom.press(await tom.send("/mine"), "🗑 1")
    assert confirm.text == "Delete this record?\nSuggestion · No. 123 · Speeding up mountain roads · regular · assigned"
    done = await tom.press(confirm, "Delete")
    assert done.text.startswith("Deleted: Suggestion · No. 123")
