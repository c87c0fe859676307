"""The weekly summary (周报): last week's logs by duty, the year's progress against what the targets ask
for by now, who moved up in the year's ranking, upcoming deadlines and overdue items; the admins'
version also names who is behind pace. `gather` (storage/summary.py) reads it, `render` words it in the
reader's language.

Names in the group follow the team's race setting (`Team.show_names_in_race`): without names the
group sees counts only; admins always see names."""

from __future__ import annotations

from datetime import date, timedelta

from core.aging import MARK, age
from core.domain import Duty
from locales import Translator
from reports import nudges as nudge_words
from reports.calendar import unarranged_notice
from reports.progress_card import bar, duty_name, shown, unit, whole
from reports.words import field_line, listed, number, short_day
from storage.summary import Summary, gather  # noqa: F401  (gather: callers that read and render in one place)

MAX_LISTED = 10


def render(t: Translator, summary: Summary, *, names: bool, for_admins: bool) -> str:
    """The summary within one message; the group's version names people only when `names`."""
    lines = [t("📋 Weekly summary · {team} · {start} – {end}").format(
        team=summary.team_name, start=short_day(t, summary.start), end=short_day(t, summary.end)), ""]
    if for_admins and summary.unarranged:  # first, where the office sees it (the message may be cut at its end)
        lines += [unarranged_notice(t, summary.unarranged), ""]
    lines.append(t("Logged last week:"))
    logged = [f"  {duty_name(t, duty)} {number(n)} {unit(t, duty, n)}" for duty, n in summary.logged.items() if n]
    if summary.trips:
        logged[0] += t.ngettext(" ({n} trip)", " ({n} trips)", summary.trips).format(n=summary.trips)  # no space in Chinese
    lines += logged or ["  " + t("nothing logged")]
    lines += ["", t("This year so far (done / asked for by now):")]
    for duty in Duty:
        done, expected = summary.year_done[duty], summary.year_expected[duty]
        lines.append(f"  {duty_name(t, duty)} {shown(done)}/{whole(expected)} {bar(done, expected)}")
    if summary.moved_up:
        lines += ["", t("Moved up in the year's ranking:")]
        if names or for_admins:
            lines += [f"  ↑ {name} {was} → {now}" for name, was, now in summary.moved_up[:MAX_LISTED]]
        else:
            lines.append("  " + t.ngettext("{n} member", "{n} members", len(summary.moved_up)).format(
                n=len(summary.moved_up)))
    for heading, entries in ((t("Due within 7 days:"), summary.upcoming), (t("Overdue:"), summary.overdue)):
        if not entries:
            continue
        lines += ["", t("{heading} {n}").format(heading=heading, n=len(entries))]
        if names or for_admins:
            for name, item in entries[:MAX_LISTED]:
                mark = MARK[age(item.due, today=summary.today)]
                lines.append(f"  {mark} {name} · {nudge_words.item_words(t, item.kind, nudge_words.title_of(t, item))}"
                             f" · {short_day(t, item.due)}")
            if len(entries) > MAX_LISTED:
                more = len(entries) - MAX_LISTED
                lines.append("  " + t.ngettext("… and {n} more", "… and {n} more", more).format(n=more))
    if for_admins:
        lines += ["", t("Behind pace:")]
        if summary.behind:
            for name, duties in summary.behind[:30]:
                lines.append("  " + field_line(t, name, listed(t, (duty_name(t, d) for d in duties))))  # 张三：… (the colon is the language's)
        else:
            lines.append("  " + t("nobody"))
    text = "\n".join(lines)
    return text if len(text) <= 4096 else text[:4095] + "…"


def last_week(today: date) -> tuple[date, date]:
    """Monday to Sunday of the week before ``today``'s."""
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(days=7), monday - timedelta(days=1)
