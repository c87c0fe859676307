"""Who may do what (issue 11): removal sticks until the office restores the member; a draft belongs to the
team it was started in; every press re-checks the record and the presser."""

from __future__ import annotations

from sqlalchemy import func, select

from core.domain import AssignmentStatus, MemberStatus, Role
from emulator.sim import SimUser
from storage.models import AuditEntry, Member, StudyAttendance, StudySession, Task, TaskAssignment
from tests.e2e.conftest import ADMIN_ID, Saima
from tests.e2e.helpers import owner_and_member, owner_and_two, second_team, stored_member


def _audit(saima: Saima, action: str) -> list[AuditEntry]:
    with saima.db.session() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


async def _remove(admin: SimUser, name: str, remove: str, confirm: str) -> None:
    """The admin removes `name` from the team through /members, as an office would."""
    card = await admin.press(await admin.send("/members"), name)
    await admin.press(await admin.press(card, remove), confirm)


async def test_a_removed_member_who_opens_the_team_invite_link_stays_removed_until_the_office_restores_them(
        saima: Saima) -> None:
    admin, zhang = await owner_and_member(saima)
    await _remove(admin, "张三", "移出班子", "移除")
    refused = await zhang.send(f"/start {saima.invite_code}")
    assert refused.text == "您已被移出「省政府党组」，此邀请不能让您重新加入。如需恢复，请联系办公室。"
    assert stored_member(saima, 1001).status is MemberStatus.REMOVED
    assert (await zhang.send("/me")).text.startswith("此功能仅限班子成员使用。")
    assert (await zhang.send(f"/join {saima.invite_code}")).text == refused.text
    listing = await admin.send("/members")
    assert listing.labels[-1] == "已移出的成员（1）"
    removed = await admin.press(listing, "已移出的成员（1）")
    assert removed.text.splitlines() == ["省政府党组：已移出 1 人（第 1/1 页）", "1. 张三 · 2026年11月21日（星期六）移出"]
    card = await admin.press(removed, "张三")
    assert card.text.startswith("张三已于2026年11月21日（星期六）移出班子。") and card.labels == ["恢复为班子成员", "为其生成一次性邀请", "‹ 返回"]
    restored = await admin.press(card, "恢复为班子成员", expect=1)
    assert restored.text.startswith("张三已恢复为班子成员。\n") and "张三 🏇 · 成员" in restored.text
    told = await zhang.bot_messages()
    assert told[-1].text == "办公室已将您恢复为「省政府党组」的成员。发送 /help 查看可用功能。"
    member = stored_member(saima, 1001)
    assert (member.status, member.role, member.removed_at) == (MemberStatus.ACTIVE, Role.MEMBER, None)
    assert [entry.entity_id for entry in _audit(saima, "restore")] == [member.id]
    assert not (await zhang.send("/me")).text.startswith("此功能仅限班子成员使用。")
    # pressing restore again (an old card) changes nothing
    await admin.press_data(card, f"mb:rs:{member.id}")
    assert (await admin.callback_answer()).text == "这个按钮已失效。"
    assert len(_audit(saima, "restore")) == 1


async def test_in_english_a_removed_member_is_told_to_ask_the_office_and_the_office_can_restore(
        saima: Saima) -> None:
    admin = saima.control.user(ADMIN_ID, "Director Li", language_code="en")
    await admin.send("/start")
    await admin.send("/lang en")
    tom = saima.control.user(1001, "Tom", language_code="en")
    await tom.send(f"/start {saima.invite_code}")
    await tom.send("/lang en")
    await _remove(admin, "Tom", "Remove from the team", "Remove")
    refused = await tom.send(f"/start {saima.invite_code}")
    assert refused.text == ("You were removed from 省政府党组, so this invite does not bring you back. "
                            "Please ask your team's office to restore you.")
    assert stored_member(saima, 1001).status is MemberStatus.REMOVED
    card = await admin.press(await admin.press(await admin.send("/members"), "Removed members (1)"), "Tom")
    restored = await admin.press(card, "Restore to the team", expect=1)
    assert restored.text.startswith("Tom is back in the team.")
    assert (await tom.bot_messages())[-1].text == (
        "The office has restored you to 省政府党组. Send /help to see what you can do.")
    assert stored_member(saima, 1001).status is MemberStatus.ACTIVE


