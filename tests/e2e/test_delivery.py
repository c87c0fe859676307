"""Delivery of the outbox over real HTTP against the emulator, with a manual clock and the tick called
directly: every due row once, quiet hours and days off, 429 retry_after, 403 unreachable, 5xx backoff,
timeouts per kind, pacing."""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select

from bot import build_application
from config import Config, DeliverySettings
from core.clock import ManualClock
from core.domain import OutboxStatus
from emulator import ControlClient, EmulatorThread
from harness import config_for
from jobs.delivery import JOB_NAME, Delivery
from storage import calendar, onboarding, outbox
from storage.db import Database
from storage.models import Member, OutboxMessage
from tests.conftest import SHANGHAI, FakeTime

# A Monday in Shanghai, inside working hours.
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
PNG = base64.b64encode(
    bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                  "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")).decode()


@dataclass
class Harness:
    application: Any
    control: ControlClient
    db: Database
    clock: ManualClock
    config: Config
    time: FakeTime
    team_id: int

    def delivery(self, **settings: Any) -> Delivery:
        config = dataclasses.replace(self.config, delivery=dataclasses.replace(self.config.delivery, **settings))
        return Delivery(bot=self.application.bot, db=self.db, clock=self.clock, config=config, worker="test",
                        sleep=self.time.sleep, monotonic=self.time.monotonic)

    def enqueue(self, key: str, chat_id: int, text: str | None = None, **extra: Any) -> bool:
        payload = extra.pop("payload", None) or {"text": text or key, "parse_mode": None, "buttons": []}
        with self.db.session() as session:
            return outbox.enqueue(session, key=key, chat_id=chat_id, kind=extra.pop("kind", "nudge"),
                                  payload=payload, not_before=extra.pop("not_before", self.clock.now()),
                                  team_id=extra.pop("team_id", self.team_id), now=self.clock.now(), **extra)

    def row(self, key: str) -> OutboxMessage:
        with self.db.session() as session:
            found = outbox.by_key(session, key)
            assert found is not None
            return found

    async def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        return (await self.control.events(chat_id=chat_id, kinds=["text", "photo"]))["events"]  # type: ignore[no-any-return]

    async def user(self, user_id: int, name: str) -> int:
        """A user who has opened a private chat with the bot (nobody polls: the update just waits)."""
        await self.control.send(user_id, "/start", first_name=name)
        return user_id


@pytest.fixture
async def harness(emulator_thread: EmulatorThread, db: Database) -> AsyncIterator[Harness]:
    clock = ManualClock(MONDAY_10)
    # a send gives up after 5 s, as a loaded machine may need (the timeout test sets 0.5 s for itself)
    base = Config(delivery=DeliverySettings(enabled=False, send_timeout_seconds=5, lease_seconds=60))
    config = config_for(emulator_thread.base_url, base)
    with db.session() as session:
        team_id = onboarding.create_team(session, name="省政府党组", admin_telegram_id=1, group_chat_id=None,
                                         config=config, now=clock.now()).team.id
    application = build_application(config, db, clock)
    async with ControlClient(emulator_thread.control_url) as control:
        await control.reset()
        await application.initialize()
        try:
            yield Harness(application, control, db, clock, config, FakeTime(start=1000.0), team_id)
        finally:
            await application.shutdown()


