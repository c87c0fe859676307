"""`/me` as text: each duty's done/target with a bar, the pace of the year and the quarter, open items."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from core.advice import catch_up, whole_up
from core.aging import MARK, age
from core.domain import Duty, MotionKind
from core.findings import FEEDBACK_GIVEN
from core.pace import DutyPace, PaceStatus
from core.task_lights import Light
from core.team_duties import TeamDutyPace
from locales import N_, Translator
from reports.tasks import own_line
from reports.topics import stage_lines
from reports.words import number, short_day
from storage.progress import YearProgress

DUTY_NAMES = {
    Duty.RESEARCH_DAYS: N_("Grassroots research"),
    Duty.KEY_RESEARCH_TOPICS: N_("Key research topic"),
    Duty.COLLECTIVE_STUDY: N_("Collective study"),
    Duty.LAW_STUDY: N_("Collective law study"),
    Duty.KEY_SUGGESTIONS: N_("Key NPC suggestion led"),
    Duty.KEY_PROPOSALS: N_("Key CPPCC proposal led"),
}
STATUS_MARK = {PaceStatus.ON_PACE: "✅", PaceStatus.BEHIND: "⚠️", PaceStatus.LAGGING: "❗"}
BAR_WIDTH = 10


def duty_name(t: Translator, duty: Duty) -> str:
    return t(DUTY_NAMES[duty])


def unit(t: Translator, duty: Duty, count: Decimal) -> str:
    n = int(count) if count == int(count) else 2
    if duty is Duty.RESEARCH_DAYS:
        return t.ngettext("day", "days", n)
    if duty in (Duty.COLLECTIVE_STUDY, Duty.LAW_STUDY):
        return t.ngettext("session", "sessions", n)
    if duty is Duty.KEY_RESEARCH_TOPICS:
        return t.ngettext("topic", "topics", n)
    return t.ngettext("item", "items", n)


def bar(done: Decimal, target: Decimal) -> str:
    filled = BAR_WIDTH if target <= 0 else min(BAR_WIDTH, int(done * BAR_WIDTH / target))
    return "▓" * filled + "░" * (BAR_WIDTH - filled)


def shown(value: Decimal) -> str:
    """What a member has done, as /me shows it: one decimal at most, rounded half up (4.65 → 4.7, 5 → 5)."""
    return number(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def whole(value: Decimal) -> str:
    """A target, what is expected by now or what is still owed, as people count it: whole, rounded up
    (core.advice); the maths behind it stays exact."""
    return str(whole_up(value))


def duty_lines(t: Translator, duty: DutyPace, today: date, *, closed: bool = False) -> list[str]:
    """One of the six: done/target with its unit and bar, then (unless the year is ``closed``: what was done against
    the year's target is all there is to say) the pace and what the quarter still asks."""
    # Only translated parts and numbers: the layout is the same in every language.
    head = (f"{STATUS_MARK[duty.status]} {duty_name(t, duty.duty)} {shown(duty.done)}/{whole(duty.target)} "
            f"{unit(t, duty.duty, Decimal(whole_up(duty.target)))} {bar(duty.done, duty.target)}")
    if closed:
        return [head]
    pace_line = t("    by now on the year's pace: {expected}; quarter target: {quarter}").format(
        expected=whole(duty.expected_now), quarter=whole(duty.quarter_target))
    lines = [head, pace_line]
    advice = catch_up(duty, today)
    if advice is not None and not advice.lost:
        lines.append(t("    {gap} {unit} more by the end of the quarter").format(
            gap=advice.count, unit=unit(t, duty.duty, Decimal(advice.count))))
    elif advice is not None and advice.year_lost:
        lines.append(t("    The year's target can no longer be reached in the days left; {n} {unit} short").format(
            n=advice.count, unit=unit(t, duty.duty, Decimal(advice.count))))
    elif advice is not None:
        lines.append(t("    The quarter can no longer be caught up; the year still needs {n} {unit}").format(
            n=advice.count, unit=unit(t, duty.duty, Decimal(advice.count))))
    return lines


def team_duty_lines(t: Translator, duty: TeamDutyPace, *, closed: bool = False) -> list[str]:
    """A team's own duty as the six are shown: done/target with its unit and bar, the pace, what the quarter
    still asks (its unit is the office's word, so no plural; a count, so the quarter is never lost)."""
    head = (f"{STATUS_MARK[duty.status]} {duty.name} {shown(duty.done)}/{whole(duty.target)} {duty.unit} "
            f"{bar(duty.done, duty.target)}")
    if closed:
        return [head]
    lines = [head, t("    by now on the year's pace: {expected}; quarter target: {quarter}").format(
        expected=whole(duty.expected_now), quarter=whole(duty.quarter_target))]
    gap = whole_up(duty.gap_to_quarter)
    if gap > 0:
        lines.append(t("    {gap} {unit} more by the end of the quarter").format(gap=gap, unit=duty.unit))
    return lines


def render_me(t: Translator, name: str, progress: YearProgress, *, now: datetime | None = None,
              tz: ZoneInfo | None = None, lights: Mapping[int, Light] | None = None, closed: bool = False) -> str:
    """The card; ``closed``: the year is over (a past one, as of its 31 December), so each duty is what was done
    against the year's target, with no pace to keep, nothing more asked and no open items section."""
    lines = [t("{name} · progress in {year} (as of {day})").format(
        name=name, year=progress.year, day=short_day(t, progress.today)), ""]
    for duty in progress.duties:
        lines.extend(duty_lines(t, duty, progress.today, closed=closed))
        if duty.duty is Duty.KEY_RESEARCH_TOPICS:
            lines.extend(stage_lines(t, progress.topics, progress.topic_counting))
    for own in progress.team_duties:
        lines.extend(team_duty_lines(t, own, closed=closed))
    if not closed:  # a closed year's card is its record: what is open is today's, not that year's
        lines += ["", t("Open items")]
        lines.extend(open_items(t, progress, now=now, tz=tz, lights=lights) or [t("None — well done.")])
    return "\n".join(lines)


def open_items(t: Translator, progress: YearProgress, *, now: datetime | None = None,
               tz: ZoneInfo | None = None, lights: Mapping[int, Light] | None = None) -> list[str]:
    """The member's open items, soonest due first (🟢 🟡 🔴), then their supervised tasks (with `now`;
    each with its 督办 warning light from `lights`, by assignment id, when given)."""
    items = _dated_items(t, progress)
    if progress.tasks and now is not None and tz is not None:
        items.extend(own_line(t, task, assignment, now=now, tz=tz, light=(lights or {}).get(assignment.id))
                     for assignment, task in progress.tasks)
    return items


def _dated_items(t: Translator, progress: YearProgress) -> list[str]:
    dated = []
    for item in progress.follow_ups:
        if item.feedback_due is not None and item.status not in FEEDBACK_GIVEN:  # fed back: nothing due from them
            dated.append((item.feedback_due, t("Feedback on “{text}”").format(text=_clip(item.content))))
    for motion in progress.motions:
        kind = t("Suggestion") if motion.kind is MotionKind.SUGGESTION else t("Proposal")
        dated.append((motion.reply_due, t("{kind} No. {number} reply").format(kind=kind, number=motion.number)))
    lines = []
    for due, label in sorted(dated, key=lambda pair: pair[0]):
        overdue = (progress.today - due).days
        when = (t.ngettext("overdue by {n} day", "overdue by {n} days", overdue).format(n=overdue) if overdue > 0
                else t("due {day}").format(day=short_day(t, due)))
        lines.append(f"{MARK[age(due, today=progress.today)]} {label} · {when}")
    return lines


def _clip(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
