"""Bot API methods driven through python-telegram-bot's real Bot against the emulator."""

from __future__ import annotations

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import ChatMigrated

from emulator import ControlClient, EmulatorThread
from tests.emulator.conftest import BOT_ID, TOKEN, USER, make_bot


async def start_chat(control: ControlClient, user_id: int = USER, first_name: str = "张三") -> None:
    await control.send(user_id, "/start", first_name=first_name)


async def test_get_me_returns_the_bot_user_with_the_configured_username(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.first_name, me.username) == (BOT_ID, True, "Saima", "saima_test_bot")


async def test_bot_username_is_configurable_per_emulator() -> None:
    with EmulatorThread(bot_username="other_bot") as emu:
        async with make_bot(emu) as tg_bot:
            assert tg_bot.username == "other_bot"


async def test_requests_are_understood_as_query_form_json_and_multipart(emulator: EmulatorThread,
                                                                          control: ControlClient, bot: Bot) -> None:
    await start_chat(control)
    url = f"{emulator.base_url}{TOKEN}/sendMessage"
    markup = '{"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}'
    async with httpx.AsyncClient() as http:
        answers = [
            await http.get(url, params={"chat_id": USER, "text": "by query"}),
            await http.post(url, data={"chat_id": str(USER), "text": "by form", "reply_markup": markup}),
            await http.post(url, json={"chat_id": USER, "text": "by json",
                                       "reply_markup": {"inline_keyboard": [[{"text": "B", "callback_data": "b"}]]}}),
            await http.post(url, files={"chat_id": (None, str(USER)), "text": (None, "by multipart")}),
        ]
    bodies = [a.json() for a in answers]
    assert all(b["ok"] for b in bodies), bodies
    assert [b["result"]["text"] for b in bodies] == ["by query", "by form", "by json", "by multipart"]
    assert bodies[1]["result"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a"


async def test_unknown_method_and_malformed_token_answer_404_not_found(emulator: EmulatorThread) -> None:
    async with httpx.AsyncClient() as http:
        unknown = await http.post(f"{emulator.base_url}{TOKEN}/sendTelepathy")
        bad_token = await http.post(f"{emulator.base_url}not-a-token/getMe")
    for answer in (unknown, bad_token):
        assert answer.status_code == 404
        assert answer.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_method_names_are_case_insensitive(emulator: EmulatorThread) -> None:
    async with httpx.AsyncClient() as http:
        answer = await http.get(f"{emulator.base_url}{TOKEN}/GETME")
    assert answer.json()["result"]["id"] == BOT_ID


async def test_send_message_returns_a_full_message_with_ids_increasing_per_chat(control: ControlClient,
                                                                                  bot: Bot) -> None:
    await start_chat(control, USER)
    await start_chat(control, 1002, "李四")
    first = await bot.send_message(USER, "one")
    second = await bot.send_message(USER, "two", disable_notification=True)
    other = await bot.send_message(1002, "hello")
    assert second.message_id == first.message_id + 1
    assert other.message_id == 2  # the user's /start is message 1 in that chat
    assert first.from_user is not None and first.from_user.id == BOT_ID
    assert first.chat.type == "private" and first.chat.first_name == "张三"
    assert first.date.timestamp() > 0


async def test_html_parse_mode_strips_tags_into_entities_and_keeps_the_raw_text(control: ControlClient,
                                                                                  bot: Bot) -> None:
    await start_chat(control)
    seq = (await control.health())["seq"]
    message = await bot.send_message(USER, '<b>加粗</b> &amp; <a href="https://example.org">链接</a> 😀<i>x</i>',
                                      parse_mode=ParseMode.HTML)
    assert message.text == "加粗 & 链接 😀x"
    kinds = {(e.type, e.offset, e.length) for e in message.entities}
    assert kinds == {("bold", 0, 2), ("text_link", 5, 2), ("italic", 10, 1)}  # 😀 is two UTF-16 units
    event = (await control.events(seq))["events"][0]
    assert event["text"] == "加粗 & 链接 😀x"
    assert event["raw_text"].startswith("<b>加粗</b>")


async def test_markdown_v2_formats_escaped_text(control: ControlClient, bot: Bot) -> None:
    await start_chat(control)
    message = await bot.send_message(USER, r"*粗* _斜_ `code` [链接](https://example.org) 1\.5",
                                     parse_mode=ParseMode.MARKDOWN_V2)
    assert message.text == "粗 斜 code 链接 1.5"
    assert [e.type for e in message.entities] == ["bold", "italic", "code", "text_link"]


async def test_plain_text_gets_automatic_entities_for_commands_mentions_and_urls(control: ControlClient,
                                                                                  bot: Bot) -> None:
    await start_chat(control)
    message = await bot.send_message(USER, "try /help or @someone at https://example.org")
    assert [e.type for e in message.entities] == ["bot_command", "mention", "url"]


async def test_explicit_entities_are_stored_as_given(control: ControlClient, bot: Bot) -> None:
    await start_chat(control)
    message = await bot.send_message(USER, "hello world", entities=[MessageEntity("bold", 6, 5)])
    assert [(e.type, e.offset, e.length) for e in message.entities] == [("bold", 6, 5)]


async def test_inline_keyboard_is_returned_and_shown_in_the_chat_state(control: ControlClient, bot: Bot) -> None:
    await start_chat(control)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("确认", callback_data="ok"),
                                      InlineKeyboardButton("网站", url="https://example.org")]])
    message = await bot.send_message(USER, "选择", reply_markup=keyboard)
    assert message.reply_markup == keyboard
    state = await control.messages(USER)
    shown = state["messages"][-1]
    assert shown["text"] == "选择"
    assert shown["reply_markup"]["inline_keyboard"][0][1]["url"] == "https://example.org"


