"""A logged suggestion or proposal moves through its closed loop on buttons: assigned → handling → replied
→ closed, or back to handling when the deputy is not satisfied; admins extend deadlines. Only the lead
member or an admin of the same team may act, whatever the callback data says."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from config import Config
from core.domain import MemberStatus, MotionKind, Role
from emulator import BotMessage, SimUser
from storage import members, onboarding
from storage import motions as motion_queries
from storage.models import AuditEntry, Member, Motion
from tests.e2e.conftest import Saima
from tests.e2e.helpers import logged, member, owner_and_member, restart


def row(saima: Saima, motion_id: int | None = None) -> Motion:
    with saima.db.session() as session:
        query = select(Motion).order_by(Motion.id.desc())
        found = session.get(Motion, motion_id) if motion_id else session.scalars(query).first()
        assert found is not None
        return found


def audit_actions(saima: Saima, motion_id: int) -> list[str]:
    with saima.db.session() as session:
        return list(session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "motion",
                                                                    AuditEntry.entity_id == motion_id)
                                    .order_by(AuditEntry.id)))


async def open_card(user: SimUser, label: str) -> BotMessage:
    listing = await user.send("/proposals")
    card = await user.press(listing, label)
    assert card is not None
    return card


async def test_the_full_loop_assigned_handling_replied_closed(saima: Saima) -> None:
    zhang = await member(saima)
    await logged(zhang)
    listing = await zhang.send("/proposals")
    assert listing.text == ("您领办的未办结建议提案（1 件）：\n\n"
                            "1. 人大建议 第123号 · 重点\n    关于加快山区公路建设的建议\n"
                            "    已交办 · 2027年2月1日（星期一）前答复\n\n"
                            "点按一件可查看详情并登记下一步。")
    assert listing.labels == ["1. 第123号 关于加快山区公路建设的建议"]
    card = await zhang.press(listing, "第123号")
    assert card.text == ("人大建议 第123号 · 重点\n标题：关于加快山区公路建设的建议\n领办人：张三\n状态：已交办\n"
                         "交办日期：2026年11月1日（星期日）\n答复期限：2027年2月1日（星期一）")
    assert card.labels == ["开始办理", "已答复"]
    handling = await zhang.press(card, "开始办理")
    assert handling.text.startswith("✅ 已开始办理。\n\n人大建议 第123号") and "状态：办理中" in handling.text
    assert handling.labels == ["已答复"]
    question = await zhang.press(handling, "已答复")
    assert question.text == "人大建议 第123号 · 重点\n哪天答复的？（例如：昨天、11月18日、上周五）\n（发送 /cancel 取消）"
    assert (await zhang.send("明天")).text.startswith("答复日期还没到；答复发出后才能登记。\n哪天答复的？")
    assert (await zhang.send("不知道")).text.startswith("没能把“不知道”识别为日期。\n哪天答复的？")
    classes = await zhang.send("昨天")
    assert classes.text == "答复日期：2026年11月20日（星期五）。办理结果属于哪一类？"
    assert classes.labels == ["A类（已解决或采纳）", "B类（列入计划）", "C类（说明解释）"]
    assert all(len(data.encode()) <= 64 for data in classes.callback_data)
    assert (await zhang.send("A")).text == "请用上方按钮选择办理结果，或发送 /cancel 取消。"
    replied = await zhang.press(classes, "A类")
    assert replied.text.startswith("✅ 已登记答复。代表（委员）反馈意见后，请用下方按钮登记。\n\n")
    assert "状态：已答复，待反馈\n" in replied.text and "答复日期：2026年11月20日（星期五）\n办理结果：A类（已解决或采纳）" in replied.text
    assert replied.labels == ["满意", "基本满意", "不满意"]
    assert "已答复，待反馈" in (await zhang.send("/proposals")).text  # still listed: the deputy has not answered
    closed = await zhang.press(replied, "基本满意")
    assert closed.text.startswith("✅ 已登记反馈意见：基本满意。该件已办结。\n\n")
    assert "状态：已办结" in closed.text and "反馈意见：基本满意" in closed.text and closed.buttons == []
    motion = row(saima)
    assert (motion.status.value, motion.replied_on, motion.result_class.value if motion.result_class else None,
            motion.satisfaction.value if motion.satisfaction else None) == ("closed", date(2026, 11, 20), "A",
                                                                           "basically")
    assert audit_actions(saima, motion.id) == ["create", "start_handling", "reply", "close"]
    assert (await zhang.send("/proposals")).text == "您领办的建议提案都已办结。发送 /proposal 登记新的领办件。"


async def test_not_satisfied_reopens_handling_with_a_new_due_date(saima: Saima) -> None:
    zhang = await member(saima)
    saved = await logged(zhang, "提案 第8号 关于加强基层医疗服务能力的提案 重点 2026年6月1日交办")
    question = await zhang.press(saved, "已答复")  # straight from assigned
    assert question.text.startswith("政协提案 第8号 · 重点\n哪天答复的？")
    assert (await zhang.send("2026年5月30日")).text.startswith(
        "答复日期早于交办日期2026年6月1日（星期一），请核对。\n哪天答复的？")
    replied = await zhang.press(await zhang.send("9月1日"), "C类")  # on time: due 1 September
    assert "答复日期：2026年9月1日（星期二）\n" in replied.text
    reopened = await zhang.press(replied, "不满意")
    assert reopened.text.startswith("↩️ 代表（委员）不满意，已重新办理，新的答复期限为2026年12月21日（星期一）。\n\n")
    assert "状态：办理中\n" in reopened.text and "答复期限：2026年12月21日（星期一）\n" in reopened.text
    assert "答复日期" not in reopened.text and reopened.text.endswith("已重新办理 1 次（代表委员不满意或回头看未落实）。")
    assert reopened.labels == ["已答复"]
    motion = row(saima)
    assert (motion.status.value, motion.reply_due, motion.replied_on, motion.result_class, motion.reopened) == (
        "handling", date(2026, 12, 21), None, None, 1)
    stale = replied  # the card before the reopening still shows the feedback buttons
    await zhang.press_data(stale, stale.button("满意")[1] or "", expect=0)
    assert (await zhang.callback_answer()).text == "尚未答复，还不能登记反馈意见；请先登记答复。"
    await zhang.press(reopened, "已答复")
    again = await zhang.press(await zhang.press(await zhang.send("今天"), "B类"), "满意")
    assert again.text.startswith("✅ 已登记反馈意见：满意。该件已办结。")
    assert audit_actions(saima, motion.id) == ["create", "reply", "reopen", "reply", "close"]
    with saima.db.session() as session:
        assert motion_queries.on_time_rate(session, motion.lead_member_id, 2026, date(2026, 11, 21)) == 1


async def test_a_refused_step_says_why_and_changes_nothing(saima: Saima) -> None:
    zhang = await member(saima)
    saved = await logged(zhang)
    await zhang.press(saved, "开始办理")
    await zhang.press_data(saved, saved.button("开始办理")[1] or "", expect=0)  # the same tap again, on a stale card
    assert (await zhang.callback_answer()).text == "已在办理中，未作任何更改。"
    await zhang.press(saved, "已答复")
    replied = await zhang.press(await zhang.press(await zhang.send("昨天"), "B类"), "满意")
    assert replied.text.startswith("✅ 已登记反馈意见：满意。")
    await zhang.press_data(saved, saved.button("已答复")[1] or "", expect=0)
    assert (await zhang.callback_answer()).text == "已办结，不能再更改。"
    assert audit_actions(saima, row(saima).id) == ["create", "start_handling", "reply", "close"]


async def test_forged_presses_change_nothing(saima: Saima) -> None:
    zhang = await member(saima)
    li = await member(saima, 1002, "李四")
    saved = await logged(zhang)
    motion_id = row(saima).id
    other_team_motion = _motion_in_another_team(saima)
    for data in (f"mo:{motion_id}:h", f"mo:{motion_id}:v", f"mo:{motion_id}:s:satisfied"):
        await li.press_data(saved, data, expect=0)  # another member's motion
        assert (await li.callback_answer()).text == "这个按钮已失效。"
    for data in (f"mo:{other_team_motion}:v", f"mo:{other_team_motion}:h",  # another team's motion
                 f"mo:{motion_id}:x",  # extending is for admins
                 f"mo:{motion_id}:c:A:abcdef",  # a result class without the reply day asked
                 f"mo:{motion_id}:s:delighted", "mo:abc:v", f"mo:{motion_id}:q", "mo:" + "9" * 40 + ":v"):
        await zhang.press_data(saved, data, expect=0)
        assert (await zhang.callback_answer()).text == "这个按钮已失效。"
    question = await zhang.press(saved, "已答复")
    classes = await zhang.send("昨天")
    await li.press_data(classes, classes.callback_data[0], expect=0)  # Li replays Zhang's result button
    assert (await li.callback_answer()).text == "这个按钮已失效。"
    await zhang.press_data(classes, classes.callback_data[0][:-6] + "000000", expect=0)  # a wrong nonce
    assert (await zhang.callback_answer()).text == "这个按钮已失效。"
    assert question is not None
    assert row(saima, motion_id).status.value == "assigned"
    assert row(saima, other_team_motion).status.value == "assigned"
    assert audit_actions(saima, motion_id) == ["create"]


def _motion_in_another_team(saima: Saima) -> int:
    with saima.db.session() as session:
        other = onboarding.create_team(session, name="市政府党组", admin_telegram_id=990001, group_chat_id=None,
                                       config=Config(), now=saima.clock.now())
        wang = members.add(session, team=other.team, telegram_user_id=990002, display_name="王五", username=None,
                           role=Role.MEMBER, status=MemberStatus.ACTIVE, now=saima.clock.now(),
                           joined_on=date(2026, 1, 1))
        return motion_queries.create(session, lead=wang, kind=MotionKind.SUGGESTION, number="1",
                                     title="关于改善城市交通的建议", is_key=True, assigned_on=date(2026, 3, 1),
                                     reply_due_months=3, now=saima.clock.now()).id


async def test_an_admin_sees_the_team_and_extends_a_deadline_never_shortening_it(saima: Saima) -> None:
    admin, zhang = await owner_and_member(saima)
    await logged(zhang, "建议 第7号 关于完善农村养老服务的建议 一般 2026年5月1日交办")  # due 1 August: overdue
    await logged(zhang)
    mine = await zhang.send("/proposals")
    assert "1. 人大建议 第123号 · 重点\n    关于加快山区公路建设的建议\n" in mine.text  # newest first
    assert ("2. 人大建议 第7号\n    关于完善农村养老服务的建议\n    已交办 · 8月1日前答复 ⚠️ 已逾期 112 天" in mine.text)
    assert "延长答复期限" not in (await zhang.press(mine, "第7号")).labels
    own = await admin.send("/proposals")
    assert own.text == "您领办的建议提案都已办结。发送 /proposal 登记新的领办件。"
    team = await admin.send("/proposals all")
    assert team.text.startswith("班子未办结的建议提案：2 件。\n\n1. 人大建议 第7号\n"
                                "    关于完善农村养老服务的建议\n    张三 · 已交办 · 8月1日前答复 ⚠️ 已逾期 112 天\n")
    card = await admin.press(team, "第7号")
    assert "答复期限：2026年8月1日（星期六） ⚠️ 已逾期 112 天" in card.text
    assert card.labels == ["开始办理", "已答复", "延长答复期限"]
    question = await admin.press(card, "延长答复期限")
    assert question.text.startswith("人大建议 第7号\n新的答复期限是哪天？目前的期限是2026年8月1日（星期六）。")
    assert (await admin.send("2026年7月31日")).text.startswith(
        "答复期限只能延长，不能缩短：目前的期限是2026年8月1日（星期六）。\n新的答复期限是哪天？")
    assert (await admin.send("2026年9月1日")).text.startswith("这一天已经过去了，请选择今天或以后的日期。")
    extended = await admin.send("12月31日")  # future-leaning: this December
    assert extended.text.startswith("✅ 答复期限已延长至2026年12月31日（星期四）。\n\n人大建议 第7号")
    assert "⚠️" not in extended.text and extended.labels == ["开始办理", "已答复", "延长答复期限"]
    motion = row(saima, row(saima).id - 1)
    assert motion.reply_due == date(2026, 12, 31)
    assert audit_actions(saima, motion.id) == ["create", "extend_due"]
    assert "12月31日前答复" in (await zhang.send("/proposals")).text
    handled = await admin.press(extended, "开始办理")  # an admin may move a member's motion too
    assert "状态：办理中" in handled.text


async def test_a_typed_step_survives_a_restart_and_cancel_leaves_it(saima: Saima) -> None:
    zhang = await member(saima)
    saved = await logged(zhang)
    await zhang.press(saved, "已答复")
    await restart(saima)
    classes = await zhang.send("前天")
    assert classes.text.startswith("答复日期：2026年11月19日（星期四）。")
    await restart(saima)
    replied = await zhang.press(classes, "B类")
    assert "办理结果：B类（列入计划）" in replied.text
    other = await logged(zhang, "建议 第124号 关于加快山区公路建设的补充建议 一般")
    await zhang.press(other, "已答复")
    assert (await zhang.send("/cancel")).text == "已取消，没有作任何更改。"
    assert (await zhang.send("昨天")).text == "这条消息要登记为哪一类？确认草稿前不会保存任何内容。"  # no step: read as a log
    assert row(saima).status.value == "assigned"


async def test_another_command_moves_on_from_a_typed_step(saima: Saima) -> None:
    zhang = await member(saima)
    saved = await logged(zhang)
    await zhang.press(saved, "已答复")
    assert (await zhang.send("/study")).text.startswith("哪天学习的？")
    assert (await zhang.send("昨天")).text.startswith("是哪类学习？")  # the study form's answer, not the motion's
    assert row(saima).status.value == "assigned"


async def test_in_english_the_loop_speaks_english(saima: Saima) -> None:
    tom = await member(saima, 1010, "Tom", lang="en")
    saved = await logged(tom, "proposal No. 45 Better village clinics, key, assigned Nov 1")
    listing = await tom.send("/proposals")
    assert listing.text == ("You lead 1 open suggestion or proposal:\n\n"
                            "1. CPPCC proposal No. 45 · key\n    Better village clinics\n"
                            "    assigned · reply due Mon 1 Feb 2027\n\n"
                            "Tap one to see it and record its next step.")
    card = await tom.press(listing, "No. 45")
    assert card.text == ("CPPCC proposal No. 45 · key\nSubject: Better village clinics\nLed by: Tom\nStatus: assigned\n"
                         "Assigned on: Sun 1 Nov 2026\nReply due: Mon 1 Feb 2027")
    question = await tom.press(saved, "Replied")
    assert question.text == ("CPPCC proposal No. 45 · key\nOn which day was the reply sent? "
                             "(e.g. 昨天, 11月18日, last Friday)\n(/cancel to stop)")
    assert (await tom.send("tomorrow")).text.startswith(
        "The reply date is in the future; a reply can only be recorded once it has been sent.")
    classes = await tom.send("last Wednesday")
    assert classes.text == "Replied on Wed 11 Nov 2026. What was the result?"
    assert classes.labels == ["A (solved or adopted)", "B (planned)", "C (explained)"]
    replied = await tom.press(classes, "A (solved")
    assert replied.text.startswith("✅ Reply recorded. When the deputy gives feedback, record it with the buttons "
                                   "below.\n\n")
    assert replied.labels == ["Satisfied", "Basically satisfied", "Not satisfied"]
    reopened = await tom.press(replied, "Not satisfied")
    assert reopened.text.startswith("↩️ The deputy is not satisfied, so handling reopens; the new reply deadline is "
                                    "Mon 21 Dec 2026.")
    assert reopened.text.endswith("Handled again 1 time (the deputy not satisfied, or a look-back that found it not carried out).")
    await tom.press_data(reopened, f"mo:{row(saima).id}:s:satisfied", expect=0)
    assert (await tom.callback_answer()).text == ("It has not been replied yet, so there is no feedback to record; "
                                                  "record the reply first.")
    await tom.press(reopened, "Replied")
    closed = await tom.press(await tom.press(await tom.send("today"), "B (planned)"), "Satisfied")
    assert closed.text.startswith("✅ Feedback recorded: satisfied. It is closed.")
    assert (await tom.send("/proposals")).text == ("You lead no suggestions or proposals that are still open. "
                                                   "Log one with /proposal.")


async def test_a_typed_day_is_read_in_either_language_whatever_the_interface(saima: Saima) -> None:
    """Officials mix the two languages: an English user answers the reply day with the prompt's own example
    (11月18日, which was refused as not a date), a Chinese user with “last Friday”, and a Chinese admin gives a
    new deadline as “Dec 31”."""
    admin, zhang = await owner_and_member(saima)
    tom = await member(saima, 1010, "Tom", lang="en")
    question = await tom.press(await logged(tom, "proposal No. 45 Better village clinics, key, assigned Nov 1"),
                               "Replied")
    assert "(e.g. 昨天, 11月18日, last Friday)" in question.text
    assert (await tom.send("11月18日")).text == "Replied on Wed 18 Nov 2026. What was the result?"
    await tom.send("/cancel")
    saved = await logged(zhang, "建议 第7号 关于完善农村养老服务的建议 一般 2026年5月1日交办")
    await zhang.press(saved, "已答复")
    assert (await zhang.send("last Friday")).text == "答复日期：2026年11月13日（星期五）。办理结果属于哪一类？"
    await zhang.send("/cancel")
    card = await admin.press(await admin.send("/proposals all"), "第7号")
    await admin.press(card, "延长答复期限")
    assert (await admin.send("Dec 31")).text.startswith("✅ 答复期限已延长至2026年12月31日（星期四）。")


async def test_strangers_and_removed_members_cannot_act(saima: Saima) -> None:
    zhang = await member(saima)
    saved = await logged(zhang)
    stranger = saima.control.user(2001, "赵六")
    assert (await stranger.send("/proposals")).text.startswith("此功能仅限班子成员使用。")
    await zhang.press(saved, "已答复")
    with saima.db.session() as session:
        found = session.scalar(select(Member).where(Member.telegram_user_id == 1001))
        assert found is not None
        found.status = MemberStatus.REMOVED
    joining = await zhang.send("昨天")  # no longer a member: the step is dropped
    assert joining.text.startswith("如需加入班子")
    await zhang.press_data(saved, saved.button("开始办理")[1] or "", expect=0)
    assert (await zhang.callback_answer()).text == "这个按钮已失效。"
    assert row(saima).status.value == "assigned"


async def test_a_late_reply_is_marked_and_counts_against_the_on_time_rate(saima: Saima) -> None:
    zhang = await member(saima)
    saved = await logged(zhang, "建议 第7号 关于完善农村养老服务的建议 一般 2026年5月1日交办")
    await zhang.press(saved, "已答复")
    replied = await zhang.press(await zhang.send("昨天"), "A类")
    assert "答复期限：2026年8月1日（星期六）\n答复日期：2026年11月20日（星期五） ⚠️ 超过答复期限\n" in replied.text
    with saima.db.session() as session:
        assert motion_queries.on_time_rate(session, row(saima).lead_member_id, 2026, date(2026, 11, 21)) == 0


def _many(saima: Saima, count: int, *, lead_id: int = 1001) -> list[int]:
    """``count`` open suggestions led by the member ``lead_id``, assigned 1–20 November, numbered 1…count."""
    with saima.db.session() as session:
        lead = session.scalar(select(Member).where(Member.telegram_user_id == lead_id))
        assert lead is not None
        return [motion_queries.create(session, lead=lead, kind=MotionKind.SUGGESTION, number=str(number),
                                      title=f"关于第{number}项民生实事的建议", is_key=False,
                                      assigned_on=date(2026, 11, 1 + number % 20), reply_due_months=3,
                                      now=saima.clock.now()).id
                for number in range(1, count + 1)]


async def test_a_long_list_shows_ten_to_a_page_and_its_buttons_open_the_motions_its_text_names(saima: Saima) -> None:
    zhang = await member(saima)
    _many(saima, 22)
    listing = await zhang.send("/proposals")
    assert listing.text.startswith("您领办的未办结建议提案（22 件）：\n（第 1/3 页）\n\n1. 人大建议 第19号")
    assert "10. " in listing.text and "11. " not in listing.text
    assert [label.split(".")[0] for label in listing.labels[:10]] == [str(i) for i in range(1, 11)]
    assert listing.labels[0].startswith("1. 第19号") and listing.labels[10:] == ["下一页 ›"]
    last = await zhang.press(await zhang.press(listing, "下一页 ›"), "下一页 ›")  # the same message, turned
    assert last.message_id == listing.message_id
    assert "（第 3/3 页）\n\n21. 人大建议 第1号" in last.text and "20. " not in last.text
    assert last.labels == ["21. 第1号 关于第1项民生实事的建议", "22. 第20号 关于第20项民生实事的建议", "‹ 上一页"]
    card = await zhang.press(last, "22. 第20号")
    assert "关于第20项民生实事的建议" in card.text and "已答复" in card.labels


async def test_the_office_reaches_every_open_motion_of_the_team_page_by_page(saima: Saima) -> None:
    """`/proposals all` once gave buttons to the first 20 only, and sending it again gave the same 20: the two
    due last could never be opened (nor extended) from the bot."""
    admin, _zhang = await owner_and_member(saima)
    ids = _many(saima, 22)
    listing = await admin.send("/proposals all")
    assert listing.text.startswith("班子未办结的建议提案：22 件。\n（第 1/3 页）")
    reachable: set[int] = set()
    page: BotMessage | None = listing
    while page is not None:
        reachable |= {int(d.split(":")[1]) for d in page.callback_data if d.split(":")[1].isdigit()}
        page = await admin.press(page, "下一页 ›") if "下一页 ›" in page.labels else None
    assert reachable == set(ids)
    card = await admin.press(await admin.press(await admin.send("/proposals all"), "下一页 ›"), "下一页 ›")
    extend = await admin.press(await admin.press(card, "22. "), "延长答复期限")
    assert "新的答复期限" in extend.text


async def test_a_member_cannot_turn_to_the_whole_teams_list_with_forged_data(saima: Saima) -> None:
    zhang = await member(saima)
    _many(saima, 12)
    listing = await zhang.send("/proposals")
    await zhang.press_data(listing, "mo:p:1:all", expect=0)
    assert (await zhang.callback_answer()).text == "这个按钮已失效。"


def test_callback_data_fits_telegrams_64_bytes_for_any_motion_id() -> None:
    from handlers.proposals import Action, data

    longest = max((data(10**12 - 1, action, argument, "abcdef") for action in Action if action is not Action.PAGE
                   for argument in ("A", "unsatisfied", "basically")), key=len)
    assert len(longest.encode()) <= 64


async def test_a_result_pressed_after_someone_else_replied_is_refused_and_ends_the_step(saima: Saima) -> None:
    admin, zhang = await owner_and_member(saima)
    saved = await logged(zhang)
    await zhang.press(saved, "已答复")
    classes = await zhang.send("昨天")
    card = await admin.press(await admin.send("/proposals all"), "第123号")
    await admin.press(card, "已答复")
    await admin.press(await admin.send("前天"), "C类")  # the office records the reply first
    await zhang.press_data(classes, classes.button("A类")[1] or "", expect=0)
    assert (await zhang.callback_answer()).text == "已经答复过了，请改为登记代表（委员）的反馈意见。未作任何更改。"
    assert (await zhang.send("好的")).text == "这条消息要登记为哪一类？确认草稿前不会保存任何内容。"  # the step is over
    motion = row(saima)
    assert (motion.replied_on, motion.result_class.value if motion.result_class else None) == (date(2026, 11, 19), "C")
    assert audit_actions(saima, motion.id) == ["create", "reply"]
