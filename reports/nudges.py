"""The words of the messages the bot sends on its own about one member's work: deadline nudges, the
admins' 约谈提醒 for a long-overdue item, pace nudges and the admins' note on a member far behind pace,
in the reader's language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

from core.advice import catch_up
from core.aging import MARK, age
from core.pace import DutyPace
from locales import N_, Translator
from reports import motions as motion_words
from reports.progress_card import duty_name, unit, whole
from reports.words import day_in_words, number, titled
from storage.deadlines import Item

KIND_WORDS = {
    "motion": N_("Reply to {title}"),
    "followup": N_("Feedback on the finding “{title}”"),
    "task": N_("Supervised task “{title}”"),
}


def title_of(t: Translator, item: Item) -> str:
    """A motion by its kind and number (人大建议 第12号 《…》), other items by their title."""
    if item.motion is not None:
        m = item.motion
        return f"{motion_words.headline(t, m.kind, m.number, m.is_key)} {titled(t, _clip(m.title, 40))}"
    return item.title


def item_words(t: Translator, kind: str, title: str) -> str:
    return t(KIND_WORDS[kind]).format(title=_clip(title))


#: when_words and snooze_label answer the same few arguments for every due item of a tick (the due days around
#: today, the snooze options): each from a cache of its recent arguments (a translator is one object per language).
_WORDS_CACHE = 1024


@lru_cache(maxsize=_WORDS_CACHE)
def when_words(t: Translator, due: date, today: date) -> str:
    days = (due - today).days
    if days > 1:
        return t.ngettext("due in {n} day ({day})", "due in {n} days ({day})", days).format(
            n=days, day=day_in_words(t, due))
    if days == 1:
        return t("due tomorrow ({day})").format(day=day_in_words(t, due))
    if days == 0:
        return t("due today ({day})").format(day=day_in_words(t, due))
    return t.ngettext("overdue by {n} day (was due {day})", "overdue by {n} days (was due {day})", -days).format(
        n=-days, day=day_in_words(t, due))


def deadline_nudge(t: Translator, *, kind: str, title: str, due: date, today: date, light: str | None = None) -> str:
    """🟡 Reply to 人大建议 第12号 … — due in 3 days (…). A task's mark is its 督办 warning light when given."""
    mark = light or MARK[age(due, today=today)]
    return f"{mark} {item_words(t, kind, title)}\n{when_words(t, due, today)}"


@lru_cache(maxsize=_WORDS_CACHE)
def snooze_label(t: Translator, days: int) -> str:
    """稍后提醒（1天后） / Remind me in 1 day: the reminder moves, the deadline does not."""
    return t.ngettext("Remind me in {n} day", "Remind me in {n} days", days).format(n=days)


def escalation(t: Translator, *, member: str, kind: str, title: str, due: date, today: date) -> str:
    """约谈提醒 to the admins: whose item, how long overdue."""
    return (t("⚠️ Reminder for a talk (约谈提醒): {member}").format(member=member) + "\n"
            + f"{MARK[age(due, today=today)]} {item_words(t, kind, title)}\n{when_words(t, due, today)}")


def pace_nudge(t: Translator, *, duty: DutyPace, today: date, quarter_end: date) -> str:
    """还差 11 天下基层调研，季末前完成可回到进度; or, when the quarter is lost, what the year still needs.
    Counts are whole and rounded up (core.advice)."""
    advice = catch_up(duty, today)
    if advice is None:
        return ""
    shown = Decimal(advice.count)
    if advice.year_lost:  # late in the year: asking for more days than are left would be no advice
        return t("📈 {duty}: the year's target can no longer be reached in the days left; it is {n} {unit} "
                 "short.").format(duty=duty_name(t, duty.duty), n=advice.count, unit=unit(t, duty.duty, shown))
    if advice.lost:
        return t("📈 {duty}: the quarter can no longer be caught up; the year still needs {n} {unit}.").format(
            duty=duty_name(t, duty.duty), n=advice.count, unit=unit(t, duty.duty, shown))
    return t("📈 {duty}: {gap} more {unit} by the end of the quarter ({day}) puts you back on pace.").format(
        gap=advice.count, unit=unit(t, duty.duty, shown), duty=duty_name(t, duty.duty), day=day_in_words(t, quarter_end))


def lagging_note(t: Translator, *, member: str, duties: list[DutyPace], today: date,
                 quarter_end: date) -> str:
    """To the admins: ❗ 张三 is far behind pace, per duty done / expected and what closes the gap."""
    lines = [t("❗ {member} is far behind pace:").format(member=member)]
    for duty in duties:
        advice = catch_up(duty, today)
        if advice is None:
            continue
        if advice.year_lost:
            said = t("• {duty}: {done} done, {expected} expected by now; the year's target can no longer be "
                     "reached, {n} {unit} short.")
        elif advice.lost:
            said = t("• {duty}: {done} done, {expected} expected by now; the quarter can no longer be caught up, "
                     "the year still needs {n} {unit}.")
        else:
            said = t("• {duty}: {done} done, {expected} expected by now; {gap} {unit} more by the end of the "
                     "quarter ({day}) closes the gap.")
        lines.append(said.format(duty=duty_name(t, duty.duty), done=number(duty.done),
                                 expected=whole(duty.expected_now), n=advice.count, gap=advice.count,
                                 unit=unit(t, duty.duty, Decimal(advice.count)), day=day_in_words(t, quarter_end)))
    return "\n".join(lines)


def _clip(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
