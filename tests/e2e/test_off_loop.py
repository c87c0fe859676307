"""Heavy answers (/rank, /summary, /export; in the team's group /rank and /summary too) are computed in a
worker thread and off the update path: while one is being worked on, everyone else is answered."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pytest

from emulator.sim import BotMessage
from reports import ledger, race_board, summary
from storage import ledger as ledger_storage
from storage import race as race_storage
from storage import summary as summary_storage
from tests.e2e.conftest import Saima
from tests.e2e.helpers import owner_and_member
from tests.e2e.test_race_track import _in_linked_group

# What each command draws once it has gathered (outside any transaction, as SQLite's lock is the whole
# database's), held until the test lets it go.
DRAWING: dict[str, tuple[Any, str]] = {
    "rank": (race_board, "render_chart"),
    "summary": (summary, "render"),
    "export": (ledger, "workbook"),
}
# What each command gathers from the database: a reading transaction, which on SQLite takes no lock, so
# the other member's reply (which writes: its update is marked handled) does not wait for it either.
GATHERING: dict[str, tuple[Any, str]] = {
    "rank": (race_storage, "board"),
    "summary": (summary_storage, "gather"),
    "export": (ledger_storage, "year_ledger"),
}


def _held(monkeypatch: pytest.MonkeyPatch, what: tuple[Any, str]) -> threading.Event:
    """Makes `what` (a module and a function's name) wait (at most 10 s) until the returned event is set:
    a board, a summary or a ledger that takes its time, as a big team's does."""
    module, name = what
    gather: Callable[..., Any] = getattr(module, name)
    released = threading.Event()

    def slow(*args: Any, **kwargs: Any) -> Any:
        released.wait(10)
        return gather(*args, **kwargs)

    monkeypatch.setattr(module, name, slow)
    return released


@pytest.mark.parametrize("slow", [DRAWING, GATHERING], ids=["drawing", "gathering"])
@pytest.mark.parametrize(("command", "in_group", "answers"), [
    ("rank", False, 2), ("rank", True, 2), ("summary", False, 1), ("summary", True, 1), ("export", False, 1),
])
async def test_a_slow_board_does_not_hold_up_another_members_reply(
        saima: Saima, monkeypatch: pytest.MonkeyPatch, command: str, in_group: bool, answers: int,
        slow: dict[str, tuple[Any, str]]) -> None:
    admin, zhang = await owner_and_member(saima)
    group = await _in_linked_group(saima, admin) if in_group else None
    released = _held(monkeypatch, slow[command])
    heavy = asyncio.create_task(admin.send(f"/{command}", chat=group, expect=answers, timeout=20))
    try:
        await asyncio.sleep(0.3)  # the heavy one is under way
        helped = await zhang.send("/help", timeout=5)
        assert isinstance(helped, BotMessage) and helped.text
        assert not heavy.done()  # answered while the board was still being computed
    finally:
        released.set()
    assert await heavy
