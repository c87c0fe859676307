"""A bot killed with SIGKILL in the middle of a conversation carries on at the same step.

The bot runs as a real process (`python bot.py run`) against the emulator; conversation state is
written through to the database, so the replacement process finds it there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from emulator import EmulatorThread
from harness import TEST_TOKEN
from storage.db import Database
from storage.models import PersistedState
from tests.e2e.processes import (
    BotProcess,
    city_team,
    emulator_for_processes,
    subprocess_database_url,
    wait_for_step,
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
        assert wait_for_step(db, "join") == "awaiting_code"

        processes[0].kill()
        processes.append(BotProcess("run", bot_env, tmp_path))

        welcome = await wang.send(code)
        assert welcome.text == "欢迎王五！您已作为成员加入「市政府党组」。发送 /help 查看可用功能。"
        sent_by_bot = [m.body for m in await wang.bot_messages()]
        assert sent_by_bot.count(asked.text) == 1  # the question was not asked again after the restart


async def test_a_draft_persisted_by_the_release_before_carries_on_at_its_step_after_the_upgrade(
    emulator_thread: EmulatorThread, db: Database, bot_env: dict[str, str], processes: list[BotProcess],
    tmp_path: Path,
) -> None:
    """The release before kept a form's step in PTB's conversation rows (`conversation:forms`), not in the
    draft: migration 0008 moves it into the draft, and the draft goes on where it was (choosing a field)."""
    async with emulator_for_processes(emulator_thread.control_url) as control:
        code = city_team(db)
        wang = control.user(1003, "王五")
        processes.append(BotProcess("run", bot_env, tmp_path))
        await wang.send(f"/start {code}")
        card = await wang.send("/study 昨天 集体学习 2小时 条例")
        await wang.press(card, "修改", expect=1)
        assert wait_for_step(db, "form") == "choosing_field"
        processes[0].kill()

        db.downgrade("0007")  # the release before: the step in a conversation row, the draft without it
        with db.session() as session:
            legacy = session.scalars(select(PersistedState).where(PersistedState.scope.like("conversation:%"))).all()
            assert [(row.scope, row.key, row.data) for row in legacy] == [
                ("conversation:forms", "[1003, 1003]", "choosing_field")]
            user = session.get(PersistedState, ("user", "1003"))
            assert user is not None
            user.data = {**user.data, "form": {k: v for k, v in user.data["form"].items() if k != "step"}}

        processes.append(BotProcess("run", bot_env, tmp_path))  # upgrades the database as it starts
        fields = (await wang.bot_messages())[-1]
        assert fields.labels == ["日期", "类型", "时长", "主题", "返回"]
        assert (await wang.press(fields, "时长", expect=2))[-1].text.startswith("学习了多长时间？")
        new_card = await wang.send("3")
        assert "时长：3 小时" in new_card.text
        with db.session() as session:
            assert session.scalars(select(PersistedState.scope).where(
                PersistedState.scope.like("conversation:%"))).all() == []
