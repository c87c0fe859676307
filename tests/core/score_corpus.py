"""Scores the corpus of issue 14 (tests/core/corpus_logs.py): how many messages get the right draft on the
first reply, how many get a question with buttons, how many "没有看懂", and the interactions a member needs
to store each kind of log. Run `python -m tests.core.score_corpus` for the figures (and the misses with -v).

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

from core import motions, study, trips
from core import tasks as task_rules
from core.dates import find_date
from core.text import squeeze
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
    """The first reply to a private message, as the bot gives it today: a form's draft for a command,
    "没有看懂" for anything else."""
    command, _, rest = text.partition(" ")
    if not command.startswith("/"):
        return NotUnderstood()
    rest = rest.strip()
    lang = language_of(text)
    if command == "/trip":
        trip = trips.parse_trip(rest, now=NOW, lang=lang)
        return Trip(trip.start, trip.end, trip.places, trip.topic)  # type: ignore[arg-type]
    if command == "/study":
        found = study.parse_study(rest, now=NOW, lang=lang)
        return Study(found.held_on, found.kind.value if found.kind else None, found.hours, found.topic)  # type: ignore[arg-type]
    if command == "/proposal":
        motion = motions.parse_motion(rest, now=NOW, lang=lang)
        return Motion(motion.kind.value if motion.kind else None, motion.number, motion.title,  # type: ignore[arg-type]
                      motion.is_key, motion.assigned_on)
    if command == "/task":  # as handlers/tasks.py reads it
        found_due = find_date(rest, now=NOW, prefer="future", allow_range=False)
        due, title = None, rest
        if found_due is not None and not isinstance(found_due.value, tuple):
            due = task_rules.due_instant(found_due.value, SHANGHAI)
            title = task_rules.title_without_date(rest, found_due.start, found_due.end)
        return Task(squeeze(title), due)  # type: ignore[arg-type]
    return NotUnderstood()


def interactions(expected: Expected, got: Reply, read: Callable[[str], Reply], text: str) -> int:
    """What storing the expected log costs after this first reply (see the module docstring)."""
    if isinstance(got, NotUnderstood):
        return 1 + interactions(expected, read(f"/{_COMMANDS[type(expected)]} {text}"), read, text)
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
