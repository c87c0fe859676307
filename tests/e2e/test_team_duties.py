"""Duties are data: the office adds a duty beyond the six (`/duty 接访下访 天 12 5`), changes and retires it,
audited, in Chinese and in English; a bad text gets a clear answer and stores nothing; members are refused."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from emulator import SimUser
from storage.models import AuditEntry, TeamDuty, TeamDutyEntry
from tests.e2e.conftest import Saima
from tests.e2e.helpers import member, members_since_new_year, owner


def _duties(saima: Saima) -> list[tuple[str, str, Decimal, Decimal, bool]]:
    with saima.db.session() as session:
        return [(d.name, d.unit, d.yearly_target, d.weight, d.retired_at is not None) for d in session.scalars(
            select(TeamDuty).where(TeamDuty.team_id == saima.team_id).order_by(TeamDuty.id))]


def _entries(saima: Saima) -> list[tuple[str, Decimal, str | None]]:
    with saima.db.session() as session:
        return [(e.day.isoformat(), e.amount, e.note) for e in session.scalars(
            select(TeamDutyEntry).order_by(TeamDutyEntry.id))]


def _audited(saima: Saima) -> list[tuple[str, str]]:
    with saima.db.session() as session:
        return [(a.action, a.entity) for a in session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "team_duty").order_by(AuditEntry.id))]


async def _visits_logged_by_zhang(saima: Saima, terms: str = "天 12 5") -> tuple[SimUser, SimUser]:
    """The office adds 接访下访 (`terms`: unit, yearly target, weight); 张三, in office all year, will log it."""
    admin = await owner(saima)
    await admin.send(f"/duty 接访下访 {terms}")
    zhang = await member(saima)
    members_since_new_year(saima, 1001)
    return admin, zhang


async def test_the_office_adds_lists_changes_and_retires_a_duty_of_its_own(saima: Saima) -> None:
    admin = await owner(saima)
    empty = (await admin.send("/duty")).text
    assert empty.startswith("本班子只有六项基本职责，办公室尚未增设职责。")
    assert "/duty 接访下访 天 12 5" in empty

    reply = await admin.send("/duty 接访下访 天 12 5")
    assert reply.text == ("已增设职责“接访下访”：每位参赛成员每年12天，赛马权重5。"
                          "成员发送 /log 接访下访 1 11月20日 说明 即可登记。")
    await admin.send("/duty 第一议题 次 24 2.5")
    assert (await admin.send("/duty 接访下访 天 10 6")).text == "已修改职责“接访下访”：每位参赛成员每年10天，赛马权重6。"
    listing = (await admin.send("/duty")).text.splitlines()
    assert listing[:3] == ["本班子增设的职责（六项基本职责之外）：", "• 接访下访 · 年度目标10天 · 权重6",
                           "• 第一议题 · 年度目标24次 · 权重2.5"]

    reply = await admin.send("/duty 停用 第一议题")
    assert reply.text == "已停用职责“第一议题”：不再登记和计分，已登记的记录保留在台账中。"
    assert (await admin.send("/duty 停用 第一议题")).text == "本班子没有在用的职责“第一议题”。"
    assert "第一议题" not in (await admin.send("/duty")).text
    assert _duties(saima) == [("接访下访", "天", Decimal(10), Decimal(6), False),
                              ("第一议题", "次", Decimal(24), Decimal("2.5"), True)]
    assert _audited(saima) == [("create", "team_duty"), ("create", "team_duty"), ("update", "team_duty"),
                               ("retire", "team_duty")]
    audit = (await admin.send("/audit")).text
    assert "停用 · 班子增设职责“第一议题”" in audit
    assert "修改 · 班子增设职责“接访下访”" in audit


async def test_bad_duties_are_refused_in_english_and_change_nothing(saima: Saima) -> None:
    admin = await owner(saima, lang="en")
    refusals = {
        "/duty 接访下访 天 12": "Add or change a duty: /duty name unit yearly-target weight, e.g. /duty 接访下访 天 12 5; "
                                "retire one: /duty retire 接访下访.",
        "/duty 集体学习 次 6 5": "A duty's name: up to 16 characters, not a number and not one of the six built-in "
                                 "duties.",
        "/duty Collective-law-study-x 次 6 5": "A duty's name: up to 16 characters, not a number and not one of the "
                                               "six built-in duties.",
        "/duty 12 天 12 5": "A duty's name: up to 16 characters, not a number and not one of the six built-in duties.",
        "/duty 接访下访 天 0 5": "The yearly target: a number above 0 and up to 10000, such as 12.",
        "/duty 接访下访 天 twelve 5": "The yearly target: a number above 0 and up to 10000, such as 12.",
        "/duty 接访下访 天 12 101": "The weight in the race: a number from 0 to 100, such as 5.",
        "/duty 接访下访 天 12 -1": "The weight in the race: a number from 0 to 100, such as 5.",
        "/duty 接访下访 123456789 12 5": "The unit: up to 8 characters, such as 天, 次 or 件.",
        "/duty retire": "Add or change a duty: /duty name unit yearly-target weight, e.g. /duty 接访下访 天 12 5; "
                        "retire one: /duty retire 接访下访.",
    }
    for text, expected in refusals.items():
        assert (await admin.send(text)).text == expected, text
    assert (await admin.send("/duty 基层联系点 次 4 3")).text == (
        "Added 基层联系点: 4 次 a year for each member in the race, weight 3. Members log it with "
        "/log 基层联系点 1 20 Nov note.")
    assert (await admin.send("/duty retire 接访下访")).text == "The team has no duty named 接访下访 in use."
    assert _duties(saima) == [("基层联系点", "次", Decimal(4), Decimal(3), False)]
    assert _audited(saima) == [("create", "team_duty")]


async def test_a_member_may_not_add_a_duty(saima: Saima) -> None:
    zhang = await member(saima)
    reply = await zhang.send("/duty 接访下访 天 12 5")
    assert "办公室" in reply.text
    assert _duties(saima) == []


async def test_a_member_logs_a_team_duty_in_one_message_and_sees_it_in_me(saima: Saima) -> None:
    admin, zhang = await _visits_logged_by_zhang(saima)
    reply = await zhang.send("/log 接访下访 1 11月20日 接待群众来访")
    assert reply.text == ("已登记：接访下访1天 · 2026年11月20日（星期五） · 接待群众来访\n2026年累计：1/12天\n"
                          "登记有误？发送 /log 撤销 即可撤回。")
    reply = await zhang.send("/log 接访下访 2天 昨天")
    assert reply.text.startswith("已登记：接访下访2天 · 2026年11月20日（星期五）\n2026年累计：3/12天\n")
    assert (await zhang.send("/log 接访下访")).text.startswith("已登记：接访下访1天 · 2026年11月21日（星期六）")
    me = (await zhang.send("/me")).text.splitlines()
    line = next(index for index, text in enumerate(me) if text.startswith(("✅ 接访下访", "⚠️ 接访下访", "❗ 接访下访")))
    assert "接访下访 4/12 天" in me[line]
    assert me[line + 1] == "    按全年进度应完成 11；季度目标 12"  # 12 × 325/365 = 10.7, rounded up
    assert me[line + 2] == "    季末前还需完成 8 天"
    assert me.index("待办事项") > line  # among the duties, before the open items
    assert _entries(saima) == [("2026-11-20", Decimal(1), "接待群众来访"), ("2026-11-20", Decimal(2), None),
                               ("2026-11-21", Decimal(1), None)]


async def test_log_s_year_total_is_against_the_target_pro_rated_to_the_member_s_term_as_in_me(saima: Saima) -> None:
    """张三 took office on 1 July 2026: the team's 12 days a year ask 12 × 184/365 = 6.05 of him, 7 shown whole, in
    /me and the race; /log's total, and its undo's, give the same 7, not the whole year's 12."""
    admin, zhang = await _visits_logged_by_zhang(saima)
    await admin.press(await admin.press(await admin.send("/members"), "张三"), "设置任职日期")
    assert (await admin.send("2026年7月1日")).text.startswith("已记录：张三于2026年7月1日（星期三）任职")
    reply = await zhang.send("/log 接访下访 1 11月20日 接待群众来访")
    assert "\n2026年累计：1/7天\n" in reply.text
    assert "接访下访 1/7 天" in (await zhang.send("/me")).text
    assert (await zhang.send("/log 撤销")).text.endswith("\n2026年累计：0/7天")


