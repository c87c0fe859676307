"""Callback data checked at the door, before any flow: a press whose data cannot be ours is refused.

Every number our buttons carry is a row id, a page, a count of days or a hex nonce, written with ASCII
digits and within PostgreSQL's INTEGER (2^31 − 1, the type of every id). Forged data with a larger
number made the flows' queries fail on PostgreSQL ("integer out of range") rather than be refused like
other forged data, and other digits ('²', '١') pass `str.isdigit()` but are not what `int()` reads.
A flow that ever needs a bigger number in its data (a Telegram chat id) must not use this rule.
"""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, CallbackQueryHandler

from core import callbacks
from handlers.context import SaimaContext

_ASCII_NUMBER = re.compile(r"[0-9]+")


def forged(data: object) -> bool:
    """Whether callback data holds a number no button of ours carries."""
    if not isinstance(data, str):
        return False
    if any(ch.isdigit() and not ("0" <= ch <= "9") for ch in data):
        return True
    return any(int(number) > callbacks.MAX_NUMBER for number in _ASCII_NUMBER.findall(data))


async def refuse(update: Update, context: SaimaContext) -> None:
    """Says the button is not valid, like any forged press, and lets no flow see it."""
    assert update.callback_query is not None
    await update.callback_query.answer(context.t("This button is not valid any more."), show_alert=True)
    raise ApplicationHandlerStop


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CallbackQueryHandler(refuse, pattern=forged)]
