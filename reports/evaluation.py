"""The year-end evaluation (年末有考评) in the reader's language: a member's 年度履职情况 as text (their own, with
the office's grade and comment once published), the team's overview for the office, and a one-page A4 report
per member for printing, as PDF (the Chinese font embedded as TrueType: ``pdf.fonttype`` 42) or PNG, all of a
team's in one zip. The font is the race board's (reports/race_board.py `cjk_font`).
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from core.advice import whole_up
from core.evaluation import KindRate, MemberEvaluation
from locales import N_, Translator
from reports.progress_card import duty_name, unit, whole
from reports.race_board import DEADLINE_KIND, cjk_font, points
from reports.topics import stage_label
from reports.words import format_day, listed, number
from storage.evaluation import Entry, TeamEvaluation

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MAX_MESSAGE = 4096
NO_TOPIC = N_("none registered")
TITLE = N_("{year} annual performance · {name}")
A4 = (8.27, 11.69)  # inches


def rate_text(t: Translator, rate: KindRate) -> str:
    if rate.rate is None:
        return t("nothing due")
    return t("{on_time} of {judged} on time ({rate}%)").format(on_time=rate.on_time, judged=rate.judged,
                                                              rate=rate.rate)


def months_text(t: Translator, year: int, months: tuple[int, ...]) -> str:
    """1月、2月、11月 / Jan, Feb, Nov."""
    if not months:
        return t("none")
    return listed(t, (format_day(t, date(year, month, 1), "M月" if t.lang == "zh" else "MMM") for month in months))


def rank_text(t: Translator, figures: MemberEvaluation) -> str:
    if figures.rank is None:
        return t("not ranked")
    return t("rank {rank} of {n}").format(rank=figures.rank, n=figures.ranked_of)


def figure_lines(t: Translator, figures: MemberEvaluation) -> list[str]:
    """The 年度履职情况 line by line (text, PDF and PNG share them)."""
    lines = [t("Score for the year: {score} ({rank})").format(score=points(figures.score), rank=rank_text(t, figures)),
             "", t("Duties (done / target):")]
    for line in figures.duties:
        share = "—" if line.completion is None else f"{line.completion}%"
        lines.append("• " + t("{duty}: {done} / {target} {unit} ({share})").format(
            duty=duty_name(t, line.duty), done=number(line.done), target=whole(line.target),
            unit=unit(t, line.duty, Decimal(whole_up(line.target))), share=share))
    for extra in figures.extras:
        share = "—" if extra.completion is None else f"{extra.completion}%"
        lines.append("• " + t("{duty}: {done} / {target} {unit} ({share})").format(
            duty=extra.name, done=number(extra.done), target=whole(extra.target), unit=extra.unit, share=share))
    lines += ["", t("Handled on time:")]
    lines += ["• " + t("{kind}: {rate}").format(kind=t(DEADLINE_KIND[rate.kind]), rate=rate_text(t, rate))
              for rate in figures.rates]
    overall = "—" if figures.on_time_rate is None else f"{figures.on_time_rate}%"
    lines += ["• " + t("All together: {rate}").format(rate=overall),
              t("Overdue items: {n}").format(n=figures.overdue),
              t("Key research topic: {state}").format(state=topic_words(t, figures)),
              t("Months led the race: {months}").format(months=months_text(t, figures.year, figures.months_led))]
    return lines


def topic_words(t: Translator, figures: MemberEvaluation) -> str:
    """The key topic's furthest stage as /me names it (形成报告), or that none is registered."""
    return t(NO_TOPIC) if figures.topic is None else stage_label(t, figures.topic)


def office_lines(t: Translator, entry: Entry) -> list[str]:
    return [t("Grade: {grade}").format(grade=entry.grade or t("not given yet")),
            t("Comment: {comment}").format(comment=entry.comment or t("none"))]


def render_member(t: Translator, evaluation: TeamEvaluation, entry: Entry, *, with_office: bool) -> str:
    """A member's evaluation: the figures, and the office's grade and comment when ``with_office``."""
    lines = ["📊 " + t(TITLE).format(year=evaluation.year, name=entry.name), ""] + figure_lines(t, entry.figures)
    if with_office:
        lines += [""] + office_lines(t, entry)
    return "\n".join(lines)[:MAX_MESSAGE]


