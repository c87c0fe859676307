"""The admin desk: /members (roles, removal, leave, invite links), /targets, /audit and /export, in both
languages; members are refused every admin command, and forged presses from another team change nothing."""

from __future__ import annotations

import asyncio
import threading
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from config import Config
from core.domain import Duty, LeaveKind, MemberStatus, Role
from emulator import EmulatorThread, SimUser
from reports import ledger
from storage import members
from storage.models import AuditEntry, Invite, LeavePeriod, Member, Target, Team
from storage.targets import yearly_targets
from tests.e2e.conftest import ADMIN_ID, Saima
from tests.e2e.helpers import another_teams_owner, owner_and_two, restart, stored_member

ADMIN_ONLY = "此功能仅限办公室（管理员）使用。"
INVALID = "这个按钮已失效。"


async def _team(saima: Saima) -> tuple[SimUser, SimUser, SimUser]:
    return await owner_and_two(saima)


def _snapshot(saima: Saima) -> tuple:  # type: ignore[type-arg]
    """Everything the desk can change."""
    with saima.db.session() as session:
        roles = sorted((m.telegram_user_id, m.role.value, m.status.value) for m in session.scalars(select(Member)))
        return (roles, session.scalar(select(func.count()).select_from(LeavePeriod)),
                session.scalar(select(func.count()).select_from(Target)),
                session.scalar(select(func.count()).select_from(Invite)))


async def test_members_shows_the_team_and_the_owner_promotes_and_demotes(saima: Saima) -> None:
    admin, _, _ = await _team(saima)
    page = await admin.send("/members")
    # the owner is the office (📋, not in the race); 张三 and 王五 race (🏇), asked for the whole year: far behind
    assert page.text.splitlines()[:4] == ["省政府党组：共 3 人（第 1/1 页）", "1. 📋 李主任 · 负责人 · 中文",
                                          "2. ❗ 张三 🏇 · 成员 · 中文", "3. ❗ 王五 🏇 · 成员 · 中文"]
    assert page.labels == ["1. 李主任", "2. 张三", "3. 王五", "🔗 邀请链接"]
    card = await admin.press(page, "张三")
    assert card.text.startswith("❗ 张三 🏇 · 成员 · 中文\n参加赛马：参与排名，接收进度提醒。\n"
                                "全年在任（未设任职日期、离任日期）。")
    assert "首次使用机器人：2026年11月21日（星期六）" in card.text
    assert card.labels == ["设为管理员", "登记请假/出国/脱产学习", "设置任职日期", "设置离任日期", "不参加赛马",
                           "移出班子", "‹ 返回名单"]
    card = await admin.press(card, "设为管理员")
    assert card.text.startswith("张三已设为管理员。\n❗ 张三 🏇 · 管理员")
    assert stored_member(saima, 1001).role is Role.ADMIN
    card = await admin.press(card, "改为成员")
    assert card.text.startswith("张三已改为成员。") and stored_member(saima, 1001).role is Role.MEMBER
    own = await admin.press(await admin.press(card, "返回名单"), "李主任")
    assert own.labels == ["登记请假/出国/脱产学习", "设置任职日期", "设置离任日期", "参加赛马",
                          "‹ 返回名单"]  # the owner is never demoted or removed
    with saima.db.session() as session:
        actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "member")
                                       .order_by(AuditEntry.id)))
    assert actions[-2:] == ["promote", "demote"]


async def test_removal_asks_first_keeps_records_and_ends_access(saima: Saima) -> None:
    admin, zhang, _ = await _team(saima)
    await zhang.press(await zhang.send("/study 昨天 集体学习 2小时 条例"), "确认")
    card = await admin.press(await admin.send("/members"), "张三")
    confirm = await admin.press(card, "移出班子")
    assert confirm.text.startswith("确定将张三移出班子吗？") and confirm.labels == ["移除", "取消"]
    back = await admin.press(confirm, "取消")
    assert back.text.startswith("❗ 张三") and stored_member(saima, 1001).status is MemberStatus.ACTIVE
    listing = await admin.press(await admin.press(back, "移出班子"), "移除")
    assert listing.text.splitlines()[:2] == ["已将张三移出班子。", "省政府党组：共 2 人（第 1/1 页）"]
    removed = stored_member(saima, 1001)
    assert removed.status is MemberStatus.REMOVED and removed.removed_at is not None
    assert (await zhang.send("/me")).text.startswith("此功能仅限班子成员使用。")
    export = await admin.send("/export")
    book = load_workbook(BytesIO(await _download(saima, export)))
    assert book["学习"]["E2"].value == "张三"  # the removed member's records stay in the ledger


