"""Findings (意见建议) from a trip become follow-up items, added with the trip or later, and the member
moves each one through its closed loop: raised → assigned → handled → fed back → closed."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from emulator import BotMessage, SimUser
from storage import onboarding
from storage.models import AuditEntry, FollowUpItem, ResearchTrip
from tests.e2e.conftest import ADMIN_ID, Saima
from tests.e2e.helpers import member


async def saved_trip(user: SimUser, text: str = "/trip 11月5日至8日 淳安县 山区共富调研") -> BotMessage:
    saved = await user.press(await user.send(text), "确认" if not text.isascii() else "Confirm")
    assert isinstance(saved, BotMessage)
    return saved


def items(saima: Saima) -> list[tuple[str, str | None, str, date | None, str | None]]:
    with saima.db.session() as session:
        rows = session.execute(select(FollowUpItem.content, FollowUpItem.department, FollowUpItem.status,
                                      FollowUpItem.feedback_due, FollowUpItem.result_note)
                               .order_by(FollowUpItem.id)).all()
    return [(content, department, status.value, due, note) for content, department, status, due, note in rows]


def item_ids(saima: Saima) -> list[int]:
    with saima.db.session() as session:
        return list(session.scalars(select(FollowUpItem.id).order_by(FollowUpItem.id)))


def trip_ids(saima: Saima) -> list[int]:
    with saima.db.session() as session:
        return list(session.scalars(select(ResearchTrip.id).order_by(ResearchTrip.id)))


async def add_finding(user: SimUser, start: BotMessage, content: str, department: str | None,
                      due: str | None = None) -> BotMessage:
    """Presses Add findings (or Add another) on ``start`` and answers the three questions."""
    starts = ("添加意见建议", "继续添加", "Add findings", "Add another")
    label = next(label for label in start.labels if label in starts)
    await user.press(start, label, expect=1)
    department_question = await user.send(content)
    due_question = (await user.press(department_question, department_question.labels[0], expect=2))[-1] \
        if department is None else await user.send(department)
    if due:
        card = await user.send(due)
    else:
        card = (await user.press(due_question, due_question.labels[0], expect=2))[-1]
    saved = await user.press(card, card.labels[0])
    assert isinstance(saved, BotMessage)
    return saved


async def test_findings_are_added_under_a_saved_trip_with_a_default_due_date(saima: Saima) -> None:
    zhang = await member(saima)
    trip = await saved_trip(zhang)
    question = await zhang.press(trip, "添加意见建议", expect=1)
    assert question.text == "群众提出了什么意见建议？请按一条输入。\n（发送 /cancel 取消）"
    department = await zhang.send("村道狭窄，大车会车困难")
    assert department.text.startswith("由哪个单位负责办理？请输入单位名称；暂不交办请点按下方按钮。")
    assert department.labels == ["暂不交办"]
    due = await zhang.send("县交通运输局")
    assert due.text.startswith("办理结果最迟何时反馈给基层？请输入日期（如 12月20日、下周五），或采用默认时限：调研结束后一个月。")
    assert due.labels == ["默认：12月8日"]  # a month after the trip ended on 8 November
    card = (await zhang.press(due, "默认：12月8日", expect=2))[-1]
    assert card.text == ("调研意见建议\n调研：11月5日–11月8日 淳安县\n意见建议：村道狭窄，大车会车困难\n"
                         "责任单位：县交通运输局\n反馈时限：2026年12月8日（星期二）\n\n以上内容是否正确？")
    assert items(saima) == []  # nothing before Confirm
    saved = await zhang.press(card, "确认")
    assert saved.text.startswith("✅ 已保存。\n调研意见建议")
    assert saved.labels == ["继续添加", "本次调研的意见建议"]
    assert items(saima) == [("村道狭窄，大车会车困难", "县交通运输局", "assigned", date(2026, 12, 8), None)]

    await add_finding(zhang, saved, "希望增加农村客运班次", None, "12月31日")
    assert items(saima)[1] == ("希望增加农村客运班次", None, "raised", date(2026, 12, 31), None)
    [card_now] = [m for m in await zhang.bot_messages() if m.message_id == trip.message_id]
    assert card_now.labels == ["添加意见建议"]  # the trip's card still offers it, for later


async def test_findings_lists_recent_trips_and_a_trip_lists_its_findings(saima: Saima) -> None:
    zhang = await member(saima)
    assert (await zhang.send("/findings")).text == "您还没有登记下基层调研。请先用 /trip 登记，再添加意见建议。"
    trip = await saved_trip(zhang)
    await saved_trip(zhang, "/trip 昨天 开化县 乡村振兴")
    await add_finding(zhang, trip, "村道狭窄，大车会车困难", "县交通运输局")
    listing = await zhang.send("/findings")
    assert listing.text == "您近期的下基层调研，选择一次查看或添加意见建议："
    assert listing.labels == ["11月20日 开化县 · 0 条意见建议", "11月5日–11月8日 淳安县 · 1 条意见建议"]
    page = await zhang.press(listing, "11月5日–11月8日 淳安县 · 1 条意见建议")
    assert page.message_id == listing.message_id  # the list turns into the trip
    assert page.text == ("下基层调研\n日期：2026年11月5日（星期四）至11月8日（星期日），共 4 天\n地点：淳安县\n"
                         "主题：山区共富调研\n\n意见建议（1 条）：\n1. 村道狭窄，大车会车困难 — 已交办 · 12月8日前反馈")
    assert page.labels == ["1. 村道狭窄，大车会车困难", "添加意见建议", "‹ 调研列表"]
    back = await zhang.press(page, "‹ 调研列表")
    assert back.labels == listing.labels
    empty = await zhang.press(back, "11月20日 开化县 · 0 条意见建议")
    assert empty.text.endswith("这次调研还没有登记意见建议。")
    question = await zhang.press(empty, "添加意见建议", expect=1)  # later, from the list
    assert question.text.startswith("群众提出了什么意见建议？")


async def test_a_finding_goes_round_the_whole_loop_each_step_audited(saima: Saima) -> None:
    zhang = await member(saima)
    trip = await saved_trip(zhang)
    saved = await add_finding(zhang, trip, "希望增加农村客运班次", None)
    assert items(saima) == [("希望增加农村客运班次", None, "raised", date(2026, 12, 8), None)]
    page = await zhang.press(saved, "本次调研的意见建议")
    item = await zhang.press(page, "1. 希望增加农村客运班次")
    assert item.text == ("调研意见建议\n调研：11月5日–11月8日 淳安县\n意见建议：希望增加农村客运班次\n"
                         "责任单位：尚未交办\n状态：已提出，待交办\n反馈时限：2026年12月8日（星期二）")
    assert item.labels == ["交办", "‹ 本次调研的意见建议"]

    question = await zhang.press(item, "交办", expect=1)
    assert question.text.startswith("交办给哪个单位？请输入单位名称。")
    card = await zhang.send("县交通运输局")
    assert card.text == "交办意见建议\n意见建议：希望增加农村客运班次\n责任单位：县交通运输局\n\n以上内容是否正确？"
    assigned = await zhang.press(card, "确认")
    assert assigned.text.endswith("当前状态：已交办。") and assigned.labels == ["返回该条意见建议"]
    assert items(saima)[0][1:3] == ("县交通运输局", "assigned")

    item = await zhang.press(assigned, "返回该条意见建议")
    assert "状态：已交办" in item.text and item.labels == ["标记已办理", "‹ 本次调研的意见建议"]
    handled = await zhang.press(item, "标记已办理")
    assert handled.text.startswith("✅ 已标记为已办理。\n调研意见建议") and "状态：已办理" in handled.text
    assert handled.labels == ["标记已反馈", "‹ 本次调研的意见建议"]
    assert items(saima)[0][2] == "handled"

    note_question = await zhang.press(handled, "标记已反馈", expect=1)
    assert note_question.text.startswith("向提出意见的群众反馈了什么结果？请简要填写。")
    card = await zhang.send("已协调增开早晚两班，并在村务公开栏告知村民")
    assert card.text == ("向基层反馈办理结果\n意见建议：希望增加农村客运班次\n"
                         "反馈结果：已协调增开早晚两班，并在村务公开栏告知村民\n\n以上内容是否正确？")
    fed_back = await zhang.press(card, "确认")
    assert fed_back.text.endswith("当前状态：已反馈。")
    item = await zhang.press(fed_back, "返回该条意见建议")
    assert "反馈结果：已协调增开早晚两班，并在村务公开栏告知村民" in item.text and item.labels[0] == "办结"
    closed = await zhang.press(item, "办结")
    assert closed.text.startswith("✅ 已办结，这条意见建议已形成闭环。") and "状态：已办结" in closed.text
    assert closed.labels == ["‹ 本次调研的意见建议"]
    assert items(saima) == [("希望增加农村客运班次", "县交通运输局", "closed", date(2026, 12, 8),
                             "已协调增开早晚两班，并在村务公开栏告知村民")]
    with saima.db.session() as session:
        actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "follow_up_item")
                                       .order_by(AuditEntry.id)))
        stamps = session.execute(select(FollowUpItem.assigned_at, FollowUpItem.handled_at,
                                        FollowUpItem.fed_back_at, FollowUpItem.closed_at)).one()
    assert actions == ["create", "follow_up_assigned", "follow_up_handled", "follow_up_fed_back",
                       "follow_up_closed"]
    assert all(stamp is not None for stamp in stamps)


async def test_bad_input_at_each_step_gets_a_specific_reply_and_nothing_is_stored(saima: Saima) -> None:
    zhang = await member(saima)
    trip = await saved_trip(zhang)
    await zhang.press(trip, "添加意见建议", expect=1)
    assert (await zhang.send("。")).text.startswith("意见建议不能为空，请输入群众提出的内容。\n群众提出了什么意见建议？")
    assert (await zhang.send("长" * 1001)).text.startswith("一条意见建议最多 1000 字，请精简或拆成两条。\n群众提出了什么")
    assert (await zhang.send("村道狭窄")).text.startswith("由哪个单位负责办理？")
    assert (await zhang.send("局" * 101)).text.startswith("责任单位名称太长了（最多 100 字）。\n由哪个单位负责办理？")
    assert (await zhang.send("县交通运输局")).text.startswith("办理结果最迟何时反馈给基层？")
    assert (await zhang.send("不知道")).text.startswith("没能把“不知道”识别为日期。\n办理结果最迟何时反馈给基层？")
    assert (await zhang.send("昨天")).text.startswith("反馈时限已经过去，请填写今天或以后的日期。\n办理结果最迟")
    assert (await zhang.send("2026年11月1日")).text.startswith("反馈时限已经过去，请填写今天或以后的日期。")
    card = await zhang.send("12月1日")  # future-leaning: this coming 1 December
    assert "反馈时限：2026年12月1日（星期二）" in card.text
    assert (await zhang.send("/cancel")).text == "已取消，没有保存任何内容。"
    assert items(saima) == []

    saved = await add_finding(zhang, trip, "村道狭窄", None, "默认")
    item = await zhang.press(await zhang.press(saved, "本次调研的意见建议"), "1. 村道狭窄")
    await zhang.press(item, "交办", expect=1)
    assert (await zhang.send("。")).text.startswith("请输入责任单位名称。\n交办给哪个单位？")
    assert (await zhang.send("局" * 101)).text.startswith("责任单位名称太长了（最多 100 字）。")
    assigned = await zhang.press(await zhang.send("县交通运输局"), "确认")
    item = await zhang.press(assigned, "返回该条意见建议")
    handled = await zhang.press(await zhang.press(item, "标记已办理"), "标记已反馈", expect=1)
    assert (await zhang.send("。")).text.startswith("请输入反馈内容，不能为空。\n向提出意见的群众反馈了什么结果？")
    assert (await zhang.send("长" * 1001)).text.startswith("反馈内容太长了（最多 1000 字）。")
    assert handled is not None and (await zhang.send("/cancel")).text == "已取消，没有保存任何内容。"
    assert items(saima) == [("村道狭窄", "县交通运输局", "handled", date(2026, 12, 8), None)]


async def test_the_same_finding_twice_offers_keep_both_or_cancel(saima: Saima) -> None:
    zhang = await member(saima)
    trip = await saved_trip(zhang)
    await add_finding(zhang, trip, "村道狭窄", "县交通运输局")
    again = await add_finding(zhang, trip, "村道狭窄", "县交通运输局")
    assert again.text.endswith("您似乎已经登记过相同的记录。两条都保留吗？")
    assert (await zhang.press(again, "取消")).text == "已取消，没有保存任何内容。"
    assert len(items(saima)) == 1


async def test_forged_and_stale_presses_change_nothing(saima: Saima) -> None:
    zhang = await member(saima)
    li = await member(saima, 1002, "李四")
    trip = await saved_trip(zhang)
    saved = await add_finding(zhang, trip, "村道狭窄", "县交通运输局")
    [item_id], [trip_id] = item_ids(saima), trip_ids(saima)
    own = await li.send("/findings")
    for data in (f"fu:s:{item_id}:handled", f"fu:i:{item_id}", f"fu:t:{trip_id}", f"fs:finding:{trip_id}",
                 f"fs:feedback:{item_id}", "fu:s:abc:handled", "fu:x", f"fu:s:{item_id}:assigned"):
        await li.press_data(own, data, expect=0)
        answer = await li.callback_answer()
        assert answer.text == "这个按钮已失效。" and answer.show_alert, data
    assert (await li.send("村道已拓宽")).text.startswith("这条消息要登记为哪一类？")  # no form was opened for li

    item = await zhang.press(await zhang.press(saved, "本次调研的意见建议"), "1. 村道狭窄")
    await zhang.press_data(item, f"fu:s:{item_id}:closed", expect=1)  # skipping steps
    assert items(saima)[0][2] == "assigned"
    await zhang.press_data(item, f"fs:assign:{item_id}", expect=0)  # it is assigned already
    assert (await zhang.callback_answer()).text == "这个按钮已失效。"
    await zhang.press(item, "标记已办理")
    stale = await zhang.press_data(item, f"fu:s:{item_id}:handled", expect=1)  # the same press again
    assert stale.text.startswith("这条意见建议的状态已经变化，以下为最新情况。")
    with saima.db.session() as session:
        steps = session.scalars(select(AuditEntry.id).where(AuditEntry.action == "follow_up_handled")).all()
    assert len(steps) == 1 and items(saima)[0][2] == "handled"


async def test_an_admin_of_the_team_may_move_a_members_item_but_not_another_teams_admin(saima: Saima) -> None:
    zhang = await member(saima)
    await add_finding(zhang, await saved_trip(zhang), "村道狭窄", "县交通运输局")
    [item_id] = item_ids(saima)
    with saima.db.session() as session:
        onboarding.create_team(session, name="市政府党组", admin_telegram_id=900002, group_chat_id=None,
                               config=saima.config, now=saima.clock.now())
    other = saima.control.user(900002, "钱主任")
    here = await other.send("/start")
    await other.press_data(here, f"fu:s:{item_id}:handled", expect=0)
    assert (await other.callback_answer()).text == "这个按钮已失效。"
    assert items(saima)[0][2] == "assigned"
    admin = saima.control.user(ADMIN_ID, "王主任")
    start = await admin.send("/start")
    moved = await admin.press_data(start, f"fu:s:{item_id}:handled", expect=1)
    assert moved.text.startswith("✅ 已标记为已办理。")
    assert items(saima)[0][2] == "handled"
    with saima.db.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "follow_up_handled")).one()
        admin_id = session.scalar(select(AuditEntry.actor_telegram_id).where(AuditEntry.id == entry.id))
    assert admin_id == ADMIN_ID


async def test_an_item_past_its_due_date_shows_as_overdue(saima: Saima) -> None:
    zhang = await member(saima)
    saved = await add_finding(zhang, await saved_trip(zhang), "村道狭窄", "县交通运输局")
    saima.clock.advance(timedelta(days=20))  # 11 December: three days past 8 December
    page = await zhang.press(saved, "本次调研的意见建议")
    assert page.text.endswith("1. 村道狭窄 — 已交办 · 12月8日前反馈 · ⚠️ 已逾期")


async def test_a_stranger_cannot_see_findings(saima: Saima) -> None:
    stranger = saima.control.user(2001, "赵六")
    assert (await stranger.send("/findings")).text.startswith("此功能仅限班子成员使用。")


async def test_in_english_the_loop_speaks_english(saima: Saima) -> None:
    tom = await member(saima, 1010, "Tom", lang="en")
    trip = await saved_trip(tom, "/trip Nov 5-8 Chun'an County, mountain prosperity research")
    question = await tom.press(trip, "Add findings", expect=1)
    assert question.text == ("What opinion or suggestion did people raise? Type it as one finding.\n"
                             "(/cancel to stop)")
    department = await tom.send("The village road is too narrow")
    assert department.labels == ["Not assigned yet"]
    due = (await tom.press(department, "Not assigned yet", expect=2))[-1]
    assert due.labels == ["Default: 8 Dec"]
    card = await tom.send("next Friday")
    assert card.text == ("Finding from a research trip\nTrip: 5 Nov–8 Nov Chun'an County\n"
                         "Finding: The village road is too narrow\nDepartment: not assigned yet\n"
                         "Feedback due: Fri 27 Nov 2026\n\nIs this right?")
    saved = await tom.press(card, "Confirm")
    assert saved.labels == ["Add another", "This trip's findings"]
    page = await tom.press(saved, "This trip's findings")
    assert page.text.endswith("1 finding:\n1. The village road is too narrow — raised, not yet assigned · "
                              "feedback due 27 Nov")
    item = await tom.press(page, "1. The village road is too narrow")
    assert item.labels == ["Assign to a department", "‹ This trip's findings"]
    assert items(saima) == [("The village road is too narrow", None, "raised", date(2026, 11, 27), None)]


async def test_an_english_user_may_give_the_feedback_due_in_chinese(saima: Saima) -> None:
    """Officials mix languages (README: dates in plain Chinese or English): 12月20日 typed by an English interface
    user was refused as a finding's feedback due."""
    tom = await member(saima, 1010, "Tom", lang="en")
    trip = await saved_trip(tom, "/trip Nov 5-8 Chun'an County, mountain prosperity research")
    await tom.press(trip, "Add findings", expect=1)
    await tom.send("Village road too narrow")
    await tom.send("County transport bureau")
    card = await tom.send("12月20日")
    assert "Feedback due: Sun 20 Dec 2026" in card.text, card.text
