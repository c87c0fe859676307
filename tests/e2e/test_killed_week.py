"""A busy simulated week with SIGKILLs (issue 4's "Done when"): `bot.py run` as a real process, its clock
in a file (SAIMA_CLOCK_FILE) that the test moves hour by hour from Sunday 29 November to Sunday
6 December 2026, with the scheduling tick and the delivery tick both running. A team of six (two admins,
Chinese and English) and a group, with motions, findings and supervised tasks falling due all week,
one long overdue, everyone behind pace, the weekly summary on Monday and November's race board on
Tuesday 1 December, and two announcements to everyone (broadcast rows, at least once) on Wednesday and
Thursday. At each step the test waits until the outbox has nothing due left to send; at
seeded-random moments it kills the process with SIGKILL (some in the middle of a busy step, some
between steps) and starts it again.

At the end:
(a) the outbox holds exactly the keys, created at the same instants, as a reference run of the same
    week in this process with a ManualClock, no Telegram and no kills (the scheduling tick called
    directly, as tests/jobs/test_scheduled.py does);
(b) every row marked sent reached the emulator exactly once, under its message id, with its text;
(c) everything else is what the documented in-flight semantics allow: rows failed as "outcome unknown"
    (at most once: each of their messages arrived once or not at all) number at most
    kills × delivery.concurrency; at-least-once rows (broadcasts) arrived at least once; no message
    arrived that no row accounts for;
(d) every message arrived at an allowed time of the file clock (not in quiet hours, on a working day).

Slow by nature (a real process, restarted after each kill: 2–6 s each): 40–60 s per backend on the
2-core development machine, the reference run made once for both; it runs in `make test`. The seed comes
from SAIMA_KILL_SEED when set; it and the kill points are printed with any failure (and with -s).
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import time
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from config import Config, parse_config
from core import holidays
from core.clock import ManualClock
from core.domain import Language, MemberStatus, MotionKind, OutboxStatus, Role
from core.quiet import is_allowed
from emulator import ControlClient, EmulatorThread
from harness import TEST_TOKEN
from jobs.schedule import Scheduler
from storage import members, motions, onboarding, outbox, trips
from storage.db import Database
from storage.models import OutboxMessage, Task, TaskAssignment
from tests.conftest import SHANGHAI
from tests.e2e.processes import BotProcess, subprocess_database_url

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]  # ~40–60 s a backend on a busy 2-core machine

GROUP = -100555
START = datetime(2026, 11, 29, 0, 0, tzinfo=SHANGHAI)  # Sunday
STEP = timedelta(hours=1)
STEPS = 7 * 24 + 1  # the whole week, and one hour more so claims left by the last kill expire
CONCURRENCY = 2
LEASE = timedelta(seconds=3)  # of file time: a killed process's claims are taken over at the next step
MID_STEP_KILLS = 3  # one of them while the announcements go out
BROADCAST_STEPS = (3 * 24 + 10, 4 * 24 + 15)  # Wednesday 10:00, Thursday 15:00
BETWEEN_STEP_KILLS = 1

CONFIG = f"""\
[delivery]
tick_seconds = 0.2
batch_size = 10
concurrency = {CONCURRENCY}
private_chat_interval_seconds = 0.0
lease_seconds = {LEASE.total_seconds()}
send_timeout_seconds = 2.0

