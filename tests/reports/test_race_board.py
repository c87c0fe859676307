"""The race board as text within Telegram's limit, anonymous labels, and the chart as a valid PNG."""

from __future__ import annotations

import io
import re
import struct
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from core.domain import Duty
from core.pace import DEFAULT_TARGETS, Availability
from core.race import MemberInputs, Period, PeriodKind, Weights, rank, score
from locales import translator
from reports import race_board
from storage.race import Board, Contender

NOV = Period(PeriodKind.MONTH, 2026, 11)
WEIGHTS = Weights(duties={duty: Decimal(10) for duty in Duty}, on_time=Decimal(15),
                  overdue_penalty=Decimal(2))


def board(size: int, *, previous: dict[int, int] | None = None, name: str = "成员姓名") -> Board:
    scores = [score(MemberInputs(i, Availability(2026), DEFAULT_TARGETS,
                                 {Duty.RESEARCH_DAYS: Decimal(i % 7)}),
                    NOV, as_of=date(2026, 11, 21), weights=WEIGHTS) for i in range(1, size + 1)]
    people = {i: Contender(i, f"{name}{i}", 1000 + i) for i in range(1, size + 1)}
    return Board(team_id=1, period=NOV, day=date(2026, 11, 21), ranked=rank(scores, previous),
                 contenders=people, unranked=0, previous_saved=False, scores={s.member_id: s for s in scores})


@pytest.mark.parametrize(("position", "label"), [(0, "成员A"), (25, "成员Z"), (26, "成员AA"), (27, "成员AB"),
                                                 (701, "成员ZZ"), (702, "成员AAA")])
def test_anonymous_labels(position: int, label: str) -> None:
    assert race_board.anonymous_label(translator("zh"), position) == label


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_board_of_two_thousand_fits_one_message_and_keeps_the_readers_line(lang: str) -> None:
    big = board(2000)
    viewer = big.ranked[-1].member_id  # last place
    text = race_board.render_board(translator(lang), big, viewer_id=viewer, names=False)
    assert len(text) <= 4096
    assert f"▶ {big.ranked[-1].rank}. 成员姓名{viewer}  " in text  # one's own line, named
    assert "成员姓名1 " not in text  # the others anonymous
    assert ("… 另有" if lang == "zh" else "… and") in text


def test_movement_words() -> None:
    t = translator("zh")
    ranked = board(3, previous={1: 1, 2: 3}).ranked
    moves = {entry.member_id: race_board.movement(t, entry) for entry in ranked}
    assert moves == {3: "新", 2: "↑1", 1: "↓2"}  # 3rd → 2nd, 1st → 3rd


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_chart_is_a_valid_png_in_the_readers_language_or_says_it_fell_back(lang: str) -> None:
    from matplotlib.image import imread

    names = "张" if lang == "zh" else "Tom "
    chart = race_board.render_chart(translator(lang), board(12, name=names), viewer_id=3, names=True)
    width, height = _png_size(chart.png)
    assert width == 800 and height > 300
    assert imread(io.BytesIO(chart.png), format="png").shape[:2] == (height, width)  # decodes
    assert chart.fallback is (lang == "zh" and race_board.cjk_font() is None)


def test_a_big_board_charts_the_top_thirty_and_the_reader() -> None:
    big = board(200)
    lines = race_board._chart_lines(translator("en"), big, viewer_id=big.ranked[-1].member_id, names=True)
    assert len(lines) == 31 and lines[-1].own


def test_the_chinese_chart_draws_every_glyph_with_the_bundled_cjk_font() -> None:
    import warnings

    from matplotlib import font_manager

    bundled = race_board.register_bundled_font()
    assert bundled is not None and bundled.endswith("NotoSansSC-Regular.otf")  # from the pinned package
    font = race_board.cjk_font()
    assert font is not None
    found = font_manager.findfont(font_manager.FontProperties(family=[font]), fallback_to_default=False)
    # the same file, however reached (matplotlib's font cache may hold it by another path to the same venv)
    assert Path(found).resolve() == Path(bundled).resolve() \
        or font.startswith("Noto Sans CJK")  # a server's own Noto Sans CJK is as good
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        chart = race_board.render_chart(translator("zh"), board(12, name="张"), viewer_id=3, names=True)
    assert not chart.fallback
    assert [str(w.message) for w in caught if "missing from font" in str(w.message)] == []
    assert race_board.drawable("赛马榜 · 2026年11月 下基层 张三")


def test_without_a_cjk_font_chinese_glyphs_would_be_missing() -> None:
    """The check above can fail: DejaVu Sans alone warns for each Chinese glyph."""
    import warnings

    from matplotlib.figure import Figure

    figure = Figure()
    figure.text(0.5, 0.5, "赛马", family="DejaVu Sans")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure.savefig(io.BytesIO(), format="png")
    assert any("missing from font" in str(w.message) for w in caught)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_scores_show_one_decimal_on_the_board_and_in_the_explanation(lang: str) -> None:
    t = translator(lang)
    small = board(3)
    first = small.ranked[0]
    exact = first.score.total
    assert exact != exact.quantize(Decimal("0.1"))  # the score itself has more decimals
    text = race_board.render_board(t, small, viewer_id=None, names=True)
    shown = f"{exact.quantize(Decimal('0.1')).normalize():f}"
    assert f"1. 成员姓名{first.member_id}  {shown}  " in text
    explained = race_board.explain(t, "张明", first, first.score, size=3)
    assert re.search(r"\d\.\d\d", text) is None and re.search(r"\d\.\d\d", explained) is None
    # a target is shown as the score divides by it, to one decimal (60 × 21/365 = 3.45 days asked this month)
    assert re.search(r"/3\.5 (天|days) ", explained) is not None
