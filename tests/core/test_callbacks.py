"""Button data round-trips (core/callbacks): every module of the package, found with pkgutil, builds every
kind of press it has into data a button can carry and parses it back, and refuses what is not its own."""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass
from enum import StrEnum
from itertools import permutations
from types import ModuleType
from typing import Any

import pytest

import core.callbacks
from core.callbacks import Codec, Field

MODULES = [importlib.import_module(f"core.callbacks.{info.name}")
           for info in pkgutil.iter_modules(core.callbacks.__path__)]
EXAMPLES = [pytest.param(module, press, id=f"{module.__name__.rsplit('.', 1)[1]}-{i}")
            for module in MODULES for i, press in enumerate(module.EXAMPLES)]


def _name(module: ModuleType) -> str:
    return module.__name__.rsplit(".", 1)[1]


def test_the_package_holds_a_module_per_flow() -> None:
    assert {"tasks", "roster", "targets", "mine", "findings", "forms", "form_start", "nudges", "race", "track",
            "language", "audit_log", "log_session"} <= {_name(m) for m in MODULES}


@pytest.mark.parametrize("module", MODULES, ids=_name)
def test_a_module_names_its_prefix_actions_pattern_and_an_example_of_every_action(module: ModuleType) -> None:
    assert isinstance(module.PREFIX, str) and module.PREFIX.endswith(":")
    assert re.match(module.PATTERN, module.PREFIX + "x")
    assert callable(module.build) and callable(module.parse)
    assert {press.action for press in module.EXAMPLES} == set(module.Action)


@pytest.mark.parametrize(("module", "press"), EXAMPLES)
def test_a_press_built_into_data_parses_back_to_itself(module: ModuleType, press: Any) -> None:
    data = module.build(press)
    assert module.parse(data) == press
    assert data.startswith(module.PREFIX)
    assert re.match(module.PATTERN, data)
    assert len(data.encode()) <= 64  # Telegram's limit


@pytest.mark.parametrize(("module", "press"), EXAMPLES)
def test_a_press_is_refused_with_other_digits_or_under_another_prefix(module: ModuleType, press: Any) -> None:
    data = module.build(press)
    if re.search("[0-9]", data):
        assert module.parse(re.sub("[0-9]", "²", data)) is None  # '²'.isdigit(), but not a number of ours
        assert module.parse(re.sub("[0-9]+", str(2**31), data)) is None  # beyond PostgreSQL's INTEGER
    assert module.parse("x" + data) is None
    assert module.parse(data.removeprefix(module.PREFIX)) is None
    for other in MODULES:
        if other is not module:
            assert other.parse(data) is None, _name(other)


def test_no_prefix_is_the_start_of_another_so_each_press_has_one_flow() -> None:
    for a, b in permutations(MODULES, 2):
        assert not b.PREFIX.startswith(a.PREFIX), (_name(a), _name(b))


@pytest.mark.parametrize("module", MODULES, ids=_name)
@pytest.mark.parametrize("data", ["", ":", "::", None, 7, "ü:"])
def test_nothing_like_data_parses(module: ModuleType, data: object) -> None:
    assert module.parse(data) is None