[schedule]
tick_seconds = 1
"""

PEOPLE = [  # (Telegram id, name, language, role); 900 is the owner create_team makes
    (901, "Mary", Language.EN, Role.ADMIN),
    (1001, "张三", Language.ZH, Role.MEMBER),
    (1002, "Lily", Language.EN, Role.MEMBER),
    (1003, "李四", Language.ZH, Role.MEMBER),
    (1004, "王五", Language.ZH, Role.MEMBER),
]


def instant(step: int) -> datetime:
    return START + step * STEP


def populate(db: Database) -> None:
    """The same team, in the same order (so with the same ids), in the process's and the reference's DB."""
    now = datetime(2026, 11, 28, 12, 0, tzinfo=SHANGHAI)
    with db.session() as session:
        new = onboarding.create_team(session, name="省政府党组", admin_telegram_id=900, group_chat_id=GROUP,
                                     config=Config(), now=now)
        team = new.team
        team.created_at = datetime(2026, 10, 1, tzinfo=SHANGHAI)
        new.owner.status = MemberStatus.ACTIVE
        new.owner.display_name = "周主任"
        new.owner.joined_on = date(2026, 1, 1)
        people = {900: new.owner}
        for uid, name, language, role in PEOPLE:
            member = members.add(session, team=team, telegram_user_id=uid, display_name=name, username=None,
                                 role=role, status=MemberStatus.ACTIVE, now=now, joined_on=date(2026, 1, 1))
            member.language = language
            people[uid] = member
        session.flush()
        # 张三 and Lily are behind on research days, not lagging; the rest have done nothing (lagging)
        for uid, end in ((1001, date(2026, 4, 14)), (1002, date(2026, 4, 10))):
            trip = trips.log_trip(session, member=people[uid], start=date(2026, 3, 1), end=end, places="淳安县",
                                  topic="山区共富调研", research_topic_id=None, now=now)
            for n, due in enumerate((date(2026, 12, 3), date(2026, 12, 8))):
                trips.add_finding(session, member=people[uid], trip=trip, content=f"意见建议{uid}-{n}：村道狭窄",
                                  department="交通局", feedback_due=due, now=now)
        dues = [date(2026, 11, 20), date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3), date(2026, 12, 4),
                date(2026, 12, 7), date(2026, 12, 9), date(2026, 12, 11)]
        leads = [1001, 1002, 1003, 1004, 900, 1001, 1002, 1003]
        for n, (due, uid) in enumerate(zip(dues, leads, strict=True)):
            motion = motions.create(session, lead=people[uid], kind=MotionKind.SUGGESTION if n % 2 else
                                    MotionKind.PROPOSAL, number=str(100 + n), title=f"关于第{n}项民生实事的建议",
                                    is_key=n % 3 == 0, assigned_on=date(2026, 9, 1), reply_due_months=3, now=now)
            motion.reply_due = due
        for title, due, assignees in (("安全生产大检查", datetime(2026, 12, 2, 18, 0, tzinfo=SHANGHAI), (1003, 1004)),
                                      ("防汛物资清点", datetime(2026, 12, 4, 12, 0, tzinfo=SHANGHAI), (1002,)),
                                      ("营商环境整改", datetime(2026, 11, 26, 18, 0, tzinfo=SHANGHAI), (1001,))):
            task = Task(team_id=team.id, title=title, due_at=due, created_by_member_id=new.owner.id, created_at=now)
            session.add(task)
            session.flush()
            for uid in assignees:
                session.add(TaskAssignment(task_id=task.id, member_id=people[uid].id))
        session.flush()
        for n, step in enumerate(BROADCAST_STEPS):  # an admin's announcements to everyone (at least once)
            for uid, member in people.items():
                outbox.enqueue(session, key=f"broadcast:test:{n}:member:{member.id}", chat_id=uid, kind="broadcast",
                               payload={"text": f"📢 通知{n + 1}：周五下午三点召开党组会议"}, not_before=instant(step),
                               team_id=team.id, member_id=member.id, now=instant(0))


_REFERENCE: dict[str, datetime] = {}  # the same for both backends: made once per test session


def reference_week(template: Path, folder: Path, config: Config) -> dict[str, datetime]:
    """The outbox keys (and when each was made) of the week run in this process on a fresh SQLite
    database with a ManualClock: no kills, no Telegram."""
    if _REFERENCE:
        return _REFERENCE
    path = folder / "reference.db"
    shutil.copy(template, path)
    db = Database.from_url(f"sqlite:///{path}")
    try:
        _REFERENCE.update(_walk_reference(db, config))
    finally:
        db.dispose()
    return _REFERENCE


def _walk_reference(db: Database, config: Config) -> dict[str, datetime]:
    populate(db)
    clock = ManualClock(instant(0))
    scheduler = Scheduler(db=db, clock=clock, config=config)
    for step in range(STEPS):
        clock.set(instant(step))
        assert scheduler.run_once().failed_teams == []
    with db.session() as session:
        return {key: created.astimezone(SHANGHAI)
                for key, created in session.execute(select(OutboxMessage.key, OutboxMessage.created_at))}


@dataclass
class Walk:
    """What happened, for the failure message."""

    seed: int
    kills: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"seed {self.seed} (SAIMA_KILL_SEED={self.seed} repeats it); kills: " + "; ".join(self.kills)


def set_clock(path: Path, when: datetime) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_text(when.isoformat(), encoding="utf-8")
    os.replace(temporary, path)  # the process never reads half a file


def statuses(db: Database) -> Counter[str]:
    with db.session() as session:
        return Counter(str(s.value) for s in session.scalars(select(OutboxMessage.status)))


def settled(db: Database, now: datetime, pid: int, expected: set[str]) -> bool:
    """The step's keys are there, nothing due is pending, the live process holds no claim, and no claim of
    a killed one waits to be taken over (those made at this very instant expire at the next step)."""
    with db.session() as session:
        rows = session.execute(select(OutboxMessage.key, OutboxMessage.status, OutboxMessage.not_before,
                                      OutboxMessage.claimed_by, OutboxMessage.claimed_at)).all()
    keys = {key for key, *_ in rows}
    if not expected <= keys:
        return False
    for _key, status, not_before, claimed_by, claimed_at in rows:
        if status == OutboxStatus.PENDING and not_before <= now:
            return False
        if status == OutboxStatus.SENDING:
            assert claimed_at is not None  # a claim has its instant
            if f":{pid}:" in (claimed_by or "") or claimed_at < now - LEASE:
                return False  # the live process's claim, or a dead one's that it is due to take over
    return True


def wait_until(condition: Any, seconds: float, what: str, walk: Walk) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"not within {seconds} s: {what} [{walk}]")


def _somewhere_in(db: Database, keys: set[str], now: datetime, rng: random.Random, walk: Walk) -> str:
    """Waits for a seeded-random moment of a busy step's work: a random time after the clock moved (maybe
    mid-tick, maybe mid-send), or once the step's rows are made, after a random number of them was sent."""
    if rng.random() < 0.3:
        delay = rng.uniform(0.0, 1.5)
        time.sleep(delay)
        return f"{delay:.2f} s into the step"

    def count(*wanted: OutboxStatus, due: bool = False) -> int:
        query = select(OutboxMessage.id).where(OutboxMessage.status.in_(wanted))
        if due:
            query = query.where(OutboxMessage.not_before <= now)
        with db.session() as session:
            return len(list(session.scalars(query)))

    def made() -> bool:
        with db.session() as session:
            return len(list(session.scalars(select(OutboxMessage.id).where(OutboxMessage.key.in_(keys))))) == len(keys)
    wait_until(made, 30, "the step's rows made", walk)
    sent, due = count(OutboxStatus.SENT), count(OutboxStatus.PENDING, OutboxStatus.SENDING, due=True)
    target = rng.randrange(due) if due else 0
    wait_until(lambda: count(OutboxStatus.SENT) >= sent + target, 30, f"{target} more rows sent", walk)
    return f"after {target} of {due} due rows were sent"


