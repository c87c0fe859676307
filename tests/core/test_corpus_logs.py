"""Issue 14's bar on its corpus (tests/core/corpus_logs.py): at least 95% of the messages get the right draft
on the first reply, and every other one a question with buttons, never "没有看懂"."""

from __future__ import annotations

from core.log_reading import reports_finding, reports_task
from tests.core.corpus_logs import CORPUS, NOW, Ask
from tests.core.score_corpus import NotUnderstood, report, score


def test_at_least_95_percent_of_the_corpus_gets_the_right_draft_on_the_first_reply() -> None:
    result = score()
    assert result.total == len(CORPUS) >= 150
    assert result.share >= 0.95, report(result) + "".join(f"\n{text}: {got}" for text, _, got in result.misses)


def test_every_other_message_gets_a_question_with_buttons_never_a_refusal() -> None:
    result = score()
    assert result.not_understood == 0
    assert all(isinstance(got, Ask) for _, _, got in result.misses), result.misses


def test_the_corpus_is_mostly_chinese_with_and_without_commands() -> None:
    chinese = [text for text, _ in CORPUS if any("\u4e00" <= ch <= "\u9fff" for ch in text)]
    assert len(chinese) >= 0.6 * len(CORPUS)
    assert any(text.startswith("/") for text, _ in CORPUS) and any(not text.startswith("/") for text, _ in CORPUS)


def test_a_refusal_would_be_counted() -> None:
    """The scorer counts what it is given: a reader that refuses everything scores nothing."""
    result = score(lambda _text: NotUnderstood())
    assert result.right == 0 and result.not_understood == len(CORPUS)


def test_no_message_of_the_corpus_is_taken_as_a_task_report_or_a_finding_first() -> None:
    """The bot checks those before the kinds (handlers/log_any.py); the scorer reads the kinds only, which
    holds while no corpus message reads as either."""
    plain = [text for text, _ in CORPUS if not text.startswith("/")]
    assert [text for text in plain if reports_task(text) or reports_finding(text, now=NOW, lang=None)] == []
