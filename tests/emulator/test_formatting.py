"""Parse modes and entities, checked directly on the formatting module."""

from __future__ import annotations

import pytest

from emulator.errors import ApiError
from emulator.formatting import format_text, utf16_len


def entities(text: str, mode: str | None) -> tuple[str, list[tuple[str, int, int]]]:
    parsed = format_text(text, mode)
    return parsed.text, [(e["type"], e["offset"], e["length"]) for e in parsed.entities]


def test_utf16_length_counts_astral_characters_twice() -> None:
    assert (utf16_len("abc"), utf16_len("字"), utf16_len("😀"), utf16_len("👨‍👩‍👧")) == (3, 1, 2, 8)


def test_nested_html_tags_produce_nested_entities() -> None:
    assert entities("<b>粗<i>斜</i></b><u>下</u>", "HTML") == (
        "粗斜下", [("bold", 0, 2), ("italic", 1, 1), ("underline", 2, 1)])


def test_html_pre_with_a_code_language_becomes_one_pre_entity() -> None:
    parsed = format_text('<pre><code class="language-python">print(1)</code></pre>', "HTML")
    assert parsed.text == "print(1)"
    assert parsed.entities == [{"offset": 0, "length": 8, "type": "pre", "language": "python"}]


def test_html_numeric_and_named_character_references_are_unescaped() -> None:
    assert format_text("&lt;&#20320;&#x597D;&gt; &quot;a&amp;b&quot; &nbsp;", "HTML").text == '<你好> "a&b" &nbsp;'


def test_html_spoilers_mentions_and_blockquotes_are_recognised() -> None:
    text, found = entities('<span class="tg-spoiler">秘</span><a href="tg://user?id=7">人</a>'
                           "<blockquote expandable>引</blockquote>", "HTML")
    assert (text, found) == ("秘人引", [("spoiler", 0, 1), ("text_mention", 1, 1), ("expandable_blockquote", 2, 1)])


def test_markdown_v2_handles_links_code_blocks_and_escapes() -> None:
    text, found = entities("__下__ ~删~ ||剧透|| [链接](https://e.org/a\\)b)\n```py\nx = 1\n```", "MarkdownV2")
    assert text == "下 删 剧透 链接\nx = 1\n"
    assert found == [("underline", 0, 1), ("strikethrough", 2, 1), ("spoiler", 4, 2), ("text_link", 7, 2),
                     ("pre", 10, 6)]


def test_markdown_v2_block_quotes_span_consecutive_lines() -> None:
    text, found = entities(">第一行\n>第二行\n正文", "MarkdownV2")
    assert (text, found) == ("第一行\n第二行\n正文", [("blockquote", 0, 7)])


def test_legacy_markdown_has_no_nesting_and_requires_closed_entities() -> None:
    assert entities("*粗* _斜_ `码` [链](https://e.org)", "Markdown") == (
        "粗 斜 码 链", [("bold", 0, 1), ("italic", 2, 1), ("code", 4, 1), ("text_link", 6, 1)])
    with pytest.raises(ApiError, match="Can't find end of the entity starting at byte offset 5"):
        format_text("snake_case", "Markdown")


def test_automatic_entities_use_utf16_offsets_and_skip_code() -> None:
    text, found = entities("😀 #赛马 /rank <code>/not_a_command</code>", "HTML")
    assert text == "😀 #赛马 /rank /not_a_command"
    assert found == [("hashtag", 3, 3), ("bot_command", 7, 5), ("code", 13, 14)]


def test_an_unknown_parse_mode_is_rejected() -> None:
    with pytest.raises(ApiError, match="unsupported parse_mode"):
        format_text("x", "BBCode")
