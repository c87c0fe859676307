"""Queries about teams."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import audit, outbox
from storage.db import among
from storage.models import Language, Member, MemberStatus, Role, Team


def create(
    session: Session,
    *,
    name: str,
    timezone: str,
    language: Language,
    show_names_in_race: bool,
    group_chat_id: int | None,
    now: datetime,
    topic_counts_at: str | None = None,
) -> Team:
    team = Team(
        name=name,
        timezone=timezone,
        language=language,
        group_chat_id=group_chat_id,
        show_names_in_race=show_names_in_race,
        settings={} if topic_counts_at is None else {"topic_counts_at": topic_counts_at},
        created_at=now,
    )
    session.add(team)
    session.flush()
    return team


def by_id(session: Session, team_id: int) -> Team | None:
    return session.get(Team, team_id)


def by_ids(session: Session, team_ids: Iterable[int]) -> list[Team]:
    """These teams (those that exist), by id."""
    return list(session.scalars(select(Team).where(among(session, Team.id, team_ids)).order_by(Team.id)))


def one(session: Session, team_id: int) -> Team:
    """The team with this id, which must exist (raises sqlalchemy's NoResultFound otherwise)."""
    return session.get_one(Team, team_id)


def timezones(session: Session, team_ids: Iterable[int]) -> dict[int, str]:
    """Each of these teams' time zone name, by team id."""
    ids = set(team_ids)
    if not ids:
        return {}
    return {team_id: zone for team_id, zone in session.execute(select(Team.id, Team.timezone).where(Team.id.in_(ids)))}


def by_group_chat(session: Session, chat_id: int) -> Team | None:
    return session.scalar(select(Team).where(Team.group_chat_id == chat_id))


def all_teams(session: Session) -> list[Team]:
    return list(session.scalars(select(Team).order_by(Team.id)))


def admin_memberships(session: Session, telegram_user_id: int) -> list[Member]:
    """The teams this user is office staff (owner or admin) of, active or not yet opened."""
    return list(session.scalars(
        select(Member).where(Member.telegram_user_id == telegram_user_id,
                             Member.status.in_([MemberStatus.ACTIVE, MemberStatus.PENDING]),
                             Member.role.in_([Role.OWNER, Role.ADMIN]))
        .order_by(Member.team_id)))


def link_group(session: Session, team: Team, chat_id: int, *, actor: Member, now: datetime) -> bool:
    """Makes ``chat_id`` the team's race track (audited); False when it is another team's already."""
    holder = by_group_chat(session, chat_id)
    if holder is not None and holder.id != team.id:
        return False
    before = team.group_chat_id
    team.group_chat_id = chat_id
    audit.record(session, action="link_group", entity="team", entity_id=team.id, team_id=team.id, now=now,
                 actor=actor, before={"group_chat_id": before}, after={"group_chat_id": chat_id})
    return True


def unlink_group(session: Session, team: Team, *, actor: Member | None, now: datetime,
                 actor_telegram_id: int | None = None) -> None:
    """The team has no race track any more (audited; ``actor`` None: someone outside the team removed
    the bot from the group)."""
    before = team.group_chat_id
    team.group_chat_id = None
    audit.record(session, action="unlink_group", entity="team", entity_id=team.id, team_id=team.id, now=now,
                 actor_member_id=actor.id if actor is not None else None,
                 actor_telegram_id=actor.telegram_user_id if actor is not None else actor_telegram_id,
                 before={"group_chat_id": before}, after={"group_chat_id": None})


def move_group(session: Session, old_chat_id: int, new_chat_id: int, *, now: datetime,
               actor_telegram_id: int | None = None) -> Team | None:
    """Telegram upgraded the group ``old_chat_id`` to the supergroup ``new_chat_id`` (a new chat id; the old
    one refuses every request from then on): the team whose race track it was follows it (audited, no member
    acting: Telegram did it), and the messages waiting for the old chat go to the new one. The team, or None
    when the group was none's track or the move was made already (the two service messages, or a send refused
    with the new id, may each tell of it)."""
    moved = outbox.move_chat(session, old_chat_id, new_chat_id)
    team = by_group_chat(session, old_chat_id)
    if team is None or by_group_chat(session, new_chat_id) is not None:
        return None
    team.group_chat_id = new_chat_id
    audit.record(session, action="move_group", entity="team", entity_id=team.id, team_id=team.id, now=now,
                 actor_telegram_id=actor_telegram_id, before={"group_chat_id": old_chat_id},
                 after={"group_chat_id": new_chat_id, "messages_moved": moved})
    return team


def show_names(session: Session, team: Team, names: bool, *, actor: Member, now: datetime) -> None:
    """Whether the group's boards name members or show ranks only (audited)."""
    before = team.show_names_in_race
    team.show_names_in_race = names
    audit.record(session, action="race_names", entity="team", entity_id=team.id, team_id=team.id, now=now,
                 actor=actor, before={"show_names_in_race": before}, after={"show_names_in_race": names})