async def test_every_due_row_is_sent_once_with_its_buttons_and_photo(harness: Harness) -> None:
    zhang = await harness.user(2001, "张三")
    li = await harness.user(2002, "李四")
    harness.enqueue("nudge:task:41:member:7:T-1", zhang, payload={
        "text": "<b>督办事项</b> 明天到期", "parse_mode": "HTML",
        "buttons": [[["已完成", "task:41:done"]], [["推迟1天", "task:41:snooze:1"], ["推迟3天", "task:41:snooze:3"]]]})
    harness.enqueue("board:1:2026-10", li, payload={"text": "十月赛马榜", "photo_b64": PNG})
    harness.enqueue("later", zhang, not_before=harness.clock.now() + timedelta(minutes=1))
    delivery = harness.delivery()

    report = await delivery.tick()
    assert (report.claimed, report.sent) == (2, 2)
    assert (await delivery.tick()).claimed == 0  # nothing is sent twice

    to_zhang, to_li = await harness.sent(zhang), await harness.sent(li)
    assert [(m["text"], m["raw_text"]) for m in to_zhang] == [("督办事项 明天到期", "<b>督办事项</b> 明天到期")]
    assert [[b["callback_data"] for b in row] for row in to_zhang[0]["reply_markup"]["inline_keyboard"]] == [
        ["task:41:done"], ["task:41:snooze:1", "task:41:snooze:3"]]
    assert [(m["kind"], m["caption"]) for m in to_li] == [("photo", "十月赛马榜")]
    row = harness.row("nudge:task:41:member:7:T-1")
    assert (row.status, row.attempts, row.telegram_message_id) == (OutboxStatus.SENT, 1, to_zhang[0]["message_id"])
    assert row.sent_at == harness.clock.now()

    harness.clock.advance(timedelta(minutes=1))
    assert (await delivery.tick()).sent == 1
    assert [m["text"] for m in await harness.sent(zhang)] == ["督办事项 明天到期", "later"]


async def test_non_urgent_rows_wait_through_quiet_hours_and_days_off(harness: Harness) -> None:
    zhang = await harness.user(2001, "张三")
    friday_night = datetime(2026, 11, 27, 22, 30, tzinfo=SHANGHAI)
    harness.clock.set(friday_night)
    harness.enqueue("nudge", zhang, "周一见")
    harness.enqueue("escalation", zhang, "紧急", urgent=True)
    delivery = harness.delivery()

    report = await delivery.tick()
    assert (report.sent, report.deferred) == (1, 1)
    assert harness.row("nudge").not_before == datetime(2026, 11, 30, 8, 0, tzinfo=SHANGHAI)
    assert harness.row("nudge").attempts == 0
    harness.clock.set(datetime(2026, 11, 30, 7, 59, tzinfo=SHANGHAI))
    assert (await delivery.tick()).claimed == 0
    harness.clock.set(datetime(2026, 11, 30, 8, 0, tzinfo=SHANGHAI))
    assert (await delivery.tick()).sent == 1
    assert [m["text"] for m in await harness.sent(zhang)] == ["紧急", "周一见"]


async def test_a_row_waits_through_its_teams_own_day_off_and_goes_on_its_own_working_saturday(
        harness: Harness) -> None:
    zhang = await harness.user(2001, "张三")
    with harness.db.session() as session:  # the office: Monday 4 January 2027 off, Saturday 9 January worked
        calendar.set_day(session, team_id=harness.team_id, day=date(2027, 1, 4), workday=False, note="调休",
                         now=harness.clock.now())
        calendar.set_day(session, team_id=harness.team_id, day=date(2027, 1, 9), workday=True, note=None,
                         now=harness.clock.now())
    harness.clock.set(datetime(2026, 12, 31, 23, 0, tzinfo=SHANGHAI))
    harness.enqueue("board", zhang, "元旦后见")
    harness.enqueue("board:other team", zhang, "national", team_id=None)
    delivery = harness.delivery()
    assert (await delivery.tick()).deferred == 2
    assert harness.row("board").not_before == datetime(2027, 1, 5, 8, 0, tzinfo=SHANGHAI)  # not 元旦, not the 4th
    assert harness.row("board:other team").not_before == datetime(2027, 1, 4, 8, 0, tzinfo=SHANGHAI)

    harness.clock.set(datetime(2027, 1, 9, 10, 0, tzinfo=SHANGHAI))
    harness.enqueue("saturday", zhang, "周六上班")
    report = await delivery.tick()
    assert (report.sent, report.deferred) == (2, 1)
    assert [m["text"] for m in await harness.sent(zhang)] == ["元旦后见", "周六上班"]
    assert harness.row("board:other team").not_before == datetime(2027, 1, 11, 8, 0, tzinfo=SHANGHAI)


