"""The outbox: every message the bot sends on its own is a row with a unique key, sent exactly once.

Producers (nudges, boards, summaries, broadcasts) `enqueue` rows from idempotent job ticks: the same
key twice is one row. The delivery loop (jobs/delivery.py) `claim_due`s rows atomically, marks the
moment the request leaves (`begin_send`) and records the outcome (`mark_sent`, `mark_failed`,
`reschedule`, `mark_unreachable`).

Row life: pending → sending (claimed) → sent | failed | back to pending (429, 5xx, quiet hours).
Two claimers never get the same row: PostgreSQL picks rows with FOR UPDATE SKIP LOCKED; SQLite has no
row locks (SQLAlchemy drops `skip_locked` there) but runs every transaction as BEGIN IMMEDIATE, so the
compare-and-set `UPDATE … WHERE status='pending' … RETURNING` is serialised between processes.

A claim whose process died is recovered after `lease`: if its request never left
(`send_started_at` unset) the row simply goes back to pending; if it may have left, the outcome is
unknown, and only rows with `retry_unknown` are sent again (at least once); the others are failed
as 'outcome unknown' (at most once). Which kinds are which: `retry_unknown_for` and the README.

Payload: {"text": str, "parse_mode": None | "HTML", "buttons": [[[label, callback_data], …], …],
"photo_b64": optional base64 image (then `text` is its caption), or "file_id" with "file_kind" ("photo"
or "document"): a file Telegram already has, sent again by its id (then `text` is its caption)},
rendered in the recipient's language before it is enqueued.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, text, update
from sqlalchemy.orm import Session

from core.domain import OutboxStatus
from core.outbox_keys import ItemIdent, ItemKind, Kind, item_prefix
from storage.db import dialect_insert, execute_dml
from storage.models import Member, OutboxMessage

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
FILE_KINDS = frozenset({"photo", "document"})
MAX_ERROR = 500
DEFAULT_LEASE = timedelta(minutes=2)

# Kinds sent again when a send's outcome is unknown (a timeout after the request left): a duplicate
# is the lesser harm. Every other kind is at most once: a nudge or a board twice is the greater harm.
AT_LEAST_ONCE_KINDS = frozenset({"broadcast"})

UNKNOWN_OUTCOME = "outcome unknown"


def retry_unknown_for(kind: str) -> bool:
    """Whether a kind of message is resent when a send's outcome is unknown (see the README)."""
    return kind in AT_LEAST_ONCE_KINDS or kind.startswith("broadcast:")


class PayloadError(ValueError):
    """A payload Telegram would refuse (too long, bad buttons), caught when it is enqueued."""


def check_payload(payload: dict[str, Any]) -> None:
    text = payload.get("text")
    if not isinstance(text, str):
        raise PayloadError("payload.text must be a string")
    photo = payload.get("photo_b64")
    file_id = payload.get("file_id")
    if file_id is not None:
        if not isinstance(file_id, str) or not file_id or payload.get("file_kind") not in FILE_KINDS:
            raise PayloadError(f"payload.file_id needs payload.file_kind, one of {sorted(FILE_KINDS)}")
        if len(text) > MAX_CAPTION:
            raise PayloadError(f"a file's caption has at most {MAX_CAPTION} characters, not {len(text)}")
    elif photo is not None:
        try:
            base64.b64decode(photo, validate=True)
        except (binascii.Error, TypeError) as error:
            raise PayloadError("payload.photo_b64 is not base64") from error
        if len(text) > MAX_CAPTION:
            raise PayloadError(f"a photo caption has at most {MAX_CAPTION} characters, not {len(text)}")
    elif not text.strip():
        raise PayloadError("payload.text is empty")
    elif len(text) > MAX_TEXT:
        raise PayloadError(f"a message has at most {MAX_TEXT} characters, not {len(text)}")
    if payload.get("parse_mode") not in (None, "HTML"):
        raise PayloadError("payload.parse_mode must be null or 'HTML'")
    rows = payload.get("buttons") or []
    if not isinstance(rows, list):
        raise PayloadError("payload.buttons must be a list of rows")
    for row in rows:
        if not isinstance(row, list):
            raise PayloadError("each row of payload.buttons must be a list")
        for button in row:
            if not (isinstance(button, (list, tuple)) and len(button) == 2  # each part tested in turn: a
                    and isinstance(button[0], str) and isinstance(button[1], str)):  # tick checks ~30,000
                raise PayloadError("each button is [label, callback_data]")
            if len(button[1].encode("utf-8")) > MAX_CALLBACK_DATA:
                raise PayloadError(f"callback_data {button[1]!r} is over {MAX_CALLBACK_DATA} bytes")


