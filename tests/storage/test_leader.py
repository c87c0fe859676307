"""Leader election: one holder of the lease per database and bot; a lost session cannot claim to hold it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from storage.leader import FileLease, NoLease, PostgresLease, lease_for
from tests.conftest import POSTGRES_URL, require_postgres


def test_sqlite_elects_on_a_lock_file_beside_the_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/data/saima.db"
    first, second = lease_for(url, "7000000001"), lease_for(url, "7000000001")
    assert isinstance(first, FileLease) and first.path == tmp_path / "data" / "saima.db.lock"
    assert first.try_acquire() and first.still_held()
    assert not second.try_acquire() and not second.still_held()
    first.release()
    assert not first.still_held()
    assert second.try_acquire()
    second.release()


def test_an_in_memory_database_needs_no_election() -> None:
    assert isinstance(lease_for("sqlite:///:memory:", "1"), NoLease)


@pytest.fixture
def leases() -> Iterator[list[PostgresLease]]:
    require_postgres()
    made: list[PostgresLease] = []
    yield made
    for lease in made:
        lease.release()


@pytest.mark.postgres
def test_one_postgres_session_holds_the_lock_per_bot_and_schema(postgres_schema: str,
                                                                 leases: list[PostgresLease]) -> None:
    def lease(bot: str, schema: str | None = postgres_schema) -> PostgresLease:
        made = lease_for(POSTGRES_URL, bot, schema=schema)
        assert isinstance(made, PostgresLease)
        leases.append(made)
        return made

    active, standby = lease("7000000001"), lease("7000000001")
    assert active.try_acquire() and active.still_held()
    assert not standby.try_acquire() and not standby.still_held()
    assert lease("7000000002").try_acquire()  # another bot on the same database
    assert lease("7000000001", schema="public").try_acquire()  # the same bot in another schema
    assert standby.key == active.key and postgres_schema in active.description
    active.release()
    assert standby.try_acquire()


@pytest.mark.postgres
def test_the_lock_session_asks_the_server_to_drop_it_within_about_10_s_of_silence(
    postgres_schema: str, leases: list[PostgresLease]
) -> None:
    lease = lease_for(POSTGRES_URL, "7000000001", schema=postgres_schema)
    assert isinstance(lease, PostgresLease)
    leases.append(lease)
    assert lease.try_acquire()
    assert lease.connection is not None
    settings = {name: lease.connection.execute(f"SHOW {name}").fetchone()[0]  # type: ignore[index]
                for name in ("tcp_keepalives_idle", "tcp_keepalives_interval", "tcp_keepalives_count",
                             "tcp_user_timeout")}
    # Over TCP (not a Unix socket) the server applies them: 4 s idle + 3 probes 2 s apart = 10 s;
    # unacknowledged data is given up on after 10,000 ms.
    assert settings == {"tcp_keepalives_idle": "4", "tcp_keepalives_interval": "2", "tcp_keepalives_count": "3",
                        "tcp_user_timeout": "10000"}


@pytest.mark.postgres
def test_a_lost_lock_session_is_not_taken_for_a_held_lock(postgres_schema: str,
                                                           leases: list[PostgresLease]) -> None:
    active = lease_for(POSTGRES_URL, "7000000001", schema=postgres_schema)
    standby = lease_for(POSTGRES_URL, "7000000001", schema=postgres_schema)
    assert isinstance(active, PostgresLease) and isinstance(standby, PostgresLease)
    leases += [active, standby]
    assert active.try_acquire()
    with psycopg.connect(POSTGRES_URL.replace("+psycopg", ""), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s, 5000)", (active.backend_pid,))  # waits for its end
    with pytest.raises(psycopg.OperationalError):
        active.still_held()
    assert not active.still_held()
    assert standby.try_acquire()