def _count(saima: Saima, model: type, team_id: int | None = None) -> int:
    with saima.db.session() as session:
        query = select(func.count()).select_from(model)
        if team_id is not None:
            query = query.where(model.team_id == team_id)  # type: ignore[attr-defined]
        return session.scalar(query) or 0


async def test_a_study_draft_confirmed_after_switching_teams_is_refused_and_saved_only_back_in_its_own_team(
        saima: Saima) -> None:
    other_code = second_team(saima)
    zhang = saima.control.user(1001, "张三")
    await zhang.send(f"/start {saima.invite_code}")
    await zhang.send(f"/start {other_code}")  # in two teams; acting in 市政府党组 now
    await zhang.send(f"/start {saima.invite_code}")  # switched back to 省政府党组
    card = await zhang.send("/study 昨天 集体学习 2小时 优化营商环境条例")
    assert (await zhang.send(f"/start {other_code}")).text.startswith("您已是「市政府党组」的成员")
    await zhang.press(card, "确认", expect=0)
    answer = await zhang.callback_answer()
    assert answer.text == "此草稿是在「省政府党组」中开始的，您现在切换到了「市政府党组」：未保存任何内容。" \
                          "请打开「省政府党组」的邀请链接切换回去后再完成。"
    assert answer.show_alert and _count(saima, StudySession) == 0
    await zhang.send(f"/start {saima.invite_code}")
    saved = await zhang.press(card, "确认")
    assert saved.text.startswith("✅ 已保存")
    with saima.db.session() as session:
        assert session.scalars(select(StudySession.team_id)).all() == [saima.team_id]


async def test_in_english_a_task_draft_confirmed_after_switching_creates_nothing_in_the_other_team(
        saima: Saima) -> None:
    other_code = second_team(saima)
    admin = saima.control.user(ADMIN_ID, "Director Li", language_code="en")
    await admin.send("/start")  # owner of both teams
    await admin.send("/lang en")
    zhang = saima.control.user(1001, "Zhang")
    await zhang.send(f"/start {saima.invite_code}")
    wang = saima.control.user(1002, "Wang")
    await wang.send(f"/start {other_code}")
    await admin.send(f"/start {saima.invite_code}")  # acting in 省政府党组
    await admin.send("/task Report Q3 safety figures next Friday 5pm")
    attach = (await admin.press(await admin.send("Send the signed form."), "Members", expect=2))[-1]
    card = (await admin.press(attach, "No attachment", expect=2))[-1]
    assert "Zhang" in card.text
    await admin.send(f"/start {other_code}")  # switched to 市政府党组
    await admin.press(card, "Confirm", expect=0)
    answer = await admin.callback_answer()
    assert answer.text == ("Started in 省政府党组, but you now act in 市政府党组: nothing was saved. "
                           "Open 省政府党组's invite link to switch back and finish it.")
    assert _count(saima, Task) == 0 and _count(saima, TaskAssignment) == 0
    typed = await admin.send("/broadcast Meeting on Monday.")  # a new draft in the team acted in is fine
    assert typed.labels[0] == "Everyone"


def _attendance(saima: Saima) -> list[tuple[int, int]]:
    with saima.db.session() as session:
        return sorted((a, m) for a, m in session.execute(select(StudyAttendance.session_id,
                                                                 StudyAttendance.member_id)))


async def test_attendance_cannot_be_ticked_on_a_members_own_study_log_or_on_a_deleted_team_session(
        saima: Saima) -> None:
    admin, zhang = await owner_and_member(saima)
    await zhang.press(await zhang.send("/study 昨天 集体学习 2小时 条例"), "确认")
    roster = await admin.press(await admin.send("/session 11月18日下午 集体学习 3小时 二十届四中全会精神"), "确认")
    zhang_id = stored_member(saima, 1001).id
    with saima.db.session() as session:
        own = session.scalar(select(StudySession.id).where(StudySession.for_team.is_(False)))
        team = session.scalar(select(StudySession.id).where(StudySession.for_team.is_(True)))
    assert _attendance(saima) == [(own, zhang_id)]  # their own log counts their own attendance
    await admin.press_data(roster, f"att:{own}:{zhang_id}")  # a member's own log: not a team session
    assert (await admin.callback_answer()).text == "这个按钮已失效。"
    assert _attendance(saima) == [(own, zhang_id)]  # not un-ticked
    roster = await admin.press(roster, "张三")
    assert _attendance(saima) == [(own, zhang_id), (team, zhang_id)]
    with saima.db.session() as session:  # the session is deleted (from /mine) while the roster is open
        session.get_one(StudySession, team).deleted_at = saima.clock.now()
    await admin.press(roster, "✅ 张三", expect=0)
    assert (await admin.callback_answer()).text == "这个按钮已失效。"
    assert _attendance(saima) == [(own, zhang_id), (team, zhang_id)]


