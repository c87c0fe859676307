"""The outbox: idempotent enqueue, atomic claims (never the same row twice), recovery of dead claims."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from config import Config
from core.clock import ManualClock
from core.domain import OutboxStatus
from storage import onboarding, outbox
from storage.db import Database
from storage.models import Member, OutboxMessage
from tests.conftest import POSTGRES_URL, require_postgres


def _payload(text: str = "提醒") -> dict[str, object]:
    return {"text": text, "parse_mode": None, "buttons": [[["完成", "done:1"], ["推迟1天", "snooze:1:1"]]]}


def _enqueue(db: Database, clock: ManualClock, key: str, **extra: Any) -> bool:
    with db.session() as session:
        return outbox.enqueue(session, key=key, chat_id=extra.pop("chat_id", 1001), kind=extra.pop("kind", "nudge"),
                              payload=extra.pop("payload", _payload()),
                              not_before=extra.pop("not_before", clock.now()), now=clock.now(), **extra)


def test_a_key_is_enqueued_once(db: Database, clock: ManualClock) -> None:
    assert _enqueue(db, clock, "nudge:task:41:member:7:T-1") is True
    assert _enqueue(db, clock, "nudge:task:41:member:7:T-1", payload=_payload("another text")) is False
    with db.session() as session:
        rows = session.scalars(select(OutboxMessage)).all()
        assert [(r.key, r.payload["text"], r.status) for r in rows] == [
            ("nudge:task:41:member:7:T-1", "提醒", OutboxStatus.PENDING)]
        assert rows[0].retry_unknown is False  # nudges are at most once


def test_broadcasts_are_at_least_once_by_default(db: Database, clock: ManualClock) -> None:
    _enqueue(db, clock, "broadcast:3:0:member:9", kind="broadcast")
    _enqueue(db, clock, "board:1:2026-10", kind="board", retry_unknown=True)
    with db.session() as session:
        assert outbox.by_key(session, "broadcast:3:0:member:9").retry_unknown is True  # type: ignore[union-attr]
        assert outbox.by_key(session, "board:1:2026-10").retry_unknown is True  # type: ignore[union-attr]


@pytest.mark.parametrize("payload, problem", [
    ({"text": ""}, "empty"),
    ({"text": "x" * 4097}, "4096"),
    ({"text": "x", "buttons": [[["label", "d" * 65]]]}, "64 bytes"),
    ({"text": "x", "parse_mode": "Markdown"}, "parse_mode"),
    ({"text": "x" * 1025, "photo_b64": "aGVsbG8="}, "1024"),
])
def test_payloads_telegram_would_refuse_are_refused_when_enqueued(
    db: Database, clock: ManualClock, payload: dict[str, object], problem: str
) -> None:
    with pytest.raises(outbox.PayloadError, match=problem):
        _enqueue(db, clock, "k", payload=payload)


def test_enqueue_is_idempotent_under_concurrency(db: Database, clock: ManualClock) -> None:
    results: list[bool] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        for i in range(20):
            results.append(_enqueue(db, clock, f"race:{i}"))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 20 and results.count(False) == 140
    with db.session() as session:
        assert len(session.scalars(select(OutboxMessage)).all()) == 20


def test_claim_takes_due_rows_once_oldest_and_urgent_first(db: Database, clock: ManualClock) -> None:
    now = clock.now()
    _enqueue(db, clock, "later", not_before=now + timedelta(minutes=5))
    _enqueue(db, clock, "old", not_before=now - timedelta(hours=1))
    _enqueue(db, clock, "now", not_before=now)
    _enqueue(db, clock, "urgent", not_before=now, urgent=True)
    with db.session() as session:
        first = [r.key for r in outbox.claim_due(session, now=now, worker="a", limit=2)]
    with db.session() as session:
        second = [r.key for r in outbox.claim_due(session, now=now, worker="b", limit=10)]
    with db.session() as session:
        assert outbox.claim_due(session, now=now, worker="c", limit=10) == []
        row = outbox.by_key(session, "urgent")
        assert row is not None and row.status == OutboxStatus.SENDING and row.claimed_by == "a"
    assert first == ["urgent", "old"] and second == ["now"]


def test_results_are_recorded_only_by_the_claimer(db: Database, clock: ManualClock) -> None:
    now = clock.now()
    _enqueue(db, clock, "k")
    with db.session() as session:
        (row,) = outbox.claim_due(session, now=now, worker="a", limit=5)
    with db.session() as session:
        assert outbox.begin_send(session, row.id, worker="b", now=now) is False
        assert outbox.begin_send(session, row.id, worker="a", now=now) is True
        assert outbox.mark_sent(session, row.id, worker="a", now=now, telegram_message_id=77) is True
        assert outbox.mark_failed(session, row.id, worker="a", error="late") is False
    with db.session() as session:
        stored = outbox.by_key(session, "k")
        assert stored is not None
        assert (stored.status, stored.attempts, stored.telegram_message_id) == (OutboxStatus.SENT, 1, 77)


def test_reschedule_puts_a_row_back_until_retry_after(db: Database, clock: ManualClock) -> None:
    now = clock.now()
    _enqueue(db, clock, "k")
    with db.session() as session:
        (row,) = outbox.claim_due(session, now=now, worker="a", limit=5)
        outbox.begin_send(session, row.id, worker="a", now=now)
        assert outbox.reschedule(session, row.id, worker="a", now=now, retry_after=7, error="429")
    with db.session() as session:
        assert outbox.claim_due(session, now=now + timedelta(seconds=6), worker="a", limit=5) == []
        assert [r.key for r in outbox.claim_due(session, now=now + timedelta(seconds=7), worker="a", limit=5)] == ["k"]


def test_a_dead_claim_is_recovered_by_what_it_may_have_sent(db: Database, clock: ManualClock) -> None:
    now = clock.now()
    for key, kind in (("never-sent", "nudge"), ("maybe-nudge", "nudge"), ("maybe-broadcast", "broadcast")):
        _enqueue(db, clock, key, kind=kind)
    with db.session() as session:
        rows = {r.key: r for r in outbox.claim_due(session, now=now, worker="dead", limit=5)}
        outbox.begin_send(session, rows["maybe-nudge"].id, worker="dead", now=now)
        outbox.begin_send(session, rows["maybe-broadcast"].id, worker="dead", now=now)
    lease = timedelta(minutes=2)
    with db.session() as session:  # within the lease nothing is taken over
        assert outbox.claim_due(session, now=now + lease, worker="b", limit=5, lease=lease) == []
    with db.session() as session:
        later = now + lease + timedelta(seconds=1)
        taken = sorted(r.key for r in outbox.claim_due(session, now=later, worker="b", limit=5, lease=lease))
    assert taken == ["maybe-broadcast", "never-sent"]
    with db.session() as session:
        lost = outbox.by_key(session, "maybe-nudge")
        assert lost is not None and lost.status == OutboxStatus.FAILED
        assert lost.last_error is not None and lost.last_error.startswith("outcome unknown")


def test_unreachable_marks_every_membership_and_fails_pending_private_rows(db: Database, clock: ManualClock) -> None:
    with db.session() as session:
        team = onboarding.create_team(session, name="T", admin_telegram_id=5005, group_chat_id=None,
                                      config=Config(), now=clock.now()).team
        session.add(Member(team_id=team.id, telegram_user_id=5006, display_name="B", created_at=clock.now()))
    _enqueue(db, clock, "a", chat_id=5005)
    _enqueue(db, clock, "b", chat_id=5006)
    with db.session() as session:
        outbox.mark_unreachable(session, chat_id=5005, now=clock.now())
    with db.session() as session:
        reach = {m.telegram_user_id: m.reachable for m in session.scalars(select(Member))}
        assert reach.get(5006) is True
        assert outbox.by_key(session, "a").status == OutboxStatus.FAILED  # type: ignore[union-attr]
        assert outbox.by_key(session, "b").status == OutboxStatus.PENDING  # type: ignore[union-attr]


@pytest.mark.postgres
def test_two_connections_racing_on_postgres_claim_each_row_once(postgres_schema: str, clock: ManualClock) -> None:
    require_postgres()
    setup = Database.from_url(POSTGRES_URL, schema=postgres_schema)
    with setup.engine.begin() as connection:
        connection.exec_driver_sql("TRUNCATE outbox RESTART IDENTITY CASCADE")
    for i in range(200):
        _enqueue(setup, clock, f"row:{i}")
    claimed: dict[str, list[str]] = {"a": [], "b": [], "c": [], "d": []}
    barrier = threading.Barrier(len(claimed))

    def worker(name: str) -> None:
        database = Database.from_url(POSTGRES_URL, schema=postgres_schema)
        barrier.wait()
        while True:
            with database.session() as session:
                rows = outbox.claim_due(session, now=clock.now(), worker=name, limit=7)
                claimed[name].extend(r.key for r in rows)
            if not rows:
                break
        database.dispose()

    threads = [threading.Thread(target=worker, args=(name,)) for name in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everything = [key for keys in claimed.values() for key in keys]
    assert sorted(everything) == sorted(f"row:{i}" for i in range(200))  # each row once, none missing
    assert sum(1 for keys in claimed.values() if keys) >= 2  # they really raced
    with setup.engine.begin() as connection:
        connection.exec_driver_sql("TRUNCATE outbox RESTART IDENTITY CASCADE")
    setup.dispose()


def test_many_messages_enqueued_at_once_are_stored_as_one_at_a_time_and_an_existing_key_makes_nothing(
        db: Database, clock: ManualClock) -> None:
    # enqueue_many sends the rows as one JSON parameter (json_each / json_to_recordset): each column must come out
    # as enqueue stores it, the instants comparable with the delivery loop's, an existing key or a repeated one
    # making nothing
    assert _enqueue(db, clock, "nudge:motion:1:member:7:T-3") is True
    later = clock.now() + timedelta(hours=3, microseconds=123)
    many = [outbox.Pending(key="nudge:motion:1:member:7:T-3", chat_id=1001, kind="nudge", payload=_payload("又一条"),
                           not_before=later),
            outbox.Pending(key="nudge:motion:2:member:7:T-3", chat_id=1001, kind="nudge",
                           payload=_payload("请答复 人大建议 第12号 《关于“山区公路”的建议》\n还有3天"), not_before=later,
                           team_id=None, member_id=None),
            outbox.Pending(key="broadcast:3:0:member:9", chat_id=2**40, kind="broadcast", payload={"text": "通知"},
                           not_before=clock.now()),
            outbox.Pending(key="nudge:motion:2:member:7:T-3", chat_id=1, kind="nudge", payload=_payload("twice"),
                           not_before=later)]
    with db.session() as session:
        made = outbox.enqueue_many(session, many, now=clock.now())
    assert made == {"nudge:motion:2:member:7:T-3", "broadcast:3:0:member:9"}
    with db.session() as session:
        assert outbox.enqueue(session, key="nudge:motion:3:member:7:T-3", chat_id=1001, kind="nudge",
                              payload=many[1].payload, not_before=later, now=clock.now())
        rows = {r.key: r for r in session.scalars(select(OutboxMessage))}
        one, other = rows["nudge:motion:2:member:7:T-3"], rows["nudge:motion:3:member:7:T-3"]
        columns = ("chat_id", "kind", "payload", "urgent", "retry_unknown", "not_before", "status", "attempts",
                   "created_at", "team_id", "member_id", "claimed_at", "sent_at")
        assert [getattr(one, c) for c in columns] == [getattr(other, c) for c in columns]
        assert one.not_before == later and one.payload["buttons"] == [[["完成", "done:1"], ["推迟1天", "snooze:1:1"]]]
        assert rows["nudge:motion:1:member:7:T-3"].payload["text"] == "提醒"  # the first one stays
        broadcast = rows["broadcast:3:0:member:9"]
        assert (broadcast.chat_id, broadcast.retry_unknown, broadcast.status) == (2**40, True, OutboxStatus.PENDING)
    clock.advance(timedelta(hours=1))
    with db.session() as session:  # due by the delivery loop's own comparison: the broadcast now, the nudges later
        assert {row.key for row in outbox.claim_due(session, worker="w", now=clock.now(), limit=10, lease=timedelta(days=1))} == {
            "broadcast:3:0:member:9", "nudge:motion:1:member:7:T-3"}
    clock.advance(timedelta(hours=2, microseconds=122))
    with db.session() as session:
        assert outbox.claim_due(session, worker="w", now=clock.now(), limit=10, lease=timedelta(days=1)) == []
    clock.advance(timedelta(microseconds=1))
    with db.session() as session:
        assert len(outbox.claim_due(session, worker="w", now=clock.now(), limit=10, lease=timedelta(days=1))) == 2
