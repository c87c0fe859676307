"""A broadcast to 1,000 members through the emulator with Telegram's flood limits switched on and one
recipient in twenty having blocked the bot: every reachable member gets exactly one message, the blocked
ones are reported unreachable (not retried), and the achieved rate is at least 90 % of the emulator's
30 messages a second. Delivery runs as in production: the Application's own JobQueue ticks."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from core.domain import MemberStatus, OutboxStatus, Role
from emulator import EmulatorThread
from emulator.state import Chat
from harness import TEST_TOKEN
from storage.models import BroadcastReceipt, Member, OutboxMessage
from tests.e2e.conftest import ADMIN_ID, Saima

pytestmark = pytest.mark.serial  # measures messages a second against the flood limits

MEMBERS = 1000
FIRST_ID = 3_000_000
LIMIT = 30  # the emulator's messages a second overall


def _blocked(index: int) -> bool:
    return index % 20 == 0


async def _team_of_a_thousand(saima: Saima, emulator_thread: EmulatorThread) -> list[int]:
    with saima.db.session() as session:
        session.add_all(Member(team_id=saima.team_id, telegram_user_id=FIRST_ID + i, display_name=f"成员{i:04d}",
                               role=Role.MEMBER, status=MemberStatus.ACTIVE, reachable=True,
                               joined_on=date(2026, 1, 1), created_at=saima.clock.now()) for i in range(MEMBERS))
    ids = [FIRST_ID + i for i in range(MEMBERS)]
    bot_id = int(TEST_TOKEN.split(":")[0])

    async def opened_the_bot() -> None:  # as if each had sent /start long ago (no updates to answer)
        bot = emulator_thread.emulator.world.bot(bot_id)
        for i, user_id in enumerate(ids):
            bot.chats[user_id] = Chat(user_id, "private", first_name=f"成员{i:04d}")
        bot.started.update(ids)
        bot.blocked.update(user_id for i, user_id in enumerate(ids) if _blocked(i))

    emulator_thread.run(opened_the_bot())
    return ids


@pytest.mark.slow
@pytest.mark.timeout(300)
async def test_a_thousand_members_with_flood_limits_and_blocked_recipients(saima: Saima,
                                                                          emulator_thread: EmulatorThread) -> None:
    await _team_of_a_thousand(saima, emulator_thread)
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    await saima.control.flood(True, global_per_second=LIMIT)
    await admin.send("/broadcast 本周五下午3点召开全体会议，请各位准时参加。")
    when = (await admin.press((await admin.bot_messages())[-1], "全体成员", expect=2))[-1]
    _, _, card = await admin.press(when, "立即发送", expect=3)
    assert "共 1000 人" in card.text
    started = time.monotonic()
    report = await admin.press(card, "确认", timeout=60)
    assert "⏳ 待发送：1000" in report.text
    reachable = sum(1 for i in range(MEMBERS) if not _blocked(i))

    # the Application's JobQueue delivers on its own; wait until the outbox has settled every row
    while True:
        with saima.db.session() as session:
            open_rows = session.scalar(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.kind == "broadcast", OutboxMessage.status.in_([OutboxStatus.PENDING,
                                                                              OutboxStatus.SENDING])))
        if not open_rows:
            break
        assert time.monotonic() - started < 120, f"{open_rows} rows still open after 120 s"
        await asyncio.sleep(0.5)
        saima.clock.advance(timedelta(seconds=0.5))  # time passes (a 429's retry_after falls due)
    elapsed = time.monotonic() - started

    events = (await saima.control.events(0, kinds=["text"], limit=100000))["events"]
    sent = [e for e in events if FIRST_ID <= e["chat_id"] < FIRST_ID + MEMBERS]
    per_chat = Counter(e["chat_id"] for e in sent)
    assert len(per_chat) == reachable and set(per_chat.values()) == {1}  # everyone reachable, exactly once
    assert not any(_blocked(user_id - FIRST_ID) for user_id in per_chat)
    first, last = min(e["ts"] for e in sent), max(e["ts"] for e in sent)
    rate = (len(sent) - 1) / (last - first)
    stats = await saima.control.stats()
    print(f"\n1,000 members, {MEMBERS - reachable} blocked: {len(sent)} delivered in {last - first:.1f} s "
          f"(first to last), {rate:.1f} messages/s = {rate / LIMIT:.0%} of the emulator's {LIMIT}/s; "
          f"{elapsed:.1f} s from Confirm until every row settled; 429 answers: {stats['too_many_requests']}")
    assert rate >= 0.9 * LIMIT

    await saima.running.application.broadcast_reports.tick()  # type: ignore[attr-defined]
    with saima.db.session() as session:
        unreachable = session.scalar(select(func.count()).select_from(BroadcastReceipt).where(
            BroadcastReceipt.failed_reason == "unreachable"))
        blocked_members = session.scalar(select(func.count()).select_from(Member).where(
            Member.reachable.is_(False)))
        attempts = session.scalar(select(func.max(OutboxMessage.attempts)).where(OutboxMessage.kind == "broadcast"))
    assert unreachable == MEMBERS - reachable and blocked_members == MEMBERS - reachable
    assert attempts == 1  # a 403 is not retried
    shown = [m for m in await admin.bot_messages() if m.message_id == card.message_id][0]
    assert f"✅ 已送达：{reachable}" in shown.text and f"📵 无法送达：{MEMBERS - reachable}" in shown.text
    assert "⏳ 待发送：0" in shown.text