async def test_a_bad_log_is_refused_with_what_is_wrong_and_stores_nothing(saima: Saima) -> None:
    zhang = await member(saima, lang="en")
    assert (await zhang.send("/log 接访下访 1")).text.startswith(
        "The team has added no duties of its own to log; trips, study")
    admin = await owner(saima)
    await admin.send("/duty 接访下访 天 12 5")
    await admin.send("/duty 第一议题 次 24 2")
    refusals = {
        "/log": "Which duty? Start with its name: 接访下访, 第一议题. For example: /log 接访下访 1 20 Nov note",
        "/log 下访 1": "Which duty? Start with its name: 接访下访, 第一议题. For example: /log 接访下访 1 20 Nov note",
        "/log 接访下访 0 昨天": "The amount: a number above 0 and up to 1000 right after the duty's name, such as 1 or 0.5.",
        "/log 接访下访 1.234": "The amount: a number above 0 and up to 1000 right after the duty's name, such as 1 or "
                              "0.5.",
        "/log 接访下访 1 11月5日至8日": "One day per entry, please.",
        "/log 第一议题 1 下周五": "Fri 27 Nov 2026 has not come yet: log what was done.",
        "/log 第一议题 1 " + "学" * 201: "Please keep the note under 200 characters.",
    }
    for text, expected in refusals.items():
        assert (await zhang.send(text)).text == expected, text
    assert _entries(saima) == []
    assert (await zhang.send("/log undo")).text == "Nothing to take back: you have no entry on the team's own duties."
    reply = await zhang.send("/log 第一议题 Nov 20 the first item studied")
    assert reply.text == ("Logged: 第一议题 1 次 · Fri 20 Nov 2026 · the first item studied\n2026 so far: 1/24 次\n"
                          "Logged by mistake? /log undo takes it back.")
    await zhang.send("/log 第一议题 2 Nov 19")
    reply = await zhang.send("/log undo")  # the latest: Nov 19's 2, logged by mistake
    assert reply.text == "Taken back: 第一议题 2 次 · Thu 19 Nov 2026\n2026 so far: 1/24 次"
    assert _entries(saima) == [("2026-11-20", Decimal(1), "the first item studied"), ("2026-11-19", Decimal(2), None)]
    with saima.db.session() as session:
        assert [e.deleted_at is not None for e in session.scalars(select(TeamDutyEntry).order_by(TeamDutyEntry.id))] \
            == [False, True]
    audit = (await admin.send("/audit")).text
    assert "删除 · 班子增设职责登记“第一议题”" in audit and "新建 · 班子增设职责登记“第一议题”" in audit


