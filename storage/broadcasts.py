"""Broadcasts' queries: the broadcast as confirmed, its occurrences (each made once), one receipt and one
outbox row per recipient of an occurrence, the receipts' state read back from the outbox, 已阅 presses,
re-nudges and cancelling.

Outbox keys (unique, so a tick run twice or by two processes makes each message once):

    broadcast:<id>:<occurrence>:member:<member>               the broadcast itself
    broadcast:<id>:<occurrence>:nudge:<n>:member:<member>     the n-th "Re-nudge unread" press's reminder
    broadcast:<id>:<occurrence>:report                        the sender's report of a scheduled occurrence
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.orm import Session

from config import Config
from core import outbox_keys, pace
from core.broadcasts import AudienceKind, Counts
from core.domain import BroadcastStatus, MemberStatus, OutboxStatus, Role
from storage import audit, members, outbox
from storage.db import dialect_insert, execute_dml
from storage.deadlines import open_items
from storage.models import Broadcast, BroadcastOccurrence, BroadcastReceipt, Member, OutboxMessage, Team
from storage.progress import year_progress

UNREACHABLE = "unreachable"
KIND = "broadcast"
NUDGE_KIND = "broadcast:nudge"  # at least once, like the broadcast (storage.outbox.retry_unknown_for)
REPORT_KIND = "broadcast_report"

Render = Callable[[Member], dict[str, Any]]


def member_key(broadcast_id: int, occurrence: int, member_id: int) -> str:
    return outbox_keys.build(outbox_keys.BroadcastKey(broadcast_id, occurrence, member_id))


def nudge_key(broadcast_id: int, occurrence: int, n: int, member_id: int) -> str:
    return outbox_keys.build(outbox_keys.BroadcastKey(broadcast_id, occurrence, member_id, nudge=n))


def report_key(broadcast_id: int, occurrence: int) -> str:
    return outbox_keys.build(outbox_keys.BroadcastKey(broadcast_id, occurrence))


# --- the broadcast ---------------------------------------------------------------------------------


def create(session: Session, *, sender: Member, text: str, file_id: str | None, file_kind: str | None,
           audience: dict[str, Any], send_at: datetime | None, recurrence: str | None, status: BroadcastStatus,
           now: datetime) -> Broadcast:
    broadcast = Broadcast(team_id=sender.team_id, created_by_member_id=sender.id, text=text, file_id=file_id,
                          file_kind=file_kind, audience=audience, send_at=send_at, recurrence=recurrence,
                          status=status, report_chat_id=sender.telegram_user_id, created_at=now)
    session.add(broadcast)
    session.flush()
    audit.record(session, action="create", entity="broadcast", entity_id=broadcast.id, team_id=sender.team_id,
                 now=now, actor=sender,
                 after={"audience": audience, "send_at": send_at, "recurrence": recurrence,
                        "file_kind": file_kind, "text": text[:200]})
    return broadcast


def in_team(session: Session, team_id: int, broadcast_id: int) -> Broadcast | None:
    return session.scalar(select(Broadcast).where(Broadcast.id == broadcast_id, Broadcast.team_id == team_id))


def scheduled(session: Session, team_id: int | None = None) -> list[Broadcast]:
    """Broadcasts still to send (one-offs not yet due and recurring ones), oldest first."""
    where = [Broadcast.status == BroadcastStatus.SCHEDULED]
    if team_id is not None:
        where.append(Broadcast.team_id == team_id)
    return list(session.scalars(select(Broadcast).where(*where).order_by(Broadcast.id)))


def cancel(session: Session, broadcast: Broadcast, *, actor: Member, now: datetime) -> bool:
    """Compare-and-set: a scheduled broadcast stops (occurrences already sent stay sent)."""
    changed = execute_dml(session, update(Broadcast).where(Broadcast.id == broadcast.id,
                                                           Broadcast.status == BroadcastStatus.SCHEDULED)
                                   .values(status=BroadcastStatus.CANCELLED)
                                   .execution_options(synchronize_session=False)).rowcount
    if not changed:
        return False
    audit.record(session, action="cancel", entity="broadcast", entity_id=broadcast.id, team_id=broadcast.team_id,
                 now=now, actor=actor, before={"status": "scheduled"}, after={"status": "cancelled"})
    return True


def finish(session: Session, broadcast_id: int) -> None:
    """A one-off whose only occurrence is in the outbox."""
    session.execute(update(Broadcast).where(Broadcast.id == broadcast_id,
                                            Broadcast.status == BroadcastStatus.SCHEDULED)
                    .values(status=BroadcastStatus.DONE).execution_options(synchronize_session=False))


# --- the audience ----------------------------------------------------------------------------------


def audience_members(session: Session, team: Team, audience: dict[str, Any], *, sender_id: int | None,
                     today: date, config: Config) -> list[Member]:
    """Who an audience names today: the team's members not removed (those who never opened the bot are
    included, to be counted unreachable), the sender left out (they get the report), ordered by id."""
    people = [m for m in session.scalars(select(Member).where(
        Member.team_id == team.id, Member.status != MemberStatus.REMOVED).order_by(Member.id))
        if m.id != sender_id]
    kind = audience.get("kind")
    if kind == AudienceKind.ALL:
        return people
    if kind == AudienceKind.ROLE:
        admins = audience.get("role") == "admin"
        return [m for m in people if (m.role in (Role.OWNER, Role.ADMIN)) == admins]
    if kind == AudienceKind.PICKED:
        picked = set(audience.get("ids") or [])
        return [m for m in people if m.id in picked]
    if kind == AudienceKind.OVERDUE:
        late = {item.member_id for item in open_items(session, team) if item.due < today}
        return [m for m in people if m.id in late]
    if kind == AudienceKind.BEHIND:
        return [m for m in people if m.status == MemberStatus.ACTIVE and m.races
                and not pace.out_of_office(m.left_office_on, today) and any(
            duty.status != pace.PaceStatus.ON_PACE
            for duty in year_progress(session, m, today=today, config=config).duties)]
    return []


def pickable(session: Session, team_id: int, *, sender_id: int) -> list[Member]:
    """Members an admin can pick one by one, in roster order (owner and admins first)."""
    rank = {Role.OWNER: 0, Role.ADMIN: 1, Role.MEMBER: 2}
    people = session.scalars(select(Member).where(Member.team_id == team_id, Member.status != MemberStatus.REMOVED,
                                                  Member.id != sender_id))
    return sorted(people, key=lambda m: (rank[m.role], m.id))


def reachable(member: Member) -> bool:
    return member.status == MemberStatus.ACTIVE and member.reachable


# --- occurrences -----------------------------------------------------------------------------------


def occurrence(session: Session, occurrence_id: int) -> BroadcastOccurrence | None:
    return session.get(BroadcastOccurrence, occurrence_id)


def occurrence_of(session: Session, broadcast_id: int, number: int) -> BroadcastOccurrence | None:
    return session.scalar(select(BroadcastOccurrence).where(BroadcastOccurrence.broadcast_id == broadcast_id,
                                                            BroadcastOccurrence.occurrence == number))


def start_occurrence(session: Session, broadcast: Broadcast, number: int, *, due_at: datetime, recipients: list[Member],
                     render: Render, now: datetime, report_message_id: int | None = None) -> BroadcastOccurrence | None:
    """Makes occurrence `number` once: the occurrence, an outbox row and a receipt per reachable recipient,
    a receipt marked unreachable (nothing sent) for the others. None if it exists already (another tick,
    another process, or before a restart): nothing changes."""
    made = session.execute(
        dialect_insert(session)(BroadcastOccurrence)
        .values(broadcast_id=broadcast.id, occurrence=number, due_at=due_at, recipients=len(recipients),
                report_message_id=report_message_id, renudges=0, created_at=now)
        .on_conflict_do_nothing(index_elements=["broadcast_id", "occurrence"])
        .returning(BroadcastOccurrence.id)
    ).scalar()
    if made is None:
        return None
    for member in recipients:
        if reachable(member):
            outbox.enqueue(session, key=member_key(broadcast.id, number, member.id), chat_id=member.telegram_user_id,
                           kind=KIND, payload=render(member), not_before=now, team_id=broadcast.team_id,
                           member_id=member.id, urgent=True, now=now)
    keys = {member_key(broadcast.id, number, m.id): m.id for m in recipients if reachable(m)}
    rows: dict[int, int] = {}
    for chunk in _chunks(list(keys)):  # by the unique index on key
        rows.update((keys[key], row_id) for row_id, key in session.execute(
            select(OutboxMessage.id, OutboxMessage.key).where(OutboxMessage.key.in_(chunk))))
    values = [{"broadcast_id": broadcast.id, "occurrence": number, "member_id": m.id, "outbox_id": rows.get(m.id),
               "failed_reason": None if m.id in rows else UNREACHABLE} for m in recipients]
    if values:
        session.execute(dialect_insert(session)(BroadcastReceipt).values(values).on_conflict_do_nothing(
            index_elements=["broadcast_id", "occurrence", "member_id"]))
    return session.get_one(BroadcastOccurrence, made)


def start(session: Session, broadcast: Broadcast, number: int, *, due_at: datetime, now: datetime, config: Config,
          renderer: Callable[..., Render], report_message_id: int | None = None) -> BroadcastOccurrence | None:
    """Occurrence `number` of `broadcast`, once: its recipients as the audience names them today, each
    message in the recipient's language (`renderer`: reports.broadcasts.renderer). None when it was made
    already. The scheduling tick (jobs/broadcasts.py) and a "Send now" Confirm (handlers/broadcast.py) both
    start occurrences here."""
    team = session.get_one(Team, broadcast.team_id)
    sender = sender_of(session, broadcast)
    recipients = audience_members(session, team, broadcast.audience, sender_id=sender.id,
                                  today=now.astimezone(ZoneInfo(team.timezone)).date(), config=config)
    return start_occurrence(session, broadcast, number, due_at=due_at, recipients=recipients,
                            render=renderer(broadcast, number, sender=sender.display_name), now=now,
                            report_message_id=report_message_id)


def by_id(session: Session, broadcast_id: int) -> Broadcast | None:
    return session.get(Broadcast, broadcast_id)


def sender_of(session: Session, broadcast: Broadcast) -> Member:
    """The admin who made the broadcast (named in it; see :func:`reader_of` for who gets its reports)."""
    return session.get_one(Member, broadcast.created_by_member_id)


def reader_of(session: Session, broadcast: Broadcast) -> Member | None:
    """Who gets an occurrence's delivery report, in their language: the sender while an active admin, else the
    team's first active admin (the owner), so that the team's counts never go to someone who left the office.
    None when the team has no active admin."""
    return members.answering_admin(session, broadcast.created_by_member_id, broadcast.team_id)


def enqueue_report(session: Session, broadcast: Broadcast, number: int, *, chat_id: int, payload: dict[str, Any],
                   now: datetime) -> bool:
    """The sender's report of an occurrence the tick made, sent ahead of the broadcast itself."""
    return outbox.enqueue(session, key=report_key(broadcast.id, number), chat_id=chat_id, kind=REPORT_KIND,
                          payload=payload, not_before=now - timedelta(seconds=1), team_id=broadcast.team_id,
                          member_id=broadcast.created_by_member_id, urgent=True, now=now)


