"""The command line: creating a team prints its invite; running without a token explains how to get one, then
starts the playground."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import delete, func, select

from core.domain import Duty, Language, MemberStatus, Role
from emulator import EmulatorThread
from harness import TEST_TOKEN
from storage import members, teams, totals, trips
from storage.db import MIGRATIONS_DIR, Database
from storage.models import AuditEntry, MonthTotal

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "bot.py"), *args], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorThread]:
    with EmulatorThread(bot_username="saima_cli_bot") as running:
        yield running


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "BOT_API_BASE_URL", "DATABASE_URL")}
    return {**clean, "SAIMA_CONFIG": str(tmp_path / "config.toml"), "DATABASE_URL": f"sqlite:///{tmp_path}/saima.db"}


def test_team_create_prints_one_json_object_with_the_invite(
    emulator: EmulatorThread, env: dict[str, str], tmp_path: Path
) -> None:
    env = {**env, "BOT_TOKEN": TEST_TOKEN, "BOT_API_BASE_URL": emulator.base_url}
    done = run_cli("team", "create", "省政府党组", "--admin", "123456789", "--group", "-1001", "--json", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    created = json.loads(done.stdout)
    assert created["team_id"] == 1 and created["name"] == "省政府党组"
    assert created["invite_link"] == f"https://t.me/saima_cli_bot?start={created['invite_code']}"

    listed = json.loads(run_cli("team", "list", "--json", env=env, cwd=tmp_path).stdout)
    assert listed == [{"team_id": 1, "name": "省政府党组", "group_chat_id": -1001, "members": 1}]


def test_team_create_without_json_is_friendly_text(tmp_path: Path, env: dict[str, str]) -> None:
    (tmp_path / "config.toml").write_text('[telegram]\nbot_username = "saima_gov_bot"\n', encoding="utf-8")
    done = run_cli("team", "create", "市政府党组", "--admin", "42", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Team “市政府党组” created (id 1)" in done.stdout
    assert "https://t.me/saima_gov_bot?start=" in done.stdout and "/join " in done.stdout


def test_team_invite_makes_a_single_use_link(tmp_path: Path, env: dict[str, str]) -> None:
    (tmp_path / "config.toml").write_text('[telegram]\nbot_username = "saima_gov_bot"\n', encoding="utf-8")
    run_cli("team", "create", "市政府党组", "--admin", "42", env=env, cwd=tmp_path)
    invite = json.loads(run_cli("team", "invite", "1", "--once", "--json", env=env, cwd=tmp_path).stdout)
    assert invite["invite_link"].startswith("https://t.me/saima_gov_bot?start=")
    assert run_cli("team", "invite", "99", env=env, cwd=tmp_path).returncode == 1


def test_team_member_sets_took_office_left_office_and_the_race(tmp_path: Path, env: dict[str, str]) -> None:
    """The office (created by team create --admin) does not race; `team member` sets 任职日期 / 离任日期 and
    who races, audited; a member who leaves before taking office is refused."""
    from sqlalchemy import create_engine, text

    (tmp_path / "config.toml").write_text('[telegram]\nbot_username = "saima_gov_bot"\n', encoding="utf-8")
    run_cli("team", "create", "市政府党组", "--admin", "42", env=env, cwd=tmp_path)
    engine = create_engine(env["DATABASE_URL"])
    with engine.connect() as connection:
        assert connection.execute(text("SELECT races FROM members WHERE telegram_user_id = 42")).scalar() in (0, False)

    done = run_cli("team", "member", "1", "42", "--from", "2026-07-01", "--until", "2026-10-31", "--races", "yes",
                   "--json", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"team_id": 1, "telegram_id": 42, "name": "42", "took_office_on": "2026-07-01",
                                       "left_office_on": "2026-10-31", "races": True}
    done = run_cli("team", "member", "1", "42", "--until", "none", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "from 2026-07-01 until the end of the year; in the race." in done.stdout
    refused = run_cli("team", "member", "1", "42", "--until", "2026-06-30", env=env, cwd=tmp_path)
    assert refused.returncode == 1 and "before" in refused.stderr
    assert run_cli("team", "member", "1", "43", "--from", "2026-07-01", env=env, cwd=tmp_path).returncode == 1
    with engine.connect() as connection:
        row = connection.execute(text("SELECT took_office_on, left_office_on, races FROM members")).one()
        actions = connection.execute(text("SELECT action FROM audit_log WHERE entity = 'member' ORDER BY id")).scalars()
        assert [str(v) for v in row] in (["2026-07-01", "None", "1"], ["2026-07-01", "None", "True"])
        assert list(actions) == ["office_dates", "races", "office_dates"]
    engine.dispose()


def test_run_without_a_token_explains_botfather_then_starts_the_playground_until_ctrl_c(
    tmp_path: Path, env: dict[str, str]
) -> None:
    """No "make: *** Error 2": how to get a token, then the playground (its page answers) on a temporary file;
    Ctrl-C stops it with status 0, its temporary folder gone and the configured database never created."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    process = subprocess.Popen([sys.executable, str(ROOT / "bot.py"), "run"], cwd=tmp_path, text=True,
                               env={**env, "TMPDIR": str(temporary), "SAIMA_PLAYGROUND_PORT": "0"},
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert process.stdout is not None
        url = ""
        for line in process.stdout:  # ends (and the assertion below fails) if the process exits instead
            if line.startswith("Playground: open "):
                url = line.split()[2]
                break
        assert url.startswith("http://127.0.0.1:"), "the playground did not print its address"
        assert [p.name for p in temporary.glob("saima-playground-*/playground.db")] != []
        state = httpx.get(url + "api/state", timeout=10).json()
        assert [v["name"] for v in state["views"]] == ["李主任", "张明", "王芳", "省政府党组工作群"]
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert "@BotFather" in err and "/newbot" in err and "config.toml" in err and "BOT_TOKEN" in err
    assert "Playground stopped." in out
    assert list(temporary.glob("saima-playground-*")) == []
    assert not (tmp_path / "saima.db").exists()  # the configured database (DATABASE_URL) is never touched


