"""core.text: names joined from Telegram's parts, control characters dropped at the door, lengths in UTF-16
units, text cut to fit."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.text import ELLIPSIS, MAX_MESSAGE, LazyPattern, clean, fit, fit_chars, join_name, utf16_len


@pytest.mark.parametrize(("first", "last", "name"), [
    ("张", "明", "张明"),
    ("张", "小明", "张小明"),
    ("欧阳", "娜娜", "欧阳娜娜"),
    (" 张 ", " 明 ", "张明"),
    ("John", "Smith", "John Smith"),
    ("张", "Ming", "张 Ming"),
    ("Zhang", "明", "Zhang 明"),
    ("张明", None, "张明"),
    ("张明", "", "张明"),
    ("", "Smith", "Smith"),
    (None, None, ""),
    ("Mary Ann", "O'Neil", "Mary Ann O'Neil"),
    ("阿依古丽·", "买买提", "阿依古丽·买买提"),
    ("李", "𠀀", "李𠀀"),  # an extension-B character is Han too
])
def test_chinese_parts_join_without_a_space_and_others_with_one(first: str | None, last: str | None,
                                                                name: str) -> None:
    assert join_name(first, last) == name



@pytest.mark.parametrize(("raw", "multiline", "cleaned"), [
    ("优化\x00营商环境", True, "优化营商环境"),
    ("a\tb\nc", True, "a\tb\nc"),
    ("a\tb\nc", False, "a b c"),
    ("line\r\nnext", True, "line\nnext"),
    ("bell\x07 esc\x1b del\x7f c1\x85\x9f", True, "bell esc del c1"),
    ("lone \ud800 surrogate", True, "lone  surrogate"),
    ("😀𠀀 kept", True, "😀𠀀 kept"),
    ("\u2028 zwj\u200d kept", True, "\u2028 zwj\u200d kept"),
])
def test_clean_drops_control_characters_and_keeps_layout_where_allowed(raw: str, multiline: bool,
                                                                       cleaned: str) -> None:
    assert clean(raw, multiline=multiline) == cleaned


@pytest.mark.parametrize(("text", "units"), [("", 0), ("abc", 3), ("张三", 2), ("😀", 2), ("𠀀a", 3),
                                             ("😀" * 2000, 4000)])
def test_utf16_len_counts_as_telegram_does(text: str, units: int) -> None:
    assert utf16_len(text) == units


def test_fit_cuts_emoji_text_to_4096_units_with_an_ellipsis_and_never_inside_a_character() -> None:
    cut = fit("😀" * 2100)
    assert cut.endswith(ELLIPSIS) and utf16_len(cut) <= MAX_MESSAGE and set(cut[:-1]) == {"😀"}
    assert fit("短文本") == "短文本"
    assert fit("x" * 4096) == "x" * 4096
    assert fit("abcdef", 4) == "abc…"


def test_fit_chars_fits_a_column() -> None:
    name = "甲" * 64 + " " + "乙" * 64
    assert len(fit_chars(name, 128)) == 128 and fit_chars(name, 128).endswith(ELLIPSIS)


@given(st.text(), st.integers(min_value=2, max_value=5000))
def test_fit_always_fits(text: str, limit: int) -> None:
    cut = fit(text, limit)
    assert utf16_len(cut) <= limit and (cut == text or cut.endswith(ELLIPSIS))


@given(st.text())
def test_clean_leaves_no_control_character(text: str) -> None:
    assert not any(ord(c) < 0x20 and c not in "\t\n" or 0x7F <= ord(c) <= 0x9F or 0xD800 <= ord(c) <= 0xDFFF
                   for c in clean(text))


def test_a_lazy_pattern_compiles_on_first_use_and_answers_as_re_does() -> None:
    lazy = LazyPattern(r"(?P<n>[0-9]+)\s*(?:号|th)", re.IGNORECASE)
    assert lazy._compiled is None  # nothing compiled on import
    text = "the 5TH and 12号"
    eager = re.compile(r"(?P<n>[0-9]+)\s*(?:号|th)", re.IGNORECASE)
    found = lazy.search(text)
    assert found is not None and found["n"] == "5" and found.re is lazy.compiled
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in eager.finditer(text)]
    assert lazy.sub("#", text) == eager.sub("#", text) and lazy.split(text, 1) == eager.split(text, 1)
    assert lazy.match(text) is None and lazy.fullmatch("7th") is not None
    assert lazy.compiled is lazy.compiled  # compiled once
