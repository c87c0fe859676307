"""Every redraw of a pressed message goes through handlers/cards.py, which leaves a card that already shows what
it would draw as it is: Telegram refuses an edit that changes nothing (400 "message is not modified"), and a
double tap or a redelivered press would end in an apology."""

from __future__ import annotations

import ast
from pathlib import Path

HANDLERS = Path(__file__).resolve().parents[1] / "handlers"
EDITS = {"edit_message_text", "edit_message_reply_markup", "edit_message_caption", "edit_text", "edit_reply_markup",
         "edit_caption"}


def test_no_handler_edits_a_message_but_through_cards() -> None:
    direct = [f"{path.name}:{node.lineno} {node.func.attr}"
              for path in sorted(HANDLERS.glob("*.py")) if path.name != "cards.py"
              for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in EDITS]
    assert direct == []