async def test_an_admin_records_leave_in_plain_dates_and_it_survives_a_restart(saima: Saima) -> None:
    admin, _, _ = await _team(saima)
    card = await admin.press(await admin.send("/members"), "王五")
    kinds = await admin.press(card, "登记请假")
    assert kinds.labels == ["请假", "出国", "脱产学习", "取消"]
    prompt = await admin.press(kinds, "出国")
    assert prompt.text.startswith("王五出国：请输入日期")
    await restart(saima)
    done = await admin.send("下周五")
    assert done.text.startswith("已登记：王五，出国，2026年11月27日（星期五）。")
    with saima.db.session() as session:
        period = session.scalar(select(LeavePeriod))
    assert period is not None and period.kind is LeaveKind.ABROAD
    assert (period.start_date, period.end_date) == (date(2026, 11, 27), date(2026, 11, 27))
    again_prompt = await admin.press(await admin.press(await admin.send("/members"), "王五"), "登记请假")
    await admin.press(again_prompt, "请假")
    assert (await admin.send("什么时候")).text.startswith("无法识别这个日期")
    assert (await admin.send("/cancel")).text == "已取消，没有作任何更改。"
    with saima.db.session() as session:
        assert session.scalar(select(func.count()).select_from(LeavePeriod)) == 1


async def test_targets_are_set_for_the_team_and_one_member_with_specific_replies(saima: Saima) -> None:
    admin, _, _ = await _team(saima)
    overview = await admin.send("/targets")
    assert overview.text.splitlines()[:2] == ["2026 年度目标：", "• 下基层调研：60 天（默认）"]
    whom = await admin.press(overview, "下基层调研")
    assert whom.labels == ["全体成员", "李主任", "张三", "王五", "取消"]
    prompt = await admin.press(whom, "全体成员")
    assert prompt.text.startswith("下基层调研（全体成员）的年度目标：请输入 0 到 366 之间的整数。")
    assert (await admin.send("很多")).text == "请输入数字，如 60。（发送 /cancel 取消）"
    assert (await admin.send("45.5")).text == "请输入整数，如 6。（发送 /cancel 取消）"
    assert (await admin.send("400")).text == "目标须在 0 到 366 之间。（发送 /cancel 取消）"
    saved = await admin.send("50天")
    assert saved.text.splitlines()[:3] == ["已保存：下基层调研目标现为 50。", "2026 年度目标：",
                                           "• 下基层调研：50 天（班子设定）"]
    prompt = await admin.press(await admin.press(saved, "集体学习"), "张三")
    saved = await admin.send("8")
    assert "• 张三 · 集体学习：8 次" in saved.text
    zhang, wang_id = stored_member(saima, 1001), stored_member(saima, 1002).id
    with saima.db.session() as session:
        mine = yearly_targets(session, team_id=saima.team_id, member_id=zhang.id, year=2026,
                              defaults=Config().team_defaults.targets)
        wang = yearly_targets(session, team_id=saima.team_id, member_id=wang_id, year=2026,
                              defaults=Config().team_defaults.targets)
        assert session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "set_target")) == 2
    assert (mine[Duty.RESEARCH_DAYS], mine[Duty.COLLECTIVE_STUDY]) == (Decimal(50), Decimal(8))
    assert (wang[Duty.RESEARCH_DAYS], wang[Duty.COLLECTIVE_STUDY]) == (Decimal(50), Decimal(6))


