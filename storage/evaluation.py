"""The year-end evaluation's data (年末有考评): each racing member's figures for the year (`core.evaluation`,
from the race's own inputs, storage/race.py) and the office's grade and comment (table `evaluations`), recorded
until the office publishes the team's evaluation, then fixed.

Figures are read as of the year's last day (or today while the year runs): the year's score and rank, the
twelve months' boards (who led which month), the key research topic's stage. Grades come from config
`[evaluation] grades`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from config import Config
from core import evaluation as rules
from core import pace, race
from core.domain import Language, TopicStage
from storage import audit
from storage import race as race_data
from storage.models import Evaluation, Member, ResearchTopic, Team


def grades(config: Config) -> list[str]:
    """The grades the office may give, best first."""
    return list(config.evaluation.grades)


@dataclass(frozen=True)
class Entry:
    """One racing member's line of the team's evaluation."""

    member_id: int
    name: str
    telegram_user_id: int
    figures: rules.MemberEvaluation
    grade: str | None
    comment: str | None
    published_at: datetime | None  # None until the office publishes

    @property
    def published(self) -> bool:
        return self.published_at is not None


@dataclass(frozen=True)
class TeamEvaluation:
    """A team's evaluation for the year: each racing member's entry, by rank, with figures as of
    ``day``."""

    team_id: int
    team_name: str
    year: int
    day: date  # the figures' day: the year's last, or today while it runs
    entries: list[Entry]  # by rank (the unranked last)

    @property
    def published(self) -> bool:
        return bool(self.entries) and all(entry.published for entry in self.entries)

    def entry_of(self, member_id: int) -> Entry | None:
        return next((entry for entry in self.entries if entry.member_id == member_id), None)

    @property
    def ungraded(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.grade is None]


def figures_day(year: int, today: date) -> date:
    return min(today, date(year, 12, 31))


def topic_stages(session: Session, team_id: int, year: int) -> dict[int, TopicStage]:
    """Each lead's key topic of the year at its furthest stage (core.evaluation.furthest_stage)."""
    found: dict[int, list[TopicStage]] = {}
    for member_id, stage in session.execute(
            select(ResearchTopic.lead_member_id, ResearchTopic.stage).where(
                ResearchTopic.team_id == team_id, ResearchTopic.year == year, ResearchTopic.deleted_at.is_(None))):
        found.setdefault(member_id, []).append(stage)
    return {member_id: furthest for member_id, stages in found.items()
            if (furthest := rules.furthest_stage(stages)) is not None}


def team_evaluation(session: Session, team: Team, year: int, *, today: date, config: Config) -> TeamEvaluation:
    """The figures for ``year`` of every racing member in office at some time in it (`core.pace.in_office_during`:
    not one who took office after it or left before it), with the office's grade and comment."""
    day = figures_day(year, today)
    period = race.Period(race.PeriodKind.YEAR, year)
    scores = race_data.scores(session, team, period, as_of=day, config=config)
    board = race.rank(scores)
    monthly: dict[int, list[race.Ranked]] = {}
    for month in range(1, day.month + 1):
        month_period = race.Period(race.PeriodKind.MONTH, year, month)
        monthly[month] = race.rank(race_data.scores(session, team, month_period, as_of=day, config=config))
    topics = topic_stages(session, team.id, year)
    people = {c.member_id: c for c in race_data.contenders(session, team.id)
              if pace.in_office_during(year, c.took_office_on, c.left_office_on)}
    records = {row.member_id: row for row in session.scalars(
        select(Evaluation).where(Evaluation.team_id == team.id, Evaluation.year == year))}
    order = {entry.member_id: place for place, entry in enumerate(board)}
    entries = []
    for score in sorted(scores, key=lambda s: (order.get(s.member_id, len(order)), s.member_id)):
        person = people.get(score.member_id)
        if person is None:
            continue
        record = records.get(score.member_id)
        entries.append(Entry(
            member_id=score.member_id, name=person.name, telegram_user_id=person.telegram_user_id,
            figures=rules.evaluate(score, board, monthly, topics.get(score.member_id)),
            grade=record.grade if record else None, comment=record.comment if record else None,
            published_at=record.published_at if record else None))
    return TeamEvaluation(team.id, team.name, year, day, entries)


