"""Outbox keys: the idempotency key of every message the bot sends on its own (storage/outbox.py: one row a
key, sent once), built and parsed here, one dataclass a kind. The wire format is what deployed databases
hold, so it changes only with a migration that rewrites the rows already there (0019_escalation_due):

    nudge:<item>:<stage>                     a deadline nudge; <item> is `motion:41:member:7` (`ItemIdent`),
                                             <stage> T-3, overdue:2026-11-21 or snoozed:202611221030 (UTC);
                                             a T-n stage with its due day, T-3:due:2026-11-27 (a moved
                                             deadline's nudges are new ones)
    escalate:<item>:admin:<admin>:due:<day>  the admins' 约谈提醒 about an overdue item, once per due day (an item
                                             overdue again after its deadline moved is told again; keys made
                                             before 0019_escalation_due gained the item's due day then)
    pace:<member>:<ISO week>:<duty>,<duty>   a pace nudge
    lagging:<member>:<ISO week>:<duty>,<duty>:admin:<admin>    a note to an admin about a lagging member
    board:<team>:<period>[:chart]            a period's board in the group (and its chart)
    summary:<team>:<ISO week>:group | summary:<team>:<ISO week>:admin:<admin>    the weekly summary
    task:<task>:<event>:member:<member>[:file][:<n>]    a supervised task's news (the n-th report or return;
                                             a request's id for `requested` and `answered`)
    broadcast:<broadcast>:<occurrence>:member:<member> | …:nudge:<n>:member:<member> | …:report
    yearlist:<team>:<year>:member:<member> | yearlist:<team>:<year>:admin:<admin>    the 年度清单
    lookback:<lookback>:ask | …:remind | …:office:<admin> | …:reopened:<admin>    回头看 (core/lookback.py)
    evaluation:<team>:<year>:member:<member> | evaluation:<team>:<year>:admin:<admin>    the 年末考评
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from core.callbacks import choice, number, numbers
from core.domain import Duty

MAX_CHARS = 160  # storage.outbox refuses a longer key
_WEEK = re.compile(r"[0-9]{4}-W[0-9]{2}")
_PERIOD = re.compile(r"[0-9]{4}(?:-Q[1-4]|-[0-9]{2})?")
_STAGE = re.compile(r"T-[0-9]{1,3}|overdue:[0-9]{4}-[0-9]{2}-[0-9]{2}|snoozed:[0-9]{12}")
_DUE = re.compile(r"due:([0-9]{4}-[0-9]{2}-[0-9]{2})")


class Kind(StrEnum):
    """A key's first word."""

    NUDGE = "nudge"
    ESCALATE = "escalate"
    PACE = "pace"
    LAGGING = "lagging"
    BOARD = "board"
    SUMMARY = "summary"
    TASK = "task"
    BROADCAST = "broadcast"
    YEAR_LIST = "yearlist"
    LOOKBACK = "lookback"
    EVALUATION = "evaluation"


class ItemKind(StrEnum):
    """What has a deadline (storage.deadlines.Item.kind)."""

    MOTION = "motion"
    FOLLOWUP = "followup"
    TASK = "task"


class TaskEvent(StrEnum):
    ASSIGNED = "assigned"
    REPORTED = "reported"
    RETURNED = "returned"
    CANCELLED = "cancelled"
    CLOSED = "closed"
    REQUESTED = "requested"  # an assignee's question, plan or extension request, to the office (nth: the request)
    ANSWERED = "answered"  # the office's answer (or approval, refusal), to the assignee (nth: the request)


