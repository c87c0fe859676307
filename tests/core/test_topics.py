"""How long a key research topic's title may be (core/topics.py)."""

from __future__ import annotations

import pytest

from core.topics import MAX_TITLE, TitleProblem, title_problem


@pytest.mark.parametrize("title, problem", [
    ("山区26县高质量发展路径研究", None),
    ("共富", None),  # two characters: enough
    ("富", TitleProblem.TOO_SHORT),
    ("题" * MAX_TITLE, None),
    ("题" * (MAX_TITLE + 1), TitleProblem.TOO_LONG),
    ("😀" * (MAX_TITLE // 2), None),  # an emoji counts two, as Telegram counts
    ("😀" * (MAX_TITLE // 2 + 1), TitleProblem.TOO_LONG),
    ("😀", TitleProblem.TOO_SHORT),  # the shortest counts characters
])
def test_a_topic_title_is_two_to_two_hundred_characters(title: str, problem: TitleProblem | None) -> None:
    assert title_problem(title) is problem
