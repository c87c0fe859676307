"""The team's group is the race track: /rank and /summary post there, the private commands point to the
private chat, /help lists what works there; adding the bot to a group asks the adding admin whether it is
the team's race track; /track switches the group's boards between names and ranks, and unlinks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from core.domain import Language, OutboxStatus
from emulator.sim import BotMessage, SimGroup, SimUser
from storage.models import AuditEntry, OutboxMessage, Team
from tests.conftest import SHANGHAI
from tests.e2e.conftest import BOT_USERNAME, Saima
from tests.e2e.helpers import a_board_that_moved, member, owner

GROUP = -1001234
POINTER_BUTTON = [[("打开私聊", f"https://t.me/{BOT_USERNAME}?start=group")]]


def _link(saima: Saima, chat_id: int | None = GROUP, **values: object) -> None:
    with saima.db.session() as session:
        session.execute(update(Team).where(Team.id == saima.team_id).values(group_chat_id=chat_id, **values))


def _team_row(saima: Saima) -> tuple[int | None, bool]:
    with saima.db.session() as session:
        team = session.get_one(Team, saima.team_id)
        return team.group_chat_id, team.show_names_in_race


def _audited(saima: Saima) -> list[tuple[str, object, object]]:
    with saima.db.session() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.entity == "team", AuditEntry.action != "create")
                               .order_by(AuditEntry.id))
        return [(row.action, row.before, row.after) for row in rows]


async def _in_linked_group(saima: Saima, user: SimUser) -> SimGroup:
    """The team's group, already linked; the bot is in it (it says so when added)."""
    _link(saima)
    group = saima.control.group(GROUP, "省政府党组工作群")
    await group.add_bot(by=user)
    said = await user.receive(chat=group)
    assert isinstance(said, BotMessage) and said.text == "本群已是「省政府党组」的赛马场。"
    return group


# --------------------------------------------------------------------------- in the linked group


async def test_rank_in_the_group_posts_the_public_board_there_with_names_or_ranks(saima: Saima) -> None:
    zhang, li, _, _ = await a_board_that_moved(saima)
    group = await _in_linked_group(saima, li)
    text, chart = await li.send("/rank", chat=group, expect=2)
    lines = text.text.splitlines()
    assert lines[0] == "🏇 赛马榜 · 2026年11月（截至11月21日）"
    assert lines[3].startswith("1. 张三  ") and lines[4].startswith("2. 李四  ") and lines[5].startswith("3. Tom  ")
    assert "🚀 进步最快：张三（↑1）" in lines
    assert "▶" not in text.text and "你的名次" not in text.text  # nobody's own line in the group
    assert text.chat_id == GROUP and chart.chat_id == GROUP and chart.kind == "photo"
    addressed, _ = await zhang.send(f"/rank@{BOT_USERNAME}", chat=group, expect=2)
    assert addressed.text == text.text
    _link(saima, show_names_in_race=False)  # the team chose ranks
    ranks, _ = await zhang.send("/rank", chat=group, expect=2)
    assert ranks.text.splitlines()[3].startswith("1. 成员A  ")
    assert "🚀 进步最快：成员A（↑1）" in ranks.text.splitlines()
    assert "张三" not in ranks.text and "李四" not in ranks.text and "Tom" not in ranks.text



async def test_rank_for_a_period_to_come_in_the_group_says_when_its_board_begins(saima: Saima) -> None:
    """Privately `/rank 2027` says 2027 has not begun and when its board starts; in the group it got the usage
    line, as if the text were unreadable. It is said in the team's language, whoever asks."""
    admin = await owner(saima)
    zhang = await member(saima)
    tom = await member(saima, 1010, "Tom", lang="en")
    private = await zhang.send("/rank 2027")
    assert private.text == "2027年度尚未开始，排名自2027年1月1日（星期五）起计算。"
    group = await _in_linked_group(saima, admin)
    assert (await tom.send("/rank 2027", chat=group)).text == private.text
    assert (await tom.send("/rank someday", chat=group)).text.startswith("发送 /rank")

async def test_in_english_the_group_board_is_in_the_teams_language(saima: Saima) -> None:
    _, _, tom, _ = await a_board_that_moved(saima)
    group = await _in_linked_group(saima, tom)
    _link(saima, language=Language.EN, show_names_in_race=False)
    text, chart = await tom.send("/rank", chat=group, expect=2)
    assert text.text.startswith("🏇 Race board · Nov 2026 (as of 21 Nov)\n")
    assert "1. Member A  " in text.text and "Tom" not in text.text
    assert "🚀 Most improved: Member A (↑1)" in text.text
    assert chart.caption is not None and chart.caption.startswith("Nov 2026")
    me = await tom.send("/me", chat=group)
    assert me.text == "/me works in a private chat with me."
    assert me.buttons == [[("Open the private chat", f"https://t.me/{BOT_USERNAME}?start=group")]]


