"""Small text helpers shared by the message parsers."""

from __future__ import annotations

import re

_EDGE = " \t\r\n,，、;；:：.。-—~～|/"


def squeeze(text: str) -> str:
    """Collapses runs of whitespace and trims separators left at the edges after pieces were taken out."""
    return re.sub(r"\s+", " ", text).strip(_EDGE)