def allowed(when: datetime) -> bool:
    return is_allowed(when, tz=SHANGHAI, is_workday=holidays.is_workday)


async def _open_chats(emulator: EmulatorThread, control: ControlClient) -> None:
    """Everyone has opened the bot and the bot is in the group; the updates that made it so are consumed
    here, so the bot under test answers none of them and every message it sends comes from the outbox."""
    await control.register_bot(int(TEST_TOKEN.split(":")[0]), username="saima_test_bot")
    for uid, name in [(900, "周主任")] + [(uid, name) for uid, name, _, _ in PEOPLE]:
        await control.send(uid, "/start", first_name=name)
    await control.add_to_group(GROUP, "省政府党组工作群", 900)
    async with httpx.AsyncClient(base_url=f"{emulator.base_url}{TEST_TOKEN}/") as bot_api:
        updates = (await bot_api.post("getUpdates", json={"timeout": 0})).json()["result"]
        if updates:
            await bot_api.post("getUpdates", json={"offset": updates[-1]["update_id"] + 1, "timeout": 0})


async def test_a_week_of_scheduled_messages_survives_sigkills_without_loss_or_duplicates(
    emulator_thread: EmulatorThread, db: Database, database_url: tuple[str, str | None], tmp_path: Path,
    sqlite_template: Path, processes: list[BotProcess],
) -> None:
    began = time.monotonic()
    walk = Walk(int(os.environ.get("SAIMA_KILL_SEED") or random.SystemRandom().randrange(10**6)))
    rng = random.Random(walk.seed)
    config_file = tmp_path / "config.toml"
    config_file.write_text(CONFIG, encoding="utf-8")
    config = parse_config(tomllib.loads(CONFIG), source=str(config_file))

    reference = reference_week(sqlite_template, tmp_path, config)
    reference_seconds = time.monotonic() - began
    made_at: dict[int, set[str]] = {}
    for key, created in reference.items():
        made_at.setdefault(int((created - START) / STEP), set()).add(key)
    busy = sorted(made_at)
    assert len(reference) > 60 and len(busy) >= 5  # a busy week indeed

    populate(db)
    clock_file = tmp_path / "clock"
    set_clock(clock_file, instant(0))
    url, schema = database_url
    env = {**os.environ, "BOT_TOKEN": TEST_TOKEN, "BOT_API_BASE_URL": emulator_thread.base_url,
           "DATABASE_URL": subprocess_database_url(url, schema), "SAIMA_CONFIG": str(config_file),
           "SAIMA_CLOCK_FILE": str(clock_file)}
    mid_step = set(rng.sample(busy, MID_STEP_KILLS - 1)) | {rng.choice(BROADCAST_STEPS)}
    between = set(rng.sample([s for s in range(STEPS - 1) if s not in mid_step], BETWEEN_STEP_KILLS))

    async def start() -> BotProcess:
        """A new `bot.py run`, once it is up (its getMe reached the emulator): the walk goes on only
        with a process that sees the clock move."""
        before = (await control.stats())["by_method"].get("getMe", 0)
        process = BotProcess("run", env, tmp_path)
        processes.append(process)
        deadline = time.monotonic() + 30
        while (await control.stats())["by_method"].get("getMe", 0) <= before:
            assert process.process.poll() is None, f"bot.py run exited with {process.process.returncode} [{walk}]"
            assert time.monotonic() < deadline, f"bot.py run not up within 30 s [{walk}]"
            await asyncio.sleep(0.05)
        return process

    async def kill(process: BotProcess, step: int, how: str) -> BotProcess:
        process.kill()
        walk.kills.append(f"step {step} ({instant(step):%a %d %b %H:%M}) {how}, outbox then {dict(statuses(db))}")
        return await start()

    arrivals: list[tuple[dict[str, Any], datetime]] = []  # each message the emulator got, and the file time
    async with ControlClient(emulator_thread.control_url, default_timeout=30) as control:
        await control.reset()
        await _open_chats(emulator_thread, control)
        seen = (await control.events())["events"]
        after = max((event["seq"] for event in seen), default=0)
        process = await start()
        expected: set[str] = set()
        for step in range(STEPS):
            now = instant(step)
            set_clock(clock_file, now)
            expected |= made_at.get(step, set())
            if step in mid_step:
                process = await kill(process, step, _somewhere_in(db, made_at.get(step, set()), now, rng, walk))
            pid = process.process.pid
            wait_until(partial(settled, db, now, pid, expected), 45, f"step {step} ({now:%a %d %b %H:%M}) settled",
                       walk)
            events = (await control.events(after=after, kinds=["text", "photo"]))["events"]
            arrivals.extend((event, now) for event in events)
            after = max([after] + [event["seq"] for event in events])
            if step in between:
                process = await kill(process, step, "between steps")

    with db.session() as session:
        rows = list(session.scalars(select(OutboxMessage)))
    failures = _check(rows, reference, arrivals, kills=len(walk.kills))
    print(f"{walk}; {len(rows)} rows {dict(statuses(db))}, {len(arrivals)} messages; reference "
          f"{reference_seconds:.1f} s, in all {time.monotonic() - began:.1f} s")  # shown with -s
    assert failures == [], f"{walk}\n" + "\n".join(failures)


