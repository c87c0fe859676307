"""`python bot.py demo`: the emulator and the bot on loopback with a throwaway SQLite file, a scripted
session played by simulated officials, and the conversation printed as a transcript.

Each feature adds its scene here; the clock is a ManualClock, so later scenes can move through a
simulated year in seconds.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import sys
import tempfile
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from config import Config, ThrottleSettings
from core import holidays
from core.boards import first_workday
from core.clock import ManualClock
from emulator import ControlClient, EmulatorThread
from harness import RunningBot, config_for
from storage import onboarding, teams
from storage.db import Database

TEAM_NAME = "省政府党组"
ADMIN_ID = 500001
DEMO_GROUP = -100500001
SHANGHAI = ZoneInfo("Asia/Shanghai")
# The team starts using the bot on Friday 4 December 2026: mid-year for its officials, who have served all
# year (the bot judges them on the whole year) but one, who took office on 1 July.
DEMO_START = datetime(2026, 12, 4, 10, 0, tzinfo=SHANGHAI)


async def play(control: ControlClient, invite_code: str) -> None:
    """Two officials: the office's admin sets up, a member joins by link and tries both languages."""
    admin = control.user(ADMIN_ID, "李", last_name="主任", language_code="zh-hans")
    zhang = control.user(500002, "张", last_name="明", language_code="zh-hans")
    stranger = control.user(500003, "王", last_name="五", language_code="zh-hans")

    await admin.send("/start")
    await admin.send("/invite once")
    await zhang.send(f"/start {invite_code}")
    await zhang.send("/help")
    await zhang.send("/lang en")
    await zhang.send("/help")
    await zhang.send("/lang zh")
    await zhang.send("/invite")
    await stranger.send("/join")
    await stranger.send("WrongCode42")
    await stranger.send("/cancel")


async def take_office(control: ControlClient, invite_code: str) -> None:
    """A member who took office mid-year joins; the office records her 任职日期 on her card, and her /me asks
    for the days since then only (opening the bot on 4 December is not taking office)."""
    admin = control.user(ADMIN_ID, "李", last_name="主任")
    wang = control.user(500004, "王", last_name="芳", language_code="zh-hans")
    await wang.send(f"/start {invite_code}")
    card = await admin.press(await admin.send("/members"), "王芳")
    await admin.press(card, "设置任职日期")
    await admin.send("2026年7月1日")
    await wang.send("/me")


async def log_duties(control: ControlClient) -> None:
    """A member logs study in one message and step by step; the office records a team session."""
    admin = control.user(ADMIN_ID, "李", last_name="主任")
    zhang = control.user(500002, "张", last_name="明")

    draft = await zhang.send("/study 昨天下午 集体学习 2小时 优化营商环境条例")
    await zhang.press(draft, "确认")
    await zhang.send("/study")
    kinds = await zhang.send("上周三")
    await zhang.press(kinds, "集体学法", expect=2)
    await zhang.send("一个半小时")
    await zhang.press(await zhang.send("民法典"), "确认")
    roster = await admin.press(await admin.send("/session 11月18日下午 理论学习中心组 3小时 二十届四中全会精神"), "确认")
    roster = await admin.press(roster, "张明")
    await admin.press(roster, "完成", expect=2)
    trip = await zhang.send("/trip 11月5日至8日 淳安县 山区共富调研")
    await zhang.press(trip, "确认")
    said = await zhang.send("我前天去德清县调研了地理信息小镇")  # no command: read as a log all the same
    await zhang.press(said, "确认")
    proposal = await zhang.send("/proposal 建议 第123号 关于加快山区公路建设的建议 重点")
    await zhang.press(proposal, "确认")
    await zhang.send("/me")
    await zhang.send("/mine")