async def test_a_429_puts_the_row_back_for_retry_after_and_the_chat_waits(harness: Harness) -> None:
    zhang = await harness.user(2001, "张三")
    wang = await harness.user(2003, "王五")
    harness.enqueue("a", zhang)
    harness.enqueue("b", zhang)
    await harness.control.add_fault(429, method="sendMessage", retry_after=7, count=1)
    delivery = harness.delivery(concurrency=1)

    report = await delivery.tick()
    assert (report.sent, report.retried) == (0, 2)
    assert harness.row("a").not_before == harness.clock.now() + timedelta(seconds=7)
    assert harness.row("a").attempts == 0  # Telegram asked to wait: not a failed attempt
    assert harness.row("b").status == OutboxStatus.PENDING
    harness.enqueue("c", wang)
    harness.clock.advance(timedelta(seconds=6))
    assert [k for k, v in (await delivery.tick()).outcomes.items() if v == "sent"] == ["c"]
    harness.clock.advance(timedelta(seconds=1))
    assert (await delivery.tick()).sent == 2
    assert [m["text"] for m in await harness.sent(zhang)] == ["a", "b"]


async def test_a_user_who_blocked_the_bot_is_marked_unreachable_after_one_403(harness: Harness) -> None:
    zhang = await harness.user(2001, "张三")
    with harness.db.session() as session:
        member = Member(team_id=harness.team_id, telegram_user_id=zhang, display_name="张三",
                        created_at=harness.clock.now())
        session.add(member)
        session.flush()
        member_id = member.id
    harness.enqueue("first", zhang, member_id=member_id)
    harness.enqueue("second", zhang, member_id=member_id, not_before=harness.clock.now() + timedelta(hours=1))
    await harness.control.block(zhang)
    delivery = harness.delivery()

    assert (await delivery.tick()).failed == 1
    first = harness.row("first")
    assert first.status == OutboxStatus.FAILED and first.last_error is not None and "403" in first.last_error
    with harness.db.session() as session:
        stored = session.get(Member, member_id)
        assert stored is not None and stored.reachable is False
        assert stored.unreachable_since == harness.clock.now()
    assert harness.row("second").status == OutboxStatus.FAILED  # not tried again
    harness.clock.advance(timedelta(days=1))
    harness.enqueue("tomorrow", zhang, member_id=member_id)
    assert (await delivery.tick()).outcomes == {"tomorrow": "unreachable"}
    stats = await harness.control.stats()
    assert stats["by_method"].get("sendMessage") == 1  # one 403, never retried


async def test_5xx_is_retried_with_exponential_backoff_then_given_up(harness: Harness) -> None:
    zhang = await harness.user(2001, "张三")
    harness.enqueue("flaky", zhang)
    await harness.control.add_fault(502, method="sendMessage", count=2)
    delivery = harness.delivery(backoff_base_seconds=5, max_attempts=4)

    assert (await delivery.tick()).outcomes == {"flaky": "retry in 5 s"}
    harness.clock.advance(timedelta(seconds=5))
    assert (await delivery.tick()).outcomes == {"flaky": "retry in 10 s"}
    harness.clock.advance(timedelta(seconds=9))
    assert (await delivery.tick()).claimed == 0
    harness.clock.advance(timedelta(seconds=1))
    assert (await delivery.tick()).outcomes == {"flaky": "sent"}
    assert harness.row("flaky").attempts == 3
    assert [m["text"] for m in await harness.sent(zhang)] == ["flaky"]

    harness.enqueue("down", zhang)
    await harness.control.add_fault(500, method="sendMessage")
    for _ in range(4):
        await delivery.tick()
        harness.clock.advance(timedelta(minutes=10))
    down = harness.row("down")
    assert down.status == OutboxStatus.FAILED and down.attempts == 4
    assert down.last_error is not None and down.last_error.startswith("gave up after 4 attempts")


async def test_a_timeout_is_at_most_once_for_nudges_and_at_least_once_for_broadcasts(harness: Harness) -> None:
    zhang = await harness.user(2001, "张三")
    li = await harness.user(2002, "李四")
    harness.enqueue("nudge:1", zhang, "提醒")
    harness.enqueue("broadcast:1:0:member:2", li, "通知", kind="broadcast")
    # the emulator applies each send, then answers after the client has given up (0.5 s)
    await harness.control.add_fault("timeout", method="sendMessage", delay=1.5, count=2, apply=True)
    delivery = harness.delivery(send_timeout_seconds=0.5)

    report = await delivery.tick()
    assert report.outcomes == {"nudge:1": "unknown", "broadcast:1:0:member:2": "retry in 5 s"}
    nudge = harness.row("nudge:1")
    assert nudge.status == OutboxStatus.FAILED and nudge.last_error is not None
    assert nudge.last_error.startswith("outcome unknown")
    harness.clock.advance(timedelta(seconds=5))
    assert (await delivery.tick()).outcomes == {"broadcast:1:0:member:2": "sent"}
    assert [m["text"] for m in await harness.sent(zhang)] == ["提醒"]  # delivered once, recorded as unknown
    assert [m["text"] for m in await harness.sent(li)] == ["通知", "通知"]  # at least once: here twice


