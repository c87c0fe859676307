"""Yearly targets: the config's defaults, overridden per team and then per member by an admin; and the
quarter targets (季目标) a team may set per duty (the cumulative targets at the end of Q1–Q3 on the
row, its value being Q4 = the year). A row without them spreads its year evenly; a member's own row
replaces the team's, quarters and all. Setting a year alone clears the row's quarters."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Config, Targets
from core.domain import Duty, MemberStatus
from core.pace import QuarterTargets
from storage import audit
from storage.models import AuditEntry, Member, Target


def yearly_targets(session: Session, *, team_id: int, member_id: int, year: int, defaults: Targets) -> dict[Duty, Decimal]:
    targets = {Duty(name): Decimal(value) for name, value in dataclasses.asdict(defaults).items()}
    rows = session.execute(
        select(Target.member_id, Target.duty, Target.value).where(
            Target.team_id == team_id, Target.year == year,
            (Target.member_id.is_(None)) | (Target.member_id == member_id),
        )
    ).all()
    # The team's own numbers first, then the member's override on top.
    for _member, duty, value in sorted(rows, key=lambda row: row[0] is not None):
        targets[duty] = value
    return targets


def quarters_of(row: Target) -> QuarterTargets | None:
    """The row's quarter targets, or None when the year is spread evenly."""
    if row.q1 is None or row.q2 is None or row.q3 is None:
        return None
    return QuarterTargets(row.q1, row.q2, row.q3, row.value)


def quarter_targets(session: Session, *, team_id: int, member_id: int, year: int) -> dict[Duty, QuarterTargets]:
    """The duties whose target for this member follows quarter targets (the member's own row first)."""
    rows = session.scalars(select(Target).where(
        Target.team_id == team_id, Target.year == year,
        (Target.member_id.is_(None)) | (Target.member_id == member_id))).all()
    winning: dict[Duty, Target] = {}
    for row in sorted(rows, key=lambda r: r.member_id is not None):
        winning[row.duty] = row
    return {duty: found for duty, row in winning.items() if (found := quarters_of(row)) is not None}


def set_quarters(session: Session, *, team_id: int, year: int, duty: Duty, quarters: QuarterTargets,
                 member_id: int | None, actor_member_id: int, actor_telegram_id: int, now: datetime) -> None:
    """Sets the team's (member_id None) or one member's quarter targets, Q4 being the year; audited."""
    row = session.scalar(select(Target).where(Target.team_id == team_id, Target.year == year, Target.duty == duty,
                                              Target.member_id.is_(None) if member_id is None
                                              else Target.member_id == member_id))
    before = None if row is None else {"value": row.value, "q1": row.q1, "q2": row.q2, "q3": row.q3}
    if row is None:
        row = Target(team_id=team_id, member_id=member_id, year=year, duty=duty, value=quarters.q4)
        session.add(row)
    row.q1, row.q2, row.q3, row.value = quarters.q1, quarters.q2, quarters.q3, quarters.q4
    session.flush()
    audit.record(session, action="set_target", entity="target", entity_id=row.id, team_id=team_id, now=now,
                 actor_member_id=actor_member_id, actor_telegram_id=actor_telegram_id, before=before,
                 after={"year": year, "duty": duty.value, "member_id": member_id, "value": quarters.q4,
                        "q1": quarters.q1, "q2": quarters.q2, "q3": quarters.q3})


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
        row.value, row.q1, row.q2, row.q3 = value, None, None, None  # a year alone is spread evenly
    session.flush()
    audit.record(session, action="set_target", entity="target", entity_id=row.id, team_id=team_id, now=now,
                 actor_member_id=actor_member_id, actor_telegram_id=actor_telegram_id,
                 before={"value": before} if before is not None else None,
                 after={"year": year, "duty": duty.value, "member_id": member_id, "value": value})
    return before


@dataclasses.dataclass(frozen=True)
class Overview:
    """The year's numbers that are rows: the team's per duty (with quarters where set) and members' own."""

    team_values: dict[Duty, Decimal]
    team_quarters: dict[Duty, QuarterTargets]
    member_values: list[tuple[str, Duty, Decimal, QuarterTargets | None]]  # (name, duty, value, quarters)


def overview(session: Session, *, team_id: int, year: int) -> Overview:
    rows = overrides(session, team_id=team_id, year=year)
    names = {m.id: m.display_name for m in session.scalars(
        select(Member).where(Member.team_id == team_id, Member.status != MemberStatus.REMOVED))}
    return Overview(
        team_values={r.duty: r.value for r in rows if r.member_id is None},
        team_quarters={r.duty: found for r in rows if r.member_id is None and (found := quarters_of(r))},
        member_values=[(names[r.member_id], r.duty, r.value, quarters_of(r)) for r in rows
                       if r.member_id is not None and r.member_id in names])


def defaults_of(config: Config) -> dict[Duty, Decimal]:
    """The config's default yearly target per duty."""
    return {Duty(k): Decimal(v) for k, v in dataclasses.asdict(config.team_defaults.targets).items()}


def confirmed_by(session: Session, *, team_id: int, year: int) -> int | None:
    """The member who confirmed the team's targets for ``year`` (the 年度清单's question), or None."""
    for actor, after in session.execute(select(AuditEntry.actor_member_id, AuditEntry.after).where(
            AuditEntry.team_id == team_id, AuditEntry.entity == "team", AuditEntry.action == "confirm_targets")):
        if (after or {}).get("year") == year:
            return int(actor) if actor is not None else None
    return None


def confirm(session: Session, *, team_id: int, year: int, actor: Member, now: datetime) -> int | None:
    """Records that ``actor`` confirmed the year's targets (audited); returns who had already, if someone had."""
    earlier = confirmed_by(session, team_id=team_id, year=year)
    if earlier is not None:
        return earlier
    audit.record(session, action="confirm_targets", entity="team", entity_id=team_id, team_id=team_id, now=now,
                 actor=actor, after={"year": year})
    return None