def enqueue(
    session: Session,
    *,
    key: str,
    chat_id: int,
    kind: str,
    payload: dict[str, Any],
    not_before: datetime,
    team_id: int | None = None,
    member_id: int | None = None,
    urgent: bool = False,
    retry_unknown: bool | None = None,
    now: datetime | None = None,
) -> bool:
    """Adds one message to send at or after `not_before`; False (and nothing changes) if `key` exists.

    Safe under concurrency: INSERT … ON CONFLICT (key) DO NOTHING on both backends.
    `retry_unknown=None` takes the kind's policy (`retry_unknown_for`).
    """
    check_payload(payload)
    if len(key) > 160:
        raise ValueError(f"outbox key over 160 characters: {key!r}")
    statement = (
        dialect_insert(session)(OutboxMessage)
        .values(
            key=key, team_id=team_id, member_id=member_id, chat_id=chat_id, kind=kind, payload=payload,
            urgent=urgent, retry_unknown=retry_unknown_for(kind) if retry_unknown is None else retry_unknown,
            not_before=not_before, status=OutboxStatus.PENDING, attempts=0,
            created_at=now or datetime.now(UTC),
        )
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(OutboxMessage.id)
    )
    return session.execute(statement).scalar() is not None


@dataclass(frozen=True)
class Pending:
    """One message for :func:`enqueue_many` (the arguments of :func:`enqueue`)."""

    key: str
    chat_id: int
    kind: str
    payload: dict[str, Any]
    not_before: datetime
    team_id: int | None = None
    member_id: int | None = None


def enqueue_many(session: Session, messages: list[Pending], *, now: datetime) -> set[str]:
    """Adds many messages in one INSERT … SELECT … ON CONFLICT (key) DO NOTHING … RETURNING, the rows as one JSON
    parameter the database unpacks (json_each on SQLite, json_to_recordset on PostgreSQL); the keys made."""
    for message in messages:
        check_payload(message.payload)
        if len(message.key) > 160:
            raise ValueError(f"outbox key over 160 characters: {message.key!r}")
    if not messages:
        return set()
    if session.get_bind().dialect.name == "postgresql":
        return _enqueue_many_postgres(session, messages, now=now)
    return _enqueue_many_sqlite(session, messages, now=now)


#: PostgreSQL: the rows as one JSON document the server unpacks (one parameter instead of twelve a row, whose
#: adaptation cost more than the insert). SQLite gains nothing from it: an executemany there.
_INSERT_FROM_JSON = text("""
    INSERT INTO outbox (key, team_id, member_id, chat_id, kind, payload, urgent, retry_unknown, not_before, status,
                        attempts, created_at)
    SELECT key, team_id, member_id, chat_id, kind, payload, false, retry_unknown, not_before, :status, 0, :created_at
    FROM json_to_recordset(CAST(:rows AS json)) AS r(key varchar, team_id int, member_id int, chat_id bigint,
                                                   kind varchar, payload json, retry_unknown boolean,
                                                   not_before timestamptz)
    ON CONFLICT (key) DO NOTHING
    RETURNING key""")


