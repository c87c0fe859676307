"""When a deadline nudge, an escalation (约谈提醒), a pace nudge or a lagging note is due: the pure rules
the scheduling tick (jobs/nudges.py) applies to each open item and each member's pace.

Deadline nudges: at each offset before the due day (T-3, …, T-0 = the due day), then every
`repeat_days` while overdue; only the latest stage fallen due counts, so downtime, a night or a weekend
collapse into one nudge. No due-soon nudge (T-n) within JUST_ASSIGNED of the item's assignment in the bot,
and no escalation (an item logged after the fact, long overdue, is usually answered in the next minutes: the
admins hear of it a day on if it is still open); a snoozed item gets nothing until its snooze ends (`snooze_end`: the first moment a scheduled message may go
out once the days asked for have passed), then one reminder. An item overdue
`escalate_after_days` or more escalates to the admins.

Pace: a pace nudge names the duties behind (or lagging) with a gap left to close by the quarter's end;
a lagging note to the admins names the duties lagging with such a gap. A duty named within the
re-nudge window is left out (the caller says which, from the outbox's own rows).
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from core.pace import DutyPace, PaceStatus
from core.quiet import QuietHours, allowed_moment

#: No due-soon nudge (T-n, the due day) and no escalation this soon after the item was assigned in the bot: the
#: member has just been told of it, or has just logged it after the fact (a motion assigned in March, logged in
#: November, its May reply recorded a minute later). Once a day has passed, the stage then due is sent as usual,
#: and the admins told; the owner's own overdue nudges are not held.
JUST_ASSIGNED = timedelta(days=1)


#: The day-level rules below are asked once per due item and tick with the same few (due day, today) pairs: each
#: answers from a cache of its recent arguments (pure functions of them; offsets as a tuple, so hashable).
_DAY_CACHE = 4096


def latest_stage(due: date, today: date, *, offsets: Iterable[int], repeat_days: int) -> tuple[str, date] | None:
    """The latest nudge stage that has fallen due by ``today``: ("T-3", day), ("T-0", due),
    ("overdue:2026-11-21", day), or None before the first offset."""
    return _latest_stage(due, today, tuple(offsets), repeat_days)


@lru_cache(maxsize=_DAY_CACHE)
def _latest_stage(due: date, today: date, offsets: tuple[int, ...], repeat_days: int) -> tuple[str, date] | None:
    if today > due:
        step = max(1, repeat_days)
        k = (today - due).days // step
        if k >= 1:
            day = due + timedelta(days=k * step)
            return f"overdue:{day.isoformat()}", day
    best: tuple[str, date] | None = None
    for offset in sorted(set(offsets), reverse=True):
        day = due - timedelta(days=offset)
        if day <= today:
            best = (f"T-{offset}", day)
    return best


def just_assigned(created_at: datetime | None, now: datetime) -> bool:
    """Whether the item was assigned in the bot less than JUST_ASSIGNED ago (unknown: no)."""
    return created_at is not None and now - created_at < JUST_ASSIGNED


def stage_due(due: date, *, now: datetime, tz: ZoneInfo, snoozed_until: datetime | None,
              created_at: datetime | None, offsets: Iterable[int], repeat_days: int) -> str | None:
    """The stage of the nudge due now for an item due on ``due`` ("T-3", "overdue:2026-11-21", or
    "snoozed:202611221030" for the one reminder when a snooze ended after the latest stage fell due),
    or None: nothing yet, still snoozed, or a due-soon stage for an item just assigned."""
    if snoozed_until is not None and snoozed_until > now:
        return None
    today = now.astimezone(tz).date()
    stage = latest_stage(due, today, offsets=offsets, repeat_days=repeat_days)
    if snoozed_until is not None and (
            stage is None or datetime.combine(stage[1], time(0), tzinfo=tz) <= snoozed_until):
        # the snooze ended after the latest stage fell due: one reminder now
        return f"snoozed:{snoozed_until.astimezone(UTC):%Y%m%d%H%M}"
    if stage is None or (stage[0].startswith("T-") and just_assigned(created_at, now)):
        return None
    return stage[0]


def snooze_end(now: datetime, *, days: int, schedule: QuietHours, tz: ZoneInfo,
               is_workday: Callable[[date], bool]) -> datetime:
    """When a nudge snoozed at ``now`` for ``days`` days is sent again: the first moment from ``now`` + ``days``
    that the scheduling tick sends at (core.quiet.allowed_moment: outside quiet hours, on a working day of the
    team), so the day the member is promised is the day it comes (a Friday's one-day snooze: Monday 08:00)."""
    return allowed_moment(schedule, now + timedelta(days=days), tz, is_workday)


def escalates(due: date, *, now: datetime, tz: ZoneInfo, created_at: datetime | None, after_days: int) -> bool:
    """Whether an item due on ``due`` is overdue long enough (``after_days`` or more) to tell the admins, and was
    not just assigned in the bot (its owner may be recording the answer that closes it)."""
    return (now.astimezone(tz).date() - due).days >= after_days and not just_assigned(created_at, now)


def pace_nudge_duties(duties: Iterable[DutyPace], *, recent: Container[str]) -> list[DutyPace]:
    """The duties a member's pace nudge names: not on pace, with a gap to close by the quarter's end,
    and not named by a pace nudge within the re-nudge window (``recent``: duty values)."""
    return [duty for duty in duties
            if duty.status != PaceStatus.ON_PACE and duty.gap_to_quarter > 0 and duty.duty.value not in recent]


def lagging_note_duties(duties: Iterable[DutyPace], *, noted: Container[str]) -> list[DutyPace]:
    """The duties the admins' lagging note about a member names: lagging, with a gap to close by the
    quarter's end, and not named by a lagging note within the re-nudge window (``noted``: duty values)."""
    return [duty for duty in duties
            if duty.status == PaceStatus.LAGGING and duty.gap_to_quarter > 0 and duty.duty.value not in noted]


@lru_cache(maxsize=_DAY_CACHE)
def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def next_stage_day(due: date, today: date, *, offsets: Iterable[int], repeat_days: int) -> date:
    """The first day after ``today`` on which :func:`latest_stage` answers with a new stage."""
    return _next_stage_day(due, today, tuple(offsets), repeat_days)


@lru_cache(maxsize=_DAY_CACHE)
def _next_stage_day(due: date, today: date, offsets: tuple[int, ...], repeat_days: int) -> date:
    days = [due - timedelta(days=offset) for offset in set(offsets) if due - timedelta(days=offset) > today]
    step = max(1, repeat_days)
    k = (today - due).days // step if today >= due else 0
    days.append(due + timedelta(days=(k + 1) * step))
    return min(days)


def next_look(due: date, *, now: datetime, tz: ZoneInfo, snoozed_until: datetime | None,
              created_at: datetime | None, offsets: Iterable[int], repeat_days: int,
              escalate_after_days: int) -> datetime:
    """The earliest instant after ``now`` at which :func:`stage_due` or :func:`escalates` may answer
    differently for this item: the next stage's day (midnight, team time), the snooze's end, the end of
    the just-assigned day, the escalation's day. Never later than that (a later instant would lose a
    nudge); quiet hours, days off and leave are the caller's (they only hold a nudge back)."""
    today = now.astimezone(tz).date()
    candidates: list[datetime] = []
    escalation_day = due + timedelta(days=escalate_after_days)
    if escalation_day > today:
        candidates.append(_midnight(escalation_day, tz))
    if snoozed_until is not None and snoozed_until > now:
        candidates.append(snoozed_until)  # stages falling meanwhile collapse into the one reminder
    else:
        candidates.append(_midnight(next_stage_day(due, today, offsets=offsets, repeat_days=repeat_days), tz))
    if created_at is not None and created_at + JUST_ASSIGNED > now:  # what was held back comes then
        candidates.append(created_at + JUST_ASSIGNED)
    return min(candidate.astimezone(UTC) for candidate in candidates)


def next_midnight(now: datetime, tz: ZoneInfo) -> datetime:
    """The start of the next day in team time."""
    return _midnight(now.astimezone(tz).date() + timedelta(days=1), tz)
