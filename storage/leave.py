"""Queries about approved leave (请假 / 出国 / 脱产学习), which pauses a member's pace."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.db import among
from storage.models import LeavePeriod, Member


def spans_in_year(session: Session, *, member_id: int, year: int) -> tuple[tuple[date, date], ...]:
    rows = session.execute(
        select(LeavePeriod.start_date, LeavePeriod.end_date).where(
            LeavePeriod.member_id == member_id,
            LeavePeriod.start_date <= date(year, 12, 31),
            LeavePeriod.end_date >= date(year, 1, 1),
        )
    ).all()
    return tuple((start, end) for start, end in rows)


def on_leave(session: Session, *, team_id: int, day: date) -> set[int]:
    """Ids of the team's members on leave on ``day``: nothing personal reaches them or is said of them."""
    return set(session.scalars(
        select(LeavePeriod.member_id).join(Member, Member.id == LeavePeriod.member_id).where(
            Member.team_id == team_id, LeavePeriod.start_date <= day, LeavePeriod.end_date >= day)))


def spans_of(session: Session, member_ids: Iterable[int], *, first: date, last: date) -> dict[int, list[tuple[date, date]]]:
    """Member → their leave spans touching ``first``…``last`` (one query; the scheduling tick asks for the
    members whose items are due, each on their team's day)."""
    spans: dict[int, list[tuple[date, date]]] = {}
    for member_id, start, end in session.execute(select(
            LeavePeriod.member_id, LeavePeriod.start_date, LeavePeriod.end_date).where(
            among(session, LeavePeriod.member_id, member_ids), LeavePeriod.start_date <= last,
            LeavePeriod.end_date >= first)):
        spans.setdefault(member_id, []).append((start, end))
    return spans
