"""Message text as Telegram sees it: parse modes, entities and UTF-16 lengths.

Telegram turns formatted input (HTML, MarkdownV2, Markdown) into plain text plus a list of
entities whose offsets and lengths count UTF-16 code units, and it rejects malformed markup
with "can't parse entities: ...". Entities for commands, mentions, hashtags and URLs are
detected automatically in plain text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from emulator.errors import bad_request

MAX_TEXT = 4096
MAX_CAPTION = 1024


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


@dataclass
class Formatted:
    """Plain text and its entities (UTF-16 offsets), as stored in a Message."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def format_text(text: str, parse_mode: str | None, entities: Any = None) -> Formatted:
    """Apply a parse mode (or explicit entities) and add Telegram's automatic entities."""
    if entities:
        if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
            raise bad_request("can't parse entities JSON object")
        parsed = Formatted(text, [dict(e) for e in entities])
    else:
        parsed = _parse(text, (parse_mode or "").strip().lower())
    parsed.entities = _sorted(parsed.entities + _auto_entities(parsed.text, parsed.entities))
    return parsed


def _parse(text: str, mode: str) -> Formatted:
    if mode in ("", "none"):
        return Formatted(text)
    if mode == "html":
        return _HtmlParser(text).parse()
    if mode == "markdownv2":
        return _MarkdownV2Parser(text).parse()
    if mode == "markdown":
        return _LegacyMarkdownParser(text).parse()
    raise bad_request("unsupported parse_mode")


