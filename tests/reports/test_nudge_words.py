"""The words of deadline nudges (reports/nudges.py) in each reader's language."""

from __future__ import annotations

from datetime import date

from locales import translator
from reports import nudges as words


def test_due_day_words_and_snooze_labels_follow_each_call_s_language_and_days() -> None:
    # when_words and snooze_label answer from a cache of recent arguments (a tick words the same few due days
    # for thousands of items): the language, the due day and today must each still count
    zh, en = translator("zh"), translator("en")
    today = date(2026, 11, 24)
    assert words.when_words(en, date(2026, 11, 27), today) == words.when_words(en, date(2026, 11, 27), today)
    assert words.when_words(en, date(2026, 11, 27), today).startswith("due in 3 days")
    assert words.when_words(en, date(2026, 11, 27), date(2026, 11, 26)).startswith("due tomorrow")
    assert words.when_words(en, date(2026, 11, 22), today).startswith("overdue by 2 days")
    assert words.when_words(zh, date(2026, 11, 27), today) != words.when_words(en, date(2026, 11, 27), today)
    assert "3" in words.when_words(zh, date(2026, 11, 27), today)
    assert words.snooze_label(en, 1) == "Remind me in 1 day"
    assert words.snooze_label(en, 3) == "Remind me in 3 days"
    assert words.snooze_label(zh, 3) not in (words.snooze_label(en, 3), words.snooze_label(zh, 1))
    text = words.deadline_nudge(en, kind="task", title="督办事项", due=date(2026, 11, 22), today=today)
    assert "督办事项" in text and "overdue by 2 days" in text
