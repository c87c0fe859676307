"""A key research topic's stage in words (立项 → 调研中 → 形成报告 → 成果转化): for `/topics`, `/me`, the board's
explanation and the ledger."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from core.domain import TopicStage
from locales import N_, Translator
from reports.words import field_line, short_day

STAGE_LABELS = {
    TopicStage.REGISTERED: N_("Registered"),
    TopicStage.RESEARCHING: N_("Under research"),
    TopicStage.REPORT: N_("Report done"),
    TopicStage.OUTCOME: N_("Results applied"),
}


def stage_label(t: Translator, stage: TopicStage | None) -> str:
    return t(STAGE_LABELS[stage or TopicStage.REGISTERED])


def stage_since(t: Translator, stage: TopicStage | None, since: date | None) -> str:
    """调研中（自11月5日） / Under research (since 5 Nov)."""
    if since is None:
        return stage_label(t, stage)
    return t("{stage} (since {date})").format(stage=stage_label(t, stage), date=short_day(t, since))


def topic_lines(t: Translator, *, index: int | None, title: str, year: int, stage: TopicStage | None,
                since: date | None, report_title: str | None, has_report_file: bool, report_on: date | None,
                outcome: str | None, outcome_on: date | None, counts: bool,
                lead: str | None = None) -> list[str]:
    """One topic as `/topics` lists it: its title, its stage, its report and outcome, whether it counts yet
    (the list says once at which stage the team counts)."""
    head = f"{index}. " if index is not None else ""
    head += t("{lead}: {title}").format(lead=lead, title=title) if lead else title
    lines = [t("{title} ({year})").format(title=head, year=year),
             "   " + field_line(t, t("Stage"), stage_since(t, stage, since))]
    if report_on is not None:
        report = report_title or t("a document")
        if report_title and has_report_file:
            report += " · " + t("a document")
        lines.append("   " + field_line(t, t("Research report"), f"{report} · {short_day(t, report_on)}"))
    if outcome is not None and outcome_on is not None:
        lines.append("   " + field_line(t, t("Outcome"), f"{outcome} · {short_day(t, outcome_on)}"))
    if counts:
        lines.append("   " + t("✅ Counts towards the year's target"))
    return lines


def stage_lines(t: Translator, topics: Sequence[tuple[str, TopicStage]], counting: TopicStage | None) -> list[str]:
    """Under the key-topic duty (`/me`, the board's explanation): each topic's stage, and the stage at which
    the team counts one."""
    lines = [t("    · {title}: {stage}").format(title=title, stage=stage_label(t, stage)) for title, stage in topics]
    if counting is not None:
        lines.append(t("    A key topic counts once it reaches “{stage}” (/topics)").format(
            stage=stage_label(t, counting)))
    return lines
