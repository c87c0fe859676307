"""A key research topic's (重点调研课题) title: how long it may be."""

from __future__ import annotations

import enum

from core.text import utf16_len

MAX_TITLE = 200  # characters, as Telegram counts them (UTF-16 code units)
MIN_TITLE = 2


class TitleProblem(enum.StrEnum):
    TOO_LONG = "too_long"
    TOO_SHORT = "too_short"


def title_problem(title: str) -> TitleProblem | None:
    """What is wrong with a topic's title (squeezed), or None."""
    if utf16_len(title) > MAX_TITLE:
        return TitleProblem.TOO_LONG
    if len(title) < MIN_TITLE:
        return TitleProblem.TOO_SHORT
    return None
