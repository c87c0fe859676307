"""The control API, its clients and the user-simulation DSL."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from telegram import Bot, ReplyKeyboardMarkup

from emulator import BotMessage, ControlClient, Emulator, EmulatorThread, SyncControlClient
from emulator.client import ControlApiError
from tests.emulator.conftest import BOT_ID, USER, make_bot


async def test_control_calls_before_any_bot_connected_explain_what_is_missing(control: ControlClient) -> None:
    with pytest.raises(ControlApiError, match="no bot has contacted the emulator yet"):
        await control.send(USER, "hi")


async def test_a_user_message_carries_command_entities_including_the_bot_username(control: ControlClient,
                                                                                    bot: Bot) -> None:
    await control.send(USER, "/start@saima_test_bot 邀请码", first_name="张三", username="zhangsan",
                       language_code="zh-hans")
    message = (await bot.get_updates())[0].message
    assert message is not None and message.from_user is not None
    assert [(e.type, e.offset, e.length) for e in message.entities] == [("bot_command", 0, 21)]
    assert (message.from_user.username, message.from_user.language_code) == ("zhangsan", "zh-hans")


async def test_wait_returns_matching_events_or_reports_a_timeout(control: ControlClient, bot: Bot) -> None:
    await control.send(USER, "/start", first_name="张三")
    await control.send(1002, "/start", first_name="李四")
    mark = (await control.health())["seq"]
    await bot.send_chat_action(USER, "typing")
    await bot.send_message(1002, "to li")
    await bot.send_message(USER, "to zhang")
    waited = await control.wait(mark, chat_id=USER, kinds=["text"])
    assert [e["text"] for e in waited["events"]] == ["to zhang"] and waited["timed_out"] is False
    nothing = await control.wait(mark, chat_id=USER, count=5, timeout=0.1)
    assert nothing["timed_out"] is True and len(nothing["events"]) == 2
    assert [e["chat_id"] for e in (await control.events(mark, limit=2))["events"]] == [USER, 1002]


async def test_a_long_poll_on_wait_is_woken_by_the_bots_message(control: ControlClient, bot: Bot) -> None:
    await control.send(USER, "/start", first_name="张三")
    mark = (await control.health())["seq"]
    waiting = asyncio.ensure_future(control.wait(mark, chat_id=USER, timeout=5))
    await bot.send_message(USER, "here")
    assert (await waiting)["events"][0]["text"] == "here"


async def test_send_with_expect_returns_several_messages_and_expect_zero_returns_none(control: ControlClient,
                                                                                     bot: Bot) -> None:
    zhang = control.user(USER, "张三")
    assert await zhang.send("/start", expect=0) is None  # type: ignore[func-returns-value]  # what expect=0 promises
    seen = await bot.get_updates()
    asking = asyncio.create_task(zhang.send("/help", expect=2))
    updates = await bot.get_updates(offset=seen[-1].update_id + 1, timeout=5)
    assert updates[0].message is not None and updates[0].message.text == "/help"
    await bot.send_message(USER, "第一条")
    await bot.send_message(USER, "第二条")
    replies = await asking
    assert isinstance(replies, list) and [r.text for r in replies] == ["第一条", "第二条"]


async def test_pressing_a_reply_keyboard_button_sends_its_label(control: ControlClient, bot: Bot) -> None:
    zhang = control.user(USER, "张三")
    await zhang.send("/start", expect=0)
    menu = await bot.send_message(USER, "选择", reply_markup=ReplyKeyboardMarkup([["是", "否"]]))
    await zhang.press(menu.message_id, "否", expect=0)
    assert (await bot.get_updates(offset=-1))[0].message.text == "否"  # type: ignore[union-attr]  # the update is a message


async def test_a_missing_button_label_fails_with_the_available_labels(control: ControlClient, bot: Bot) -> None:
    zhang = control.user(USER, "张三")
    await zhang.send("/start", expect=0)
    plain = await bot.send_message(USER, "no buttons")
    with pytest.raises(AssertionError, match=r"no button matches '确认' on message \d+; buttons: \[\]"):
        await zhang.press(plain.message_id, "确认")


async def test_pressing_data_on_a_deleted_message_delivers_an_inaccessible_message(control: ControlClient,
                                                                                   bot: Bot) -> None:
    zhang = control.user(USER, "张三")
    await zhang.send("/start", expect=0)
    message = await bot.send_message(USER, "soon gone")
    await bot.delete_message(USER, message.message_id)
    await zhang.press_data(message.message_id, "forged:data")
    query = (await bot.get_updates(offset=-1))[0].callback_query
    assert query is not None and query.data == "forged:data"
    assert query.message is not None and query.message.date.timestamp() == 0  # InaccessibleMessage


async def test_several_bots_share_one_emulator_with_separate_state(emulator: EmulatorThread,
                                                                   bot: Bot) -> None:
    async with make_bot(emulator, "999:OTHER") as other, \
            ControlClient(emulator.control_url, bot_id=999) as control_other, \
            ControlClient(emulator.control_url, bot_id=BOT_ID) as control_main:
        await control_other.send(USER, "for the other bot", first_name="张三")
        assert await bot.get_updates() == ()
        assert [u.message.text for u in await other.get_updates() if u.message] == ["for the other bot"]
        assert (await other.send_message(USER, "hi")).message_id == 2
        with pytest.raises(Exception, match="can't initiate conversation"):
            await bot.send_message(USER, "hi")
        assert (await control_main.messages(USER))["messages"] == []
        assert sorted(b["id"] for b in (await control_main.bots())["bots"]) == [999, BOT_ID]


async def test_reset_forgets_everything_but_update_ids_keep_increasing(control: ControlClient, bot: Bot) -> None:
    first = await control.send(USER, "before", first_name="张三")
    await control.add_fault(500, method="getChat")
    await control.flood(True)
    await control.reset()
    assert await bot.get_updates() == ()
    assert (await control.messages(USER))["chat"] is None
    assert (await control.faults())["rules"] == [] and (await control.flood(False))["enabled"] is False
    second = await control.send(USER, "after", first_name="张三")
    assert second["update_id"] > first["update_id"] and second["message_id"] == 1


async def test_the_sync_client_reaches_the_same_endpoints(emulator: EmulatorThread, bot: Bot) -> None:
    def scripted() -> dict[str, object]:
        with SyncControlClient(emulator.control_url) as sync:
            assert sync.health()["ok"] is True
            sync.send(USER, "/start", first_name="张三")
            sync.block(USER, True)
            return sync.stats()
    stats = await asyncio.to_thread(scripted)
    assert stats["by_method"] == {"getMe": 1}
    with pytest.raises(Exception, match="blocked"):
        await bot.send_message(USER, "x")


async def test_the_transcript_marks_group_lines_edits_deletions_and_recipients(control: ControlClient,
                                                                              bot: Bot) -> None:
    zhang, li = control.user(1001, "张三"), control.user(1002, "李四")
    group = control.group(-100900, "党组")
    await group.add_bot(by=zhang)
    await zhang.send("/start", expect=0)
    await li.send("/start", expect=0)
    note = await bot.send_message(1002, "第一行\n第二行")
    await bot.edit_message_text("改过了", 1002, note.message_id)
    await bot.delete_message(1002, note.message_id)
    await bot.send_document(-100900, b"x,y", filename="台账.csv", caption="本周")
    await control.transcript.refresh()
    assert control.transcript.render() == "\n".join([
        "[党组] 张三 (1001) › (added the bot to the group)",
        "张三 (1001) › /start",
        "李四 (1002) › /start",
        "Saima → 李四 (1002) › 第一行",
        "                      第二行",
        "Saima (edited) → 李四 (1002) › 改过了",
        "Saima (deleted message 2)",
        "[党组] Saima › [document 台账.csv] 本周",
    ])


async def test_the_emulator_also_runs_inside_the_callers_event_loop() -> None:
    async with Emulator(bot_username="inloop_bot") as emu:
        async with Bot("5:X", base_url=emu.base_url, base_file_url=emu.base_file_url) as tg_bot:
            assert tg_bot.username == "inloop_bot"
        async with httpx.AsyncClient() as http:
            assert (await http.get(f"{emu.control_url}/health")).json()["bots"] == [5]


def test_the_command_line_prints_the_base_url_and_serves() -> None:
    command = [sys.executable, "-m", "emulator", "--port", "0", "--flood"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2]) as process:
        try:
            assert process.stdout is not None
            first_line = process.stdout.readline()
            assert first_line.startswith("base_url      http://127.0.0.1:")
            control_url = first_line.split()[1].removesuffix("/bot") + "/_control"
            assert httpx.get(f"{control_url}/flood").json()["enabled"] is True
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_bot_messages_expose_their_buttons() -> None:
    message = BotMessage(1, 2, "text", body="t", reply_markup={"inline_keyboard": [
        [{"text": "确认", "callback_data": "ok"}, {"text": "网站", "url": "https://example.org"}]]})
    assert message.buttons == [[("确认", "ok"), ("网站", "https://example.org")]]
    assert message.labels == ["确认", "网站"] and message.button("网") == ("网站", "https://example.org")


async def test_a_simulated_user_can_send_a_file_that_the_bot_downloads(control: ControlClient, bot: Bot) -> None:
    zhang = control.user(USER, "张三")
    sending = asyncio.create_task(zhang.send_file("document", "调研报告.docx", b"report body", caption="请审阅"))
    message = (await bot.get_updates(offset=-1, timeout=5))[0].message
    assert message is not None and message.document is not None and message.caption == "请审阅"
    assert bytes(await (await bot.get_file(message.document.file_id)).download_as_bytearray()) == b"report body"
    await message.reply_text("收到")
    reply = await sending
    assert isinstance(reply, BotMessage) and reply.text == "收到"
    assert "张三 (1001) › [document 调研报告.docx] 请审阅" in control.transcript.render()
