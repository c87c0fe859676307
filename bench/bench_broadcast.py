"""A broadcast to 10,000 recipients with the emulator enforcing Telegram's flood limits (30 messages a
second overall, 1 a second into a private chat): the achieved rate as a fraction of the limit, lost
messages (recipients the emulator never saw a message for: must be 0) and duplicates.

    python -m bench.bench_broadcast [recipients]        (BENCH_SCALE scales them)
    BENCH_DELIVERY="batch_size=100,concurrency=4" python -m bench.bench_broadcast   (other settings)

One team of ``recipients`` members and an admin in a SQLite file; the admin's broadcast to everyone
(storage.broadcasts.create, then storage.broadcasts.start as the scheduling tick does: an outbox row of
kind "broadcast" and a receipt per recipient); then the Application from
`bot.build_application` as a delivery instance (`bot.py deliver`: no polling) sends them with the
shipped `[delivery]` settings, against the emulator in a process of its own started with ``--flood``.
The clock is real time moved to a Monday 10:00 in Shanghai (a working day, outside quiet hours).
Every recipient has opened the bot (bench/emulator_main.py starts the emulator so).
Counts come from the emulator's event log (what Telegram would have shown) and from the outbox rows.
Not a test: nothing is asserted.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import sys
import tempfile
import time
from collections import Counter
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bench.common import (
    EmulatorProcess,
    RunningClock,
    bulk_insert,
    load,
    machine,
    percentile,
    scaled,
    sqlite_database,
    table,
)
from bot import build_application
from config import Config
from core.broadcasts import AudienceKind
from core.domain import BroadcastStatus, Language, MemberStatus, OutboxStatus, Role
from emulator import ControlClient
from harness import TEST_TOKEN, config_for
from reports import broadcasts as words
from storage import broadcasts, teams
from storage.db import Database
from storage.models import Member, OutboxMessage

BOT_ID = int(TEST_TOKEN.split(":")[0])
SENDER = 40_000_000  # the admin who broadcasts; the recipients follow
FIRST_USER = SENDER + 1
LIMIT = 30  # messages a second, overall
START = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TEXT = "【通知】请各位班子成员于本周五前完成第四季度下基层调研登记，并在 /me 中核对进度。"


def seed(db: Database, clock: RunningClock, recipients: int) -> int:
    """A team, its admin and members, and a broadcast to all of them made as the scheduling tick makes it
    (storage.broadcasts.start: one outbox row and one receipt per recipient); returns the rows enqueued."""
    now = clock.now()
    with db.session() as session:
        team = teams.create(session, name="省政府党组", timezone="Asia/Shanghai", language=Language.ZH,
                            show_names_in_race=True, group_chat_id=None, now=now)
        team_id = team.id
        bulk_insert(session, "members", ("team_id", "telegram_user_id", "display_name", "language", "role",
                                         "status", "reachable", "joined_on", "created_at"),
                    ((team_id, SENDER + i, f"成员{i}", Language.ZH, Role.ADMIN if i == 0 else Role.MEMBER,
                      MemberStatus.ACTIVE, True, date(2026, 1, 1), now) for i in range(recipients + 1)))
    with db.session() as session:
        sender = session.scalars(select(Member).where(Member.telegram_user_id == SENDER)).one()
        broadcast = broadcasts.create(session, sender=sender, text=TEXT, file_id=None, file_kind=None,
                                      audience={"kind": AudienceKind.ALL}, send_at=now, recurrence=None,
                                      status=BroadcastStatus.SCHEDULED, now=now)
        made = broadcasts.start(session, broadcast, 0, due_at=now, now=now, config=Config(), renderer=words.renderer)
        assert made is not None
    return sum(statuses(db).values())


def statuses(db: Database) -> Counter[str]:
    with db.session() as session:
        return Counter({status.value: n for status, n in session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))})


def delivery_overrides() -> dict[str, Any]:
    """$BENCH_DELIVERY="batch_size=200,tick_seconds=1" tries other `[delivery]` settings."""
    pairs = [item.split("=", 1) for item in os.environ.get("BENCH_DELIVERY", "").split(",") if "=" in item]
    return {key.strip(): (int(value) if value.strip().isdigit() else float(value)) for key, value in pairs}


async def bench(recipients: int, folder: str, overrides: dict[str, Any]) -> list[tuple[str, object]]:
    clock = RunningClock(START)
    with sqlite_database(folder) as db, \
            EmulatorProcess(flood=True, started=(BOT_ID, SENDER, recipients + 1)) as emulator:
        started = time.perf_counter()
        enqueued = seed(db, clock, recipients)
        seeded = time.perf_counter() - started
        config = config_for(emulator.base_url)
        if overrides:
            config = dataclasses.replace(config, delivery=dataclasses.replace(config.delivery, **overrides))
        async with ControlClient(emulator.control_url, bot_id=BOT_ID) as control:
            print(f"{enqueued:,} broadcast rows enqueued in {seeded:.1f} s; "
                  f"flood limits {await control.flood(True)}")
            application = build_application(config, db, clock, takes_updates=False)
            settings = config.delivery
            print(f"delivery: tick every {settings.tick_seconds:g} s, batch {settings.batch_size}, "
                  f"concurrency {settings.concurrency}")
            budget = max(120.0, 3 * recipients / LIMIT)
            started = time.perf_counter()
            async with application:
                await application.start()
                last_report = started
                while True:
                    await asyncio.sleep(1.0)
                    counts = statuses(db)
                    done = counts[OutboxStatus.SENT.value] + counts[OutboxStatus.FAILED.value]
                    if time.perf_counter() - last_report >= 30:
                        last_report = time.perf_counter()
                        print(f"  {time.perf_counter() - started:5.0f} s: {dict(counts)}; load {load()}",
                              flush=True)
                    if done >= enqueued or time.perf_counter() - started > budget:
                        break
                await application.stop()
            wall = time.perf_counter() - started
            events = (await control.events(kinds=["text"]))["events"]
            stats = await control.stats()
        counts = statuses(db)
    others = sum(counts.values()) - counts["sent"] - counts["failed"]
    per_chat = Counter(event["chat_id"] for event in events)
    wanted = set(range(FIRST_USER, FIRST_USER + recipients))
    lost = len(wanted - set(per_chat))
    duplicates = sum(n - 1 for chat, n in per_chat.items() if n > 1)
    stamps = sorted(event["ts"] for event in events)
    span = stamps[-1] - stamps[0] if len(stamps) > 1 else float("nan")
    rate = (len(stamps) - 1) / span if len(stamps) > 1 else float("nan")
    per_second = Counter(int(ts - stamps[0]) for ts in stamps)
    full_seconds = [per_second[s] for s in range(1, int(span))] if span > 2 else []
    return [
        ("recipients", f"{recipients:,}"),
        ("messages seen by the emulator", f"{len(events):,}"),
        ("lost (recipients with no message)", lost),
        ("duplicates", duplicates),
        ("outbox rows sent / failed / other", f"{counts['sent']:,} / {counts['failed']:,} / {others:,}"),
        ("429 answers from the emulator", stats.get("too_many_requests", 0)),
        ("first to last message", f"{span:.1f} s"),
        ("achieved rate", f"{rate:.2f} msg/s"),
        ("fraction of the 30/s limit", f"{rate / LIMIT:.2f}"),
        ("messages per whole second, median / p5 / max",
         f"{percentile(full_seconds, 0.5):.0f} / {percentile(full_seconds, 0.05):.0f} / "
         f"{max(full_seconds, default=0)}"),
        ("wall time from delivery start to last row settled", f"{wall:.1f} s"),
    ]


def main(recipients: int = 10_000) -> None:
    logging.getLogger("apscheduler").setLevel(logging.ERROR)  # "skipped: max instances" while a tick runs
    overrides = delivery_overrides()
    label = ", ".join(f"{k}={v}" for k, v in overrides.items()) or "shipped settings"
    recipients = scaled(recipients, minimum=50)
    print(f"broadcast to {recipients:,} recipients, flood limits on, [delivery] {label}; {machine()}")
    with tempfile.TemporaryDirectory() as folder:
        figures = asyncio.run(bench(recipients, folder, overrides))
    print(table(["figure", "value"], [[name, str(value)] for name, value in figures]))


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:2]))
