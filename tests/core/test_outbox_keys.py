"""Outbox keys round-trip (core/outbox_keys.py): every kind is built into the key deployed databases hold
and parsed back; what is not a key of ours parses to None."""

from __future__ import annotations

from datetime import date

import pytest

from core import outbox_keys
from core.domain import Duty
from core.outbox_keys import (
    EXAMPLES,
    BoardKey,
    BroadcastKey,
    ItemIdent,
    ItemKind,
    Key,
    Kind,
    NudgeKey,
    PaceKey,
    TaskEvent,
    TaskKey,
)


@pytest.mark.parametrize("key", EXAMPLES, ids=outbox_keys.build)
def test_a_key_built_parses_back_to_itself(key: Key) -> None:
    text = outbox_keys.build(key)
    assert outbox_keys.parse(text) == key
    assert text.startswith(f"{key.kind}:") and len(text) <= 160


def test_the_examples_hold_every_kind_and_every_task_event() -> None:
    assert {key.kind for key in EXAMPLES} == set(Kind)
    assert {key.event for key in EXAMPLES if isinstance(key, TaskKey)} == set(TaskEvent)
    assert {key.item.kind for key in EXAMPLES if isinstance(key, NudgeKey)} == set(ItemKind)


@pytest.mark.parametrize(("key", "text"), [  # the wire format of the rows already in deployed databases
    (NudgeKey(ItemIdent(ItemKind.MOTION, 41, 7), "T-3"), "nudge:motion:41:member:7:T-3"),
    (NudgeKey(ItemIdent(ItemKind.MOTION, 41, 7), "overdue:2026-11-21"), "nudge:motion:41:member:7:overdue:2026-11-21"),
    (NudgeKey(ItemIdent(ItemKind.TASK, 5, 7), "snoozed:202611221030"), "nudge:task:5:member:7:snoozed:202611221030"),
    (outbox_keys.EscalateKey(ItemIdent(ItemKind.MOTION, 41, 7), 3), "escalate:motion:41:member:7:admin:3"),
    (outbox_keys.EscalateKey(ItemIdent(ItemKind.MOTION, 41, 7), 3, due=date(2026, 11, 27)),
     "escalate:motion:41:member:7:admin:3:due:2026-11-27"),
    (PaceKey(7, "2026-W47", (Duty.RESEARCH_DAYS, Duty.LAW_STUDY)), "pace:7:2026-W47:research_days,law_study"),
    (PaceKey(7, "2026-W47", (Duty.LAW_STUDY,), 3, Kind.LAGGING), "lagging:7:2026-W47:law_study:admin:3"),
    (BoardKey(3, "2026-10"), "board:3:2026-10"), (BoardKey(3, "2026-10", chart=True), "board:3:2026-10:chart"),
    (outbox_keys.SummaryKey(3, "2026-W48"), "summary:3:2026-W48:group"),
    (outbox_keys.SummaryKey(3, "2026-W48", 5), "summary:3:2026-W48:admin:5"),
    (TaskKey(5, TaskEvent.ASSIGNED, 7, file=True), "task:5:assigned:member:7:file"),
    (TaskKey(5, TaskEvent.REPORTED, 7, nth=2), "task:5:reported:member:7:2"),
    (TaskKey(5, TaskEvent.CLOSED, 7), "task:5:closed:member:7"),
    (BroadcastKey(2, 1, 7), "broadcast:2:1:member:7"), (BroadcastKey(2, 1, 7, nudge=3), "broadcast:2:1:nudge:3:member:7"),
    (BroadcastKey(2, 1), "broadcast:2:1:report"),
    (outbox_keys.YearListKey(3, 2027, 7), "yearlist:3:2027:member:7"),
    (outbox_keys.YearListKey(3, 2027, 5, office=True), "yearlist:3:2027:admin:5"),
])
def test_a_key_is_written_as_deployed_databases_hold_it(key: Key, text: str) -> None:
    assert outbox_keys.build(key) == text


def test_an_item_names_what_its_nudges_and_escalations_start_with() -> None:
    item = ItemIdent(ItemKind.FOLLOWUP, 9, 7)
    assert str(item) == "followup:9:member:7"
    assert outbox_keys.item_prefix(Kind.ESCALATE, item) == "escalate:followup:9:member:7:"


@pytest.mark.parametrize(("day", "week"), [(date(2026, 11, 23), "2026-W48"), (date(2027, 1, 1), "2026-W53"),
                                           (date(2026, 1, 5), "2026-W02")])
def test_a_week_is_named_by_its_iso_year_and_number(day: date, week: str) -> None:
    assert outbox_keys.iso_week(day) == week


@pytest.mark.parametrize("text", [
    "", "nudge", "unknown:1:2", "Nudge:motion:41:member:7:T-3",  # not a kind
    "nudge:motion:41:member:7", "nudge:motion:41:member:7:T-x", "nudge:meeting:41:member:7:T-3",
    "nudge:motion:41:owner:7:T-3", "nudge:motion:²:member:7:T-3", "nudge:motion:41:member:7:overdue:2026-11",
    "escalate:motion:41:member:7", "escalate:motion:41:member:7:admin:3:4", "escalate:motion:41:member:7:owner:3",
    "escalate:motion:41:member:7:admin:3:due", "escalate:motion:41:member:7:admin:3:due:2026-13-45",
    "escalate:motion:41:member:7:admin:3:due:2026-11-27:x", "nudge:motion:41:member:7:T-3:due:2026-13-45",
    "pace:7:2026-W47", "pace:7:2026-W47:", "pace:7:2026-W47:flying", "pace:7:47:law_study",
    "pace:7:2026-W47:law_study:admin:3", "lagging:7:2026-W47:law_study", "lagging:7:2026-W47:law_study:admin:²",
    "board:3", "board:3:2026-13x", "board:3:2026-10:chart:2", "board:3:2026-10:photo", "board:x:2026-10",
    "summary:3:2026-W48", "summary:3:2026-W48:admin", "summary:3:2026-W48:group:1", "summary:3:W48:group",
    "task:5:assigned:member", "task:5:moved:member:7", "task:5:closed:member:7:2", "task:5:reported:member:7:x",
    "task:5:closed:member:7:file", "task:5:assigned:member:7:file:1", "task:²:closed:member:7",
    "broadcast:2:1", "broadcast:2:1:member", "broadcast:2:1:nudge:3", "broadcast:2:1:report:1",
    "broadcast:2:1:member:7:8", "broadcast:2:x:report",
])
def test_what_is_not_a_key_of_ours_parses_to_none(text: str) -> None:
    assert outbox_keys.parse(text) is None
