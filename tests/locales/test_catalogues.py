"""Catalogues: every message in the code is translated into Chinese, and English is complete."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from locales import LOCALE_DIR, normalise_language, translator

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = ("core", "handlers", "jobs", "reports", "storage", "webapp")
KEYWORDS = {"t": None, "N_": None, "ngettext": (1, 2)}


def _ids_in_code() -> set[str]:
    found: set[str] = set()
    for folder in SOURCE_DIRS:
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _catalogue(lang: str) -> Catalog:
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / "saima.po", "rb") as po:
        return read_po(po)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_every_message_in_the_code_is_translated(lang: str) -> None:
    catalogue = _catalogue(lang)
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in catalogue
        if m.id and m.string and all(m.string if isinstance(m.string, tuple) else [m.string])
        and not m.fuzzy
    }
    assert sorted(_ids_in_code() - translated) == []


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_every_message_in_the_catalogue_is_found_in_the_code(lang: str) -> None:
    """A message the extraction cannot see (a translator called under another name) would be dropped from the
    catalogue by the next `make extract-messages` and shown untranslated: mark such a message with N_."""
    in_catalogue = {m.id[0] if isinstance(m.id, tuple) else m.id for m in _catalogue(lang) if m.id}
    assert sorted(in_catalogue - _ids_in_code()) == []


def test_no_chinese_message_puts_a_date_in_brackets() -> None:
    """A full date reads 2026年11月24日（星期二）: wrapped in brackets or followed by another bracket it made
    （2026年11月24日（星期二）） and （星期二）（交办后 3 个月）, which an official would not write."""
    dated = re.compile(r"（\{(day|due|date|left|took)\}）|\{(day|due|date)\}（")
    catalogue = _catalogue("zh_CN")
    texts = [str(text) for m in catalogue if m.id
             for text in (m.string if isinstance(m.string, tuple) else (m.string,))]
    assert [text for text in texts if dated.search(text)] == []


def test_no_chinese_message_sets_a_name_apart_with_spaces() -> None:
    """欢迎张三！ and 已保存：张三的评价等次, not 欢迎 张三！ or 张三 的: Chinese writes a name into the sentence, and so
    a title (《山区道路建设》的答复), a day (有效期至2026年12月5日（星期六）：) and the ends of a span (…至11月8日)."""
    names = "name|names|who|member|admin|lead|whom|actor|creator|assignee|title|start|end|date"
    chinese = "[\u4e00-\u9fff（），。：；、“”！]"
    spaced = re.compile(rf"{chinese} \{{({names})\}}|\{{({names})\}} {chinese}")
    texts = [str(text) for m in _catalogue("zh_CN") if m.id
             for text in (m.string if isinstance(m.string, tuple) else (m.string,))]
    assert [text for text in texts if spaced.search(text)] == []


def test_the_leadership_team_is_called_banzi_in_chinese() -> None:
    """An official writes of their leadership team as 班子 (给班子成员发通知), never 团队, a company's word."""
    texts = [str(text) for m in _catalogue("zh_CN") if m.id
             for text in (m.string if isinstance(m.string, tuple) else (m.string,))]
    assert [text for text in texts if "团队" in text] == []


def test_chinese_is_really_chinese() -> None:
    catalogue = _catalogue("zh_CN")
    english_only = [m.id for m in catalogue if m.id and isinstance(m.string, str)
                    and m.string == m.id and not m.id.startswith("Language set to English")]
    assert english_only == []


def test_translators_answer_in_their_language() -> None:
    assert translator("zh")("Commands:") == "可用命令："
    assert translator("en")("Commands:") == "Commands:"


@pytest.mark.parametrize(("code", "lang"), [("zh-hans", "zh"), ("zh-TW", "zh"), ("en-US", "en"), ("en", "en"),
                                            ("ru", "zh"), (None, "zh"), ("", "zh")])
def test_telegram_language_codes_map_to_supported_languages(code: str | None, lang: str) -> None:
    assert normalise_language(code) == lang


def _definitions(lang: str) -> list[tuple[str, str]]:
    """Each entry's (msgctxt, msgid) as written, in file order (babel's reader keeps one of two and says nothing).
    An entry starts at its msgctxt, or at a msgid that no msgctxt just opened."""
    found: list[tuple[str, str]] = []
    parts: dict[str, str] = {}
    field = None

    def flush() -> None:
        if parts.get("msgid"):
            found.append((parts.get("msgctxt", ""), parts["msgid"]))
        parts.clear()

    text = (LOCALE_DIR / lang / "LC_MESSAGES" / "saima.po").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if line.startswith('"'):
            if field is not None:
                parts[field] += ast.literal_eval(line)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword == "msgctxt" or (keyword == "msgid" and field != "msgctxt"):
            flush()
        field = keyword
        parts[field] = ast.literal_eval(rest)
    flush()
    return found


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_no_message_is_defined_twice(lang: str) -> None:
    """Two branches translating one message differently leave two entries; the compiled catalogue keeps one."""
    definitions = _definitions(lang)
    assert len(definitions) > 500
    assert sorted({d for d in definitions if definitions.count(d) > 1}) == []
