"""The race board as text (within Telegram's 4096 characters) and as a PNG chart, and one member's
score explained term by term, in the reader's language.

Who is named: admins always see names; members see names when the team shows them
(`Team.show_names_in_race`), else anonymous labels by position on this board (成员A is whoever is
first), so a label does not follow a person from one board to the next. The reader's own line is
always named and marked ▶.

Each line carries a small bar per duty (one block, ▁ to █, for its completion), in the order of
the legend line; the chart shows the same points stacked per member.

The chart draws Chinese with Noto Sans SC, which ships inside the pinned `pylopdf-fonts-zh-cn` package
(SIL Open Font License) and is registered with matplotlib from the package's own file the first time
a chart is drawn (in memory: no download, no font cache written), so it works on any machine the lock
installs on; a CJK font of the server's (e.g. Noto Sans CJK from `fonts-noto-cjk`) would do as well.
Should none be there, Chinese cannot be drawn: the chart falls back to the English words and to rank
labels ("#1", "#2 ▶") for names it cannot draw, and the caption, which Telegram renders, says so.
"""

from __future__ import annotations

import io
import string
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from core.advice import whole_up
from core.domain import Duty, TopicStage
from core.race import DeadlineKind, Period, PeriodKind, Ranked, Score, Step, most_improved
from locales import N_, Translator, translator
from reports.progress_card import duty_name, unit
from reports.topics import stage_lines
from reports.words import format_day, listed, number, short_day
from storage.race import Board

MAX_MESSAGE = 4096
CHART_MAX_BARS = 30
SHORT_DUTY = {
    Duty.RESEARCH_DAYS: N_("Trips"),
    Duty.KEY_RESEARCH_TOPICS: N_("Key topic"),
    Duty.COLLECTIVE_STUDY: N_("Study"),
    Duty.LAW_STUDY: N_("Law"),
    Duty.KEY_SUGGESTIONS: N_("Sugg."),
    Duty.KEY_PROPOSALS: N_("Prop."),
}
DEADLINE_KIND = {
    DeadlineKind.REPLY: N_("Replies to suggestions and proposals"),
    DeadlineKind.FEEDBACK: N_("Feedback on follow-up items"),
    DeadlineKind.TASK: N_("Supervised tasks"),
}
ON_TIME, OVERDUE, POINTS = N_("On time"), N_("Overdue"), N_("Points")
CHART_TITLE = N_("Race board · {period} (as of {day})")
BLOCKS = "▁▂▃▄▅▆▇█"
OWN_MARK = "▶"


# --------------------------------------------------------------------------- words


def period_in_words(t: Translator, period: Period) -> str:
    """2026年11月 / Nov 2026; 2026年第4季度 / Q4 2026; 2026年度 / 2026."""
    if period.kind is PeriodKind.MONTH:
        return format_day(t, period.start, "y年M月" if t.lang == "zh" else "MMM y")
    if period.kind is PeriodKind.QUARTER:
        return t("Q{quarter} {year}").format(quarter=period.index, year=period.year)
    return t("Year {year}").format(year=period.year)


def points(value: Decimal) -> str:
    """A score, one decimal everywhere (boards, chart, explanation): 87.3, 55.0 (never 55 beside 54.5)."""
    return f"{value.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):f}"


