"""The year's targets as `/targets` shows them (and the 年度清单 to the office): the team's number per duty
(its own or the default), quarter targets where set, and members' own targets."""

from __future__ import annotations

from decimal import Decimal

from core.domain import Duty
from core.pace import QuarterTargets
from locales import Translator
from reports.progress_card import duty_name, unit
from reports.words import field_line, number
from storage.targets import Overview


def quarters_in_words(t: Translator, duty: Duty, quarters: QuarterTargets) -> str:
    values = " / ".join(number(value) for value in quarters.cumulative)
    return t("quarters (cumulative): {values} {unit}").format(values=values, unit=unit(t, duty, quarters.q4))


def overview_lines(t: Translator, year: int, found: Overview, defaults: dict[Duty, Decimal]) -> list[str]:
    lines = [t("Yearly targets for {year}:").format(year=year)]
    for duty in Duty:
        value = found.team_values.get(duty, defaults[duty])
        source = t("set for the team") if duty in found.team_values else t("default")
        shown = t("{value} ({source})").format(value=f"{number(value)} {unit(t, duty, value)}", source=source)
        lines.append("• " + field_line(t, duty_name(t, duty), shown))
        if duty in found.team_quarters:
            lines.append("  " + quarters_in_words(t, duty, found.team_quarters[duty]))
    if found.member_values:
        lines.append(t("Members' own targets:"))
        for name, duty, value, quarters in found.member_values:
            shown = f"{number(value)} {unit(t, duty, value)}"
            if quarters is not None:
                shown += t(" ({quarters})").format(quarters=quarters_in_words(t, duty, quarters))
            lines.append("• " + field_line(t, f"{name} · {duty_name(t, duty)}", shown))
    return lines