# --- receipts ----------------------------------------------------------------------------------------


def settle_receipts(session: Session, occurrence_ids: Iterable[int]) -> int:
    """Copies the outbox's results into undecided receipts: sent → delivered (at sent_at); failed by a 403
    → unreachable; otherwise failed → failed with the reason. Idempotent and cheap: only receipts still
    undecided, and only rows the outbox has settled. Returns receipts changed."""
    occurrence_ids = list(occurrence_ids)
    if not occurrence_ids:
        return 0
    rows = session.execute(
        select(BroadcastReceipt.id, OutboxMessage.status, OutboxMessage.sent_at, OutboxMessage.last_error)
        .join(BroadcastOccurrence, and_(BroadcastOccurrence.broadcast_id == BroadcastReceipt.broadcast_id,
                                        BroadcastOccurrence.occurrence == BroadcastReceipt.occurrence))
        .join(OutboxMessage, OutboxMessage.id == BroadcastReceipt.outbox_id)
        .where(BroadcastOccurrence.id.in_(occurrence_ids), BroadcastReceipt.delivered_at.is_(None),
               BroadcastReceipt.failed_reason.is_(None),
               OutboxMessage.status.in_([OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.CANCELLED]))
    ).all()
    delivered = [receipt_id for receipt_id, status, _, _ in rows if status == OutboxStatus.SENT]
    reasons: dict[str, list[int]] = {}
    for receipt_id, status, _, error in rows:
        if status != OutboxStatus.SENT:
            text = error or str(status)
            reasons.setdefault(UNREACHABLE if text.startswith(("403", "unreachable")) else text[:200], []).append(
                receipt_id)
    undecided = and_(BroadcastReceipt.delivered_at.is_(None), BroadcastReceipt.failed_reason.is_(None))
    changed = 0
    for chunk in _chunks(delivered):
        sent_at = select(OutboxMessage.sent_at).where(OutboxMessage.id == BroadcastReceipt.outbox_id).scalar_subquery()
        changed += execute_dml(session, update(BroadcastReceipt).where(BroadcastReceipt.id.in_(chunk), undecided)
                                        .values(delivered_at=sent_at).execution_options(synchronize_session=False)
                                        ).rowcount or 0
    for reason, ids in reasons.items():
        for chunk in _chunks(ids):
            changed += execute_dml(session, update(BroadcastReceipt).where(BroadcastReceipt.id.in_(chunk), undecided)
                                            .values(failed_reason=reason).execution_options(synchronize_session=False)
                                            ).rowcount or 0
    return changed


