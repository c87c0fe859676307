"""`/help`: what the bot does and the commands this user's role may use, in their language."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from core.domain import Role
from handlers.commands import for_role
from handlers.context import SaimaContext
from locales import Translator


def role_name(t: Translator, role: Role) -> str:
    return {Role.OWNER: t("owner"), Role.ADMIN: t("admin"), Role.MEMBER: t("member")}[role]


async def show_help(update: Update, context: SaimaContext) -> None:
    """Explains the bot, then lists the commands the user may use (admins see the office's too)."""
    assert update.effective_message is not None
    member = context.member()
    t = context.t
    lines = [
        t("Saima (赛马) keeps your team's yearly duties visible, on time and ranked: grassroots "
          "research, study sessions, suggestions and proposals, and supervised tasks. Log your work "
          "here, get reminders before deadlines, and see how the team is doing."),
        "",
    ]
    if member is None:
        lines.append(t("You are not in a team yet. Open the invite link from your team's office, "
                       "or send /join followed by your invite code."))
        lines.append("")
    else:
        lines.append(t("You are in {team} (role: {role}).").format(team=member.team.name,
                                                               role=role_name(t, member.role)))
        lines.append("")
    lines.append(t("Commands:"))
    lines.extend(f"/{c.name} — {t(c.description)}" for c in for_role(member.role if member else None))
    await update.effective_message.reply_text("\n".join(lines))


def handlers() -> list[CommandHandler[SaimaContext, None]]:
    return [CommandHandler("help", show_help)]
