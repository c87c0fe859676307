"""Supervised tasks (督办事项) end to end over the emulator, in Chinese and in English: an admin assigns a
task with an attachment and a plain-language due date; the assignees are told through the outbox; one
reports done with a photo; the creator returns it with a reason; the member reports again; the admin
closes it (销账); /tasks and /me show each step. Members are refused /task, /tasks and forged presses;
another team's admin changes nothing; the nudge's Done button opens the report; a restart mid-flow
carries on at the same step. An admin cancels a task (撤销): asked first, its assignees told, gone from
every list and nudge, old buttons and a report in progress say so."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from core.domain import AssignmentStatus, MemberStatus, Role
from emulator.sim import BotMessage, SimUser
from storage import members
from storage.models import AuditEntry, Member, OutboxMessage, Task, TaskAssignment, Team
from tests.conftest import SHANGHAI
from tests.e2e.conftest import Saima
from tests.e2e.helpers import another_teams_owner, owner_and_two, restart

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
PDF = b"%PDF-1.4\n% a notice\n"


async def _team(saima: Saima, lang: str = "zh") -> tuple[SimUser, SimUser, SimUser]:
    """The owner (李主任) and two members (张三, 王五), on a Monday morning so messages go out at once."""
    saima.clock.set(MONDAY)
    admin, zhang, wang = await owner_and_two(saima)
    if lang == "en":
        for user in (admin, zhang, wang):
            await user.send("/lang en")
    return admin, zhang, wang


async def _deliver(saima: Saima) -> None:
    await saima.running.application.delivery.tick()  # type: ignore[attr-defined]


async def _choose(user: SimUser, message: BotMessage, label: str) -> BotMessage:
    """Presses a choice under a question: its buttons go, the next question (or the card) comes."""
    replies = await user.press(message, label, expect=2)
    assert isinstance(replies, list)
    return replies[-1]


async def _assigned(saima: Saima, admin: SimUser, due: str, who: str) -> None:
    """The admin assigns 整改台账 due `due` to `who` (no details, no attachment), and the assignees are told."""
    card = await _choose(admin, await admin.send(f"/task 整改台账 {due}"), "无具体要求")
    card = await _choose(admin, await _choose(admin, card, who), "无附件")
    await admin.press(card, "确认")
    await _deliver(saima)


def _assignments(saima: Saima) -> list[tuple[str, str, str | None]]:
    with saima.db.session() as session:
        rows = session.execute(select(Member.display_name, TaskAssignment.status, TaskAssignment.evidence_kind)
                               .join(Member, Member.id == TaskAssignment.member_id).order_by(TaskAssignment.id))
        return [(name, status.value, evidence) for name, status, evidence in rows]


def _assignment_id(saima: Saima, telegram_id: int) -> int:
    with saima.db.session() as session:
        found = session.scalar(select(TaskAssignment.id).join(Member, Member.id == TaskAssignment.member_id)
                               .where(Member.telegram_user_id == telegram_id).order_by(TaskAssignment.id.desc()))
        assert found is not None
        return found


def _snapshot(saima: Saima) -> tuple:  # type: ignore[type-arg]
    with saima.db.session() as session:
        return (session.scalar(select(func.count()).select_from(Task)),
                sorted((a.id, a.status.value, a.report_note) for a in session.scalars(select(TaskAssignment))),
                session.scalar(select(func.count()).select_from(OutboxMessage)))


async def test_the_whole_loop_in_english(saima: Saima) -> None:
    admin, zhang, wang = await _team(saima, "en")
    detail = await admin.send("/task Report Q3 safety figures next Friday 5pm")
    assert detail.text.startswith("Any details or requirements?")
    who = await admin.send("Send the signed form to the office.")
    assert who.labels == ["Everyone", "The office (admins)", "Members", "Pick members…"]
    attach = await _choose(admin, who, "Members")
    assert attach.text.startswith("Send a photo or a document")
    card = await admin.send_file("document", "notice.pdf", PDF)
    assert card.text.splitlines()[:6] == [
        "📌 New supervised task", "Task: Report Q3 safety figures", "Details: Send the signed form to the office.",
        "Due: Fri 4 Dec 2026, 17:00", "Assignees: Members, 2 people: 张三, 王五", "Attachment: a document"]
    saved = await admin.press(card, "Confirm")
    assert "Assigned to 2 people" in saved.text
    await _deliver(saima)
    told = await zhang.receive()
    assert told.kind == "document" and told.caption is not None
    assert told.caption.startswith("📌 Supervised task from 李主任\n《Report Q3 safety figures》")
    assert told.labels == ["✍️ Sign for it (签收)", "✅ Report done"]
    assert (await wang.receive()).kind == "document"

    asked = await zhang.press(told, "Report done")
    assert asked.text.startswith("What was done?")
    evidence = await zhang.send("Sent on Monday.")
    card = await _choose(zhang, evidence, "No evidence")
    assert card.text.startswith("Report done: “Report Q3 safety figures”\nNote: Sent on Monday.\nEvidence: none")
    done = await zhang.press(card, "Confirm")
    assert "Reported to the office" in done.text
    await _deliver(saima)
    report = await admin.receive()
    assert report.text.startswith("📥 张三 reported “Report Q3 safety figures” done.")
    assert report.labels == ["View", "✅ Close (销账)", "↩️ Return"]
    listing = await admin.send("/tasks")
    assert "0/2 closed · 1 reported · 1 open" in listing.text
    closed = await admin.press(report, "Close")
    assert closed.text.startswith("✅ Closed (销账). 张三 is told.")
    await admin.press_data(report, f"tk:c:{_assignment_id(saima, 1001)}")
    assert (await admin.callback_answer()).text == "This task is already closed (销账); nothing was changed."
    await _deliver(saima)
    assert (await zhang.receive()).text.startswith("✅ 李主任 confirmed “Report Q3 safety figures” closed")
    assert _assignments(saima) == [("张三", "closed", None), ("王五", "assigned", None)]
    me = await wang.send("/me")
    assert "⚪ Report Q3 safety figures · due 4 Dec 17:00" in me.text  # no warning light yet


async def test_the_whole_loop_in_chinese_with_a_photo_a_return_and_a_second_report(saima: Saima) -> None:
    admin, zhang, wang = await _team(saima)
    detail = await admin.send("/task 报送三季度安全生产情况 下周五下午5点")
    assert detail.text.startswith("有什么具体要求？")
    who = await admin.send("请附签字版报表")
    attach = await _choose(admin, who, "成员")
    assert attach.text.startswith("如有附件，请发送图片或文件")
    assert _snapshot(saima)[0] == 0  # nothing stored before Confirm
    card = await admin.send_file("photo", "通知.png", PNG)
    assert card.text.splitlines()[:6] == [
        "📌 新督办事项", "事项：报送三季度安全生产情况", "具体要求：请附签字版报表",
        "截止日期：2026年12月4日（星期五）17:00", "承办人：成员，共 2 人：张三、王五", "附件：图片"]
    assert card.labels == ["确认", "修改", "取消"]
    saved = await admin.press(card, "确认")
    assert "已交办给 2 人" in saved.text
    listing = await admin.send("/tasks")
    assert listing.text.splitlines()[1] == \
        "1. ⚪ 报送三季度安全生产情况 · 12月4日 17:00 截止 · 已销账 0/2 · 已报结 0 · 未完成 2"

    await _deliver(saima)
    told = await zhang.receive()
    assert told.kind == "photo" and told.caption is not None
    assert told.caption.splitlines()[:3] == ["📌 李主任交办的督办事项", "《报送三季度安全生产情况》", "请附签字版报表"]
    assert told.labels == ["✍️ 签收", "✅ 报结"]
    assert (await wang.receive()).kind == "photo"
    assert "⚪ 报送三季度安全生产情况 · 12月4日 17:00 截止" in (await zhang.send("/me")).text

    # 张三 reports done with a photo as evidence
    asked = await zhang.press(told, "报结")
    assert asked.text.startswith("办理情况如何？")
    evidence = await zhang.send("已报送安监局")
    card = await zhang.send_file("photo", "回执.png", PNG)
    assert card.text.splitlines() == ["报结：“报送三季度安全生产情况”", "报结说明：已报送安监局", "佐证材料：图片", "",
                                      "以上内容是否正确？"]
    done = await zhang.press(card, "确认")
    assert "已报办公室" in done.text
    assert _assignments(saima) == [("张三", "reported", "photo"), ("王五", "assigned", None)]
    assert "📥 报送三季度安全生产情况 · 已报结，待确认" in (await zhang.send("/me")).text
    await zhang.press_data(told, f"fs:taskdone:{_assignment_id(saima, 1001)}")  # the old button, pressed again
    assert (await zhang.callback_answer()).text == "该事项已报结，正等待办公室确认，未作任何更改。"
    del evidence

    # the creator is told; views the card, sees the evidence again, and returns it with a reason
    await _deliver(saima)
    report = await admin.receive()
    assert report.text.splitlines()[:3] == ["📥 张三已报结“报送三季度安全生产情况”。", "报结说明：已报送安监局",
                                            "佐证材料：图片"]
    assert report.labels == ["查看", "✅ 销账", "↩️ 退回"]
    assert "已销账 0/2 · 已报结 1 · 未完成 1" in (await admin.send("/tasks")).text
    view = await admin.press(report, "查看")
    assert view.labels == ["📎 查看佐证材料", "✅ 销账", "↩️ 退回", "‹ 返回事项"]
    again = await admin.press(view, "查看佐证材料")
    assert again.kind == "photo" and (again.caption or "").startswith("张三的佐证材料")
    reason = await admin.press(view, "退回")
    assert reason.text.startswith("为什么退回？")
    card = await admin.send("缺少签字版报表")
    assert card.text.startswith("将“报送三季度安全生产情况”退回给张三\n退回理由：缺少签字版报表")
    returned = await admin.press(card, "确认")
    assert "已退回给张三" in returned.text
    assert _assignments(saima)[0] == ("张三", "assigned", "photo")
    await admin.press_data(view, f"tk:c:{_assignment_id(saima, 1001)}")  # the old card's Close: not reported now
    assert (await admin.callback_answer()).text == "该事项尚未报结（或已被退回），未作任何更改。"

    # 张三 is told the reason, and reports again from that message
    await _deliver(saima)
    back = await zhang.receive()
    assert back.text.splitlines()[:2] == ["↩️ 李主任退回了您对“报送三季度安全生产情况”的报结。", "退回理由：缺少签字版报表"]
    await zhang.press(back, "报结")
    evidence = await zhang.send("已补充签字版报表")
    card = await _choose(zhang, evidence, "无佐证材料")
    await zhang.press(card, "确认")

    # the admin closes it (销账); a second press changes nothing and says so
    await _deliver(saima)
    report = await admin.receive()
    closed = await admin.press(report, "销账")
    assert closed.text.startswith("✅ 已销账，已通知张三。")
    await admin.press_data(report, f"tk:c:{_assignment_id(saima, 1001)}")
    answer = await admin.callback_answer()
    assert answer.show_alert and answer.text == "该事项已销账，未作任何更改。"
    assert _assignments(saima) == [("张三", "closed", None), ("王五", "assigned", None)]
    await admin.press_data(report, f"fs:taskreturn:{_assignment_id(saima, 1001)}")
    assert (await admin.callback_answer()).text == "该事项已销账，未作任何更改。"
    await _deliver(saima)
    assert (await zhang.receive()).text == "✅ 李主任已确认“报送三季度安全生产情况”销账，谢谢。"
    await zhang.press_data(told, f"fs:taskdone:{_assignment_id(saima, 1001)}")
    assert (await zhang.callback_answer()).text == "该事项已销账，未作任何更改。"
    assert _assignments(saima)[0] == ("张三", "closed", None)
    listing = await admin.send("/tasks")
    assert "已销账 1/2 · 已报结 0 · 未完成 1" in listing.text
    task = await admin.press(listing, "报送三季度安全生产情况")
    assert task.text.splitlines()[4:6] == ["1. ✅ 张三 · 已办结 · “已补充签字版报表”", "2. ⚪ 王五 · 办理中 · 提出诉求"]
    assert "报送三季度安全生产情况" not in (await zhang.send("/me")).text
    with saima.db.session() as session:
        actions = list(session.scalars(select(AuditEntry.action).where(
            AuditEntry.entity.in_(["task", "task_assignment"])).order_by(AuditEntry.id)))
    assert actions == ["create", "report", "return", "report", "close"]


async def test_bad_input_gets_a_specific_reply_and_changes_nothing(saima: Saima) -> None:
    admin, _, _ = await _team(saima)
    title = await admin.send("/task")
    assert title.text.startswith("督办什么事项？")
    assert (await admin.send("很" * 201)).text.startswith("内容太长，最多 200 个字。")
    assert (await admin.send_file("photo", "a.png", PNG)).text.startswith("请用文字回答。")
    await admin.send("整改台账")
    due = await admin.press((await admin.bot_messages())[-1], "无具体要求", expect=2)
    assert isinstance(due, list) and due[-1].text.startswith("什么时候截止？")
    assert (await admin.send("改天")).text.startswith("无法识别这个日期。")
    assert (await admin.send("昨天下午3点")).text.startswith("这个时间已经过去了，截止时间须在将来。")
    who = await admin.send("11月30日")
    picker = await admin.press(who, "指定成员…")
    assert picker.text.startswith("请勾选承办人（已选 0 人，第 1/1 页）")
    assert picker.labels == ["▫️ 李主任", "▫️ 张三", "▫️ 王五", "完成（已选 0 人）", "‹ 返回"]
    refused = await _choose(admin, picker, "完成（已选 0 人）")
    assert refused.text.startswith("请至少选择一名成员。")
    picker = await admin.press(refused, "王五")  # the ticks are offered again
    assert picker.labels[2] == "✅ 王五" and picker.text.startswith("请勾选承办人（已选 1 人")
    attach = await _choose(admin, picker, "完成（已选 1 人）")
    assert (await admin.send("附件稍后发")).text.startswith("请发送图片或文件，或点“无附件”。")
    card = await _choose(admin, attach, "无附件")
    assert "截止日期：2026年11月30日（星期一）18:00" in card.text  # a day without a time: 18:00
    assert "承办人：指定成员，共 1 人：王五" in card.text
    assert (await admin.press(card, "取消")).text == "已取消，没有保存任何内容。"
    assert _snapshot(saima)[:2] == (0, [])


async def test_members_are_refused_and_forged_presses_change_nothing(saima: Saima) -> None:
    admin, zhang, wang = await _team(saima)
    await _assigned(saima, admin, "11月30日", "全体成员")
    told = await zhang.receive()
    zhang_aid, wang_aid = _assignment_id(saima, 1001), _assignment_id(saima, 1002)
    before = _snapshot(saima)
    assert (await zhang.send("/task 整改台账 11月30日")).text == "此功能仅限办公室（管理员）使用。"
    assert (await zhang.send("/tasks")).text == "此功能仅限办公室（管理员）使用。"
    for data in (f"tk:c:{zhang_aid}", f"tk:a:{wang_aid}", f"tk:e:{wang_aid}", "tk:l:0"):
        await zhang.press_data(told, data)
        assert (await zhang.callback_answer()).text == "此功能仅限办公室（管理员）使用。"
    for data in (f"fs:taskreturn:{zhang_aid}", f"fs:taskdone:{wang_aid}"):  # an admin's form, another's task
        await zhang.press_data(told, data)
        assert (await zhang.callback_answer()).text in ("仅限本班子成员操作。", "这个按钮已失效。")
    assert _snapshot(saima) == before

    # 张三 reports; another team's admin forges every press on it: nothing changes
    await zhang.press(told, "报结")
    await _choose(zhang, await zhang.send("已整改"), "无佐证材料")
    await zhang.press((await zhang.bot_messages())[-1], "确认")
    other = await another_teams_owner(saima)
    own = await other.send("/tasks")
    assert own.text.startswith("目前没有未办结的督办事项。")
    before = _snapshot(saima)
    for data in (f"tk:c:{zhang_aid}", f"tk:a:{zhang_aid}", f"tk:e:{zhang_aid}", "tk:v:1:0", f"fs:taskreturn:{zhang_aid}"):
        await other.press_data(own, data)
        assert (await other.callback_answer()).text == "这个按钮已失效。"
    assert _snapshot(saima) == before
    assert _assignments(saima)[0][1] == "reported"


async def test_the_nudges_done_button_opens_the_report(saima: Saima) -> None:
    admin, zhang, _ = await _team(saima)
    await _assigned(saima, admin, "11月25日", "成员")
    await zhang.receive()
    saima.clock.set(datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI))
    await saima.running.application.scheduler.tick()  # type: ignore[attr-defined]
    await _deliver(saima)
    nudge = await zhang.receive()
    assert nudge.text.startswith("🔵 督办事项")  # due within 3 days
    assert nudge.buttons[0] == [("已办结？点此报结", f"fs:taskdone:{_assignment_id(saima, 1001)}")]
    asked = await zhang.press(nudge, "已办结？点此报结")
    assert asked.text.startswith("办理情况如何？")


async def test_a_restart_mid_flow_carries_on_at_the_same_step(saima: Saima) -> None:
    admin, _, _ = await _team(saima)
    await admin.send("/task 整改台账")
    due = await _choose(admin, (await admin.bot_messages())[-1], "无具体要求")
    assert due.text.startswith("什么时候截止？")
    await restart(saima)
    who = await admin.send("下周一上午9点")
    assert who.text.startswith("交办给谁？")
    attach = await _choose(admin, who, "全体成员")
    card = await _choose(admin, attach, "无附件")
    assert "截止日期：2026年11月30日（星期一）09:00" in card.text
    assert "承办人：全体成员，共 2 人：张三、王五" in card.text
    await admin.press(card, "确认")
    with saima.db.session() as session:
        assert session.scalar(select(func.count()).select_from(TaskAssignment)) == 2
        assert set(session.scalars(select(TaskAssignment.status))) == {AssignmentStatus.ASSIGNED}


async def test_a_large_team_ticks_assignees_page_by_page(saima: Saima) -> None:
    admin, _, _ = await _team(saima, "en")
    with saima.db.session() as session:
        team = session.get_one(Team, saima.team_id)
        for i in range(20):
            members.add(session, team=team, telegram_user_id=5000 + i, display_name=f"Member {i:02d}", username=None,
                        role=Role.MEMBER, status=MemberStatus.ACTIVE, now=saima.clock.now(), joined_on=None)
    who = await _choose(admin, await admin.send("/task Fire drill on Nov 30"), "No details")
    picker = await admin.press(who, "Pick members…")
    assert picker.text.startswith("Tick the assignees (0 ticked; page 1 of 3)")
    assert picker.labels[-3:] == ["Next ›", "Done (0)", "‹ Back"] and len(picker.labels) == 13
    picker = await admin.press(picker, "张三")
    picker = await admin.press(picker, "Next ›")
    assert picker.labels[0] == "▫️ Member 07" and picker.labels[-4:] == ["‹ Previous", "Next ›", "Done (1)", "‹ Back"]
    picker = await admin.press(picker, "Member 09")
    picker = await admin.press(picker, "Member 09")  # untick
    picker = await admin.press(picker, "Member 10")
    picker = await admin.press(picker, "‹ Previous")
    assert picker.labels[1] == "✅ 张三" and picker.text.startswith("Tick the assignees (2 ticked; page 1 of 3)")
    attach = await _choose(admin, picker, "Done (2)")
    card = await _choose(admin, attach, "No attachment")
    assert "Due: Mon 30 Nov 2026, 18:00" in card.text and "Assignees: Picked, 2 people: 张三, Member 10" in card.text
    await admin.press(card, "Confirm")
    assert sorted(name for name, _, _ in _assignments(saima)) == ["Member 10", "张三"]
    listing = await admin.send("/tasks")
    task = await admin.press(listing, "Fire drill")
    assert task.text.splitlines()[:3] == ["《Fire drill》", "Due: Mon 30 Nov 2026, 18:00", "0/2 closed · 0 reported · 2 open"]


async def test_done_lists_open_tasks_by_colour_and_reports_one(saima: Saima) -> None:
    admin, zhang, _ = await _team(saima)
    for typed in ("/task 整改台账 12月10日", "/task 报送学习心得 明天下午3点", "/task 上报调研报告 11月23日下午2点"):
        card = await _choose(admin, await _choose(admin, await admin.send(typed), "无具体要求"), "成员")
        await admin.press(await _choose(admin, card, "无附件"), "确认")
    saima.clock.set(datetime(2026, 11, 23, 15, 0, tzinfo=SHANGHAI))  # the last one is now past due
    listing = await zhang.send("/done")
    assert listing.text.splitlines() == [
        "您的督办事项：", "🔴 已逾期 · 🟡 滞后于办理方案，或2个工作日内未签收 · 🔵 3天内到期 · 🟢 已销账",
        "🔴 上报调研报告 · 11月23日 14:00 截止（已逾期）",
        "🔵 报送学习心得 · 11月24日 15:00 截止",
        "⚪ 整改台账 · 12月10日 18:00 截止",
        "", "点击事项即可报结。"]
    asked = await zhang.press(listing, "上报调研报告")
    assert asked.text.startswith("办理情况如何？")
    card = await _choose(zhang, await zhang.send("已上报"), "无佐证材料")
    await zhang.press(card, "确认")
    again = await zhang.send("/done")
    assert again.text.splitlines()[2] == "📥 上报调研报告 · 已报结，待确认" and len(again.labels) == 2
    me = await zhang.send("/me")
    assert "🔵 报送学习心得 · 11月24日 15:00 截止" in me.text and "📥 上报调研报告 · 已报结，待确认" in me.text
    assert (await saima.control.user(1002, "王五").send("/done")).text.startswith("您的督办事项")
    assert (await admin.send("/done")).text == "您没有未办结的督办事项。"


def _task_id(saima: Saima) -> int:
    with saima.db.session() as session:
        found = session.scalar(select(Task.id).order_by(Task.id.desc()))
        assert found is not None
        return found


def _outbox(saima: Saima, prefix: str) -> list[tuple[str, str]]:
    with saima.db.session() as session:
        return [(row.key, row.status.value) for row in session.scalars(
            select(OutboxMessage).where(OutboxMessage.key.startswith(prefix)).order_by(OutboxMessage.id))]


async def test_an_admin_cancels_a_task_and_it_leaves_every_list(saima: Saima) -> None:
    admin, zhang, wang = await _team(saima)
    await zhang.send("/lang en")  # told in his own language
    await _assigned(saima, admin, "11月30日", "成员")
    told_zhang, told_wang = await zhang.receive(), await wang.receive()
    task_id, wang_aid = _task_id(saima), _assignment_id(saima, 1002)
    await zhang.press(told_zhang, "Report done")  # 张三 reports; 王五 starts a report and leaves it open
    await zhang.press(await _choose(zhang, await zhang.send("Fixed."), "No evidence"), "Confirm")
    wang_list = await wang.send("/done")
    await wang.press(told_wang, "报结")
    evidence = await wang.send("已整改完毕")
    with saima.running.delivery_held():  # 王五's nudge waits in the outbox until the cancellation withdraws it
        saima.clock.set(datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI))  # T-3: 王五's nudge waits in the outbox
        await saima.running.application.scheduler.tick()  # type: ignore[attr-defined]
        assert _outbox(saima, f"nudge:task:{task_id}:") == [
            (f"nudge:task:{task_id}:member:{_member_id(saima, 1002)}:T-3:due:2026-11-30", "pending")]

        # a member's and another team's forged presses change nothing
        before = _snapshot(saima)
        for data in (f"tk:x:{task_id}", f"tk:y:{task_id}"):
            await zhang.press_data(told_zhang, data)
            assert (await zhang.callback_answer()).text == "Only your team's office (admins) can use this."
        other = await another_teams_owner(saima)
        own = await other.send("/tasks")
        for data in (f"tk:x:{task_id}", f"tk:y:{task_id}"):
            await other.press_data(own, data)
            assert (await other.callback_answer()).text == "这个按钮已失效。"
        assert _snapshot(saima) == before and not _cancelled(saima)

        # the admin asks to cancel, keeps it, then cancels it
        task = await admin.press(await admin.send("/tasks"), "整改台账")
        assert task.labels[-2:] == ["🚫 撤销", "‹ 返回名单"]
        asked = await admin.press(task, "撤销")
        assert asked.text.splitlines() == ["确定撤销督办事项“整改台账”吗？", "已销账 0/2 · 已报结 1 · 未完成 1",
                                           "撤销后，该事项将从 /tasks、/done、/me 和提醒中移除，并通知尚未销账的 2 名承办人。"]
        assert asked.labels == ["确认撤销", "保留"]
        kept = await admin.press(asked, "保留")
        assert kept.text.startswith("《整改台账》") and not _cancelled(saima)
        asked = await admin.press(kept, "撤销")
        done = await admin.press(asked, "确认撤销")
        assert done.text == "🚫 已撤销“整改台账”，已通知尚未销账的 2 名承办人。" and done.labels == ["‹ 返回名单"]
        assert _cancelled(saima)
        await admin.press_data(done, f"tk:y:{task_id}")  # the confirmation pressed again
        assert (await admin.callback_answer()).text == "该事项已撤销，未作任何更改。"

        # the waiting nudge is withdrawn by the tick; each assignee is told once, in their language
        await saima.running.application.scheduler.tick()  # type: ignore[attr-defined]
        assert [status for _, status in _outbox(saima, f"nudge:task:{task_id}:")] == ["cancelled"]
    await _deliver(saima)
    assert [key for key, _ in _outbox(saima, f"task:{task_id}:cancelled:")] == [
        f"task:{task_id}:cancelled:member:{_member_id(saima, 1001)}",
        f"task:{task_id}:cancelled:member:{_member_id(saima, 1002)}"]
    assert (await zhang.bot_messages())[-1].text == \
        "🚫 李主任 cancelled the supervised task “整改台账”. Nothing more is needed from you on it."
    assert (await wang.bot_messages())[-1].text == "🚫 李主任撤销了督办事项“整改台账”，您无需再办理。"

    # it leaves /tasks, /done and /me; old buttons and a report in progress say it was cancelled
    assert (await admin.send("/tasks")).text.startswith("目前没有未办结的督办事项。")
    assert (await wang.send("/done")).text == "您没有未办结的督办事项。"
    assert "整改台账" not in (await wang.send("/me")).text
    await wang.press_data(wang_list, f"fs:taskdone:{wang_aid}")
    assert (await wang.callback_answer()).text == "该事项已撤销，未作任何更改。"
    card = await _choose(wang, evidence, "无佐证材料")
    stored = await wang.press(card, "确认")
    assert stored.text.endswith("该事项已撤销，未作任何更改。")
    zhang_aid = _assignment_id(saima, 1001)
    for data in (f"tk:c:{zhang_aid}", f"tk:a:{zhang_aid}", f"tk:v:{task_id}:0", f"fs:taskreturn:{zhang_aid}"):
        await admin.press_data(done, data)
        assert (await admin.callback_answer()).text == "该事项已撤销，未作任何更改。"
    assert _assignments(saima) == [("张三", "reported", None), ("王五", "assigned", None)]
    audit = await admin.send("/audit")
    assert f"李主任 · 已撤销 · 督办事项 #{task_id} 《整改台账》" in audit.text


def _member_id(saima: Saima, telegram_id: int) -> int:
    with saima.db.session() as session:
        found = session.scalar(select(Member.id).where(Member.telegram_user_id == telegram_id))
        assert found is not None
        return found


def _cancelled(saima: Saima) -> bool:
    with saima.db.session() as session:
        return session.scalar(select(Task.cancelled_at).order_by(Task.id.desc())) is not None


async def test_a_due_day_the_calendar_has_not_is_asked_again_not_kept_in_the_title(saima: Saima) -> None:
    """`/task 整改台账 2月30日前`: the title was “整改台账 2月30日前” and the due asked with no word of why."""
    admin, _, _ = await _team(saima)
    detail = await admin.send("/task 整改台账 2月30日前")
    assert detail.text.startswith("日期有误，截止日期中没有这一天（如2月30日）。\n有什么具体要求？"), detail.text
    due = await _choose(admin, detail, "无具体要求")
    assert due.text.startswith("什么时候截止？"), due.text
    who = await admin.send("11月30日")
    card = await _choose(admin, await _choose(admin, who, "成员"), "无附件")
    assert card.text.splitlines()[1:5] == ["事项：整改台账", "具体要求：无", "截止日期：2026年11月30日（星期一）18:00",
                                           "承办人：成员，共 2 人：张三、王五"], card.text