def _sorted(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


class _Builder:
    """Accumulates output text while tracking the UTF-16 offset of its end."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.offset = 0
        self.entities: list[dict[str, Any]] = []

    def add(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.offset += utf16_len(chunk)

    def entity(self, kind: str, start: int, **extra: Any) -> None:
        if self.offset > start:
            self.entities.append({"offset": start, "length": self.offset - start, "type": kind, **extra})

    def result(self) -> Formatted:
        return Formatted("".join(self.parts), self.entities)


_Opened = TypeVar("_Opened")


class _Parser(Generic[_Opened]):
    """What both parsers keep: the source, the text and entities built so far, and the tags or markers open."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.out = _Builder()
        self.stack: list[_Opened] = []


def _cant_parse(detail: str) -> Exception:
    return bad_request(f"can't parse entities: {detail}")


# --- HTML -------------------------------------------------------------------------------

_SIMPLE_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "tg-spoiler": "spoiler",
    "code": "code", "pre": "pre", "blockquote": "blockquote",
}
_OTHER_TAGS = {"a", "span", "tg-emoji"}
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^>]*)?)\s*/?>")
_ATTR = re.compile(r"""([a-zA-Z][a-zA-Z0-9_-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_CHAR_REF = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")


@dataclass
class _OpenTag:
    name: str
    attrs: dict[str, str]
    start: int


class _HtmlParser(_Parser[_OpenTag]):
    def parse(self) -> Formatted:
        i = 0
        source = self.source
        while i < len(source):
            char = source[i]
            if char == "<":
                i = self._tag(i)
            elif char == "&":
                i = self._char_ref(i)
            else:
                next_special = _next_special(source, i)
                self.out.add(source[i:next_special])
                i = next_special
        if self.stack:
            raise _cant_parse(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"')
        return self.out.result()

    def _char_ref(self, i: int) -> int:
        match = _CHAR_REF.match(self.source, i)
        if match is None:
            self.out.add("&")
            return i + 1
        self.out.add(html.unescape(match.group(0)))
        return match.end()

    def _tag(self, i: int) -> int:
        match = _TAG.match(self.source, i)
        where = f"at byte offset {byte_offset(self.source, i)}"
        if match is None:
            if ">" not in self.source[i:]:
                raise _cant_parse(f"Unclosed start tag {where}")
            raise _cant_parse(f"Unsupported start tag {where}")
        closing, name = match.group(1) == "/", match.group(2).lower()
        if closing:
            self._close(name, where)
        else:
            self._open(name, _attributes(match.group(3)), where)
        return match.end()

    def _open(self, name: str, attrs: dict[str, str], where: str) -> None:
        if name not in _SIMPLE_TAGS and name not in _OTHER_TAGS:
            raise _cant_parse(f'Unsupported start tag "{name}" {where}')
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise _cant_parse(f'Tag "span" must have class "tg-spoiler" {where}')
        self.stack.append(_OpenTag(name, attrs, self.out.offset))

    def _close(self, name: str, where: str) -> None:
        if not self.stack:
            raise _cant_parse(f"Unexpected end tag {where}")
        top = self.stack[-1]
        if top.name != name:
            raise _cant_parse(f'Unmatched end tag {where}, expected "</{top.name}>", found "</{name}>"')
        self.stack.pop()
        self._entity(top)

    def _entity(self, tag: _OpenTag) -> None:
        if tag.name == "a":
            href = tag.attrs.get("href", "")
            mention = re.fullmatch(r"tg://user\?id=(\d+)", href)
            if mention:
                self.out.entity("text_mention", tag.start, user={"id": int(mention.group(1)), "is_bot": False,
                                                                 "first_name": ""})
            elif href:
                self.out.entity("text_link", tag.start, url=href)
        elif tag.name == "span":
            self.out.entity("spoiler", tag.start)
        elif tag.name == "tg-emoji":
            self.out.entity("custom_emoji", tag.start, custom_emoji_id=tag.attrs.get("emoji-id", ""))
        elif tag.name == "code" and self.stack and self.stack[-1].name == "pre":
            language = tag.attrs.get("class", "").removeprefix("language-")
            if language:
                self.stack[-1].attrs["language"] = language
        elif tag.name == "pre":
            extra = {"language": tag.attrs["language"]} if tag.attrs.get("language") else {}
            self.out.entity("pre", tag.start, **extra)
        elif tag.name == "blockquote":
            kind = "expandable_blockquote" if "expandable" in tag.attrs else "blockquote"
            self.out.entity(kind, tag.start)
        else:
            self.out.entity(_SIMPLE_TAGS[tag.name], tag.start)


def _next_special(source: str, start: int) -> int:
    positions = [p for p in (source.find("<", start), source.find("&", start)) if p != -1]
    return min(positions) if positions else len(source)


def _attributes(raw: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for match in _ATTR.finditer(raw or ""):
        value = next((g for g in match.groups()[1:] if g is not None), "")
        attrs[match.group(1).lower()] = html.unescape(value)
    return attrs


# --- MarkdownV2 -------------------------------------------------------------------------

_RESERVED_V2 = set("_*[]()~`>#+-=|{}.!")
_V2_MARKERS = {"*": "bold", "_": "italic", "__": "underline", "~": "strikethrough", "||": "spoiler"}
_ENTITY_NAMES = {"bold": "Bold", "italic": "Italic", "underline": "Underline",
                 "strikethrough": "Strikethrough", "spoiler": "Spoiler", "text_link": "TextUrl"}


@dataclass
class _OpenMarker:
    marker: str
    start: int
    byte: int


class _MarkdownV2Parser(_Parser[_OpenMarker]):
    def __init__(self, source: str) -> None:
        super().__init__(source)
        self.quote_start: int | None = None

    def parse(self) -> Formatted:
        i = 0
        while i < len(self.source):
            i = self._step(i)
        self._end_quote()
        if self.stack:
            top = self.stack[-1]
            name = _ENTITY_NAMES.get(_V2_MARKERS.get(top.marker, "text_link"), "TextUrl")
            raise _cant_parse(f"Can't find end of {name} entity at byte offset {top.byte}")
        return self.out.result()

    def _step(self, i: int) -> int:
        source, char = self.source, self.source[i]
        if char == "\\":
            return self._escape(i)
        if char == ">" and (i == 0 or source[i - 1] == "\n"):
            if self.quote_start is None:
                self.quote_start = self.out.offset
            return i + 1
        if char == "\n":
            self.out.add("\n")
            if not source.startswith(">", i + 1):
                self._end_quote()
            return i + 1
        if char == "`":
            return self._code(i)
        if source.startswith("__", i):
            return self._toggle("__", i)
        if source.startswith("||", i):
            return self._toggle("||", i)
        if char in "*_~":
            return self._toggle(char, i)
        if char == "[" or (char == "!" and source.startswith("![", i)):
            self.stack.append(_OpenMarker(source[i:i + 2] if char == "!" else "[", self.out.offset,
                                          byte_offset(source, i)))
            return i + (2 if char == "!" else 1)
        if char == "]" and self.stack and self.stack[-1].marker in ("[", "!["):
            return self._link(i)
        if char in _RESERVED_V2:
            raise _cant_parse(f"Character '{char}' is reserved and must be escaped with the preceding '\\'")
        self.out.add(char)
        return i + 1

    def _escape(self, i: int) -> int:
        if i + 1 >= len(self.source) or ord(self.source[i + 1]) > 126:
            raise _cant_parse("Character '\\' is reserved and must be escaped with the preceding '\\'")
        self.out.add(self.source[i + 1])
        return i + 2

    def _toggle(self, marker: str, i: int) -> int:
        if self.stack and self.stack[-1].marker == marker:
            opened = self.stack.pop()
            self.out.entity(_V2_MARKERS[marker], opened.start)
        elif any(m.marker == marker for m in self.stack):
            top = self.stack[-1]
            name = _ENTITY_NAMES.get(_V2_MARKERS.get(top.marker, "text_link"), "TextUrl")
            raise _cant_parse(f"Can't find end of {name} entity at byte offset {top.byte}")
        else:
            self.stack.append(_OpenMarker(marker, self.out.offset, byte_offset(self.source, i)))
        return i + len(marker)

    def _code(self, i: int) -> int:
        fence = "```" if self.source.startswith("```", i) else "`"
        body_start = i + len(fence)
        end = _find_unescaped(self.source, fence, body_start)
        if end == -1:
            kind = "Pre" if fence == "```" else "Code"
            raise _cant_parse(f"Can't find end of {kind} entity at byte offset {byte_offset(self.source, i)}")
        body = self.source[body_start:end]
        language = ""
        if fence == "```" and "\n" in body:
            first, rest = body.split("\n", 1)
            if first and re.fullmatch(r"[A-Za-z0-9_+#.-]+", first):
                language, body = first, rest
        start = self.out.offset
        self.out.add(re.sub(r"\\([\\`])", r"\1", body))
        if fence == "```":
            self.out.entity("pre", start, **({"language": language} if language else {}))
        else:
            self.out.entity("code", start)
        return end + len(fence)

    def _link(self, i: int) -> int:
        opened = self.stack.pop()
        if not self.source.startswith("(", i + 1):
            raise _cant_parse(f"Can't find end of a URL at byte offset {byte_offset(self.source, i)}")
        end = _find_unescaped(self.source, ")", i + 2)
        if end == -1:
            raise _cant_parse(f"Can't find end of a URL at byte offset {byte_offset(self.source, i + 1)}")
        url = re.sub(r"\\([\\)])", r"\1", self.source[i + 2:end])
        if opened.marker == "![":
            emoji_id = url.split("id=", 1)[-1]
            self.out.entity("custom_emoji", opened.start, custom_emoji_id=emoji_id)
        else:
            mention = re.fullmatch(r"tg://user\?id=(\d+)", url)
            if mention:
                self.out.entity("text_mention", opened.start,
                                user={"id": int(mention.group(1)), "is_bot": False, "first_name": ""})
            else:
                self.out.entity("text_link", opened.start, url=url)
        return end + 1

    def _end_quote(self) -> None:
        if self.quote_start is not None:
            # the newline that ends a quote is not part of it
            text = "".join(self.out.parts)
            end = self.out.offset - (1 if text.endswith("\n") else 0)
            if end > self.quote_start:
                self.out.entities.append({"offset": self.quote_start, "length": end - self.quote_start,
                                          "type": "blockquote"})
            self.quote_start = None


def _find_unescaped(source: str, needle: str, start: int) -> int:
    i = start
    while i < len(source):
        if source[i] == "\\":
            i += 2
            continue
        if source.startswith(needle, i):
            return i
        i += 1
    return -1


# --- legacy Markdown --------------------------------------------------------------------

_LEGACY_MARKERS = {"*": "bold", "_": "italic"}


class _LegacyMarkdownParser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.out = _Builder()

    def parse(self) -> Formatted:
        i = 0
        source = self.source
        while i < len(source):
            char = source[i]
            if char == "\\" and i + 1 < len(source) and source[i + 1] in "_*`[":
                self.out.add(source[i + 1])
                i += 2
            elif char in "*_`[":
                i = self._entity(i)
            else:
                self.out.add(char)
                i += 1
        return self.out.result()

    def _entity(self, i: int) -> int:
        source = self.source
        fence = "```" if source.startswith("```", i) else source[i]
        closer = "]" if fence == "[" else fence
        end = source.find(closer, i + len(fence))
        if end == -1:
            raise _cant_parse(f"Can't find end of the entity starting at byte offset {byte_offset(source, i)}")
        body = source[i + len(fence):end]
        start = self.out.offset
        if fence == "[":
            return self._link(i, end, body, start)
        if fence == "```":
            language = ""
            if "\n" in body and re.fullmatch(r"[A-Za-z0-9_+#.-]+", body.split("\n", 1)[0]):
                language, body = body.split("\n", 1)
            self.out.add(body)
            self.out.entity("pre", start, **({"language": language} if language else {}))
        else:
            self.out.add(body)
            self.out.entity(_LEGACY_MARKERS.get(fence, "code"), start)
        return end + len(closer)

    def _link(self, i: int, end: int, body: str, start: int) -> int:
        if not self.source.startswith("(", end + 1) or self.source.find(")", end + 1) == -1:
            raise _cant_parse(f"Can't find end of the entity starting at byte offset {byte_offset(self.source, i)}")
        close = self.source.find(")", end + 1)
        self.out.add(body)
        self.out.entity("text_link", start, url=self.source[end + 2:close])
        return close + 1


# --- automatic entities -----------------------------------------------------------------

_AUTO = re.compile(
    r"(?P<bot_command>(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/]))"
    r"|(?P<url>\bhttps?://[^\s<>\"]+[^\s<>\".,;:!?)\]'])"
    r"|(?P<email>\b[\w.+-]+@[\w-]+\.[\w.-]*\w)"
    r"|(?P<mention>(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}\b)"
    r"|(?P<hashtag>(?<![\w#])#\w*[^\W\d_]\w*)"
)


_OPAQUE = {"code", "pre", "text_link", "text_mention", "custom_emoji", "url", "email", "mention", "hashtag",
           "bot_command", "cashtag", "phone_number"}


def _auto_entities(text: str, existing: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entities Telegram detects by itself; never inside code, links or other detected ones."""
    taken = [(e["offset"], e["offset"] + e["length"]) for e in existing if e.get("type") in _OPAQUE]
    found: list[dict[str, Any]] = []
    for match in _AUTO.finditer(text):
        start = utf16_len(text[:match.start()])
        length = utf16_len(match.group(0))
        if any(start < end and begin < start + length for begin, end in taken):
            continue
        found.append({"offset": start, "length": length, "type": match.lastgroup})
    return found

