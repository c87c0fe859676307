"""The office records a collective session once and ticks attendance; every member ticked is credited. Deleting
the session gives the members' own logs merged into it back."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.domain import Duty, StudyKind
from emulator import SimUser
from storage import study
from storage.models import Member, StudyAttendance, StudySession
from storage.progress import STUDY_KINDS_FOR
from tests.e2e.conftest import Saima
from tests.e2e.helpers import owner_and_member, owner_and_two

SESSION = "/session 11月18日下午 理论学习中心组 3小时 二十届四中全会精神"


async def _team(saima: Saima) -> tuple[SimUser, SimUser, SimUser]:
    return await owner_and_two(saima, (1002, "李四"))


def _attendees(saima: Saima) -> list[str]:
    with saima.db.session() as session:
        return sorted(session.scalars(select(Member.display_name).join(StudyAttendance,
                                                                       StudyAttendance.member_id == Member.id)))


def _collective(saima: Saima, telegram_id: int) -> int:
    """The member's collective-study count of the year, as /me and the race read it."""
    with saima.db.session() as session:
        who = session.scalar(select(Member).where(Member.telegram_user_id == telegram_id))
        assert who is not None
        return study.attended_count(session, member_id=who.id, kinds=STUDY_KINDS_FOR[Duty.COLLECTIVE_STUDY],
                                    start=date(2026, 1, 1), end=date(2026, 12, 31))


async def test_an_admin_records_a_session_and_ticks_who_attended(saima: Saima) -> None:
    admin, _, _ = await _team(saima)
    card = await admin.send("/session 11月18日下午 集体学习 3小时 二十届四中全会精神")
    assert card.text.startswith("班子集体学习（下一步勾选出席人员）\n日期：2026年11月18日（星期三）")
    roster = await admin.press(card, "确认")
    assert roster.text.endswith("请勾选出席人员：")
    assert roster.labels == ["☐ 李主任", "☐ 张三", "☐ 李四", "完成"]
    roster = await admin.press(roster, "张三")
    roster = await admin.press(roster, "李四")
    assert roster.labels == ["☐ 李主任", "✅ 张三", "✅ 李四", "完成"]
    assert _attendees(saima) == ["张三", "李四"]  # each tick is stored at once
    roster = await admin.press(roster, "李四")  # untick
    assert _attendees(saima) == ["张三"]
    done = await admin.press(roster, "完成", expect=2)
    assert done[-1].text == "已记录出席：1 人。"
    with saima.db.session() as session:
        assert session.query(StudySession).count() == 1


async def test_a_member_cannot_record_or_tick(saima: Saima) -> None:
    admin, zhang, _ = await _team(saima)
    assert (await zhang.send("/session 昨天 集体学习 2小时 条例")).text == "此功能仅限办公室（管理员）使用。"
    roster = await admin.press(await admin.send("/session 昨天 集体学习 2小时 条例"), "确认")
    member_button = roster.buttons[0][1][1]
    await zhang.press_data(roster, member_button or "", expect=0)  # forged: a member presses the admin's roster
    assert (await zhang.callback_answer()).text == "这个按钮已失效。"
    await admin.press_data(roster, "att:999:1", expect=0)  # a session that does not exist
    assert (await admin.callback_answer()).text == "这个按钮已失效。"
    assert _attendees(saima) == []


async def test_self_study_is_not_a_team_session(saima: Saima) -> None:
    admin, _, _ = await _team(saima)
    reply = await admin.send("/session 昨天 自学 2小时 条例")
    assert reply.text.startswith("自学由成员各自登记；")
    assert reply.labels == ["集体学习", "集体学法", "理论学习中心组"]