def _enqueue_many_postgres(session: Session, messages: list[Pending], *, now: datetime) -> set[str]:
    # a tick's messages share one or two instants: each written out once
    instants = {at: at.astimezone(UTC).isoformat() for at in {m.not_before for m in messages}}
    rows = json.dumps([{"key": m.key, "team_id": m.team_id, "member_id": m.member_id, "chat_id": m.chat_id,
                        "kind": m.kind, "payload": m.payload, "retry_unknown": retry_unknown_for(m.kind),
                        "not_before": instants[m.not_before]} for m in messages],
                      ensure_ascii=False)
    return set(session.scalars(_INSERT_FROM_JSON, {"rows": rows, "status": OutboxStatus.PENDING.value,
                                                   "created_at": now}))


#: SQLite: the rows as one JSON array of arrays, instants already in their stored form (the column's own bind
#: processing: naive UTC text) and each payload a JSON object the database writes out as its text (`value -> 5`;
#: one encoding of the whole batch, not one per payload and again inside the batch), instead of an executemany whose
#: per-row parameter processing cost more than the insert. `WHERE true`: SQLite's upsert after a SELECT needs one.
_INSERT_FROM_JSON_SQLITE = text("""
    INSERT INTO outbox (key, team_id, member_id, chat_id, kind, payload, urgent, retry_unknown, not_before, status,
                        attempts, created_at)
    SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value -> 5, 0, value ->> 6, value ->> 7,
           :status, 0, :created_at
    FROM json_each(:rows) WHERE true
    ON CONFLICT (key) DO NOTHING
    RETURNING key""")


def _enqueue_many_sqlite(session: Session, messages: list[Pending], *, now: datetime) -> set[str]:
    dialect = session.get_bind().dialect
    columns = OutboxMessage.__table__.c
    instant_text = columns.not_before.type.dialect_impl(dialect).bind_processor(dialect)
    assert instant_text is not None  # UTCDateTime processes on SQLite
    # a tick's messages share one or two instants: each processed once
    instants = {at: instant_text(at) for at in {m.not_before for m in messages}}
    rows = json.dumps([[m.key, m.team_id, m.member_id, m.chat_id, m.kind, m.payload,
                        int(retry_unknown_for(m.kind)), instants[m.not_before]] for m in messages],
                      ensure_ascii=False)
    return set(session.scalars(_INSERT_FROM_JSON_SQLITE, {
        "rows": rows, "status": OutboxStatus.PENDING.value, "created_at": instant_text(now)}))


def by_key(session: Session, key: str) -> OutboxMessage | None:
    return session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))


def recover_expired(session: Session, *, now: datetime, lease: timedelta = DEFAULT_LEASE) -> int:
    """Rows left in `sending` longer than `lease` (their claimer died or hung): never sent → pending;
    maybe sent → pending again only with `retry_unknown`, else failed as 'outcome unknown'."""
    cutoff = now - lease
    stuck = and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_at < cutoff)
    released = execute_dml(session, update(OutboxMessage)
        .where(stuck, or_(OutboxMessage.send_started_at.is_(None), OutboxMessage.retry_unknown.is_(True)))
        .values(status=OutboxStatus.PENDING, claimed_by=None, claimed_at=None, send_started_at=None,
                last_error="claim expired")
        .execution_options(synchronize_session=False)
    ).rowcount
    failed = execute_dml(session, update(OutboxMessage)
        .where(stuck, OutboxMessage.send_started_at.is_not(None), OutboxMessage.retry_unknown.is_(False))
        .values(status=OutboxStatus.FAILED, last_error=f"{UNKNOWN_OUTCOME}: the sender stopped mid-send")
        .execution_options(synchronize_session=False)
    ).rowcount
    return int(released or 0) + int(failed or 0)