async def test_summary_from_the_office_in_the_group_and_a_refusal_for_others(saima: Saima) -> None:
    _, li, _, _ = await a_board_that_moved(saima)
    admin = await owner(saima)
    group = await _in_linked_group(saima, li)
    posted = await admin.send("/summary", chat=group)
    assert posted.chat_id == GROUP and posted.text.startswith("📋 ")
    assert "省政府党组" in posted.text.splitlines()[0]
    refused = await li.send("/summary", chat=group)
    assert refused.text == "只有班子办公室（管理员）可以在群里发布工作小结。"



async def test_refusals_in_the_group_are_in_the_teams_language_whoever_asks(saima: Saima) -> None:
    """Tom reads English privately; what the bot answers him in the Chinese group the whole group reads: the
    /summary refusal came in English, and so did /join's pointer to the private chat."""
    admin = await owner(saima)
    tom = await member(saima, 1010, "Tom", lang="en")
    group = await _in_linked_group(saima, admin)
    assert (await tom.send("/me", chat=group)).text == "/me 请在与我的私聊中使用。"
    assert (await tom.send("/summary", chat=group)).text == "只有班子办公室（管理员）可以在群里发布工作小结。"
    assert (await tom.send("/join", chat=group)).text == f"请私聊我完成加入：https://t.me/{BOT_USERNAME}"

async def test_private_commands_in_the_group_point_to_the_private_chat(saima: Saima) -> None:
    _, li, _, _ = await a_board_that_moved(saima)
    group = await _in_linked_group(saima, li)
    for command in ("/me", "/study 昨天 集体学习 2小时 民法典", f"/tasks@{BOT_USERNAME}", "/export", "/broadcast"):
        pointer = await li.send(command, chat=group)
        name = command.split()[0].split("@")[0]
        assert pointer.text == f"{name} 请在与我的私聊中使用。", command
        assert pointer.buttons == POINTER_BUTTON
    # Another bot's command, an unknown command and plain talk get no answer: the next answer is /help's.
    await li.send("/me@another_bot", chat=group, expect=0)
    await li.send("/weather", chat=group, expect=0)
    await li.send("大家好", chat=group, expect=0)
    helped = await li.send("/help", chat=group)
    assert helped.text.splitlines()[0] == "本群是「省政府党组」的赛马场。在群里可以使用："
    # The button's link opens the private chat with a plain welcome, not an invite refusal.
    welcome = await li.send("/start group")
    assert welcome.text.startswith("欢迎回来，李四。")


async def test_help_in_the_group_lists_what_works_there(saima: Saima) -> None:
    _, li, tom, _ = await a_board_that_moved(saima)
    group = await _in_linked_group(saima, li)
    helped = await li.send("/help", chat=group)
    assert helped.text.splitlines() == [
        "本群是「省政府党组」的赛马场。在群里可以使用：",
        "/rank — 赛马榜（/rank 季度、/rank 年度）",
        "/summary — 近七天工作小结（仅限办公室）",
        "/help — 本说明",
        "",
        "其他功能（登记、/me、督办事项、办公室的命令）请在与我的私聊中使用。",
    ]
    assert helped.buttons == POINTER_BUTTON
    _link(saima, language=Language.EN)
    english = await tom.send(f"/help@{BOT_USERNAME}", chat=group)
    assert english.text.startswith("This group is 省政府党组's race track. Here:\n/rank — the race board")


async def test_a_group_that_is_no_teams_track_gets_one_line(saima: Saima) -> None:
    _, li, _, _ = await a_board_that_moved(saima)
    admin = await owner(saima)
    group = saima.control.group(-100999, "闲聊群")
    await group.add_bot(by=li)  # a member, not the office: told so, nothing changes
    said = await li.receive(chat=group)
    assert said.text == "我只为班子办公室服务：请由本班子办公室（管理员）把我拉进班子的工作群。"
    assert said.buttons == []
    for command in ("/rank", "/me", "/help", "/summary"):
        assert (await admin.send(command, chat=group)).text == "本群尚未绑定任何班子的赛马场。", command
    await li.send("今天开会吗", chat=group, expect=0)
    assert _team_row(saima) == (None, True)


# --------------------------------------------------------------------------- linking and /track