#: Per module: wrong prefix, unknown action, '²' digits, missing parts, extra parts (and a few of its own).
MALFORMED = {
    "audit_log": ["au:", "au:p", "au:q:1", "au:p:²", "au:p:1:2", "AU:p:1", "au:p:-1", "au:p: 1"],
    "findings": ["fu:", "fu:x:1", "fu:t", "fu:t:²", "fu:t:1:2", "fu:l:1", "fu:s:1", "fu:s:1:open",
                 "fu:s:²:closed", "fu:s:1:closed:2", "fu:i:"],
    "form_start": ["fs:", "fs:finding", "fs:study:1", "fs:finding:²", "fs:finding:1:2", "fs:finding:x",
                   "fs:taskdone:"],
    "forms": ["f:", "f:abc", "f:abc:ok", "f:abc:zz:", "f:xyz!:ok:", "f::ok:", "f:abc:ok:1", "f:abc:ch:",
              "f:abc:fld:", "f:ÄBC:ok:", "f:0123456789abcdef0:ok:"],
    "language": ["lang:", "lang:fr", "lang:zh:en", "lang:ZH", "lang:zh "],
    "log_kind": ["lk:", "lk:trip", "lk:trip:", "lk:trip:a1b2c", "lk:trip:a1b2c3:1", "lk:task:a1b2c3", "lk:Trip:a1b2c3",
                 "lk:trip:A1B2C3"],
    "log_session": ["att:", "att:1", "att:1:", "att:²:3", "att:1:²", "att:1:2:3", "att:1:Done", "att:x:done"],
    "mine": ["m:", "m:p", "m:p:²", "m:p:1:2", "m:x:1", "m:d:study:1", "m:d:study:1:²", "m:d:Study:1:0",
             "m:d:study:1:0:0", "m:e:study", "m:e:study:1:0", "m:e:study:x", "m:D:st.dy:1:0"],
    "nudges": ["nz:", "nz:x:1:3", "nz:m:1", "nz:m:²:3", "nz:m:1:3:4", "nz:m:1:1000", "nz:M:1:3"],
    "proposals": ["mo:", "mo:p", "mo:p:1", "mo:p:²:all", "mo:p:1:any", "mo:p:1:all:2", "mo:p:x:own", "mo:5:p",
                  "mo:5:p:all", "MO:p:1:own"],
    "race": ["race:", "race:explain:", "race:explain:2026-13", "race:explain:2026-Q5", "race:explain:²⁰²⁶",
             "race:explain:2026:1", "race:rank:2026", "race:explain:26", "race:explain: 2026"],
    "roster": ["mb:", "mb:p", "mb:zz:1", "mb:v:²", "mb:v:1:2", "mb:lk:1", "mb:lk:1:holiday", "mb:ra:1",
               "mb:ra:1:2", "mb:in:2", "mb:in:1:1", "mb:x", "mb:rm:x"],
    "targets": ["tg:", "tg:x:1", "tg:d", "tg:d:99:0:2026", "tg:d:²", "tg:d:1:0:2026:1", "tg:w:1", "tg:s:1:2",
                "tg:s:x"],
    "tasks": ["tk:", "tk:l", "tk:z:1", "tk:l:²", "tk:l:1:2", "tk:v:1:2:3", "tk:a", "tk:a:x"],
    "track": ["trk:", "trk:link:y", "trk:link:x:1", "trk:set:names", "trk:set:bold:1", "trk:link:y:²",
              "trk:set:names:1:2", "trk:other:y:1"],
    "topics": ["tp:", "tp:x", "tp:l:1", "tp:r", "tp:r:", "tp:r:²", "tp:r:1:2", "tp:r:x", "TP:r:1", "tp:c",
               "tp:c:", "tp:c:done", "tp:c:report:1", "tp:c:1"],
}


@pytest.mark.parametrize(("module", "data"), [
    pytest.param(module, data, id=f"{_name(module)}-{data}")
    for module in MODULES for data in MALFORMED.get(_name(module), [])])
def test_malformed_data_of_a_flow_parses_to_none(module: ModuleType, data: str) -> None:
    assert module.parse(data) is None


class _Kind(StrEnum):
    ONE = "o"
    TWO = "t"


@dataclass(frozen=True)
class _Press:
    action: _Kind
    ref_id: int | None
    page: int | None = None


_TEST_CODEC: Codec[_Kind, _Press] = Codec("zz:", _Kind, _Press, {
    _Kind.ONE: [Field("ref_id"), Field("page", optional=True)], _Kind.TWO: [Field("ref_id", write=lambda v: v * 2)]})


def test_a_codec_writes_each_action_s_fields_in_order_and_leaves_out_an_optional_one_unset() -> None:
    # the layout a Codec works out once per action (a scheduling tick builds tens of thousands of buttons)
    assert _TEST_CODEC.build(_Press(_Kind.ONE, 7, 2)) == "zz:o:7:2"
    assert _TEST_CODEC.build(_Press(_Kind.ONE, 7)) == "zz:o:7"
    assert _TEST_CODEC.build(_Press(_Kind.TWO, 7, 2)) == "zz:t:14"  # TWO has no page field; its writer doubles
    assert _TEST_CODEC.parse("zz:o:7") == _Press(_Kind.ONE, 7)
    assert _TEST_CODEC.parse("zz:t:14") == _Press(_Kind.TWO, 14)


def test_a_codec_refuses_to_build_without_a_required_field_or_over_64_bytes() -> None:
    with pytest.raises(AssertionError):
        _TEST_CODEC.build(_Press(_Kind.ONE, None, 2))
    with pytest.raises(AssertionError, match="over 64 bytes"):
        _TEST_CODEC.build(_Press(_Kind.ONE, 10**70))


@pytest.mark.parametrize(("text", "value"), [
    ("7", 7), ("007", 7), ("2147483647", 2**31 - 1), ("2147483648", None), ("9" * 5000, None), ("0" * 20 + "5", 5),
    ("٣", None), ("²", None), ("-1", None), ("", None),
])
def test_a_number_of_ours_is_ascii_digits_within_integer_however_long_the_text(text: str, value: int | None) -> None:
    """What a button's or a dashboard link's id may be: a text of thousands of digits is refused, not read (int()
    refuses past 4,300 digits)."""
    assert core.callbacks.number(text) == value