async def scheduled(running: RunningBot, db: Database, clock: ManualClock, team_id: int) -> list[str]:
    """The admin adds the bot to the team's group and links it (是); the clock moves to next Monday 09:05
    (the weekly summary, to the group and the admin, and pace nudges), then to New Year's Day 2027, a holiday
    (nothing is posted), and to the year's first working day (December's, the fourth quarter's and 2026's
    race boards). Returns what the clock did, for the transcript's footer."""
    admin = running.control.user(ADMIN_ID, "李", last_name="主任")
    group = running.control.group(DEMO_GROUP, f"{TEAM_NAME}工作群")
    await group.add_bot(admin)  # the bot asks the adding admin whether this is the race track
    asked = await admin.receive(chat=group)
    await admin.press(asked, "是")
    tz = ZoneInfo(config_tz(db, team_id))
    today = clock.now().astimezone(tz).date()
    monday = today + timedelta(days=7 - today.weekday())
    month_start = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    first = first_workday(month_start.year, month_start.month, holidays.is_workday)
    said = []
    for day in sorted({monday, month_start, first}):
        clock.set(datetime.combine(day, time(9, 5), tzinfo=tz))
        before = len(running.control.transcript.render().splitlines())
        await running.application.scheduler.tick()  # type: ignore[attr-defined]  # our jobs and services hang on the Application
        while (await running.application.delivery.tick()).claimed:  # type: ignore[attr-defined]  # our jobs and services hang on the Application
            pass
        await running.control.transcript.refresh()
        sent = len(running.control.transcript.render().splitlines()) - before
        name = holidays.holiday_name(day)
        said.append(f"  clock → {day.isoformat()} 09:05" + (f" ({name}: a day off, nothing is posted)" if name
                                                               else f": {sent} lines of messages"))
    return said


async def year_end(running: RunningBot, db: Database, clock: ManualClock, team_id: int,
                   config: Config) -> list[str]:
    """The year's turn: the office confirms 2027's targets from its 年度清单 (the members got theirs on the
    first working day, above), asks for 2026's ledger with /export 2026, and the same workbook is written
    beside the transcript (as `bot.py export` writes it). Returns the footer line naming the file."""
    from locales import translator
    from reports import ledger
    from storage import ledger as ledger_storage

    admin = running.control.user(ADMIN_ID, "李", last_name="主任")
    (year_list,) = [m for m in await admin.bot_messages() if "年度清单" in m.content]
    await admin.press(year_list, "✅ 确认目标")
    await admin.send("/export 2026", expect=1)
    t = translator("zh")
    with db.session() as session:
        team = teams.one(session, team_id)
        today = clock.now().astimezone(ZoneInfo(team.timezone)).date()
        sheets = ledger.build(ledger_storage.year_ledger(session, team, 2026, today=today, config=config),
                              t=t)
        out = Path(tempfile.gettempdir()) / f"saima-demo-{ledger.file_name(team, 2026, t)}"
        out.write_bytes(ledger.workbook(sheets, t, title=f"{team.name} 2026"))
    rows = ", ".join(f"{sheet.key} {len(sheet.rows)}" for sheet in sheets)
    return [f"  ledger → {out} ({out.stat().st_size:,} bytes; rows: {rows})"]


async def evaluate(running: RunningBot, db: Database, clock: ManualClock, team_id: int, config: Config) -> list[str]:
    """年末有考评: the office opens the team's 2026 evaluation it got on the year's first working day, grades each
    member (with a comment for one), and publishes; each member receives their own evaluation privately, and 张明's
    one-page PDF is written beside the transcript. Returns the footer line naming the file."""
    from locales import translator
    from reports import evaluation as report
    from storage import evaluation as evaluations

    admin = running.control.user(ADMIN_ID, "李", last_name="主任")
    zhang = running.control.user(500002, "张", last_name="明")
    (sent,) = [m for m in await admin.bot_messages() if "2026 年度考评" in m.content]
    card = await admin.press(sent, "评定并发布")
    for name, grade in (("张明", "优秀"), ("王芳", "称职")):
        own = await admin.press(card, name)
        own = await admin.press(own, grade)
        if name == "张明":
            await admin.press(own, "✍️ 评语")
            own = await admin.send("调研扎实，领办建议按期答复")
        card = await admin.press(own, "← 返回")
    await admin.press(card, "📢 发布")
    while (await running.application.delivery.tick()).claimed:  # type: ignore[attr-defined]  # our jobs and services hang on the Application
        pass
    await zhang.send("/evaluate 2026")
    t = translator("zh")
    with db.session() as session:
        team = teams.one(session, team_id)
        today = clock.now().astimezone(ZoneInfo(team.timezone)).date()
        found = evaluations.team_evaluation(session, team, 2026, today=today, config=config)
    entry = next(e for e in found.entries if e.name == "张明")
    out = Path(tempfile.gettempdir()) / f"saima-demo-{report.file_name(t, found, entry)}"
    out.write_bytes(report.pdf(t, found, entry))
    return [f"  evaluation → {out} ({out.stat().st_size:,} bytes; grades: "
            + ", ".join(f"{e.name} {e.grade}" for e in found.entries) + ")"]


def config_tz(db: Database, team_id: int) -> str:
    with db.session() as session:
        return teams.one(session, team_id).timezone


