"""A key research topic's (重点调研课题) title, and its stages: 立项 → 调研中 → 形成报告 → 成果转化, each move
with what it needs (a report's title or document and date; what the topic became and when), and the day a
topic counts towards the yearly quota (the team's counting stage)."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from core.domain import TopicStage
from core.text import utf16_len

MAX_TITLE = 200  # characters, as Telegram counts them (UTF-16 code units)
MIN_TITLE = 2


class TitleProblem(enum.StrEnum):
    TOO_LONG = "too_long"
    TOO_SHORT = "too_short"


def title_problem(title: str) -> TitleProblem | None:
    """What is wrong with a topic's title (squeezed), or None."""
    if utf16_len(title) > MAX_TITLE:
        return TitleProblem.TOO_LONG
    if len(title) < MIN_TITLE:
        return TitleProblem.TOO_SHORT
    return None


# --------------------------------------------------------------------------- stages

STAGES = tuple(TopicStage)
MAX_OUTCOME = 500  # characters, as Telegram counts them


@dataclass(frozen=True)
class TopicState:
    """Where a topic stands: its stage and the day it reached each one (None: not reached)."""

    stage: TopicStage
    registered_on: date
    research_started_on: date | None = None
    report_title: str | None = None
    report_file_id: str | None = None  # the report as a Telegram document
    report_on: date | None = None
    outcome: str | None = None
    outcome_on: date | None = None


class MoveProblem(enum.StrEnum):
    NOT_NEXT = "not_next"  # the topic is not at the stage before this one (already moved, or a step skipped)
    NO_REPORT = "no_report"  # 形成报告 needs the report: a document or its title
    NO_OUTCOME = "no_outcome"  # 成果转化 needs what the topic became
    OUTCOME_TOO_LONG = "outcome_too_long"
    IN_FUTURE = "in_future"  # a stage's day is after today
    BEFORE_PREVIOUS = "before_previous"  # before the day the topic reached the stage before


SETTING = "topic_counts_at"  # the key of a team's counting stage in its settings


def counting_stage(settings: Mapping[str, object] | None, default: TopicStage | str) -> TopicStage:
    """The stage at which a team's key topics count: its settings' choice, else ``default``."""
    chosen = (settings or {}).get(SETTING)
    return TopicStage(chosen) if isinstance(chosen, str) and chosen in set(TopicStage) else TopicStage(default)


def next_stage(stage: TopicStage) -> TopicStage | None:
    """The stage a topic at ``stage`` moves to next (None: the last)."""
    index = STAGES.index(stage)
    return STAGES[index + 1] if index + 1 < len(STAGES) else None


def reached(state: TopicState, stage: TopicStage) -> bool:
    return STAGES.index(state.stage) >= STAGES.index(stage)


def reached_on(state: TopicState, stage: TopicStage) -> date | None:
    """The day the topic reached ``stage`` (None while it has not)."""
    if not reached(state, stage):
        return None
    return {TopicStage.REGISTERED: state.registered_on, TopicStage.RESEARCHING: state.research_started_on,
            TopicStage.REPORT: state.report_on, TopicStage.OUTCOME: state.outcome_on}[stage]


def counts_on(state: TopicState, counting: TopicStage, year: int) -> date | None:
    """The day the topic counts towards its year's quota: the day it reached the team's counting stage,
    moved into the topic's own year (a report finished in January counts for last year's topic on 31
    December); None while it has not reached that stage."""
    day = reached_on(state, counting)
    if day is None:
        return None
    return min(max(day, date(year, 1, 1)), date(year, 12, 31))


def earliest_next_day(state: TopicState) -> date:
    """The earliest day the topic may reach its next stage: not before it reached its current one (a report
    not before the research began, an outcome not before the report). Its registration in the bot is no
    bound: teams back-log work done before they registered it."""
    day = reached_on(state, state.stage)
    return day if day is not None else state.registered_on


def _check_move(state: TopicState, to: TopicStage, on: date, today: date) -> MoveProblem | None:
    if next_stage(state.stage) is not to:
        return MoveProblem.NOT_NEXT
    if on > today:
        return MoveProblem.IN_FUTURE
    if to is not TopicStage.RESEARCHING and on < earliest_next_day(state):
        return MoveProblem.BEFORE_PREVIOUS
    return None


def start_research(state: TopicState, *, on: date, today: date) -> TopicState | MoveProblem:
    """立项 → 调研中 on ``on`` (research may have begun before the topic was registered)."""
    problem = _check_move(state, TopicStage.RESEARCHING, on, today)
    return problem or replace(state, stage=TopicStage.RESEARCHING, research_started_on=on)


def trip_linked(state: TopicState, trip_start: date) -> TopicState:
    """A trip for the topic: a topic still at 立项 is being researched from the trip's first day; one further
    on was being researched by then at the latest (a trip logged after the fact, the research begun with a
    tap on the day it was logged), so its research is dated from its earliest trip; otherwise it is left as
    it is."""
    if state.stage is TopicStage.REGISTERED:
        return replace(state, stage=TopicStage.RESEARCHING, research_started_on=trip_start)
    if state.research_started_on is not None and trip_start < state.research_started_on:
        return replace(state, research_started_on=trip_start)
    return state


def attach_report(state: TopicState, *, title: str | None, file_id: str | None, on: date,
                  today: date) -> TopicState | MoveProblem:
    """调研中 → 形成报告: the report (a document, or its title) finished on ``on``."""
    if not (title or file_id):
        return MoveProblem.NO_REPORT
    problem = _check_move(state, TopicStage.REPORT, on, today)
    return problem or replace(state, stage=TopicStage.REPORT, report_title=title or None,
                              report_file_id=file_id or None, report_on=on)


def record_outcome(state: TopicState, *, outcome: str, on: date, today: date) -> TopicState | MoveProblem:
    """形成报告 → 成果转化: what the topic became (a policy, a decision, a proposal) and when."""
    if not outcome.strip():
        return MoveProblem.NO_OUTCOME
    if utf16_len(outcome) > MAX_OUTCOME:
        return MoveProblem.OUTCOME_TOO_LONG
    problem = _check_move(state, TopicStage.OUTCOME, on, today)
    return problem or replace(state, stage=TopicStage.OUTCOME, outcome=outcome.strip(), outcome_on=on)