def iso_week(day: date) -> str:
    """`2026-W47`, the ISO week of ``day`` as a key names it."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class ItemIdent:
    """`motion:41:member:7`: an item with a deadline and its owner, within nudge and escalation keys."""

    kind: ItemKind
    item_id: int
    member_id: int

    def __str__(self) -> str:
        return f"{self.kind}:{self.item_id}:member:{self.member_id}"

    @classmethod
    def parse(cls, parts: list[str]) -> ItemIdent | None:
        kind = choice(ItemKind, parts[0]) if len(parts) == 4 and parts[2] == "member" else None
        found = numbers([parts[1], parts[3]]) if kind is not None else None
        return cls(kind, found[0], found[1]) if kind is not None and found is not None else None


@dataclass(frozen=True)
class NudgeKey:
    """`nudge:<item>:<stage>`: a deadline nudge to the item's owner at one stage (a T-n stage with its
    due day)."""

    item: ItemIdent
    stage: str  # T-3, overdue:2026-11-21, snoozed:202611221030
    kind: Kind = Kind.NUDGE
    due: date | None = None  # a T-n stage's due day (`…:T-3:due:2026-11-27`): a moved deadline gets its own nudges


@dataclass(frozen=True)
class EscalateKey:
    """`escalate:<item>:admin:<admin>:due:<day>`: the 约谈提醒 to one admin about an item overdue from ``due``."""

    item: ItemIdent
    admin_id: int
    due: date | None = None  # None: a key from before 0019_escalation_due whose item was gone by then
    kind: Kind = Kind.ESCALATE


@dataclass(frozen=True)
class PaceKey:
    """`pace:<member>:<ISO week>:<duties>`: a member's pace nudge for the week; with an admin, the
    LAGGING note to that admin about the member."""

    member_id: int
    week: str  # iso_week
    duties: tuple[Duty, ...]
    admin_id: int | None = None  # a lagging note: the admin told
    kind: Kind = Kind.PACE  # or LAGGING (then with the admin)


@dataclass(frozen=True)
class BoardKey:
    """`board:<team>:<period>[:chart]`: a period's board in the team's group, or its chart."""

    team_id: int
    period: str  # core.race.Period.key
    chart: bool = False
    kind: Kind = Kind.BOARD


@dataclass(frozen=True)
class SummaryKey:
    """`summary:<team>:<ISO week>:…`: the weekly summary, to the group or to one admin."""

    team_id: int
    week: str  # iso_week
    admin_id: int | None = None  # None: the group's
    kind: Kind = Kind.SUMMARY


@dataclass(frozen=True)
class TaskKey:
    """`task:<task>:<event>:member:<member>[:file][:<n>]`: one piece of a supervised task's news to one
    member."""

    task_id: int
    event: TaskEvent
    member_id: int
    file: bool = False  # ASSIGNED: the task's attachment, sent after its text
    nth: int | None = None  # REPORTED, RETURNED: the how-manieth (a task can go back and forth); CLOSED: the
    # how-manieth from the second on (回头看 reopens it), none the first; REQUESTED, ANSWERED: the request's id
    kind: Kind = Kind.TASK


@dataclass(frozen=True)
class BroadcastKey:
    """`broadcast:<broadcast>:<occurrence>:…`: an occurrence to one member, the n-th re-nudge to them,
    or the sender's report."""

    broadcast_id: int
    occurrence: int
    member_id: int | None = None  # None: the report to the sender
    nudge: int | None = None  # the n-th re-nudge to the member
    kind: Kind = Kind.BROADCAST


@dataclass(frozen=True)
class YearListKey:
    """`yearlist:<team>:<year>:…`: the 年度清单, a member's own or the team's list for one admin."""

    team_id: int
    year: int
    member_id: int  # the member's own list, or the office's list for this admin
    office: bool = False
    kind: Kind = Kind.YEAR_LIST


class LookbackEvent(StrEnum):
    ASK = "ask"  # the owner, once
    REMIND = "remind"  # the owner, once, when unanswered
    OFFICE = "office"  # each admin: still unanswered
    REOPENED = "reopened"  # each admin: 未落实 reopened the item


@dataclass(frozen=True)
class LookbackKey:
    """`lookback:<lookback>:<event>[:<admin>]`: a 回头看 message, to the owner or to one admin."""

    lookback_id: int
    event: LookbackEvent
    admin_id: int | None = None  # OFFICE, REOPENED
    kind: Kind = Kind.LOOKBACK


@dataclass(frozen=True)
class EvaluationKey:
    """`evaluation:<team>:<year>:…`: the 年末考评, a member's own or the team's for one admin."""

    team_id: int
    year: int
    member_id: int  # the member's own published evaluation, or the team's evaluation for this admin
    office: bool = False
    kind: Kind = Kind.EVALUATION


Key = (NudgeKey | EscalateKey | PaceKey | BoardKey | SummaryKey | TaskKey | BroadcastKey | YearListKey
       | LookbackKey | EvaluationKey)


def build(key: Key) -> str:
    text = ":".join(str(part) for part in (key.kind, *_fields(key)))
    assert len(text) <= MAX_CHARS, f"outbox key over {MAX_CHARS} characters: {text!r}"
    return text


