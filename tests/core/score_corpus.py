"""Scores the corpus of issue 14 (tests/core/corpus_logs.py): how many messages get the right draft on the
first reply, how many get a question with buttons, how many "没有看懂", and the interactions a member needs
to store each kind of log. Run `python -m tests.core.score_corpus` for the figures (and the misses with -v);
tests/core/test_corpus_logs.py holds them to issue 14's threshold.

Interactions are counted as a member spends them: the message, one answer for each field the draft lacks,
three (Edit, the field, the answer) for each field read wrongly, and Confirm. A message without a command
that gets "没有看懂" costs that message, then the same log typed again with its command. A question with
buttons costs one press before the draft.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core import study, trips
from core import tasks as task_rules
from core.log_reading import LogKind, Read, Unclear, read_as, read_log
from tests.core.corpus_logs import CORPUS, NOW, SHANGHAI, Ask, Expected, Motion, Study, Task, Trip


@dataclass(frozen=True)
class NotUnderstood:
    """The bot's "没有看懂这条消息" (I didn't understand that)."""


Reply = Expected | NotUnderstood
_COMMANDS: dict[type[Any], str] = {Trip: "trip", Study: "study", Motion: "proposal", Task: "task"}


def language_of(text: str) -> str:
    """The sender's language: English for a message without Chinese (an English-language user)."""
    return "zh" if re.search(r"[\u4e00-\u9fff]", text) else "en"


def reply_of(text: str) -> Reply:
    """The first reply to a private message: a command's draft, or the log a message without one reads
    as (core/log_reading.py), or a question with buttons when that is unclear."""
    command, _, rest = text.partition(" ")
    lang = language_of(text)
    if not command.startswith("/"):
        reading = read_log(text, now=NOW, lang=lang)
        return Ask() if isinstance(reading, Unclear) else _expected(reading)
    if command == "/task":
        title, due, _ = task_rules.parse_task(rest.strip(), now=NOW, tz=SHANGHAI)
        return Task(title, due)  # type: ignore[arg-type]
    kind = {"/trip": LogKind.TRIP, "/study": LogKind.STUDY, "/proposal": LogKind.PROPOSAL}.get(command)
    return NotUnderstood() if kind is None else _expected(read_as(kind, rest.strip(), now=NOW, lang=lang))


def _expected(reading: Read) -> Expected:
    draft = reading.draft
    if isinstance(draft, trips.TripDraft):
        return Trip(draft.start, draft.end, draft.places, draft.topic)  # type: ignore[arg-type]
    if isinstance(draft, study.StudyDraft):
        return Study(draft.held_on, draft.kind.value if draft.kind else None, draft.hours, draft.topic)  # type: ignore[arg-type]
    return Motion(draft.kind.value if draft.kind else None, draft.number, draft.title,  # type: ignore[arg-type]
                  draft.is_key, draft.assigned_on)


def interactions(expected: Expected, got: Reply, read: Callable[[str], Reply], text: str, *,
                 again: bool = True) -> int:
    """What storing the expected log costs after this first reply (see the module docstring)."""
    if isinstance(got, NotUnderstood) and again:
        retyped = read(f"/{_COMMANDS[type(expected)]} {text}")
        return 1 + interactions(expected, retyped, read, text, again=False)
    if isinstance(got, Ask):
        return 1 + 1 + _field_cost(expected, expected)  # a press on the right kind; that kind's draft assumed
    if type(got) is not type(expected):
        return 1 + 3 * len(dataclasses.fields(expected)) + 1  # the wrong form: everything typed again
    return _field_cost(expected, got)


def _field_cost(expected: Expected, got: Expected) -> int:
    cost = 2  # the message and Confirm
    for field in dataclasses.fields(expected):
        want, have = getattr(expected, field.name), getattr(got, field.name)
        if field.name == "assigned_on" and have is None:
            cost += 0 if want is None else 3  # defaults to today: wrong unless Edit changes it
        elif have is None:
            cost += 1 if want is None else 1  # asked: one answer (a tap or a word)
        elif have != want:
            cost += 3
    return cost


@dataclass
class Score:
    total: int = 0
    right: int = 0
    asked: int = 0  # a question with buttons where a draft was expected
    not_understood: int = 0
    misses: list[tuple[str, Expected, Reply]] = dataclasses.field(default_factory=list)
    cost: dict[str, list[int]] = dataclasses.field(default_factory=dict)  # per kind, interactions each

    @property
    def share(self) -> float:
        return self.right / self.total


def score(read: Callable[[str], Reply] = reply_of) -> Score:
    result = Score()
    for text, expected in CORPUS:
        got = read(text)
        result.total += 1
        if got == expected:
            result.right += 1
        else:
            result.misses.append((text, expected, got))
            result.asked += isinstance(got, Ask)
            result.not_understood += isinstance(got, NotUnderstood)
        if not isinstance(expected, Ask):
            body = text.partition(" ")[2] if text.startswith("/") else text
            how = "with the command" if text.startswith("/") else "without a command"
            result.cost.setdefault(f"{_COMMANDS[type(expected)]}, {how}", []).append(
                interactions(expected, got, read, body))
    return result


def report(result: Score) -> str:
    lines = [f"right on the first reply: {result.right}/{result.total} ({result.share:.1%}); "
             f"a question with buttons instead of a draft: {result.asked}; 没有看懂: {result.not_understood}"]
    for kind, costs in result.cost.items():
        lines.append(f"  {kind}: {sum(costs) / len(costs):.2f} interactions on average "
                     f"(min {min(costs)}, max {max(costs)}, {len(costs)} messages)")
    return "\n".join(lines)


if __name__ == "__main__":
    outcome = score()
    print(report(outcome))
    if "-v" in sys.argv:
        for text, expected, got in outcome.misses:
            print(f"- {text}\n    want {expected}\n    got  {got}")
