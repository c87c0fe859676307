"""Who may do what: checked on the server for every command and button, whatever the client sends."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from functools import wraps
from typing import Any, Generic, TypeVar

from telegram import CallbackQuery, Message, Update

from handlers.context import SaimaContext
from locales import N_
from storage import teams
from storage.models import Member

R = TypeVar("R")
P = TypeVar("P")
Callback = Callable[[Update, SaimaContext], Coroutine[Any, Any, R]]  # what PTB takes as a callback


def members_only(callback: Callback[R]) -> Callback[R | None]:
    """Lets active members through; anyone else is told how to join."""

    @wraps(callback)
    async def guarded(update: Update, context: SaimaContext) -> R | None:
        if context.member() is None:
            await refuse(update, context.t("This is for members of a team. Open the invite link "
                                           "from your team's office, or send /join <code>."))
            return None
        return await callback(update, context)

    return guarded


def sender(update: Update, context: SaimaContext) -> tuple[Message, Member]:
    """The message of a command `members_only` or `admins_only` let through, and its member."""
    message, member = update.effective_message, context.member()
    assert message is not None and member is not None
    return message, member


ADMINS_ONLY = N_("Only your team's office (admins) can use this.")
MEMBERS_ONLY = N_("Only your team's members can do this.")


@dataclass(frozen=True)
class AdminPress(Generic[P]):
    """A press of a flow's button by an active admin, its data parsed (core/callbacks; what it names still
    unchecked)."""

    admin: Member
    press: P
    query: CallbackQuery


INVALID = N_("This button is not valid any more.")


@dataclass(frozen=True)
class MemberPress(Generic[P]):
    """A press of a flow's button by a member of a team, its data parsed (what it names still unchecked)."""

    member: Member
    press: P
    query: CallbackQuery


async def _pressed(update: Update, context: SaimaContext, parse: Callable[[object], P | None], *,
                   admins: bool) -> tuple[Member, P, CallbackQuery] | None:
    query = update.callback_query
    assert query is not None and query.data is not None
    member = context.member()
    if member is None or (admins and not member.role.is_admin):
        await query.answer(context.t(ADMINS_ONLY if admins else MEMBERS_ONLY), show_alert=True)
        return None
    press = parse(query.data)
    if press is None:
        await query.answer(context.t(INVALID), show_alert=True)
        return None
    return member, press, query


async def admin_press(update: Update, context: SaimaContext,
                      parse: Callable[[object], P | None]) -> AdminPress[P] | None:
    """The admin and the press (the button's data read by the flow's ``parse``); anyone but an active admin
    is told it is for the office, and data that does not parse is not valid: both get None. Each flow
    still checks the team of what the press names: the data is whatever the client sent."""
    found = await _pressed(update, context, parse, admins=True)
    return None if found is None else AdminPress(*found)


async def member_press(update: Update, context: SaimaContext,
                       parse: Callable[[object], P | None]) -> MemberPress[P] | None:
    """As :func:`admin_press` for a button any member of a team may press: someone in no team is told it is
    for the team's members."""
    found = await _pressed(update, context, parse, admins=False)
    return None if found is None else MemberPress(*found)


def admins_only(callback: Callback[R]) -> Callback[R | None]:
    """Lets the team's owner and admins through; members are told it is for the office."""

    @wraps(callback)
    async def guarded(update: Update, context: SaimaContext) -> R | None:
        member = context.member()
        if member is None or not member.role.is_admin:
            await refuse(update, context.t(ADMINS_ONLY))
            return None
        return await callback(update, context)

    return guarded


async def refuse(update: Update, text: str) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)


def switched_team(context: SaimaContext, team_id: object) -> str | None:
    """Why a draft or typed step may not go on (translated), or None when it may.

    A draft belongs to the team it was started in (every draft records `team_id`): someone in several
    teams who switched (by opening another team's invite link) acts in another team now, so confirming
    or answering the draft would make its record there. A draft without a team (saved before drafts
    recorded one) goes on in the team the chat acts in."""
    member = context.member()
    if team_id is None or member is None or member.team_id == team_id:
        return None
    with context.db.session() as session:
        team = teams.by_id(session, int(team_id)) if isinstance(team_id, int) else None
        started_in = team.name if team is not None else "?"
    return context.t("Started in {team}, but you now act in {other}: nothing was saved. Open {team}'s invite "
                     "link to switch back and finish it.").format(team=started_in, other=member.team.name)
