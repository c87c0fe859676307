"""A member logs a suggestion or proposal they lead, in one message or step by step; nothing is stored
before Confirm, and the reply deadline follows the rule (assignment + proposals.reply_due_months)."""

from __future__ import annotations

import dataclasses
from datetime import date

from sqlalchemy import select

from config import ProposalSettings
from storage.models import AuditEntry
from tests.e2e.conftest import Saima
from tests.e2e.helpers import asked_to_keep_both, member, motions, restart


async def test_one_message_gives_a_card_in_words_and_confirm_stores_it(saima: Saima) -> None:
    zhang = await member(saima)
    card = await zhang.send("/proposal 建议 第123号 关于加快山区公路建设的建议 重点")
    assert card.text == ("领办建议提案\n类型：人大建议\n编号：第123号\n标题：关于加快山区公路建设的建议\n重点/一般：重点\n"
                         "领办人：张三\n交办日期：2026年11月21日（星期六）\n"
                         "答复期限：2027年2月21日（星期日），交办后 3 个月\n\n以上内容是否正确？")
    assert card.labels == ["确认", "修改", "取消"]
    assert motions(saima) == []  # nothing before Confirm
    saved = await zhang.press(card, "确认")
    assert saved.text.startswith("✅ 已保存。\n领办建议提案\n")
    assert saved.text.endswith("办理进展可用下方按钮登记，也可以之后通过 /proposals 登记。")
    assert saved.labels == ["开始办理", "已答复"]  # the next steps, one tap away
    assert all(len(data.encode()) <= 64 for data in saved.callback_data)
    assert motions(saima) == [("suggestion", "123", "关于加快山区公路建设的建议", True, "2026-11-21", "2027-02-21",
                               "assigned")]
    with saima.db.session() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.entity == "motion"))
        assert entry is not None and entry.action == "create"


async def test_missing_pieces_are_asked_step_by_step_with_buttons_for_closed_choices(saima: Saima) -> None:
    zhang = await member(saima)
    kind_question = await zhang.send("/proposal")
    assert kind_question.text.startswith("是人大建议还是政协提案？")
    assert kind_question.labels == ["人大建议", "政协提案"]
    number_question = (await zhang.press(kind_question, "政协提案", expect=2))[-1]
    assert number_question.text.startswith("编号是多少？")
    assert (await zhang.send("第8号")).text.startswith("标题是什么？")
    key_question = await zhang.send("关于加强基层医疗服务能力的提案")
    assert key_question.text.startswith("是重点件还是一般件？")
    assert key_question.labels == ["重点", "一般"]
    card = (await zhang.press(key_question, "一般", expect=2))[-1]
    assert "类型：政协提案\n编号：第8号\n标题：关于加强基层医疗服务能力的提案\n重点/一般：一般" in card.text
    assert "交办日期：2026年11月21日（星期六）" in card.text  # today unless changed
    await zhang.press(card, "确认")
    assert motions(saima) == [("proposal", "8", "关于加强基层医疗服务能力的提案", False, "2026-11-21", "2027-02-21",
                               "assigned")]


async def test_the_assignment_date_is_changed_with_edit_and_moves_the_deadline(saima: Saima) -> None:
    zhang = await member(saima)
    card = await zhang.send("/proposal 提案 第8号 关于加强基层医疗服务能力的提案 重点")
    await zhang.press(card, "修改", expect=1)
    fields = (await zhang.bot_messages())[-1]
    assert fields.labels == ["类型", "编号", "标题", "重点/一般", "交办日期", "返回"]
    question = (await zhang.press(fields, "交办日期", expect=2))[-1]
    assert question.text.startswith("哪天交办的？")
    assert (await zhang.send("下周一")).text.startswith("交办日期不能晚于今天。\n哪天交办的？")
    assert (await zhang.send("不知道")).text.startswith("没能把“不知道”识别为日期。")
    new_card = await zhang.send("11月30日")  # read past-leaning: last year's 30 November
    assert "交办日期：2025年11月30日（星期日）\n答复期限：2026年2月28日（星期六），交办后 3 个月" in new_card.text
    await zhang.press(new_card, "确认")
    assert motions(saima)[0][4:6] == ("2025-11-30", "2026-02-28")


