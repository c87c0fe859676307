"""What a user typed, read the one way every flow reads it: control characters dropped at the door.

PTB's Update objects are frozen, so the text is cleaned where it is read rather than rewritten in the
update: every flow reads a message's text, a caption, a command's arguments and a user's name through
these helpers (core.text.clean), so NUL and other control characters never reach a parser or a column.
"""

from __future__ import annotations

from telegram import Message, User

from core.dates import HORIZON_YEARS
from core.text import clean, fit_chars, join_name
from locales import Translator

MAX_DISPLAY_NAME = 128  # Member.display_name's column


def text_of(message: Message | None) -> str | None:
    """The message's text, cleaned (newlines and tabs kept); None when it has no text."""
    if message is None or message.text is None:
        return None
    return clean(message.text)


def caption_of(message: Message | None) -> str | None:
    if message is None or message.caption is None:
        return None
    return clean(message.caption)


def args_of(args: list[str] | None) -> list[str]:
    """A command's arguments (PTB's `context.args`), cleaned; arguments left empty are dropped."""
    return [a for a in (clean(arg, multiline=False).strip() for arg in args or []) if a]


def display_name(user: User) -> str:
    """The user's full name as the roster shows it (张 + 明 → 张明, John + Smith → John Smith), cleaned and
    cut with "…" to fit its column (64 + 64 characters of first and last name are 129 with the space)."""
    name = join_name(clean(user.first_name or "", multiline=False), clean(user.last_name or "", multiline=False))
    name = name.strip() or (user.username or str(user.id))
    return fit_chars(name, MAX_DISPLAY_NAME)


def too_far_reply(t: Translator) -> str:
    """The reply to a deadline further ahead than core.dates.HORIZON_YEARS (9999年12月31日)."""
    return t.ngettext("A deadline can be at most {n} year ahead. Please give a nearer date.",
                      "A deadline can be at most {n} years ahead. Please give a nearer date.",
                      HORIZON_YEARS).format(n=HORIZON_YEARS)
