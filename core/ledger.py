"""The ledger's (台账) rules: what a row says about an item's history, read from the audit log's entries.

The database keeps each record's current state; the audit log keeps every change to it (who, when,
the fields before and after). The ledger is a record of the year, so it reads both: a suggestion sent
back by an unsatisfied deputy (不满意) keeps its first reply round, its result class and the 不满意 in
the ledger although the record itself was cleared for the new round; a task returned (退回) and
reported again keeps each report and each return with its reason.

* :func:`motion_rounds`: a motion's reply rounds, in order: the deadline in force, the reply and its
  class, the deputy's feedback; and each deadline extension. "On time" (按期) is judged on the first
  round: replied by the deadline in force then.
* :func:`task_steps`: one assignee's reports, returns and closure, in order.
* :func:`follow_up_steps`: a finding's closed loop (raised → assigned to a department → handled → fed back
  → closed), each step on the day its stamp says (the dates the follow-up sheet's columns show).
* :func:`credited_days`: how many of each trip's days the race credits, trips taken in order, so that
  overlapping trips never count a day twice and the rows add up to the member's total.
* :func:`overdue_days`: whole days past a deadline.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from core.lookback import REOPEN_ACTION


@dataclass(frozen=True)
class Event:
    """One audit entry about a record: the day (in team time), its action, and the changed fields."""

    day: date
    action: str
    before: Mapping[str, Any] = field(default_factory=dict)
    after: Mapping[str, Any] = field(default_factory=dict)
    at: datetime | None = None  # the instant, to order it among records kept elsewhere (a task's requests)


class Step(enum.StrEnum):
    ASSIGNED = "assigned"  # 交办 (a motion) / assigned (a task)
    EXTENDED = "extended"  # the deadline moved: old → new
    REPLIED = "replied"  # a reply round (a motion)
    FEEDBACK = "feedback"  # the deputy's feedback that closed it
    REOPENED = "reopened"  # 不满意: handled again, with a new deadline
    LOOKBACK_REOPENED = "lookback_reopened"  # 回头看 found it did not hold (未落实): handled again, a new deadline
    REPORTED = "reported"  # an assignee reported done (a task)
    RETURNED = "returned"  # the office sent a report back, with a reason
    CLOSED = "closed"  # the office confirmed closure (销账)
    CANCELLED = "cancelled"  # the task was withdrawn (撤销)
    RAISED = "raised"  # a finding heard on a trip, with its feedback deadline (a follow-up item)
    TO_DEPARTMENT = "to_department"  # the finding assigned to a department (交办), named in the note
    HANDLED = "handled"  # the department handled it (办理)
    FED_BACK = "fed_back"  # the result fed back to the grassroots (反馈), what was told in the note
    CONCLUDED = "concluded"  # the finding closed (办结)


@dataclass(frozen=True)
class HistoryStep:
    """One line of an item's history: what happened on which day, with what it carried."""

    day: date
    step: Step
    due: date | None = None  # the deadline set (assigned, extended, reopened)
    old_due: date | None = None  # before an extension
    result_class: str | None = None  # a reply's 办复类别 (A/B/C)
    satisfaction: str | None = None  # the feedback (satisfied / basically / unsatisfied)
    note: str = ""  # a report's note or a return's reason
    at: datetime | None = None  # the instant, where an audit entry gave it


@dataclass(frozen=True)
class MotionHistory:
    """A motion's rounds for the ledger: its steps in order, its first reply and the deadline in force
    then (按期), and how often it was reopened."""

    steps: tuple[HistoryStep, ...]
    first_due: date  # the deadline in force when it was first replied (the current one, if never)
    first_reply: date | None
    reopened: int

    @property
    def on_time(self) -> bool | None:
        """按期: the first reply came by the deadline then in force; None while never replied."""
        if self.first_reply is None:
            return None
        return self.first_reply <= self.first_due


