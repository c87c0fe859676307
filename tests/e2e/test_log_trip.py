"""A member logs a grassroots research trip in one message or step by step, optionally for a key
research topic they registered with /topic; nothing is stored before Confirm."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from core.domain import TopicStage
from emulator import BotMessage, SimUser
from storage import trips as trip_queries
from storage.models import AuditEntry, ResearchTopic, ResearchTrip
from tests.conftest import SHANGHAI
from tests.e2e.conftest import ADMIN_ID, Saima
from tests.e2e.helpers import asked_to_keep_both, member


async def _step_by_step(user: SimUser, dates: str, places: str, topic: str) -> BotMessage:
    """Sends /trip alone, then answers its questions one by one; the reply to the last answer."""
    await user.send("/trip")
    await user.send(dates)
    await user.send(places)
    return await user.send(topic)


def trips(saima: Saima) -> list[tuple[str, str, str, str, int | None]]:
    with saima.db.session() as session:
        rows = session.execute(select(ResearchTrip.start_date, ResearchTrip.end_date, ResearchTrip.places,
                                      ResearchTrip.topic, ResearchTrip.research_topic_id)
                               .order_by(ResearchTrip.id)).all()
    return [(start.isoformat(), end.isoformat(), places, topic, key)
            for start, end, places, topic, key in rows]


def topics(saima: Saima) -> list[tuple[int, int, str]]:
    with saima.db.session() as session:
        rows = session.execute(select(ResearchTopic.id, ResearchTopic.year, ResearchTopic.title)
                               .order_by(ResearchTopic.id)).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


CARD = ("下基层调研\n日期：2026年11月5日（星期四）至11月8日（星期日），共 4 天\n地点：淳安县\n"
        "主题：山区共富调研\n\n以上内容是否正确？")


async def test_one_message_gives_a_card_in_words_and_confirm_stores_the_trip(saima: Saima) -> None:
    zhang = await member(saima)
    draft = await zhang.send("/trip 11月5日至8日 淳安县 山区共富调研")
    assert draft.text == CARD
    assert draft.labels == ["确认", "修改", "取消"]
    assert trips(saima) == []  # nothing before Confirm
    saved = await zhang.press(draft, "确认")
    assert saved.text.startswith("✅ 已保存。\n下基层调研\n日期：2026年11月5日（星期四）至11月8日（星期日），共 4 天")
    assert saved.text.endswith("收集到的意见建议可以现在添加，也可以稍后通过 /findings 添加。")
    assert saved.labels == ["添加意见建议"]
    assert trips(saima) == [("2026-11-05", "2026-11-08", "淳安县", "山区共富调研", None)]
    with saima.db.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "research_trip")).one()
        assert entry.action == "create" and entry.after is not None and entry.after["places"] == "淳安县"


async def test_without_details_the_trip_is_asked_step_by_step(saima: Saima) -> None:
    zhang = await member(saima)
    assert (await zhang.send("/trip")).text.startswith("哪天去调研的？（如 11月5日至8日、上周三）")
    assert (await zhang.send("11月5日至8日")).text.startswith("去了哪里调研？")
    assert (await zhang.send("淳安县")).text.startswith("调研主题是什么？")
    card = await zhang.send("山区共富调研")
    assert card.text == CARD  # a member without key research topics is not asked about them
    await zhang.press(card, "确认")
    assert trips(saima) == [("2026-11-05", "2026-11-08", "淳安县", "山区共富调研", None)]


async def test_a_partial_message_asks_only_what_is_missing(saima: Saima) -> None:
    zhang = await member(saima)
    assert (await zhang.send("/trip 昨天 开化县")).text.startswith("调研主题是什么？")
    card = await zhang.send("乡村振兴")
    assert "日期：2026年11月20日（星期五），共 1 天\n地点：开化县\n主题：乡村振兴" in card.text


async def test_bad_input_at_each_step_gets_a_specific_reply_and_nothing_is_stored(saima: Saima) -> None:
    zhang = await member(saima)
    future = await zhang.send("/trip 明天 淳安县 山区共富")
    assert future.text.startswith("调研只能登记已经过去的日子，这些日期还没到。\n哪天去调研的？")
    under_way = await zhang.send("11月20日至23日")  # the end has not happened yet
    assert under_way.text.startswith("调研只能登记已经过去的日子，这些日期还没到。\n哪天去调研的？")
    assert (await zhang.send("不知道")).text.startswith("没能把“不知道”识别为日期。\n哪天去调研的？")
    backwards = await zhang.send("11月8日至11月5日")
    assert backwards.text.startswith("结束日期不能早于开始日期。\n您是指2026年11月5日（星期四）至11月8日（星期日）吗？请重新输入日期。\n哪天去调研的？")
    too_long = await zhang.send("2026年1月1日至6月30日")
    assert too_long.text.startswith("一次调研最长 92 天，请核对日期。\n哪天去调研的？")
    card = await zhang.send("11月5日至8日")
    assert "共 4 天" in card.text
    assert (await zhang.send("好的")).text == "请点按上方草稿中的按钮，或发送 /cancel 取消。"

    long_places = await zhang.send("/trip 昨天")
    assert long_places.text.startswith("之前未完成的草稿已放弃。\n去了哪里调研？")
    assert (await zhang.send("县" * 201)).text.startswith("地点太长了（最多 200 字）。\n去了哪里调研？")
    assert (await zhang.send("淳安县")).text.startswith("调研主题是什么？")
    assert (await zhang.send("调" * 201)).text.startswith("主题太长了（最多 200 字）。\n调研主题是什么？")
    assert (await zhang.send("调研")).text.startswith("请说明调研的具体主题（如 山区共富）。")  # says nothing
    one_message = await zhang.send("/trip 11月8日至11月5日 淳安县 山区共富")
    assert one_message.text.startswith("之前未完成的草稿已放弃。\n结束日期不能早于开始日期。\n您是指2026年11月5日（星期四）至11月8日（星期日）吗？请重新输入日期。\n哪天去调研的？")
    assert (await zhang.send("/cancel")).text == "已取消，没有保存任何内容。"
    assert trips(saima) == []


async def test_an_overlapping_trip_to_the_same_places_offers_keep_both_or_cancel(saima: Saima) -> None:
    zhang = await member(saima)
    await zhang.press(await zhang.send("/trip 11月5日至8日 淳安县 山区共富调研"), "确认")
    again = await asked_to_keep_both(zhang, "/trip 11月7日 淳安县 回访")
    assert (await zhang.press(again, "取消")).text == "已取消，没有保存任何内容。"
    assert len(trips(saima)) == 1
    elsewhere = await zhang.press(await zhang.send("/trip 11月7日 开化县 回访"), "确认")  # other places: no question
    assert elsewhere.text.startswith("✅ 已保存。")
    kept = await zhang.press(await zhang.press(await zhang.send("/trip 11月7日 淳安县 回访"), "确认"), "都保留")
    assert kept.text.startswith("✅ 已保存。") and kept.labels == ["添加意见建议"]
    assert len(trips(saima)) == 3


async def test_a_key_research_topic_is_registered_and_offered_when_the_trip_is_asked_step_by_step(
        saima: Saima) -> None:
    zhang = await member(saima)
    card = await zhang.send("/topic 山区26县高质量发展路径研究")
    assert card.text == ("重点调研课题（2026年）\n课题名称：山区26县高质量发展路径研究\n牵头人：张三\n\n以上内容是否正确？")
    saved = await zhang.press(card, "确认")
    assert saved.text.startswith("✅ 已保存。") and saved.text.endswith("用 /trip 登记相关调研时，可选择关联此课题。")
    [(topic_id, year, title)] = topics(saima)
    assert (year, title) == (2026, "山区26县高质量发展路径研究")
    again = await zhang.press(await zhang.send("/topic 山区26县高质量发展路径研究"), "确认")
    assert again.labels == ["都保留", "取消"]  # the same topic twice is questioned
    await zhang.press(again, "取消")

    question = await _step_by_step(zhang, "11月5日至8日", "淳安县", "山区共富调研")
    assert question.text.startswith("这次调研是否服务于您牵头的重点调研课题？")
    assert question.labels == ["山区26县高质量发展路径研究", "不关联"]
    card = (await zhang.press(question, "山区26县高质量发展路径研究", expect=2))[-1]
    assert card.text.endswith("主题：山区共富调研\n重点调研课题：山区26县高质量发展路径研究\n\n以上内容是否正确？")
    await zhang.press(card, "确认")
    assert trips(saima) == [("2026-11-05", "2026-11-08", "淳安县", "山区共富调研", topic_id)]


async def test_a_december_trip_logged_in_january_serves_that_year_s_key_topic(saima: Saima) -> None:
    """张三 leads the 2026 topic and, from 2 January, a 2027 one. Back on 5 January 2027 he logs his trip of
    28–30 December 2026 step by step: he is asked about his 2026 topic (the trip's year), not 2027's, and the
    linked trip moves the 2026 topic to 调研中 from its first day."""
    zhang = await member(saima)
    await zhang.press(await zhang.send("/topic 山区26县高质量发展路径研究"), "确认")
    saima.clock.set(datetime(2027, 1, 2, 10, 0, tzinfo=SHANGHAI))
    await zhang.press(await zhang.send("/topic 数字化改革"), "确认")
    saima.clock.set(datetime(2027, 1, 5, 10, 0, tzinfo=SHANGHAI))
    question = await _step_by_step(zhang, "12月28日至30日", "淳安县", "山区共富调研")
    assert question.text.startswith("这次调研是否服务于您牵头的重点调研课题？"), question.text
    assert question.labels == ["山区26县高质量发展路径研究", "不关联"]
    card = (await zhang.press(question, "山区26县高质量发展路径研究", expect=2))[-1]
    assert "重点调研课题：山区26县高质量发展路径研究" in card.text
    await zhang.press(card, "确认")
    [(topic_2026, year, _), _] = topics(saima)
    assert year == 2026
    assert trips(saima) == [("2026-12-28", "2026-12-30", "淳安县", "山区共富调研", topic_2026)]
    with saima.db.session() as session:
        topic = session.get_one(ResearchTopic, topic_2026)
        assert (topic.stage, topic.research_started_on) == (TopicStage.RESEARCHING, date(2026, 12, 28))


async def test_moving_a_trip_into_another_year_drops_its_key_topic_and_asks_again(saima: Saima) -> None:
    """The card of a December 2026 trip linked to the 2026 topic; Edit moves its dates to January 2027: the
    2026 topic no longer fits, so the bot asks again, offering 2027's."""
    zhang = await member(saima)
    await zhang.press(await zhang.send("/topic 山区26县高质量发展路径研究"), "确认")
    saima.clock.set(datetime(2027, 1, 5, 10, 0, tzinfo=SHANGHAI))
    await zhang.press(await zhang.send("/topic 数字化改革"), "确认")
    question = await _step_by_step(zhang, "12月28日至30日", "淳安县", "山区共富调研")
    card = (await zhang.press(question, "山区26县高质量发展路径研究", expect=2))[-1]
    await zhang.press(card, "修改")
    await zhang.press((await zhang.bot_messages())[-1], "日期", expect=2)
    again = await zhang.send("1月3日至4日")
    assert again.text.startswith("这次调研是否服务于您牵头的重点调研课题？"), again.text
    assert again.labels == ["数字化改革", "不关联"]
    card = (await zhang.press(again, "数字化改革", expect=2))[-1]
    await zhang.press(card, "确认")
    [_, (topic_2027, year, _)] = topics(saima)
    assert year == 2027
    assert trips(saima) == [("2027-01-03", "2027-01-04", "淳安县", "山区共富调研", topic_2027)]


async def test_one_message_never_waits_for_the_key_topic_and_edit_links_it(saima: Saima) -> None:
    zhang = await member(saima)
    await zhang.press(await zhang.send("/topic 数字化改革"), "确认")
    card = await zhang.send("/trip 昨天 开化县 乡村振兴")  # one topic: still not linked on its own
    assert card.text.startswith("下基层调研") and "重点调研课题" not in card.text
    await zhang.press(card, "修改", expect=1)
    fields = (await zhang.bot_messages())[-1]
    assert fields.labels == ["日期", "地点", "主题", "重点调研课题", "返回"]
    question = (await zhang.press(fields, "重点调研课题", expect=2))[-1]
    assert question.labels == ["数字化改革", "不关联"]
    linked = (await zhang.press(question, "数字化改革", expect=2))[-1]
    assert "重点调研课题：数字化改革" in linked.text
    await zhang.press(linked, "确认")
    [(topic_id, _, _)] = topics(saima)
    assert trips(saima) == [("2026-11-20", "2026-11-20", "开化县", "乡村振兴", topic_id)]


async def test_a_member_without_topics_is_not_offered_the_key_topic_field(saima: Saima) -> None:
    zhang = await member(saima)
    card = await zhang.send("/trip 昨天 开化县 乡村振兴")
    await zhang.press(card, "修改", expect=1)
    assert (await zhang.bot_messages())[-1].labels == ["日期", "地点", "主题", "返回"]


async def test_a_forged_button_press_changes_nothing(saima: Saima) -> None:
    zhang = await member(saima)
    li = await member(saima, 1002, "李四")
    await li.press(await li.send("/topic 李四的课题"), "确认")
    [(others_topic, _, _)] = topics(saima)
    await zhang.press(await zhang.send("/topic 张三的课题"), "确认")
    question = await _step_by_step(zhang, "昨天", "开化县", "乡村振兴")
    nonce = question.callback_data[0].split(":")[1]
    await zhang.press_data(question, f"f:{nonce}:ch:{others_topic}", expect=0)  # someone else's topic
    assert (await zhang.callback_answer()).text == "这个按钮已失效。"
    await zhang.press_data(question, "f:000000:ok:", expect=0)
    assert (await zhang.callback_answer()).text == "这个按钮已失效。"
    card = (await zhang.press(question, "不关联", expect=2))[-1]
    assert "重点调研课题" not in card.text
    await zhang.press(card, "确认")
    assert [key for *_, key in trips(saima)] == [None]


async def test_in_english_the_whole_flow_speaks_english(saima: Saima) -> None:
    tom = await member(saima, 1010, "Tom", lang="en")
    card = await tom.send("/trip Nov 5-8 Chun'an County, mountain prosperity research")
    assert card.text == ("Grassroots research trip\nDates: Thu 5 Nov to Sun 8 Nov 2026, 4 days\n"
                         "Places: Chun'an County\nTopic: mountain prosperity research\n\nIs this right?")
    saved = await tom.press(card, "Confirm")
    assert saved.text.startswith("✅ Saved.") and saved.labels == ["Add findings"]
    assert (await tom.send("/trip tomorrow in Kaihua: rural revitalisation")).text.startswith(
        "A trip can only be logged for days that have passed; those dates are still to come.\nWhen was")
    backwards = await tom.send("Nov 8 to Nov 5")
    assert backwards.text.startswith("The trip cannot end before it starts.\nDid you mean Thu 5 Nov to Sun 8 Nov 2026?"
                                     " Please type the dates again.\nWhen was")
    one_day = await tom.send("yesterday")
    assert one_day.text == ("Grassroots research trip\nDates: Fri 20 Nov 2026, 1 day\nPlaces: Kaihua\n"
                            "Topic: rural revitalisation\n\nIs this right?")
    topic = await tom.send("/topic Mountain county development")
    assert topic.text == ("The unfinished draft before this one was discarded.\nKey research topic (2026)\n"
                          "Title: Mountain county development\nLead: Tom\n\nIs this right?")
    assert (await tom.press(topic, "Confirm")).text.startswith("✅ Saved.")
    question = await _step_by_step(tom, "Nov 16", "Kaihua", "rural revitalisation")
    assert question.text.startswith("Was this trip for one of your key research topics?")
    assert question.labels == ["Mountain county development", "None"]
    assert trips(saima) == [("2026-11-05", "2026-11-08", "Chun'an County", "mountain prosperity research",
                             None)]


async def test_an_admin_logs_their_own_trips_like_any_member(saima: Saima) -> None:
    admin = saima.control.user(ADMIN_ID, "王主任")
    await admin.send("/start")
    card = await admin.send("/trip 上周一到周三 开化县、常山县 乡村振兴")
    assert "日期：2026年11月9日（星期一）至11月11日（星期三），共 3 天\n地点：开化县、常山县" in card.text
    await admin.press(card, "确认")
    assert trips(saima) == [("2026-11-09", "2026-11-11", "开化县、常山县", "乡村振兴", None)]


async def test_a_trip_across_new_year_written_with_ci_nian_is_read_as_the_range(saima: Saima) -> None:
    """12月30日至次年1月2日 (“to 2 January of the following year”) is how an office writes a trip across New Year;
    typed on 5 January 2027 it is 30 Dec 2026 – 2 Jan 2027, 4 days, in 淳安县, as without 次年, never a one-day
    trip with “至次年1月2日” taken for a place. 翌年 is the same."""
    zhang = await member(saima)
    saima.clock.set(datetime(2027, 1, 5, 10, 0, tzinfo=SHANGHAI))
    plain = await zhang.send("/trip 12月30日至1月2日 淳安县 山区共富调研")
    assert "共 4 天\n地点：淳安县\n" in plain.text
    for written in ("12月30日至次年1月2日", "12月30日至翌年1月2日"):
        await zhang.send("/cancel")
        card = await zhang.send(f"/trip {written} 淳安县 山区共富调研")
        assert card.text == plain.text
    await zhang.press(card, "确认")
    assert trips(saima) == [("2026-12-30", "2027-01-02", "淳安县", "山区共富调研", None)]


async def test_days_listed_one_after_another_are_one_trip_typed_in_the_message_or_as_the_answer(
        saima: Saima) -> None:
    """11月5日、6日 names two days, the 5th and the 6th: one two-day trip, never the 5th alone with “、6日” (or
    “和6日”) left among the places; typed alone as the answer to “哪天去调研的？” it is read too."""
    zhang = await member(saima)
    two_days = "2026年11月5日（星期四）至11月6日（星期五），共 2 天\n地点：淳安县\n"
    for written in ("11月5日、6日", "11月5日和6日", "5、6日"):
        card = await zhang.send(f"/trip {written} 淳安县 山区共富调研")
        assert two_days in card.text, card.text
    card = await _step_by_step(zhang, "11月5日、6日", "淳安县", "山区共富调研")
    assert two_days in card.text, card.text
    await zhang.press(card, "确认")
    assert trips(saima) == [("2026-11-05", "2026-11-06", "淳安县", "山区共富调研", None)]


async def test_days_listed_apart_are_asked_about_not_dropped_nor_taken_for_places(saima: Saima) -> None:
    """11月5日、8日 is two trips: the bot keeps neither day alone nor leaves “、8日” in the places; it says a trip is
    one span of days and asks for the dates again, keeping the places and topic."""
    zhang = await member(saima)
    asked = await zhang.send("/trip 11月5日、8日 淳安县 山区共富调研")
    assert asked.text.startswith("一次调研是连续的一段日期（如 11月5日至8日）；不相连的几天是几次调研，请分别登记。\n"
                                 "哪天去调研的？"), asked.text
    again = await zhang.send("11月5日和8日")
    assert again.text.startswith("一次调研是连续的一段日期"), again.text
    card = await zhang.send("11月5日")
    assert card.text.startswith("下基层调研\n日期：2026年11月5日（星期四），共 1 天\n地点：淳安县\n主题：山区共富调研\n")
    await zhang.press(card, "确认")
    assert trips(saima) == [("2026-11-05", "2026-11-05", "淳安县", "山区共富调研", None)]


async def test_in_english_days_listed_apart_are_explained_in_english(saima: Saima) -> None:
    tom = await member(saima, 1010, "Tom", lang="en")
    asked = await tom.send("/trip 11月5日、8日 Chun'an County")
    assert asked.text.startswith("One trip is one span of days, such as 11月5日至8日; days that do not follow one "
                                 "another are separate trips: please log each on its own.\nWhen was the trip?")


async def test_mine_lists_trips_and_topics_to_correct_or_delete(saima: Saima) -> None:
    zhang = await member(saima)
    await zhang.press(await zhang.send("/topic 数字化改革"), "确认")
    saved = await zhang.press(await zhang.send("/trip 11月5日至8日 淳安县 山区共富调研"), "确认")
    await zhang.press(saved, "添加意见建议", expect=1)
    department = await zhang.send("村道狭窄")
    due = (await zhang.press(department, "暂不交办", expect=2))[-1]
    await zhang.press((await zhang.press(due, due.labels[0], expect=2))[-1], "确认")
    page = await zhang.send("/mine")
    assert page.text.splitlines()[1:3] == ["1. 调研 · 11月5日–11月8日 · 淳安县 · 山区共富调研 · 1 条意见建议",
                                           "2. 重点调研课题 · 2026 · 数字化改革"]
    card = await zhang.press(page, "✏️ 1", expect=1)
    assert card.text == CARD
    await zhang.press(card, "修改")
    fields = (await zhang.bot_messages())[-1]
    assert fields.labels == ["日期", "地点", "主题", "重点调研课题", "返回"]
    await zhang.press(fields, "日期", expect=2)
    changed = await zhang.send("11月6日至8日")
    assert "共 3 天" in changed.text
    assert (await zhang.press(changed, "确认")).text.endswith("修改已记入操作日志。")
    assert trips(saima) == [("2026-11-06", "2026-11-08", "淳安县", "山区共富调研", None)]

    confirm = await zhang.press(await zhang.send("/mine"), "🗑 1")
    done = await zhang.press(confirm, "删除")
    assert done.text.startswith("已删除：调研 · 11月6日–11月8日")
    with saima.db.session() as session:
        zhang_id = session.scalar(select(AuditEntry.actor_member_id).where(AuditEntry.action == "delete"))
        assert zhang_id is not None
        assert trip_queries.grassroots_days(session, zhang_id, 2026) == 0
        assert trip_queries.open_follow_ups(session, zhang_id) == []  # its findings went with it
        deleted = session.scalars(select(AuditEntry.entity).where(AuditEntry.action == "delete")).all()
    assert sorted(deleted) == ["follow_up_item", "research_trip"]
    assert (await zhang.send("/findings")).text.startswith("您还没有登记下基层调研。")


async def test_a_trip_corrected_onto_another_trip_to_the_same_places_asks_first(saima: Saima) -> None:
    """Two trips to 淳安县 that do not overlap; one corrected from /mine to days of the other asks “Keep both?”,
    as logging it so would; correcting a trip within its own days asks nothing."""
    zhang = await member(saima)
    await zhang.press(await zhang.send("/trip 11月5日至8日 淳安县 山区共富调研"), "确认")
    await zhang.press(await zhang.send("/trip 11月12日 淳安县 回访"), "确认")
    card = await zhang.press(await zhang.send("/mine"), "✏️ 1", expect=1)
    await zhang.press(card, "修改")
    await zhang.press((await zhang.bot_messages())[-1], "日期", expect=2)
    asked = await zhang.press(await zhang.send("11月7日"), "确认")
    assert asked.text.endswith("您似乎已经登记过相同的记录。两条都保留吗？") and asked.labels == ["都保留", "取消"]
    await zhang.press(asked, "取消")
    assert trips(saima)[1][:2] == ("2026-11-12", "2026-11-12")

    card = await zhang.press(await zhang.send("/mine"), "✏️ 2", expect=1)
    await zhang.press(card, "修改")
    await zhang.press((await zhang.bot_messages())[-1], "日期", expect=2)
    saved = await zhang.press(await zhang.send("11月6日至8日"), "确认")
    assert saved.text.endswith("修改已记入操作日志。")
    assert trips(saima) == [("2026-11-06", "2026-11-08", "淳安县", "山区共富调研", None),
                            ("2026-11-12", "2026-11-12", "淳安县", "回访", None)]


async def test_a_key_topic_renamed_to_another_the_member_leads_asks_first(saima: Saima) -> None:
    zhang = await member(saima)
    await zhang.press(await zhang.send("/topic 数字化改革"), "确认")
    await zhang.press(await zhang.send("/topic 山区26县高质量发展路径研究"), "确认")
    card = await zhang.press(await zhang.send("/mine"), "✏️ 1", expect=1)
    await zhang.press(card, "修改")
    await zhang.press((await zhang.bot_messages())[-1], "课题名称", expect=2)
    asked = await zhang.press(await zhang.send("数字化改革"), "确认")
    assert asked.labels == ["都保留", "取消"]
    await zhang.press(asked, "取消")
    assert [title for *_, title in topics(saima)] == ["数字化改革", "山区26县高质量发展路径研究"]


async def test_a_day_the_calendar_has_not_is_asked_again_not_read_in_part(saima: Saima) -> None:
    """`/trip 13月1日至3日 淳安县 …` was a trip on 3 November with “13月1日至” in its places, and 2月30日 went into
    the places whole; now the dates are asked again and the places are only the places."""
    zhang = await member(saima)
    for typed in ("13月1日至3日", "2月30日"):
        asked = await zhang.send(f"/trip {typed} 淳安县 山区共富调研")
        assert asked.text.startswith("日期有误，其中有不存在的日子（如2月30日）。\n哪天去调研的？"), asked.text
        card = await zhang.send("11月5日至6日")
        assert card.text.startswith("下基层调研\n日期：2026年11月5日（星期四）至11月6日（星期五），共 2 天\n地点：淳安县\n"
                                    "主题：山区共富调研\n"), card.text
        await zhang.send("/cancel")
    assert trips(saima) == []
