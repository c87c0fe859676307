"""A member logs a study session in one message or step by step; nothing is stored before Confirm."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from storage.models import AuditEntry, StudyAttendance
from tests.e2e.conftest import Saima
from tests.e2e.helpers import asked_to_keep_both, member, sessions


async def test_one_message_gives_a_draft_in_words_and_confirm_stores_it(saima: Saima) -> None:
    zhang = await member(saima)
    draft = await zhang.send("/study 昨天下午 集体学习 2小时 优化营商环境条例")
    assert draft.text == ("学习记录\n日期：2026年11月20日（星期五）\n类型：集体学习\n时长：2 小时\n"
                          "主题：优化营商环境条例\n\n以上内容是否正确？")
    assert draft.labels == ["确认", "修改", "取消"]
    assert sessions(saima) == []  # nothing before Confirm
    saved = await zhang.press(draft, "确认")
    assert saved.text.startswith("✅ 已保存。\n学习记录") and saved.buttons == []
    assert sessions(saima) == [("collective", "2026-11-20", Decimal("2.00"), "优化营商环境条例")]
    with saima.db.session() as session:
        assert session.scalar(select(StudyAttendance.member_id)) is not None
        assert session.scalar(select(AuditEntry.entity).where(AuditEntry.action == "create")) is not None


async def test_missing_pieces_are_asked_step_by_step_with_buttons_for_the_kind(saima: Saima) -> None:
    zhang = await member(saima)
    assert (await zhang.send("/study")).text.startswith("哪天学习的？")
    kind_question = await zhang.send("上周三")
    assert kind_question.text.startswith("是哪类学习？")
    assert kind_question.labels == ["集体学习", "集体学法", "理论学习中心组", "自学"]
    hours_question = (await zhang.press(kind_question, "集体学法", expect=2))[-1]  # buttons removed, next question
    assert hours_question.text.startswith("学习了多长时间？")
    assert (await zhang.send("一个半小时")).text.startswith("学习主题是什么？")
    card = await zhang.send("民法典")
    assert "日期：2026年11月11日（星期三）" in card.text and "类型：集体学法" in card.text and "时长：1.5 小时" in card.text
    await zhang.press(card, "确认")
    assert sessions(saima) == [("law", "2026-11-11", Decimal("1.50"), "民法典")]


async def test_bad_input_at_each_step_gets_a_specific_reply_and_changes_nothing(saima: Saima) -> None:
    zhang = await member(saima)
    future = await zhang.send("/study 明天 集体学习 2小时 条例")
    assert future.text.startswith("学习只能在举行之后登记，这个日期还没到。\n哪天学习的？")
    assert (await zhang.send("不知道")).text.startswith("没能把“不知道”识别为日期。")
    hours_bad = await zhang.send("/study 昨天 集体学习 30小时 条例")
    assert hours_bad.text.startswith("之前未完成的草稿已放弃。\n时长应在 0.5 到 24 小时之间。\n学习了多长时间？")
    assert (await zhang.send("很久")).text.startswith("没能把“很久”识别为时长。")
    assert (await zhang.send("0.2")).text.startswith("时长应在 0.5 到 24 小时之间。")
    card = await zhang.send("2")
    assert "时长：2 小时" in card.text
    assert (await zhang.send("好的")).text == "请点按上方草稿中的按钮，或发送 /cancel 取消。"
    long_topic = await zhang.send("/study 昨天 学法 2小时 " + "长" * 201)
    assert long_topic.text.startswith("之前未完成的草稿已放弃。\n主题太长了（最多 200 字）。")
    assert (await zhang.send("/cancel")).text == "已取消，没有保存任何内容。"
    assert sessions(saima) == []


async def test_edit_changes_one_field_and_the_old_card_goes_stale(saima: Saima) -> None:
    zhang = await member(saima)
    card = await zhang.send("/study 昨天 集体学习 2小时 条例")
    await zhang.press(card, "修改", expect=1)
    fields = (await zhang.bot_messages())[-1]
    assert fields.labels == ["日期", "类型", "时长", "主题", "返回"]
    assert (await zhang.press(fields, "时长", expect=2))[-1].text.startswith("学习了多长时间？")
    new_card = await zhang.send("3")
    assert "时长：3 小时" in new_card.text
    await zhang.press_data(card, card.buttons[0][0][1] or "", expect=0)  # Confirm on the old card
    answer = await zhang.callback_answer()
    assert answer.text == "这个按钮已失效。" and answer.show_alert
    assert sessions(saima) == []
    await zhang.press(new_card, "确认")
    assert sessions(saima) == [("collective", "2026-11-20", Decimal("3.00"), "条例")]


async def test_the_same_session_twice_offers_keep_both_or_cancel(saima: Saima) -> None:
    zhang = await member(saima)
    await zhang.press(await zhang.send("/study 昨天 集体学习 2小时 条例"), "确认")
    again = await asked_to_keep_both(zhang, "/study 昨天 集体学习 2小时 条例")
    cancelled = await zhang.press(again, "取消")
    assert cancelled.text == "已取消，没有保存任何内容。"
    assert len(sessions(saima)) == 1
    kept = await zhang.press(await zhang.press(await zhang.send("/study 昨天 集体学习 2小时 条例"), "确认"), "都保留")
    assert kept.text.startswith("✅ 已保存。")
    assert len(sessions(saima)) == 2


async def test_a_forged_button_press_changes_nothing(saima: Saima) -> None:
    zhang = await member(saima)
    card = await zhang.send("/study 昨天 集体学习 2小时 条例")
    await zhang.press_data(card, "f:000000:ok:", expect=0)
    assert (await zhang.callback_answer()).text == "这个按钮已失效。"
    assert sessions(saima) == []


async def test_in_english_the_whole_flow_speaks_english(saima: Saima) -> None:
    tom = await member(saima, 1010, "Tom", lang="en")
    card = await tom.send("/study yesterday afternoon collective study 2 hours business environment")
    assert card.text == ("Study session\nDate: Fri 20 Nov 2026\nKind: collective study\nHours: 2 hours\n"
                         "Topic: business environment\n\nIs this right?")
    assert card.labels == ["Confirm", "Edit", "Cancel"]
    saved = await tom.press(card, "Confirm")
    assert saved.text.startswith("✅ Saved.")
    assert (await tom.send("/study tomorrow law 2h x")).text.startswith(
        "A study session can only be logged once it has taken place; the date is in the future.")
    assert sessions(saima) == [("collective", "2026-11-20", Decimal("2.00"), "business environment")]


async def test_a_day_the_calendar_has_not_is_asked_again_not_kept_in_the_topic(saima: Saima) -> None:
    """`/study 2月30日 集体学习 2小时 条例`: 2月30日 names no day; the bot said nothing of it, asked for the day and
    kept “2月30日条例” as the topic."""
    zhang = await member(saima)
    asked = await zhang.send("/study 2月30日 集体学习 2小时 优化营商环境条例")
    assert asked.text.startswith("日期有误，没有这一天（如2月30日）。\n哪天学习的？"), asked.text
    card = await zhang.send("昨天")
    assert "主题：优化营商环境条例\n" in card.text and "日期：2026年11月20日（星期五）" in card.text
    await zhang.press(card, "确认")
    assert sessions(saima) == [("collective", "2026-11-20", Decimal("2.00"), "优化营商环境条例")]
