"""Queries about teams."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Language, Team


def create(
    session: Session,
    *,
    name: str,
    timezone: str,
    language: Language,
    show_names_in_race: bool,
    group_chat_id: int | None,
    now: datetime,
) -> Team:
    team = Team(
        name=name,
        timezone=timezone,
        language=language,
        group_chat_id=group_chat_id,
        show_names_in_race=show_names_in_race,
        settings={},
        created_at=now,
    )
    session.add(team)
    session.flush()
    return team


def by_id(session: Session, team_id: int) -> Team | None:
    return session.get(Team, team_id)


def by_group_chat(session: Session, chat_id: int) -> Team | None:
    return session.scalar(select(Team).where(Team.group_chat_id == chat_id))


def all_teams(session: Session) -> list[Team]:
    return list(session.scalars(select(Team).order_by(Team.id)))
