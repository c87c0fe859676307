"""Persistence: what PTB hands over is in the database at once and comes back after a restart."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from core.clock import ManualClock
from storage.db import Database
from storage.models import PersistedState
from storage.persistence import DatabasePersistence, decode, encode


async def test_conversation_states_survive_a_restart(db: Database, clock: ManualClock) -> None:
    first = DatabasePersistence(db, clock)
    await first.update_conversation("log_trip", (1001, 1001), "ASK_PLACE")
    await first.update_conversation("log_trip", (2002, 2002), "ASK_DATES")
    await first.update_conversation("log_trip", (2002, 2002), None)  # that one ended

    restarted = DatabasePersistence(db, clock)
    assert await restarted.get_conversations("log_trip") == {(1001, 1001): "ASK_PLACE"}
    assert await restarted.get_conversations("other") == {}


async def test_user_data_with_dates_and_decimals_round_trips(db: Database, clock: ManualClock) -> None:
    draft = {"draft": {"start": date(2026, 11, 5), "at": datetime(2026, 11, 5, 1, tzinfo=UTC),
                       "hours": Decimal("2.5"), "places": ["淳安县", "开化县"]}}
    await DatabasePersistence(db, clock).update_user_data(1001, draft)
    assert await DatabasePersistence(db, clock).get_user_data() == {1001: draft}


async def test_empty_data_leaves_no_row_behind(db: Database, clock: ManualClock) -> None:
    persistence = DatabasePersistence(db, clock)
    await persistence.update_user_data(5, {})
    await persistence.update_chat_data(5, {})
    await persistence.update_bot_data({})
    with db.session() as session:
        assert session.query(PersistedState).count() == 0
    await persistence.update_user_data(5, {"lang": "en"})
    await persistence.update_user_data(5, {})
    with db.session() as session:
        assert session.query(PersistedState).count() == 0


async def test_unchanged_data_is_not_written_again(db: Database, clock: ManualClock) -> None:
    persistence = DatabasePersistence(db, clock)
    await persistence.update_chat_data(-100, {"k": 1})
    first_write = clock.now()
    clock.set(datetime(2027, 1, 1, tzinfo=UTC))
    await persistence.update_chat_data(-100, {"k": 1})
    with db.session() as session:
        assert session.get_one(PersistedState, ("chat", "-100")).updated_at == first_write
    await persistence.update_chat_data(-100, {"k": 2})
    with db.session() as session:
        assert session.get_one(PersistedState, ("chat", "-100")).updated_at == clock.now()


async def test_dropped_user_data_is_gone_after_restart(db: Database, clock: ManualClock) -> None:
    persistence = DatabasePersistence(db, clock)
    await persistence.update_user_data(7, {"lang": "en"})
    await persistence.drop_user_data(7)
    assert await DatabasePersistence(db, clock).get_user_data() == {}


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.dates()
    | st.datetimes(timezones=st.just(UTC)) | st.decimals(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@given(json_like)
def test_the_codec_restores_what_it_encoded(value: object) -> None:
    assert decode(encode(value)) == value