async def test_adding_the_bot_asks_that_admin_and_only_their_yes_links_the_group(saima: Saima) -> None:
    zhang, li, _, _ = await a_board_that_moved(saima)
    admin = await owner(saima)
    group = saima.control.group(GROUP, "省政府党组工作群")
    await group.add_bot(by=admin)
    asked = await admin.receive(chat=group)
    assert asked.text == ("李主任，本群是否作为「省政府党组」的赛马场？赛马榜和工作小结将发在本群。仅限您本人回答。")
    assert asked.labels == ["是", "否"]
    await li.press(asked, "是", expect=0)  # someone else presses the admin's button
    assert (await li.callback_answer()).text == "只有把我拉进群的管理员可以回答。"
    await li.press_data(asked, "trk:link:y:1", expect=0)  # or forges the data for another admin
    assert (await li.callback_answer()).text == "只有把我拉进群的管理员可以回答。"
    assert _team_row(saima) == (None, True)
    linked = await admin.press(asked, "是")
    assert linked.text.startswith("✅ 本群已绑定为「省政府党组」的赛马场")
    assert _team_row(saima) == (GROUP, True)
    assert _audited(saima) == [("link_group", {"group_chat_id": None}, {"group_chat_id": GROUP})]
    board, _ = await zhang.send("/rank", chat=group, expect=2)  # a board then goes there
    assert board.chat_id == GROUP and board.text.startswith("🏇 赛马榜")


async def test_no_leaves_the_group_unlinked(saima: Saima) -> None:
    await a_board_that_moved(saima)
    admin = await owner(saima)
    group = saima.control.group(GROUP, "省政府党组工作群")
    await group.add_bot(by=admin)
    asked = await admin.receive(chat=group)
    answered = await admin.press(asked, "否")
    assert answered.text == "好的，本群未绑定。如需绑定，请将我移出后重新拉进群。"
    assert _team_row(saima) == (None, True) and _audited(saima) == []
    assert (await admin.send("/rank", chat=group)).text == "本群尚未绑定任何班子的赛马场。"


async def test_track_switches_names_and_ranks_and_unlinks_audited(saima: Saima) -> None:
    _, li, _, _ = await a_board_that_moved(saima)
    admin = await owner(saima)
    group = await _in_linked_group(saima, li)
    shown = await admin.send("/track")
    assert shown.text == "赛马场：工作群「省政府党组工作群」。\n群内赛马榜显示姓名。"
    assert shown.labels == ["✓ 名字", "名次", "解除绑定"]
    assert (await li.send("/track")).text == "此功能仅限办公室（管理员）使用。"
    await li.press_data(shown, shown.callback_data[1], expect=0)  # a member forging the admin's button
    assert (await li.callback_answer()).text == "此功能仅限办公室（管理员）使用。"
    assert _team_row(saima) == (GROUP, True)
    ranks = await admin.press(shown, "名次")
    assert ranks.text == "赛马场：工作群「省政府党组工作群」。\n群内赛马榜只显示名次（成员A、成员B……）。"
    assert ranks.labels == ["名字", "✓ 名次", "解除绑定"]
    assert _team_row(saima) == (GROUP, False)
    board, _ = await li.send("/rank", chat=group, expect=2)
    assert board.text.splitlines()[3].startswith("1. 成员A  ")
    unlinked = await admin.press(ranks, "解除绑定")
    assert unlinked.text == "尚未绑定工作群。把我拉进班子的工作群即可将其设为赛马场。\n群内赛马榜只显示名次（成员A、成员B……）。"
    assert _team_row(saima) == (None, False)
    assert [action for action, _, _ in _audited(saima)] == ["race_names", "unlink_group"]
    assert _audited(saima)[0][1:] == ({"show_names_in_race": True}, {"show_names_in_race": False})
    assert (await li.send("/rank", chat=group)).text == "本群尚未绑定任何班子的赛马场。"


async def test_in_english_linking_and_track(saima: Saima) -> None:
    await a_board_that_moved(saima)
    admin = await owner(saima, lang="en")
    group = saima.control.group(GROUP, "Provincial team")
    await group.add_bot(by=admin)
    asked = await admin.receive(chat=group)
    assert asked.text == ("李主任, is this group the race track of 省政府党组? Boards and summaries would be posted "
                          "here. Only you can answer.")
    assert asked.labels == ["Yes", "No"]
    linked = await admin.press(asked, "Yes")
    # what the group is told from now on is in the team's language, whoever linked it
    assert linked.text.startswith("✅ 本群已绑定为「省政府党组」的赛马场")
    shown = await admin.send("/track")
    assert shown.text == "Race track: the group «Provincial team».\nThe group's boards show names."
    assert shown.labels == ["✓ Names", "Ranks", "Unlink the group"]
    ranks = await admin.press(shown, "Ranks")
    assert ranks.text.endswith("The group's boards show ranks only (Member A, Member B, …).")
    assert (await admin.callback_answer()).text == "The group's boards now show ranks only."
    names = await admin.press(ranks, "Names")
    assert names.labels == ["✓ Names", "Ranks", "Unlink the group"]
    assert [action for action, _, _ in _audited(saima)] == ["link_group", "race_names", "race_names"]


