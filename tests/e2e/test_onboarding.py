"""A newcomer joins by invite link or /join, in Chinese by default; strangers are refused politely."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from storage import updates
from storage.models import (
    AuditEntry,
    Member,
    MemberStatus,
    Motion,
    PersistedState,
    ResearchTopic,
    ResearchTrip,
    Role,
    StudySession,
    Team,
)
from tests.e2e.conftest import ADMIN_ID, BOT_USERNAME, Saima
from tests.e2e.helpers import member, owner, second_team


def _count(saima: Saima, model: type) -> int:
    with saima.db.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _kept_for_people(saima: Saima) -> int:
    """Rows of user, chat and conversation state (not the bot's own mark of the last update it handled)."""
    with saima.db.session() as session:
        return session.scalar(select(func.count()).select_from(PersistedState)
                              .where(PersistedState.scope != updates.SCOPE)) or 0


async def test_a_member_who_opens_the_invite_link_is_welcomed_by_name_in_chinese(saima: Saima) -> None:
    zhang = saima.control.user(1001, "张三", language_code="en")
    reply = await zhang.send(f"/start {saima.invite_code}")
    assert reply.text == "欢迎张三！您已作为成员加入「省政府党组」。发送 /help 查看可用功能。"
    with saima.db.session() as session:
        member = session.scalar(select(Member).where(Member.telegram_user_id == 1001))
        assert member is not None and member.status is MemberStatus.ACTIVE and member.role is Role.MEMBER


async def test_join_with_a_code_works_like_the_link(saima: Saima) -> None:
    li = saima.control.user(1002, "李", last_name="四")
    reply = await li.send(f"/join {saima.invite_code}")
    assert "欢迎李四" in reply.text and "省政府党组" in reply.text
    again = await li.send(f"/join {saima.invite_code}")
    assert again.text == "您已是「省政府党组」的成员。发送 /help 查看可用功能。"


async def test_join_without_a_code_asks_for_it_and_takes_the_next_message(saima: Saima) -> None:
    wang = saima.control.user(1003, "王五")
    assert (await wang.send("/join")).text == "请发送邀请码（例如 Ab3dE9kQ2x），或发送 /cancel 取消。"
    assert (await wang.send("WrongCode1")).text.startswith("邀请码无效")
    assert "欢迎王五" in (await wang.send(saima.invite_code)).text
    assert (await wang.send("hello")).text == "这条消息要登记为哪一类？确认草稿前不会保存任何内容。"  # conversation over: read as a log


async def test_cancel_stops_waiting_for_a_code(saima: Saima) -> None:
    wang = saima.control.user(1003, "王五")
    await wang.send("/join")
    assert (await wang.send("/cancel")).text == "已取消。拿到邀请码后再发送 /join。"
    assert (await wang.send(saima.invite_code)).text.startswith("如需加入班子")  # no longer taken as a code
    assert (await wang.send("/cancel")).text == "当前没有可取消的操作。"


async def test_wrong_expired_and_malformed_codes_get_specific_refusals_and_store_nothing(saima: Saima) -> None:
    before = (_count(saima, Member), _count(saima, AuditEntry), _kept_for_people(saima))
    stranger = saima.control.user(2001, "赵六")
    assert (await stranger.send("/start NoSuchCode9")).text == "邀请码无效。请核对收到的链接，或请办公室重新发送。"
    assert (await stranger.send("/join 邀请码")).text.startswith("这不是有效的邀请码格式")
    saima.clock.advance(timedelta(days=15))
    expired = await stranger.send(f"/join {saima.invite_code}")
    # created 15 days ago, valid for 14: the day is said in words, as every date the bot says
    assert expired.text == "该邀请已于2026年12月5日（星期六）过期，请联系办公室获取新链接。"
    assert (_count(saima, Member), _count(saima, AuditEntry), _kept_for_people(saima)) == before


async def test_a_stranger_without_an_invite_is_told_how_to_join(saima: Saima) -> None:
    stranger = saima.control.user(2002, "Tom", language_code="en")
    reply = await stranger.send("/start")
    assert reply.text.startswith("Saima keeps a leadership team's yearly duties")
    assert "/join" in reply.text
    chinese = saima.control.user(2003, "钱七", language_code="zh-hans")
    assert (await chinese.send("你好")).text == "如需加入班子，请打开办公室发给您的邀请链接，或发送 /join 加邀请码。"
    assert _kept_for_people(saima) == 0


LOGGED = (StudySession, ResearchTrip, ResearchTopic, Motion)


@pytest.mark.parametrize("command", [
    pytest.param("/study 昨天 集体学习 2小时 条例", id="study"),
    pytest.param("/trip 昨天 淳安县 调研共富", id="trip"),
    pytest.param("/topic 某课题", id="topic"),
    pytest.param("/proposal 建议 第123号 关于加快山区公路建设的建议 重点", id="proposal"),
])
async def test_a_stranger_cannot_log(saima: Saima, command: str) -> None:
    stranger = saima.control.user(2001, "赵六")
    assert (await stranger.send(command)).text.startswith("此功能仅限班子成员使用。")
    assert [_count(saima, model) for model in LOGGED] == [0] * len(LOGGED)


async def test_the_admin_named_at_creation_becomes_owner_on_first_start(saima: Saima) -> None:
    admin = saima.control.user(ADMIN_ID, "李主任")
    reply = await admin.send("/start")
    assert reply.text == "欢迎李主任！您已作为负责人加入「省政府党组」。发送 /help 查看可用功能。"
    assert (await admin.send("/start")).text.startswith("欢迎回来，李主任")


async def test_lang_switches_a_member_to_english_and_back(saima: Saima) -> None:
    zhang = await member(saima)
    assert (await zhang.send("/lang en")).text == "Language set to English. Send /lang zh to switch back to Chinese."
    help_text = (await zhang.send("/help")).text
    assert help_text.startswith("Saima (赛马) keeps your team's yearly duties visible")
    assert (await zhang.send("/lang zh")).text == "已切换为中文。发送 /lang en 可切换为英文。"
    assert (await zhang.send("/help")).text.startswith("赛马助手")


async def test_lang_buttons_switch_the_language(saima: Saima) -> None:
    zhang = await member(saima)
    menu = await zhang.send("/lang")
    assert menu.text == "请选择语言：" and menu.labels == ["中文", "English"]
    edited = await zhang.press(menu, "English")
    assert edited.text.startswith("Language set to English")
    with saima.db.session() as session:
        language = session.scalar(select(Member.language).where(Member.telegram_user_id == 1001))
        assert language is not None and language.value == "en"


async def test_a_language_button_tapped_twice_switches_once_and_apologises_for_nothing(saima: Saima) -> None:
    """A double tap on English: the second press finds the confirmation already shown and leaves it."""
    zhang = await member(saima)
    menu = await zhang.send("/lang")
    _, english = menu.button("English")
    assert english is not None
    edited = await zhang.press(menu, "English")
    await zhang.press_data(menu, english)
    assert (await zhang.send("/help")).text.startswith("Saima")  # settles: the second press has been handled
    texts = [m.text or "" for m in await zhang.bot_messages()]
    assert edited.text in texts and not any(text.startswith("Sorry, something went wrong") for text in texts)


async def test_an_unknown_language_is_refused_and_nothing_changes(saima: Saima) -> None:
    zhang = await member(saima)
    reply = await zhang.send("/lang fr")
    assert reply.text == "不支持语言“fr”。发送 /lang zh 使用中文，/lang en 使用英文。"
    assert (await zhang.send("/help")).text.startswith("赛马助手")


async def test_help_lists_the_commands_of_the_users_role(saima: Saima) -> None:
    zhang = await member(saima)
    member_help = (await zhang.send("/help")).text
    assert "/lang" in member_help and "/invite" not in member_help
    admin = await owner(saima)
    admin_help = (await admin.send("/help")).text
    assert "/invite — 生成新成员邀请链接" in admin_help
    assert "身份：负责人" in admin_help


async def test_an_admin_makes_a_single_use_invite_that_lets_in_one_person(saima: Saima) -> None:
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    reply = await admin.send("/invite once")
    link = reply.text.splitlines()[-1]
    assert reply.text.startswith("「省政府党组」一次性邀请链接，有效期至")
    assert link.startswith(f"https://t.me/{BOT_USERNAME}?start=")
    code = link.rsplit("=", 1)[1]
    assert "欢迎" in (await saima.control.user(1005, "孙八").send(f"/start {code}")).text
    assert (await saima.control.user(1006, "周九").send(f"/start {code}")).text.startswith("该邀请已被使用")


async def test_a_member_cannot_make_invites(saima: Saima) -> None:
    zhang = await member(saima)
    assert (await zhang.send("/invite")).text == "此功能仅限办公室（管理员）使用。"


async def test_the_command_menu_exists_in_both_languages_and_follows_lang(saima: Saima) -> None:
    async def menu(user_id: int, language_code: str) -> list[tuple[str, str]]:
        found = await saima.control.commands(chat_id=user_id, user_id=user_id, language_code=language_code)
        return [(c["command"], c["description"]) for c in found["effective"]]

    assert await menu(3001, "zh-hans") == [("help", "功能介绍和可用命令"), ("join", "用邀请码加入班子"),
                                           ("lang", "切换语言：/lang zh 或 /lang en"), ("cancel", "取消当前操作")]
    assert await menu(3001, "ru") == await menu(3001, "zh-hans")  # Chinese is the default
    assert [c for c, _ in await menu(3002, "en")] == ["help", "join", "lang", "cancel"]
    assert (await menu(3002, "en"))[0][1] == "What this bot does and the commands you can use"

    zhang = saima.control.user(1001, "张三", language_code="zh-hans")
    await zhang.send(f"/start {saima.invite_code}")
    await zhang.send("/lang en")
    assert (await menu(1001, "zh-hans"))[0] == ("help", "What this bot does and the commands you can use")
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    assert ("invite", "生成新成员邀请链接") in await menu(ADMIN_ID, "zh-hans")


async def test_in_a_group_joining_is_pointed_to_a_private_chat(saima: Saima) -> None:
    zhang = saima.control.user(1001, "张三")
    group = saima.control.group(-100500, "班子群")
    await group.add_bot(zhang)
    added = await zhang.receive(chat=group)  # added by someone who is no team's office (tests/e2e/test_race_track.py)
    assert added.text.startswith("我只为班子办公室服务")
    reply = await zhang.send(f"/join {saima.invite_code}", chat=group)
    assert reply.text == f"请私聊我完成加入：https://t.me/{BOT_USERNAME}"


async def test_an_unknown_command_points_to_help(saima: Saima) -> None:
    zhang = await member(saima)
    assert (await zhang.send("/frobnicate")).text == "没有这个命令。发送 /help 查看可用命令。"


async def test_an_owner_named_for_a_second_team_becomes_its_owner_on_opening_the_bot(saima: Saima) -> None:
    """李主任, already the owner of 省政府党组, is named the owner of 市政府党组 too (`bot.py team create --admin`: "they
    become owner on opening the bot"). /start welcomes him into it and makes him its owner; it used to welcome him
    back to the first team and leave the second without an active owner."""
    admin = await owner(saima)
    second_team(saima)
    reply = await admin.send("/start")
    assert reply.text.startswith("欢迎李主任！您已作为负责人加入「市政府党组」")
    with saima.db.session() as session:
        mine = session.scalars(select(Member).where(Member.telegram_user_id == ADMIN_ID).order_by(Member.team_id))
        assert [(m.role, m.status) for m in mine] == [(Role.OWNER, MemberStatus.ACTIVE)] * 2


async def test_a_member_in_english_who_joins_a_second_team_keeps_english(saima: Saima) -> None:
    """Tom reads the bot in English (/lang is per person: it sets every membership); joining a second, Chinese team
    keeps it English (it used to switch that team's messages to Chinese)."""
    await owner(saima)
    tom = await member(saima, 1001, "Tom", lang="en")
    joined = await tom.send(f"/start {second_team(saima)}")
    assert joined.text.startswith("Welcome, Tom! You have joined 市政府党组")
    assert (await tom.send("/help")).text.startswith("Saima (赛马)")


async def test_english_chosen_before_joining_is_kept_on_joining(saima: Saima) -> None:
    """/lang en before opening the invite: the welcome and what follows are in English, not the team's Chinese."""
    tom = saima.control.user(1001, "Tom", language_code="zh-hans")
    assert (await tom.send("/lang en")).text.startswith("Language set to English")
    assert (await tom.send(f"/start {saima.invite_code}")).text.startswith("Welcome, Tom! You have joined")
    assert (await tom.send("/help")).text.startswith("Saima (赛马)")


async def test_an_expired_invite_is_dated_in_its_teams_time_zone_as_when_it_was_made(saima: Saima) -> None:
    """A team on Urumqi time: /invite said "valid until 5 December" (its day); the refusal after expiry names the
    same day, not the 6th of the configured default zone."""
    admin = await owner(saima)
    with saima.db.session() as session:
        session.execute(update(Team).where(Team.id == saima.team_id).values(timezone="Asia/Urumqi"))
    saima.clock.advance(timedelta(hours=14))  # 22 Nov 00:30 in Shanghai, 21 Nov 22:30 in Urumqi
    made = await admin.send("/invite")
    assert "有效期至2026年12月5日（星期六）" in made.text
    saima.clock.advance(timedelta(days=15))
    refused = await saima.control.user(2001, "赵六").send(f"/start {made.text.rsplit('start=', 1)[1]}")
    assert refused.text == "该邀请已于2026年12月5日（星期六）过期，请联系办公室获取新链接。"
