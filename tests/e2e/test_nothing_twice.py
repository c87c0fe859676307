"""Nothing twice, nothing lost (issue 11), with `bot.py run` as a real process against the emulator, its
clock in a file (SAIMA_CLOCK_FILE), on SQLite and PostgreSQL:

- a draft's Confirm pressed again after a kill that came before the draft was closed (its state as it was
  before the first press) makes nothing new: the first press consumed the draft's token in the same
  transaction as the record, and the second finds it;
- a kill right after the bot asked the next step's question loses nothing: the step's state was durable
  before the question was sent, so the next answer is read as that step's;
- an update delivered twice (a webhook answer that did not reach Telegram, a poller that saw it again) is
  handled once: the second changes nothing and sends nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator, Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, func, select
from telegram import Update

from config import Config
from core.domain import Language, MemberStatus, Role
from emulator import ControlClient, EmulatorThread
from emulator.sim import BotMessage, SimUser
from harness import TEST_TOKEN
from storage import members, onboarding, updates
from storage.db import Database
from storage.models import (
    Broadcast,
    Confirmation,
    Invite,
    Member,
    OutboxMessage,
    PersistedState,
    ResearchTrip,
    StudyAttendance,
    Task,
    TaskAssignment,
)
from tests.conftest import SHANGHAI
from tests.e2e.conftest import ADMIN_ID, Saima
from tests.e2e.helpers import owner_and_member
from tests.e2e.processes import SECRET, BotProcess, emulator_for_processes, free_port, subprocess_database_url

pytestmark = pytest.mark.timeout(120)

OWNER = 900
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def clock_file(tmp_path: Path) -> Path:
    path = tmp_path / "clock"
    path.write_text(MONDAY.isoformat(), encoding="utf-8")
    return path


@pytest.fixture
def bot_env(emulator_thread: EmulatorThread, database_url: tuple[str, str | None], tmp_path: Path,
            clock_file: Path) -> dict[str, str]:
    url, schema = database_url
    return {**os.environ, "BOT_TOKEN": TEST_TOKEN, "BOT_API_BASE_URL": emulator_thread.base_url,
            "DATABASE_URL": subprocess_database_url(url, schema), "SAIMA_CONFIG": str(tmp_path / "absent.toml"),
            "SAIMA_CLOCK_FILE": str(clock_file)}


def populate(db: Database, language: Language) -> None:
    """A team: its owner (the office, an admin) and two members, all active, in `language`."""
    with db.session() as session:
        new = onboarding.create_team(session, name="省政府党组", admin_telegram_id=OWNER, group_chat_id=None,
                                     config=Config(), now=MONDAY)
        new.owner.status = MemberStatus.ACTIVE
        new.owner.display_name = "李主任"
        new.owner.language = language
        for uid, name in ((1001, "张三"), (1002, "王五")):
            member = members.add(session, team=new.team, telegram_user_id=uid, display_name=name, username=None,
                                 role=Role.MEMBER, status=MemberStatus.ACTIVE, now=MONDAY, joined_on=date(2026, 1, 1))
            member.language = language


class Running:
    """The team of `populate` with the bot running as a process (`bot.py run`): the emulator's control
    client, the team's people, and the process, which a test kills and starts again."""

    def __init__(self, control: ControlClient, start: Callable[[], BotProcess]) -> None:
        self.control = control
        self.owner, self.zhang, self.wang = (control.user(OWNER, "李主任"), control.user(1001, "张三"),
                                             control.user(1002, "王五"))
        self._start = start
        self.process = start()

    def kill(self) -> None:
        self.process.kill()

    def start_again(self) -> None:
        self.process = self._start()


TeamAndBot = Callable[[Language], contextlib.AbstractAsyncContextManager[Running]]


@pytest.fixture
def team_and_bot(emulator_thread: EmulatorThread, db: Database, bot_env: dict[str, str],
                 processes: list[BotProcess], tmp_path: Path) -> TeamAndBot:
    """`async with team_and_bot(language) as running`: the team of `populate` in `language`, the emulator
    emptied, and the bot running as a process on the test's database and clock (stopped after the test)."""
    def start() -> BotProcess:
        processes.append(BotProcess("run", bot_env, tmp_path))
        return processes[-1]

    @contextlib.asynccontextmanager
    async def running(language: Language) -> AsyncIterator[Running]:
        populate(db, language)
        async with emulator_for_processes(emulator_thread.control_url) as control:
            yield Running(control, start)
    return running