def _fields(key: Key) -> list[object]:
    if isinstance(key, NudgeKey):
        return [key.item, key.stage, *([] if key.due is None else ["due", key.due.isoformat()])]
    if isinstance(key, EscalateKey):
        return [key.item, "admin", key.admin_id, *([] if key.due is None else ["due", key.due.isoformat()])]
    if isinstance(key, PaceKey):
        lagging = [] if key.admin_id is None else ["admin", key.admin_id]
        return [key.member_id, key.week, ",".join(key.duties), *lagging]
    if isinstance(key, BoardKey):
        return [key.team_id, key.period, *(["chart"] if key.chart else [])]
    if isinstance(key, SummaryKey):
        return [key.team_id, key.week, *(["group"] if key.admin_id is None else ["admin", key.admin_id])]
    if isinstance(key, TaskKey):
        return [key.task_id, key.event, "member", key.member_id, *(["file"] if key.file else []),
                *([] if key.nth is None else [key.nth])]
    if isinstance(key, YearListKey | EvaluationKey):
        return [key.team_id, key.year, "admin" if key.office else "member", key.member_id]
    if isinstance(key, LookbackKey):
        return [key.lookback_id, key.event, *([] if key.admin_id is None else [key.admin_id])]
    if key.member_id is None:
        return [key.broadcast_id, key.occurrence, "report"]
    nudge = [] if key.nudge is None else ["nudge", key.nudge]
    return [key.broadcast_id, key.occurrence, *nudge, "member", key.member_id]


def item_prefix(kind: Kind, item: ItemIdent) -> str:
    """What every NUDGE or ESCALATE key about ``item`` starts with."""
    return f"{kind}:{item}:"


def parse(text: object) -> Key | None:
    """The key ``text`` is, or None for anything not built here."""
    if not isinstance(text, str):
        return None
    kind, _, rest = text.partition(":")
    parts = rest.split(":")
    found = choice(Kind, kind)
    if found is Kind.NUDGE:
        item, stage = ItemIdent.parse(parts[:4]), ":".join(parts[4:])
        due_day = _DUE.search(stage) if stage.startswith("T-") else None
        stage = stage[:due_day.start() - 1] if due_day is not None and due_day.start() > 0 else stage
        due = _day(due_day.group(1)) if due_day is not None else None
        if due_day is not None and due is None:
            return None
        return NudgeKey(item, stage, due=due) if item is not None and _STAGE.fullmatch(stage) else None
    if found is Kind.ESCALATE:
        item, admin = ItemIdent.parse(parts[:4]), _tagged(parts[4:6], "admin")
        due_day = _DUE.fullmatch(":".join(parts[6:])) if len(parts) > 6 else None
        due = _day(due_day.group(1)) if due_day is not None else None
        if item is None or admin is None or (len(parts) > 6 and due is None):
            return None
        return EscalateKey(item, admin, due=due)
    if found in (Kind.PACE, Kind.LAGGING):
        return _pace(found, parts)
    if found is Kind.BOARD:
        team, chart = number(parts[0]), parts[2:] == ["chart"]
        if team is None or len(parts) < 2 or not _PERIOD.fullmatch(parts[1]) or len(parts) > 2 + chart:
            return None
        return BoardKey(team, parts[1], chart)
    if found is Kind.SUMMARY:
        team, admin = number(parts[0]), _tagged(parts[2:], "admin")
        if team is None or len(parts) < 3 or not _WEEK.fullmatch(parts[1]) or (admin is None and parts[2:] != ["group"]):
            return None
        return SummaryKey(team, parts[1], admin)
    if found is Kind.TASK:
        return _task(parts)
    if found is Kind.BROADCAST:
        return _broadcast(parts)
    if found in (Kind.YEAR_LIST, Kind.EVALUATION):
        team, year = (number(parts[0]), number(parts[1])) if len(parts) == 4 else (None, None)
        whom = parts[2] if len(parts) == 4 else ""
        member = number(parts[3]) if len(parts) == 4 else None
        if team is None or year is None or member is None or whom not in ("member", "admin") or len(parts[1]) != 4:
            return None
        made = YearListKey if found is Kind.YEAR_LIST else EvaluationKey
        return made(team, year, member, office=whom == "admin")
    if found is Kind.LOOKBACK:
        return _lookback(parts)
    return None


def _lookback(parts: list[str]) -> LookbackKey | None:
    lookback = number(parts[0]) if len(parts) in (2, 3) else None
    event = choice(LookbackEvent, parts[1]) if lookback is not None else None
    to_office = event in (LookbackEvent.OFFICE, LookbackEvent.REOPENED)
    admin = number(parts[2]) if len(parts) == 3 and to_office else None
    if lookback is None or event is None or (to_office and admin is None) or (not to_office and len(parts) != 2):
        return None
    return LookbackKey(lookback, event, admin)


