"""A real python-telegram-bot Application long-polling the emulator, driven by simulated users."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import ChatMemberUpdated, Update
from telegram.ext import Application, ChatMemberHandler, CommandHandler, ContextTypes

from emulator import BotMessage, ControlClient, EmulatorThread
from tests.emulator.conftest import build_application

pytestmark = pytest.mark.usefixtures("app")


async def test_start_is_answered_with_buttons_and_pressing_one_edits_the_message(control: ControlClient) -> None:
    zhang = control.user(1001, "张三", language_code="zh-hans")
    reply = await zhang.send("/start 省政府党组")
    assert isinstance(reply, BotMessage)
    assert reply.text == "欢迎 张三 加入「省政府党组」"
    assert reply.buttons == [[("确认", "confirm"), ("取消", "cancel")]]
    edited = await zhang.press(reply, "确认")
    assert isinstance(edited, BotMessage)
    assert (edited.kind, edited.text, edited.message_id) == ("edit_text", "已确认", reply.message_id)
    answer = await zhang.callback_answer()
    assert (answer.text, answer.show_alert) == ("好的", False)


async def test_a_button_can_be_found_by_part_of_its_label(control: ControlClient) -> None:
    li = control.user(1002, "李四")
    reply = await li.send("/start x")
    edited = await li.press(reply, "取")
    assert isinstance(edited, BotMessage) and edited.text == "已取消"


async def test_forged_callback_data_is_delivered_without_validation(control: ControlClient) -> None:
    zhang = control.user(1001, "张三")
    reply = await zhang.send("/start x")
    assert isinstance(reply, BotMessage)
    assert await zhang.press_data(reply, "forged:data") is None  # type: ignore[func-returns-value]  # expect=0 promises it
    answer = await zhang.callback_answer()
    assert (answer.text, answer.show_alert) == ("无效的按钮", True)


async def test_text_messages_are_echoed_in_order(control: ControlClient) -> None:
    wang = control.user(1003, "王五")
    for text in ("你好", "第二条", "😀 emoji"):
        reply = await wang.send(text)
        assert isinstance(reply, BotMessage) and reply.text == text


async def test_two_users_talk_to_the_bot_independently(control: ControlClient) -> None:
    zhang, li = control.user(1001, "张三"), control.user(1002, "李四")
    reply_zhang = await zhang.send("/start A")
    reply_li = await li.send("/start B")
    assert isinstance(reply_zhang, BotMessage) and isinstance(reply_li, BotMessage)
    assert (reply_zhang.chat_id, reply_li.chat_id) == (1001, 1002)
    assert "A" in reply_zhang.content and "B" in reply_li.content


async def test_a_missing_answer_fails_with_the_transcript_so_far(control: ControlClient) -> None:
    zhang = control.user(1001, "张三")
    await zhang.send("/start 省政府党组")
    with pytest.raises(AssertionError) as caught:
        await zhang.send("/nothing_handles_this", timeout=0.3)
    report = str(caught.value)
    assert "张三 (1001) expected 1 bot message(s) in chat 1001 within 0.3 s, got 0" in report
    assert "张三 (1001) › /start 省政府党组\nSaima › 欢迎 张三 加入「省政府党组」\n        [确认] [取消]" in report
    assert report.rstrip().endswith("张三 (1001) › /nothing_handles_this")


async def test_the_transcript_renders_actions_and_bot_events_in_order(control: ControlClient) -> None:
    zhang = control.user(1001, "张三")
    reply = await zhang.send("/start 省政府党组")
    await zhang.press(reply, "确认")
    await zhang.callback_answer()
    assert control.transcript.render() == "\n".join([
        "张三 (1001) › /start 省政府党组",
        "Saima › 欢迎 张三 加入「省政府党组」",
        "        [确认] [取消]",
        "张三 (1001) › [确认]",
        "Saima (answer) › 好的",
        "Saima (edited) › 已确认",
    ])


async def test_the_chat_state_shows_messages_after_edits(control: ControlClient) -> None:
    zhang = control.user(1001, "张三")
    reply = await zhang.send("/start x")
    await zhang.press(reply, "确认")
    shown = await zhang.bot_messages()
    assert [(m.text, m.buttons) for m in shown] == [("已确认", [])]


@pytest.fixture
async def group_app(emulator: EmulatorThread) -> AsyncIterator[Application]:  # type: ignore[type-arg]  # PTB's Application: six type parameters, any here
    """A second bot that greets groups it joins and answers /rank there."""
    async def joined(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        change: ChatMemberUpdated | None = update.my_chat_member
        if change and change.new_chat_member.status == "member":
            await context.bot.send_message(change.chat.id, f"大家好，{change.chat.title}")

    async def rank(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message
        await update.effective_message.reply_text("1. 张三")

    application = build_application(emulator, token="777:GROUP")
    application.add_handler(ChatMemberHandler(joined, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(CommandHandler("rank", rank))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0.0, allowed_updates=Update.ALL_TYPES)
        yield application
        await application.updater.stop()
        await application.stop()


async def test_a_bot_added_to_a_group_sees_my_chat_member_and_commands_addressed_to_it(
        emulator: EmulatorThread, group_app: Application) -> None:  # type: ignore[type-arg]  # PTB's Application: six type parameters, any here
    async with ControlClient(emulator.control_url, bot_id=777, default_timeout=5) as control:
        zhang = control.user(1001, "张三")
        group = control.group(-100123, "省政府党组")
        await group.add_bot(by=zhang)
        greeting = await zhang.receive(chat=group)
        assert isinstance(greeting, BotMessage) and greeting.text == "大家好，省政府党组"
        board = await zhang.send("/rank@saima_test_bot", chat=group)
        assert isinstance(board, BotMessage) and board.text == "1. 张三"
        assert "[省政府党组] 张三 (1001) › /rank@saima_test_bot" in control.transcript.render()
