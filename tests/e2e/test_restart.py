"""A bot killed with SIGKILL in the middle of a conversation carries on at the same step.

The bot runs as a real process (`python bot.py run`) against the emulator; conversation state is
written through to the database, so the replacement process finds it there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from emulator import EmulatorThread
from harness import TEST_TOKEN
from storage.db import Database
from tests.e2e.processes import (
    BotProcess,
    city_team,
    emulator_for_processes,
    subprocess_database_url,
    wait_for_conversation_row,
)


@pytest.fixture
def bot_env(emulator_thread: EmulatorThread, database_url: tuple[str, str | None], tmp_path: Path) -> dict[str, str]:
    url, schema = database_url
    return {**os.environ, "BOT_TOKEN": TEST_TOKEN, "BOT_API_BASE_URL": emulator_thread.base_url,
            "DATABASE_URL": subprocess_database_url(url, schema), "SAIMA_CONFIG": str(tmp_path / "absent.toml")}


async def test_a_member_mid_join_continues_after_the_bot_is_killed(
    emulator_thread: EmulatorThread, db: Database, bot_env: dict[str, str], processes: list[BotProcess],
    tmp_path: Path,
) -> None:
    async with emulator_for_processes(emulator_thread.control_url) as control:
        code = city_team(db)
        wang = control.user(1003, "王五")

        processes.append(BotProcess("run", bot_env, tmp_path))
        asked = await wang.send("/join")
        assert asked.text == "请发送邀请码（例如 Ab3dE9kQ2x），或发送 /cancel 取消。"
        assert wait_for_conversation_row(db, "join") == "awaiting_code"

        processes[0].kill()
        processes.append(BotProcess("run", bot_env, tmp_path))

        welcome = await wang.send(code)
        assert welcome.text == "欢迎 王五！您已作为成员加入「市政府党组」。发送 /help 查看可用功能。"
        sent_by_bot = [m.body for m in await wang.bot_messages()]
        assert sent_by_bot.count(asked.text) == 1  # the question was not asked again after the restart
