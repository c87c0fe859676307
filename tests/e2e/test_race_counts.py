"""What the race counts, end to end in Chinese and in English on both backends: a supervised task (督办)
13 days overdue costs its assignee the first place and "Explain my score" lists it among the items due."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select, update

from storage import tasks
from storage.models import Member
from tests.conftest import SHANGHAI
from tests.e2e.conftest import ADMIN_ID, Saima
from tests.e2e.test_log_study import member


def _member(saima: Saima, telegram_id: int) -> Member:
    with saima.db.session() as session:
        found = session.scalar(select(Member).where(Member.telegram_user_id == telegram_id))
        assert found is not None
        session.expunge(found)
        return found


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_a_member_with_a_task_13_days_overdue_is_not_first_and_the_explanation_lists_it(
        saima: Saima, lang: str) -> None:
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    zhang = await member(saima, 1001, "张三")
    li = await member(saima, 1002, "李四")
    with saima.db.session() as session:
        session.execute(update(Member).values(joined_on=date(2026, 1, 1)))
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
        assert explained[0].startswith("张三 · 2026年11月：53 分") and "第 2 名" in explained[0]
        assert "按时办理：到期 1 项中按时 0 项 → 0% × 15 = 0" in explained
        assert "超期事项：1 项 × 2 = −2" in explained
        assert "  · 督办事项：按时 0 项（共 1 项），超期 1 项" in explained
    else:
        assert explained[0].startswith("张三 · Nov 2026: 53 points, rank 2 of ")
        assert "On time: 0 of 1 items due → 0% × 15 = 0" in explained
        assert "Overdue: 1 item × 2 = −2" in explained
        assert "  · Supervised tasks: 0 of 1 on time, 1 overdue" in explained
