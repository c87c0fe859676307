"""回头看 as text: the question to the owner (with its three buttons), the reminder, the office's notes, and
the words for a result (the ledger's column and history)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from core.callbacks import lookback as callbacks
from core.lookback import Result
from locales import N_, Translator
from reports.words import day_in_words
from storage.lookback import FOLLOWUP, MOTION, TASK, ItemView

RESULTS = {Result.HELD: N_("Held"), Result.PARTLY: N_("Partly held"),
           Result.NOT_HELD: N_("Did not hold")}
KINDS = {TASK: N_("supervised task"), FOLLOWUP: N_("follow-up item"), MOTION: N_("suggestion or proposal")}
MAX_TITLE = 80


def result_words(t: Translator, result: Result | None) -> str:
    return t(RESULTS[result]) if result is not None else ""


def item_words(t: Translator, item: ItemView) -> str:
    title = item.title if len(item.title) <= MAX_TITLE else item.title[: MAX_TITLE - 1] + "…"
    number = t("No. {number} ").format(number=item.number) if item.number else ""
    return t("{kind} {number}“{title}”").format(kind=t(KINDS[item.kind]), number=number, title=title)


def buttons(t: Translator, lookback_id: int) -> list[list[list[str]]]:
    """The three answers, in one row (the outbox payload's shape)."""
    return [[[t(RESULTS[result]), callbacks.build(callbacks.Press(callbacks.Action.ANSWER, lookback_id, result))]
             for result in Result]]


def ask(t: Translator, lookback_id: int, item: ItemView, *, closed_at: datetime, tz: ZoneInfo, reminder: bool = False) -> dict[str, Any]:
    """The owner's question (or its one reminder), as an outbox payload."""
    head = t("🔁 Look-back (reminder): ") if reminder else t("🔁 Look-back: ")
    text = head + t("the {item} closed on {day}. Has its result held? Please choose below; you may add a note "
                    "afterwards.").format(item=item_words(t, item), day=day_in_words(t, closed_at.astimezone(tz).date()))
    return {"text": text, "parse_mode": None, "buttons": buttons(t, lookback_id)}


def office_unanswered(t: Translator, item: ItemView, *, owner: str, asked_on: date) -> str:
    return t("🔁 Look-back: {name} has not answered whether the result of the {item} held (asked on {day}).").format(
        name=owner, item=item_words(t, item), day=day_in_words(t, asked_on))


def office_reopened(t: Translator, item: ItemView, *, owner: str, due: date | None, note: str | None) -> str:
    text = t("🔁 Look-back: {name} says the result of the {item} did not hold. It is reopened").format(
        name=owner, item=item_words(t, item))
    text += t(", due {day}.").format(day=day_in_words(t, due)) if due is not None else "."
    return text + ("\n" + t("Note from the owner: {note}").format(note=note) if note else "")


def history_line(t: Translator, round_: int, result: Result | None, answered: date | None, note: str | None,
                 due: date | None) -> str:
    """`回头看第1轮 2027-03-05 未落实：…` (the ledger's history)."""
    if result is None or answered is None:
        return t("Look-back round {n}: due {day}, not answered").format(n=round_, day=due.isoformat() if due else "")
    line = t("Look-back round {n}: {day} {result}").format(n=round_, day=answered.isoformat(),
                                                       result=result_words(t, result))
    return line + (t(": {note}").format(note=note) if note else "")