async def test_deleting_the_offices_session_gives_back_the_members_own_log_merged_into_it(saima: Saima) -> None:
    """张三 logged the study himself; the office recorded the same session and ticked him (his log merged into
    it), then deletes its session from /mine (say, to record it again): 张三's own log counts again, and the
    office is told whose."""
    admin, zhang = await owner_and_member(saima)
    await zhang.press(await zhang.send("/study 11月18日下午 集体学习 3小时 全会精神"), "确认")
    roster = await admin.press(await admin.send(SESSION), "确认")
    await admin.press(roster, "张三", expect=2)  # the roster, and whose log was merged
    assert _collective(saima, 1001) == 1
    page = await admin.send("/mine")
    assert "理论学习中心组" in page.text.splitlines()[1]
    done = await admin.press(await admin.press(page, "🗑 1"), "删除")
    assert done.text.startswith("已删除：学习 · 11月18日 · 理论学习中心组 · 3 小时 · 二十届四中全会精神\n"
                                "张三本人登记的该次学习记录已恢复，照常计入。\n"), done.text
    assert _collective(saima, 1001) == 1
    assert "集体学习 1/" in (await zhang.send("/me")).text
    with saima.db.session() as session:
        own = session.scalar(select(StudySession).where(StudySession.for_team.is_(False)))
        assert own is not None and own.deleted_at is None and own.merged_into_session_id is None


async def test_a_team_session_edited_from_mine_is_offered_only_the_team_kinds(saima: Saima) -> None:
    """/session refuses self-study (a team session is collective, law or theory-group study); the same session
    edited from /mine offers the three team kinds, refuses 自学 typed, and every attendee's count stays."""
    admin, zhang = await owner_and_member(saima)
    roster = await admin.press(await admin.send(SESSION), "确认")
    await admin.press(await admin.press(roster, "张三"), "完成", expect=2)
    assert _collective(saima, 1001) == 1
    card = await admin.press(await admin.send("/mine"), "✏️ 1", expect=1)
    await admin.press(card, "修改")
    fields = (await admin.bot_messages())[-1]
    question = (await admin.press(fields, "类型", expect=2))[-1]
    assert question.labels == ["集体学习", "集体学法", "理论学习中心组"]
    refused = await admin.send("自学")
    assert refused.text.startswith("自学由成员各自登记；")
    assert refused.labels == ["集体学习", "集体学法", "理论学习中心组"]
    edited = (await admin.press(refused, "集体学习", expect=2))[-1]
    await admin.press(edited, "确认")
    with saima.db.session() as session:
        assert session.scalars(select(StudySession.kind)).all() == [StudyKind.COLLECTIVE]
    assert _collective(saima, 1001) == 1


async def test_a_members_own_study_edited_from_mine_may_still_become_self_study(saima: Saima) -> None:
    _, zhang = await owner_and_member(saima)
    await zhang.press(await zhang.send("/study 11月18日 集体学习 2小时 条例"), "确认")
    card = await zhang.press(await zhang.send("/mine"), "✏️ 1", expect=1)
    await zhang.press(card, "修改")
    fields = (await zhang.bot_messages())[-1]
    question = (await zhang.press(fields, "类型", expect=2))[-1]
    assert question.labels == ["集体学习", "集体学法", "理论学习中心组", "自学"]
    await zhang.press((await zhang.press(question, "自学", expect=2))[-1], "确认")
    with saima.db.session() as session:
        assert session.scalars(select(StudySession.kind)).all() == [StudyKind.SELF_STUDY]


async def test_a_session_corrected_onto_another_the_office_recorded_asks_first(saima: Saima) -> None:
    admin, _, _ = await _team(saima)
    await admin.press(await admin.send("/session 11月18日 集体学习 2小时 宪法"), "确认")
    await admin.press(await admin.send("/session 11月18日 集体学习 2小时 民法典"), "确认")
    card = await admin.press(await admin.send("/mine"), "✏️ 1", expect=1)
    await admin.press(card, "修改")
    await admin.press((await admin.bot_messages())[-1], "主题", expect=2)
    asked = await admin.press(await admin.send("宪法"), "确认")
    assert asked.text.endswith("您似乎已经登记过相同的记录。两条都保留吗？") and asked.labels == ["都保留", "取消"]
    await admin.press(asked, "取消")
    with saima.db.session() as session:
        assert session.scalars(select(StudySession.topic).order_by(StudySession.id)).all() == ["宪法", "民法典"]
