"""A member's year at a glance: done against target for every duty, their pace, their open items."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from config import Config
from core import pace
from core.domain import Duty, MotionKind, StudyKind
from storage import leave, motions, study, targets, tasks, trips
from storage.models import FollowUpItem, Member, Motion, Task, TaskAssignment

STUDY_KINDS_FOR = {
    Duty.COLLECTIVE_STUDY: [StudyKind.COLLECTIVE, StudyKind.THEORY_GROUP],
    Duty.LAW_STUDY: [StudyKind.LAW],
}


@dataclass(frozen=True)
class YearProgress:
    year: int
    today: date
    duties: list[pace.DutyPace]
    follow_ups: list[FollowUpItem]
    motions: list[Motion]
    tasks: list[tuple[TaskAssignment, Task]] = field(default_factory=list)  # supervised tasks not closed yet


def done_by_duty(session: Session, member: Member, year: int) -> dict[Duty, Decimal]:
    first, last = date(year, 1, 1), date(year, 12, 31)
    return {
        Duty.RESEARCH_DAYS: Decimal(trips.grassroots_days(session, member.id, year)),
        Duty.KEY_RESEARCH_TOPICS: Decimal(trips.key_topics_count(session, member.id, year)),
        Duty.COLLECTIVE_STUDY: Decimal(study.attended_count(
            session, member_id=member.id, kinds=STUDY_KINDS_FOR[Duty.COLLECTIVE_STUDY], start=first, end=last)),
        Duty.LAW_STUDY: Decimal(study.attended_count(
            session, member_id=member.id, kinds=STUDY_KINDS_FOR[Duty.LAW_STUDY], start=first, end=last)),
        Duty.KEY_SUGGESTIONS: Decimal(motions.key_led_count(session, member.id, year, MotionKind.SUGGESTION)),
        Duty.KEY_PROPOSALS: Decimal(motions.key_led_count(session, member.id, year, MotionKind.PROPOSAL)),
    }


def year_progress(session: Session, member: Member, *, today: date, config: Config) -> YearProgress:
    year = today.year
    availability = pace.Availability(
        year=year, joined_on=member.joined_on, leave=leave.spans_in_year(session, member_id=member.id, year=year)
    )
    yearly = targets.yearly_targets(session, team_id=member.team_id, member_id=member.id, year=year,
                                    defaults=config.team_defaults.targets)
    quarters = targets.quarter_targets(session, team_id=member.team_id, member_id=member.id, year=year)
    done = done_by_duty(session, member, year)
    tolerance = Decimal(str(config.pace.behind_tolerance))
    lagging = Decimal(str(config.pace.lagging_threshold))
    duties = [
        pace.duty_pace(duty, done=done[duty], yearly_target=yearly[duty], availability=availability, today=today,
                       tolerance=tolerance, lagging=lagging, quarters=quarters.get(duty))
        for duty in Duty
    ]
    return YearProgress(year=year, today=today, duties=duties, follow_ups=trips.open_follow_ups(session, member.id),
                        motions=motions.open_for(session, member.id),
                        tasks=tasks.open_for(session, member.id, include_reported=True))
