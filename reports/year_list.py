"""The 年度清单 (year's list) as text: a member's own, privately, and the office's overview of the team.

A member's list: each duty's target for the year with what the end of the first quarter asks (the race's
pro-rating on 任职 dates), the key research topic and the key suggestions or proposals they lead (or the
command that registers them), and what is still open from before (结转事项). The office's: the team's
targets (as `/targets` shows them), who has registered no key topic yet, and how many items each member
carries over; it asks the office to confirm the year's targets or change them.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from core.domain import Duty
from locales import Translator
from reports.motions import headline
from reports.progress_card import duty_name, open_items, unit, whole
from reports.words import listed, titled
from storage.progress import YearProgress
from storage.year_list import MemberList


def _target_line(t: Translator, name: str, target: Decimal, unit_words: str, quarter: Decimal) -> str:
    return "• " + t("{duty}: {target} {unit} (by the end of the first quarter: {quarter})").format(
        duty=name, target=whole(target), unit=unit_words, quarter=whole(quarter))


def _owes(progress: YearProgress, *duties: Duty) -> bool:
    """Whether any of these duties has a target above 0 for the member (a target of 0 asks for nothing)."""
    return any(duty.target > 0 for duty in progress.duties if duty.duty in duties)


def render_member(t: Translator, year_list: MemberList, *, now: datetime, tz: ZoneInfo) -> str:
    progress = year_list.progress
    lines = [t("📋 The year's list for {year} · {name}").format(year=progress.year,
                                                            name=year_list.member.display_name),
             "", t("This year's targets:")]
    lines += [_target_line(t, duty_name(t, duty.duty), duty.target, unit(t, duty.duty, duty.target),
                           duty.quarter_target) for duty in progress.duties]
    lines += [_target_line(t, own.name, own.target, own.unit, own.quarter_target)
              for own in progress.team_duties]  # the team's own duties, after the six
    lines.append("")
    if year_list.key_topics:
        lines.append(t("Key research topic you lead: {titles}").format(
            titles=listed(t, (titled(t, title) for title in year_list.key_topics))))
    elif _owes(progress, Duty.KEY_RESEARCH_TOPICS):
        lines.append(t("No key research topic registered for {year} yet: send /topic and its title.").format(
            year=progress.year))
    if year_list.key_motions:
        lines.append(t("Key suggestions and proposals you lead: {items}").format(
            items=("；" if t.lang == "zh" else "; ").join(
                f"{headline(t, motion.kind, motion.number, motion.is_key)} {titled(t, motion.title)}"
                for motion in year_list.key_motions)))
    elif _owes(progress, Duty.KEY_SUGGESTIONS, Duty.KEY_PROPOSALS):
        lines.append(t("No key suggestion or proposal registered for {year} yet: send /proposal when one is "
                       "assigned to you.").format(year=progress.year))
    lines += ["", t("Carried over (still open):")]
    lines.extend(open_items(t, progress, now=now, tz=tz) or [t("None.")])
    return "\n".join(lines)


def render_office(t: Translator, team_name: str, year: int, lists: list[MemberList], targets_text: str) -> str:
    """The team's list for the office: `targets_text` is the targets as /targets shows them."""
    lines = [t("📋 The year's list for {year} · {team}").format(year=year, team=team_name), "",
             t.ngettext("{n} member races this year.", "{n} members race this year.", len(lists)).format(n=len(lists)),
             "", targets_text, ""]
    no_topic = [entry.member.display_name for entry in lists
                if not entry.key_topics and _owes(entry.progress, Duty.KEY_RESEARCH_TOPICS)]
    if no_topic:
        lines.append(t("No key research topic registered yet: {names}").format(names=listed(t, no_topic)))
    carried = [(entry.member.display_name, len(open_items(t, entry.progress)) + len(entry.progress.tasks))
               for entry in lists]
    carried = [(name, n) for name, n in carried if n]
    if carried:
        lines.append(t("Items carried over from last year: {items}").format(
            items=listed(t, (f"{name} {n}" for name, n in carried))))
    lines += ["", t("Please confirm this year's targets, or change them with the buttons of /targets.")]
    return "\n".join(lines)
