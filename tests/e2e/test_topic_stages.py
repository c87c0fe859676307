"""A key research topic is completed, not only registered: /topics moves it 立项 → 调研中 → 形成报告 → 成果转化
(a linked trip starts the research), and it counts towards the year's target at the team's stage (形成报告
by default). Bad input changes nothing; a stale or repeated press moves nothing twice."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from telegram import Update

from emulator import SimUser
from storage.models import AuditEntry, ResearchTopic
from tests.e2e.conftest import Saima
from tests.e2e.helpers import member, owner_and_member

PDF = b"%PDF-1.4\n% a research report\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
TITLE = "山区26县高质量发展路径研究"


def _topic(saima: Saima) -> ResearchTopic:
    with saima.db.session() as session:
        return session.scalars(select(ResearchTopic).order_by(ResearchTopic.id)).one()


def _moves(saima: Saima) -> int:
    with saima.db.session() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action == "topic_stage")) or 0


async def _registered(user: SimUser, title: str = TITLE) -> None:
    await user.press(await user.send(f"/topic {title}"), "确认")


async def _trip_for_the_topic(user: SimUser, days: str = "11月5日至8日") -> None:
    """A trip logged step by step, linked to the topic when asked."""
    await user.send("/trip")
    await user.send(days)
    await user.send("淳安县")
    question = await user.send("山区共富调研")
    card = (await user.press(question, TITLE, expect=2))[-1]
    await user.press(card, "确认")


async def test_a_topic_moves_from_a_linked_trip_to_its_report_and_outcome_and_counts_once_reported(
        saima: Saima) -> None:
    zhang = await member(saima)
    await _registered(zhang)
    listed = await zhang.send("/topics")
    assert listed.text == ("我的重点调研课题\n1. 山区26县高质量发展路径研究（2026年）\n   阶段：立项（自11月21日）\n\n"
                           "本班子的重点调研课题达到“形成报告”后计入年度任务。")
    assert listed.labels == ["1. 开始调研"]
    assert "重点调研课题 0/1" in (await zhang.send("/me")).text.replace("：", " ")

    await _trip_for_the_topic(zhang)  # 立项 → 调研中 from the trip's first day
    listed = await zhang.send("/topics")
    assert listed.text.splitlines()[2] == "   阶段：调研中（自11月5日）"
    assert listed.labels == ["1. 形成报告"]

    asked = await zhang.press(listed, "1. 形成报告")
    assert asked.text.startswith("请发送调研报告文件，或输入报告标题。")
    photo = await zhang.send_file("photo", "report.png", PNG)
    assert photo.text.startswith("请以文件（不是图片）形式发送调研报告，或输入报告标题。")
    when = await zhang.send_file("document", "调研报告.pdf", PDF)
    assert when.text.startswith("报告哪天完成？")
    assert (await zhang.send("下周五")).text.splitlines()[0] == "这一天还没到，请填写今天或更早的日期。"
    assert (await zhang.send("11月1日")).text.splitlines()[0] == (
        "这一天早于课题进入当前阶段的日期2026年11月5日（星期四），请填写当天或之后的日期。")
    assert (await zhang.send("不知道")).text.splitlines()[0] == "没能把“不知道”识别为日期。"
    assert _topic(saima).stage.value == "researching"  # nothing changed by any of it
    card = await zhang.send("11月20日")
    assert card.text == ("重点调研课题：形成报告\n重点调研课题：山区26县高质量发展路径研究\n调研报告：文件\n"
                         "完成日期：2026年11月20日（星期五）\n\n以上内容是否正确？")
    saved = await zhang.press(card, "确认")
    assert saved.text.endswith("当前阶段：形成报告。 ✅ 已计入年度任务")
    topic = _topic(saima)
    assert (topic.stage.value, topic.report_on, topic.counts_on) == ("report", date(2026, 11, 20), date(2026, 11, 20))
    assert topic.report_file_id is not None and topic.report_title is None
    me = (await zhang.send("/me")).text
    assert "重点调研课题 1/1" in me.replace("：", " ")
    assert ["    · 山区26县高质量发展路径研究：形成报告", "    课题达到“形成报告”后计入（/topics）"] == [
        line for line in me.splitlines() if line.startswith("    · ") or line.startswith("    课题")]
    board, _ = await zhang.send("/rank", expect=2)
    explained = await zhang.press(board, "我的得分明细")
    lines = explained.text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("重点调研课题："))
    assert lines[at + 1:at + 3] == ["    · 山区26县高质量发展路径研究：形成报告", "    课题达到“形成报告”后计入（/topics）"]

    listed = await zhang.send("/topics")
    assert listed.labels == ["1. 成果转化"]
    asked = await zhang.press(listed, "1. 成果转化")
    assert asked.text.startswith("课题成果转化成了什么？")
    assert (await zhang.send("推动出台《山区县共同富裕若干政策》")).text.startswith("哪天转化？")
    card = await zhang.send("昨天")
    assert card.text.splitlines()[2:4] == ["成果转化：推动出台《山区县共同富裕若干政策》", "转化日期：2026年11月20日（星期五）"]
    await zhang.press(card, "确认")
    listed = await zhang.send("/topics")
    assert listed.text.splitlines()[2:6] == ["   阶段：成果转化（自11月20日）", "   调研报告：文件 · 11月20日",
                                             "   成果转化：推动出台《山区县共同富裕若干政策》 · 11月20日",
                                             "   ✅ 已计入年度任务"]
    assert listed.labels == []
    assert _moves(saima) == 3


async def test_a_stale_or_repeated_press_moves_a_topic_once(saima: Saima) -> None:
    zhang = await member(saima)
    await _registered(zhang)
    listed = await zhang.send("/topics")
    await zhang.press(listed, "1. 开始调研", expect=0)  # the list is edited in place
    assert (await zhang.callback_answer()).text == "✅ “山区26县高质量发展路径研究”已进入调研阶段。"
    assert _topic(saima).research_started_on == date(2026, 11, 21)
    press = int((await saima.control.updates())["updates"][-1]["update_id"])

    sent = (await saima.control.updates(update_id=press))["updates"]  # the same press delivered again
    application = saima.running.application
    await application.update_queue.put(Update.de_json(sent[0], application.bot))
    assert (await zhang.send("/help")).text  # handled after the one delivered again
    assert _moves(saima) == 1

    await zhang.press_data(listed, "tp:r:" + str(_topic(saima).id))  # the old list's button pressed again
    assert (await zhang.callback_answer()).text == "该课题已进入下一阶段，未作任何更改。"
    await zhang.press_data(listed, "tp:r:999999")  # forged: not theirs
    assert (await zhang.callback_answer()).text == "这个按钮已失效。"
    await zhang.press_data(listed, "fs:topicoutcome:" + str(_topic(saima).id))  # 成果转化 before 形成报告
    assert (await zhang.callback_answer()).text == "该课题已进入下一阶段，未作任何更改。"
    assert _moves(saima) == 1 and _topic(saima).stage.value == "researching"


async def test_the_office_sees_every_topic_and_members_only_their_own(saima: Saima) -> None:
    admin, zhang = await owner_and_member(saima)
    await _registered(zhang)
    assert (await zhang.send("/topics all")).text == "此功能仅限办公室（管理员）使用。"
    assert (await zhang.send("/topics 其他")).text == (
        "发送 /topics 查看本人的重点调研课题；办公室发送 /topics all 查看全班子的课题。")
    team = await admin.send("/topics all")
    assert team.text == ("班子重点调研课题（2026年）\n1. 张三：山区26县高质量发展路径研究（2026年）\n   阶段：立项（自11月21日）\n\n"
                         "计入年度任务：1 项中 0 项（以“形成报告”计入）。\n办公室可选择重点调研课题在哪个阶段计入年度任务：")
    assert team.labels == ["立项", "调研中", "✓ 形成报告", "成果转化"]
    assert "重点调研课题 0/1" in (await zhang.send("/me")).text.replace("：", " ")
    await zhang.press_data(team, "tp:c:registered")  # a member pressing the office's button: refused
    assert (await zhang.callback_answer()).text == "此功能仅限办公室（管理员）使用。"

    await admin.press(team, "立项", expect=0)  # the office counts topics from 立项: the list is edited in place
    assert (await admin.callback_answer()).text == "✅ 今后重点调研课题达到“立项”即计入年度任务。"
    assert "重点调研课题 1/1" in (await zhang.send("/me")).text.replace("：", " ")
    await admin.press_data(team, "tp:c:registered")  # pressed again (a stale copy, or redelivered)
    assert (await admin.callback_answer()).text == "重点调研课题已按“立项”计入，未作任何更改。"
    with saima.db.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action == "topic_counting_stage")) == 1
    assert _topic(saima).counts_on == date(2026, 11, 21)


async def test_in_english_the_report_can_be_a_title(saima: Saima) -> None:
    tom = await member(saima, name="Tom", lang="en")
    await tom.press(await tom.send("/topic Mountain county development"), "Confirm")
    listed = await tom.send("/topics")
    assert listed.text.splitlines()[:3] == ["Your key research topics", "1. Mountain county development (2026)",
                                            "   Stage: Registered (since 21 Nov)"]
    await tom.press(listed, "1. Start research", expect=0)
    asked = await tom.press(await tom.send("/topics"), "1. Report done")
    assert asked.text.startswith("Send the report as a document, or type its title.")
    await tom.send("Roads and water in mountain counties")
    card = await tom.send("today")
    assert card.text.splitlines()[:4] == ["Key research topic: report done",
                                          "Key research topic: Mountain county development",
                                          "Research report: Roads and water in mountain counties",
                                          "Finished on: Sat 21 Nov 2026"]
    saved = await tom.press(card, "Confirm")
    assert saved.text.endswith("Now: Report done. ✅ Counts towards the year's target")


async def test_a_report_back_logged_after_a_one_tap_start_is_dated_by_the_trip_logged_for_it(saima: Saima) -> None:
    """开始调研 tapped today, then the September trip for the topic logged and its 30 September report: it was
    refused (这一天早于课题进入当前阶段的日期2026年11月21日), as the research dated from the tap."""
    zhang = await member(saima)
    await zhang.press(await zhang.send(f"/topic {TITLE}"), "确认")
    await zhang.press(await zhang.send("/topics"), "1. 开始调研", expect=0)
    await _trip_for_the_topic(zhang, "9月5日至8日")
    assert _topic(saima).research_started_on == date(2026, 9, 5)
    await zhang.press(await zhang.send("/topics"), "1. 形成报告")
    await zhang.send("山区26县发展路径调研报告")
    card = await zhang.send("9月30日")
    assert card.text.startswith("重点调研课题：形成报告\n"), card.text
    await zhang.press(card, "确认")
    assert _topic(saima).report_on == date(2026, 9, 30)
