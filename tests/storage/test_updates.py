"""The last update handled: marked in the same transaction as what handling it wrote, and read back to
tell an update delivered again from a new one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from storage import updates
from storage.db import Database
from storage.models import PersistedState

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(("last", "handled_ago", "update_id", "covered"), [
    (100, timedelta(0), 100, True),  # the same update again
    (100, timedelta(0), 99, True),  # one handled just before it
    (100, timedelta(0), 101, False),  # the next one
    (100, timedelta(days=8), 100, False),  # after a week Telegram numbers afresh: not trusted
    (900_004, timedelta(0), 21, False),  # far below: a new sequence, not an old update
    (100, timedelta(0), 100 - updates.REDELIVERY_WINDOW + 1, True),
    (100, timedelta(0), 100 - updates.REDELIVERY_WINDOW, False),
])
def test_an_update_is_covered_by_the_last_one_handled(last: int, handled_ago: timedelta, update_id: int,
                                                      covered: bool) -> None:
    assert updates.Handled(last, NOW - handled_ago).covers(update_id, NOW) is covered


def _mark(db: Database) -> int | None:
    with db.session() as session:
        handled = updates.last_handled(session, "123")
    return handled.update_id if handled is not None else None


def test_a_transaction_that_writes_while_an_update_is_in_hand_marks_it_handled(db: Database) -> None:
    with updates.in_hand("123", 7, NOW) as handling:
        with db.session() as session:  # reads only: no mark
            session.scalars(select(PersistedState)).all()
        assert not handling.marked and _mark(db) is None
        with db.session() as session:
            session.add(PersistedState(scope="user", key="1001", data={"lang": "en"}, updated_at=NOW))
        assert handling.marked and _mark(db) == 7
    with db.session() as session:  # no update in hand: nothing marked
        session.add(PersistedState(scope="user", key="1002", data={"lang": "en"}, updated_at=NOW))
    assert _mark(db) == 7


def test_a_transaction_rolled_back_leaves_no_mark(db: Database) -> None:
    with updates.in_hand("123", 8, NOW) as handling:
        with pytest.raises(RuntimeError), db.session() as session:
            session.add(PersistedState(scope="user", key="1001", data={"lang": "en"}, updated_at=NOW))
            session.flush()
            raise RuntimeError("the handler failed")
        assert not handling.marked
    assert _mark(db) is None