def until(check: Callable[[], Any], what: str, seconds: float = 15) -> Any:
    """Polls `check` until it returns something true (a real process writes when it writes)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError(f"not within {seconds} s: {what}")


def persisted(db: Database) -> list[tuple[str, str, Any]]:
    with db.session() as session:
        return [(r.scope, r.key, r.data) for r in session.scalars(select(PersistedState))]


def restore(db: Database, rows: list[tuple[str, str, Any]]) -> None:
    """Puts the conversation state and user data back as they were: what a kill loses before it is written.
    The mark of the last update handled stays as it is: it commits with the record the update made
    (storage/updates.py), so a kill that kept the record kept it too."""
    with db.session() as session:
        session.execute(delete(PersistedState).where(PersistedState.scope != updates.SCOPE))
        session.add_all(PersistedState(scope=scope, key=key, data=data, updated_at=MONDAY)
                        for scope, key, data in rows if scope != updates.SCOPE)


def count(db: Database, model: Any) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def form_step(db: Database) -> Any:
    with db.session() as session:
        data = session.scalar(select(PersistedState.data).where(PersistedState.scope == "user",
                                                                PersistedState.key == str(OWNER)))
    return (data or {}).get("form", {}).get("step")


async def _choose(user: SimUser, message: BotMessage, label: str) -> BotMessage:
    replies = await user.press(message, label, expect=2)
    assert isinstance(replies, list)
    return replies[-1]


async def test_a_task_confirmed_again_after_a_kill_that_lost_the_closed_draft_is_made_once(
        team_and_bot: TeamAndBot, db: Database) -> None:
    async with team_and_bot(Language.ZH) as running:
        admin = running.owner
        asked = await admin.send("/task 整改台账 下周一上午9点")
        who = await _choose(admin, asked, "无具体要求")
        attach = await _choose(admin, who, "全体成员")
        card = await _choose(admin, attach, "无附件")
        assert "承办人：全体成员，共 2 人：张三、王五" in card.text
        until(lambda: form_step(db) == "confirming", "the card's step written")
        before_confirm = persisted(db)

        saved = await admin.press(card, "确认")
        assert "已交办给 2 人" in saved.text
        made = (count(db, Task), count(db, TaskAssignment), count(db, OutboxMessage))
        assert made[:2] == (1, 2)

        running.kill()
        restore(db, before_confirm)  # the kill came before the closed draft was written
        running.start_again()
        again = await admin.press_data(card, card.button("确认")[1] or "", expect=1)
        assert isinstance(again, BotMessage)
        assert again.text.startswith("✅ 已保存过：这份草稿已保存一次，没有再保存新的记录。")
        assert (count(db, Task), count(db, TaskAssignment), count(db, OutboxMessage)) == made
        assert count(db, Confirmation) == 1


def broadcast_step(db: Database) -> Any:
    with db.session() as session:
        data = session.scalar(select(PersistedState.data).where(PersistedState.scope == "user",
                                                                PersistedState.key == str(OWNER)))
    return (data or {}).get("broadcast", {}).get("step")


async def test_a_broadcast_confirmed_again_after_a_kill_that_lost_the_closed_draft_is_sent_once(
        team_and_bot: TeamAndBot, db: Database) -> None:
    async with team_and_bot(Language.EN) as running:
        team = [running.zhang, running.wang]
        for member in team:
            await member.send("/start")  # they have opened the bot: reachable
        admin = running.owner
        audience = await admin.send("/broadcast Please send your Q4 summaries to the office by Friday.")
        when = (await admin.press(audience, "Everyone", expect=2))[-1]
        _, _preview, card = await admin.press(when, "Send now", expect=3)
        assert card.labels == ["Confirm", "Edit", "Cancel"]
        until(lambda: broadcast_step(db) == "preview", "the preview's step written")
        before_confirm = persisted(db)

        report = await admin.press(card, "Confirm")
        assert report.message_id == card.message_id and "2 recipients" in report.text
        made = (count(db, Broadcast), count(db, OutboxMessage))
        assert made == (1, 2)

        running.kill()
        restore(db, before_confirm)  # the kill came before the closed draft was written
        running.start_again()
        again = await admin.press_data(card, card.button("Confirm")[1] or "", expect=1)
        assert isinstance(again, BotMessage)
        assert again.message_id == card.message_id
        assert again.text.endswith("Already confirmed: this broadcast was made once. Nothing new was sent.")
        assert "2 recipients" in again.text  # the card is the first press's delivery report again
        assert (count(db, Broadcast), count(db, OutboxMessage)) == made
        for member in team:
            got = await member.receive(timeout=20)
            assert got.text is not None and got.text.endswith("Please send your Q4 summaries to the office by Friday.")
        assert count(db, OutboxMessage) == 2


async def test_confirm_tapped_twice_then_a_kill_before_the_card_changed_sends_the_broadcast_once(
        team_and_bot: TeamAndBot, db: Database) -> None:
    """The issue's own steps: both presses reach Telegram, the first makes the broadcast and the bot is
    killed while its card edit is on the way; the restarted bot is given the second press."""
    async with team_and_bot(Language.ZH) as running:
        team = [running.zhang, running.wang]
        for member in team:
            await member.send("/start")
        admin = running.owner
        audience = await admin.send("/broadcast 周一上午9点在三楼会议室召开党组会，请准时参加。")
        when = (await admin.press(audience, "全体成员", expect=2))[-1]
        _, _preview, card = await admin.press(when, "立即发送", expect=3)
        confirm = card.button("确认")[1] or ""
        await running.control.add_fault("timeout", method="editMessageText", delay=60, count=1, apply=True)
        await admin.press_data(card, confirm)
        await admin.press_data(card, confirm)  # a double tap: both presses are with Telegram
        until(lambda: count(db, Broadcast) == 1, "the first press made the broadcast")

        async def card_edited() -> bool:
            shown = (await running.control.messages(OWNER))["messages"]
            return any(m["message_id"] == card.message_id and (m.get("text") or "").startswith("📊") for m in shown)

        deadline = time.monotonic() + 15
        while not await card_edited():  # the edit reached Telegram; its answer is held
            assert time.monotonic() < deadline, "the card was not edited within 15 s"
            await asyncio.sleep(0.02)
        running.kill()
        await running.control.clear_faults()

        running.start_again()
        await admin.callback_answer(timeout=30)  # the second press, handled by the new process
        assert (count(db, Broadcast), count(db, OutboxMessage)) == (1, 2)
        for member in team:
            got = await member.receive(timeout=20)
            assert got.text is not None and got.text.endswith("周一上午9点在三楼会议室召开党组会，请准时参加。")
        assert count(db, OutboxMessage) == 2


# --- an update delivered again --------------------------------------------------------------------


async def _deliver_again(saima: Saima, update_id: int) -> None:
    """The update exactly as Telegram sent it, given to the bot again the way its poller gives one."""
    sent = (await saima.control.updates(update_id=update_id))["updates"]
    assert [u["update_id"] for u in sent] == [update_id]
    application = saima.running.application
    await application.update_queue.put(Update.de_json(sent[0], application.bot))


async def _latest_update_id(saima: Saima) -> int:
    return int((await saima.control.updates())["updates"][-1]["update_id"])


async def _what_the_bot_did(saima: Saima, after: int) -> list[str]:
    return [e["method"] for e in (await saima.control.events(after))["events"] if e.get("method")]


async def test_an_attendance_tick_delivered_again_by_the_poller_is_not_undone(saima: Saima) -> None:
    admin, zhang = await owner_and_member(saima)
    roster = await admin.press(await admin.send("/session 11月18日下午 集体学习 3小时 二十届四中全会精神"), "确认")
    roster = await admin.press(roster, "张三")
    assert roster.labels == ["☐ 李主任", "✅ 张三", "完成"]
    tick = await _latest_update_id(saima)
    seq = (await saima.control.health())["seq"]

    await _deliver_again(saima, tick)
    helped = await admin.send("/help")  # handled after the one delivered again: updates go in order
    assert helped.text
    with saima.db.session() as session:
        assert list(session.scalars(select(Member.display_name).join(
            StudyAttendance, StudyAttendance.member_id == Member.id))) == ["张三"]
    assert await _what_the_bot_did(saima, seq) == ["sendMessage"]  # only /help's answer


async def test_an_invite_delivered_again_by_the_poller_makes_one_link(saima: Saima) -> None:
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    await admin.send("/lang en")
    link = await admin.send("/invite")
    assert "https://t.me/" in link.text
    invite = await _latest_update_id(saima)
    seq = (await saima.control.health())["seq"]

    await _deliver_again(saima, invite)
    assert (await admin.send("/help")).text
    assert count(saima.db, Invite) == 2  # the team's first link, and this one
    assert await _what_the_bot_did(saima, seq) == ["sendMessage"]


def _invite_update(update_id: int, user_id: int) -> dict[str, Any]:
    """What Telegram posts for /invite from `user_id` in their private chat."""
    person = {"id": user_id, "is_bot": False, "first_name": "李主任", "language_code": "zh-hans"}
    return {"update_id": update_id, "message": {
        "message_id": 1000 + update_id, "date": int(MONDAY.timestamp()),
        "chat": {"id": user_id, "type": "private", "first_name": "李主任"}, "from": person, "text": "/invite",
        "entities": [{"type": "bot_command", "offset": 0, "length": 7}]}}


async def test_an_invite_posted_twice_to_the_webhook_makes_one_link_even_after_a_restart(
    emulator_thread: EmulatorThread, db: Database, database_url: tuple[str, str | None], tmp_path: Path,
    clock_file: Path, processes: list[BotProcess],
) -> None:
    populate(db, Language.ZH)
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    config = tmp_path / "webhook.toml"
    config.write_text('[telegram]\nmode = "webhook"\n[telegram.webhook]\nlisten = "127.0.0.1"\n'
                      f'port = {port}\nurl = "{url}"\nsecret_token = "{SECRET}"\n', encoding="utf-8")
    env = {**os.environ, "BOT_TOKEN": TEST_TOKEN, "BOT_API_BASE_URL": emulator_thread.base_url,
           "DATABASE_URL": subprocess_database_url(*database_url), "SAIMA_CONFIG": str(config),
           "SAIMA_CLOCK_FILE": str(clock_file)}

    async def post(body: dict[str, Any]) -> int | None:
        try:
            async with httpx.AsyncClient(timeout=20) as client:
                return (await client.post(url, json=body, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
                        ).status_code
        except httpx.TransportError:
            return None  # not listening yet

    async def posted(body: dict[str, Any]) -> int:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            status = await post(body)
            if status not in (None, 503):  # listening, and active
                return status
            await asyncio.sleep(0.05)
        raise AssertionError("the webhook did not take the update within 30 s")

    async with emulator_for_processes(emulator_thread.control_url) as control:
        processes.append(BotProcess("run", env, tmp_path))
        owner = control.user(OWNER, "李主任")
        assert (await owner.send("/start")).text  # through the webhook, once the process is active
        body = _invite_update(int((await control.updates())["updates"][-1]["update_id"]) + 1, OWNER)
        assert await posted(body) == 200
        assert await posted(body) == 200  # Telegram did not get the first answer in time: sent again
        processes[0].kill()
        processes.append(BotProcess("run", env, tmp_path))
        assert await posted(body) == 200  # and again, to the next process
        assert count(db, Invite) == 2  # the team's first link, and this one
        answers = [m for m in (await control.messages(OWNER))["messages"] if "https://t.me/" in (m.get("text") or "")]
        assert len(answers) == 1


# --- a kill right after a step's question ----------------------------------------------------------


async def _killed_as_it_answers(running: Running, user: SimUser, text: str) -> BotMessage:
    """`user` sends `text`; the bot's answer reaches Telegram, but the bot hears nothing back until after it
    is killed, and a new process is started. The answer."""
    await running.control.add_fault("timeout", method="sendMessage", delay=60, count=1, apply=True)
    answer = await user.send(text)
    running.kill()
    await running.control.clear_faults()
    running.start_again()
    return answer


async def test_a_kill_right_after_the_dates_step_is_answered_loses_nothing(
        team_and_bot: TeamAndBot) -> None:
    async with team_and_bot(Language.ZH) as running:
        assert (await running.zhang.send("/trip")).text.startswith("哪天去调研的？")
        asked = await _killed_as_it_answers(running, running.zhang, "11月5日至8日")
        assert asked.text.startswith("去了哪里调研？")
        assert (await running.zhang.send("淳安县")).text.startswith("调研主题是什么？")  # the place, not a date
        card = await running.zhang.send("山区共富调研")
        assert "日期：2026年11月5日（星期四）至11月8日（星期日），共 4 天" in card.text
        assert "地点：淳安县" in card.text


async def test_a_kill_right_after_the_card_is_shown_leaves_its_confirm_working(
        team_and_bot: TeamAndBot, db: Database) -> None:
    async with team_and_bot(Language.EN) as running:
        assert (await running.wang.send("/trip Nov 5-8 Chun'an")).text.startswith("What was the research about?")
        card = await _killed_as_it_answers(running, running.wang, "mountain prosperity")
        assert card.labels == ["Confirm", "Edit", "Cancel"]
        saved = await running.wang.press(card, "Confirm")
        assert saved.text.startswith("✅ Saved.")
        with db.session() as session:
            assert session.scalar(select(func.count()).select_from(ResearchTrip)) == 1
