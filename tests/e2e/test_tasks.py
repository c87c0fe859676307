"""Supervised tasks (督办事项) end to end over the emulator, in Chinese and in English: an admin assigns a
task with an attachment and a plain-language due date; the assignees are told through the outbox; one
reports done with a photo; the creator returns it with a reason; the member reports again; the admin
closes it (销账); /tasks and /me show each step. Members are refused /task, /tasks and forged presses;
another team's admin changes nothing; the nudge's Done button opens the report; a restart mid-flow
carries on at the same step."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from core.domain import AssignmentStatus
from emulator import EmulatorThread
from emulator.harness import RunningBot
from emulator.sim import BotMessage, SimUser
from storage import onboarding
from storage.models import AuditEntry, Member, OutboxMessage, Task, TaskAssignment
from tests.conftest import SHANGHAI
from tests.e2e.conftest import ADMIN_ID, Saima

OTHER_ADMIN_ID = 900002
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
PDF = b"%PDF-1.4\n% a notice\n"


async def _team(saima: Saima, lang: str = "zh") -> tuple[SimUser, SimUser, SimUser]:
    """The owner (李主任) and two members (张三, 王五), on a Monday morning so messages go out at once."""
    saima.clock.set(MONDAY)
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    zhang = saima.control.user(1001, "张三")
    await zhang.send(f"/start {saima.invite_code}")
    wang = saima.control.user(1002, "王五")
    await wang.send(f"/start {saima.invite_code}")
    if lang == "en":
        for user in (admin, zhang, wang):
            await user.send("/lang en")
    return admin, zhang, wang


async def _deliver(saima: Saima) -> None:
    await saima.running.application.delivery.tick()  # type: ignore[attr-defined]


async def _choose(user: SimUser, message: BotMessage, label: str) -> BotMessage:
    """Presses a choice under a question: its buttons go, the next question (or the card) comes."""
    replies = await user.press(message, label, expect=2)
    assert isinstance(replies, list)
    return replies[-1]


def _assignments(saima: Saima) -> list[tuple[str, str, str | None]]:
    with saima.db.session() as session:
        rows = session.execute(select(Member.display_name, TaskAssignment.status, TaskAssignment.evidence_kind)
                               .join(Member, Member.id == TaskAssignment.member_id).order_by(TaskAssignment.id))
        return [(name, status.value, evidence) for name, status, evidence in rows]


def _assignment_id(saima: Saima, telegram_id: int) -> int:
    with saima.db.session() as session:
        found = session.scalar(select(TaskAssignment.id).join(Member, Member.id == TaskAssignment.member_id)
                               .where(Member.telegram_user_id == telegram_id).order_by(TaskAssignment.id.desc()))
        assert found is not None
        return found


def _snapshot(saima: Saima) -> tuple:  # type: ignore[type-arg]
    with saima.db.session() as session:
        return (session.scalar(select(func.count()).select_from(Task)),
                sorted((a.id, a.status.value, a.report_note) for a in session.scalars(select(TaskAssignment))),
                session.scalar(select(func.count()).select_from(OutboxMessage)))


async def test_the_whole_loop_in_english(saima: Saima) -> None:
    admin, zhang, wang = await _team(saima, "en")
    detail = await admin.send("/task Report Q3 safety figures next Friday 5pm")
    assert detail.text.startswith("Any details or requirements?")
    who = await admin.send("Send the signed form to the office.")
    assert who.labels == ["Everyone", "The office (admins)", "Members", "Pick members…"]
    attach = await _choose(admin, who, "Members")
    assert attach.text.startswith("Send a photo or a document")
    card = await admin.send_file("document", "notice.pdf", PDF)
    assert card.text.splitlines()[:6] == [
        "📌 New supervised task", "Task: Report Q3 safety figures", "Details: Send the signed form to the office.",
        "Due: Fri 4 Dec 2026, 17:00", "Assignees: Members, 2 people: 张三, 王五", "Attachment: a document"]
    saved = await admin.press(card, "Confirm")
    assert "Assigned to 2 people" in saved.text
    await _deliver(saima)
    told = await zhang.receive()
    assert told.kind == "document" and told.caption is not None
    assert told.caption.startswith("📌 Supervised task from 李主任\n《Report Q3 safety figures》")
    assert told.labels == ["✅ Report done"]
    assert (await wang.receive()).kind == "document"

    asked = await zhang.press(told, "Report done")
    assert asked.text.startswith("What was done?")
    evidence = await zhang.send("Sent on Monday.")
    card = await _choose(zhang, evidence, "No evidence")
    assert card.text.startswith("Report done: “Report Q3 safety figures”\nNote: Sent on Monday.\nEvidence: none")
    done = await zhang.press(card, "Confirm")
    assert "Reported to the office" in done.text
    await _deliver(saima)
    report = await admin.receive()
    assert report.text.startswith("📥 张三 reported “Report Q3 safety figures” done.")
    assert report.labels == ["View", "✅ Close (销账)", "↩️ Return"]
    listing = await admin.send("/tasks")
    assert "0/2 closed · 1 reported · 1 open" in listing.text
    closed = await admin.press(report, "Close")
    assert closed.text.startswith("✅ Closed (销账). 张三 is told.")
    await admin.press_data(report, f"tk:c:{_assignment_id(saima, 1001)}")
    assert (await admin.callback_answer()).text == "This task is already closed (销账); nothing was changed."
    await _deliver(saima)
    assert (await zhang.receive()).text.startswith("✅ 李主任 confirmed “Report Q3 safety figures” closed")
    assert _assignments(saima) == [("张三", "closed", None), ("王五", "assigned", None)]
    me = await wang.send("/me")
    assert "🟢 Report Q3 safety figures · due 4 Dec 17:00" in me.text
