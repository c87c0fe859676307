"""Every request's plain text is cut to Telegram's limit in UTF-16 units where all requests pass."""

from __future__ import annotations

from typing import Any

from jobs.delivery import fit_to_telegram


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_a_message_of_emoji_is_cut_to_4096_units_with_an_ellipsis() -> None:
    data: dict[str, Any] = {"chat_id": 1, "text": "😀" * 3000}
    fit_to_telegram("sendMessage", data)
    assert _units(data["text"]) <= 4096 and data["text"].endswith("😀…")


def test_captions_alerts_and_edits_get_their_own_limits() -> None:
    for endpoint, field, limit in (("sendPhoto", "caption", 1024), ("sendDocument", "caption", 1024),
                                   ("editMessageCaption", "caption", 1024), ("answerCallbackQuery", "text", 200),
                                   ("editMessageText", "text", 4096)):
        data = {field: "长" * 5000}
        fit_to_telegram(endpoint, data)
        assert len(data[field]) == limit and data[field].endswith("…"), endpoint


def test_text_within_the_limit_marked_up_text_and_other_requests_are_left_alone() -> None:
    short = {"text": "短"}
    fit_to_telegram("sendMessage", short)
    assert short == {"text": "短"}
    marked = {"text": "a" * 5000, "parse_mode": "HTML"}
    fit_to_telegram("sendMessage", marked)
    assert len(marked["text"]) == 5000
    other = {"text": "a" * 5000}
    fit_to_telegram("getMe", other)
    assert len(other["text"]) == 5000
