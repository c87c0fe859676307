"""The admin desk's typed steps (a leave period's dates, a target's number), kept in user_data.

user_data is written through to the database (bot.py), so a step survives a restart. `/cancel` drops it,
and so does any other command or another flow's button. Each step re-checks the admin when the answer comes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, CallbackQueryHandler, MessageHandler, filters

from handlers.access import ADMINS_ONLY, switched_team
from handlers.context import SaimaContext
from handlers.incoming import text_of
from storage.models import Member

STEP_KEY = "admin_step"
PREFIXES = ("mb:", "tg:")  # the desk's own buttons keep the step (a press on another card moves on)

Answer = Callable[[Update, SaimaContext, dict[str, Any], str], Awaitable[None]]
_ANSWERS: dict[str, Answer] = {}


def on_step(name: str) -> Callable[[Answer], Answer]:
    """Registers what answers a typed step called `name`."""

    def register(answer: Answer) -> Answer:
        _ANSWERS[name] = answer
        return answer

    return register


def begin(context: SaimaContext, step: str, *, team_id: int, **facts: Any) -> None:
    """Waits for the step's typed answer; the step belongs to `team_id`, the team it was started in."""
    if context.user_data is not None:
        context.user_data[STEP_KEY] = {"step": step, "team_id": team_id, **facts}


def end(context: SaimaContext) -> None:
    if context.user_data is not None:
        context.user_data.pop(STEP_KEY, None)


async def office_member(update: Update, context: SaimaContext, step: dict[str, Any]) -> Member | None:
    """The admin answering ``step``, still an active admin of the team it was begun in; else None, with the
    step ended and the sender told why (the roles may have changed since the question was asked)."""
    admin = context.member()
    if admin is None or not admin.role.is_admin or admin.team_id != step.get("team_id"):
        end(context)
        if update.effective_message is not None:
            await update.effective_message.reply_text(context.t(ADMINS_ONLY))
        return None
    return admin


def pending(context: SaimaContext) -> dict[str, Any] | None:
    return context.user_data.get(STEP_KEY) if context.user_data is not None else None


async def typed(update: Update, context: SaimaContext) -> None:
    """Text while a desk step waits: answered by the step (which may ask again); other updates pass on."""
    step = pending(context)
    message = update.effective_message
    raw = text_of(message)
    if step is None or message is None or raw is None:
        return
    text = raw.strip()
    if text.startswith("/"):
        end(context)
        if text.split(maxsplit=1)[0].split("@")[0].lower() == "/cancel":
            await message.reply_text(context.t("Cancelled. Nothing was changed."))
            raise ApplicationHandlerStop
        return
    answer = _ANSWERS.get(str(step.get("step")))
    if answer is None:
        end(context)
        return
    if (switched := switched_team(context, step.get("team_id"))) is not None:
        end(context)
        await message.reply_text(switched)
        raise ApplicationHandlerStop
    await answer(update, context, step, text)
    raise ApplicationHandlerStop


async def moved_on(update: Update, context: SaimaContext) -> None:
    """A button of another flow: the admin moved on, so the typed step stops waiting (silently)."""
    end(context)


def handlers() -> dict[int, list[BaseHandler]]:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE
    not_ours = "|".join(PREFIXES)
    # Before the other flows' typed steps (group -1) and the forms (group 0); they pass on what they don't take.
    return {-2: [MessageHandler(private & filters.TEXT, typed),
                 CallbackQueryHandler(moved_on, pattern=f"^(?!{not_ours})")]}