async def test_removing_the_bot_from_the_track_unlinks_it(saima: Saima) -> None:
    _, li, _, _ = await a_board_that_moved(saima)
    group = await _in_linked_group(saima, li)
    await group.remove_bot(by=li)
    admin = await owner(saima)  # a round trip: the removal was handled before this answer
    assert _team_row(saima) == (None, True)
    assert _audited(saima) == [("unlink_group", {"group_chat_id": GROUP}, {"group_chat_id": None})]
    assert (await admin.send("/track")).text.startswith("尚未绑定工作群。")


# --------------------------------------------------------------------------- Telegram upgrades the group

BASIC_GROUP, SUPERGROUP = -4001234, -1009876543210


async def _basic_group_linked(saima: Saima, admin: SimUser) -> SimGroup:
    """The team's group is a plain group (Telegram's first kind), linked; the bot is in it."""
    _link(saima, BASIC_GROUP)
    group = saima.control.group(BASIC_GROUP, "省政府党组工作群", chat_type="group")
    await group.add_bot(by=admin)
    assert (await admin.receive(chat=group)).text == "本群已是「省政府党组」的赛马场。"
    return group


async def test_the_track_follows_its_group_when_telegram_upgrades_it_to_a_supergroup(saima: Saima) -> None:
    """Telegram turns a group into a supergroup by itself (history for newcomers, more members, …): the old chat
    says so with migrate_to_chat_id and refuses everything after. The team stayed on the dead id: /rank in the
    supergroup answered 本群尚未绑定任何班子的赛马场。 and boards and summaries to the group never arrived."""
    admin = await owner(saima)
    zhang = await member(saima)
    group = await _basic_group_linked(saima, admin)
    supergroup = await group.upgrade(by=admin, supergroup_id=SUPERGROUP)
    board, chart = await zhang.send("/rank", chat=supergroup, expect=2)
    assert board.chat_id == SUPERGROUP and board.text.startswith("🏇 赛马榜") and chart.kind == "photo"
    assert _team_row(saima) == (SUPERGROUP, True)
    assert _audited(saima) == [("move_group", {"group_chat_id": BASIC_GROUP},
                                {"group_chat_id": SUPERGROUP, "messages_moved": 0})]  # once, of two service messages
    assert "赛马场工作群升级为超级群，绑定随之更新" in (await admin.send("/audit")).text
    shown = await admin.send("/track")
    assert shown.text.startswith("赛马场：工作群「省政府党组工作群」。")


async def test_a_summary_refused_by_the_upgraded_group_goes_to_the_supergroup_once(saima: Saima) -> None:
    """The bot never heard of the upgrade (updates older than a day are dropped): Monday's summary, queued for the
    old chat, is refused with the supergroup's id. It was failed for good; now the track follows the group
    (audited) and the summary goes to the supergroup, once."""
    admin = await owner(saima)
    await member(saima)
    group = await _basic_group_linked(saima, admin)
    with saima.db.session() as session:
        session.execute(update(Team).values(created_at=datetime(2026, 10, 1, tzinfo=SHANGHAI)))
    saima.clock.set(datetime(2026, 11, 23, 9, 5, tzinfo=SHANGHAI))
    application = saima.running.application
    await application.scheduler.tick()  # type: ignore[attr-defined]  # Monday's summary queued for the old chat
    supergroup = await group.upgrade(by=admin, supergroup_id=SUPERGROUP, announce=False)
    for _ in range(3):
        await application.delivery.tick()  # type: ignore[attr-defined]
    summaries = [m for m in await supergroup.bot_messages() if (m.body or "").startswith("📋 每周小结")]
    assert len(summaries) == 1 and summaries[0].chat_id == SUPERGROUP
    assert _team_row(saima) == (SUPERGROUP, True)
    assert [(action, before) for action, before, _ in _audited(saima)] == [
        ("move_group", {"group_chat_id": BASIC_GROUP})]
    with saima.db.session() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "summary",
                                                           OutboxMessage.member_id.is_(None))).all()
        assert [(row.chat_id, row.status, row.attempts) for row in rows] == [(SUPERGROUP, OutboxStatus.SENT, 1)]