def render_team(t: Translator, evaluation: TeamEvaluation) -> str:
    """The office's overview: each member's rank, score and grade, and what is left before publishing."""
    lines = ["📊 " + t("{year} year-end evaluation · {team}").format(year=evaluation.year, team=evaluation.team_name),
             ""]
    for entry in evaluation.entries:
        place = "—" if entry.figures.rank is None else str(entry.figures.rank)
        lines.append(t("{rank}. {name}: {score} points · {grade}").format(
            rank=place, name=entry.name, score=points(entry.figures.score), grade=entry.grade or t("not graded")))
    if not evaluation.entries:
        lines.append(t("No member races this year."))
    lines.append("")
    if evaluation.published:
        lines.append(t("Published: each member has received their own evaluation."))
    else:
        lines.append(t("Press a member to give a grade and a comment; publish when every member is graded."))
    text = "\n".join(lines)
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


# --------------------------------------------------------------------------- the printed page


def _page(t: Translator, evaluation: TeamEvaluation, entry: Entry, *, with_office: bool) -> Figure:
    """The member's A4 page as a matplotlib Figure: the title, the figures, a bar per duty, the office's words."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=A4, dpi=100)
    figure.text(0.5, 0.955, t(TITLE).format(year=evaluation.year, name=entry.name), ha="center", va="top",
                fontsize=18)
    figure.text(0.5, 0.925, evaluation.team_name, ha="center", va="top", fontsize=11, color="#555555")
    lines = figure_lines(t, entry.figures) + ([""] + office_lines(t, entry) if with_office else [])
    figure.text(0.08, 0.89, "\n".join(lines), ha="left", va="top", fontsize=10.5, linespacing=1.6)
    axes = figure.add_axes((0.32, 0.08, 0.6, 0.25))
    names = [duty_name(t, line.duty) for line in entry.figures.duties][::-1]
    shares = [float(line.completion if line.completion is not None else Decimal(100))
              for line in entry.figures.duties][::-1]
    axes.barh(names, shares, color="#4e79a7", height=0.6)
    axes.set_xlim(0, 100)
    axes.set_xlabel(t("Completion (%)"))
    for row, share in enumerate(shares):
        axes.text(min(share, 88.0) + 1, row, f"{share:.1f}%", va="center", fontsize=8)
    return figure


def _rc() -> dict[Any, Any]:
    font = cjk_font()
    settings: dict[Any, Any] = {"pdf.fonttype": 42, "ps.fonttype": 42}
    if font is not None:
        settings["font.family"] = [font, "DejaVu Sans"]
    return settings


def pdf(t: Translator, evaluation: TeamEvaluation, entry: Entry, *, with_office: bool = True) -> bytes:
    """The member's one-page A4 report as PDF, its fonts embedded (TrueType, so the Chinese prints as it is)."""
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    buffer = io.BytesIO()
    with matplotlib.rc_context(_rc()):
        figure = _page(t, evaluation, entry, with_office=with_office)
        with PdfPages(buffer, metadata={"Title": t(TITLE).format(year=evaluation.year, name=entry.name)}) as pages:
            pages.savefig(figure)
    return buffer.getvalue()


def png(t: Translator, evaluation: TeamEvaluation, entry: Entry, *, with_office: bool = True, dpi: int = 100) -> bytes:
    """The same page as PNG."""
    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context(_rc()):
        figure = _page(t, evaluation, entry, with_office=with_office)
        figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def file_name(t: Translator, evaluation: TeamEvaluation, entry: Entry, suffix: str = "pdf") -> str:
    return f"{evaluation.year}-{t('evaluation')}-{entry.name}.{suffix}"


def archive(t: Translator, evaluation: TeamEvaluation) -> bytes:
    """Every member's PDF in one zip (UTF-8 names)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as folder:
        for entry in evaluation.entries:
            folder.writestr(file_name(t, evaluation, entry), pdf(t, evaluation, entry))
    return buffer.getvalue()
