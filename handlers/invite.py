"""`/invite` (admins): a fresh invite link for the team; `/invite once` makes a single-use one."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import CommandHandler

from core.domain import Role
from handlers.access import admins_only
from handlers.context import SaimaContext
from handlers.incoming import args_of
from storage import audit, invites


def invite_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


@admins_only
async def create_invite(update: Update, context: SaimaContext) -> None:
    """Replies with the link to forward, when it expires and how many times it can be used."""
    message = update.effective_message
    member = context.member()
    assert message is not None and member is not None
    t = context.t
    args = [a.lower() for a in args_of(context.args)]
    if args and args != ["once"]:
        await message.reply_text(t("Send /invite for a link several people can use, "
                                   "or /invite once for a link that works one time."))
        return
    single_use = args == ["once"]
    now = context.now()
    with context.db.session() as session:
        invite = invites.create(
            session, team_id=member.team_id, role=Role.MEMBER, now=now,
            valid_for=timedelta(days=context.config.invites.expire_days),
            max_uses=1 if single_use else None, code_length=context.config.invites.code_length,
            created_by_member_id=member.id,
        )
        audit.record(session, action="create", entity="invite", entity_id=invite.id, team_id=member.team_id,
                     now=now, actor_member_id=member.id, actor_telegram_id=member.telegram_user_id,
                     after={"single_use": single_use})
        code, expires_at = invite.code, invite.expires_at
    assert expires_at is not None
    expires_on = expires_at.astimezone(ZoneInfo(member.team.timezone)).date().isoformat()
    text = (t("Single-use invite to {team}, valid until {date}:") if single_use
            else t("Invite to {team}, valid until {date}:")).format(team=member.team.name, date=expires_on)
    await message.reply_text(f"{text}\n{invite_link(context.bot.username, code)}")


def handlers() -> list[CommandHandler[SaimaContext, None]]:
    return [CommandHandler("invite", create_invite)]
