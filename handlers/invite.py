"""`/invite` (admins): a fresh invite link for the team; `/invite once` makes a single-use one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session
from telegram import Update
from telegram.ext import CommandHandler

from core.domain import Role
from handlers.access import admins_only, sender
from handlers.context import SaimaContext
from handlers.incoming import args_of
from locales import Translator
from reports.words import day_in_words
from storage import audit, invites
from storage.models import Member


def invite_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


@dataclass(frozen=True)
class NewInvite:
    """An invite just made: its link and the last day it works."""

    link: str
    expires_on: str  # the last day it works, in the team's time zone (ISO)


def make_invite(session: Session, context: SaimaContext, admin: Member, *, single_use: bool,
                for_member_id: int | None = None) -> NewInvite:
    """A new member's invite to the admin's team, made and audited (/invite, the roster's invite buttons,
    and a removed member's way back, ``for_member_id``)."""
    now = context.now()
    invite = invites.create(session, team_id=admin.team_id, role=Role.MEMBER, now=now,
                            valid_for=timedelta(days=context.config.invites.expire_days),
                            max_uses=1 if single_use else None, code_length=context.config.invites.code_length,
                            created_by_member_id=admin.id)
    after: dict[str, object] = {"single_use": single_use}
    if for_member_id is not None:
        after["for_member_id"] = for_member_id
    audit.record(session, action="create", entity="invite", entity_id=invite.id, team_id=admin.team_id, now=now,
                 actor_member_id=admin.id, actor_telegram_id=admin.telegram_user_id, after=after)
    expires_on = day_in_words(context.t, invite.expires_at.astimezone(ZoneInfo(admin.team.timezone)).date()) \
        if invite.expires_at else ""
    return NewInvite(invite_link(context.bot.username, invite.code), expires_on)


def invite_text(t: Translator, team_name: str, invite: NewInvite, *, single_use: bool) -> str:
    """The link to forward and when it expires."""
    text = (t("Single-use invite to {team}, valid until {date}:") if single_use
            else t("Invite to {team}, valid until {date}:")).format(team=team_name, date=invite.expires_on)
    return f"{text}\n{invite.link}"


@admins_only
async def create_invite(update: Update, context: SaimaContext) -> None:
    """Replies with the link to forward, when it expires and how many times it can be used."""
    message, member = sender(update, context)
    t = context.t
    args = [a.lower() for a in args_of(context.args)]
    if args and args != ["once"]:
        await message.reply_text(t("Send /invite for a link several people can use, "
                                   "or /invite once for a link that works one time."))
        return
    single_use = args == ["once"]
    with context.db.session() as session:
        invite = make_invite(session, context, member, single_use=single_use)
    await message.reply_text(invite_text(t, member.team.name, invite, single_use=single_use))


def handlers() -> list[CommandHandler[SaimaContext, None]]:
    return [CommandHandler("invite", create_invite)]
