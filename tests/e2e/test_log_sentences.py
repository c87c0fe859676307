"""Issue 14, say it once: a member's message without a command is read as a log (the same draft card as the
command's), the commands take whole sentences in any order, and what is unclear gets a question with
buttons, never "没有看懂". Nothing is stored before Confirm; in a group nothing is read as a log."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from storage.models import FollowUpItem
from tests.e2e.conftest import Saima
from tests.e2e.helpers import member, motions, owner, restart, sessions
from tests.e2e.test_findings import items, saved_trip, trip_ids
from tests.e2e.test_log_trip import trips
from tests.e2e.test_race_track import _in_linked_group
from tests.e2e.test_tasks import _assigned, _assignments, _choose, _deliver, _team

WHICH = "这条消息要登记为哪一类？确认草稿前不会保存任何内容。"


async def test_a_trip_sentence_without_a_command_gives_the_trips_card_and_confirm_stores_it(saima: Saima) -> None:
    zhang = await member(saima)
    card = await zhang.send("我昨天去德清县调研了地理信息小镇")
    assert card.text == ("下基层调研\n日期：2026年11月20日（星期五），共 1 天\n地点：德清县\n主题：地理信息小镇\n\n"
                         "以上内容是否正确？")
    assert card.labels == ["确认", "修改", "取消"]
    assert trips(saima) == []  # nothing before Confirm
    saved = await zhang.press(card, "确认")
    assert saved.text.startswith("✅ 已保存。\n下基层调研")
    assert trips(saima) == [("2026-11-20", "2026-11-20", "德清县", "地理信息小镇", None)]


async def test_the_issues_proposal_sentence_takes_two_interactions(saima: Saima) -> None:
    zhang = await member(saima)
    card = await zhang.send("/proposal 领办省政协重点提案第45号《关于加快山区26县高质量发展的提案》，11月10日交办")
    assert card.labels == ["确认", "修改", "取消"]  # nothing asked again: number, 重点 and title were read
    assert "编号：第45号\n标题：关于加快山区26县高质量发展的提案\n重点/一般：重点\n" in card.text
    await zhang.press(card, "确认")
    assert motions(saima) == [("proposal", "45", "关于加快山区26县高质量发展的提案", True, "2026-11-10",
                               "2027-02-10", "assigned")]


async def test_a_study_sentence_keeps_hours_out_of_the_topic_and_its_own_punctuation(saima: Saima) -> None:
    zhang = await member(saima)
    card = await zhang.send("/study 今天上午参加党组理论学习中心组集体学习，学习二十届四中全会精神，3个小时")
    assert card.text == ("学习记录\n日期：2026年11月21日（星期六）\n类型：理论学习中心组\n时长：3 小时\n"
                         "主题：学习二十届四中全会精神\n\n以上内容是否正确？")
    await zhang.press(card, "确认")
    other = await zhang.send("昨天参加集体学习，学习《中国共产党纪律处分条例》、《中国共产党问责条例》，两个小时")
    assert "主题：学习《中国共产党纪律处分条例》、《中国共产党问责条例》\n" in other.text  # no command, ，、《》 kept
    await zhang.press(other, "确认")
    assert sessions(saima) == [
        ("theory_group", "2026-11-21", Decimal("3.00"), "学习二十届四中全会精神"),
        ("collective", "2026-11-20", Decimal("2.00"), "学习《中国共产党纪律处分条例》、《中国共产党问责条例》")]


async def test_a_task_due_before_friday_evening_has_the_title_without_the_due_words(saima: Saima) -> None:
    admin = await owner(saima)
    await member(saima)
    detail = await admin.send("/task 报送年度工作总结 周五下班前")
    assert detail.text.startswith("有什么具体要求？")  # title and due were read: neither is asked
    attach = await _choose(admin, await admin.send("按模板填写"), "成员")
    card = await _choose(admin, attach, "无附件")
    assert card.text.splitlines()[1:4] == ["事项：报送年度工作总结", "具体要求：按模板填写",
                                           "截止日期：2026年11月27日（星期五）18:00"]


async def test_an_unclear_message_gets_a_question_with_buttons_and_the_kind_picked_opens_its_draft(
        saima: Saima) -> None:
    zhang = await member(saima)
    question = await zhang.send("收到")
    assert question.text == WHICH
    assert question.labels == ["调研", "学习", "建议提案", "都不是"]
    none = await zhang.press(question, "都不是", expect=2)
    assert none[-1].text == "好的，没有登记任何内容。发送 /help 查看可用功能。"
    old = question
    question = await zhang.send("昨天下午 党章 2小时")
    kind = await _choose(zhang, question, "学习")
    assert kind.text.startswith("是哪类学习？")  # the date, hours and topic were read; the kind is asked
    card = await _choose(zhang, kind, "集体学习")
    assert "日期：2026年11月20日（星期五）\n类型：集体学习\n时长：2 小时\n主题：党章" in card.text
    await zhang.press_data(old, old.button("调研")[1] or "", expect=0)  # the earlier question's buttons are stale
    assert (await zhang.callback_answer()).text == "这个按钮已失效。"
    await zhang.press(card, "确认")
    assert sessions(saima) == [("collective", "2026-11-20", Decimal("2.00"), "党章")] and trips(saima) == []


async def test_a_message_of_two_logs_asks_which_to_draft_and_reads_that_ones_clause(saima: Saima) -> None:
    zhang = await member(saima)
    question = await zhang.send("周一去了淳安县调研，周三参加了集体学法")
    assert question.text == "这条消息像是两条记录。先登记哪一条？另一条请稍后再发。"
    assert question.labels == ["调研", "学习", "都不是"]
    asked = await _choose(zhang, question, "学习")
    assert asked.text.startswith("学习了多长时间？")  # 周三 and 集体学法 were read from the study's clause
    assert (await zhang.send("2")).text.startswith("学习主题是什么？")
    card = await zhang.send("民法典")
    assert "日期：2026年11月18日（星期三）\n类型：集体学法\n时长：2 小时\n主题：民法典" in card.text
    await zhang.press(card, "确认")
    trip = await zhang.send("周一去了淳安县调研乡村振兴")
    assert "日期：2026年11月16日（星期一），共 1 天\n地点：淳安县\n主题：乡村振兴" in trip.text


async def test_a_message_in_the_group_is_never_read_as_a_log(saima: Saima) -> None:
    zhang = await member(saima)
    group = await _in_linked_group(saima, zhang)
    await zhang.send("我昨天去德清县调研了地理信息小镇", chat=group, expect=0)
    helped = await zhang.send("/help", chat=group)  # the next answer in the group is /help's
    assert helped.text.startswith("本群是")
    assert (await zhang.send("/cancel")).text == "当前没有可取消的操作。"  # no draft was opened privately
    assert trips(saima) == []


async def test_english_sentences_give_their_drafts(saima: Saima) -> None:
    zhang = await member(saima, lang="en")
    card = await zhang.send("Visited Deqing county yesterday to look at the geospatial town")
    assert card.labels == ["Confirm", "Edit", "Cancel"]
    assert "Places: Deqing county" in card.text and "Topic: the geospatial town" in card.text
    await zhang.press(card, "Confirm")
    proposal = await zhang.send("Led key CPPCC proposal No. 45 'On accelerating the 26 mountain counties', "
                                "assigned Nov 10")
    assert proposal.labels == ["Confirm", "Edit", "Cancel"]
    await zhang.press(proposal, "Confirm")
    question = await zhang.send("Thanks!")
    assert question.labels == ["Trip", "Study", "Suggestion or proposal", "Neither"]
    assert trips(saima) == [("2026-11-20", "2026-11-20", "Deqing county", "the geospatial town", None)]
    assert motions(saima)[0][:5] == ("proposal", "45", "On accelerating the 26 mountain counties", True, "2026-11-10")


async def test_the_question_survives_a_restart_and_a_new_message_replaces_it(saima: Saima) -> None:
    zhang = await member(saima)
    question = await zhang.send("周一去了淳安县调研，周三参加了集体学法")
    await restart(saima)
    asked = await _choose(zhang, question, "调研")
    assert asked.text.startswith("调研主题是什么？")  # 周一 and 淳安县 were read from the trip's clause
    await zhang.send("/cancel")
    unclear = await zhang.send("收到")
    card = await zhang.send("昨天去开化县调研乡村振兴")  # not an answer to the question: read afresh
    assert "地点：开化县\n主题：乡村振兴" in card.text
    await zhang.press_data(unclear, unclear.button("学习")[1] or "", expect=0)
    assert (await zhang.callback_answer()).text == "这个按钮已失效。"
    assert trips(saima) == []


async def test_a_message_saying_an_open_task_is_done_opens_its_report_with_the_message_as_the_note(
        saima: Saima) -> None:
    admin, zhang, _ = await _team(saima)
    await _assigned(saima, admin, "下周五", "成员")
    await _deliver(saima)
    await zhang.receive()
    asked = await zhang.send("整改台账已报送县委办")
    assert asked.text.startswith("请发送图片或文件作为佐证材料")  # the note was the message: only evidence is asked
    card = await _choose(zhang, asked, "无佐证材料")
    assert card.text.splitlines()[:3] == ["报结：“整改台账”", "报结说明：整改台账已报送县委办", "佐证材料：无"]
    assert _assignments(saima)[0][1] == "assigned"  # nothing before Confirm
    await zhang.press(card, "确认")
    assert _assignments(saima)[0][1] == "reported"
    # Nothing open any more: the same words are no report, and get the question.
    assert (await zhang.send("整改台账已报送")).text == WHICH


async def test_a_message_telling_what_people_raised_is_a_finding_on_the_latest_trip(saima: Saima) -> None:
    zhang = await member(saima)
    assert (await zhang.send("村民反映农村公交班次太少")).text == WHICH  # no trip yet: the question
    await saved_trip(zhang, "/trip 11月16日 开化县 乡村振兴")
    await saved_trip(zhang, "/trip 昨天 淳安县 山区共富")
    department = await zhang.send("开化县调研时村民反映农村公交班次太少")  # names the earlier trip's place
    assert department.text.startswith("由哪个单位负责办理？")
    due = await zhang.send("县交通运输局")
    card = await _choose(zhang, due, due.labels[0])  # the default feedback date
    assert "开化县" in card.text and "开化县调研时村民反映农村公交班次太少" in card.text
    assert items(saima) == []  # nothing before Confirm
    await zhang.press(card, "确认")
    assert [(content, department) for content, department, *_ in items(saima)] == [
        ("开化县调研时村民反映农村公交班次太少", "县交通运输局")]
    with saima.db.session() as session:
        trip_of = session.scalars(select(FollowUpItem.trip_id)).one()
    assert trip_of == trip_ids(saima)[0]
