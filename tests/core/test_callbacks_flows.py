"""The button data of the broadcast draft, the broadcast receipts and a motion's card: every kind round-trips
in at most 64 bytes, and malformed or forged data reads as nothing."""

from __future__ import annotations

import re
from types import ModuleType
from typing import Any

import pytest

from core.callbacks import broadcast, proposals, receipts

MODULES = (broadcast, proposals, receipts)


@pytest.mark.parametrize(("module", "press"), [(m, p) for m in MODULES for p in m.EXAMPLES])
def test_every_kind_of_press_round_trips_in_64_bytes(module: ModuleType, press: Any) -> None:
    data = module.build(press)
    assert module.parse(data) == press
    assert len(data.encode()) <= 64
    assert re.match(module.PATTERN, data)


@pytest.mark.parametrize("module", MODULES)
def test_every_action_has_an_example(module: ModuleType) -> None:
    assert {p.action for p in module.EXAMPLES} == set(module.Action)


@pytest.mark.parametrize(("module", "data"), [
    (broadcast, "bc:0f3a9c:ok:x"),  # Confirm takes no argument
    (broadcast, "bc:0f3a9c:au:"),  # an audience needs one
    (broadcast, "bc:0f3a9c:zz:"),  # no such action
    (broadcast, "bc:0F3A9C:ok:"),  # nonces are lower-case hex
    (broadcast, "bc:0f3a9c:tg:²"),  # not ASCII digits
    (broadcast, "mo:1:v"),  # another flow's prefix
    (receipts, "br:r:x:0"),
    (receipts, "br:r:7"),  # Read names the broadcast and the occurrence
    (receipts, "br:u:12:1"),  # who has not read it names the occurrence only
    (receipts, "br:n:١٢:0"),  # Arabic-Indic digits pass str.isdigit() but are refused
    (receipts, "br:q:1"),
    (proposals, "mo:abc:v"),
    (proposals, "mo:" + "9" * 40 + ":v"),
    (proposals, "mo:1:q"),
    (proposals, "mo:1:c:A:xyz"),  # a nonce is six hex digits
])
def test_malformed_or_forged_data_reads_as_nothing(module: ModuleType, data: str) -> None:
    assert module.parse(data) is None


def test_the_prefixes_do_not_overlap() -> None:
    prefixes = [m.PREFIX for m in MODULES]
    assert not any(a != b and b.startswith(a) for a in prefixes for b in prefixes)