async def test_the_audit_log_reads_in_the_readers_language(saima: Saima) -> None:
    admin, _, _ = await _team(saima)
    await admin.press(await admin.press(await admin.send("/members"), "张三"), "设为管理员")
    log = await admin.send("/audit")
    assert log.text.splitlines()[:2] == ["操作日志（第 1/1 页，最新在前，本地时间）：",
                                         "11月21日 10:30 · 李主任 · 设为管理员 · 张三"]
    await admin.send("/lang en")
    log = await admin.send("/audit")
    assert log.text.splitlines()[0] == "Change log (page 1 of 1, newest first, team time):"
    assert "21 Nov 10:30 · 李主任 · made admin · 张三" in log.text


async def test_the_desk_in_english(saima: Saima) -> None:
    admin, _, _ = await _team(saima)
    await admin.send("/lang en")
    page = await admin.send("/members")
    assert page.text.splitlines()[:2] == ["省政府党组: 3 members (page 1 of 1)", "1. 📋 李主任 · owner · English"]
    card = await admin.press(page, "王五")
    kinds = await admin.press(card, "Record leave")
    assert kinds.labels == ["personal leave", "abroad", "full-time training", "Cancel"]
    await admin.press(kinds, "full-time training")
    done = await admin.send("Dec 1-5")
    assert done.text.startswith("Recorded: 王五, full-time training, Tue 1 Dec to Sat 5 Dec 2026.")
    links = await admin.press(await admin.send("/members"), "Invite links")
    assert links.labels == ["Single-use link", "Reusable link, expires in 14 days", "‹ Back to the list"]
    link = await admin.press(links, "Single-use link")
    assert link.text.startswith("Single-use invite to 省政府党组, valid until Sat 5 Dec 2026:\nhttps://t.me/")
    with saima.db.session() as session:
        assert session.scalar(select(Invite.max_uses).order_by(Invite.id.desc()).limit(1)) == 1
    overview = await admin.send("/targets")
    assert overview.text.splitlines()[:2] == ["Yearly targets for 2026:",
                                              "• Grassroots research: 60 days (default)"]
    prompt = await admin.press(await admin.press(overview, "Collective law study"), "The whole team")
    assert prompt.text.startswith("Yearly target for Collective law study (the whole team)")
    assert (await admin.send("five")).text == "Please type a number, e.g. 60. (/cancel to stop)"
    assert (await admin.send("5")).text.startswith("Saved: Collective law study is now 5.")
    export = await admin.send("/export")
    assert export.kind == "document" and export.file_name == "ledger-省政府党组-2026.xlsx"
    book = load_workbook(BytesIO(await _download(saima, export)))
    assert book.sheetnames[0] == "Progress" and book["Progress"]["A1"].value == "Member"


async def test_export_sends_the_chinese_workbook(saima: Saima) -> None:
    admin, zhang, _ = await _team(saima)
    await zhang.press(await zhang.send("/trip 11月5日至8日 淳安县 共同富裕"), "确认")
    export = await admin.send("/export")
    assert export.kind == "document" and export.file_name == "台账-省政府党组-2026.xlsx"
    assert export.caption == "省政府党组 2026 年台账。"
    book = load_workbook(BytesIO(await _download(saima, export)))
    assert book.sheetnames == ["进度", "调研", "办理事项", "学习", "出席", "建议提案", "督办事项", "重点课题", "考评"]
    assert book["调研"]["B2"].value.date() == date(2026, 11, 5)
    assert (await admin.send("/export 1999")).text.startswith("发送 /export 导出本年度台账")