async def run(config: Config, db: Database, emulator: EmulatorThread, clock: ManualClock | None = None) -> str:
    clock = clock or ManualClock(DEMO_START)
    with db.session() as session:
        new = onboarding.create_team(
            session, name=TEAM_NAME, admin_telegram_id=ADMIN_ID, group_chat_id=None, config=config, now=clock.now()
        )
        code, team_id = new.invite.code, new.team.id

    async with RunningBot(config, db, clock, control_url=emulator.control_url) as running:
        await play(running.control, code)
        await take_office(running.control, code)
        await log_duties(running.control)
        said = await scheduled(running, db, clock, team_id)
        said += await year_end(running, db, clock, team_id, config)
        said += await evaluate(running, db, clock, team_id, config)
        await running.control.transcript.refresh()
        transcript = running.control.transcript.render()
    header = (f"  (the clock: {DEMO_START:%Y-%m-%d %H:%M} Shanghai)\n"
              f"$ python bot.py team create \"{TEAM_NAME}\" --admin {ADMIN_ID}\n"
              f"  → invite link https://t.me/saima_demo_bot?start={code}\n")
    return header + "\n" + transcript + "\n\n" + "\n".join(said)


def run_demo(*, quiet_logs: bool = True) -> int:
    logging.basicConfig(level=logging.WARNING if quiet_logs else logging.INFO, stream=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="saima-demo-") as folder, \
            EmulatorThread(bot_username="saima_demo_bot") as emulator:
        # The demo's officials type at machine speed (a dozen messages in a second): the per-user throttle,
        # there for floods, would tell them to slow down, so the scripted session runs without it.
        config = config_for(emulator.base_url, dataclasses.replace(Config(), throttle=ThrottleSettings(enabled=False)),
                            database_url=f"sqlite:///{Path(folder) / 'demo.db'}")
        db = Database.from_url(config.database.url)
        db.upgrade()
        try:
            asyncio.run(transcript_then_dashboard(config, db, emulator))
        finally:
            db.dispose()
    return 0


async def transcript_then_dashboard(config: Config, db: Database, emulator: EmulatorThread) -> None:
    clock = ManualClock(DEMO_START)
    print(await run(config, db, emulator, clock), flush=True)
    await dashboard(config, db, clock)


DASHBOARD_PEOPLE = ((ADMIN_ID, "李主任", "the office"), (500002, "张明", "a member"))


async def dashboard(config: Config, db: Database, clock: ManualClock) -> None:
    """The dashboard (webapp/) on 127.0.0.1 over the demo's database, with a link for the office and one for
    a member: initData signed with the demo's own token and carried in the address, which only a demo
    server reads (a bot with its real token refuses these signatures like any forged one). In a terminal
    it serves until Enter or Ctrl-C; otherwise (a test, a pipe) each link is opened once and checked."""
    import json
    import urllib.request
    from urllib.parse import quote

    from core.init_data import sign
    from webapp.server import DashboardServer

    port = int(os.environ.get("SAIMA_WEBAPP_PORT") or config.webapp.port)
    server = DashboardServer(dataclasses.replace(config, webapp=dataclasses.replace(config.webapp, port=port)),
                             db, clock, demo=True)
    try:
        await server.start()
    except OSError:  # the port is taken: any free one
        server = DashboardServer(dataclasses.replace(config, webapp=dataclasses.replace(config.webapp, port=0)),
                                 db, clock, demo=True)
        await server.start()
    base = f"http://127.0.0.1:{server.port}/app/"
    lines = ["", "Dashboard (看板) on this machine — open in a browser:"]
    signed = {}
    for user_id, name, who in DASHBOARD_PEOPLE:
        signed[user_id] = sign(config.telegram.token, user={"id": user_id, "first_name": name,
                                                            "language_code": "zh-hans"}, auth_date=clock.now())
        lines.append(f"  as {who} ({name}): {base}#tgWebAppData={quote(signed[user_id], safe='')}")
    print("\n".join(lines), flush=True)
    try:
        if sys.stdin is not None and sys.stdin.isatty():
            print("Press Enter (or Ctrl-C) to stop the dashboard.", flush=True)
            await asyncio.to_thread(sys.stdin.readline)
            return

        def check(user_id: int) -> str:
            request = urllib.request.Request(base.replace("/app/", "/api/me"),
                                             headers={"Authorization": f"tma {signed[user_id]}"})
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 — loopback
                me = json.loads(response.read())
            return f"{me['name']} ({'office' if me['office'] else 'member'})"

        seen = [await asyncio.to_thread(check, user_id) for user_id, _, _ in DASHBOARD_PEOPLE]
        print(f"  checked: the links open the dashboard for {', '.join(seen)}", flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        await server.stop()
