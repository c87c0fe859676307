"""督办 in four stages end to end over the emulator: the assignee signs for a task (签收), asks the office a
question and gets its answer, proposes a plan, requests an extension (延期申请) which the office approves
(the assignee's own deadline moves, the nudges follow it) or refuses (the reason goes back). A bad date gets
a specific reply and changes nothing; a redelivered tap changes nothing and says so. The stages are audited."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select, update

from config import Config
from core.domain import AssignmentStatus, MemberStatus, Role
from emulator.sim import BotMessage, SimUser
from locales import translator
from reports import ledger
from storage import ledger as ledger_storage
from storage.models import AuditEntry, Member, OutboxMessage, TaskAssignment, TaskRequest, Team
from tests.conftest import SHANGHAI
from tests.e2e.conftest import Saima
from tests.e2e.helpers import owner_and_two

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)


async def _deliver(saima: Saima) -> None:
    await saima.running.application.delivery.tick()  # type: ignore[attr-defined]


async def _choose(user: SimUser, message: BotMessage, label: str) -> BotMessage:
    replies = await user.press(message, label, expect=2)
    assert isinstance(replies, list)
    return replies[-1]


async def _assigned(saima: Saima, lang: str = "zh") -> tuple[SimUser, SimUser, BotMessage]:
    """李主任 assigns 整改台账 due Monday 30 November 18:00 to 张三 alone; 张三 is told."""
    saima.clock.set(MONDAY)
    admin, zhang, _ = await owner_and_two(saima)
    if lang == "en":
        for user in (admin, zhang):
            await user.send("/lang en")
    card = await _choose(admin, await admin.send("/task 整改台账 11月30日"), "无具体要求" if lang == "zh"
                         else "No details")
    picking = await admin.press(card, "指定成员" if lang == "zh" else "Pick members")
    picking = await admin.press(picking, "张三")
    card = await _choose(admin, picking, "完成" if lang == "zh" else "Done")
    card = await _choose(admin, card, "无附件" if lang == "zh" else "No attachment")
    await admin.press(card, "确认" if lang == "zh" else "Confirm")
    await _deliver(saima)
    return admin, zhang, await zhang.receive()


def _assignment(saima: Saima) -> TaskAssignment:
    with saima.db.session() as session:
        found = session.scalar(select(TaskAssignment).join(Member, Member.id == TaskAssignment.member_id)
                               .where(Member.telegram_user_id == 1001))
        assert found is not None
        session.expunge(found)
        return found


def _requests(saima: Saima) -> list[tuple[str, str, str | None, str | None]]:
    with saima.db.session() as session:
        return [(r.kind, r.state, str(r.proposed_date) if r.proposed_date else None, r.answer)
                for r in session.scalars(select(TaskRequest).order_by(TaskRequest.id))]


def _actions(saima: Saima) -> list[str]:
    with saima.db.session() as session:
        return list(session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "task_assignment")
                                    .order_by(AuditEntry.id)))


def _outbox_count(saima: Saima) -> int:
    with saima.db.session() as session:
        return session.scalar(select(func.count()).select_from(OutboxMessage)) or 0


async def test_sign_ask_answer_plan_and_an_approved_extension(saima: Saima) -> None:
    admin, zhang, told = await _assigned(saima)
    assert told.labels == ["✍️ 签收", "✅ 报结"]
    signed = await zhang.press(told, "签收")
    assert signed.text.startswith("✍️ 已签收“整改台账”")
    assert signed.labels == ["❓ 咨询办公室", "📅 提出办理方案", "⏳ 延期申请", "✅ 报结"]
    assert _assignment(saima).signed_at == MONDAY
    aid = _assignment(saima).id
    await zhang.press_data(told, f"ts:s:{aid}")  # the same tap again, as a redelivered update
    assert (await zhang.callback_answer()).text == "此事项您已签收，未作改动。"
    assert _actions(saima) == ["sign"]

    # 对接问诊: a question, answered by the office
    asked = await zhang.press(signed, "咨询办公室")
    assert asked.text.startswith("需要向办公室咨询什么？")
    card = await zhang.send("台账模板用哪一版？")
    assert card.text.startswith("就“整改台账”向办公室咨询\n问题：台账模板用哪一版？")
    sent = await zhang.press(card, "确认")
    assert "问题已发给办公室" in sent.text
    await _deliver(saima)
    question = await admin.receive()
    assert question.text == "❓ 张三就“整改台账”咨询：\n台账模板用哪一版？"
    assert question.labels == ["💬 答复"]
    prompt = await admin.press(question, "答复")
    assert prompt.text.startswith("请输入答复内容")
    card = await admin.send("用2026年版")
    done = await admin.press(card, "确认")
    assert "已发给张三" in done.text
    await admin.press_data(question, f"fs:taskanswer:{_requests_ids(saima)[0]}")  # answered already
    assert (await admin.callback_answer()).text == "此申请已答复，未作改动。"
    await _deliver(saima)
    assert (await zhang.receive()).text == "💬 李主任答复了您关于“整改台账”的咨询：\n用2026年版"

    # a plan: a bad date, then a day after the deadline, each refused with its reason; then a good one
    await zhang.press(signed, "提出办理方案")
    day = await zhang.send("先对照清单逐项整改")
    assert day.text.startswith("计划哪天办结？")
    assert (await zhang.send("改天吧")).text.startswith("无法识别这个日期。")
    assert (await zhang.send("12月5日")).text.startswith("该日期晚于时限2026年11月30日（星期一）18:00，请改为提出延期申请。")
    card = await zhang.send("11月27日")
    assert card.text.startswith("“整改台账”的办理方案\n办理方案：先对照清单逐项整改\n计划完成日期：2026年11月27日（星期五）")
    assert "办理方案已记录" in (await zhang.press(card, "确认")).text
    planned = _assignment(saima)
    assert planned.planned_at == MONDAY and str(planned.plan_date) == "2026-11-27"
    await _deliver(saima)
    assert (await admin.receive()).text.startswith("📅 张三提出“整改台账”的办理方案，计划2026年11月27日（星期五）办结：")

    # 延期申请: a day not after the deadline is refused and changes nothing; the office approves the next
    before = (_requests(saima), _outbox_count(saima))
    await zhang.press(signed, "延期申请")
    await zhang.send("需要等区里的数据")
    assert (await zhang.send("11月28日")).text.startswith("该日期不晚于现在的时限2026年11月30日（星期一）18:00")
    assert (_requests(saima), _outbox_count(saima)) == before
    card = await zhang.send("12月4日")
    assert "延期理由：需要等区里的数据" in card.text.splitlines() and "退回" not in card.text  # not a return's 退回理由
    assert "延期申请已报送办公室" in (await zhang.press(card, "确认")).text
    await _deliver(saima)
    request = await admin.receive()
    assert request.text == ("⏳ 张三申请将“整改台账”的时限由2026年11月30日（星期一）18:00延至2026年12月4日（星期五）。"
                            "理由：\n需要等区里的数据")
    assert request.labels == ["✅ 同意", "✖️ 不同意"]
    approved = await admin.press(request, "✅ 同意")
    assert approved.text == "✅ 已同意：张三办理“整改台账”的时限改为2026年12月4日（星期五）18:00，已通知本人。"
    await admin.press_data(request, f"ts:y:{_requests_ids(saima)[-1]}")  # redelivered: nothing more
    assert (await admin.callback_answer()).text == "此申请已答复，未作改动。"
    assert _assignment(saima).due_at == datetime(2026, 12, 4, 18, 0, tzinfo=SHANGHAI)
    await _deliver(saima)
    assert (await zhang.receive()).text == "✅ 李主任已同意“整改台账”延期，新的时限为2026年12月4日（星期五）18:00。"
    assert _requests(saima) == [("question", "answered", None, "用2026年版"), ("plan", "open", "2026-11-27", None),
                                ("extension", "approved", "2026-12-04", None)]
    assert _actions(saima) == ["sign", "request_question", "question_answered", "request_plan",
                               "request_extension", "extension_approved"]
    assert _assignment(saima).status is AssignmentStatus.ASSIGNED

    # the office's card of 张三's assignment lists the requests in Chinese as an official writes them
    task = await admin.press(await admin.send("/tasks"), "1")
    lines = (await admin.press(task, "张三")).text.splitlines()
    assert lines[lines.index("诉求与申请：") + 1:lines.index("诉求与申请：") + 4] == [
        "  11月23日 咨询“台账模板用哪一版？”（已答复：用2026年版）",
        "  11月23日 办理方案 → 11月27日“先对照清单逐项整改”（待办公室答复）",
        "  11月23日 延期申请 → 12月4日“需要等区里的数据”（已同意）"], lines

    # the ledger's 督办 sheet: its stage, its light and the whole exchange in the history column
    with saima.db.session() as session:
        team = session.scalars(select(Team)).first()
        assert team is not None
        sheets = ledger.build(ledger_storage.year_ledger(session, team, 2026, today=date(2026, 11, 23),
                                                         config=Config()), t=translator("zh"))
    sheet = next(sheet for sheet in sheets if sheet.key == "tasks")
    (row,) = sheet.rows
    cells = dict(zip((translator("zh")(column.header) for column in sheet.columns), row, strict=True))
    assert (cells["阶段"], cells["预警"]) == ("问题办理", "⚪")
    assert cells["办理过程"] == ("2026-11-23 交办，时限 2026-11-30；2026-11-23 签收；"
                       "2026-11-23 咨询：台账模板用哪一版？（2026-11-23 已答复：用2026年版）；"
                       "2026-11-23 办理方案：先对照清单逐项整改 → 2026-11-27（待办公室答复）；"
                       "2026-11-23 延期申请：需要等区里的数据 → 2026-12-04"
                       "（2026-11-23 已同意，时限由2026-11-30延后）")


def _requests_ids(saima: Saima) -> list[int]:
    with saima.db.session() as session:
        return list(session.scalars(select(TaskRequest.id).order_by(TaskRequest.id)))


async def test_a_refused_extension_in_english_and_taps_by_the_wrong_people(saima: Saima) -> None:
    admin, zhang, told = await _assigned(saima, "en")
    assert told.labels == ["✍️ Sign for it (签收)", "✅ Report done"]
    aid = _assignment(saima).id
    await admin.press_data(told, f"ts:s:{aid}")  # not the admin's to sign
    assert (await admin.callback_answer()).text == "This button is not valid any more."
    assert _assignment(saima).signed_at is None
    signed = await zhang.press(told, "Sign for it")
    asked = await zhang.press(signed, "Request an extension")
    assert asked.text.startswith("Why do you need more time?")
    day = await zhang.send("Waiting for the district's figures")
    assert day.text.startswith("Until which day?")
    assert (await zhang.send("someday")).text.startswith("I could not read that as a date.")
    assert (await zhang.send("20 Nov 2026")).text.startswith("That day has passed")
    card = await zhang.send("4 Dec")
    assert card.text.startswith("Extension request (延期申请) for “整改台账”\nReason: Waiting for the district's "
                                "figures\nNew deadline: Fri 4 Dec 2026")
    await zhang.press(card, "Confirm")
    await _deliver(saima)
    request = await admin.receive()
    assert request.text.startswith("⏳ 张三 requests an extension (延期申请) of “整改台账” from Mon 30 Nov 2026, 18:00 "
                                   "to Fri 4 Dec 2026.")
    rid = _requests_ids(saima)[0]
    await zhang.press_data(signed, f"ts:y:{rid}")  # a member cannot approve their own request
    assert (await zhang.callback_answer()).text == "Only your team's office (admins) can use this."
    reason = await admin.press(request, "Refuse")
    assert reason.text.startswith("Why is the extension refused?")
    card = await admin.send("The province needs it on time.")
    assert card.text.startswith("Refuse 张三's extension of “整改台账”")
    await admin.press(card, "Confirm")
    await admin.press_data(request, f"ts:y:{rid}")  # approving after the refusal changes nothing
    assert (await admin.callback_answer()).text == "This request has been answered already; nothing was changed."
    await _deliver(saima)
    assert (await zhang.receive()).text == ("✖️ 李主任 refused your extension of “整改台账”; the deadline stays "
                                            "Mon 30 Nov 2026, 18:00.\nReason: The province needs it on time.")
    assert _requests(saima) == [("extension", "refused", "2026-12-04", "The province needs it on time.")]
    assert _assignment(saima).due_at is None
    audit = await admin.send("/audit")
    assert "refused the extension" in audit.text and "signed for the task (签收)" in audit.text


def _nudges(saima: Saima) -> list[str]:
    with saima.db.session() as session:
        return list(session.scalars(select(OutboxMessage.key).where(OutboxMessage.key.startswith("nudge:task:"))
                                    .order_by(OutboxMessage.id)))


async def _tick(saima: Saima, at: datetime) -> None:
    saima.clock.set(at)
    await saima.running.application.scheduler.tick()  # type: ignore[attr-defined]
    await _deliver(saima)


async def _last(user: SimUser, start: str) -> BotMessage:
    """The latest message to ``user`` that starts with ``start`` (pace nudges and lagging notes come too)."""
    return [m for m in await user.bot_messages() if m.text.startswith(start)][-1]


async def _nudged(user: SimUser) -> list[str]:
    return [m.text for m in await user.bot_messages() if m.text.startswith("🔵 督办事项“整改台账”")]


async def test_after_an_approved_extension_the_nudges_follow_the_new_deadline_once(saima: Saima) -> None:
    admin, zhang, told = await _assigned(saima)
    await zhang.press(told, "签收")
    await _tick(saima, datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI))  # T-3 of Monday 30 November
    assert len(await _nudged(zhang)) == 1
    nudge = await _last(zhang, "🔵 督办事项“整改台账”")
    await zhang.press(nudge, "延期申请")  # the nudge opens the extension request too
    await zhang.send("需要等区里的数据")
    await zhang.press(await zhang.send("12月3日"), "确认")
    await _deliver(saima)
    await admin.press(await _last(admin, "⏳"), "✅ 同意")
    await _deliver(saima)
    assert await _last(zhang, "✅ 李主任已同意“整改台账”延期")

    await _tick(saima, datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI))  # T-3 of Thursday 3 December
    await _tick(saima, datetime(2026, 11, 30, 15, 0, tzinfo=SHANGHAI))
    nudged = await _nudged(zhang)
    assert len(nudged) == 2 and "12月3日" in nudged[1]  # the new deadline's, once
    aid, member = _assignment(saima).task_id, _assignment(saima).member_id
    assert _nudges(saima) == [f"nudge:task:{aid}:member:{member}:T-3:due:2026-11-30",
                              f"nudge:task:{aid}:member:{member}:T-3:due:2026-12-03"]


async def test_the_lights_in_tasks_and_done_follow_signing_the_calendar_and_the_deadline(saima: Saima) -> None:
    admin, zhang, told = await _assigned(saima)

    async def light() -> tuple[str, str, str]:
        listing = await admin.send("/tasks")
        task = await admin.press(listing, "整改台账")
        mine = await zhang.send("/done")
        return listing.text.splitlines()[1][:4], task.text.splitlines()[4], mine.text.splitlines()[2]

    assert await light() == ("1. ⚪", "1. ⚪ 张三 · 办理中 · 提出诉求", "⚪ 整改台账 · 11月30日 18:00 截止")
    saima.clock.set(datetime(2026, 11, 25, 17, 0, tzinfo=SHANGHAI))  # Wednesday: 2 working days, still in time
    assert (await light())[0] == "1. ⚪"
    saima.clock.set(datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI))  # Thursday: not signed for in 2 working days
    assert await light() == ("1. 🟡", "1. 🟡 张三 · 办理中 · 提出诉求", "🟡 整改台账 · 11月30日 18:00 截止")
    await zhang.press(told, "签收")
    assert await light() == ("1. ⚪", "1. ⚪ 张三 · 办理中 · 对接问诊", "⚪ 整改台账 · 11月30日 18:00 截止")
    saima.clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI))  # 3 days left
    assert await light() == ("1. 🔵", "1. 🔵 张三 · 办理中 · 对接问诊", "🔵 整改台账 · 11月30日 18:00 截止")
    saima.clock.set(datetime(2026, 11, 30, 18, 0, tzinfo=SHANGHAI))  # past the deadline
    assert await light() == ("1. 🔴", "1. 🔴 张三 · 办理中 · 对接问诊", "🔴 整改台账 · 11月30日 18:00 截止（已逾期）")


async def test_a_request_reaches_the_owner_when_the_tasks_creator_is_no_longer_an_admin(saima: Saima) -> None:
    saima.clock.set(MONDAY)
    admin, zhang, wang = await owner_and_two(saima)
    with saima.db.session() as session:  # 王五 is an admin while he assigns the task, then no longer
        session.execute(update(Member).where(Member.telegram_user_id == 1002).values(role=Role.ADMIN))
    card = await _choose(wang, await wang.send("/task 整改台账 11月30日"), "无具体要求")
    picking = await wang.press(await wang.press(card, "指定成员"), "张三")
    card = await _choose(wang, await _choose(wang, picking, "完成"), "无附件")
    await wang.press(card, "确认")
    await _deliver(saima)
    told = await zhang.receive()
    with saima.db.session() as session:
        session.execute(update(Member).where(Member.telegram_user_id == 1002).values(role=Role.MEMBER))
    signed = await zhang.press(told, "签收")
    await zhang.press(signed, "咨询办公室")
    await zhang.press(await zhang.send("台账模板用哪一版？"), "确认")
    await _deliver(saima)
    assert (await _last(admin, "❓")).text == "❓ 张三就“整改台账”咨询：\n台账模板用哪一版？"
    assert not [m for m in await wang.bot_messages() if m.text.startswith("❓")]


async def test_a_report_reaches_the_owner_when_the_tasks_creator_is_removed_or_no_longer_an_admin(
        saima: Saima) -> None:
    """An assignee's report goes to whoever answers for the task (as a request does): the creator while an active
    admin, else the owner. A removed creator used to get nothing sent, a demoted one buttons he could not use."""
    saima.clock.set(MONDAY)
    admin, zhang, wang = await owner_and_two(saima)
    for change in ({"role": Role.MEMBER}, {"status": MemberStatus.REMOVED}):
        with saima.db.session() as session:  # 王五 is an admin while he assigns the task, then no longer
            session.execute(update(Member).where(Member.telegram_user_id == 1002).values(
                role=Role.ADMIN, status=MemberStatus.ACTIVE))
        card = await _choose(wang, await wang.send("/task 整改台账 11月30日"), "无具体要求")
        picking = await wang.press(await wang.press(card, "指定成员"), "张三")
        card = await _choose(wang, await _choose(wang, picking, "完成"), "无附件")
        await wang.press(card, "确认")
        await _deliver(saima)
        told = [m for m in await zhang.bot_messages() if any("报结" in label for label in m.labels)][-1]
        with saima.db.session() as session:
            session.execute(update(Member).where(Member.telegram_user_id == 1002).values(**change))
        await zhang.press(told, "报结")
        card = await _choose(zhang, await zhang.send("已完成整改"), "无佐证材料")
        await zhang.press(card, "确认")
        await _deliver(saima)
        report = await _last(admin, "📥")
        assert report.text == "📥 张三已报结“整改台账”。\n报结说明：已完成整改\n请确认销账，或说明理由退回。", change
        assert "✅ 销账" in report.labels
        assert not [m for m in await wang.bot_messages() if m.text.startswith("📥")], change
        assert (await admin.press(report, "销账")).text.splitlines()[0] == "✅ 已销账，已通知张三。"


async def test_a_task_reopened_by_the_look_back_is_lit_by_its_new_deadline_not_the_last_rounds_plan(
        saima: Saima) -> None:
    """张三 planned 27 November, reported, and the office closed it; three months on, 回头看 finds it 未落实 and
    reopens it. The old plan day is long past but belongs to the finished round: /done lights the reopened task by
    its new deadline (it used to be 🟡 "behind its plan")."""
    admin, zhang, told = await _assigned(saima)
    signed = await zhang.press(told, "签收")
    await zhang.press(signed, "提出办理方案")
    await zhang.send("先对照清单逐项整改")
    await zhang.press(await zhang.send("11月27日"), "确认")
    await _deliver(saima)
    await zhang.press(told, "报结")
    await zhang.press(await _choose(zhang, await zhang.send("已完成整改"), "无佐证材料"), "确认")
    await _deliver(saima)
    await admin.press(await _last(admin, "📥"), "销账")
    await _deliver(saima)
    saima.clock.set(datetime(2027, 2, 23, 9, 0, tzinfo=SHANGHAI))  # the 回头看, three months on
    await saima.running.application.scheduler.tick()  # type: ignore[attr-defined]  # our jobs hang on the Application
    await _deliver(saima)
    ask = await _last(zhang, "🔁")
    await zhang.press(await zhang.press(ask, "未落实"), "不补充说明")
    assert "⚪ 整改台账 · 3月2日 18:00 截止" in (await zhang.send("/done")).text.splitlines()
    assert _assignment(saima).plan_date is None


async def test_approving_an_extension_overtaken_by_a_later_one_says_why_it_cannot(saima: Saima) -> None:
    """张三 asks to move the deadline to 4 December, then to 10 December; the office approves the second, then presses
    ✅ 同意 on the first. The deadline stays 10 December and the office is told why (it used to read only
    “这个按钮已失效。”)."""
    admin, zhang, told = await _assigned(saima)
    signed = await zhang.press(told, "签收")
    for reason, day in (("等数据", "12月4日"), ("还要更久", "12月10日")):
        await zhang.press(signed, "延期申请")
        await zhang.send(reason)
        await zhang.press(await zhang.send(day), "确认")
    await _deliver(saima)
    first, second = [m for m in await admin.bot_messages() if m.text.startswith("⏳")]
    await admin.press(second, "✅ 同意")
    await admin.press(first, "✅ 同意", expect=0)
    answer = (await admin.callback_answer()).text
    assert answer is not None and answer.startswith("该日期不晚于现在的时限2026年12月10日（星期四）18:00")
    assert _assignment(saima).due_at == datetime(2026, 12, 10, 18, 0, tzinfo=SHANGHAI)
