"""With `[webapp] public_url` set, the dashboard is one tap away: every private chat's menu button opens it
(in the member's language once they joined), and /me, /rank and /tasks carry an "打开看板 / Open dashboard"
Mini App button; without it, none of this appears."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import update
from telegram import MenuButtonWebApp

from config import ThrottleSettings, WebappSettings
from core.clock import ManualClock
from emulator import EmulatorThread
from harness import RunningBot, config_for
from storage.db import Database
from storage.models import Team
from tests.e2e.conftest import ADMIN_ID, BOT_USERNAME, Saima, fresh_team
from tests.e2e.helpers import member, owner

PUBLIC = "https://saima.example.gov.cn/"
PAGE = "https://saima.example.gov.cn/app/"
GROUP = -100777


@pytest.fixture
async def with_dashboard(emulator_thread: EmulatorThread, db: Database, clock: ManualClock) -> AsyncIterator[Saima]:
    config = dataclasses.replace(config_for(emulator_thread.base_url), throttle=ThrottleSettings(enabled=False),
                                 webapp=WebappSettings(public_url=PUBLIC))
    team_id, code = await fresh_team(emulator_thread, db, config, clock)
    running = RunningBot(config, db, clock, control_url=emulator_thread.control_url, deliver_before_actions=True)
    async with running:
        yield Saima(running, running.control, db, clock, config, team_id, code)


async def test_the_menu_button_and_the_commands_open_the_dashboard(with_dashboard: Saima) -> None:
    saima = with_dashboard
    bot = saima.running.application.bot
    default = await bot.get_chat_menu_button()
    assert isinstance(default, MenuButtonWebApp) and default.web_app.url == PAGE and default.text == "赛马看板"
    admin = await owner(saima)
    zhang = await member(saima)
    tom = await member(saima, 1010, "Tom", lang="en")
    for user_id, text in [(ADMIN_ID, "赛马看板"), (1001, "赛马看板"), (1010, "Dashboard")]:
        button = await bot.get_chat_menu_button(chat_id=user_id)
        assert isinstance(button, MenuButtonWebApp) and (button.text, button.web_app.url) == (text, PAGE)
    me = await zhang.send("/me")
    assert me.buttons == [[("打开看板", PAGE)]]
    assert (await tom.send("/me")).buttons == [[("Open dashboard", PAGE)]]
    rank = await admin.send("/rank", expect=2)
    assert rank[0].buttons[-1] == [("打开看板", PAGE)] and len(rank[0].buttons) == 2
    tasks = await admin.send("/tasks")
    assert tasks.buttons[-1] == [("打开看板", PAGE)]
    with saima.db.session() as session:  # the team's group, the race track: a link to the private chat there
        session.execute(update(Team).where(Team.id == saima.team_id).values(group_chat_id=GROUP))
    group = saima.control.group(GROUP, "省政府党组工作群")
    await group.add_bot(by=admin)
    await admin.receive(chat=group)
    board, _ = await zhang.send("/rank", chat=group, expect=2)
    assert board.buttons == [[("打开看板", f"https://t.me/{BOT_USERNAME}?start=group")]]



async def test_the_groups_dashboard_button_is_in_the_teams_language_whoever_asks(with_dashboard: Saima) -> None:
    """The group's board is in the team's language (Chinese); Tom, who chose English privately, asks for it in
    the group: its button was in English, under a Chinese board everyone in the group reads."""
    saima = with_dashboard
    admin = await owner(saima)
    tom = await member(saima, 1010, "Tom", lang="en")
    with saima.db.session() as session:
        session.execute(update(Team).where(Team.id == saima.team_id).values(group_chat_id=GROUP))
    group = saima.control.group(GROUP, "省政府党组工作群")
    await group.add_bot(by=admin)
    await admin.receive(chat=group)
    board, _ = await tom.send("/rank", chat=group, expect=2)
    assert board.text.startswith("🏇 赛马榜")
    assert board.buttons == [[("打开看板", f"https://t.me/{BOT_USERNAME}?start=group")]]
    assert (await tom.send("/me")).buttons == [[("Open dashboard", PAGE)]]  # privately, his own language

async def test_without_a_public_url_there_is_no_dashboard_button(saima: Saima) -> None:
    bot = saima.running.application.bot
    zhang = await member(saima)
    assert (await zhang.send("/me")).buttons == []
    assert not isinstance(await bot.get_chat_menu_button(chat_id=1001), MenuButtonWebApp)
    assert all("打开看板" not in label for row in (await (await owner(saima)).send("/tasks")).buttons
               for label, _ in row)