def _check(rows: list[OutboxMessage], reference: dict[str, datetime],
           arrivals: list[tuple[dict[str, Any], datetime]], *, kills: int) -> list[str]:
    failures: list[str] = []
    # (a) the same keys, made at the same instants, as the reference run
    made = {row.key: row.created_at.astimezone(SHANGHAI) for row in rows}
    if set(made) != set(reference):
        failures.append(f"(a) keys only in the killed run: {sorted(set(made) - set(reference))}; "
                        f"only in the reference: {sorted(set(reference) - set(made))}")
    failures += [f"(a) {key} made at {made[key]}, in the reference at {when}"
                 for key, when in reference.items() if key in made and made[key] != when]

    def text_of(payload: dict[str, Any]) -> str:
        return str(payload["text"])

    def arrived_text(event: dict[str, Any]) -> str:
        return str(event["caption"] if event["kind"] == "photo" else event["text"])

    by_id = {(event["chat_id"], event["message_id"]): event for event, _ in arrivals}
    counts = Counter((event["chat_id"], arrived_text(event)) for event, _ in arrivals)
    wanted = Counter((row.chat_id, text_of(row.payload)) for row in rows)
    if [k for k, n in wanted.items() if n > 1]:
        failures.append("the test's data makes two rows with the same text into one chat")
    unknown = [row for row in rows if row.status == OutboxStatus.FAILED]
    # (b) every sent row reached the emulator exactly once, under its message id
    for row in rows:
        if row.status == OutboxStatus.SENT:
            event = by_id.get((row.chat_id, row.telegram_message_id))
            if event is None or arrived_text(event) != text_of(row.payload):
                failures.append(f"(b) {row.key}: sent as message {row.telegram_message_id}, not so in the emulator")
            elif counts[(row.chat_id, text_of(row.payload))] != 1 and not row.retry_unknown:
                failures.append(f"(b) {row.key} arrived {counts[(row.chat_id, text_of(row.payload))]} times")
        elif row.status != OutboxStatus.FAILED or not (row.last_error or "").startswith("outcome unknown"):
            failures.append(f"(c) {row.key} ended {row.status.value} ({row.last_error})")
    # (c) what the kills may cost: in-flight requests, per kind
    if len(unknown) > kills * CONCURRENCY:
        failures.append(f"(c) {len(unknown)} rows of unknown outcome after {kills} kills × {CONCURRENCY} in flight")
    for row in unknown:
        n = counts[(row.chat_id, text_of(row.payload))]
        if (n > 1 and not row.retry_unknown) or (n < 1 and row.retry_unknown):
            failures.append(f"(c) {row.key} ({'at least' if row.retry_unknown else 'at most'} once) arrived {n} times")
    extra = sum(counts.values()) - sum(1 for row in rows if row.status == OutboxStatus.SENT)
    if extra > kills * CONCURRENCY:
        failures.append(f"(c) {extra} messages beyond the sent rows after {kills} kills")
    strays = [key for key in counts if key not in wanted]
    if strays:
        failures.append(f"(c) messages no row accounts for: {strays[:5]}")
    # (d) at an allowed time of the file clock
    failures += [f"(d) {arrived_text(event)[:40]!r} into {event['chat_id']} at {when:%a %d %b %H:%M}"
                 for event, when in arrivals if not allowed(when)]
    return failures
