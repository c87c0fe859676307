"""Queries about the suggestions (人大建议) and proposals (政协提案) members lead, and their closed loop.

The rules live in `core.motions`; this module turns a `Motion` row into a `MotionState`, stores the
state a rule returned (with an audit entry), and answers the questions `/me`, `/proposals` and the
race board ask.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import motions as rules
from core.domain import MotionKind, MotionStatus, ResultClass
from core.motions import MotionState
from storage import audit, lookback, outbox
from storage.models import Member, Motion

UNREPLIED = (MotionStatus.ASSIGNED, MotionStatus.HANDLING)
NOT_CLOSED = (MotionStatus.ASSIGNED, MotionStatus.HANDLING, MotionStatus.REPLIED)


def create(
    session: Session, *, lead: Member, kind: MotionKind, number: str, title: str, is_key: bool,
    assigned_on: date, reply_due_months: int, now: datetime,
) -> Motion:
    """A motion the member leads, just assigned (交办), due `reply_due_months` after assignment."""
    state = rules.new_motion(assigned_on, months=reply_due_months)
    motion = Motion(team_id=lead.team_id, kind=kind, number=number, title=title, is_key=is_key,
                    lead_member_id=lead.id, assigned_on=assigned_on, reply_due=state.reply_due,
                    status=state.status, reopened=0, created_at=now)
    session.add(motion)
    session.flush()
    audit.record(session, action="create", entity="motion", entity_id=motion.id, team_id=lead.team_id, now=now,
                 actor=lead, after={"kind": kind.value, "number": number, "title": title, "is_key": is_key,
                        "assigned_on": assigned_on, "reply_due": state.reply_due})
    return motion


def number_taken(session: Session, *, team_id: int, kind: MotionKind, number: str, year: int,
                 excluding: int | None = None) -> bool:
    """Whether the team already has a motion of this kind and number assigned in `year`, other than the motion
    `excluding` (the one being corrected, which is no duplicate of itself).

    Numbers are kept as written, so 第0123号 and 第123号 are compared without leading zeros.
    """
    query = select(Motion.number).where(
        Motion.team_id == team_id, Motion.kind == kind, Motion.deleted_at.is_(None),
        Motion.assigned_on.between(date(year, 1, 1), date(year, 12, 31)),
    )
    if excluding is not None:
        query = query.where(Motion.id != excluding)
    written = session.scalars(query)
    wanted = number.lstrip("0")
    return any(n.lstrip("0") == wanted for n in written)


def by_id(session: Session, motion_id: int, *, for_update: bool = False) -> Motion | None:
    """A motion that is not deleted; `for_update` locks its row on PostgreSQL until the commit."""
    motion = session.get(Motion, motion_id, with_for_update=for_update or None)
    return motion if motion is not None and motion.deleted_at is None else None


def lead_of(session: Session, motion: Motion) -> Member | None:
    """The member who leads the motion (None if the row is gone)."""
    return session.get(Member, motion.lead_member_id)


def state_of(motion: Motion) -> MotionState:
    """The row as the pure rules see it."""
    return MotionState(status=motion.status, reply_due=motion.reply_due, replied_on=motion.replied_on,
                       result_class=motion.result_class, satisfaction=motion.satisfaction,
                       reopened=motion.reopened or 0, assigned_on=motion.assigned_on)


_STATE_FIELDS = ("status", "reply_due", "replied_on", "result_class", "satisfaction", "reopened")


def _snapshot(motion: Motion) -> dict[str, Any]:
    return {name: _plain(getattr(motion, name)) for name in _STATE_FIELDS}


def _plain(value: Any) -> Any:
    return getattr(value, "value", value)


def apply(session: Session, motion: Motion, new: MotionState, *, action: str, actor: Member,
          now: datetime) -> None:
    """Stores the state a rule of `core.motions` returned, and audits who moved it from what to what."""
    before = _snapshot(motion)
    motion.status = new.status
    motion.reply_due = new.reply_due
    motion.replied_on = new.replied_on
    motion.result_class = new.result_class
    motion.satisfaction = new.satisfaction
    motion.reopened = new.reopened
    after = _snapshot(motion)
    if motion.status not in UNREPLIED:  # replied or closed: a nudge queued before must not arrive after
        _withdraw_nudges(session, motion)
    audit.record(session, action=action, entity="motion", entity_id=motion.id, team_id=motion.team_id, now=now,
                 actor=actor, before={k: v for k, v in before.items() if after[k] != v},
                 after={k: v for k, v in after.items() if before[k] != v})
    if (new.status is MotionStatus.REPLIED and new.result_class is ResultClass.B
            and before["status"] != MotionStatus.REPLIED.value):  # answered B-class (planned): 回头看 in some months
        lookback.open_round(session, team_id=motion.team_id, kind=lookback.MOTION, item_id=motion.id,
                            owner_id=motion.lead_member_id, now=now)


def _withdraw_nudges(session: Session, motion: Motion) -> None:
    outbox.withdraw_item(session, team_id=motion.team_id, kind="motion", item_id=motion.id,
                         member_id=motion.lead_member_id)


# --- /mine: the lead member's own motions, to correct or delete ---


def own_motions(session: Session, member_id: int) -> list[Motion]:
    """The motions the member leads, not deleted, the latest logged first (for /mine)."""
    return list(session.scalars(
        select(Motion).where(Motion.lead_member_id == member_id, Motion.deleted_at.is_(None))
        .order_by(Motion.created_at.desc(), Motion.id.desc())
    ))


def own_motion(
    session: Session, member_id: int, motion_id: int, *, for_update: bool = False,
) -> Motion | None:
    """The motion if the member leads it and it is not deleted; `for_update` locks its row on PostgreSQL."""
    query = select(Motion).where(Motion.id == motion_id, Motion.lead_member_id == member_id,
                                 Motion.deleted_at.is_(None))
    return session.scalar(query.with_for_update() if for_update else query)


def _record_snapshot(motion: Motion) -> dict[str, Any]:
    return {"kind": _plain(motion.kind), "number": motion.number, "title": motion.title,
            "is_key": motion.is_key, "assigned_on": motion.assigned_on, "reply_due": motion.reply_due}


def correct(
    session: Session, motion: Motion, *, actor: Member, kind: MotionKind, number: str, title: str,
    is_key: bool, assigned_on: date, reply_due_months: int, now: datetime,
) -> None:
    """The lead corrects what they logged; the deadline follows a new assignment date only by
    `core.motions.corrected_due` (never while replied or closed, never undoing an admin's extension).
    Audited with the whole record before and after."""
    before = _record_snapshot(motion)
    due = rules.corrected_due(state_of(motion), assigned_on=assigned_on, months=reply_due_months)
    motion.kind, motion.number, motion.title, motion.is_key = kind, number, title, is_key
    motion.assigned_on, motion.reply_due = assigned_on, due
    audit.record(session, action="update", entity="motion", entity_id=motion.id, team_id=motion.team_id,
                 now=now, actor=actor, before=before, after=_record_snapshot(motion))


def delete(session: Session, motion: Motion, *, actor: Member, now: datetime) -> None:
    """Soft-deletes the motion: kept in the database and the audit log, gone from /me, /proposals and
    the counts."""
    _withdraw_nudges(session, motion)
    audit.soft_delete(session, motion, entity="motion", actor=actor, now=now,
                      before={**_record_snapshot(motion), "status": _plain(motion.status)})


def open_for(session: Session, member_id: int) -> list[Motion]:
    """The member's motions not replied yet (assigned or being handled), soonest due first."""
    return list(session.scalars(
        select(Motion)
        .where(Motion.lead_member_id == member_id, Motion.status.in_(UNREPLIED), Motion.deleted_at.is_(None))
        .order_by(Motion.reply_due, Motion.id)
    ))


def unclosed_for(session: Session, member_id: int) -> list[Motion]:
    """The member's motions still in their loop (replied ones wait for the deputy), newest first."""
    return list(session.scalars(
        select(Motion)
        .where(Motion.lead_member_id == member_id, Motion.status.in_(NOT_CLOSED), Motion.deleted_at.is_(None))
        .order_by(Motion.assigned_on.desc(), Motion.id.desc())
    ))


def unclosed_for_team(session: Session, team_id: int, *,
                      assigned_before: date | None = None) -> list[tuple[Motion, str]]:
    """The team's motions still in their loop with their lead's name, soonest due first (for the office); only
    those 交办 before ``assigned_before`` when given (an earlier year's still open)."""
    before = [] if assigned_before is None else [Motion.assigned_on < assigned_before]
    rows = session.execute(
        select(Motion, Member.display_name)
        .join(Member, Member.id == Motion.lead_member_id)
        .where(Motion.team_id == team_id, Motion.status.in_(NOT_CLOSED), Motion.deleted_at.is_(None), *before)
        .order_by(Motion.reply_due, Motion.id)
    )
    return [(motion, name) for motion, name in rows]


def key_led_count(session: Session, member_id: int, year: int, kind: MotionKind) -> int:
    """Key motions of this kind the member leads that were assigned in `year` (领办重点建议/提案)."""
    return session.scalar(
        select(func.count()).select_from(Motion).where(
            Motion.lead_member_id == member_id, Motion.kind == kind, Motion.is_key.is_(True),
            Motion.assigned_on.between(date(year, 1, 1), date(year, 12, 31)), Motion.deleted_at.is_(None),
        )
    ) or 0


def on_time_rate(session: Session, member_id: int, year: int, today: date) -> Decimal | None:
    """Share of the member's motions assigned in `year` replied by their due date (按期办理并及时答复),
    judged as of `today` (see `core.motions.on_time_rate`); None when there is nothing to judge yet."""
    led = session.scalars(
        select(Motion).where(
            Motion.lead_member_id == member_id, Motion.deleted_at.is_(None),
            Motion.assigned_on.between(date(year, 1, 1), date(year, 12, 31)),
        )
    )
    return rules.on_time_rate([state_of(m) for m in led], today=today)


def visible(session: Session, member: Member, motion_id: int) -> Motion | None:
    """The motion if this member may see it: one they lead, or any of the team's for the office; never
    another team's, never a deleted one."""
    query = select(Motion).where(Motion.id == motion_id, Motion.team_id == member.team_id,
                                 Motion.deleted_at.is_(None))
    if not member.role.is_admin:
        query = query.where(Motion.lead_member_id == member.id)
    return session.scalar(query)
