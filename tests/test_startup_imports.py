"""A sub-second start (issue 13): `bot.py run` up to its Application, on a migrated database in polling
mode, loads none of the heavy libraries that only some paths need (nor SQLAlchemy's PostgreSQL dialect). Each check runs in a fresh
interpreter, since this test process has them all loaded already."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from storage import updates
from storage.db import Database, head_revision

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("openpyxl", "numpy", "matplotlib", "alembic", "aiohttp", "psycopg", "sqlalchemy.dialects.postgresql")

# bot.py run's path on SQLite, polling: configuration, the database (upgraded to head), the lease, the
# Application with every handler; then which of HEAVY are loaded.
RUN_PATH = """
import json, sys
import bot, serving
from config import load_config
from storage import leader
from storage.db import Database

config = load_config(environ={"SAIMA_CONFIG": sys.argv[1], "BOT_TOKEN": "123:abc", "DATABASE_URL": sys.argv[2]})
db = Database.from_url(config.database.url)
lease = leader.lease_for(config.database.url, "123")
db.upgrade()
bot.build_application(config, db)
heavy = json.loads(sys.argv[3])
print(json.dumps(sorted(name for name in sys.modules if any(name == h or name.startswith(h + ".") for h in heavy))))
"""


def loaded_on_the_run_path(tmp_path: Path, url: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", RUN_PATH, str(tmp_path / "absent.toml"), url, json.dumps(HEAVY)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return list(json.loads(result.stdout.strip().splitlines()[-1]))


def test_importing_the_bot_loads_no_heavy_library() -> None:
    code = f"import json, sys, bot, serving; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_a_restart_on_a_migrated_database_loads_no_heavy_library(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'saima.db'}"
    Database.from_url(url).upgrade()  # the first start migrates (Alembic then, in that process)
    assert loaded_on_the_run_path(tmp_path, url) == []


def test_the_first_start_still_migrates_with_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'saima.db'}"
    loaded = loaded_on_the_run_path(tmp_path, url)
    assert "alembic" in loaded and not {"openpyxl", "aiohttp", "matplotlib", "psycopg"} & set(loaded)
    assert Database.from_url(url).current_revision() == head_revision()


def test_the_head_read_from_the_files_is_alembics() -> None:
    from alembic.script import ScriptDirectory

    from storage.db import alembic_config

    assert head_revision() is not None
    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_at_head_only_at_the_head(tmp_path: Path) -> None:
    db = Database.from_url(f"sqlite:///{tmp_path / 'saima.db'}")
    assert not db.at_head()  # no alembic_version table yet
    db.upgrade()
    assert db.at_head()
    db.downgrade("-1")
    assert not db.at_head()
    db.upgrade()  # an older database is still migrated by a plain upgrade()
    assert db.at_head() and db.current_revision() == head_revision()


@pytest.mark.parametrize("source, expected", [
    ("revision: str = 'b'\ndown_revision: str | None = 'a'\n", "b"),
    ("revision = \"b\"\ndown_revision = 'a'\n", "b"),
    ("revision = 'b'\ndown_revision = ('a', 'x')\n", None),  # a merge: Alembic decides
    ("revision = 'c'\ndown_revision = 'a'\n", None),  # two heads (b and c)
])
def test_head_revision_reads_plain_lines_only(tmp_path: Path, source: str, expected: str | None) -> None:
    (tmp_path / "0001_a.py").write_text("revision = 'a'\ndown_revision = None\n", encoding="utf-8")
    (tmp_path / "0002_b.py").write_text("revision = 'b'\ndown_revision = 'a'\n", encoding="utf-8")
    (tmp_path / "0003_x.py").write_text(source, encoding="utf-8")
    assert head_revision(tmp_path) == expected


# What the start reads before its first getUpdates besides the migration check: the persistence's data
# and the last update handled; then whether the ORM's mappers were configured by it (bot.py's warm-up
# does that once the bot has started, off the event loop).
START_READS = """
import asyncio, json, sys
from core.clock import SystemClock
from storage import updates
from storage.db import Database
from storage.models import Member
from storage.persistence import DatabasePersistence

db = Database.from_url(sys.argv[1])
persistence = DatabasePersistence(db, SystemClock())
loaded = [asyncio.run(persistence.get_user_data()), asyncio.run(persistence.get_chat_data()),
          asyncio.run(persistence.get_bot_data())]
with db.session() as session:
    last = updates.last_handled(session, "123")
print(json.dumps({"configured": Member.__mapper__.configured, "last": last and last.update_id, "loaded": loaded}))
"""


def test_the_start_reads_without_configuring_the_mappers(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from sqlalchemy.orm import configure_mappers

    url = f"sqlite:///{tmp_path / 'saima.db'}"
    db = Database.from_url(url)
    db.upgrade()
    with db.session() as session:
        updates.mark(session, "123", 41, datetime.now(UTC))
    result = subprocess.run([sys.executable, "-c", START_READS, url], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"configured": False, "last": 41, "loaded": [{}, {}, {}]}
    configure_mappers()  # what the warm-up does: the mappers still configure (a bad relationship would raise)
    db.dispose()
