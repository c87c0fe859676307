"""Joining a team: the invite link (`/start <code>`), `/join <code>`, or `/join` and then the code (a
conversation flow, handlers/conversation.py: the awaited code survives a restart).

A newcomer with a valid code is welcomed by name into the team, in the language they read the bot in (their
other teams', or the one chosen with /lang before joining), else the team's (Chinese by default). A wrong,
expired or used-up code, or a link the office made for another member, gets a polite, specific refusal, and
nothing is stored. Someone named an admin of a further team becomes one on their next /start.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import Update, User
from telegram.ext import BaseHandler, CommandHandler, filters

from core.domain import Language, Role
from core.invites import InviteVerdict, looks_like_invite_code
from handlers import conversation
from handlers.commands import publish_chat_menu
from handlers.context import LANGUAGE_KEY, SaimaContext
from handlers.help import role_name
from handlers.incoming import display_name
from locales import N_, SUPPORTED, Translator, translator
from reports.words import day_in_words
from storage import members, onboarding, teams
from storage.models import Member

FROM_GROUP = "group"  # the payload of the group's "open the private chat" button: a plain /start


async def start(update: Update, context: SaimaContext) -> None:
    """Opens an invite link, welcomes back a member, or tells a stranger how to join."""
    if context.args and context.args != [FROM_GROUP]:
        await _join(update, context, context.args[0])
        return
    user = update.effective_user
    assert user is not None and update.effective_message is not None
    if await _activate_pending_admin(update, context, user) is not None:
        return  # named an admin of a team (a first or a further one): welcomed into it
    member = context.member()
    if member is not None:
        t = context.t
        await update.effective_message.reply_text(
            t("Welcome back, {name}. You are in {team}. Send /help to see what you can do.").format(
                name=member.display_name, team=member.team.name
            )
        )
        return
    await update.effective_message.reply_text(
        context.t("Saima keeps a leadership team's yearly duties on time and ranked. To join, open the invite "
          "link from your team's office, or send /join followed by your invite code.")
    )


class JoinStep(enum.StrEnum):
    AWAITING_CODE = "awaiting_code"


@dataclass
class Joining(conversation.State):
    """`/join` alone: the code is awaited (user_data `join`)."""

    step: JoinStep = JoinStep.AWAITING_CODE


async def join(update: Update, context: SaimaContext) -> None:
    """`/join <code>` joins at once; `/join` alone asks for the code."""
    assert update.effective_message is not None
    if not context.args:
        context.conversation.begin(FLOW, Joining())
        await update.effective_message.reply_text(
            context.t("Please send your invite code (for example Ab3dE9kQ2x), or /cancel to stop.")
        )
        return
    context.conversation.end(FLOW)
    await _join(update, context, context.args[0])


async def code_typed(update: Update, context: SaimaContext, state: Joining, code: str) -> bool:
    """The code typed after `/join`: joins, or explains what is wrong and waits for another try."""
    if await _join(update, context, code):
        context.conversation.end(FLOW)
    return True


async def _join(update: Update, context: SaimaContext, code: str) -> bool:
    """Joins with `code` and replies; False when the code was refused."""
    user = update.effective_user
    message = update.effective_message
    assert user is not None and message is not None
    t = context.t
    if not looks_like_invite_code(code):
        await message.reply_text(t("That is not an invite code. An invite code is letters and digits, "
                                   "like Ab3dE9kQ2x; please copy it again from your invitation."))
        return False
    now = context.now()
    chosen = context.user_data.get(LANGUAGE_KEY) if context.user_data else None
    with context.db.session() as session:
        result = onboarding.join_with_code(
            session, code=code, telegram_user_id=user.id, display_name=_display_name(user),
            username=user.username, now=now, today=context.today(),
            language=Language(chosen) if chosen in SUPPORTED else None,
        )
        if result.member is not None and result.team is not None:
            member, team = result.member, result.team
            team_name, role, lang = team.name, member.role, member.language.value
        invite_team = result.team.name if result.team is not None else ""
        zone = ZoneInfo(result.team.timezone if result.team is not None else context.config.team_defaults.timezone)
    if result.verdict is not InviteVerdict.VALID:
        await message.reply_text(_refusal(t, result.verdict, result.expired_at, zone))
        return False
    if result.outcome is onboarding.JoinOutcome.REMOVED:
        await message.reply_text(t("You were removed from {team}, so this invite does not bring you back. "
                                   "Please ask your team's office to restore you.").format(team=invite_team))
        return True
    if result.outcome is onboarding.JoinOutcome.NOT_YOURS:
        await message.reply_text(t("This invite was made for another member of {team}. Please ask your team's "
                                   "office for a link of your own.").format(team=invite_team))
        return True
    if context.user_data is not None:
        context.user_data[members.CHAT_TEAM_KEY] = member.team_id
    context.conversation.end(FLOW)  # joined: a code is no longer awaited
    t = translator(lang)
    if result.outcome is onboarding.JoinOutcome.ALREADY_MEMBER:
        await message.reply_text(t("You are already a member of {team}. Send /help to see what you can do.")
                                 .format(team=team_name))
        return True
    await message.reply_text(_welcome(t, user, team_name, role))
    await publish_chat_menu(context.bot, user.id, role, lang, context.config.webapp.public_url)
    return True


async def _activate_pending_admin(update: Update, context: SaimaContext, user: User) -> Member | None:
    """An admin named when the team was created becomes active the first time they open the bot."""
    with context.db.session() as session:
        activated = onboarding.activate_pending(
            session, telegram_user_id=user.id, display_name=_display_name(user), username=user.username,
            now=context.now(), today=context.today(),
        )
        welcomes = [(m.team.name, m.role, m.language.value, m.team_id) for m in activated]
    if not welcomes:
        return None
    assert update.effective_message is not None
    for team_name, role, lang, team_id in welcomes:
        if context.user_data is not None:
            context.user_data[members.CHAT_TEAM_KEY] = team_id
        await update.effective_message.reply_text(_welcome(translator(lang), user, team_name, role))
        await publish_chat_menu(context.bot, user.id, role, lang, context.config.webapp.public_url)
    return context.member(fresh=True)


def _welcome(t: Translator, user: User, team_name: str, role: Role) -> str:
    return t("Welcome, {name}! You have joined {team} (role: {role}). Send /help to see what you can do.").format(
        name=_display_name(user), team=team_name, role=role_name(t, role)
    )


def _refusal(t: Translator, verdict: InviteVerdict, expired_at: datetime | None, zone: ZoneInfo) -> str:
    """``zone``: the invite's team's (its expiry was given in that team's days when it was made)."""
    if verdict is InviteVerdict.EXPIRED and expired_at is not None:
        day = expired_at.astimezone(zone).date()
        return t("This invite expired on {date}. Please ask your team's office for a new link.").format(
            date=day_in_words(t, day)
        )
    if verdict is InviteVerdict.USED_UP:
        return t("This invite has already been used. Please ask your team's office for a new link.")
    if verdict is InviteVerdict.REVOKED:
        return t("This invite has been withdrawn. Please ask your team's office for a new link.")
    return t("This invite code is not valid. Please check the link you were given, "
             "or ask your team's office for a new one.")


def _display_name(user: User) -> str:
    """张 + 明 → 张明, John + Smith → John Smith (PTB's full_name puts a space between any two parts),
    cleaned and cut with "…" to fit its column."""
    return display_name(user)


async def private_chat_please(update: Update, context: SaimaContext) -> None:
    """In a group, joining is pointed to a private chat, where personal details belong: in the team's language
    in its race track (the whole group reads it), else in the sender's."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    with context.db.session() as session:
        team = teams.by_group_chat(session, chat.id)
        language = team.language.value if team is not None else None
    t = translator(language) if language is not None else context.t  # context.t reads in a session of its own
    await message.reply_text(t("Please open a private chat with me to join: https://t.me/{bot}").format(
        bot=context.bot.username))


# While the code is awaited: typed text is the code; /cancel stops; another command stops waiting and
# runs; /start (an invite link) and /join pass on and leave it waiting (joining ends it); buttons leave it.
FLOW = conversation.register(conversation.Flow(
    key="join", state=Joining, prefixes=(), answer=code_typed,
    cancelled=N_("Cancelled. Send /join when you have your invite code."),
    restarts=frozenset({"join", "start"}), buttons_end=False))


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("start", start, filters=private),
        CommandHandler("join", join, filters=private),
        CommandHandler(["start", "join"], private_chat_please, filters=~private),
    ]

