"""End-to-end fixtures: the emulator in a background thread, and Saima's real Application polling it
over HTTP with a database on each backend and a fixed clock; bot processes stopped after each test, and
the PostgreSQL schema alone for the tests that run only there. Helpers are in helpers.py and processes.py."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest

from config import Config, ThrottleSettings
from core.clock import ManualClock
from emulator import ControlClient, EmulatorThread
from harness import RunningBot, config_for
from storage import onboarding
from storage.db import Database
from tests.conftest import POSTGRES_URL, empty_postgres, require_postgres
from tests.e2e.processes import BotProcess, Network, postgres_address

ADMIN_ID = 900001
BOT_USERNAME = "saima_test_bot"


@pytest.fixture(scope="session")
def emulator_thread() -> Iterator[EmulatorThread]:
    with EmulatorThread(bot_username=BOT_USERNAME) as emulator:
        yield emulator


@dataclass
class Saima:
    """The bot under test and what a test needs around it."""

    running: RunningBot
    control: ControlClient
    db: Database
    clock: ManualClock
    config: Config
    team_id: int
    invite_code: str


async def fresh_team(emulator: EmulatorThread, db: Database, config: Config, clock: ManualClock,
                     group_chat_id: int | None = None) -> tuple[int, str]:
    """Empties the emulator and creates the team 省政府党组 (owner ADMIN_ID): its id and invite code."""
    async with ControlClient(emulator.control_url) as control:
        await control.reset()
    with db.session() as session:
        new = onboarding.create_team(session, name="省政府党组", admin_telegram_id=ADMIN_ID,
                                     group_chat_id=group_chat_id, config=config, now=clock.now())
        return new.team.id, new.invite.code


@pytest.fixture
def throttle_settings() -> ThrottleSettings:
    """The per-user throttle is off here: these tests drive a user faster than any person types, and a
    slow machine would throttle fewer of them than a fast one. tests/e2e/test_throttle.py turns it on."""
    return ThrottleSettings(enabled=False)


@pytest.fixture
async def saima(emulator_thread: EmulatorThread, db: Database, clock: ManualClock,
                throttle_settings: ThrottleSettings) -> AsyncIterator[Saima]:
    """Saima running against a freshly reset emulator, with one team created from the command line."""
    config = dataclasses.replace(config_for(emulator_thread.base_url), throttle=throttle_settings)
    team_id, code = await fresh_team(emulator_thread, db, config, clock)
    running = RunningBot(config, db, clock, control_url=emulator_thread.control_url, deliver_before_actions=True)
    async with running:
        yield Saima(running, running.control, db, clock, config, team_id, code)


@pytest.fixture
def processes() -> Iterator[list[BotProcess]]:
    """Bot processes a test starts (append them here): stopped after it, killed if they do not stop."""
    started: list[BotProcess] = []
    yield started
    for process in started:
        process.stop()


@pytest.fixture
async def network(processes: list[BotProcess]) -> AsyncIterator[Network]:
    """A relay between bot processes and PostgreSQL that the test cuts or takes down (processes.Network).
    The test's bot processes are stopped while the relay still carries their connections: stopped after
    it closed, an active one would keep its last writes waiting for the database (it loses nothing in an
    outage) until killed 15 s later."""
    async with Network(*postgres_address()) as relay:
        yield relay
        for process in processes:
            process.stop()


@pytest.fixture
def pg(postgres_schema: str) -> Iterator[Database]:
    """The run's PostgreSQL schema, empty, for tests of what only PostgreSQL does (advisory locks)."""
    require_postgres()
    db = Database.from_url(POSTGRES_URL, schema=postgres_schema)
    empty_postgres(db)
    yield db
    empty_postgres(db)
    db.dispose()
