"""Creating a team and letting people in: the invite rules (core.invites) applied to the database."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from config import Config
from core.invites import InviteVerdict, judge_invite
from storage import audit, invites, members, teams
from storage.models import Invite, Language, Member, MemberStatus, Role, Team


@dataclass(frozen=True)
class NewTeam:
    """A team just created: the team, its owner (pending until they open the bot) and its reusable
    member invite."""

    team: Team
    owner: Member
    invite: Invite


def create_team(
    session: Session, *, name: str, admin_telegram_id: int, group_chat_id: int | None, config: Config,
    now: datetime,
) -> NewTeam:
    """A team, its owner (pending until they open the bot) and a reusable member invite."""
    defaults = config.team_defaults
    team = teams.create(
        session,
        name=name,
        timezone=defaults.timezone,
        language=Language(defaults.language),
        show_names_in_race=defaults.show_names_in_race,
        group_chat_id=group_chat_id,
        topic_counts_at=config.race.topic_counts_at,
        now=now,
    )
    owner = members.add(
        session,
        team=team,
        telegram_user_id=admin_telegram_id,
        display_name=str(admin_telegram_id),
        username=None,
        role=Role.OWNER,
        status=MemberStatus.PENDING,
        now=now,
        joined_on=None,
    )
    owner.races = False  # the office named here supervises the race; it does not owe quotas
    invite = invites.create(
        session,
        team_id=team.id,
        role=Role.MEMBER,
        now=now,
        valid_for=timedelta(days=config.invites.expire_days),
        max_uses=None,
        code_length=config.invites.code_length,
        created_by_member_id=owner.id,
    )
    audit.record(
        session, action="create", entity="team", entity_id=team.id, team_id=team.id, now=now,
        after={"name": name, "owner_telegram_id": admin_telegram_id, "group_chat_id": group_chat_id},
    )
    return NewTeam(team=team, owner=owner, invite=invite)


class JoinOutcome(enum.StrEnum):
    JOINED = "joined"
    ALREADY_MEMBER = "already_member"
    REJOINED = "rejoined"
    REMOVED = "removed"  # removed by the office: a general invite does not bring them back
    NOT_YOURS = "not_yours"  # an invite the office made for one removed member, opened by someone else


@dataclass(frozen=True)
class JoinResult:
    """What joining with an invite code came to: the verdict, then the outcome, the member and the team
    (when let in; the invite's team on a refusal) and the invite's expiry."""

    verdict: InviteVerdict
    outcome: JoinOutcome | None = None
    member: Member | None = None
    team: Team | None = None
    expired_at: datetime | None = None


def join_with_code(
    session: Session, *, code: str, telegram_user_id: int, display_name: str, username: str | None,
    now: datetime, today: date, language: Language | None = None,
) -> JoinResult:
    """Lets the user into the invite's team, or says why not; nothing is stored on a refusal. A newcomer reads
    the bot in the language their other memberships have, else ``language`` (chosen with /lang before joining),
    else the team's."""
    invite = invites.by_code(session, code)
    verdict = judge_invite(invites.facts(invite), now=now)
    existing = members.in_team(session, invite.team_id, telegram_user_id) if invite else None
    if invite is not None and existing is not None and existing.status == MemberStatus.ACTIVE:
        return JoinResult(InviteVerdict.VALID, JoinOutcome.ALREADY_MEMBER, existing, existing.team)
    team = teams.by_id(session, invite.team_id) if invite is not None else None
    if verdict is not InviteVerdict.VALID:
        return JoinResult(verdict, team=team, expired_at=invite.expires_at if invite else None)
    assert invite is not None and team is not None
    meant_for = invites.named_for(session, invite.id)
    if meant_for is not None and (existing is None or existing.id != meant_for):
        # made from one removed member's card for that member alone: nobody else joins with it, nor uses it up
        return JoinResult(InviteVerdict.VALID, JoinOutcome.NOT_YOURS, None, team)
    readmitted = existing is not None and existing.status == MemberStatus.REMOVED
    if readmitted and meant_for is None:
        # Removal sticks: only the office brings them back, by the "restore" on their card or an invite
        # made for them from it (audited both).
        return JoinResult(InviteVerdict.VALID, JoinOutcome.REMOVED, None, team)
    if not invites.use(session, invite):
        return JoinResult(InviteVerdict.USED_UP, team=team)
    if existing is not None:
        member = members.activate(session, existing, display_name=display_name, username=username, joined_on=today)
        outcome = JoinOutcome.REJOINED
    else:
        member = members.add(
            session, team=team, telegram_user_id=telegram_user_id, display_name=display_name,
            username=username, role=invite.role, status=MemberStatus.ACTIVE, now=now, joined_on=today,
            invite_id=invite.id, language=members.chosen_language(session, telegram_user_id) or language,
        )
        outcome = JoinOutcome.JOINED
    audit.record(
        session, action="join", entity="member", entity_id=member.id, team_id=team.id, now=now,
        actor_member_id=member.id, actor_telegram_id=telegram_user_id,
        after={"role": member.role.value, "invite_id": invite.id, **({"readmitted": True} if readmitted else {})},
    )
    return JoinResult(InviteVerdict.VALID, outcome, member, team)


def activate_pending(
    session: Session, *, telegram_user_id: int, display_name: str, username: str | None, now: datetime,
    today: date,
) -> list[Member]:
    """Admins named at team creation become active the first time they open the bot."""
    activated = []
    for member in members.pending(session, telegram_user_id):
        members.activate(session, member, display_name=display_name, username=username, joined_on=today)
        audit.record(
            session, action="activate", entity="member", entity_id=member.id, team_id=member.team_id,
            now=now, actor_member_id=member.id, actor_telegram_id=telegram_user_id,
        )
        activated.append(member)
    return activated