async def test_the_assignment_date_may_be_typed_in_the_other_language(saima: Saima) -> None:
    """A Chinese user edits the date to “last Friday” (it was refused as not a date)."""
    zhang = await member(saima)
    card = await zhang.send("/proposal 提案 第8号 关于加强基层医疗服务能力的提案 重点")
    await zhang.press(card, "修改", expect=1)
    fields = (await zhang.bot_messages())[-1]
    await zhang.press(fields, "交办日期", expect=2)
    assert "交办日期：2026年11月13日（星期五）" in (await zhang.send("last Friday")).text


async def test_a_cued_assignment_date_in_the_message_is_used(saima: Saima) -> None:
    zhang = await member(saima)
    card = await zhang.send("/proposal 重点提案 第8号 关于加强基层医疗服务能力的提案 3月1日交办")
    assert "交办日期：2026年3月1日（星期日）\n答复期限：2026年6月1日（星期一），交办后 3 个月" in card.text


async def test_bad_input_at_each_step_gets_a_specific_reply_and_stores_nothing(saima: Saima) -> None:
    zhang = await member(saima)
    number_bad = await zhang.send("/proposal 建议 第1234567号 关于加快山区公路建设的建议 重点")
    assert number_bad.text.startswith("编号应为 1 到 6 位数字，例如“第123号”或“123”。\n编号是多少？")
    assert (await zhang.send("很多")).text.startswith("没能把“很多”识别为编号，")
    assert (await zhang.send("12A")).text.startswith("编号应为 1 到 6 位数字")
    card = await zhang.send("123")
    assert "编号：第123号" in card.text
    short = await zhang.send("/proposal 建议 第5号 修路 重点")
    assert short.text.startswith("之前未完成的草稿已放弃。\n标题太短了（至少 4 个字）。\n标题是什么？")
    assert (await zhang.send("长" * 201)).text.startswith("标题太长了（最多 200 字），请精简。\n标题是什么？")
    future = await zhang.send("/proposal 建议 第5号 关于加快山区公路建设的建议 重点 明天交办")
    assert future.text.startswith("之前未完成的草稿已放弃。\n交办日期不能晚于今天，已按今天登记；如需更改请点“修改”。\n"
                                  "领办建议提案")
    assert "交办日期：2026年11月21日（星期六）" in future.text
    conflict = await zhang.send("/proposal 建议 第5号 关于加强基层医疗服务能力的提案 重点")
    assert conflict.text.startswith("之前未完成的草稿已放弃。\n类型与标题不符（标题以“的提案”结尾），请重新选择类型。\n"
                                    "是人大建议还是政协提案？")
    again = (await zhang.press(conflict, "人大建议", expect=2))[-1]
    assert again.text.startswith("类型与标题不符（标题以“的提案”结尾），请重新选择类型。")
    assert (await zhang.send("不清楚")).text.startswith("请用按钮选择：人大建议或政协提案。")
    fixed = (await zhang.press((await zhang.bot_messages())[-1], "政协提案", expect=2))[-1]
    assert "类型：政协提案" in fixed.text
    assert (await zhang.send("/cancel")).text == "已取消，没有保存任何内容。"
    assert motions(saima) == []


async def test_the_same_number_in_the_same_year_offers_keep_both_or_cancel(saima: Saima) -> None:
    zhang = await member(saima)
    li = await member(saima, 1002, "李四")
    await zhang.press(await zhang.send("/proposal 建议 第123号 关于加快山区公路建设的建议 重点"), "确认")
    again = await asked_to_keep_both(li, "/proposal 建议 123号 关于加快山区公路建设的建议 一般")  # the team has it
    assert (await li.press(again, "取消")).text == "已取消，没有保存任何内容。"
    assert len(motions(saima)) == 1
    other_kind = await zhang.press(await zhang.send("/proposal 提案 第123号 关于加强基层医疗服务能力的提案 重点"), "确认")
    assert other_kind.text.startswith("✅ 已保存。")  # a proposal numbered 123 is another motion
    last_year = await zhang.press(
        await zhang.send("/proposal 建议 第123号 关于加快山区公路建设的建议 重点 2025年3月1日交办"), "确认")
    assert last_year.text.startswith("✅ 已保存。")
    kept = await zhang.press(await zhang.press(
        await zhang.send("/proposal 建议 第123号 关于加快山区公路建设的建议 重点"), "确认"), "都保留")
    assert kept.text.startswith("✅ 已保存。")
    assert [m[:2] for m in motions(saima)] == [("suggestion", "123"), ("proposal", "123"), ("suggestion", "123"),
                                               ("suggestion", "123")]