async def test_in_english_a_removed_member_cannot_snooze_a_task_from_an_old_nudge(saima: Saima) -> None:
    admin = saima.control.user(ADMIN_ID, "Director Li")
    await admin.send("/start")
    await admin.send("/lang en")
    tom = saima.control.user(1001, "Tom", language_code="en")
    await tom.send(f"/start {saima.invite_code}")
    await tom.send("/lang en")
    await admin.send("/task Report Q3 safety figures next Friday 5pm")
    attach = (await admin.press(await admin.send("Send the signed form."), "Members", expect=2))[-1]
    await admin.press((await admin.press(attach, "No attachment", expect=2))[-1], "Confirm")
    with saima.db.session() as session:
        assignment = session.scalars(select(TaskAssignment)).one()
    old = await tom.send("/help")
    await tom.press_data(old, f"nz:t:{assignment.id}:1")  # the owner, still in the team: snoozed
    assert ((await tom.callback_answer()).text or "").startswith("I will remind you again on")
    await _remove(admin, "Tom", "Remove from the team", "Remove")
    await tom.press_data(old, f"nz:t:{assignment.id}:3")
    assert (await tom.callback_answer()).text == "Only the member this item belongs to can snooze it."
    with saima.db.session() as session:
        snoozed = session.get_one(TaskAssignment, assignment.id).snoozed_until
    assert snoozed is not None and (snoozed - saima.clock.now()).days == 1  # not moved to 3 days


async def test_a_snooze_on_a_task_closed_since_the_nudge_is_refused(saima: Saima) -> None:
    admin, zhang = await owner_and_member(saima)
    await admin.send("/task 报送三季度安全生产情况 下周五下午5点")
    attach = (await admin.press(await admin.send("请附签字版报表"), "成员", expect=2))[-1]
    await admin.press((await admin.press(attach, "无附件", expect=2))[-1], "确认")
    with saima.db.session() as session:
        assignment = session.scalars(select(TaskAssignment)).one()
        assignment.status = AssignmentStatus.CLOSED  # 销账 since the nudge was sent
        assignment_id = assignment.id
    await zhang.press_data(await zhang.send("/help"), f"nz:t:{assignment_id}:1")
    assert (await zhang.callback_answer()).text == "这个按钮已失效。"
    with saima.db.session() as session:
        assert session.get_one(TaskAssignment, assignment_id).snoozed_until is None


async def test_an_invite_the_office_makes_for_a_removed_member_lets_only_them_back(saima: Saima) -> None:
    """The single-use link made on 张三's card is his alone: another removed member and a stranger are refused and
    do not use it up (a stranger used to join with it, and 张三 then found it used)."""
    admin, zhang, wang = await owner_and_two(saima)
    await _remove(admin, "张三", "移出班子", "移除")
    await _remove(admin, "王五", "移出班子", "移除")
    card = await admin.press(await admin.press(await admin.send("/members"), "已移出的成员（2）"), "张三")
    link = await admin.press(card, "为其生成一次性邀请", expect=1)
    assert link.text.startswith("张三的一次性返回邀请，有效期至2026年12月5日（星期六）：\nhttps://t.me/")
    code = link.text.rsplit("start=", 1)[1]
    not_yours = "此邀请是办公室为「省政府党组」的另一位成员生成的，请联系办公室获取您自己的链接。"
    assert (await wang.send(f"/start {code}")).text == not_yours  # made for 张三, not for 王五
    assert (await saima.control.user(2001, "赵六").send(f"/start {code}")).text == not_yours
    with saima.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Member).where(Member.telegram_user_id == 2001)) == 0
    back = await zhang.send(f"/start {code}")
    assert back.text.startswith("欢迎张三！您已作为成员加入「省政府党组」")
    assert stored_member(saima, 1001).status is MemberStatus.ACTIVE
    assert stored_member(saima, 1002).status is MemberStatus.REMOVED
    joins = [e.after for e in _audit(saima, "join") if e.entity_id == stored_member(saima, 1001).id]
    assert joins[-1] is not None and joins[-1]["readmitted"] is True
