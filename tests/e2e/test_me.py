"""`/me`: a member sees every duty as done/target, the pace of the year and the quarter, and open items."""

from __future__ import annotations

from datetime import date, datetime

from core.domain import FollowUpStatus
from storage import members as member_storage
from storage import trips as trip_storage
from storage.models import FollowUpItem
from tests.conftest import SHANGHAI
from tests.e2e.conftest import ADMIN_ID, Saima
from tests.e2e.helpers import member, members_since_new_year, owner
from tests.e2e.test_dashboard_api import a_finding


async def test_a_member_who_logs_a_trip_and_study_sees_them_counted_in_me(saima: Saima) -> None:
    zhang = await member(saima)
    members_since_new_year(saima, 1001)
    await zhang.press(await zhang.send("/study 昨天下午 集体学习 2小时 优化营商环境条例"), "确认")
    await zhang.press(await zhang.send("/trip 11月5日至8日 淳安县 山区共富调研"), "确认")
    await zhang.press(await zhang.send("/trip 11月7日至10日 淳安县 山区共富调研"), "确认", expect=1)
    card = (await zhang.bot_messages())[-1]
    if card.labels and "都保留" in card.labels:  # overlapping trip, same place: keep both
        await zhang.press(card, "都保留")
    me = (await zhang.send("/me")).text.splitlines()
    assert me[0] == "张三 · 2026年履职进度（截至11月21日）"
    research = next(line for line in me if "下基层调研" in line)
    assert "下基层调研 6/60 天" in research  # 5–8 and 7–10 November overlap: 6 days, not 8
    assert "❗" in research  # far behind the year's pace (60 × 325/365 = 53.4 days expected by now)
    study = next(line for line in me if "集体学习" in line)
    assert "集体学习 1/6 次" in study
    assert "按全年进度应完成 54；季度目标 60"  # 53.4, rounded up in me[me.index(research) + 1]


async def test_me_in_english_and_open_items_with_their_due_dates(saima: Saima) -> None:
    tom = await member(saima, 1010, "Tom", lang="en")
    members_since_new_year(saima, 1010)
    await tom.press(await tom.send("/proposal suggestion No. 123 Speeding up mountain roads, key"), "Confirm")
    me = (await tom.send("/me")).text
    assert me.startswith("Tom · progress in 2026 (as of 21 Nov)")
    assert "Key NPC suggestion led 1/1 item" in me
    assert "Open items\n🟢 Suggestion No. 123 reply · due 21 Feb" in me


async def test_a_member_who_opened_the_bot_today_is_asked_for_the_whole_year(saima: Saima) -> None:
    zhang = await member(saima)
    me = (await zhang.send("/me")).text
    assert "下基层调研 0/60 天" in me  # opening the bot is not taking office: not 6.7 (41 of 365 days)


async def test_a_stranger_has_no_progress_card(saima: Saima) -> None:
    reply = await saima.control.user(2001, "赵六").send("/me")
    assert reply.text.startswith("此功能仅限班子成员使用。")


async def test_a_finding_fed_back_to_the_grassroots_is_no_longer_due_in_me(saima: Saima) -> None:
    """Two findings due 19 November; the office fed one back on 10 November. On the 21st /me shows only the other as
    overdue, as the dashboard lights the fed-back one green (it used to read 🔴 已逾期 2 天 too)."""
    saima.clock.set(datetime(2026, 11, 10, 10, 0, tzinfo=SHANGHAI))
    await owner(saima)
    zhang = await member(saima)
    await zhang.press(await zhang.send("/trip 11月5日至8日 淳安县 山区共富调研"), "确认")
    fed_back = a_finding(saima, 1001, "村道破损严重", department="县交通运输局", feedback_due=date(2026, 11, 19))
    a_finding(saima, 1001, "学校缺少校车", department="县教育局", feedback_due=date(2026, 11, 19))
    with saima.db.session() as session:
        office = member_storage.current(session, ADMIN_ID)
        assert office is not None
        item = session.get_one(FollowUpItem, fed_back)
        for target, note in ((FollowUpStatus.HANDLED, None), (FollowUpStatus.FED_BACK, "已修复")):
            assert trip_storage.advance(session, item=item, target=target, actor=office, now=saima.clock.now(),
                                        note=note) is None
    saima.clock.set(datetime(2026, 11, 21, 10, 0, tzinfo=SHANGHAI))
    me = (await zhang.send("/me")).text
    assert "🔴 “学校缺少校车”的反馈 · 已逾期 2 天" in me.splitlines()
    assert "村道破损严重" not in me


async def test_me_for_a_closed_year_shows_what_was_done_against_its_targets_and_asks_for_nothing_more(
        saima: Saima) -> None:
    """In January 2027 `/me 2026` looks back at a year that is over: each duty, the six and the team's own, is done
    against the year's target, with no pace to keep nor anything still to do "by the end of the quarter", and no
    "待办事项 暂无，继续保持。" of a year that is over."""
    admin = await owner(saima)
    await admin.send("/duty 接访下访 天 12 5")
    zhang = await member(saima)
    members_since_new_year(saima, 1001)
    await zhang.press(await zhang.send("/trip 11月5日至8日 淳安县 山区共富调研"), "确认")
    saima.clock.set(datetime(2027, 1, 5, 10, 0, tzinfo=SHANGHAI))
    card = (await zhang.send("/me 2026")).text.splitlines()
    assert card[0] == "张三 · 2026年履职进度（截至12月31日）"
    assert "待办事项" not in card  # what is open is today's: /me shows it, not the closed year's record
    assert card[2:] == [
        "❗ 下基层调研 4/60 天 ░░░░░░░░░░",
        "❗ 重点调研课题 0/1 项 ░░░░░░░░░░",
        "    课题达到“形成报告”后计入（/topics）",
        "❗ 集体学习 0/6 次 ░░░░░░░░░░",
        "❗ 集体学法 0/4 次 ░░░░░░░░░░",
        "❗ 领办重点建议 0/1 件 ░░░░░░░░░░",
        "❗ 领办重点提案 0/1 件 ░░░░░░░░░░",
        "❗ 接访下访 0/12 天 ░░░░░░░░░░"], card
    this_year = (await zhang.send("/me")).text
    assert "按全年进度应完成" in this_year and "季末前还需完成" in this_year
