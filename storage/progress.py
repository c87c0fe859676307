"""A member's year at a glance: done against target for every duty, their pace, their open items."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from config import Config
from core import pace
from core.domain import Duty, MotionKind, StudyKind, TopicStage
from core.team_duties import TeamDutyPace
from core.team_duties import duty_pace as team_duty_pace
from storage import leave, motions, study, targets, tasks, team_duties, trips
from storage import topics as topic_queries
from storage.models import FollowUpItem, Member, Motion, Task, TaskAssignment

STUDY_KINDS_FOR = {
    Duty.COLLECTIVE_STUDY: [StudyKind.COLLECTIVE, StudyKind.THEORY_GROUP],
    Duty.LAW_STUDY: [StudyKind.LAW],
}


@dataclass(frozen=True)
class YearProgress:
    """A member's year at a glance, as of ``today``: each duty's pace, their open items, key topics and
    the team's own duties."""

    year: int
    today: date
    duties: list[pace.DutyPace]
    follow_ups: list[FollowUpItem]
    motions: list[Motion]
    tasks: list[tuple[TaskAssignment, Task]] = field(default_factory=list)  # supervised tasks not closed yet
    # the key topics of the year with their stage, and the stage at which the team counts one
    topics: list[tuple[str, TopicStage]] = field(default_factory=list)
    topic_counting: TopicStage | None = None
    team_duties: list[TeamDutyPace] = field(default_factory=list)  # the team's own duties in use


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


def office_availability(year: int, took_office_on: date | None, left_office_on: date | None,
                        leave: Iterable[tuple[date, date]]) -> pace.Availability:
    """When a member counts in ``year``: their 任职日期 through 离任日期 (the day they first opened the bot
    plays no part), less their leave."""
    if took_office_on is not None and left_office_on is not None and left_office_on < took_office_on:
        left_office_on = None  # refused when typed; never let a stray row break the board
    return pace.Availability(year=year, from_day=took_office_on, until_day=left_office_on, leave=tuple(leave))


def availability_of(session: Session, member: Member, year: int) -> pace.Availability:
    """When ``member`` counts in ``year``: their term of office less their leave."""
    return office_availability(year, member.took_office_on, member.left_office_on,
                               leave.spans_in_year(session, member_id=member.id, year=year))


def team_duty_paces(session: Session, member: Member, duties: Sequence[team_duties.DutyTerms], *, today: date,
                    config: Config,
                    availability: pace.Availability | None = None) -> list[TeamDutyPace]:
    """The member's pace on each of the team's own ``duties`` (as they stood on ``today``:
    storage.team_duties.in_force) in ``today``'s year, its target pro-rated to their term less leave as the race
    does: the lines of /me and the year's total /log answers with."""
    year = today.year
    if availability is None:
        availability = availability_of(session, member, year)
    done = team_duties.done(session, [member.id], [d.id for d in duties], first=date(year, 1, 1),
                            last=date(year, 12, 31))
    tolerance = Decimal(str(config.pace.behind_tolerance))
    lagging = Decimal(str(config.pace.lagging_threshold))
    return [team_duty_pace(d.name, d.unit, done=done.get((member.id, d.id), Decimal(0)),
                           yearly_target=d.yearly_target, availability=availability, today=today,
                           tolerance=tolerance, lagging=lagging) for d in duties]


def year_progress(session: Session, member: Member, *, today: date, config: Config) -> YearProgress:
    year = today.year
    availability = availability_of(session, member, year)
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
    own = team_duties.in_force(session, member.team_id, today, ZoneInfo(member.team.timezone))
    extra = team_duty_paces(session, member, own, today=today, config=config, availability=availability)
    return YearProgress(year=year, today=today, duties=duties, follow_ups=trips.open_follow_ups(session, member.id),
                        motions=motions.open_for(session, member.id),
                        tasks=tasks.open_for(session, member.id, include_reported=True),
                        topics=topic_stages(session, member.id, year),
                        topic_counting=topic_queries.counting_stage(member.team), team_duties=extra)


def topic_stages(session: Session, member_id: int, year: int) -> list[tuple[str, TopicStage]]:
    """The member's key topics of ``year``, each with its stage (立项 … 成果转化)."""
    return [(topic.title, topic.stage or TopicStage.REGISTERED) for topic in trips.key_topics(session, member_id, year)]