async def test_reply_keyboards_removal_and_force_reply_are_accepted_but_not_echoed(control: ControlClient,
                                                                                    bot: Bot) -> None:
    await start_chat(control)
    for markup in (ReplyKeyboardMarkup([["是", "否"]], one_time_keyboard=True), ReplyKeyboardRemove(),
                   ForceReply(input_field_placeholder="名称")):
        message = await bot.send_message(USER, "?", reply_markup=markup)
        assert message.reply_markup is None  # Telegram only echoes inline keyboards
    shown = (await control.messages(USER))["messages"]
    assert shown[-3]["reply_markup"]["keyboard"] == [[{"text": "是"}, {"text": "否"}]]


async def test_reply_parameters_attach_the_replied_message(control: ControlClient, bot: Bot) -> None:
    sent = await control.send(USER, "原始消息", first_name="张三")
    reply = await bot.send_message(USER, "回复", reply_parameters=ReplyParameters(sent["message_id"]),
                                   link_preview_options=LinkPreviewOptions(is_disabled=True))
    assert reply.reply_to_message is not None and reply.reply_to_message.text == "原始消息"


async def test_replying_to_a_missing_message_fails_unless_allowed(control: ControlClient, bot: Bot) -> None:
    await start_chat(control)
    with pytest.raises(Exception, match="Message to be replied not found"):
        await bot.send_message(USER, "x", reply_parameters=ReplyParameters(999))
    message = await bot.send_message(USER, "x", reply_parameters=ReplyParameters(999, allow_sending_without_reply=True))
    assert message.reply_to_message is None


async def test_edit_message_text_changes_text_and_markup_and_sets_edit_date(control: ControlClient,
                                                                            bot: Bot) -> None:
    await start_chat(control)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("确认", callback_data="ok")]])
    message = await bot.send_message(USER, "草稿", reply_markup=keyboard)
    edited = await bot.edit_message_text("<b>已确认</b>", USER, message.message_id, parse_mode="HTML")
    assert isinstance(edited, Message)  # not True: the bot's own message was edited
    assert edited.text == "已确认" and edited.edit_date is not None
    assert edited.reply_markup is None  # omitting reply_markup removes the inline keyboard
    shown = (await control.messages(USER))["messages"][-1]
    assert (shown["text"], shown["raw_text"], shown["reply_markup"]) == ("已确认", "<b>已确认</b>", None)


async def test_edit_message_reply_markup_replaces_only_the_keyboard(control: ControlClient, bot: Bot) -> None:
    await start_chat(control)
    message = await bot.send_message(USER, "题目", reply_markup=InlineKeyboardMarkup(
        [[InlineKeyboardButton("A", callback_data="a")]]))
    new_keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("B", callback_data="b")]])
    edited = await bot.edit_message_reply_markup(USER, message.message_id, reply_markup=new_keyboard)
    assert isinstance(edited, Message)
    assert edited.text == "题目" and edited.reply_markup == new_keyboard
    kinds = [e["kind"] for e in (await control.events())["events"]]
    assert kinds[-1] == "edit_markup"


async def test_edit_message_caption_changes_a_photo_caption(control: ControlClient, bot: Bot) -> None:
    from tests.emulator.conftest import tiny_png
    await start_chat(control)
    message = await bot.send_photo(USER, tiny_png(), caption="旧")
    edited = await bot.edit_message_caption(USER, message.message_id, caption="新")
    assert isinstance(edited, Message)
    assert edited.caption == "新"


