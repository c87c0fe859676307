"""What the race counts, end to end in Chinese and in English on both backends: a supervised task (督办)
13 days overdue costs its assignee the first place and "Explain my score" lists it among the items due;
a collective session both the member and the office recorded counts once (the admin told whose record
it was, the ledger has one row), and a member cannot raise the count by logging the office's session."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from core.domain import Duty
from storage import ledger, study, tasks
from storage.models import AuditEntry, Member, StudySession
from storage.progress import STUDY_KINDS_FOR
from tests.conftest import SHANGHAI
from tests.e2e.conftest import ADMIN_ID, Saima
from tests.e2e.helpers import member, members_since_new_year, owner_and_member


def _member(saima: Saima, telegram_id: int) -> Member:
    with saima.db.session() as session:
        found = session.scalar(select(Member).where(Member.telegram_user_id == telegram_id))
        assert found is not None
        session.expunge(found)
        return found


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_a_member_with_a_task_13_days_overdue_is_not_first_and_the_explanation_lists_it(
        saima: Saima, lang: str) -> None:
    admin, zhang = await owner_and_member(saima)
    li = await member(saima, 1002, "李四")
    members_since_new_year(saima)
    confirm = "确认"
    # Without the task 张三 leads: research, study and law study all done this month (30 + 15 + 10 + 15).
    await zhang.press(await zhang.send("/trip 11月5日至8日 淳安县 山区共富调研"), confirm)
    await zhang.press(await zhang.send("/study 昨天下午 集体学习 2小时 优化营商环境条例"), confirm)
    await zhang.press(await zhang.send("/study 11月3日 集体学法 2小时 民法典"), confirm)
    await li.press(await li.send("/trip 11月2日至5日 建德市 产业调研"), confirm)
    await li.press(await li.send("/study 11月3日 集体学法 2小时 民法典"), confirm)
    with saima.db.session() as session:
        creator = session.scalar(select(Member).where(Member.telegram_user_id == ADMIN_ID))
        assignee = session.scalar(select(Member).where(Member.telegram_user_id == 1001))
        assert creator is not None and assignee is not None
        tasks.create(session, creator=creator, title="整改反馈", detail=None,
                     due_at=datetime(2026, 11, 8, 18, 0, tzinfo=SHANGHAI), assignees=[assignee],
                     attachment_file_id=None, attachment_kind=None,
                     now=datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI))
    if lang == "en":
        await zhang.send("/lang en")

    text, _ = await zhang.send("/rank", expect=2)
    lines = text.text.splitlines()
    first = next(line for line in lines if line.startswith(("1. ", "▶ 1. ")))
    assert "李四" in first and "张三" not in first  # 70 − on time 15 − overdue 2 = 53 < 李四's 55
    explained = (await zhang.press(text, text.labels[0])).text.splitlines()
    if lang == "zh":
        assert explained[0].startswith("张三 · 2026年11月：53.0 分") and "第 2 名" in explained[0]
        assert "按时办理：到期 1 项中按时 0 项 → 0% × 15 = 0.0" in explained
        assert "超期事项：1 项 × 2 = −2.0" in explained
        assert "  · 督办事项：按时 0 项（共 1 项），超期 1 项" in explained
    else:
        assert explained[0].startswith("张三 · Nov 2026: 53.0 points, rank 2 of ")
        assert "On time: 0 of 1 items due → 0% × 15 = 0.0" in explained
        assert "Overdue: 1 item × 2 = −2.0" in explained
        assert "  · Supervised tasks: 0 of 1 on time, 1 overdue" in explained


def _collective_count(saima: Saima, telegram_id: int) -> tuple[int, int, int]:
    """(the member's collective-study count as /me and the race read it, ledger study rows, attendance rows)."""
    with saima.db.session() as session:
        who = session.scalar(select(Member).where(Member.telegram_user_id == telegram_id))
        assert who is not None
        counted = study.attended_count(session, member_id=who.id, kinds=STUDY_KINDS_FOR[Duty.COLLECTIVE_STUDY],
                                       start=date(2026, 1, 1), end=date(2026, 12, 31))
        return (counted, len(ledger.study_sessions(session, saima.team_id, 2026)),
                len(ledger.attendance(session, saima.team_id, 2026)))


WORDS = {
    "zh": {"session": "/session 11月18日下午 理论学习中心组 3小时 二十届四中全会精神", "confirm": "确认",
           "study": "/study 11月18日下午 集体学习 3小时 全会精神", "done": "完成",
           "merged": "张三已自行登记过11月18日的这次学习：该记录已并入本次学习，计为其出席，只计一次。",
           "attended": "办公室已登记这次学习（11月18日理论学习中心组，“二十届四中全会精神”）：已计为您出席，只计一次。",
           "present": "办公室已登记这次学习（11月18日理论学习中心组，“二十届四中全会精神”），您已记为出席：只计一次，未重复登记。",
           "roster_note": "当天已自行登记同类学习：张三。勾选后，其记录将并入本次学习，计为出席，只计一次。",
           "me": "集体学习 1/"},
    "en": {"session": "/session 18 Nov afternoon theory group 3 hours plenum", "confirm": "Confirm",
           "study": "/study 18 Nov afternoon collective study 3 hours plenum", "done": "Done",
           "merged": "张三 had logged this study on 18 Nov themself: that record now counts as their attendance of "
                     "this session, once.",
           "attended": "The office has already recorded this session (theory study group, 18 Nov, “plenum”): it "
                       "counts as your attendance of it, once.",
           "present": "The office has already recorded this session (theory study group, 18 Nov, “plenum”) and you "
                      "are marked present on it: it counts once, nothing more was stored.",
           "roster_note": "Logged this day's study themselves: 张三. Ticking them makes that record their "
                          "attendance of this session, counted once.",
           "me": "Collective study 1/"},
}


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_a_session_the_member_logged_and_the_office_recorded_counts_once(saima: Saima, lang: str) -> None:
    words = WORDS[lang]
    admin, zhang = await owner_and_member(saima, lang)
    await zhang.press(await zhang.send(words["study"]), words["confirm"])
    assert _collective_count(saima, 1001) == (1, 1, 1)
    roster = await admin.press(await admin.send(words["session"]), words["confirm"])
    assert words["roster_note"] in roster.text  # the office is told before ticking who logged it themselves
    ticked = await admin.press(roster, "张三", expect=2)
    assert isinstance(ticked, list)
    assert "✅ 张三" in ticked[0].labels
    assert ticked[1].text == words["merged"]  # the admin is told whose record it was
    assert _collective_count(saima, 1001) == (1, 1, 1)  # one session, one count, one ledger row
    with saima.db.session() as session:
        own = session.scalar(select(StudySession).where(StudySession.for_team.is_(False)))
        office = session.scalar(select(StudySession).where(StudySession.for_team.is_(True)))
        assert own is not None and office is not None
        assert own.deleted_at is not None and own.merged_into_session_id == office.id
        assert session.scalar(select(AuditEntry.action).where(AuditEntry.entity_id == own.id)
                              .order_by(AuditEntry.id.desc()).limit(1)) == "merge"
    me = await zhang.send("/me")
    assert words["me"] in me.text
    # The member logs it again after the office recorded it: still one count, and told why.
    again = await zhang.press(await zhang.send(words["study"]), words["confirm"])
    assert words["present"] in again.text
    assert not again.text.startswith("✅")  # nothing was saved: the card does not say it was
    assert _collective_count(saima, 1001) == (1, 1, 1)
    # Unticking gives the member's own record back (the office's session stays, with nobody ticked).
    await admin.press(ticked[0], "张三")
    assert _collective_count(saima, 1001) == (1, 2, 1)
    with saima.db.session() as session:
        own = session.scalar(select(StudySession).where(StudySession.for_team.is_(False)))
        assert own is not None and own.deleted_at is None and own.merged_into_session_id is None


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_a_member_cannot_raise_the_count_by_logging_a_session_the_office_recorded(
        saima: Saima, lang: str) -> None:
    words = WORDS[lang]
    admin, zhang = await owner_and_member(saima, lang)
    roster = await admin.press(await admin.send(words["session"]), words["confirm"])
    await admin.press(await admin.press(roster, "李主任"), words["done"], expect=2)
    assert _collective_count(saima, 1001) == (0, 1, 1)
    saved = await zhang.press(await zhang.send(words["study"]), words["confirm"])
    assert words["attended"] in saved.text
    assert _collective_count(saima, 1001) == (1, 1, 2)  # ticked on the office's session, no second record
    with saima.db.session() as session:
        assert session.scalar(select(func.count()).select_from(StudySession)) == 1
    me = await zhang.send("/me")
    assert words["me"] in me.text


async def test_a_member_moving_an_own_log_onto_the_office_s_session_day_is_counted_once(saima: Saima) -> None:
    admin, zhang = await owner_and_member(saima)
    roster = await admin.press(await admin.send(WORDS["zh"]["session"]), "确认")
    await admin.press(await admin.press(roster, "张三"), "完成", expect=2)
    await zhang.press(await zhang.send("/study 11月17日 集体学习 2小时 全会精神"), "确认")  # the day mistyped
    assert _collective_count(saima, 1001) == (2, 2, 2)
    card = await zhang.press(await zhang.send("/mine"), "✏️ 1", expect=1)
    await zhang.press(card, "修改")
    fields = (await zhang.bot_messages())[-1]
    await zhang.press(fields, "日期", expect=2)
    saved = await zhang.press(await zhang.send("11月18日"), "确认")
    assert saved.text.endswith("办公室已登记这次学习（11月18日理论学习中心组，“二十届四中全会精神”）：已计为您出席，只计一次。"
                               "发送 /me 查看进度。")
    assert _collective_count(saima, 1001) == (1, 1, 1)


async def test_a_members_other_session_that_day_is_their_own_record_not_the_offices(saima: Saima) -> None:
    """The office recorded the morning's 集体学习 on 宪法 and ticked 张三. In the afternoon he attended another
    session, the 理论学习中心组 on the plenum, and logs it: it is stored as his own, and he has two."""
    admin, zhang = await owner_and_member(saima)
    roster = await admin.press(await admin.send("/session 11月18日上午 集体学习 2小时 宪法"), "确认")
    await admin.press(await admin.press(roster, "张三"), "完成", expect=2)
    assert _collective_count(saima, 1001) == (1, 1, 1)
    saved = await zhang.press(await zhang.send("/study 11月18日下午 理论学习中心组 3小时 二十届四中全会精神"), "确认")
    assert saved.text.startswith("✅ 已保存。") and saved.text.endswith("\n\n发送 /me 查看您的进度。"), saved.text
    assert _collective_count(saima, 1001) == (2, 2, 2)
    assert "集体学习 2/" in (await zhang.send("/me")).text


async def test_the_office_ticking_a_member_leaves_their_log_of_another_session_that_day_alone(saima: Saima) -> None:
    """张三 logged the afternoon's 理论学习中心组 on the plenum; the office records the morning's 集体学习 on 宪法
    and ticks him: he attended both, his log is not merged into the morning's session."""
    admin, zhang = await owner_and_member(saima)
    await zhang.press(await zhang.send("/study 11月18日下午 理论学习中心组 3小时 二十届四中全会精神"), "确认")
    roster = await admin.press(await admin.send("/session 11月18日上午 集体学习 2小时 宪法"), "确认")
    assert roster.text.endswith("主题：宪法\n\n请勾选出席人员：")  # nobody logged this session themselves
    ticked = await admin.press(roster, "张三")  # one reply: the roster, no record merged
    assert "✅ 张三" in ticked.labels
    assert _collective_count(saima, 1001) == (2, 2, 2)
    with saima.db.session() as session:
        assert session.scalar(select(func.count()).select_from(StudySession)
                              .where(StudySession.merged_into_session_id.is_not(None))) == 0