def _day(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def motion_rounds(events: Iterable[Event], *, assigned_on: date, reply_due: date,
                  replied_on: date | None, result_class: str | None, satisfaction: str | None,
                  reopened: int) -> MotionHistory:
    """A motion's history from its audit entries (oldest first) and its current state.

    Records older than their audit entries (none at all) still get one round from the current state."""
    steps: list[HistoryStep] = []
    due: date | None = None
    first_due: date | None = None
    first_reply: date | None = None
    seen_reopen = 0
    for event in events:
        after, before = event.after, event.before
        if event.action == "create":
            due = _day(after.get("reply_due")) or reply_due
            steps.append(HistoryStep(_day(after.get("assigned_on")) or assigned_on, Step.ASSIGNED, due=due))
            continue
        if after.get("reopened") is not None and int(after["reopened"]) > int(before.get("reopened") or 0):
            seen_reopen += 1
            due = _day(after.get("reply_due")) or due
            if event.action == REOPEN_ACTION:  # the office's 回头看, not the deputy's word
                steps.append(HistoryStep(event.day, Step.LOOKBACK_REOPENED, due=due))
            else:
                steps.append(HistoryStep(event.day, Step.REOPENED, due=due, satisfaction="unsatisfied"))
            continue
        if "reply_due" in after and _day(after.get("reply_due")) != due:
            new_due = _day(after.get("reply_due"))
            steps.append(HistoryStep(event.day, Step.EXTENDED, due=new_due, old_due=due))
            due = new_due
        if after.get("replied_on"):
            replied = _day(after["replied_on"])
            if first_reply is None:
                first_reply, first_due = replied, due
            steps.append(HistoryStep(replied or event.day, Step.REPLIED, result_class=after.get("result_class")))
        if after.get("satisfaction"):
            steps.append(HistoryStep(event.day, Step.FEEDBACK, satisfaction=str(after["satisfaction"])))
    if not steps:  # no audit entries: the current state is all there is
        steps.append(HistoryStep(assigned_on, Step.ASSIGNED, due=reply_due))
        if replied_on is not None:
            steps.append(HistoryStep(replied_on, Step.REPLIED, result_class=result_class))
        if satisfaction is not None:
            steps.append(HistoryStep(replied_on or assigned_on, Step.FEEDBACK, satisfaction=satisfaction))
        due = reply_due
    if first_reply is None and replied_on is not None:  # replied before the audit log had it
        first_reply, first_due = replied_on, due or reply_due
    return MotionHistory(tuple(steps), first_due=(first_due or reply_due) if first_reply is not None else reply_due,
                         first_reply=first_reply, reopened=max(reopened, seen_reopen))


def task_steps(assigned_on: date, due: date, events: Iterable[Event], *,
               cancelled_on: date | None = None, zone: tzinfo | None = None) -> tuple[HistoryStep, ...]:
    """One assignee's side of a task: assigned, then each report, return (with its reason), closure and 回头看
    reopening (with the new deadline, its day in ``zone``, the team's), in the order they happened; the
    cancellation last, when the task was withdrawn."""
    steps = [HistoryStep(assigned_on, Step.ASSIGNED, due=due)]
    moves = {"report": Step.REPORTED, "return": Step.RETURNED, "close": Step.CLOSED,
             "reopen": Step.LOOKBACK_REOPENED}
    for event in events:
        step = moves.get(event.action)
        if step is None:
            continue
        if step is Step.LOOKBACK_REOPENED:
            new_due = event.after.get("due_at")
            if isinstance(new_due, datetime):
                new_due = (new_due.astimezone(zone) if zone is not None else new_due).date()
            steps.append(HistoryStep(event.day, step, at=event.at, due=_day(new_due)))
            continue
        note = str(event.after.get("note") or event.after.get("reason") or "")
        steps.append(HistoryStep(event.day, step, note=note, at=event.at))
    if cancelled_on is not None:
        steps.append(HistoryStep(cancelled_on, Step.CANCELLED))
    return tuple(steps)


def follow_up_steps(raised_on: date, *, feedback_due: date | None, assigned_on: date | None,
                    department: str | None, handled_on: date | None, fed_back_on: date | None,
                    result: str | None, closed_on: date | None) -> tuple[HistoryStep, ...]:
    """A finding's closed loop from its stamps (each step is the next one only: core/findings.py), the
    steps not reached yet left out."""
    steps = [HistoryStep(raised_on, Step.RAISED, due=feedback_due)]
    if assigned_on is not None:
        steps.append(HistoryStep(assigned_on, Step.TO_DEPARTMENT, note=department or ""))
    if handled_on is not None:
        steps.append(HistoryStep(handled_on, Step.HANDLED))
    if fed_back_on is not None:
        steps.append(HistoryStep(fed_back_on, Step.FED_BACK, note=result or ""))
    if closed_on is not None:
        steps.append(HistoryStep(closed_on, Step.CONCLUDED))
    return tuple(steps)


def credited_days(spans: Sequence[tuple[date, date]], *, within: tuple[date, date]) -> list[int]:
    """For trips in the order given (oldest first), the days each adds to the union clipped to
    ``within``: a day already covered by an earlier trip counts 0. Their sum is the days the race
    credits (core.trips.grassroots_days)."""
    first, last = within
    covered: set[date] = set()
    credited = []
    for start, end in spans:
        day, added = max(start, first), 0
        while day <= min(end, last):
            if day not in covered:
                covered.add(day)
                added += 1
            day += timedelta(days=1)
        credited.append(added)
    return credited


def overdue_days(due: date, *, done_on: date | None, as_of: date) -> int:
    """Whole days past ``due``: until it was done, or until ``as_of`` while still open (0 if not late)."""
    return max(0, ((done_on or as_of) - due).days)