async def test_delete_message_hides_it_from_the_chat_and_logs_it(control: ControlClient, bot: Bot) -> None:
    await start_chat(control)
    message = await bot.send_message(USER, "to delete")
    assert await bot.delete_message(USER, message.message_id) is True
    visible = [m["message_id"] for m in (await control.messages(USER))["messages"]]
    assert message.message_id not in visible
    assert (await control.events(kinds=["delete"]))["events"][0]["message_id"] == message.message_id


async def test_delete_messages_skips_missing_ones(control: ControlClient, bot: Bot) -> None:
    await start_chat(control)
    first = await bot.send_message(USER, "a")
    second = await bot.send_message(USER, "b")
    assert await bot.delete_messages(USER, [first.message_id, second.message_id, 999]) is True
    assert len((await control.events(kinds=["delete"]))["events"]) == 2


async def test_send_chat_action_is_logged_with_its_action(control: ControlClient, bot: Bot) -> None:
    await start_chat(control)
    assert await bot.send_chat_action(USER, ChatAction.TYPING) is True
    event = (await control.events(kinds=["chat_action"]))["events"][0]
    assert (event["chat_id"], event["text"]) == (USER, "typing")


async def test_get_chat_close_and_log_out_answer_minimally(control: ControlClient, bot: Bot) -> None:
    await start_chat(control)
    chat = await bot.get_chat(USER)
    assert (chat.id, chat.type, chat.first_name) == (USER, "private", "张三")
    assert await bot.close() is True
    assert await bot.log_out() is True


async def test_get_chat_member_reports_group_membership(control: ControlClient, bot: Bot) -> None:
    await control.add_to_group(-100500, "党组", USER)
    await control.set_chat_member(-100500, USER, "administrator")
    member = await bot.get_chat_member(-100500, USER)
    assert member.status == "administrator"
    me = await bot.get_chat_member(-100500, BOT_ID)
    assert me.status == "member"



async def test_a_group_upgraded_to_a_supergroup_says_so_and_refuses_with_the_new_id(control: ControlClient,
                                                                                   bot: Bot) -> None:
    await control.add_to_group(-4500, "党组", USER, chat_type="group")
    await control.upgrade_group(-4500, -1004500, USER)
    updates = await bot.get_updates(timeout=0)
    said = [(m.chat.id, m.migrate_to_chat_id, m.migrate_from_chat_id) for m in (u.message for u in updates)
            if m is not None and (m.migrate_to_chat_id or m.migrate_from_chat_id)]
    assert said == [(-4500, -1004500, None), (-1004500, None, -4500)]
    with pytest.raises(ChatMigrated) as refused:
        await bot.send_message(-4500, "赛马榜")
    assert refused.value.new_chat_id == -1004500
    assert (await bot.send_message(-1004500, "赛马榜")).chat.type == "supergroup"

async def test_command_menus_are_stored_per_scope_and_language(control: ControlClient, bot: Bot) -> None:
    await start_chat(control)
    await bot.set_my_commands([BotCommand("start", "开始"), BotCommand("me", "我的进度")])
    await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("me", "My progress")], language_code="en")
    await bot.set_my_commands([BotCommand("rank", "排名")], scope=BotCommandScopeAllGroupChats())
    await bot.set_my_commands([BotCommand("admin", "管理")], scope=BotCommandScopeChat(USER))

    assert [c.command for c in await bot.get_my_commands()] == ["start", "me"]
    assert [c.description for c in await bot.get_my_commands(language_code="en")] == ["Start", "My progress"]
    assert [c.command for c in await bot.get_my_commands(scope=BotCommandScopeAllGroupChats())] == ["rank"]
    assert await bot.get_my_commands(language_code="fr") == ()

    menus = (await control.commands())["menus"]
    assert {(m["scope"]["type"], m["language_code"]) for m in menus} == {
        ("default", ""), ("default", "en"), ("all_group_chats", ""), ("chat", "")}
    assert [c["command"] for c in (await control.commands(chat_id=USER))["effective"]] == ["admin"]
    english_user = await control.commands(chat_id=1002, language_code="en")
    assert [c["description"] for c in english_user["effective"]] == ["Start", "My progress"]

    await bot.delete_my_commands(language_code="en")
    assert await bot.get_my_commands(language_code="en") == ()


async def test_invalid_bot_commands_are_rejected(bot: Bot) -> None:
    with pytest.raises(Exception, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Bad-Command", "x")])
