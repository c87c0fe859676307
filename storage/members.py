"""Queries about members: who someone is in which team, joining, language, roles."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.db import among, execute_dml
from storage.models import Language, Member, MemberStatus, PersistedScope, PersistedState, Role, Team

#: In a user's data (PTB's user_data, stored by storage/persistence.py): the team their private chat acts in, for
#: people in several teams; the team whose invite link they opened last (handlers/onboarding.py).
CHAT_TEAM_KEY = "team_id"


def by_id(session: Session, member_id: int) -> Member | None:
    """The membership with this id, in any state (a removed one too), or None."""
    return session.get(Member, member_id)


def one(session: Session, member_id: int) -> Member:
    """The membership with this id, which must exist (raises sqlalchemy's NoResultFound otherwise)."""
    return session.get_one(Member, member_id)


def in_team(session: Session, team_id: int, telegram_user_id: int) -> Member | None:
    return session.scalar(
        select(Member).where(Member.team_id == team_id, Member.telegram_user_id == telegram_user_id)
    )


def active_memberships(session: Session, telegram_user_id: int) -> list[Member]:
    """The user's active memberships, most recently joined first."""
    return list(
        session.scalars(
            select(Member)
            .where(Member.telegram_user_id == telegram_user_id, Member.status == MemberStatus.ACTIVE)
            .order_by(Member.created_at.desc(), Member.id.desc())
        )
    )


def current(session: Session, telegram_user_id: int, preferred_team_id: int | None = None) -> Member | None:
    """The membership a private chat acts in: the preferred team if still active, else the latest."""
    memberships = active_memberships(session, telegram_user_id)
    for member in memberships:
        if member.team_id == preferred_team_id:
            return member
    return memberships[0] if memberships else None


def chat_team_id(session: Session, telegram_user_id: int) -> int | None:
    """The team the user's private chat acts in, as their stored data has it (None: not chosen)."""
    data = session.scalar(select(PersistedState.data).where(PersistedState.scope == PersistedScope.USER,
                                                            PersistedState.key == str(telegram_user_id)))
    team_id = data.get(CHAT_TEAM_KEY) if isinstance(data, dict) else None
    return team_id if isinstance(team_id, int) else None


def acting(session: Session, telegram_user_id: int) -> Member | None:
    """The membership the user acts in outside their private chat (the dashboard): the one the chat acts in."""
    return current(session, telegram_user_id, chat_team_id(session, telegram_user_id))


def answering_admin(session: Session, member_id: int, team_id: int, *, besides: int | None = None) -> Member | None:
    """Who answers for what an admin set up (a task, a broadcast): that admin while an active admin, else the team's
    first active admin (the owner) other than ``besides``, so that nothing goes unheard or to someone who left
    the office. None when the team has no such admin."""
    admin = session.get(Member, member_id)
    if admin is not None and admin.status is MemberStatus.ACTIVE and admin.role.is_admin:
        return admin
    return next((m for m in admins_of(session, team_id) if m.id != besides), None)


def pending(session: Session, telegram_user_id: int) -> list[Member]:
    """Memberships an admin set up for this user that they have not opened yet."""
    return list(
        session.scalars(
            select(Member).where(
                Member.telegram_user_id == telegram_user_id, Member.status == MemberStatus.PENDING
            )
        )
    )


def add(
    session: Session,
    *,
    team: Team,
    telegram_user_id: int,
    display_name: str,
    username: str | None,
    role: Role,
    status: MemberStatus,
    now: datetime,
    joined_on: date | None,
    invite_id: int | None = None,
    language: Language | None = None,
) -> Member:
    """A new membership, in ``language`` (the user's own choice), else the team's."""
    member = Member(
        team_id=team.id,
        telegram_user_id=telegram_user_id,
        display_name=display_name,
        username=username,
        language=language or team.language,
        role=role,
        status=status,
        reachable=True,
        joined_on=joined_on,
        invite_id=invite_id,
        created_at=now,
    )
    session.add(member)
    session.flush()
    return member


def activate(
    session: Session, member: Member, *, display_name: str, username: str | None, joined_on: date
) -> Member:
    member.status = MemberStatus.ACTIVE
    member.display_name = display_name
    member.username = username
    member.joined_on = member.joined_on or joined_on  # the day they first opened the bot: a rejoin keeps it
    member.reachable = True
    member.unreachable_since = None
    member.removed_at = None
    session.flush()
    return member


def menu_standing(session: Session, telegram_user_id: int) -> tuple[Role | None, Language | None]:
    """What the user's private command menu offers: the highest role among their active memberships (None: no
    active membership, a stranger's menu), and the language they read the bot in."""
    roles = set(session.scalars(select(Member.role).where(Member.telegram_user_id == telegram_user_id,
                                                          Member.status == MemberStatus.ACTIVE)))
    role = next((r for r in (Role.OWNER, Role.ADMIN, Role.MEMBER) if r in roles), None)
    return role, chosen_language(session, telegram_user_id)


def chosen_language(session: Session, telegram_user_id: int) -> Language | None:
    """The language the user reads the bot in, as their memberships hold it (set together by /lang); None for a
    user with no membership."""
    return session.scalar(select(Member.language).where(Member.telegram_user_id == telegram_user_id)
                          .order_by(Member.id.desc()).limit(1))


def set_language(session: Session, telegram_user_id: int, language: Language) -> int:
    """Sets the language in every team the user belongs to; returns how many memberships changed."""
    result = execute_dml(session, update(Member).where(Member.telegram_user_id == telegram_user_id)
                         .values(language=language))
    return result.rowcount or 0


def admins_of(session: Session, team_id: int) -> list[Member]:
    """The team's active admins (owner included), in the order they joined."""
    return list(
        session.scalars(
            select(Member).where(
                Member.team_id == team_id,
                Member.status == MemberStatus.ACTIVE,
                Member.role.in_([Role.OWNER, Role.ADMIN]),
            ).order_by(Member.id)
        )
    )


def of_team(session: Session, team_id: int) -> list[Member]:
    """The team's members not removed (active and pending), in the order they joined."""
    return list(
        session.scalars(
            select(Member)
            .where(Member.team_id == team_id, Member.status != MemberStatus.REMOVED)
            .order_by(Member.id)
        )
    )


@dataclass(frozen=True)
class Contact:
    """What a scheduled message needs of a member: who, in which language, where to write (columns only)."""

    id: int
    team_id: int
    telegram_user_id: int
    display_name: str
    language: Language
    role: Role
    status: MemberStatus


def contacts(session: Session, team_ids: Iterable[int], member_ids: Iterable[int]) -> list[Contact]:
    """These members and every admin (owner included) of these teams, as :class:`Contact` (one query)."""
    return [Contact(*row) for row in session.execute(select(
        Member.id, Member.team_id, Member.telegram_user_id, Member.display_name, Member.language, Member.role,
        Member.status,
    ).where(among(session, Member.team_id, team_ids),
            among(session, Member.id, member_ids) | Member.role.in_([Role.OWNER, Role.ADMIN])).order_by(Member.id))]


def everyone_in(session: Session, team_id: int) -> list[Member]:
    """Every membership of the team, removed and pending ones too."""
    return list(session.scalars(select(Member).where(Member.team_id == team_id)))


def active_in(session: Session, team_id: int) -> list[Member]:
    """The team's active members."""
    return list(session.scalars(select(Member).where(Member.team_id == team_id,
                                                     Member.status == MemberStatus.ACTIVE)))


def unreachable_among(session: Session, member_ids: Iterable[int]) -> set[int]:
    """Which of these members the bot cannot reach (they blocked it, storage.outbox.mark_unreachable)."""
    ids = set(member_ids)
    if not ids:
        return set()
    return set(session.scalars(select(Member.id).where(Member.id.in_(ids), Member.reachable.is_(False))))
