"""Clocks: the FileClock that lets a test move a real process's time (SAIMA_CLOCK_FILE), and bot.py
choosing it only when told to."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

import bot
from core.clock import FileClock, SystemClock
from tests.conftest import SHANGHAI


def test_a_file_clock_reads_the_instant_in_its_file_at_every_call(tmp_path: Path) -> None:
    path = tmp_path / "clock"
    path.write_text("2026-11-30T09:00:00+08:00\n", encoding="utf-8")
    clock = FileClock(path)
    assert clock.now() == datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI)
    assert clock.now().tzinfo == UTC
    path.write_text("2026-11-30T10:00:00+08:00", encoding="utf-8")
    assert clock.now() == datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI)
    path.write_text("", encoding="utf-8")  # caught half-written: the last instant read
    assert clock.now() == datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize("content", [None, "tomorrow", "2026-11-30T09:00:00"])
def test_a_file_clock_refuses_a_missing_file_or_an_instant_without_offset(tmp_path: Path, content: str | None) -> None:
    path = tmp_path / "clock"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises((OSError, ValueError)):
        FileClock(path)


def test_bot_uses_the_file_clock_only_with_saima_clock_file_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.delenv("SAIMA_CLOCK_FILE", raising=False)
    assert isinstance(bot.clock_from_environment(), SystemClock)
    path = tmp_path / "clock"
    path.write_text("2026-12-01T09:00:00+08:00", encoding="utf-8")
    monkeypatch.setenv("SAIMA_CLOCK_FILE", str(path))
    with caplog.at_level(logging.WARNING, logger="saima"):
        clock = bot.clock_from_environment()
    assert isinstance(clock, FileClock) and clock.now() == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    assert f"Saima's clock reads {path} (SAIMA_CLOCK_FILE)" in caplog.text
