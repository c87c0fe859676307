"""A bot killed with SIGKILL in the middle of a conversation carries on at the same step.

The bot runs as a real process (`python bot.py run`) against the emulator; conversation state is
written through to the database, so the replacement process finds it there.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from config import Config
from emulator import ControlClient, EmulatorThread
from harness import TEST_TOKEN
from storage import onboarding
from storage.db import Database
from tests.e2e.processes import BotProcess, subprocess_database_url, wait_for_step


@pytest.fixture
def bot_env(emulator_thread: EmulatorThread, database_url: tuple[str, str | None], tmp_path: Path) -> dict[str, str]:
    url, schema = database_url
    return {**os.environ, "BOT_TOKEN": TEST_TOKEN, "BOT_API_BASE_URL": emulator_thread.base_url,
            "DATABASE_URL": subprocess_database_url(url, schema), "SAIMA_CONFIG": str(tmp_path / "absent.toml")}


async def test_a_member_mid_join_continues_after_the_bot_is_killed(
    emulator_thread: EmulatorThread, db: Database, bot_env: dict[str, str], processes: list[BotProcess],
    tmp_path: Path,
) -> None:
    async with ControlClient(emulator_thread.control_url, default_timeout=30) as control:
        await control.reset()
        await control.register_bot(int(TEST_TOKEN.split(":")[0]), username="saima_test_bot")
        with db.session() as session:
            code = onboarding.create_team(session, name="市政府党组", admin_telegram_id=1, group_chat_id=None,
                                          config=Config(), now=datetime.now(UTC)).invite.code
        wang = control.user(1003, "王五")

        processes.append(BotProcess("run", bot_env, tmp_path))
        asked = await wang.send("/join")
        assert asked.text == "请发送邀请码（例如 Ab3dE9kQ2x），或发送 /cancel 取消。"
        assert wait_for_step(db, "join") == "awaiting_code"

        processes[0].kill()
        processes.append(BotProcess("run", bot_env, tmp_path))

        welcome = await wang.send(code)
        assert welcome.text == "欢迎 王五！您已作为成员加入「市政府党组」。发送 /help 查看可用功能。"
        sent_by_bot = [m.body for m in await wang.bot_messages()]
        assert sent_by_bot.count(asked.text) == 1  # the question was not asked again after the restart