async def test_members_are_answered_while_a_ledger_is_being_built(saima: Saima,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    admin, zhang, _ = await _team(saima)
    building, release = threading.Event(), threading.Event()
    real_workbook = ledger.workbook

    def slow_workbook(*args, **kwargs):  # type: ignore[no-untyped-def]
        building.set()
        assert release.wait(timeout=30)
        return real_workbook(*args, **kwargs)

    monkeypatch.setattr(ledger, "workbook", slow_workbook)
    export = asyncio.create_task(admin.send("/export"))
    assert await asyncio.to_thread(building.wait, 30)
    me = await zhang.send("/me")  # answered while the admin's workbook is still being written
    assert "集体学习" in me.text and not export.done()
    release.set()
    assert (await export).kind == "document"


async def test_a_member_is_refused_every_admin_command_and_button(saima: Saima) -> None:
    _, zhang, wang = await _team(saima)
    before = _snapshot(saima)
    for command in ("/members", "/targets", "/audit", "/export"):
        assert (await zhang.send(command)).text == ADMIN_ONLY
    own = await zhang.send("/me")
    wang_id = stored_member(saima, 1002).id
    for data in (f"mb:pr:{wang_id}", f"mb:RM:{wang_id}", f"mb:lk:{wang_id}:leave", "mb:in:1", "tg:w:0:0",
                 f"mb:v:{wang_id}"):
        await zhang.press_data(own, data)
        assert (await zhang.callback_answer()).text == ADMIN_ONLY
    await zhang.press_data(own, "au:p:0")
    assert (await zhang.callback_answer()).text == ADMIN_ONLY
    assert (await zhang.send("12月1日至5日")).text != "已登记"  # no step was opened for them
    assert _snapshot(saima) == before


async def test_forged_presses_from_another_teams_admin_change_nothing(saima: Saima) -> None:
    admin, _, _ = await _team(saima)
    other = await another_teams_owner(saima)
    own = await other.send("/members")
    assert "张三" not in own.text
    zhang, owner = stored_member(saima, 1001), stored_member(saima, ADMIN_ID)
    before = _snapshot(saima)
    for data in (f"mb:pr:{zhang.id}", f"mb:RM:{zhang.id}", f"mb:rm:{zhang.id}", f"mb:de:{owner.id}",
                 f"mb:lk:{zhang.id}:abroad", f"mb:v:{zhang.id}", f"tg:w:0:{zhang.id}"):
        await other.press_data(own, data)
        assert (await other.callback_answer()).text == INVALID
    assert (await other.send("12月1日至5日", expect=1)).text != ""  # no leave step was opened
    assert _snapshot(saima) == before
    # An admin who is not the owner cannot change roles either, even with forged data.
    await admin.press(await admin.press(await admin.send("/members"), "张三"), "设为管理员")
    zhang_client = saima.control.user(1001, "张三")
    mine = await zhang_client.send("/members")
    await zhang_client.press_data(mine, f"mb:pr:{stored_member(saima, 1002).id}")
    assert (await zhang_client.callback_answer()).text == "只有负责人可以设置或取消管理员。"
    await zhang_client.press_data(mine, f"mb:RM:{owner.id}")
    assert (await zhang_client.callback_answer()).text == "负责人不能被移出。"
    assert stored_member(saima, 1002).role is Role.MEMBER and stored_member(saima, ADMIN_ID).status is MemberStatus.ACTIVE


_EMULATOR: list[EmulatorThread] = []


@pytest.fixture(autouse=True)
def _emulator(emulator_thread: EmulatorThread) -> None:
    _EMULATOR[:] = [emulator_thread]


async def _download(saima: Saima, message) -> bytes:  # type: ignore[no-untyped-def]
    """The document's bytes as the emulator stored them (the newest file of that name)."""
    assert message.kind == "document"
    files = [f for f in _EMULATOR[0].emulator.world.files.by_id.values() if f.file_name == message.file_name]
    return bytes(files[-1].content)


async def test_leave_dates_without_a_year_are_read_as_the_nearest_ones(saima: Saima) -> None:
    admin, _, _ = await _team(saima)
    for typed, expected in (("11月2日至6日", (date(2026, 11, 2), date(2026, 11, 6))),
                            ("12月1日至5日", (date(2026, 12, 1), date(2026, 12, 5)))):
        card = await admin.press(await admin.send("/members"), "王五")
        await admin.press(await admin.press(card, "登记请假"), "请假")
        assert (await admin.send(typed)).text.startswith("已登记：王五，请假")
        with saima.db.session() as session:
            period = session.scalar(select(LeavePeriod).order_by(LeavePeriod.id.desc()).limit(1))
            assert period is not None and (period.start_date, period.end_date) == expected


async def test_a_large_team_picks_a_member_for_a_target_page_by_page(saima: Saima) -> None:
    admin, _, _ = await _team(saima)
    with saima.db.session() as session:
        team = session.get(Team, saima.team_id)
        assert team is not None
        for i in range(30):
            members.add(session, team=team, telegram_user_id=5000 + i, display_name=f"成员{i:02d}", username=None,
                        role=Role.MEMBER, status=MemberStatus.ACTIVE, now=saima.clock.now(), joined_on=None)
    whom = await admin.press(await admin.send("/targets"), "集体学法")
    assert len(whom.labels) == 1 + 24 + 2 and whom.labels[-2:] == ["下一页 ›", "取消"]
    more = await admin.press(whom, "下一页 ›")
    assert more.labels[1:-2] == [f"成员{i:02d}" for i in range(21, 30)] and more.labels[-2] == "‹ 上一页"
    await admin.press(more, "成员29")
    assert (await admin.send("2")).text.startswith("已保存：集体学法目标现为 2。")


async def test_an_admin_removed_by_the_owner_comes_back_only_as_astored_member(saima: Saima) -> None:
    admin, zhang, _ = await _team(saima)
    card = await admin.press(await admin.press(await admin.send("/members"), "张三"), "设为管理员")
    await admin.press(await admin.press(card, "移出班子"), "移除")
    assert (await zhang.send("/members")).text == ADMIN_ONLY
    removed = stored_member(saima, 1001)
    assert (removed.status, removed.role) == (MemberStatus.REMOVED, Role.MEMBER)
    await zhang.send(f"/start {saima.invite_code}")
    assert (await zhang.send("/members")).text == ADMIN_ONLY


async def _menu(saima: Saima, user_id: int) -> list[str]:
    found = await saima.control.commands(chat_id=user_id, user_id=user_id, language_code="zh-hans")
    return [command["command"] for command in found["effective"]]


async def test_a_members_private_menu_follows_their_role_and_removal(saima: Saima) -> None:
    """Made an admin on the /members card, 张三's menu offers the admin commands; made a member again, it does not;
    removed, it is a stranger's (no /me, which would now answer "only for members"); restored, a member's again.
    The menu used to change only when someone joined or chose a language."""
    admin, _zhang, _wang = await owner_and_two(saima)
    assert "invite" not in await _menu(saima, 1001) and "me" in await _menu(saima, 1001)
    card = await admin.press(await admin.send("/members"), "张三")
    card = await admin.press(card, "设为管理员")
    assert "invite" in await _menu(saima, 1001)
    await admin.press(card, "改为成员")
    assert "invite" not in await _menu(saima, 1001)
    card = await admin.press(await admin.send("/members"), "张三")
    await admin.press(await admin.press(card, "移出班子"), "移除")
    assert "me" not in await _menu(saima, 1001)
    card = await admin.press(await admin.press(await admin.send("/members"), "已移出的成员（1）"), "张三")
    await admin.press(card, "恢复", expect=1)
    assert "me" in await _menu(saima, 1001) and "invite" not in await _menu(saima, 1001)


async def test_a_member_whose_term_ended_is_not_marked_behind_in_members(saima: Saima) -> None:
    """张三 left office on 30 September: nothing more is asked of him (the summary does not list him behind, no
    pace reminder goes to him), so /members marks him 🏁 and his card says so, instead of ❗ and "with pace reminders"."""
    admin, _zhang, _wang = await owner_and_two(saima)
    with saima.db.session() as session:
        stored = session.get_one(Member, stored_member(saima, 1001).id)
        stored.left_office_on = date(2026, 9, 30)
    behind = (await admin.send("/summary")).text.split("进度落后：")[1]
    assert "王五" in behind and "张三" not in behind
    listing = await admin.send("/members")
    line = next(line for line in listing.text.splitlines() if "张三" in line)
    assert line.startswith("2. 🏁 张三 🏇") and "🏁 已离任" in listing.text
    card = await admin.press(listing, "张三")
    assert "参加赛马：参与排名；已离任，不再接收进度提醒。" in card.text.splitlines()


async def test_leave_recorded_for_next_year_shows_on_the_card(saima: Saima) -> None:
    """出国 recorded on 21 November for 5–10 January: the card lists it (it listed only this year's leave, so the
    office read "已登记" and then saw nothing)."""
    admin, _zhang, _wang = await owner_and_two(saima)
    card = await admin.press(await admin.send("/members"), "张三")
    await admin.press(await admin.press(card, "登记请假"), "出国")
    assert (await admin.send("2027年1月5日至1月10日")).text.startswith("已登记：张三，出国")
    card = await admin.press(await admin.send("/members"), "张三")
    assert any(line.startswith("出国：2027年1月5日") for line in card.text.splitlines()), card.text


async def test_a_member_back_by_the_offices_invite_keeps_the_day_they_first_opened_the_bot(saima: Saima) -> None:
    """张三 joined on 21 November, was removed and came back on the 24th by the link made on his card: his card
    still says he first opened the bot on the 21st (it said the 24th)."""
    admin, zhang, _wang = await owner_and_two(saima)
    card = await admin.press(await admin.send("/members"), "张三")
    await admin.press(await admin.press(card, "移出班子"), "移除")
    saima.clock.advance(timedelta(days=3))
    card = await admin.press(await admin.press(await admin.send("/members"), "已移出的成员（1）"), "张三")
    link = await admin.press(card, "为其生成一次性邀请", expect=1)
    assert (await zhang.send(f"/start {link.text.rsplit('start=', 1)[1]}")).text.startswith("欢迎张三！")
    card = await admin.press(await admin.send("/members"), "张三")
    assert "首次使用机器人：2026年11月21日（星期六）" in card.text.splitlines()


async def test_leave_too_far_ahead_is_refused_as_leave_not_as_a_deadline(saima: Saima) -> None:
    """Leave typed for 2032 is refused in the words of leave, and the office may type the dates again (it was told
    "期限最多…", a deadline's wording); nothing is recorded."""
    admin, _zhang, _wang = await owner_and_two(saima)
    card = await admin.press(await admin.send("/members"), "张三")
    await admin.press(await admin.press(card, "登记请假"), "出国")
    refused = await admin.send("2032年1月5日至1月10日")
    assert refused.text == "请假最多可提前 5 年登记。请重新输入更近的日期，或发送 /cancel 取消。"
    assert (await admin.send("2027年1月5日至1月10日")).text.startswith("已登记：张三，出国")
    with saima.db.session() as session:
        assert session.scalar(select(func.count()).select_from(LeavePeriod)) == 1


async def test_leave_recorded_by_mistake_is_deleted_from_the_card_after_asking(saima: Saima) -> None:
    """出国 recorded for 张三 by mistake: the card offers to delete it, asks first, deletes it (audited, with what it
    was), and the card no longer lists it; the same delete pressed again changes nothing. There was no way to
    take back a leave period, which shortens the member's targets and holds back their reminders."""
    admin, _zhang, _wang = await owner_and_two(saima)
    card = await admin.press(await admin.send("/members"), "张三")
    await admin.press(await admin.press(card, "登记请假"), "出国")
    assert (await admin.send("11月23日至27日")).text.startswith("已登记：张三，出国")
    card = await admin.press(await admin.send("/members"), "张三")
    asked = await admin.press(card, "删除：出国 2026年11月23日")
    assert asked.text.startswith("删除张三的这段假期（出国：") and asked.labels == ["删除", "取消"]
    _, delete = asked.button("删除")
    assert delete is not None
    done = await admin.press(asked, "删除")
    assert done.text.startswith("已删除：张三的假期（出国：") and "出国：" not in done.text.splitlines()[1:]
    assert not any(label.startswith("删除：") for label in done.labels)
    with saima.db.session() as session:
        assert session.scalar(select(func.count()).select_from(LeavePeriod)) == 0
        entry = session.scalar(select(AuditEntry).where(AuditEntry.entity == "leave_period",
                                                         AuditEntry.action == "delete"))
        assert entry is not None and entry.before is not None and entry.before["kind"] == "abroad"
    await admin.press_data(done, delete)
    assert (await admin.callback_answer()).text == "这个按钮已失效。"
