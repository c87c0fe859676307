"""Yearly targets: the config's defaults, overridden per team and then per member by an admin."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Targets
from core.domain import Duty
from storage import audit
from storage.models import Target


def yearly_targets(session: Session, *, team_id: int, member_id: int, year: int, defaults: Targets) -> dict[Duty, Decimal]:
    targets = {Duty(name): Decimal(value) for name, value in dataclasses.asdict(defaults).items()}
    rows = session.execute(
        select(Target.member_id, Target.duty, Target.value).where(
            Target.team_id == team_id, Target.year == year,
            (Target.member_id.is_(None)) | (Target.member_id == member_id),
        )
    ).all()
    # The team's own numbers first, then the member's override on top.
    for override_member, duty, value in sorted(rows, key=lambda row: row[0] is not None):
        targets[duty] = value
    return targets


def overrides(session: Session, *, team_id: int, year: int) -> list[Target]:
    """The team's own numbers and members' overrides for the year (the config's defaults are not rows)."""
    return list(session.scalars(select(Target).where(Target.team_id == team_id, Target.year == year)
                                .order_by(Target.member_id.is_not(None), Target.member_id, Target.duty)))


def set_value(session: Session, *, team_id: int, year: int, duty: Duty, value: Decimal, member_id: int | None,
              actor_member_id: int, actor_telegram_id: int, now: datetime) -> Decimal | None:
    """Sets the team's (member_id None) or one member's target; audited. Returns the value it replaced."""
    row = session.scalar(select(Target).where(Target.team_id == team_id, Target.year == year, Target.duty == duty,
                                              Target.member_id.is_(None) if member_id is None
                                              else Target.member_id == member_id))
    before = row.value if row is not None else None
    if row is None:
        row = Target(team_id=team_id, member_id=member_id, year=year, duty=duty, value=value)
        session.add(row)
    else:
        row.value = value
    session.flush()
    audit.record(session, action="set_target", entity="target", entity_id=row.id, team_id=team_id, now=now,
                 actor_member_id=actor_member_id, actor_telegram_id=actor_telegram_id,
                 before={"value": before} if before is not None else None,
                 after={"year": year, "duty": duty.value, "member_id": member_id, "value": value})
    return before
