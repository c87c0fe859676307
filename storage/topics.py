"""Queries about a key research topic's stages (立项 → 调研中 → 形成报告 → 成果转化): moving a topic on (each
move audited), the team's counting stage, and counts_on, the day a topic counts towards its year's quota,
which `month_totals` follow (storage/totals.py recounts whatever a flush changed)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from config import RaceWeights
from core import topics
from core.domain import TopicStage
from core.topics import MoveProblem, TopicState
from storage import audit
from storage.models import Member, ResearchTopic, Team

#: For a team without the setting (a team is made with the deployment's `[race] topic_counts_at`, and 0012 gave
#: every team before it the default): the config's default.
DEFAULT_COUNTING = TopicStage(RaceWeights().topic_counts_at)
SETTING = topics.SETTING


def counting_stage(team: Team, default: TopicStage | str = DEFAULT_COUNTING) -> TopicStage:
    """The stage at which the team's key topics count: the office's choice, else the deployment's default."""
    return topics.counting_stage(team.settings, default)


def _team(session: Session, team_id: int) -> Team:
    team = session.get(Team, team_id)
    assert team is not None
    return team


def zone(team: Team) -> ZoneInfo:
    return ZoneInfo(team.timezone)


def state_of(topic: ResearchTopic, tz: ZoneInfo) -> TopicState:
    return TopicState(stage=topic.stage or TopicStage.REGISTERED,
                      registered_on=topic.created_at.astimezone(tz).date(),
                      research_started_on=topic.research_started_on, report_title=topic.report_title,
                      report_file_id=topic.report_file_id, report_on=topic.report_on, outcome=topic.outcome,
                      outcome_on=topic.outcome_on)


def _snapshot(topic: ResearchTopic) -> dict[str, object]:
    return {"stage": (topic.stage or TopicStage.REGISTERED).value, "research_started_on": topic.research_started_on,
            "report_title": topic.report_title, "report_file_id": topic.report_file_id, "report_on": topic.report_on,
            "outcome": topic.outcome, "outcome_on": topic.outcome_on, "counts_on": topic.counts_on}


def _store(topic: ResearchTopic, state: TopicState, counting: TopicStage) -> None:
    topic.stage = state.stage
    topic.research_started_on = state.research_started_on
    topic.report_title = state.report_title
    topic.report_file_id = state.report_file_id
    topic.report_on = state.report_on
    topic.outcome = state.outcome
    topic.outcome_on = state.outcome_on
    topic.counts_on = topics.counts_on(state, counting, topic.year)


def set_counts_on(session: Session, topic: ResearchTopic) -> None:
    """counts_on from the topic's stages and its team's counting stage (a new topic, a changed setting)."""
    team = _team(session, topic.team_id)
    if topic.stage is None:
        topic.stage = TopicStage.REGISTERED
    topic.counts_on = topics.counts_on(state_of(topic, ZoneInfo(team.timezone)), counting_stage(team), topic.year)


def _move(session: Session, topic: ResearchTopic, moved: TopicState | MoveProblem, *, actor: Member | None,
          now: datetime) -> MoveProblem | None:
    if isinstance(moved, MoveProblem):
        return moved
    team = _team(session, topic.team_id)
    before = _snapshot(topic)
    _store(topic, moved, counting_stage(team))
    session.flush()
    audit.record(session, action="topic_stage", entity="research_topic", entity_id=topic.id, team_id=topic.team_id,
                 now=now, actor=actor, before=before, after=_snapshot(topic))
    return None


def start_research(session: Session, topic: ResearchTopic, *, on: date, today: date, actor: Member,
                   now: datetime) -> MoveProblem | None:
    """立项 → 调研中 on ``on``; the problem instead when the move is not allowed (nothing changed)."""
    state = state_of(topic, ZoneInfo(_team(session, topic.team_id).timezone))
    return _move(session, topic, topics.start_research(state, on=on, today=today), actor=actor, now=now)


def attach_report(session: Session, topic: ResearchTopic, *, title: str | None, file_id: str | None, on: date,
                  today: date, actor: Member, now: datetime) -> MoveProblem | None:
    """调研中 → 形成报告 with the report (its title or document) finished on ``on``."""
    state = state_of(topic, ZoneInfo(_team(session, topic.team_id).timezone))
    return _move(session, topic, topics.attach_report(state, title=title, file_id=file_id, on=on, today=today),
                 actor=actor, now=now)


def record_outcome(session: Session, topic: ResearchTopic, *, outcome: str, on: date, today: date, actor: Member,
                   now: datetime) -> MoveProblem | None:
    """形成报告 → 成果转化: what the topic became, and when."""
    state = state_of(topic, ZoneInfo(_team(session, topic.team_id).timezone))
    return _move(session, topic, topics.record_outcome(state, outcome=outcome, on=on, today=today),
                 actor=actor, now=now)


def trip_linked(session: Session, topic_id: int | None, trip_start: date, *, actor: Member | None,
                now: datetime) -> None:
    """A trip was logged for the topic: a topic still at 立项 is being researched from the trip's first day,
    one further on from its earliest trip (core.topics.trip_linked); audited when that changes anything."""
    topic = session.get(ResearchTopic, topic_id) if topic_id is not None else None
    if topic is None or topic.deleted_at is not None:
        return
    state = state_of(topic, ZoneInfo(_team(session, topic.team_id).timezone))
    moved = topics.trip_linked(state, trip_start)
    if moved != state:
        _move(session, topic, moved, actor=actor, now=now)


def set_counting_stage(session: Session, team: Team, stage: TopicStage, *, actor: Member | None,
                       now: datetime) -> int:
    """The office chooses the stage at which the team's topics count: every topic's counts_on follows (and
    with it the month totals, in this transaction). Returns how many topics changed the day they count."""
    before = counting_stage(team)
    team.settings = {**(team.settings or {}), SETTING: stage.value}
    changed = _recount_topics(session, team, stage)
    audit.record(session, action="topic_counting_stage", entity="team", entity_id=team.id, team_id=team.id,
                 now=now, actor=actor, before={SETTING: before.value}, after={SETTING: stage.value})
    return changed


def recount_all(session: Session, default: TopicStage | str = DEFAULT_COUNTING) -> int:
    """Every topic's counts_on from its stages and its team's counting stage (`bot.py db rebuild-totals`)."""
    return sum(_recount_topics(session, team, counting_stage(team, default))
               for team in session.scalars(select(Team).order_by(Team.id)))


def _recount_topics(session: Session, team: Team, stage: TopicStage) -> int:
    tz = ZoneInfo(team.timezone)
    changed = 0
    for topic in session.scalars(select(ResearchTopic).where(ResearchTopic.team_id == team.id)
                                 .order_by(ResearchTopic.id)):
        day = topics.counts_on(state_of(topic, tz), stage, topic.year)
        if day != topic.counts_on:
            topic.counts_on = day
            changed += 1
    session.flush()
    return changed


def team_topics(session: Session, team_id: int, year: int) -> list[tuple[ResearchTopic, str]]:
    """The team's key topics of ``year`` with their lead's name, by lead then registration (`/topics all`)."""
    return [(topic, name) for topic, name in session.execute(
        select(ResearchTopic, Member.display_name).join(Member, Member.id == ResearchTopic.lead_member_id)
        .where(ResearchTopic.team_id == team_id, ResearchTopic.year == year, ResearchTopic.deleted_at.is_(None))
        .order_by(Member.display_name, ResearchTopic.id))]