def with_records(session: Session, found: TeamEvaluation) -> TeamEvaluation:
    """``found`` with the office's grades, comments and publishing as stored now (one query): the figures take
    seconds for a big team and are read outside the transaction that writes, which then refreshes only these."""
    records = {row.member_id: row for row in session.scalars(
        select(Evaluation).where(Evaluation.team_id == found.team_id, Evaluation.year == found.year))}
    entries = [dataclasses.replace(entry, grade=record.grade if record else None,
                                   comment=record.comment if record else None,
                                   published_at=record.published_at if record else None)
               for entry in found.entries for record in [records.get(entry.member_id)]]
    return dataclasses.replace(found, entries=entries)


def _row(session: Session, team_id: int, year: int, member_id: int, actor: Member, now: datetime) -> Evaluation | None:
    """The member's row for the year (made when missing); None once published (it no longer changes)."""
    row = session.scalar(select(Evaluation).where(Evaluation.team_id == team_id, Evaluation.year == year,
                                                  Evaluation.member_id == member_id).with_for_update())
    if row is None:
        row = Evaluation(team_id=team_id, year=year, member_id=member_id, by_member_id=actor.id, at=now)
        session.add(row)
        session.flush()
    return None if row.published_at is not None else row


def _record(session: Session, field: Literal["grade", "comment"], value: str, *, action: str, team_id: int,
            year: int, member_id: int, actor: Member, now: datetime) -> bool:
    row = _row(session, team_id, year, member_id, actor, now)
    if row is None:
        return False
    before = getattr(row, field)
    if before == value:  # given again (a double tap, a press redelivered): it stands, nothing changed to audit
        return True
    setattr(row, field, value)
    row.by_member_id, row.at = actor.id, now
    audit.record(session, action=action, entity="evaluation", entity_id=row.id, now=now,
                 team_id=team_id, actor=actor, before={field: before},
                 after={field: value, "member_id": member_id, "year": year})
    return True


def record_grade(session: Session, *, team_id: int, year: int, member_id: int, grade: str, actor: Member,
                 now: datetime) -> bool:
    """Records the office's grade (audited when it changes); False when the year's evaluation was already
    published."""
    return _record(session, "grade", grade, action="evaluation_grade", team_id=team_id, year=year,
                   member_id=member_id, actor=actor, now=now)


def record_comment(session: Session, *, team_id: int, year: int, member_id: int, comment: str, actor: Member,
                   now: datetime) -> bool:
    """Records the office's comment (audited when it changes); False when the year's evaluation was already
    published."""
    return _record(session, "comment", comment, action="evaluation_comment", team_id=team_id, year=year,
                   member_id=member_id, actor=actor, now=now)


def publish(session: Session, *, team_id: int, year: int, member_ids: list[int], actor: Member,
            now: datetime) -> list[int]:
    """Publishes the graded, not yet published rows of these members (a compare-and-set: a second publish, or
    a redelivered press, publishes nothing again); the members newly published."""
    done = list(session.scalars(
        update(Evaluation)
        .where(Evaluation.team_id == team_id, Evaluation.year == year, Evaluation.member_id.in_(member_ids),
               Evaluation.grade.is_not(None), Evaluation.published_at.is_(None))
        .values(published_at=now)
        .returning(Evaluation.member_id)))
    if done:
        audit.record(session, action="evaluation_publish", entity="team", entity_id=team_id, now=now,
                     team_id=team_id, actor=actor, after={"year": year, "members": sorted(done)})
    return sorted(done)


def any_published(session: Session, team_id: int, year: int) -> bool:
    """Whether the office has published the team's evaluation of ``year`` (to any member): its figures are then
    what the members were given, and the year's targets are no longer changed."""
    return session.scalar(select(Evaluation.id).where(Evaluation.team_id == team_id, Evaluation.year == year,
                                                      Evaluation.published_at.is_not(None)).limit(1)) is not None


def own(session: Session, member_id: int, year: int) -> Evaluation | None:
    """The member's published evaluation of ``year`` (None until the office publishes it)."""
    return session.scalar(select(Evaluation).where(Evaluation.member_id == member_id, Evaluation.year == year,
                                                   Evaluation.published_at.is_not(None)))


def languages(session: Session, member_ids: list[int]) -> dict[int, Language]:
    """Each member's language (their evaluation is written in it)."""
    if not member_ids:
        return {}
    return {member_id: language for member_id, language in session.execute(
        select(Member.id, Member.language).where(Member.id.in_(member_ids)))}
