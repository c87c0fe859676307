"""What reaches a waiting log draft and /join's awaited code (handlers/steps.py with the flows' options in
handlers/conversation.py): a draft waits through other commands and files and wants a press at its card;
/join's code stops waiting on another command but not on an invite link."""

from __future__ import annotations

from storage import onboarding
from tests.e2e.conftest import ADMIN_ID, Saima
from tests.e2e.helpers import member, sessions
from tests.e2e.test_broadcast import PNG

USE_THE_BUTTONS = "请点按上方草稿中的按钮，或发送 /cancel 取消。"
NOT_UNDERSTOOD = "没有看懂这条消息。发送 /help 查看可用功能。"
SWITCHED = ("此草稿是在「省政府党组」中开始的，您现在切换到了「市政府党组」：未保存任何内容。"
            "请打开「省政府党组」的邀请链接切换回去后再完成。")


async def test_a_draft_waits_through_other_commands_and_its_card_wants_a_press(saima: Saima) -> None:
    zhang = await member(saima)
    assert (await zhang.send("/study")).text.startswith("哪天学习的？")
    await zhang.send("/help")  # answered as ever; the question still waits
    assert (await zhang.send("上周三")).text.startswith("是哪类学习？")
    card = await zhang.send("/study 昨天 集体学习 2小时 条例")
    assert card.text.startswith("之前未完成的草稿已放弃。\n学习记录")
    assert (await zhang.send("对的")).text == USE_THE_BUTTONS
    assert (await zhang.send_file("photo", "a.png", PNG)).text == NOT_UNDERSTOOD  # a file at the card: not for it
    await zhang.send("/me")
    assert (await zhang.press(card, "确认")).text.startswith("✅ 已保存。")
    assert len(sessions(saima)) == 1
    assert (await zhang.send("/study")).text.startswith("哪天学习的？")
    assert (await zhang.send("/cancel")).text == "已取消，没有保存任何内容。"
    assert (await zhang.send("/cancel")).text == "当前没有可取消的操作。"


async def test_the_awaited_code_stops_waiting_on_another_command_but_not_on_an_invite_link(saima: Saima) -> None:
    stranger = saima.control.user(1005, "赵六")
    asked = "请发送邀请码（例如 Ab3dE9kQ2x），或发送 /cancel 取消。"
    assert (await stranger.send("/join")).text == asked
    await stranger.send("/help")
    assert (await stranger.send("abc")).text == ("如需加入班子，请打开办公室发给您的邀请链接，"
                                                  "或发送 /join 加邀请码。")
    assert (await stranger.send("/join")).text == asked
    assert (await stranger.send("/cancel")).text == "已取消。拿到邀请码后再发送 /join。"
    assert (await stranger.send("/join")).text == asked
    await stranger.send("/start")  # what Saima is; the code is still awaited
    assert (await stranger.send(saima.invite_code)).text.startswith("欢迎赵六！")


async def test_after_a_team_switch_an_answer_is_refused_and_the_draft_kept_text_at_its_card_wants_a_press(
        saima: Saima) -> None:
    with saima.db.session() as session:
        other_code = onboarding.create_team(session, name="市政府党组", admin_telegram_id=ADMIN_ID, group_chat_id=None,
                                            config=saima.config, now=saima.clock.now()).invite.code
    zhang = saima.control.user(1001, "张三")
    await zhang.send(f"/start {other_code}")
    await zhang.send(f"/start {saima.invite_code}")  # in two teams; acting in 省政府党组
    assert (await zhang.send("/study 昨天 集体学习 2小时")).text.startswith("学习主题是什么？")
    await zhang.send(f"/start {other_code}")  # switched to 市政府党组
    assert (await zhang.send("条例")).text == SWITCHED
    await zhang.send(f"/start {saima.invite_code}")  # back: the question still waits
    card = await zhang.send("条例")
    assert "主题：条例" in card.text
    await zhang.send(f"/start {other_code}")
    assert (await zhang.send("对的")).text == USE_THE_BUTTONS
    assert sessions(saima) == []