def _one_decimal(value: Decimal) -> str:
    return number(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _percent(value: Decimal) -> str:
    return f"{(value * 100).quantize(Decimal('1'), rounding=ROUND_HALF_UP)}%"


def movement(t: Translator, entry: Ranked) -> str:
    if entry.movement is None:
        return t("new")
    if entry.movement > 0:
        return f"↑{entry.movement}"
    if entry.movement < 0:
        return f"↓{-entry.movement}"
    return "—"


def duty_blocks(score: Score) -> str:
    top = len(BLOCKS) - 1
    return "".join(BLOCKS[min(top, int(term.completion * top))] for term in score.duties)


def anonymous_label(t: Translator, position: int) -> str:
    """成员A, 成员B, … 成员Z, 成员AA … by position (0-based) on the board."""
    letters, n = "", position
    while True:
        letters = string.ascii_uppercase[n % 26] + letters
        n = n // 26 - 1
        if n < 0:
            break
    return t("Member {letter}").format(letter=letters)


@dataclass(frozen=True)
class Line:
    """One line of the board as this reader sees it: the entry, its name or anonymous label, and
    whether it is the reader's own."""

    entry: Ranked
    label: str
    own: bool


def lines_for(t: Translator, board: Board, *, viewer_id: int | None, names: bool) -> list[Line]:
    """Who each line is, as this reader may see it."""
    result = []
    for position, entry in enumerate(board.ranked):
        own = entry.member_id == viewer_id
        contender = board.contenders.get(entry.member_id)
        label = contender.name if (names or own) and contender is not None else anonymous_label(t, position)
        result.append(Line(entry, label, own))
    return result


# --------------------------------------------------------------------------- the board as text


def render_board(t: Translator, board: Board, *, viewer_id: int | None, names: bool,
                 limit: int = MAX_MESSAGE) -> str:
    """The board within ``limit`` characters: lines that do not fit are summed up in one line, but the
    reader's own line is always kept."""
    head = [t("🏇 Race board · {period} (as of {day})").format(period=period_in_words(t, board.period),
                                                              day=short_day(t, board.day)),
            t("Bars: {duties}").format(duties=" · ".join(t(SHORT_DUTY[duty]) for duty in Duty)), ""]
    body = []
    for line in lines_for(t, board, viewer_id=viewer_id, names=names):
        mark = f"{OWN_MARK} " if line.own else ""
        body.append((line.own, f"{mark}{line.entry.rank}. {line.label}  {points(line.entry.score.total)}  "
                               f"{movement(t, line.entry)}  {duty_blocks(line.entry.score)}"))
    tail = []
    improved = improved_line(t, board, viewer_id=viewer_id, names=names)
    if improved:
        tail.append(improved)
    if not board.ranked:
        tail.append(t("Nobody to rank yet."))
    if board.unranked:
        tail.append(t.ngettext("{n} member not ranked (joined later or on leave throughout).",
                               "{n} members not ranked (joined later or on leave throughout).",
                               board.unranked).format(n=board.unranked))
    tail.append(t("Score: duties done against the period's target (capped at 100% each), "
                  "plus on-time replies, minus overdue items."))
    fixed = len("\n".join(head + tail)) + 1
    kept: list[str] = []
    own_line = next((text for own, text in body if own), None)
    budget = limit - fixed - (len(own_line) + 1 if own_line else 0) - 60  # room for the "more" line
    used = 0
    for index, (own, text) in enumerate(body):
        if own:
            kept.append(text)
            continue
        if used + len(text) + 1 > budget:
            left = len(body) - index - (1 if own_line is not None and own_line not in kept else 0)
            rest_own = [text for own, text in body[index:] if own]
            if left > 0:
                kept.append(t.ngettext("… and {n} more", "… and {n} more", left).format(n=left))
            kept.extend(rest_own)
            break
        kept.append(text)
        used += len(text) + 1
    return "\n".join(head + kept + [""] + tail)


def improved_line(t: Translator, board: Board, *, viewer_id: int | None, names: bool) -> str | None:
    """进步最快 / Most improved: who gained the most places, labelled as on this board; None for nobody."""
    best = {entry.member_id for entry in most_improved(board.ranked)}
    if not best:
        return None
    shown = [line for line in lines_for(t, board, viewer_id=viewer_id, names=names) if line.entry.member_id in best]
    joined = listed(t, (line.label for line in shown))
    return t("🚀 Most improved: {names} ({movement})").format(names=joined, movement=movement(t, shown[0].entry))


def standing(t: Translator, board: Board, *, viewer_id: int, names: bool, to_pass: Ranked | None,
             steps: Sequence[Step], advice: bool = True) -> str | None:
    """A runner's own place, the entries above and below, and (``advice``) what would pass the next
    place (privately); None for someone not on the board (the office, who does not race)."""
    every = lines_for(t, board, viewer_id=viewer_id, names=names)
    index = next((i for i, line in enumerate(every) if line.own), None)
    if index is None:
        return None
    own = every[index].entry
    lines = [t("Your place: {rank} of {size}, {points} points").format(
        rank=own.rank, size=len(every), points=points(own.score.total))]
    if index > 0:
        above = every[index - 1]
        lines.append(t("Above you: {rank}. {name}  {points}").format(
            rank=above.entry.rank, name=above.label, points=points(above.entry.score.total)))
    if index + 1 < len(every):
        below = every[index + 1]
        lines.append(t("Below you: {rank}. {name}  {points}").format(
            rank=below.entry.rank, name=below.label, points=points(below.entry.score.total)))
    tied = sum(1 for line in every if line.entry.rank == own.rank) - 1
    if advice and to_pass is None and tied:  # level at the top: nobody leads
        lines.append(t.ngettext("You share first place with {n} other.", "You share first place with {n} others.",
                                tied).format(n=tied))
    elif advice and to_pass is None:
        lines.append(t("You lead the board."))
    elif advice and to_pass is not None and steps:
        ways = t(" or ").join(step_in_words(t, step) for step in steps)
        lines.append(t("To pass #{rank}: {ways} more.").format(ways=ways, rank=to_pass.rank))
    elif advice and to_pass is not None:
        lines.append(t("No single duty can close the gap to #{rank} now: on-time replies and closing "
                       "overdue items count too.").format(rank=to_pass.rank))
    return "\n".join(lines)


def step_in_words(t: Translator, step: Step) -> str:
    """"2 次集体学习" / "2 collective study sessions"."""
    n = step.units
    if step.duty is Duty.RESEARCH_DAYS:
        words = t.ngettext("{n} day of grassroots research", "{n} days of grassroots research", n)
    elif step.duty is Duty.KEY_RESEARCH_TOPICS:
        words = t.ngettext("{n} key research topic", "{n} key research topics", n)
    elif step.duty is Duty.COLLECTIVE_STUDY:
        words = t.ngettext("{n} collective study session", "{n} collective study sessions", n)
    elif step.duty is Duty.LAW_STUDY:
        words = t.ngettext("{n} collective law study session", "{n} collective law study sessions", n)
    elif step.duty is Duty.KEY_SUGGESTIONS:
        words = t.ngettext("{n} key NPC suggestion led", "{n} key NPC suggestions led", n)
    else:
        words = t.ngettext("{n} key CPPCC proposal led", "{n} key CPPCC proposals led", n)
    return words.format(n=n)


# --------------------------------------------------------------------------- one score explained


def explain(t: Translator, name: str, entry: Ranked | None, score: Score, *, size: int,
            topics: Sequence[tuple[str, TopicStage]] = (), topic_counting: TopicStage | None = None) -> str:
    """Every term of one member's score for the period (under the key-topic term, their topics' stages)."""
    period = period_in_words(t, score.period)
    if entry is None:
        head = t("{name} · {period}: not ranked (no day counted in this period).").format(name=name,
                                                                                        period=period)
    else:
        head = t("{name} · {period}: {score} points, rank {rank} of {size}").format(
            name=name, period=period, score=points(score.total), rank=entry.rank, size=size)
    lines = [head,
             t.ngettext("Counted on {n} day up to {day}: targets are the year's, spread over the days "
                        "you were in post.",
                        "Counted on {n} days up to {day}: targets are the year's, spread over the days "
                        "you were in post.",
                        score.active_days).format(n=score.active_days, day=short_day(t, score.day)), ""]
    # each target as the score divides by it, to one decimal as every figure here (1/1.4 天 → 72%, where the
    # 2 people would count read 1/2 天 → 72%)
    for term in score.duties:
        cap = t(" (capped)") if term.padded else ""
        lines.append(t("{duty}: {done}/{target} {unit} → {percent}{cap} × {weight} = {points}").format(
            duty=duty_name(t, term.duty), done=_one_decimal(term.done), target=_one_decimal(term.target),
            unit=unit(t, term.duty, Decimal(whole_up(term.target))), percent=_percent(term.completion),
            cap=cap,
            weight=number(term.weight), points=points(term.points)))
        if term.duty is Duty.KEY_RESEARCH_TOPICS:
            lines.extend(stage_lines(t, topics, topic_counting))
    for extra in score.extras:  # the team's own duties, in the six's words
        lines.append(t("{duty}: {done}/{target} {unit} → {percent}{cap} × {weight} = {points}").format(
            duty=extra.name, done=_one_decimal(extra.done), target=_one_decimal(extra.target), unit=extra.unit,
            percent=_percent(extra.completion), cap=t(" (capped)") if extra.done > extra.target else "",
            weight=number(extra.weight), points=points(extra.points)))
    if score.on_time_rate is None:
        lines.append(t("On time: nothing fell due in this period → full {weight}").format(
            weight=number(score.on_time_weight)))
    else:
        lines.append(t("On time: {on_time} of {judged} items due → {percent} × {weight} = "
                       "{points}").format(on_time=score.on_time, judged=score.judged,
                                          percent=_percent(score.on_time_rate),
                                          weight=number(score.on_time_weight),
                                          points=points(score.on_time_points)))
    if score.overdue == 0:  # not "−0.0"
        lines.append(t("Overdue: none → nothing taken off"))
    else:
        lines.append(t.ngettext("Overdue: {n} item × {penalty} = −{points}",
                                "Overdue: {n} items × {penalty} = −{points}", score.overdue).format(
            n=score.overdue, penalty=number(score.overdue_penalty), points=points(score.overdue_points)))
    for tally in score.tallies:
        lines.append(t("  · {kind}: {on_time} of {judged} on time, {overdue} overdue").format(
            kind=t(DEADLINE_KIND[tally.kind]), on_time=tally.on_time, judged=tally.judged,
            overdue=tally.overdue))
    lines.append(t("Total: {total}").format(total=points(score.total)))
    return "\n".join(lines)


# --------------------------------------------------------------------------- the chart


def register_bundled_font() -> str | None:
    """Adds the packaged Noto Sans SC to matplotlib's font list (this process only); its path, or None."""
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        return None
    from matplotlib import font_manager

    path = pylopdf_fonts_zh_cn.sans_path()
    if not path.is_file():
        return None
    if not any(entry.fname == str(path) for entry in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(str(path))
    return str(path)


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The name of a font that can draw Chinese (the bundled one first), or None."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    register_bundled_font()
    preferred = ("Noto Sans CJK", "Noto Sans SC", "Source Han Sans", "WenQuanYi", "Droid Sans Fallback",
                 "AR PL", "SimHei", "Microsoft YaHei", "PingFang")
    candidates = sorted(font_manager.fontManager.ttflist,
                        key=lambda f: not any(f.name.startswith(p) for p in preferred))
    for entry in candidates:
        if entry.name.startswith("Last Resort"):  # a box for every character: it draws nothing readable
            continue
        try:
            if ord("赛") in FT2Font(entry.fname).get_charmap():
                return str(entry.name)
        except (OSError, RuntimeError, ValueError):
            continue
    return None


@lru_cache(maxsize=1)
def _default_charmap() -> frozenset[int]:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(font_manager.findfont("DejaVu Sans")).get_charmap())


def drawable(text: str) -> bool:
    """Whether the chart can draw ``text`` with its font."""
    return cjk_font() is not None or all(ord(c) in _default_charmap() or c.isspace() for c in text)


@dataclass(frozen=True)
class Chart:
    """The board's chart as a PNG, and whether it fell back to English words and rank labels."""

    png: bytes
    fallback: bool  # words in English / rank labels: no font could draw the reader's language


def chart_caption(t: Translator, period: Period, chart: Chart) -> str:
    """The chart photo's caption: the period, and why it is labelled in English or by rank if it is."""
    caption = period_in_words(t, period)
    if chart.fallback:
        caption += "\n" + t("The chart is labelled in English and by rank: no Chinese font is installed "
                            "on the server.")
    return caption


COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#76b7b2", "#edc948", "#b07aa1", "#9c755f")


def render_chart(t: Translator, board: Board, *, viewer_id: int | None, names: bool) -> Chart:
    """The board as a horizontal stacked bar chart (duty points, on-time points, overdue deduction)."""
    import matplotlib

    matplotlib.use("Agg")

    font = cjk_font()
    words = t
    if font is None and not all(drawable(t(SHORT_DUTY[duty])) for duty in Duty):
        words = translator("en")
    fallback = words is not t
    shown = _chart_lines(t, board, viewer_id=viewer_id, names=names)
    labels = []
    for line in shown:
        mark = f" {OWN_MARK}" if line.own else ""
        label = f"{line.entry.rank}. {line.label}"
        if not drawable(label):
            label, fallback = f"#{line.entry.rank}", True
        labels.append(label + mark)

    with matplotlib.rc_context({"font.family": [font, "DejaVu Sans"]} if font else {}):
        png = _draw(words, board, shown, labels)
    return Chart(png, fallback)


BAR_HEIGHT = 0.7
PNG_COMPRESSION = 1  # zlib's fastest: a chart of ~30 bars is flat colour, level 1 is about as small as 6


def _draw(words: Translator, board: Board, shown: Sequence[Line], labels: list[str]) -> bytes:
    """The stacked bars as ONE collection of rectangles (a patch per bar made matplotlib lay out and draw
    ~200 artists), the legend from one proxy patch per series, the PNG written at low compression."""
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    height = 1.6 + 0.38 * max(1, len(shown))
    figure = Figure(figsize=(8, height), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    rows = list(range(len(shown)))[::-1]  # first place at the top
    left = [0.0] * len(shown)
    series = [(words(SHORT_DUTY[duty]), [float(line.entry.score.duties[i].points) for line in shown])
              for i, duty in enumerate(Duty)]
    series.append((words(ON_TIME), [float(line.entry.score.on_time_points) for line in shown]))
    overdue = [-float(line.entry.score.overdue_points) for line in shown]
    stacked = [(name, values, colour, left) for (name, values), colour in zip(series, COLOURS, strict=False)]
    for index, (name, values, colour, _) in enumerate(stacked[1:], start=1):
        previous = stacked[index - 1]
        stacked[index] = (name, values, colour, [a + b for a, b in zip(previous[3], previous[1], strict=True)])
    if any(overdue):
        stacked.append((words(OVERDUE), overdue, "#e15759", [0.0] * len(shown)))
    bars: list[list[tuple[float, float]]] = []
    faces: list[str] = []
    for _name, values, colour, starts in stacked:
        for row, start, width in zip(rows, starts, values, strict=True):
            if width:
                low, high = row - BAR_HEIGHT / 2, row + BAR_HEIGHT / 2
                bars.append([(start, low), (start + width, low), (start + width, high), (start, high)])
                faces.append(colour)
    axes.add_collection(PolyCollection(bars, facecolors=faces, edgecolors="none", linewidths=0),
                        autolim=False)
    for row, line in zip(rows, shown, strict=True):
        axes.text(max(float(line.entry.score.total), 0.0) + 1, row, points(line.entry.score.total), va="center",
                  fontsize=8)
    axes.set_yticks(rows, labels, fontsize=9)
    axes.set_xlabel(words(POINTS))
    title = words(CHART_TITLE).format(period=period_in_words(words, board.period),
                                      day=short_day(words, board.day))
    axes.set_title(title, fontsize=11)
    figure.legend(handles=[Patch(facecolor=colour, label=name) for name, _, colour, _ in stacked],
                  loc="outside lower center", fontsize=7, ncols=4)
    axes.axvline(0, color="#333333", linewidth=0.6)
    highest = max((float(line.entry.score.total) for line in shown), default=0.0)
    axes.set_xlim(min(min(overdue, default=0) - 2, -2), max(highest, 1.0) * 1.12 + 2)
    span = max(0, len(shown) - 1) + BAR_HEIGHT  # the bars' extent, with matplotlib's default 5 % margins
    axes.set_ylim(-BAR_HEIGHT / 2 - 0.05 * span, span - BAR_HEIGHT / 2 + 0.05 * span)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", pil_kwargs={"compress_level": PNG_COMPRESSION})
    return buffer.getvalue()


def _chart_lines(t: Translator, board: Board, *, viewer_id: int | None, names: bool) -> Sequence[Line]:
    every = lines_for(t, board, viewer_id=viewer_id, names=names)
    shown = every[:CHART_MAX_BARS]
    own = [line for line in every[CHART_MAX_BARS:] if line.own]
    return shown + own
