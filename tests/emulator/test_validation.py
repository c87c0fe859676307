"""The emulator refuses what Telegram refuses, and PTB raises the matching exceptions."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden

from emulator import ControlClient, EmulatorThread
from tests.emulator.conftest import TOKEN, USER, tiny_png


@pytest.mark.usefixtures("started")
async def test_empty_or_blank_text_is_rejected_as_empty(bot: Bot) -> None:
    for text in ("", "   ", "<b></b>"):
        with pytest.raises(BadRequest, match="^Message text is empty$"):
            await bot.send_message(USER, text, parse_mode="HTML")


@pytest.mark.usefixtures("started")
async def test_text_longer_than_4096_utf16_units_is_too_long(bot: Bot) -> None:
    await bot.send_message(USER, "😀" * 2048)  # exactly 4096 UTF-16 code units
    with pytest.raises(BadRequest, match="^Message is too long$"):
        await bot.send_message(USER, "😀" * 2049)


@pytest.mark.usefixtures("started")
async def test_length_is_counted_after_entity_parsing(bot: Bot) -> None:
    message = await bot.send_message(USER, "<b>" + "字" * 4096 + "</b>", parse_mode="HTML")
    assert len(message.text or "") == 4096


@pytest.mark.usefixtures("started")
async def test_caption_longer_than_1024_is_too_long(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="^Message caption is too long$"):
        await bot.send_photo(USER, tiny_png(), caption="x" * 1025)


@pytest.mark.usefixtures("started")
async def test_callback_data_over_64_utf8_bytes_is_button_data_invalid(bot: Bot) -> None:
    await bot.send_message(USER, "ok", reply_markup=InlineKeyboardMarkup(
        [[InlineKeyboardButton("fits", callback_data="确" * 21)]]))  # 63 bytes
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("长", callback_data="确" * 22)]])  # 66 bytes
    with pytest.raises(BadRequest, match="^Button_data_invalid$"):
        await bot.send_message(USER, "x", reply_markup=too_long)


@pytest.mark.usefixtures("started")
async def test_editing_with_identical_content_and_markup_is_not_modified(bot: Bot) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    message = await bot.send_message(USER, "same", reply_markup=keyboard)
    with pytest.raises(BadRequest, match="^Message is not modified: specified new message content and reply "
                                         "markup are exactly the same"):
        await bot.edit_message_text("same", USER, message.message_id, reply_markup=keyboard)
    with pytest.raises(BadRequest, match="^Message is not modified"):
        await bot.edit_message_reply_markup(USER, message.message_id, reply_markup=keyboard)
    await bot.edit_message_text("same", USER, message.message_id)  # dropping the keyboard is a change


@pytest.mark.usefixtures("started")
async def test_editing_or_deleting_an_unknown_message_fails(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="^Message to edit not found$"):
        await bot.edit_message_text("x", USER, 999)
    with pytest.raises(BadRequest, match="^Message to delete not found$"):
        await bot.delete_message(USER, 999)
    message = await bot.send_message(USER, "gone soon")
    await bot.delete_message(USER, message.message_id)
    with pytest.raises(BadRequest, match="^Message to edit not found$"):
        await bot.edit_message_text("x", USER, message.message_id)


async def test_a_users_own_message_cannot_be_edited(control: ControlClient, bot: Bot) -> None:
    sent = await control.send(USER, "mine", first_name="张三")
    with pytest.raises(BadRequest, match="^Message can't be edited$"):
        await bot.edit_message_text("theirs", USER, sent["message_id"])


async def test_a_known_user_who_never_started_the_bot_cannot_be_messaged(control: ControlClient,
                                                                          bot: Bot) -> None:
    await control.register_user(2002, "王五")
    with pytest.raises(Forbidden, match="^Forbidden: bot can't initiate conversation with a user$"):
        await bot.send_message(2002, "hi")


async def test_a_user_who_wrote_only_in_a_group_has_not_started_the_bot(control: ControlClient,
                                                                         bot: Bot) -> None:
    await control.add_to_group(-100700, "党组", USER)
    await control.send(2002, "hello group", first_name="王五", chat_id=-100700)
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await bot.send_message(2002, "hi")
    await control.send(2002, "/start", first_name="王五")
    assert (await bot.send_message(2002, "hi")).text == "hi"


async def test_unknown_chat_is_chat_not_found(bot: Bot) -> None:
    for chat_id in (424242, -100999, "@nobody"):
        with pytest.raises(BadRequest, match="^Chat not found$"):
            await bot.send_message(chat_id, "hi")


@pytest.mark.usefixtures("started")
async def test_a_blocked_user_answers_403_until_they_write_again(control: ControlClient, bot: Bot) -> None:
    await control.block(USER)
    with pytest.raises(Forbidden, match="^Forbidden: bot was blocked by the user$"):
        await bot.send_message(USER, "nudge")
    with pytest.raises(Forbidden, match="blocked"):
        await bot.send_chat_action(USER, "typing")
    await control.send(USER, "/start", first_name="张三")  # writing again means unblocking
    assert (await bot.send_message(USER, "welcome back")).text == "welcome back"


async def test_a_bot_removed_from_a_group_cannot_post_there(control: ControlClient, bot: Bot) -> None:
    await control.add_to_group(-100800, "党组", USER)
    await bot.send_message(-100800, "hello")
    await control.remove_from_group(-100800, USER)
    with pytest.raises(Forbidden, match="^Forbidden: bot was kicked from the supergroup chat$"):
        await bot.send_message(-100800, "still here?")


@pytest.mark.usefixtures("started")
async def test_malformed_html_cannot_be_parsed(bot: Bot) -> None:
    cases = {
        "<b>bold": 'Can\'t find end tag corresponding to start tag "b"',
        "<b>x</i>": 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"',
        "<blink>x</blink>": 'Unsupported start tag "blink" at byte offset 0',
        "1 < 2": "Unclosed start tag at byte offset 2",
        "x</b>": "Unexpected end tag at byte offset 1",
    }
    for text, detail in cases.items():
        with pytest.raises(BadRequest) as caught:
            await bot.send_message(USER, text, parse_mode="HTML")
        # PTB capitalizes Bad Request descriptions, lowering the rest
        assert caught.value.message == f"Can't parse entities: {detail}".capitalize(), text


@pytest.mark.usefixtures("started")
async def test_markdown_v2_reserved_characters_must_be_escaped(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)character '\.' is reserved and must be escaped"):
        await bot.send_message(USER, "完成 1.5", parse_mode="MarkdownV2")
    with pytest.raises(BadRequest, match="(?i)can't find end of bold entity at byte offset 0"):
        await bot.send_message(USER, "*bold", parse_mode="MarkdownV2")


async def raw_api(emulator: EmulatorThread, method: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    async with httpx.AsyncClient() as http:
        answer = await http.post(f"{emulator.base_url}{TOKEN}/{method}", json=body)
    return answer.status_code, answer.json()


@pytest.mark.usefixtures("started")
async def test_invalid_keyboards_are_rejected(emulator: EmulatorThread, bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Button_url_invalid"):
        await bot.send_message(USER, "x", reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("bad", url="javascript:alert(1)")]]))
    message = await bot.send_message(USER, "x")
    status, body = await raw_api(emulator, "editMessageReplyMarkup", {
        "chat_id": USER, "message_id": message.message_id, "reply_markup": {"keyboard": [["a"]]}})
    assert (status, body["description"]) == (400, "Bad Request: inline keyboard expected")


@pytest.mark.usefixtures("started")
async def test_answering_an_unknown_or_already_answered_callback_query_fails(control: ControlClient,
                                                                             bot: Bot) -> None:
    message = await bot.send_message(USER, "x")
    pressed = await control.press(USER, message.message_id, "anything")
    assert await bot.answer_callback_query(pressed["callback_query_id"], text="ok") is True
    for query_id in (pressed["callback_query_id"], "nope"):
        with pytest.raises(BadRequest, match="^Query is too old and response timeout expired or query id is "
                                             "invalid$"):
            await bot.answer_callback_query(query_id)


@pytest.mark.usefixtures("started")
async def test_sending_a_non_image_as_a_photo_fails(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(USER, b"not an image")


@pytest.mark.usefixtures("started")
async def test_an_unknown_chat_action_is_rejected(emulator: EmulatorThread) -> None:
    status, body = await raw_api(emulator, "sendChatAction", {"chat_id": USER, "action": "dancing"})
    assert status == 400
    assert body == {"ok": False, "error_code": 400, "description": "Bad Request: wrong parameter action in request"}