def _day(text: str) -> date | None:
    """The day ``text`` (YYYY-MM-DD) names, or None (2026-13-45)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _tagged(parts: list[str], tag: str) -> int | None:
    """The number in ``[tag, number]``."""
    return number(parts[1]) if len(parts) == 2 and parts[0] == tag else None


def _pace(kind: Kind, parts: list[str]) -> PaceKey | None:
    member = number(parts[0])
    duties = tuple(choice(Duty, duty) for duty in parts[2].split(",")) if len(parts) > 2 else ()
    admin = _tagged(parts[3:], "admin") if kind is Kind.LAGGING else None
    if (member is None or not _WEEK.fullmatch(parts[1]) or not duties or None in duties
            or len(parts) != (5 if kind is Kind.LAGGING else 3) or (kind is Kind.LAGGING and admin is None)):
        return None
    return PaceKey(member, parts[1], tuple(d for d in duties if d is not None), admin, kind)


_NUMBERED = (TaskEvent.REPORTED, TaskEvent.RETURNED, TaskEvent.REQUESTED, TaskEvent.ANSWERED)


def _task(parts: list[str]) -> TaskKey | None:
    event = choice(TaskEvent, parts[1]) if len(parts) >= 4 and parts[2] == "member" else None
    found = numbers([parts[0], parts[3]]) if event is not None else None
    if event is None or found is None:
        return None
    rest = parts[4:]
    file = rest[:1] == ["file"] and event is TaskEvent.ASSIGNED
    rest = rest[1:] if file else rest
    nth = number(rest[0]) if len(rest) == 1 and event in _NUMBERED else None
    if len(rest) > (nth is not None):
        return None
    return TaskKey(found[0], event, found[1], file, nth)


def _broadcast(parts: list[str]) -> BroadcastKey | None:
    found = numbers(parts[:2]) if len(parts) >= 3 else None
    if found is None:
        return None
    if parts[2:] == ["report"]:
        return BroadcastKey(found[0], found[1])
    nudge = _tagged(parts[2:4], "nudge") if parts[2] == "nudge" else None
    member = _tagged(parts[4:] if nudge is not None else parts[2:], "member")
    return BroadcastKey(found[0], found[1], member, nudge) if member is not None else None


EXAMPLES: tuple[Key, ...] = (
    NudgeKey(ItemIdent(ItemKind.MOTION, 41, 7), "T-3"), NudgeKey(ItemIdent(ItemKind.MOTION, 41, 7), "T-0"),
    NudgeKey(ItemIdent(ItemKind.FOLLOWUP, 9, 7), "overdue:2026-11-21"),
    NudgeKey(ItemIdent(ItemKind.TASK, 5, 7), "snoozed:202611221030"),
    NudgeKey(ItemIdent(ItemKind.TASK, 5, 7), "T-3", due=date(2026, 11, 27)),
    EscalateKey(ItemIdent(ItemKind.MOTION, 41, 7), 3, due=date(2026, 11, 27)),
    EscalateKey(ItemIdent(ItemKind.MOTION, 41, 7), 3),
    PaceKey(7, "2026-W47", (Duty.RESEARCH_DAYS, Duty.LAW_STUDY)),
    PaceKey(7, "2026-W47", (Duty.KEY_PROPOSALS,), 3, Kind.LAGGING),
    BoardKey(3, "2026-11"), BoardKey(3, "2026-Q4", chart=True), BoardKey(3, "2026"),
    SummaryKey(3, "2026-W47"), SummaryKey(3, "2026-W47", 5),
    TaskKey(5, TaskEvent.ASSIGNED, 7), TaskKey(5, TaskEvent.ASSIGNED, 7, file=True),
    TaskKey(5, TaskEvent.REPORTED, 7, nth=1), TaskKey(5, TaskEvent.RETURNED, 7, nth=2),
    TaskKey(5, TaskEvent.CANCELLED, 7), TaskKey(5, TaskEvent.CLOSED, 7),
    TaskKey(5, TaskEvent.REQUESTED, 7, nth=12), TaskKey(5, TaskEvent.ANSWERED, 7, nth=12),
    BroadcastKey(2, 1, 7), BroadcastKey(2, 1, 7, nudge=3), BroadcastKey(2, 1),
    YearListKey(3, 2027, 7), YearListKey(3, 2027, 5, office=True),
    LookbackKey(9, LookbackEvent.ASK), LookbackKey(9, LookbackEvent.REMIND), LookbackKey(9, LookbackEvent.OFFICE, 3),
    LookbackKey(9, LookbackEvent.REOPENED, 3),
    EvaluationKey(3, 2026, 7), EvaluationKey(3, 2026, 5, office=True),
)
