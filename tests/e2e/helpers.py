"""What the end-to-end tests share: the owner and members who joined through the bot (and another team's
owner), a restart of the bot in place, the records a test reads back and the keep-both question, teams
with a month's records for the boards, log records collected, and waiting with deadlines.

Fixtures live in conftest.py; the bot as a real process (and the network between it and PostgreSQL)
in processes.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import select, update

from bot import build_application
from config import Config
from emulator import BotMessage, SimUser
from storage import onboarding
from storage.models import Member, Motion, StudySession
from tests.e2e.conftest import ADMIN_ID, Saima

HandlerT = TypeVar("HandlerT", bound=logging.Handler)
ROADS = "建议 第123号 关于加快山区公路建设的建议 重点 11月1日交办"


async def member(saima: Saima, user_id: int = 1001, name: str = "张三", lang: str = "zh") -> SimUser:
    """An official who joined the team with its invite code (and switched to English for `lang="en"`)."""
    official = saima.control.user(user_id, name)
    await official.send(f"/start {saima.invite_code}")
    if lang == "en":
        await official.send("/lang en")
    return official


async def owner(saima: Saima, lang: str = "zh") -> SimUser:
    """The owner (李主任), named when the team was created, who opened the bot (and switched to English)."""
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    if lang == "en":
        await admin.send("/lang en")
    return admin


async def owner_and_member(saima: Saima, lang: str = "zh") -> tuple[SimUser, SimUser]:
    """The owner opened the bot, then 张三 joined with the invite code; both speak `lang`."""
    admin = await owner(saima)
    zhang = await member(saima, lang=lang)
    if lang == "en":
        await admin.send("/lang en")
    return admin, zhang


async def owner_and_two(saima: Saima, second: tuple[int, str] = (1002, "王五")) -> tuple[SimUser, SimUser, SimUser]:
    """The owner (李主任) opened the bot; 张三 and 王五 (or `second`) joined with the invite code."""
    admin, zhang = await owner_and_member(saima)
    other = await member(saima, *second)
    return admin, zhang, other


def second_team(saima: Saima) -> str:
    """Another team (市政府党组) with the same owner; its member invite code. Someone who opens it after the
    team's own is in two teams, and their chat acts in the one whose link they opened last."""
    with saima.db.session() as session:
        new = onboarding.create_team(session, name="市政府党组", admin_telegram_id=ADMIN_ID, group_chat_id=None,
                                     config=saima.config, now=saima.clock.now())
        return new.invite.code


async def another_teams_owner(saima: Saima, user_id: int = 900002, name: str = "赵主任") -> SimUser:
    """The owner of another team (市政府党组), who opened the bot: none of this team's buttons is theirs."""
    with saima.db.session() as session:
        onboarding.create_team(session, name="市政府党组", admin_telegram_id=user_id, group_chat_id=None,
                               config=saima.config, now=saima.clock.now())
    other = saima.control.user(user_id, name)
    await other.send("/start")
    return other


def stored_member(saima: Saima, telegram_id: int) -> Member:
    """The team's member row for a Telegram user, detached from its session."""
    with saima.db.session() as session:
        found = session.scalar(select(Member).where(Member.team_id == saima.team_id,
                                                    Member.telegram_user_id == telegram_id))
        assert found is not None
        session.expunge(found)
        return found


def members_since_new_year(saima: Saima, user_id: int | None = None) -> None:
    """Every member (or the one with `user_id`) in the team since 1 January, so the year's targets count."""
    query = update(Member).values(joined_on=date(2026, 1, 1))
    if user_id is not None:
        query = query.where(Member.telegram_user_id == user_id)
    with saima.db.session() as session:
        session.execute(query)


async def restart(saima: Saima, config: Config | None = None) -> None:
    """Stops the bot and starts a new Application on the same database (and emulator), as after a crash
    or a deployment; `config` replaces the settings."""
    running = saima.running
    application = running.application
    assert application.updater is not None
    await application.updater.stop()
    await application.stop()
    await application.shutdown()
    running.application = build_application(config or saima.config, saima.db, saima.clock)
    await running.start()


def sessions(saima: Saima) -> list[tuple[str, str, Decimal, str]]:
    with saima.db.session() as session:
        rows = session.execute(select(StudySession.kind, StudySession.held_on, StudySession.hours, StudySession.topic)
                               .order_by(StudySession.id)).all()
    return [(kind.value, held_on.isoformat(), hours, topic) for kind, held_on, hours, topic in rows]


def motions(saima: Saima) -> list[tuple[str, str, str, bool, str, str, str]]:
    with saima.db.session() as session:
        rows = session.scalars(select(Motion).order_by(Motion.id)).all()
        return [(m.kind.value, m.number, m.title, m.is_key, m.assigned_on.isoformat(), m.reply_due.isoformat(),
                 m.status.value) for m in rows]


async def logged(user: SimUser, text: str = ROADS) -> BotMessage:
    """Logs a motion in one message and confirms it; the saved card, with its first steps."""
    saved = await user.press(await user.send(f"/proposal {text}"), "确认" if "第" in text else "Confirm")
    assert saved is not None and saved.text.startswith("✅")
    return saved


async def asked_to_keep_both(user: SimUser, text: str) -> BotMessage:
    """Sends `text` and confirms its card: it looks like a record already kept, so Keep both or Cancel is asked."""
    again = await user.press(await user.send(text), "确认")
    assert again.text.endswith("您似乎已经登记过相同的记录。两条都保留吗？")
    assert again.labels == ["都保留", "取消"]
    return again


async def three_on_the_board(saima: Saima) -> tuple[SimUser, SimUser, SimUser]:
    """张三 (research and a study session this month), 李四 (a law session), Tom (in English, nothing),
    all in the team since 1 January."""
    zhang = await member(saima)
    li = await member(saima, 1002, "李四")
    tom = await member(saima, 1010, "Tom", lang="en")
    members_since_new_year(saima)
    await zhang.press(await zhang.send("/trip 11月5日至8日 淳安县 山区共富调研"), "确认")
    await zhang.press(await zhang.send("/study 昨天下午 集体学习 2小时 优化营商环境条例"), "确认")
    await li.press(await li.send("/study 11月3日 集体学法 2小时 民法典"), "确认")
    return zhang, li, tom


async def a_board_that_moved(saima: Saima, *, fourth: bool = False) -> tuple[SimUser, SimUser, SimUser, SimUser | None]:
    """November as of the 21st: 张三 60 (4 days' research, a session), 李四 25 (a law session), Tom 15
    (and 王五 15). October: Tom first (9 days' research), the others tied second: 张三 gains a place."""
    zhang, li, tom = await three_on_the_board(saima)
    wang = await member(saima, 1003, "王五") if fourth else None
    members_since_new_year(saima)
    await tom.press(await tom.send("/trip Oct 12-20 Chun'an county rural revitalisation"), "Confirm")
    return zhang, li, tom, wang


@contextlib.contextmanager
def on_the_root_logger(handler: HandlerT) -> Iterator[HandlerT]:
    """`handler` hears every log record while the block runs (a fixture's way to collect what the bot logs)."""
    logging.getLogger().addHandler(handler)
    try:
        yield handler
    finally:
        logging.getLogger().removeHandler(handler)


async def until(condition: Callable[[], object | Awaitable[object]], seconds: float, what: str) -> None:
    """Waits until `condition()` (a value or an awaitable) is true, polling every 50 ms; fails after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"not within {seconds} s: {what}")