async def test_private_chats_get_one_message_a_second(harness: Harness) -> None:
    zhang = await harness.user(2001, "张三")
    li = await harness.user(2002, "李四")
    for i in range(3):
        harness.enqueue(f"z{i}", zhang)
    harness.enqueue("l0", li)
    report = await harness.delivery().tick()
    assert report.sent == 4
    assert harness.time.slept == [1.0, 1.0]  # between z0, z1 and z2; li's chat never waited
    assert [m["text"] for m in await harness.sent(zhang)] == ["z0", "z1", "z2"]


async def test_a_payload_telegram_refuses_fails_without_retry(harness: Harness) -> None:
    harness.enqueue("nobody", 2999)  # a user who never opened the bot: 403 too, but no member to mark
    harness.enqueue("no-such-group", -1009999)
    report = await harness.delivery().tick()
    assert report.failed == 2
    assert harness.row("no-such-group").last_error == "400: Chat not found"
    assert harness.row("nobody").status == OutboxStatus.FAILED


async def test_the_application_ticks_delivery_on_its_job_queue(db: Database, clock: ManualClock) -> None:
    config = Config()
    application = build_application(dataclasses.replace(config, telegram=dataclasses.replace(
        config.telegram, token="7000000001:x")), db, clock)
    (job,) = application.job_queue.get_jobs_by_name(JOB_NAME)  # type: ignore[union-attr]
    assert isinstance(job.trigger, IntervalTrigger) and job.trigger.interval == timedelta(seconds=2)
    assert application.delivery.worker  # type: ignore[attr-defined]
    off = dataclasses.replace(config, delivery=DeliverySettings(enabled=False),
                              telegram=dataclasses.replace(config.telegram, token="7000000001:x"))
    assert build_application(off, db, clock).job_queue.get_jobs_by_name(JOB_NAME) == ()  # type: ignore[union-attr]


async def test_two_deliveries_racing_send_each_row_once(harness: Harness) -> None:
    users = [await harness.user(3000 + i, f"U{i}") for i in range(10)]
    for i in range(40):
        harness.enqueue(f"r{i}", users[i % 10])
    first = harness.delivery(batch_size=7, private_chat_interval_seconds=0)
    second = Delivery(bot=harness.application.bot, db=harness.db, clock=harness.clock, worker="other",
                      config=dataclasses.replace(harness.config, delivery=dataclasses.replace(
                          harness.config.delivery, batch_size=5, private_chat_interval_seconds=0)))
    import asyncio

    for _ in range(10):
        await asyncio.gather(first.tick(), second.tick())
    texts = sorted(m["text"] for m in await harness.sent())
    assert texts == sorted(f"r{i}" for i in range(40))
    with harness.db.session() as session:
        assert {r.status for r in session.scalars(select(OutboxMessage))} == {OutboxStatus.SENT}


async def test_a_member_who_writes_again_after_blocking_is_reachable_again(saima: Any) -> None:
    zhang = saima.control.user(1001, "张三")
    await zhang.send(f"/start {saima.invite_code}")
    with saima.db.session() as session:
        outbox.mark_unreachable(session, chat_id=1001, now=saima.clock.now())
        member = session.scalar(select(Member).where(Member.telegram_user_id == 1001))
        assert member is not None and member.reachable is False
    await zhang.send("/help")  # unblocking in Telegram sends /start; any message counts
    with saima.db.session() as session:
        member = session.scalar(select(Member).where(Member.telegram_user_id == 1001))
        assert member is not None and member.reachable is True and member.unreachable_since is None
