"""Yearly targets: the config's defaults, overridden per team and then per member by an admin."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Targets
from core.domain import Duty
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