def test_the_playground_says_so_when_its_port_is_taken_or_not_a_port(tmp_path: Path, env: dict[str, str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_cli("run", env={**env, "SAIMA_PLAYGROUND_PORT": str(port)}, cwd=tmp_path)
    assert done.returncode == 1
    assert f"The playground could not start its page on 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr
    done = run_cli("run", env={**env, "SAIMA_PLAYGROUND_PORT": "eighty"}, cwd=tmp_path)
    assert done.returncode == 2 and "SAIMA_PLAYGROUND_PORT must be a port number" in done.stderr


def test_deliver_without_a_token_still_explains_botfather_and_exits_non_zero(
    tmp_path: Path, env: dict[str, str]
) -> None:
    done = run_cli("deliver", env=env, cwd=tmp_path)
    assert done.returncode == 2
    assert "@BotFather" in done.stderr and "playground" not in done.stderr


def test_a_misspelt_setting_stops_start_up_naming_key_and_file(tmp_path: Path, env: dict[str, str]) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[telegram]\ntokne = "1:x"\n', encoding="utf-8")
    done = run_cli("run", env=env, cwd=tmp_path)
    assert done.returncode == 2
    assert f"{config}: unknown key 'telegram.tokne' (did you mean 'telegram.token'?)" in done.stderr


def test_db_upgrade_creates_the_database(tmp_path: Path, env: dict[str, str]) -> None:
    done = run_cli("db", "upgrade", env=env, cwd=tmp_path)
    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    assert done.returncode == 0 and f"revision {head}" in done.stdout
    assert (tmp_path / "saima.db").exists()


def test_db_rebuild_totals_recounts_the_month_totals_from_the_records(tmp_path: Path, env: dict[str, str]) -> None:
    assert run_cli("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    db = Database.from_url(env["DATABASE_URL"])
    now = datetime(2026, 11, 21, 2, tzinfo=UTC)
    with db.session() as session:
        team = teams.create(session, name="党组", timezone="Asia/Shanghai", language=Language.ZH,
                            show_names_in_race=True, group_chat_id=None, now=now)
        member = members.add(session, team=team, telegram_user_id=1001, display_name="张三", username=None,
                             role=Role.MEMBER, status=MemberStatus.ACTIVE, now=now, joined_on=date(2026, 1, 1))
        trips.log_trip(session, member=member, start=date(2026, 10, 30), end=date(2026, 11, 2), places="淳安县",
                       topic="调研", research_topic_id=None, now=now)
        team_id = team.id
    with db.session() as session:  # as a bulk load that bypassed the session leaves them
        kept = totals.stored(session.connection(), team_id)
        session.execute(delete(MonthTotal).execution_options(synchronize_session=False))
    assert kept == {(member.id, date(2026, 10, 1)): {Duty.RESEARCH_DAYS: 2},
                    (member.id, date(2026, 11, 1)): {Duty.RESEARCH_DAYS: 2}}

    done = run_cli("db", "rebuild-totals", env=env, cwd=tmp_path)
    assert done.returncode == 0 and "2 rows" in done.stdout, done.stderr
    with db.session() as session:
        assert totals.stored(session.connection(), team_id) == kept
    db.dispose()


def test_team_topic_stage_shows_and_sets_when_key_topics_count_and_recounts_them(
        tmp_path: Path, env: dict[str, str]) -> None:
    """A team counts key topics at the configured stage when it is made ([race] topic_counts_at); the office
    changes it with `team topic-stage`, and every topic's day and the month totals follow."""
    (tmp_path / "config.toml").write_text('[telegram]\nbot_username = "saima_gov_bot"\n\n[race]\n'
                                          'topic_counts_at = "registered"\n', encoding="utf-8")
    assert run_cli("team", "create", "市政府党组", "--admin", "42", env=env, cwd=tmp_path).returncode == 0
    db = Database.from_url(env["DATABASE_URL"])
    now = datetime(2026, 3, 2, 2, tzinfo=UTC)
    with db.session() as session:
        team = teams.one(session, 1)
        member = members.add(session, team=team, telegram_user_id=1001, display_name="张三", username=None,
                             role=Role.MEMBER, status=MemberStatus.ACTIVE, now=now, joined_on=date(2026, 1, 1))
        trips.add_key_topic(session, member=member, year=2026, title="山区共富", now=now)
        member_id = member.id
    with db.session() as session:
        assert totals.stored(session.connection(), 1) == {(member_id, date(2026, 3, 1)): {Duty.KEY_RESEARCH_TOPICS: 1}}

    shown = run_cli("team", "topic-stage", "1", "--json", env=env, cwd=tmp_path)
    assert json.loads(shown.stdout) == {"team_id": 1, "topic_counts_at": "registered", "topics_moved": 0}
    done = run_cli("team", "topic-stage", "1", "report", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ("Team 1: key research topics count at the stage 'report' "
                                   "(1 topics now count on another day).")
    with db.session() as session:
        assert totals.stored(session.connection(), 1) == {}  # registered, not reported: it no longer counts
        assert session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action == "topic_counting_stage")) == 1
    assert run_cli("team", "topic-stage", "9", "report", env=env, cwd=tmp_path).returncode == 1
    assert run_cli("team", "topic-stage", "1", "finished", env=env, cwd=tmp_path).returncode == 2
    db.dispose()


def test_team_lookback_sets_the_teams_interval_or_takes_the_configs_again(tmp_path: Path, env: dict[str, str]) -> None:
    """`team lookback` stores the team's own 回头看 interval (audited); `default` takes the config's; a bad number
    or an unknown team is refused."""
    from sqlalchemy import create_engine, text

    (tmp_path / "config.toml").write_text('[telegram]\nbot_username = "saima_gov_bot"\n[lookback]\nafter_months = 4\n',
                                           encoding="utf-8")
    run_cli("team", "create", "市政府党组", "--admin", "42", env=env, cwd=tmp_path)
    done = run_cli("team", "lookback", "1", "6", "--json", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"team_id": 1, "name": "市政府党组", "after_months": 6, "rescheduled": 0}
    done = run_cli("team", "lookback", "1", "default", env=env, cwd=tmp_path)
    assert done.returncode == 0 and "after 4 months" in done.stdout
    for bad in ("0", "25", "三", "-1"):
        refused = run_cli("team", "lookback", "1", bad, env=env, cwd=tmp_path)
        assert refused.returncode == 1 and "1–24" in refused.stderr
    assert run_cli("team", "lookback", "2", "6", env=env, cwd=tmp_path).returncode == 1
    engine = create_engine(env["DATABASE_URL"])
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM audit_log WHERE action = 'lookback_months'")).scalar() == 2


def test_team_duty_adds_lists_and_retires_the_teams_own_duties(tmp_path: Path, env: dict[str, str]) -> None:
    """`team duty` does what the office's /duty does (audited); a bad duty or an unknown team is refused."""
    from sqlalchemy import create_engine, text

    (tmp_path / "config.toml").write_text('[telegram]\nbot_username = "saima_gov_bot"\n', encoding="utf-8")
    run_cli("team", "create", "市政府党组", "--admin", "42", env=env, cwd=tmp_path)
    assert run_cli("team", "duty", "1", env=env, cwd=tmp_path).stdout == "Team 1 has the six built-in duties only.\n"
    done = run_cli("team", "duty", "1", "接访下访", "天", "12", "5", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "接访下访: 12 天 a year, weight 5\n"
    run_cli("team", "duty", "1", "第一议题", "次", "24", "2.5", env=env, cwd=tmp_path)
    done = run_cli("team", "duty", "1", "retire", "接访下访", "--json", env=env, cwd=tmp_path)
    assert json.loads(done.stdout) == [{"name": "第一议题", "unit": "次", "yearly_target": "24", "weight": "2.5"}]
    for bad in (["集体学习", "次", "6", "5"], ["接访下访", "天", "0", "5"], ["接访下访", "天"]):
        refused = run_cli("team", "duty", "1", *bad, env=env, cwd=tmp_path)
        assert refused.returncode == 1 and "NAME UNIT TARGET WEIGHT" in refused.stderr
    assert run_cli("team", "duty", "1", "retire", "接访下访", env=env, cwd=tmp_path).returncode == 1
    assert run_cli("team", "duty", "2", env=env, cwd=tmp_path).returncode == 1
    engine = create_engine(env["DATABASE_URL"])
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM audit_log WHERE entity = 'team_duty'")).scalar() == 3