async def test_a_team_duty_counts_in_the_race_and_the_evaluation_with_its_weight(saima: Saima) -> None:
    admin, zhang = await _visits_logged_by_zhang(saima)
    await zhang.send("/log 接访下访 1 11月20日 接待群众来访")
    board, _ = await zhang.send("/rank", expect=2)
    explained = (await zhang.press(board, "我的得分明细")).text.splitlines()
    # 12 × 21/365 ≈ 0.69 days asked of November so far: 1 done covers it, capped
    assert "接访下访：1/0.7 天 → 100%（封顶） × 5 = 5.0" in explained
    assert explained[-1] == "合计：20.0"  # the visits' 5 + 15 on time (nothing due)

    card = await admin.send("/evaluate 2026")
    own = (await admin.press(card, "张三")).text
    assert "• 接访下访：1 / 11 天（9.4%）" in own  # 12 × 325/365 ≈ 10.7 asked by 21 November


async def test_an_amount_written_in_words_is_read_and_one_below_zero_is_refused(saima: Saima) -> None:
    """两天, 半天 and 一天半 are 2, 0.5 and 1.5 days; -1 is no amount. Before, each was logged as 1 day with the
    words left in the note."""
    admin, zhang = await _visits_logged_by_zhang(saima)
    assert (await zhang.send("/log 接访下访 -1 昨天")).text == \
        "数量须紧跟职责名称，为大于0、不超过1000的数，如1或0.5。"
    assert _entries(saima) == []
    assert (await zhang.send("/log 接访下访 两天 接待群众")).text.startswith(
        "已登记：接访下访2天 · 2026年11月21日（星期六） · 接待群众\n")
    assert (await zhang.send("/log 接访下访 半天 昨天 接待群众")).text.startswith(
        "已登记：接访下访0.5天 · 2026年11月20日（星期五） · 接待群众\n")
    assert (await zhang.send("/log 接访下访 一天半 11月18日")).text.startswith(
        "已登记：接访下访1.5天 · 2026年11月18日（星期三）\n2026年累计：4/12天")
    assert _entries(saima) == [("2026-11-21", Decimal(2), "接待群众"), ("2026-11-20", Decimal("0.5"), "接待群众"),
                               ("2026-11-18", Decimal("1.5"), None)]


async def test_a_day_the_calendar_has_not_is_refused_and_not_taken_for_today(saima: Saima) -> None:
    """2月30日 and 13月1日 name no day: the entry is refused, where before it was logged today with the date in
    its note."""
    admin, zhang = await _visits_logged_by_zhang(saima)
    for day in ("2月30日", "13月1日"):
        assert (await zhang.send(f"/log 接访下访 1 {day} 接待群众")).text == \
            f"没有“{day}”这一天，未登记。请核对日期。"
    # nor a day before last year, which trips and study refuse too (2019 was logged, “2019年累计：1/12天”)
    assert (await zhang.send("/log 接访下访 1 2019年5月6日")).text == "日期早于去年，只能登记今年和去年的记录。"
    assert _entries(saima) == []


