"""The year-end evaluation end to end: the office grades each member and comments, publishing is refused while a
member is ungraded, then each member receives their own evaluation privately, exactly once (a second press sends
nothing); a member's /evaluate shows only their own, never another member's grade; a member cannot press the
office's buttons; a year that is not one and a comment too long get specific replies and change nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from storage.models import AuditEntry, Evaluation
from tests.conftest import SHANGHAI
from tests.e2e.conftest import Saima
from tests.e2e.helpers import member, members_since_new_year, owner, owner_and_two


async def _deliver(saima: Saima) -> None:
    while (await saima.running.application.delivery.tick()).claimed:  # type: ignore[attr-defined]
        pass


async def test_the_office_grades_publishes_and_each_member_sees_only_their_own(saima: Saima) -> None:
    admin, zhang, wang = await owner_and_two(saima)
    members_since_new_year(saima)

    assert (await zhang.send("/evaluate 2026")).text == "您的 2026 年度考评尚未发布。"
    assert (await admin.send("/evaluate 1999")).text == "发送 /evaluate 查看 2025 年度考评，或发送 /evaluate 加年份（2000 至 2026）。"
    card = await admin.send("/evaluate 2026")
    assert card.text.startswith("📊 2026 年度考评 · 省政府党组\n\n")
    assert "张三：" in card.text and "王五：" in card.text and "未评定" in card.text
    assert card.labels == ["张三", "王五", "📢 发布", "📄 PDF（压缩包）"]

    await admin.press(card, "📢 发布", expect=0)
    assert (await admin.callback_answer()).text == "未发布：请先评定张三、王五的等次。"

    own = await admin.press(card, "张三")
    assert own.text.startswith("📊 2026 年度履职情况 · 张三\n\n年度得分：")
    assert own.labels == ["优秀", "称职", "基本称职", "不称职", "✍️ 评语", "← 返回"]
    graded = await admin.press(own, "优秀")
    assert "评价等次：优秀" in graded.text and graded.labels[0] == "✅ 优秀"
    asked = await admin.press(graded, "✍️ 评语")
    assert asked.text.startswith("请输入对张三本年度的评语")
    assert (await admin.send("长" * 501)).text.startswith("评语过长：不超过 500 字。未保存任何内容。")
    saved = await admin.send("调研扎实，作风过硬")
    assert saved.text.startswith("评语已保存。\n\n📊 2026 年度履职情况 · 张三")
    assert "评语：调研扎实，作风过硬" in saved.text
    team = await admin.press(saved, "← 返回")
    other = await admin.press(team, "王五")
    await admin.press(other, "称职")

    published_card = await admin.send("/evaluate 2026")
    await admin.press(published_card, "📢 发布")
    assert (await admin.callback_answer()).text == "已发布：2 名成员将私下收到本人的考评结果。"
    await _deliver(saima)  # a Saturday: nothing goes out before Monday's working hours
    assert all("年度履职情况" not in (m.text or "") for m in await zhang.bot_messages())
    saima.clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI))
    await _deliver(saima)
    mine = await zhang.receive()
    assert mine.text.startswith("📊 2026 年度履职情况 · 张三")
    assert "评价等次：优秀" in mine.text and "评语：调研扎实，作风过硬" in mine.text
    assert "王五" not in mine.text and "称职" not in mine.text
    his = await wang.receive()
    assert his.text.startswith("📊 2026 年度履职情况 · 王五") and "评价等次：称职" in his.text
    assert "张三" not in his.text and "优秀" not in his.text and "调研扎实" not in his.text

    # published: pressing again (a stale copy, or redelivered) sends nothing twice, and grades no longer change
    await admin.press_data(published_card.message_id, "ev:p:2026")
    assert (await admin.callback_answer()).text == "考评已发布。"
    await _deliver(saima)
    assert len([m for m in await zhang.bot_messages() if "年度履职情况" in (m.text or "")]) == 1
    with saima.db.session() as session:
        rows = session.scalars(select(Evaluation).order_by(Evaluation.member_id)).all()
        assert [(row.grade, row.published_at is not None) for row in rows] == [("优秀", True), ("称职", True)]
        zhang_id = rows[0].member_id
    await admin.press_data(published_card.message_id, f"ev:g:{zhang_id}:2026:3", expect=1)
    assert (await admin.callback_answer()).text == "考评已发布，评价等次不再更改。"

    # the member's own /evaluate: their own, nobody else's
    again = await zhang.send("/evaluate 2026")
    assert again.text == mine.text
    await zhang.press_data(again.message_id, "ev:t:2026")
    assert (await zhang.callback_answer()).text == "此功能仅限办公室（管理员）使用。"


async def test_the_office_gets_every_member_s_pdf_in_a_zip(saima: Saima) -> None:
    admin, _, _ = await owner_and_two(saima)
    card = await admin.send("/evaluate 2026")
    sent = await admin.press(card, "📄 PDF（压缩包）")
    assert sent.kind == "document" and sent.file_name == "2026-考评.zip"
    assert sent.caption == "2026 年度考评：每位成员一页。"


async def test_a_member_who_reads_english_gets_their_evaluation_in_english(saima: Saima) -> None:
    admin = await owner(saima)
    tom = await member(saima, 1003, "Tom", lang="en")
    members_since_new_year(saima)
    card = await admin.send("/evaluate 2026")
    await admin.press(await admin.press(card, "Tom"), "称职")
    await admin.press(await admin.send("/evaluate 2026"), "📢 发布")
    saima.clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI))
    await _deliver(saima)
    own = await tom.receive()
    assert own.text.startswith("📊 2026 annual performance · Tom\n\nScore for the year: ")
    assert "Grade: 称职" in own.text and "Comment: none" in own.text


async def test_the_evaluation_is_of_those_in_office_that_year_and_publishes_without_the_others(saima: Saima) -> None:
    """王五 took office on 5 January 2027: the office grading 2026 the next day neither sees her nor is asked to grade
    her before publishing, and she has no 2026 evaluation to read."""
    admin, _zhang, wang = await owner_and_two(saima)
    members_since_new_year(saima)
    saima.clock.set(datetime(2027, 1, 6, 10, 0, tzinfo=SHANGHAI))
    card = await admin.press(await admin.send("/members"), "王五")
    await admin.press(card, "设置任职日期")
    assert (await admin.send("2027年1月5日")).text.startswith("已记录：王五于2027年1月5日（星期二）任职")

    card = await admin.send("/evaluate 2026")
    assert "张三：" in card.text and "王五" not in card.text
    assert card.labels == ["张三", "📢 发布", "📄 PDF（压缩包）"]
    await admin.press(await admin.press(card, "张三"), "优秀")
    await admin.press(await admin.send("/evaluate 2026"), "📢 发布", expect=0)
    assert (await admin.callback_answer()).text == "已发布：1 名成员将私下收到本人的考评结果。"
    assert (await wang.send("/evaluate 2026")).text == "您的 2026 年度考评尚未发布。"


async def test_a_member_who_left_office_before_the_year_is_not_in_its_evaluation(saima: Saima) -> None:
    """王五 left office on 15 December 2026: the 2027 evaluation, sent to the office in January 2028, is 张三's
    alone."""
    admin, _zhang, _wang = await owner_and_two(saima)
    members_since_new_year(saima)
    card = await admin.press(await admin.send("/members"), "王五")
    await admin.press(card, "设置离任日期")
    assert (await admin.send("2026年12月15日")).text.startswith("已记录：王五于2026年12月15日（星期二）离任")
    saima.clock.set(datetime(2028, 1, 5, 10, 0, tzinfo=SHANGHAI))
    card = await admin.send("/evaluate 2027")
    assert card.labels == ["张三", "📢 发布", "📄 PDF（压缩包）"]


async def test_pressing_the_grade_already_given_again_changes_nothing_and_says_it_is_saved(saima: Saima) -> None:
    """The office gives 张三 优秀, then taps "✅ 优秀" again (a double tap, or the press redelivered): the card stays as
    it is, the answer says the grade is saved, no second change is audited and no apology follows."""
    admin, _zhang, _wang = await owner_and_two(saima)
    members_since_new_year(saima)
    own = await admin.press(await admin.send("/evaluate 2026"), "张三")
    graded = await admin.press(own, "优秀")
    assert graded.labels[0] == "✅ 优秀"
    await admin.press(graded, "✅ 优秀", expect=0)
    assert (await admin.callback_answer()).text == "已保存：张三的评价等次为优秀。"
    assert (await admin.send("/help")).text  # settles: the press above has been handled
    shown = [m for m in await admin.bot_messages() if m.message_id == graded.message_id]
    assert [(m.text, m.labels) for m in shown] == [(graded.text, graded.labels)]
    assert not any((m.text or "").startswith("抱歉，系统出了点问题") for m in await admin.bot_messages())
    with saima.db.session() as session:
        audited = list(session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "evaluation")))
    assert audited == ["evaluation_grade"]


async def test_in_english_the_members_still_to_grade_are_listed_with_commas(saima: Saima) -> None:
    """An English office was told “Not published: give a grade to 张三、王五 first.”, with the Chinese list mark."""
    admin, _, _ = await owner_and_two(saima)
    members_since_new_year(saima)
    await admin.send("/lang en")
    card = await admin.send("/evaluate 2026")
    await admin.press(card, "📢 Publish", expect=0)
    assert (await admin.callback_answer()).text == "Not published: give a grade to 张三, 王五 first."


async def test_an_english_card_counts_in_the_number_it_shows(saima: Saima) -> None:
    """A target of 0.89 topics shown as 1 read “0 / 1 topics”: the unit follows the whole number shown."""
    admin = await owner(saima, lang="en")
    await member(saima, 1010, "Tom", lang="en")
    members_since_new_year(saima)
    card = (await admin.press(await admin.send("/evaluate 2026"), "Tom")).text
    assert "• Key research topic: 0 / 1 topic (0.0%)" in card and "• Key NPC suggestion led: 0 / 1 item (0.0%)" in card


async def test_a_published_years_targets_are_not_changed_after_it(saima: Saima) -> None:
    """The 2026 evaluation published on 5 January 2027, /targets 2026 → 下基层调研 → 全体成员 → 3 rewrote it: 张三's
    published card went from 16.5 points and 3 / 60 天 to 45.0 and 3 / 3 天, with no word that 2026 was closed;
    the prompt called it 新年度目标."""
    admin = await owner(saima)
    zhang = await member(saima)
    members_since_new_year(saima)
    saima.clock.set(datetime(2026, 12, 10, 10, 0, tzinfo=SHANGHAI))
    await zhang.press(await zhang.send("/trip 12月7日至9日 德清县 数字经济调研"), "确认")
    saima.clock.set(datetime(2027, 1, 5, 10, 0, tzinfo=SHANGHAI))
    prompt = await admin.press(await admin.press(await admin.send("/targets 2026"), "下基层调研"), "全体成员")
    assert prompt.text.startswith("下基层调研（全体成员）的年度目标："), prompt.text
    await admin.send("/cancel")
    await admin.press(await admin.press(await admin.send("/evaluate 2026"), "张三"), "称职")
    await admin.press(await admin.send("/evaluate 2026"), "📢 发布", expect=0)
    before = (await zhang.send("/evaluate 2026")).text
    assert "下基层调研：3 / 60 天" in before
    await admin.press(await admin.send("/targets 2026"), "下基层调研", expect=0)
    assert (await admin.callback_answer()).text == "2026 年度考评已发布，其目标保持为考评时的目标，未作修改。"
    assert (await zhang.send("/evaluate 2026")).text == before


async def test_this_years_evaluation_is_not_published_before_its_december(saima: Saima) -> None:
    """On 5 January 2027 /evaluate 2027 offered 📢 发布: graded and published, 张三 got his 2027 evaluation four days
    into the year, its grade then fixed for good."""
    admin = await owner(saima)
    zhang = await member(saima)
    members_since_new_year(saima)
    saima.clock.set(datetime(2027, 1, 5, 10, 0, tzinfo=SHANGHAI))
    await admin.press(await admin.press(await admin.send("/evaluate 2027"), "张三"), "优秀")
    await admin.press(await admin.send("/evaluate 2027"), "📢 发布", expect=0)
    assert (await admin.callback_answer()).text == "2027 年度考评要到 2027 年 11 月年末时才能发布。未发布。"
    assert (await zhang.send("/evaluate 2027")).text == "您的 2027 年度考评尚未发布。"
