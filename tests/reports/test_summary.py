"""The weekly summary's text (reports/summary.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from core.domain import Duty
from locales import translator
from reports import summary as words
from storage.summary import Summary


def test_the_year_so_far_rounds_as_me_does() -> None:
    """4.65 research days done: /me shows 4.7 (half up), so the summary does too, not 4.6."""
    done = {duty: Decimal(0) for duty in Duty} | {Duty.RESEARCH_DAYS: Decimal("4.65"), Duty.COLLECTIVE_STUDY: Decimal(3)}
    expected = {duty: Decimal(1) for duty in Duty} | {Duty.RESEARCH_DAYS: Decimal(10)}
    shown = Summary(team_name="省政府党组", start=date(2026, 11, 23), end=date(2026, 11, 29), today=date(2026, 11, 30),
                    logged={}, trips=0, year_done=done, year_expected=expected, moved_up=[], upcoming=[], overdue=[])
    lines = words.render(translator("zh"), shown, names=True, for_admins=False).splitlines()
    assert any(line.startswith("  下基层调研 4.7/10 ") for line in lines), lines
    assert any(line.startswith("  集体学习 3/1 ") for line in lines), lines


def test_the_weeks_research_days_carry_their_trips_as_each_language_writes_it() -> None:
    """下基层调研 5 天（2 次）, no space before the full-width bracket; Grassroots research 5 days (2 trips)."""
    nothing = {duty: Decimal(0) for duty in Duty}
    week = Summary(team_name="省政府党组", start=date(2026, 11, 23), end=date(2026, 11, 29), today=date(2026, 11, 30),
                   logged={Duty.RESEARCH_DAYS: Decimal(5)}, trips=2, year_done=nothing, year_expected=nothing,
                   moved_up=[], upcoming=[], overdue=[])
    assert "  下基层调研 5 天（2 次）" in words.render(translator("zh"), week, names=True, for_admins=False).splitlines()
    english = words.render(translator("en"), week, names=True, for_admins=False).splitlines()
    assert any(line.endswith(" 5 days (2 trips)") for line in english), english