def claim_due(
    session: Session, *, now: datetime, worker: str, limit: int, lease: timedelta = DEFAULT_LEASE
) -> list[OutboxMessage]:
    """Atomically takes up to `limit` due pending rows for `worker` (status → sending), oldest first.

    First recovers rows whose claim outlived `lease` (see `recover_expired`).
    """
    recover_expired(session, now=now, lease=lease)
    due = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.not_before <= now)
        .order_by(OutboxMessage.urgent.desc(), OutboxMessage.not_before, OutboxMessage.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        # A materialised CTE runs the locking SELECT once; `id IN (SELECT … LIMIT n FOR UPDATE SKIP
        # LOCKED)` may be re-run by the planner and take more than `limit` rows.
        picked = due.with_for_update(skip_locked=True).cte("due").prefix_with("MATERIALIZED")
        chosen = OutboxMessage.id == picked.c.id
    else:
        chosen = OutboxMessage.id.in_(due.scalar_subquery())
    statement = (
        update(OutboxMessage)
        .where(chosen, OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.SENDING, claimed_by=worker, claimed_at=now, send_started_at=None)
        .returning(OutboxMessage)
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    rows = list(session.scalars(statement).all())
    rows.sort(key=lambda row: (not row.urgent, row.not_before, row.id))
    return rows


def _mine(row_id: int, worker: str) -> Any:
    return and_(OutboxMessage.id == row_id, OutboxMessage.status == OutboxStatus.SENDING,
                OutboxMessage.claimed_by == worker)


def _change(session: Session, row_id: int, worker: str, **values: Any) -> bool:
    result = execute_dml(session, update(OutboxMessage).where(_mine(row_id, worker)).values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


def begin_send(session: Session, row_id: int, *, worker: str, now: datetime) -> bool:
    """Records that the request is about to leave; False if the claim was lost (do not send)."""
    return _change(session, row_id, worker, send_started_at=now, attempts=OutboxMessage.attempts + 1)


def mark_sent(
    session: Session, row_id: int, *, worker: str, now: datetime, telegram_message_id: int | None
) -> bool:
    return _change(session, row_id, worker, status=OutboxStatus.SENT, sent_at=now,
                   telegram_message_id=telegram_message_id, last_error=None)


def mark_failed(session: Session, row_id: int, *, worker: str, error: str) -> bool:
    """Gives up on a row for good (403, a refused payload, attempts exhausted, unknown outcome)."""
    return _change(session, row_id, worker, status=OutboxStatus.FAILED, last_error=error[:MAX_ERROR])


def reschedule(
    session: Session,
    row_id: int,
    *,
    worker: str,
    now: datetime,
    retry_after: timedelta | float | None = None,
    not_before: datetime | None = None,
    error: str | None = None,
    refund_attempt: bool = False,
) -> bool:
    """Puts a claimed row back to pending, due after `retry_after` (429, 5xx backoff) or at `not_before`
    (quiet hours). The attempt `begin_send` counted stays counted unless `refund_attempt` (a 429 is
    Telegram asking to wait, not a failure)."""
    if not_before is None:
        delay = retry_after if isinstance(retry_after, timedelta) else timedelta(seconds=float(retry_after or 0))
        not_before = now + delay
    values: dict[str, Any] = {"status": OutboxStatus.PENDING, "not_before": not_before, "claimed_by": None,
                              "claimed_at": None, "send_started_at": None}
    if error is not None:
        values["last_error"] = error[:MAX_ERROR]
    if refund_attempt:
        values["attempts"] = OutboxMessage.attempts - 1
    return _change(session, row_id, worker, **values)


def redirect(session: Session, row_id: int, *, worker: str, now: datetime, chat_id: int) -> bool:
    """A claimed row Telegram refused because its group became a supergroup (the message was not shown):
    back to pending at once, for ``chat_id``, the refused attempt not counted. Sent there once, as any row."""
    return _change(session, row_id, worker, status=OutboxStatus.PENDING, chat_id=chat_id, not_before=now,
                   claimed_by=None, claimed_at=None, send_started_at=None, attempts=OutboxMessage.attempts - 1,
                   last_error=f"the group became supergroup {chat_id}")


def move_chat(session: Session, old_chat_id: int, new_chat_id: int) -> int:
    """Messages waiting for a chat (pending, not yet claimed) go to ``new_chat_id`` instead: a group became a
    supergroup. How many."""
    return int(execute_dml(session, update(OutboxMessage)
        .where(OutboxMessage.chat_id == old_chat_id, OutboxMessage.status == OutboxStatus.PENDING)
        .values(chat_id=new_chat_id)
        .execution_options(synchronize_session=False)
    ).rowcount or 0)


def mark_unreachable(
    session: Session, *, now: datetime, member_id: int | None = None, chat_id: int | None = None
) -> int:
    """A user blocked the bot (403): every membership of that Telegram user becomes unreachable, and
    their pending private messages are failed rather than tried again. Returns memberships changed."""
    user_ids: set[int] = set()
    if member_id is not None:
        member = session.get(Member, member_id)
        if member is not None:
            user_ids.add(member.telegram_user_id)
    if chat_id is not None and chat_id > 0:  # a private chat's id is the user's id
        user_ids.add(chat_id)
    if not user_ids:
        return 0
    changed = execute_dml(session, update(Member)
        .where(Member.telegram_user_id.in_(user_ids), Member.reachable.is_(True))
        .values(reachable=False, unreachable_since=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.chat_id.in_(user_ids), OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.FAILED, last_error="unreachable: the user blocked the bot")
        .execution_options(synchronize_session=False)
    )
    return int(changed or 0)


def mark_reachable(session: Session, telegram_user_id: int) -> int:
    """The user talks to the bot again: their memberships are reachable again."""
    return int(execute_dml(session, update(Member)
        .where(Member.telegram_user_id == telegram_user_id, Member.reachable.is_(False))
        .values(reachable=True, unreachable_since=None)
        .execution_options(synchronize_session=False)
    ).rowcount or 0)


def keys_since(session: Session, team_id: int, kind: str, *, since: datetime) -> list[str]:
    """Keys of the team's rows of this kind made at or after ``since``, whatever became of them."""
    return list(session.scalars(select(OutboxMessage.key).where(
        OutboxMessage.team_id == team_id, OutboxMessage.kind == kind, OutboxMessage.created_at >= since)))


def cancel(session: Session, key: str) -> bool:
    """Withdraws a message not yet claimed (e.g. a nudge for an item closed meanwhile)."""
    return bool(execute_dml(session, update(OutboxMessage)
        .where(OutboxMessage.key == key, OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    ).rowcount)


def item_ident(kind: str, item_id: int, member_id: int) -> str:
    """`motion:41:member:7`: the part of a nudge's or an escalation's key naming the item and its owner."""
    return str(ItemIdent(ItemKind(kind), item_id, member_id))


#: Messages about one item with a deadline, withdrawn once it is answered: deadline nudges
#: (`nudge:<ident>:T-3`) and the admins' 约谈提醒 (`escalate:<ident>:admin:3`).
ITEM_KINDS = {"nudge": Kind.NUDGE, "escalation": Kind.ESCALATE}


def withdraw_item(session: Session, *, team_id: int, kind: str, item_id: int, member_id: int,
                  kinds: tuple[str, ...] = tuple(ITEM_KINDS)) -> int:
    """Withdraws the item's nudges and escalations (or only ``kinds``) not yet claimed: called in the
    transaction that answers, reports, closes or deletes the item, so a nudge queued before cannot
    arrive after. How many."""
    ident = ItemIdent(ItemKind(kind), item_id, member_id)
    prefixes = tuple(item_prefix(ITEM_KINDS[k], ident) for k in kinds)
    # Matched in Python, not with LIKE: a key's `_` and `%` would be wildcards there.
    ids = [row_id for row_id, key in session.execute(select(OutboxMessage.id, OutboxMessage.key).where(
        OutboxMessage.team_id == team_id, OutboxMessage.kind.in_(kinds),
        OutboxMessage.status == OutboxStatus.PENDING)) if key.startswith(prefixes)]
    if not ids:
        return 0
    return int(execute_dml(session, update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    ).rowcount or 0)


def counts(session: Session) -> dict[str, int]:
    from sqlalchemy import func

    rows = session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
    return {str(status): int(n) for status, n in rows}
