"""The database connection itself: settings that decide how an unanswering server is met."""

from __future__ import annotations

import pytest

from storage.db import make_engine
from tests.conftest import POSTGRES_URL, require_postgres


@pytest.mark.postgres
def test_a_postgres_connection_gives_up_on_a_silent_server_instead_of_waiting_for_tcp(postgres_schema: str) -> None:
    require_postgres()
    engine = make_engine(POSTGRES_URL, schema=postgres_schema)
    try:
        with engine.connect() as connection:
            parameters = connection.connection.dbapi_connection.info.get_parameters()  # type: ignore[union-attr]
    finally:
        engine.dispose()
    assert parameters["connect_timeout"] == "10"
    assert (parameters["keepalives"], parameters["keepalives_idle"]) == ("1", "10")
    assert (parameters["keepalives_interval"], parameters["keepalives_count"]) == ("5", "3")
    assert f"search_path={postgres_schema}" in parameters["options"]
