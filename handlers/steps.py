"""Who receives typed text while a flow waits (handlers/conversation.py): the rules every flow shares,
written once, ahead of every other flow (Group.STEPS).

- A command moves on: the waiting step ends and the command runs (except the flow's own restarts, e.g.
  /broadcast starting a new draft, which pass on and leave it waiting; a flow with `commands_end=False`,
  a log draft, waits through any command). /cancel ends it and says so (the flow's `cancelled`, e.g.
  "Cancelled. Nothing was changed.").
- A press on another flow's button moves on: the step ends, silently, and the press goes on to its flow
  (a flow with `buttons_end=False` keeps waiting). The flow's own buttons are its own handlers' business.
- Text at a step that waits for a press (`button_steps`, e.g. a form's card) is told to use the buttons.
- Answered in another team than the one it was begun in (the sender switched teams): refused with the
  reason; the step ends, or pauses for a flow that `keeps_on_team_switch`.
- Anything else is the flow's `answer`, which takes the message or passes it on.
With nothing waiting, every update passes on untouched.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, CallbackQueryHandler, MessageHandler, filters

from handlers.access import switched_team
from handlers.context import SaimaContext
from handlers.incoming import text_of
from locales import N_

USE_THE_BUTTONS = N_("Please use the buttons on the draft above, or send /cancel to stop.")


async def typed(update: Update, context: SaimaContext) -> None:
    """A message while a step waits: the shared rules, then the waiting flow's answer."""
    waiting = context.conversation.waiting()
    message = update.effective_message
    if waiting is None or message is None:
        return
    flow, state = waiting
    raw = text_of(message)
    pressing = state.step in flow.button_steps  # it waits for a press, not for words
    if raw is None and (pressing or not (flow.files and (message.photo or message.document is not None))):
        return  # not for this flow (e.g. a photo while a date is asked): others may take it
    text = (raw or "").strip()
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0].split("@")[0].lower()
        if command.lstrip("/") in flow.restarts:
            return
        if command == "/cancel":
            context.conversation.end()
            await message.reply_text(context.t(flow.cancelled))
            raise ApplicationHandlerStop
        if flow.commands_end:
            context.conversation.end()
        return
    if pressing:
        await message.reply_text(context.t(USE_THE_BUTTONS))
        raise ApplicationHandlerStop
    if (switched := switched_team(context, state.team_id)) is not None:
        if not flow.keeps_on_team_switch:
            context.conversation.end()
        await message.reply_text(switched)
        raise ApplicationHandlerStop
    if await flow.answer(update, context, state, text):
        raise ApplicationHandlerStop


async def moved_on(update: Update, context: SaimaContext) -> None:
    """A button of another flow than the waiting one: the step stops waiting (silently); the press goes on."""
    data = update.callback_query.data if update.callback_query is not None else None
    waiting = context.conversation.waiting()
    if (waiting is not None and waiting[0].buttons_end and isinstance(data, str)
            and not data.startswith(waiting[0].prefixes)):
        context.conversation.end()


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE
    return [MessageHandler(private & (filters.TEXT | filters.PHOTO | filters.Document.ALL), typed),
            CallbackQueryHandler(moved_on)]
