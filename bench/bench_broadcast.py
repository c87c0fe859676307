"""A broadcast to 10,000 recipients with the emulator enforcing Telegram's flood limits (30 messages a
second overall, 1 a second into a private chat): the achieved rate as a fraction of the limit, lost
messages (recipients the emulator never saw a message for: must be 0) and duplicates.

    python -m bench.bench_broadcast [recipients] [shipped]      (BENCH_SCALE scales both)

One team of ``recipients`` members in a SQLite file; one outbox row of kind "broadcast" per member
(storage.outbox.enqueue, as a broadcast's producer does); then the Application from
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
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bench.common import (
    EmulatorProcess,
    RunningClock,
    load,
    bulk_insert,
    machine,
    percentile,
    scaled,
    sqlite_database,
    table,
)
from bot import build_application
from core.domain import Language, MemberStatus, OutboxStatus, Role
from emulator import ControlClient
from emulator.harness import TEST_TOKEN, config_for
from storage import outbox, teams
from storage.db import Database
from storage.models import Member, OutboxMessage

BOT_ID = int(TEST_TOKEN.split(":")[0])
FIRST_USER = 40_000_001
LIMIT = 30  # messages a second, overall
START = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TEXT = "【通知】请各位班子成员于本周五前完成第四季度下基层调研登记，并在 /me 中核对进度。"


def seed(db: Database, clock: RunningClock, recipients: int) -> int:
    """A team, its members and one broadcast row per member; returns how many rows were enqueued."""
    now = clock.now()
    with db.session() as session:
        team = teams.create(session, name="省政府党组", timezone="Asia/Shanghai", language=Language.ZH,
                            show_names_in_race=True, group_chat_id=None, now=now)
        team_id = team.id
        bulk_insert(session, "members", ("team_id", "telegram_user_id", "display_name", "language", "role",
                                         "status", "reachable", "joined_on", "created_at"),
                    ((team_id, FIRST_USER + i, f"成员{i}", Language.ZH, Role.MEMBER, MemberStatus.ACTIVE, True,
                      date(2026, 1, 1), now) for i in range(recipients)))
    with db.session() as session:
        members = session.execute(
            select(Member.id, Member.telegram_user_id).where(Member.team_id == team_id)).all()
        enqueued = 0
        for member_id, user_id in members:
            enqueued += outbox.enqueue(
                session, key=f"broadcast:bench:member:{member_id}", chat_id=user_id, kind="broadcast",
                payload={"text": TEXT, "parse_mode": None, "buttons": []}, not_before=now, team_id=team_id,
                member_id=member_id, now=now)
    return enqueued


def statuses(db: Database) -> Counter[str]:
    with db.session() as session:
        return Counter({status.value: n for status, n in session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))})


def delivery_overrides() -> dict[str, float]:
    """$BENCH_DELIVERY="batch_size=200,tick_seconds=1" tries other `[delivery]` settings."""
    pairs = [item.split("=", 1) for item in os.environ.get("BENCH_DELIVERY", "").split(",") if "=" in item]
    return {key.strip(): (int(value) if value.strip().isdigit() else float(value)) for key, value in pairs}


async def bench(recipients: int, folder: str, overrides: dict[str, float]) -> list[tuple[str, object]]:
    clock = RunningClock(START)
    with sqlite_database(folder) as db, \
            EmulatorProcess(flood=True, started=(BOT_ID, FIRST_USER, recipients)) as emulator:
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


def main(recipients: int = 10_000, shipped: int = 600) -> None:
    """``shipped`` recipients with the shipped `[delivery]` settings, then ``recipients`` with settings
    that let the loop reach the limit ($BENCH_DELIVERY, else batch_size=200, tick_seconds=1): at
    the shipped settings 10,000 take ~11 minutes, which `make bench`'s 15 minutes cannot hold."""
    logging.getLogger("apscheduler").setLevel(logging.ERROR)  # "skipped: max instances" while a tick runs
    tuned = delivery_overrides() or {"batch_size": 200, "tick_seconds": 1}
    scenarios = [("shipped settings", scaled(shipped, minimum=50), {}),
                 (", ".join(f"{k}={v}" for k, v in tuned.items()), scaled(recipients, minimum=50), tuned)]
    print(f"broadcasts, flood limits on; {machine()}")
    columns = []
    for label, count, overrides in scenarios:
        print(f"--- {count:,} recipients, [delivery] {label}")
        with tempfile.TemporaryDirectory() as folder:
            columns.append(asyncio.run(bench(count, folder, overrides)))
    rows = [[name] + [str(column[i][1]) for column in columns] for i, (name, _) in enumerate(columns[0])]
    print(table(["figure"] + [label for label, _, _ in scenarios], rows))


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