async def test_the_reply_deadline_follows_the_configured_months(saima: Saima) -> None:
    zhang = await member(saima)
    await restart(saima, dataclasses.replace(saima.config, proposals=ProposalSettings(reply_due_months=2)))
    card = await zhang.send("/proposal 建议 第9号 关于加快山区公路建设的建议 重点")
    assert "答复期限：2027年1月21日（星期四），交办后 2 个月" in card.text
    await zhang.press(card, "确认")
    assert motions(saima)[0][5] == "2027-01-21"


async def test_in_english_the_whole_flow_speaks_english(saima: Saima) -> None:
    tom = await member(saima, 1010, "Tom", lang="en")
    card = await tom.send("/proposal suggestion No. 12 Faster roads in the mountains, key")
    assert card.text == ("Suggestion or proposal you lead\nKind: NPC suggestion\nNumber: No. 12\n"
                         "Subject: Faster roads in the mountains\nKey or regular: key\nLed by: Tom\n"
                         "Assigned on: Sat 21 Nov 2026\nReply due: Sun 21 Feb 2027 (3 months after assignment)\n\n"
                         "Is this right?")
    saved = await tom.press(card, "Confirm")
    assert saved.labels == ["Start handling", "Replied"]
    question = await tom.send("/proposal")
    assert question.text.startswith("Is it an NPC suggestion (人大建议) or a CPPCC proposal (政协提案)?")
    assert question.labels == ["NPC suggestion", "CPPCC proposal"]
    number = (await tom.press(question, "CPPCC proposal", expect=2))[-1]
    assert (await tom.send("12345678")).text.startswith("The number must be 1 to 6 digits, e.g. 第123号 or 123.")
    assert number.text.startswith("What is its number?")
    assert (await tom.send("#45")).text.startswith("What is its title?")
    assert (await tom.send("Fix")).text.startswith("The title is too short (at least 4 characters).")
    key = await tom.send("Better village clinics")
    assert key.labels == ["Key", "Regular"]
    assert (await tom.send("maybe")).text.startswith("Please choose with the buttons: key (重点) or regular (一般).")
    card = (await tom.press((await tom.bot_messages())[-1], "Regular", expect=2))[-1]
    assert "Kind: CPPCC proposal\nNumber: No. 45\nSubject: Better village clinics\nKey or regular: regular" in card.text
    await tom.press(card, "Confirm")
    assert [m[:4] for m in motions(saima)] == [("suggestion", "12", "Faster roads in the mountains", True),
                                               ("proposal", "45", "Better village clinics", False)]
    assert date.fromisoformat(motions(saima)[1][5]) == date(2027, 2, 21)


async def test_an_assignment_day_the_calendar_has_not_is_said_and_not_kept_in_the_title(saima: Saima) -> None:
    """`… 2月30日交办`: the title was “关于加快山区公路建设的建议 2月30日交办” and the card said 交办日期 today with
    no word of why."""
    zhang = await member(saima)
    card = await zhang.send("/proposal 建议 第5号 关于加快山区公路建设的建议 重点 2月30日交办")
    assert card.text.startswith("交办日期中没有这一天（如2月30日），已按今天登记；如需更改请点“修改”。\n领办建议提案"), \
        card.text
    assert "标题：关于加快山区公路建设的建议\n" in card.text and "交办日期：2026年11月21日（星期六）" in card.text