def _chunks(items: list[Any], size: int = 500) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def counts(session: Session, occurrence: BroadcastOccurrence) -> Counts:
    read = BroadcastReceipt.read_at.is_not(None)
    delivered = or_(BroadcastReceipt.delivered_at.is_not(None), read)
    unreachable = and_(~delivered, BroadcastReceipt.failed_reason == UNREACHABLE)
    failed = and_(~delivered, BroadcastReceipt.failed_reason.is_not(None),
                  BroadcastReceipt.failed_reason != UNREACHABLE)

    def total(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = session.execute(
        select(func.count(), total(delivered), total(read), total(unreachable), total(failed))
        .where(BroadcastReceipt.broadcast_id == occurrence.broadcast_id,
               BroadcastReceipt.occurrence == occurrence.occurrence)
    ).one()
    n, d, r, u, f = (int(v or 0) for v in row)
    return Counts(recipients=n, delivered=d, read=r, unreachable=u, failed=f, pending=n - d - u - f)


def reports_to_refresh(session: Session, *, since: datetime) -> list[tuple[BroadcastOccurrence, Broadcast]]:
    """Occurrences made since `since` whose report message is known or on its way (their receipts may
    still change: results come in, recipients press 已阅)."""
    return [(occ, broadcast) for occ, broadcast in session.execute(
        select(BroadcastOccurrence, Broadcast).join(Broadcast, Broadcast.id == BroadcastOccurrence.broadcast_id)
        .where(BroadcastOccurrence.created_at >= since).order_by(BroadcastOccurrence.id))]


def report_row(session: Session, broadcast_id: int, number: int) -> OutboxMessage | None:
    return outbox.by_key(session, report_key(broadcast_id, number))


def set_report(session: Session, occurrence_id: int, *, message_id: int | None = None, shown: str | None = None) -> None:
    values: dict[str, Any] = {}
    if message_id is not None:
        values["report_message_id"] = message_id
    if shown is not None:
        values["report_shown"] = shown
    if values:
        session.execute(update(BroadcastOccurrence).where(BroadcastOccurrence.id == occurrence_id).values(**values)
                        .execution_options(synchronize_session=False))


@dataclass(frozen=True)
class ReadResult:
    """What an 已阅 press did: whether the presser's receipt was found, and whether it was read just now."""

    found: bool
    newly_read: bool


def mark_read(session: Session, *, broadcast_id: int, number: int, telegram_user_id: int,
              now: datetime) -> ReadResult:
    """已阅 pressed: the presser's own receipt of that occurrence is read (once). Whatever the callback data
    says, only a receipt of the presser's own membership can change."""
    receipt_id = session.scalar(
        select(BroadcastReceipt.id).join(Member, Member.id == BroadcastReceipt.member_id)
        .where(BroadcastReceipt.broadcast_id == broadcast_id, BroadcastReceipt.occurrence == number,
               Member.telegram_user_id == telegram_user_id, Member.status != MemberStatus.REMOVED))
    if receipt_id is None:
        return ReadResult(False, False)
    changed = execute_dml(session, update(BroadcastReceipt).where(BroadcastReceipt.id == receipt_id,
                                                                  BroadcastReceipt.read_at.is_(None))
                                   .values(read_at=now).execution_options(synchronize_session=False)).rowcount
    return ReadResult(True, bool(changed))


def unread(session: Session, occurrence: BroadcastOccurrence) -> list[Member]:
    """Recipients who have it (delivered) and have not pressed 已阅, by name."""
    return list(session.scalars(
        select(Member).join(BroadcastReceipt, BroadcastReceipt.member_id == Member.id)
        .where(BroadcastReceipt.broadcast_id == occurrence.broadcast_id,
               BroadcastReceipt.occurrence == occurrence.occurrence,
               BroadcastReceipt.delivered_at.is_not(None), BroadcastReceipt.read_at.is_(None))
        .order_by(Member.id)))


def not_read(session: Session, occurrence: BroadcastOccurrence) -> list[tuple[Member, str]]:
    """Everyone who has not read it, with why: 'unread', 'pending', 'unreachable' or 'failed'."""
    rows = session.execute(
        select(Member, BroadcastReceipt).join(BroadcastReceipt, BroadcastReceipt.member_id == Member.id)
        .where(BroadcastReceipt.broadcast_id == occurrence.broadcast_id,
               BroadcastReceipt.occurrence == occurrence.occurrence, BroadcastReceipt.read_at.is_(None))
        .order_by(Member.id)).all()
    result = []
    for member, receipt in rows:
        if receipt.delivered_at is not None:
            why = "unread"
        elif receipt.failed_reason == UNREACHABLE:
            why = "unreachable"
        elif receipt.failed_reason is not None:
            why = "failed"
        else:
            why = "pending"
        result.append((member, why))
    return result


def take_renudge(session: Session, occurrence_id: int, *, expected: int) -> bool:
    """Compare-and-set on the press count, so one press (or a double tap) sends one round of reminders."""
    return bool(execute_dml(session, update(BroadcastOccurrence).where(BroadcastOccurrence.id == occurrence_id,
                                                                       BroadcastOccurrence.renudges == expected)
                                     .values(renudges=expected + 1).execution_options(synchronize_session=False)).rowcount)


def enqueue_renudge(session: Session, broadcast: Broadcast, occurrence: BroadcastOccurrence, n: int, *,
                    render: Render, now: datetime) -> int:
    """Round `n` of reminders to those delivered and not read; returns how many were enqueued."""
    sent = 0
    for member in unread(session, occurrence):
        if reachable(member) and outbox.enqueue(
                session, key=nudge_key(broadcast.id, occurrence.occurrence, n, member.id),
                chat_id=member.telegram_user_id, kind=NUDGE_KIND, payload=render(member), not_before=now,
                team_id=broadcast.team_id, member_id=member.id, urgent=True, now=now):
            sent += 1
    return sent


def latest_occurrences(session: Session, broadcast_ids: Iterable[int]) -> dict[int, BroadcastOccurrence]:
    ids = list(broadcast_ids)
    if not ids:
        return {}
    latest: dict[int, BroadcastOccurrence] = {}
    for occ in session.scalars(select(BroadcastOccurrence).where(BroadcastOccurrence.broadcast_id.in_(ids))
                               .order_by(BroadcastOccurrence.occurrence)):
        latest[occ.broadcast_id] = occ
    return latest
