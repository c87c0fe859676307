"""No exception reaches a user as silence or a traceback, and the token never reaches the log."""

from __future__ import annotations

import logging

import pytest

from harness import TEST_TOKEN
from storage import onboarding
from tests.e2e.conftest import Saima


async def test_a_failure_gets_an_apology_in_the_users_language_and_details_in_the_log(
    saima: Saima, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(onboarding, "join_with_code", broken)
    with caplog.at_level(logging.ERROR, logger="saima.errors"):
        reply = await saima.control.user(1001, "张三").send(f"/join {saima.invite_code}")
    assert reply.text == "抱歉，系统出了点问题。您已确认的内容不会丢失，请稍后再试。"
    assert "Traceback" not in reply.text
    assert any("database on fire" in (r.exc_text or str(r.exc_info)) for r in caplog.records)

    english = saima.control.user(1002, "Tom", language_code="en")
    reply = await english.send(f"/join {saima.invite_code}")
    assert reply.text == "Sorry, something went wrong on our side. Nothing you confirmed was lost; please try again in a moment."


def test_the_token_is_redacted_from_log_lines() -> None:
    from bot import RedactToken

    record = logging.LogRecord("httpx", logging.INFO, __file__, 1, "POST %s", (f"http://x/bot{TEST_TOKEN}/getMe",), None)
    assert RedactToken(TEST_TOKEN).filter(record)
    assert TEST_TOKEN not in record.getMessage() and "<token>" in record.getMessage()
