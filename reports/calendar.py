"""What the bot tells the office about the team's calendar (storage/calendar.py, core/holidays.py)."""

from __future__ import annotations

from locales import Translator


def unarranged_notice(t: Translator, years: list[int]) -> str:
    """One paragraph per year the calendar is missing the State Council's arrangement for (storage/calendar.py
    `unarranged_years`): what goes wrong, and what the office can do. Empty when none is missing."""
    return "\n".join(t(
        "⚠️ The calendar here does not have the State Council's {year} holiday arrangement yet: {year} has the "
        "public holidays themselves but no make-up working days, and its long breaks (Spring Festival, National "
        "Day) are incomplete, so reminders and boards could go out while the offices are closed. Please enter the "
        "days off and make-up working days of the notice with /holiday (this notice stops once a make-up working "
        "day of {year} is entered), or ask for the holidays package to be upgraded.").format(year=year)
        for year in years)