async def test_11_20_is_asked_about_not_logged_as_eleven_days(saima: Saima) -> None:
    """11.20 is how many officials write 11月20日: it was logged as 11.2 days today."""
    admin, zhang = await _visits_logged_by_zhang(saima)
    assert (await zhang.send("/log 接访下访 11.20 接待群众来访")).text == (
        "“11.20”是日期还是数量？未登记。日期请写成11月20日，数量紧跟职责名称，例如：/log 接访下访 1 11月20日")
    assert _entries(saima) == []
    assert (await zhang.send("/log 接访下访 1.5 11月20日")).text.startswith("已登记：接访下访1.5天 · 2026年11月20日")


async def test_a_retired_duty_logged_says_it_was_retired(saima: Saima) -> None:
    """After /duty 停用 接访下访, `/log 接访下访 1` was told the team had added no duties (or only asked which duty),
    not that this one was retired; /duty 接访下访 … again brings it back and says so."""
    admin = await owner(saima)
    await admin.send("/duty 接访下访 天 12 5")
    zhang = await member(saima)
    await admin.send("/duty 停用 接访下访")
    assert (await zhang.send("/log 接访下访 1 昨天")).text == "办公室已停用职责“接访下访”，不再登记。"
    await admin.send("/duty 第一议题 次 24 2")
    assert (await zhang.send("/log 接访下访 1 昨天")).text == (
        "办公室已停用职责“接访下访”，不再登记。\n请先写职责名称：第一议题。例如：/log 第一议题 1 11月20日 说明")
    assert _entries(saima) == []
    assert (await admin.send("/duty 接访下访 天 12 5")).text == (
        "已恢复职责“接访下访”：每位参赛成员每年12天，赛马权重5。成员可再次登记。")


async def test_a_duty_named_again_in_another_case_is_the_same_duty(saima: Saima) -> None:
    """`/duty visits days 10 5` after `/duty Visits days 12 5` made a second duty, and /log visits went to the
    first; names are one whatever their case, as /log reads them."""
    admin = await owner(saima, lang="en")
    await admin.send("/duty Visits days 12 5")
    assert (await admin.send("/duty visits days 10 5")).text == \
        "Changed Visits: 10 days a year for each member in the race, weight 5."
    assert _duties(saima) == [("Visits", "days", Decimal(10), Decimal(5), False)]
    assert (await admin.send("/duty retire VISITS")).text.startswith("Retired Visits:")


async def test_the_score_explained_divides_by_the_target_it_shows(saima: Saima) -> None:
    """24 days a year ask 24 × 21/365 = 1.38 of November so far: one day is 72%, which the explanation showed as
    “1/2 天 → 72%”; the target it divides by is shown to one decimal, as the figures around it."""
    admin, zhang = await _visits_logged_by_zhang(saima, "天 24 10")
    await zhang.send("/log 接访下访 1 11月20日")
    board, _ = await zhang.send("/rank", expect=2)
    explained = (await zhang.press(board, "我的得分明细")).text.splitlines()
    assert "接访下访：1/1.4 天 → 72% × 10 = 7.2" in explained


async def test_an_older_log_entry_is_corrected_or_deleted_from_mine(saima: Saima) -> None:
    """张三 logged 3 days on 2 November meaning 1, then 1 day on 3 November: /mine listed neither (您还没有任何记录),
    and /log 撤销 could take back only the latest, so the 2 November entry could not be put right."""
    admin, zhang = await _visits_logged_by_zhang(saima)
    await zhang.send("/log 接访下访 3 11月2日 接待群众")
    await zhang.send("/log 接访下访 1 11月3日")
    page = await zhang.send("/mine")
    assert page.text.splitlines()[1:3] == ["1. 接访下访 1 天 · 2026年11月3日（星期二）",
                                           "2. 接访下访 3 天 · 2026年11月2日（星期一） · 接待群众"], page.text
    card = await zhang.press(page, "✏️ 2", expect=1)
    assert card.text.startswith("接访下访登记\n数量：3 天\n日期：2026年11月2日（星期一）\n说明：接待群众"), card.text
    await zhang.press(card, "修改")
    fields = (await zhang.bot_messages())[-1]
    asked = (await zhang.press(fields, "数量", expect=2))[-1]
    assert asked.text.startswith("数量是多少？")
    assert (await zhang.send("很多")).text.startswith("数量须紧跟职责名称")
    saved = await zhang.press(await zhang.send("1"), "确认")
    assert saved.text.endswith("修改已记入操作日志。")
    assert _entries(saima) == [("2026-11-02", Decimal(1), "接待群众"), ("2026-11-03", Decimal(1), None)]
    assert "接访下访 2/12 天" in (await zhang.send("/me")).text

    page = await zhang.send("/mine")
    done = await zhang.press(await zhang.press(page, "🗑 1"), "删除")
    assert done.text.startswith("已删除：接访下访 1 天")
    assert "接访下访 1/12 天" in (await zhang.send("/me")).text
    audit = (await admin.send("/audit")).text
    assert "修改 · 班子增设职责登记“接访下访”" in audit and "删除 · 班子增设职责登记“接访下访”" in audit
